#pragma once

#include "config/config.hpp"
#include "http/app.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace clockko::http {

class Metrics;

/// Every limit and timeout of the HTTP listener, with the defaults of the contract/issue 4.
struct ServerOptions {
    std::string host = "0.0.0.0";
    unsigned short port = 8000;     ///< 0: any free port (see HttpServer::BoundPort)
    int io_threads = 0;             ///< 0: the core count
    int worker_threads = 0;         ///< blocking use cases; 0: max(4, 2 × cores)
    int worker_queue_limit = 1024;  ///< jobs waiting for a worker beyond this get 503
    /// Issue 7: threads for bcrypt routes (Execution::kHashing); 0: the core count. Their nice
    /// value is raised by hash_nice, so that I/O threads (token checks) win the CPU under load.
    /// At +5, token checks kept 72 % of their rate during a login load with a p99 7.6 × idle; at
    /// +19 (the lowest priority), 77–103 % with a p99 1.1–1.6 × idle (bench/RESULTS.md). Logins
    /// alone are unaffected: the priority only matters when the CPU is contended.
    int hash_threads = 0;
    int hash_nice = 19;
    int max_connections = 10000;  ///< open connections beyond this get 503 and are closed
    std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};  ///< request line+headers
    std::chrono::milliseconds body_timeout{std::chrono::seconds(30)};
    std::chrono::milliseconds idle_timeout{
        std::chrono::seconds(60)};  ///< between keep-alive requests
    std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
    std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
    std::size_t header_limit = std::size_t{16} * 1024;  ///< request line and headers, bytes
    std::size_t body_limit = kMaxBodyBytes;
    /// Optional (issue 7): requests, worker waits and the pool gauges are recorded here. Must
    /// outlive the server.
    Metrics* metrics = nullptr;

    /// HOST, PORT, worker_threads, worker_queue_limit, shutdown_grace_seconds from `config`;
    /// the rest keep their defaults.
    static ServerOptions FromConfig(const config::Config& config);
};

/// The HTTP/1.1 listener (Boost.Beast, C++20 coroutines): one io_context on `io_threads`
/// threads, one coroutine per connection on its own strand (read → App → write, keep-alive),
/// and a bounded worker pool for routes that block. Logs one access line per request.
///
/// Life cycle: construct → Start() → (serve) → Stop() from any thread → Wait() returns once
/// in-flight requests finished (or `shutdown_grace` passed) and every thread is joined.
/// @par Thread safety: Stop() and BoundPort() may be called from any thread; Start() and
/// Wait() from the owning thread. Stop() is not async-signal-safe: call it from a thread that
/// waits for signals (sigwait) or from an Asio signal_set handler, not from a raw handler.
class HttpServer final {
public:
    /// Keeps a reference to `app`, which must outlive the server.
    HttpServer(ServerOptions options, App& app);

    HttpServer(const config::Config& config, App& app)
        : HttpServer(ServerOptions::FromConfig(config), app) {}

    /// Stops and waits if the server is still running.
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;
    HttpServer(HttpServer&&) = delete;
    HttpServer& operator=(HttpServer&&) = delete;

    /// Resolves and binds host:port, starts listening and the threads. Throws
    /// std::runtime_error with one clear line ("cannot listen on 0.0.0.0:8000: Address already
    /// in use") when the address cannot be bound. Call once.
    void Start();

    /// Asks for a graceful stop: no new connections, idle keep-alive connections closed,
    /// in-flight requests finish and are answered with `Connection: close`. Returns at once;
    /// idempotent.
    void Stop();

    /// Blocks until Stop() was called and the drain finished: at most `shutdown_grace` for
    /// in-flight requests, then remaining connections are closed; a use case already running on a
    /// worker is waited for. Then every thread is joined.
    void Wait();

    /// The bound port (useful with port 0). Valid after Start().
    [[nodiscard]] unsigned short BoundPort() const;

    /// Open connections now (for tests and metrics).
    [[nodiscard]] std::size_t OpenConnections() const;
    /// Jobs waiting for a worker now (for tests and metrics).
    [[nodiscard]] std::size_t QueuedJobs() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

/// `clockko healthcheck`: GET http://host:port/health, true when it answers 200 within
/// `timeout`. A wildcard host ("0.0.0.0", "::", "") is probed on loopback.
bool ProbeHealth(const std::string& host, unsigned short port, std::chrono::milliseconds timeout);

}  // namespace clockko::http
