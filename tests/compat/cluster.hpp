#pragma once

#include "balancer.hpp"
#include "compat_support.hpp"
#include "http_client.hpp"
#include "maildev.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace clockko::compat {

using SteadyClock = std::chrono::steady_clock;

inline constexpr int kInstances = 3;
inline constexpr const char* kPassword = "Password123";
/// Like the target group's deregistration delay, shortened for the tests.
inline constexpr int kShutdownDelaySeconds = 2;
/// How long the "ALB" keeps routing to a task after SIGTERM (ECS deregisters and signals at
/// about the same time; the load balancer takes a moment to stop): well inside the delay.
inline constexpr std::chrono::milliseconds kDeregistrationLag{400};

/// What one iteration of a load achieved.
struct Outcome {
    std::string email;
    bool ok = false;
    long status = 0;  ///< of the registration
    SteadyClock::time_point started;
    std::string failure;  ///< which request failed and how
};

/// `workers` threads each running `step` until Stop(), `max_iterations` or `max_duration`:
/// bounded in count and time whatever the test does.
class Load final {
public:
    using Step = std::function<Outcome(int worker, int iteration)>;

    /// `pause` between two iterations of a worker paces the load (and the mail it causes).
    Load(
        int workers,
        int max_iterations,
        std::chrono::seconds max_duration,
        std::chrono::milliseconds pause,
        Step step
    );
    ~Load();
    Load(const Load&) = delete;
    Load& operator=(const Load&) = delete;
    Load(Load&&) = delete;
    Load& operator=(Load&&) = delete;

    /// Ends the load and returns every outcome.
    std::vector<Outcome> Stop();

private:
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<Outcome> results_;
    std::vector<std::thread> threads_;
};

/// A JSON object of string fields.
std::string Json(std::initializer_list<std::pair<const char*, std::string>> fields);
testing::HttpResult Register(const std::string& base, const std::string& email);
testing::HttpResult Login(
    const std::string& base, const std::string& email, const std::string& password
);
/// The access token of a login answer, or "" when there is none.
std::string TokenOf(const testing::HttpResult& login);
testing::HttpResult CurrentUser(const std::string& base, const std::string& token);
/// Polls /health/ready until it answers 200; false when `patience` runs out.
bool WaitReady(
    const testing::ServerProcess& server, std::chrono::seconds patience = std::chrono::seconds{15}
);

/// Instances of `clockko` on one PostgreSQL schema of their own, sending mail to the run's
/// MailDev. Skips (or fails under CLOCKKO_REQUIRE_*) without PostgreSQL or MailDev.
class Cluster : public ::testing::Test {
protected:
    void SetUp() override;
    /// Stops every instance still running, all at once (each waits out its shutdown delay).
    void TearDown() override;

    [[nodiscard]] std::map<std::string, std::string> Environment() const;
    testing::ServerProcess& StartInstance();
    /// Started at once, so that they also migrate the empty schema at once (advisory lock).
    void StartInstances(int count);
    /// An address no other test of the run uses.
    [[nodiscard]] std::string Email(const std::string& tag, int worker, int n) const;

    /// Waits for `count` messages to each recipient, then a quiet moment for duplicates. Mail
    /// a stopped or killed instance had claimed but not sent stays leased for the outbox's 60 s
    /// lease; rather than wait that out, once the outbox has stopped moving (no live instance
    /// sends any more) such leases are ended by hand, as if the time had passed.
    std::map<std::string, std::vector<MailMessage>> Delivered(
        const std::set<std::string>& recipients, std::size_t count
    );

    /// One step of ECS's rolling update: start the new task, register it once ready, then stop
    /// the old one (SIGTERM) while the load balancer still routes to it for a moment.
    void ReplaceInstance(Balancer& balancer, std::size_t old_index);

    std::unique_ptr<TestDatabase> database_;
    std::optional<Maildev> maildev_;
    std::map<std::string, std::string> overrides_;
    std::vector<std::unique_ptr<testing::ServerProcess>> instances_;
    std::string run_;
};

}  // namespace clockko::compat
