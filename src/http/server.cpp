#include "http/server.hpp"

#include "core/log.hpp"
#include "http/metrics.hpp"
#include "http/server_internal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <stdexcept>
#include <sys/resource.h>
#include <unistd.h>

namespace clockko::http {
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Connections refused past the cap still cost a coroutine each; past this many, just close.
constexpr std::size_t kMaxRefusing = 256;
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

std::string PeerText(const tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

void LogFailure(const std::exception_ptr& failure) {
    if (!failure) {
        return;
    }
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& error) {
        core::LogError("connection failed", {{"error", error.what()}});
    }
}

void Spawn(Impl* server, tcp::socket socket) {
    beast::error_code ec;
    const tcp::endpoint endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return;  // the peer is gone already
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::size_t open = 0;
    {
        const std::lock_guard lock(server->mutex);
        open = server->sessions.size();
    }
    const auto cap = static_cast<std::size_t>(std::max(server->options.max_connections, 1));
    if (open >= cap + kMaxRefusing) {
        return;  // closing the socket is the cheapest refusal under a flood
    }
    auto session = Session::Create(*server, std::move(socket), PeerText(endpoint));
    auto executor = session->stream.get_executor();
    asio::co_spawn(
        executor,
        open >= cap ? Refuse(std::move(session)) : RunSession(std::move(session)),
        [](const std::exception_ptr& failure) { LogFailure(failure); }
    );
}

asio::awaitable<void> Listen(Impl* server) {
    for (;;) {
        const asio::any_io_executor strand = asio::make_strand(server->ioc);
        auto [ec, socket] = co_await server->acceptor.async_accept(strand, kTuple);
        if (ec == asio::error::operation_aborted || server->stopping) {
            co_return;
        }
        if (ec) {
            // Typically EMFILE: wait a little instead of spinning on the error.
            core::LogWarning("accept failed", {{"error", ec.message()}});
            asio::steady_timer timer(co_await asio::this_coro::executor, kAcceptRetryDelay);
            co_await timer.async_wait(kTuple);
            continue;
        }
        Spawn(server, std::move(socket));
    }
}

/// Posts `action` to the strand of every open session.
template <class Action>
void ForEachSession(Impl& server, Action action) {
    for (Session* raw : server.sessions) {
        if (auto session = raw->weak_from_this().lock()) {
            auto executor = session->stream.get_executor();
            asio::post(executor, [session = std::move(session), action]() { action(*session); });
        }
    }
}

void RunIo(asio::io_context& ioc) {
    for (;;) {
        try {
            ioc.run();
            return;
        } catch (const std::exception& failure) {
            // Handlers are not meant to throw; keep the thread serving if one does.
            core::LogError("I/O thread caught an exception", {{"error", failure.what()}});
        }
    }
}

int DefaultCount(int configured, int fallback) {
    return configured > 0 ? configured : fallback;
}

// Issue 7: the listener's gauges, read at each scrape (on the metrics thread).
void AddServerMetrics(Impl& server, Metrics& metrics) {
    metrics.AddCollector([&server](std::string& out) {
        std::size_t open = 0;
        {
            const std::lock_guard lock(server.mutex);
            open = server.sessions.size();
        }
        const std::size_t in_pool = server.in_pool.load();
        const std::size_t queued = in_pool > server.workers ? in_pool - server.workers : 0;
        const auto gauge = [&out](std::string_view name, std::string_view help, std::size_t value) {
            AppendMetricHeader(out, name, "gauge", help);
            AppendSample(out, name, "", static_cast<double>(value));
        };
        gauge("clockko_http_open_connections", "Open client connections.", open);
        gauge("clockko_worker_threads", "Threads of the blocking-work pool.", server.workers);
        gauge("clockko_worker_jobs_running", "Jobs on a worker now.", in_pool - queued);
        gauge("clockko_worker_queue_depth", "Jobs waiting for a worker now.", queued);
        const std::size_t in_hash_pool = server.in_hash_pool.load();
        const std::size_t hash_queued =
            in_hash_pool > server.hash_threads ? in_hash_pool - server.hash_threads : 0;
        gauge("clockko_hash_threads", "Threads of the password-hashing pool.", server.hash_threads);
        gauge(
            "clockko_hash_queue_depth", "Password jobs waiting for a hash thread now.", hash_queued
        );
    });
}

// Issue 7: the hash pool's threads get a higher nice value (Linux applies it per thread), so
// that under full load bcrypt yields the CPU to the I/O threads instead of sharing it equally.
void RaiseThreadNice(int increment) {
    if (increment == 0) {
        return;
    }
    constexpr int kLowestPriority = 19;
    const auto thread = static_cast<id_t>(::gettid());
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, thread);  // -1 is a valid value: see errno
    if ((current == -1 && errno != 0) ||
        ::setpriority(PRIO_PROCESS, thread, std::min(current + increment, kLowestPriority)) != 0) {
        core::LogWarning(
            "cannot lower the priority of a hash thread", {{"errno", std::int64_t{errno}}}
        );
    }
}

}  // namespace

