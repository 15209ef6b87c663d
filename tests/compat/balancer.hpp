#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace clockko::compat {

/// nginx (Debian's, open source) in front of `clockko` instances, configured like the AWS ALB
/// of the deployment: round robin over the targets in rotation; passive failure detection
/// (max_fails/fail_timeout); a request already sent is never retried on another target (the ALB
/// does not retry either); and, like the ALB's target health check, a checker thread that GETs
/// `health_path` on every registered target and takes a target out of rotation after
/// `unhealthy_threshold` failed checks in a row (back in after as many passes). Register and
/// Deregister are what ECS does to the target group when it starts and stops a task.
/// nginx runs in the foreground (`daemon off`) from a private temporary prefix on a free
/// loopback port; a change of rotation rewrites the configuration and reloads it (SIGHUP), and
/// returns once the new configuration answers.
/// @par Thread safety: every function may be called from any thread.
class Balancer final {
public:
    struct Options {
        std::string health_path = "/health";
        std::chrono::milliseconds health_interval{200};
        int unhealthy_threshold = 2;
    };

    explicit Balancer(Options options);
    ~Balancer();
    Balancer(const Balancer&) = delete;
    Balancer& operator=(const Balancer&) = delete;
    Balancer(Balancer&&) = delete;
    Balancer& operator=(Balancer&&) = delete;

    [[nodiscard]] std::string BaseUrl() const;

    /// Puts the target on 127.0.0.1:`port` in rotation now (the caller has seen it ready).
    void Register(int port);
    /// Takes the target out of rotation and stops checking it.
    void Deregister(int port);
    /// The ports nginx currently sends requests to.
    [[nodiscard]] std::set<int> InRotation() const;

    /// nginx's access log: one line per request, "msec status upstream_addr method uri".
    [[nodiscard]] std::string AccessLog() const;
    [[nodiscard]] std::string ErrorLog() const;

private:
    struct Target {
        bool in_rotation = true;
        int failures = 0;
        int passes = 0;
    };

    void WriteConfig(const std::set<int>& ports, int generation) const;
    // Rewrites the configuration for the targets in rotation and waits for nginx to serve it.
    // Requires mutex_.
    void Reload();
    void WaitForGeneration(int generation) const;
    void CheckHealth();
    void CheckOnce();

    Options options_;
    std::string prefix_;
    int port_ = 0;
    int pid_ = -1;
    mutable std::mutex mutex_;
    std::map<int, Target> targets_;
    int generation_ = 0;
    bool stopping_ = false;
    std::thread checker_;
};

}  // namespace clockko::compat
