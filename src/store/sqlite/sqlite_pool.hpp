#pragma once

#include "store/pool_stats.hpp"
#include "store/sqlite/sqlite_connection.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace clockko::store::sqlite {

/// Up to `size` connections to one database, opened on demand, each lent to one thread at a
/// time. A ":memory:" database must use size 1: every connection would see its own database.
/// @par Thread safety: Acquire may be called from any thread.
class ConnectionPool final {
public:
    /// Opens the first connection at once, so that an unusable path fails here
    /// (core::StoreUnavailable).
    ConnectionPool(std::string path, std::chrono::milliseconds busy_timeout, std::size_t size);

    /// A borrowed connection, given back (or dropped if it is left mid-transaction and cannot be
    /// rolled back) when the lease ends.
    class Lease final {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
            : pool_(&pool), connection_(std::move(connection)) {}

        ~Lease();
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;

        Connection& operator*() const { return *connection_; }

        Connection* operator->() const { return connection_.get(); }

    private:
        ConnectionPool* pool_;
        std::unique_ptr<Connection> connection_;
    };

    /// Waits up to the busy timeout for a free connection, else throws core::StoreUnavailable.
    [[nodiscard]] Lease Acquire();

    /// Sizes and counters for the metrics endpoint.
    [[nodiscard]] PoolStats Stats() const;

private:
    [[nodiscard]] Lease AcquireConnection();
    void Release(std::unique_ptr<Connection> connection);

    std::string path_;
    std::chrono::milliseconds busy_timeout_;
    std::size_t size_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_count_ = 0;
    PoolCounters counters_;
};

}  // namespace clockko::store::sqlite
