#pragma once

#include "store/pool_stats.hpp"
#include "store/postgres/pg_connection.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace clockko::store::postgres {

/// At most `size` connections, opened on demand. A connection found broken (when lent or given
/// back) is dropped and a new one is opened by a later Acquire, so the pool recovers by itself
/// once the database is back.
/// @par Thread safety: Acquire may be called from any thread.
class ConnectionPool final {
public:
    ConnectionPool(ConnectParams params, std::size_t size, std::chrono::milliseconds wait_limit);

    /// A borrowed connection, given back when the lease ends (dropped if broken or left
    /// inside a transaction that cannot be rolled back).
    class Lease final {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection, bool fresh)
            : pool_(&pool), connection_(std::move(connection)), fresh_(fresh) {}

        ~Lease();
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;

        Connection& operator*() const { return *connection_; }

        Connection* operator->() const { return connection_.get(); }

        /// True when the connection was opened for this lease (not reused from the pool): a
        /// failure on it is not a stale connection worth one retry.
        [[nodiscard]] bool Fresh() const { return fresh_; }

    private:
        ConnectionPool* pool_;
        std::unique_ptr<Connection> connection_;
        bool fresh_;
    };

    /// A healthy idle connection, or a new one while fewer than `size` are open; otherwise
    /// waits up to `wait_limit`. Throws core::StoreUnavailable when none is free in time or a
    /// new connection fails.
    [[nodiscard]] Lease Acquire();

    /// Sizes and counters for the metrics endpoint.
    [[nodiscard]] PoolStats Stats() const;

private:
    [[nodiscard]] Lease AcquireConnection();
    void Release(std::unique_ptr<Connection> connection);
    void Forget();

    ConnectParams params_;
    std::size_t size_;
    std::chrono::milliseconds wait_limit_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_count_ = 0;
    PoolCounters counters_;
};

}  // namespace clockko::store::postgres
