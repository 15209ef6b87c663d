#include "server_process.hpp"

#include "http_client.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace clockko::testing {
namespace {

std::string TempOutputPath() {
    std::string pattern = ::testing::TempDir() + "clockko-server-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const int fd = mkstemp(buffer.data());
    if (fd < 0) {
        throw std::runtime_error("mkstemp failed");
    }
    close(fd);
    return buffer.data();
}

int Spawn(
    const std::vector<std::string>& arguments,
    const std::map<std::string, std::string>& environment,
    const std::string& output_path
) {
    std::vector<std::string> env_strings;
    for (const auto& [key, value] : environment) {
        env_strings.push_back(key + "=" + value);
    }
    // Sanitizer settings must reach the child so that its reports fail the test.
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "PATH"}) {
        if (const char* value = std::getenv(name);
            value != nullptr && !environment.contains(name)) {
            env_strings.push_back(std::string(name) + "=" + value);
        }
    }
    std::vector<char*> argv;
    std::string binary = ServerBinary();
    argv.push_back(binary.data());
    std::vector<std::string> args_copy = arguments;
    for (auto& argument : args_copy) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& entry : env_strings) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        std::FILE* out = std::freopen(output_path.c_str(), "a", stdout);
        if (out == nullptr || dup2(fileno(stdout), STDERR_FILENO) < 0) {
            _exit(127);
        }
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    return pid;
}

int WaitFor(int pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // At least one look, so that a zero timeout polls instead of never asking.
    do {
        int status = 0;
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    } while (std::chrono::steady_clock::now() < deadline);
    return -1;
}

std::string ReadFile(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace

std::string ServerBinary() {
    return CLOCKKO_SERVER_BINARY;
}

int ServerProcess::FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("cannot find a free port");
    }
    close(fd);
    return ntohs(address.sin_port);
}

ServerProcess::ServerProcess(std::map<std::string, std::string> environment)
    : output_path_(TempOutputPath()) {
    environment.try_emplace("HOST", "127.0.0.1");
    // A port found free may be taken by a parallel test before the server binds it: then the
    // server exits at once saying so, and another port is tried.
    constexpr int kPortAttempts = 5;
    for (int attempt = 1;; ++attempt) {
        port_ = FreePort();
        environment["PORT"] = std::to_string(port_);
        if (StartAndAwaitHealth(environment)) {
            return;
        }
        if (attempt == kPortAttempts) {
            throw std::runtime_error("clockko found no free port:\n" + Output());
        }
        std::remove(output_path_.c_str());
    }
}

bool ServerProcess::StartAndAwaitHealth(const std::map<std::string, std::string>& environment) {
    pid_ = Spawn({"serve"}, environment, output_path_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    while (std::chrono::steady_clock::now() < deadline) {
        if (WaitFor(pid_, std::chrono::milliseconds{0}) >= 0) {
            pid_ = -1;
            const std::string output = Output();
            if (output.find("Address already in use") != std::string::npos) {
                return false;
            }
            throw std::runtime_error("clockko exited at start:\n" + output);
        }
        if (Get(BaseUrl() + "/health").status == 200) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    StopWith(SIGKILL);
    throw std::runtime_error("clockko did not answer /health in time:\n" + Output());
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) {
        StopWith(SIGTERM);
    }
    std::remove(output_path_.c_str());
}

std::string ServerProcess::BaseUrl() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

std::string ServerProcess::Output() const {
    return ReadFile(output_path_);
}

int ServerProcess::StopWith(int signal, std::chrono::seconds timeout) {
    if (pid_ <= 0) {
        return -1;
    }
    kill(pid_, signal);
    const int code = WaitFor(pid_, timeout);
    if (code < 0) {
        kill(pid_, SIGKILL);
        WaitFor(pid_, std::chrono::seconds{5});
    }
    pid_ = -1;
    return code;
}

int ServerProcess::RunToCompletion(
    const std::vector<std::string>& arguments,
    const std::map<std::string, std::string>& environment,
    std::string& output,
    std::chrono::seconds timeout
) {
    const std::string path = TempOutputPath();
    const int pid = Spawn(arguments, environment, path);
    int code = WaitFor(pid, timeout);
    if (code < 0) {
        kill(pid, SIGKILL);
        WaitFor(pid, std::chrono::seconds{5});
    }
    output = ReadFile(path);
    std::remove(path.c_str());
    return code;
}

}  // namespace clockko::testing
