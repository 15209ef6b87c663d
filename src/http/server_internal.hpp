#pragma once

// Internal to the two Beast translation units (server.cpp, session.cpp): the server's state and
// one connection's state. Nothing outside src/http/ includes this header.

#include "http/server.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace clockko::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct Session;

struct HttpServer::Impl {
    Impl(ServerOptions server_options, App& server_app)
        : options(std::move(server_options)), app(server_app), acceptor(asio::make_strand(ioc)) {}

    /// Admits a job when fewer than threads + worker_queue_limit are in its pool: the workers,
    /// or (`hashing`, issue 7) the hash pool.
    bool TryAdmitJob(bool hashing = false) {
        std::atomic<std::size_t>& admitted = hashing ? in_hash_pool : in_pool;
        const auto limit = (hashing ? hash_threads : workers) +
                           static_cast<std::size_t>(std::max(options.worker_queue_limit, 0));
        if (admitted.fetch_add(1) >= limit) {
            admitted.fetch_sub(1);
            return false;
        }
        return true;
    }

    ServerOptions options;
    App& app;
    // Declared before the io_context: sessions unregister while it destroys their coroutines.
    std::mutex mutex;
    std::condition_variable changed;
    std::unordered_set<Session*> sessions;
    bool started = false;
    bool stop_requested = false;
    bool drained = false;
    std::atomic<bool> stopping{false};
    std::atomic<bool> abandon{false};  ///< grace elapsed: jobs not yet started answer 503
    std::size_t workers = 1;
    std::atomic<std::size_t> in_pool{0};  ///< admitted jobs not finished (running or waiting)
    std::atomic<unsigned short> bound_port{0};
    asio::io_context ioc;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::optional<asio::thread_pool> pool;
    // Issue 7: Execution::kHashing jobs (bcrypt), on threads at a lower CPU priority.
    std::size_t hash_threads = 1;
    std::atomic<std::size_t> in_hash_pool{0};
    std::optional<asio::thread_pool> hash_pool;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
};

using Impl = HttpServer::Impl;

/// One connection. Its coroutine and every posted closure share ownership; all members are
/// touched only on the connection's strand.
struct Session : std::enable_shared_from_this<Session> {
    /// Use Create: registration must follow make_shared, which sets up weak_from_this().
    Session(Impl& owner, tcp::socket socket, std::string peer_address)
        : server(owner), stream(std::move(socket)), peer(std::move(peer_address)) {}

    /// A registered session (Stop() and Wait() see it until it is destroyed).
    static std::shared_ptr<Session> Create(
        Impl& owner, tcp::socket socket, std::string peer_address
    ) {
        auto session = std::make_shared<Session>(owner, std::move(socket), std::move(peer_address));
        const std::lock_guard lock(owner.mutex);
        owner.sessions.insert(session.get());
        return session;
    }

    ~Session() {
        const std::lock_guard lock(server.mutex);
        server.sessions.erase(this);
        if (server.sessions.empty()) {
            server.changed.notify_all();
        }
    }

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    Session(Session&&) = delete;
    Session& operator=(Session&&) = delete;

    Impl& server;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    std::string peer;
    bool idle = true;  ///< waiting for the first byte of a request (or lingering)
};

/// Issue 7: raises the calling thread's nice value by `increment` the first time a thread calls
/// it (a hash-pool job does, so each hash thread lowers itself lazily, with no start-up wait).
void LowerHashThreadPriorityOnce(int increment);

/// A connection's coroutine: read → App → write with keep-alive, until close or Stop().
asio::awaitable<void> RunSession(std::shared_ptr<Session> session);

/// The coroutine for a connection past max_connections: 503, then close.
asio::awaitable<void> Refuse(std::shared_ptr<Session> session);

}  // namespace clockko::http
