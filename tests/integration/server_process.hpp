#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace clockko::testing {

/// The real `clockko` binary started as a child process on a free loopback port, with its
/// stdout and stderr captured to a file the test can read.
class ServerProcess final {
public:
    /// Starts `clockko serve` with exactly `environment` (plus PORT and HOST) and waits until
    /// /health answers. Throws std::runtime_error with the captured output if it does not start.
    explicit ServerProcess(std::map<std::string, std::string> environment);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    [[nodiscard]] std::string BaseUrl() const;

    [[nodiscard]] int Port() const { return port_; }

    /// Everything the process has written so far.
    [[nodiscard]] std::string Output() const;
    /// Sends `signal` and waits up to `timeout` for the exit; returns the exit code (128+n for
    /// a signal death, -1 on timeout).
    int StopWith(int signal, std::chrono::seconds timeout = std::chrono::seconds{20});

    [[nodiscard]] bool Running() const { return pid_ > 0; }

    /// Runs `clockko ARGS...` to completion with `environment`; returns exit code and output.
    static int RunToCompletion(
        const std::vector<std::string>& arguments,
        const std::map<std::string, std::string>& environment,
        std::string& output,
        std::chrono::seconds timeout = std::chrono::seconds{60}
    );

    /// A loopback TCP port that was free a moment ago.
    static int FreePort();

private:
    /// One start on port_: true once /health answers, false when the port was taken meanwhile.
    bool StartAndAwaitHealth(const std::map<std::string, std::string>& environment);

    int port_ = 0;
    int pid_ = -1;
    std::string output_path_;
};

/// The path of the binary under test (set by CMake).
std::string ServerBinary();

}  // namespace clockko::testing
