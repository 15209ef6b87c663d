#include "balancer.hpp"

#include "compat_support.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX name

namespace clockko::compat {
namespace {

// Passive checks: one failed connection takes a target out for this long (then nginx tries it
// again with one request).
constexpr int kFailTimeoutSeconds = 2;
constexpr std::chrono::seconds kStartTimeout{15};

std::string ReadFile(const std::string& path) {
    std::ifstream file(path);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

int Spawn(const std::vector<std::string>& arguments, const std::string& output_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(
        &actions, STDOUT_FILENO, output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600
    );
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<std::string> copies = arguments;
    std::vector<char*> argv;
    for (std::string& argument : copies) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + arguments.front());
    }
    return pid;
}

bool Exited(int pid) {
    int status = 0;
    return waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

Balancer::Balancer(Options options)
    : options_(std::move(options)),
      prefix_((std::filesystem::temp_directory_path() / ("clockko-nginx-" + RandomHex(6))).string()
      ),
      port_(clockko::testing::ServerProcess::FreePort()) {
    std::filesystem::create_directories(prefix_ + "/tmp");
    WriteConfig({}, generation_);
    pid_ = Spawn(
        {CLOCKKO_COMPAT_NGINX,
         "-p",
         prefix_,
         "-c",
         prefix_ + "/nginx.conf",
         "-e",
         prefix_ + "/error.log"},
        prefix_ + "/nginx.out"
    );
    try {
        WaitForGeneration(generation_);
    } catch (const std::runtime_error&) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        throw std::runtime_error(
            "nginx did not start:\n" + ReadFile(prefix_ + "/nginx.out") + ErrorLog()
        );
    }
    checker_ = std::thread([this] { CheckHealth(); });
}

Balancer::~Balancer() {
    {
        const std::scoped_lock lock(mutex_);
        stopping_ = true;
    }
    checker_.join();
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(prefix_, ignored);
}

std::string Balancer::BaseUrl() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

void Balancer::Register(int port) {
    const std::scoped_lock lock(mutex_);
    targets_[port] = Target{};
    Reload();
}

void Balancer::Deregister(int port) {
    const std::scoped_lock lock(mutex_);
    targets_.erase(port);
    Reload();
}

std::set<int> Balancer::InRotation() const {
    const std::scoped_lock lock(mutex_);
    std::set<int> ports;
    for (const auto& [port, target] : targets_) {
        if (target.in_rotation) {
            ports.insert(port);
        }
    }
    return ports;
}

std::string Balancer::AccessLog() const {
    return ReadFile(prefix_ + "/access.log");
}

std::string Balancer::ErrorLog() const {
    return ReadFile(prefix_ + "/error.log");
}

void Balancer::WriteConfig(const std::set<int>& ports, int generation) const {
    std::ostringstream servers;
    for (const int port : ports) {
        servers << "        server 127.0.0.1:" << port
                << " max_fails=1 fail_timeout=" << kFailTimeoutSeconds << "s;\n";
    }
    if (ports.empty()) {
        // nginx needs one server in an upstream; this one answers 502 like an empty target group.
        servers << "        server 127.0.0.1:9 down;\n";
    }
    const std::string& p = prefix_;
    std::ofstream config(p + "/nginx.conf.new");
    // As root, nginx's workers would switch to `nobody`, who cannot write the private prefix.
    config << (geteuid() == 0 ? "user root;\n" : "") << "worker_processes 1;\n"
           << "daemon off;\nmaster_process on;\npid " << p << "/nginx.pid;\n"
           << "error_log " << p << "/error.log notice;\n"
           << "events { worker_connections 1024; }\n"
           << "http {\n"
           << "    log_format upstreams '$msec $status $upstream_addr $request_method $uri';\n"
           << "    access_log " << p << "/access.log upstreams;\n"
           << "    client_body_temp_path " << p << "/tmp/body;\n"
           << "    proxy_temp_path " << p << "/tmp/proxy;\n"
           << "    fastcgi_temp_path " << p << "/tmp/fastcgi;\n"
           << "    uwsgi_temp_path " << p << "/tmp/uwsgi;\n"
           << "    scgi_temp_path " << p << "/tmp/scgi;\n"
           << "    upstream clockko {\n"
           << servers.str() << "    }\n"
           << "    server {\n"
           << "        listen 127.0.0.1:" << port_ << ";\n"
           << "        location = /__balancer/generation { return 200 '" << generation << "'; }\n"
           << "        location / {\n"
           << "            proxy_pass http://clockko;\n"
           // The ALB never sends a request to a second target: every failure reaches the client.
           << "            proxy_next_upstream off;\n"
           << "            proxy_connect_timeout 2s;\n"
           << "            proxy_read_timeout 30s;\n"
           << "            proxy_set_header Host $host;\n"
           << "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
           << "        }\n"
           << "    }\n"
           << "}\n";
    config.close();
    std::filesystem::rename(p + "/nginx.conf.new", p + "/nginx.conf");
}

void Balancer::Reload() {
    std::set<int> ports;
    for (const auto& [port, target] : targets_) {
        if (target.in_rotation) {
            ports.insert(port);
        }
    }
    WriteConfig(ports, ++generation_);
    kill(pid_, SIGHUP);
    WaitForGeneration(generation_);
}

void Balancer::WaitForGeneration(int generation) const {
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    const std::string expected = std::to_string(generation);
    while (std::chrono::steady_clock::now() < deadline) {
        if (Exited(pid_)) {
            throw std::runtime_error("nginx exited:\n" + ErrorLog());
        }
        const auto answer =
            clockko::testing::Request("GET", BaseUrl() + "/__balancer/generation", {}, {}, 2);
        if (answer.status == 200 && answer.body == expected) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    throw std::runtime_error("nginx did not load configuration " + expected + ":\n" + ErrorLog());
}

void Balancer::CheckHealth() {
    for (;;) {
        {
            const std::scoped_lock lock(mutex_);
            if (stopping_) {
                return;
            }
        }
        CheckOnce();
        std::this_thread::sleep_for(options_.health_interval);
    }
}

void Balancer::CheckOnce() {
    std::vector<int> ports;
    {
        const std::scoped_lock lock(mutex_);
        for (const auto& [port, target] : targets_) {
            ports.push_back(port);
        }
    }
    std::map<int, bool> healthy;
    for (const int port : ports) {
        const auto answer = clockko::testing::Request(
            "GET", "http://127.0.0.1:" + std::to_string(port) + options_.health_path, {}, {}, 1
        );
        healthy[port] = answer.status == 200;
    }
    const std::scoped_lock lock(mutex_);
    bool changed = false;
    for (const auto& [port, ok] : healthy) {
        const auto it = targets_.find(port);
        if (it == targets_.end()) {
            continue;  // deregistered meanwhile
        }
        Target& target = it->second;
        target.failures = ok ? 0 : target.failures + 1;
        target.passes = ok ? target.passes + 1 : 0;
        if (target.in_rotation && target.failures >= options_.unhealthy_threshold) {
            target.in_rotation = false;
            changed = true;
        } else if (!target.in_rotation && target.passes >= options_.unhealthy_threshold) {
            target.in_rotation = true;
            changed = true;
        }
    }
    if (changed) {
        Reload();
    }
}

}  // namespace clockko::compat