void LowerHashThreadPriorityOnce(int increment) {
    thread_local bool lowered = false;
    if (!lowered) {
        lowered = true;
        RaiseThreadNice(increment);
    }
}

ServerOptions ServerOptions::FromConfig(const config::Config& config) {
    ServerOptions options;
    options.host = config.host;
    options.port = static_cast<unsigned short>(config.port);
    options.worker_threads = config.worker_threads;
    options.worker_queue_limit = config.worker_queue_limit;
    options.shutdown_grace = std::chrono::seconds(config.shutdown_grace_seconds);
    options.max_connections = config.max_connections;
    return options;
}

HttpServer::HttpServer(ServerOptions options, App& app)
    : impl_(std::make_unique<Impl>(std::move(options), app)) {}

HttpServer::~HttpServer() {
    try {
        Stop();
        Wait();
    } catch (const std::exception& failure) {
        core::LogError("HTTP server shutdown failed", {{"error", failure.what()}});
    }
}

void HttpServer::Start() {
    Impl& server = *impl_;
    const std::string where = server.options.host + ":" + std::to_string(server.options.port);
    beast::error_code ec;
    tcp::resolver resolver(server.ioc);
    const auto results = resolver.resolve(
        server.options.host, std::to_string(server.options.port), tcp::resolver::passive, ec
    );
    if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve HOST " + where + ": " + ec.message());
    }
    const tcp::endpoint endpoint = results.begin()->endpoint();
    server.acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        server.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        server.acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        server.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    }
    server.bound_port = server.acceptor.local_endpoint().port();
    const int cores = static_cast<int>(std::max(std::thread::hardware_concurrency(), 1U));
    server.workers =
        static_cast<std::size_t>(DefaultCount(server.options.worker_threads, std::max(4, 2 * cores))
        );
    server.pool.emplace(server.workers);
    server.hash_threads =
        static_cast<std::size_t>(DefaultCount(server.options.hash_threads, cores));
    server.hash_pool.emplace(server.hash_threads);
    if (server.options.metrics != nullptr) {
        AddServerMetrics(server, *server.options.metrics);
    }
    server.work.emplace(server.ioc.get_executor());
    asio::co_spawn(
        server.acceptor.get_executor(),
        Listen(&server),
        [](const std::exception_ptr& failure) { LogFailure(failure); }
    );
    const int io_threads = DefaultCount(server.options.io_threads, cores);
    for (int i = 0; i < io_threads; ++i) {
        server.threads.emplace_back([&server] { RunIo(server.ioc); });
    }
    const std::lock_guard lock(server.mutex);
    server.started = true;
}

void HttpServer::Stop() {
    Impl& server = *impl_;
    {
        const std::lock_guard lock(server.mutex);
        if (server.stop_requested) {
            return;
        }
        server.stop_requested = true;
        server.stopping = true;
        // Idle connections (no byte of a request yet) close now; busy ones after their answer.
        ForEachSession(server, [](Session& session) {
            if (session.idle) {
                session.stream.cancel();
            }
        });
    }
    server.changed.notify_all();
    asio::post(server.acceptor.get_executor(), [&server] {
        beast::error_code ignored;
        server.acceptor.close(ignored);
    });
}

void HttpServer::Wait() {
    Impl& server = *impl_;
    std::unique_lock lock(server.mutex);
    server.changed.wait(lock, [&server] { return server.stop_requested; });
    if (!server.started || server.drained) {
        return;
    }
    server.drained = true;
    const auto grace = server.options.shutdown_grace;
    if (!server.changed.wait_for(lock, grace, [&server] { return server.sessions.empty(); })) {
        core::LogWarning(
            "shutdown grace elapsed; closing connections",
            {{"open_connections", static_cast<std::int64_t>(server.sessions.size())}}
        );
        server.abandon = true;
        ForEachSession(server, [](Session& session) { session.stream.close(); });
        // A use case already running on a worker cannot be interrupted; its session ends after it.
        server.changed.wait(lock, [&server] { return server.sessions.empty(); });
    }
    lock.unlock();
    server.pool->join();
    server.hash_pool->join();
    server.work.reset();
    server.ioc.stop();
    for (std::thread& thread : server.threads) {
        thread.join();
    }
}

unsigned short HttpServer::BoundPort() const {
    return impl_->bound_port;
}

std::size_t HttpServer::OpenConnections() const {
    const std::lock_guard lock(impl_->mutex);
    return impl_->sessions.size();
}

std::size_t HttpServer::QueuedJobs() const {
    const std::size_t in_pool = impl_->in_pool;
    return in_pool > impl_->workers ? in_pool - impl_->workers : 0;
}

}  // namespace clockko::http
