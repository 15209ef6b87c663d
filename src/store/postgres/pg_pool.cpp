#include "store/postgres/pg_pool.hpp"

#include "core/error.hpp"
#include "core/log.hpp"

namespace clockko::store::postgres {

ConnectionPool::ConnectionPool(
    ConnectParams params, std::size_t size, std::chrono::milliseconds wait_limit
)
    : params_(std::move(params)), size_(size == 0 ? 1 : size), wait_limit_(wait_limit) {}

ConnectionPool::Lease::~Lease() {
    if (connection_) {
        pool_->Release(std::move(connection_));
    }
}

ConnectionPool::Lease ConnectionPool::Acquire() {
    const auto started = std::chrono::steady_clock::now();
    try {
        Lease lease = AcquireConnection();
        counters_.Acquired(std::chrono::steady_clock::now() - started);
        return lease;
    } catch (const core::StoreUnavailable&) {
        counters_.Failed(std::chrono::steady_clock::now() - started);
        throw;
    }
}

PoolStats ConnectionPool::Stats() const {
    const std::scoped_lock lock(mutex_);
    return counters_.Snapshot(size_, open_count_);
}

ConnectionPool::Lease ConnectionPool::AcquireConnection() {
    const auto deadline = std::chrono::steady_clock::now() + wait_limit_;
    std::unique_lock lock(mutex_);
    for (;;) {
        while (!idle_.empty()) {
            auto connection = std::move(idle_.back());
            idle_.pop_back();
            lock.unlock();
            // Non-blocking: notices a server restart before a request trips over it.
            if (connection->Healthy()) {
                return {*this, std::move(connection), false};
            }
            connection.reset();
            lock.lock();
            --open_count_;
        }
        if (open_count_ < size_) {
            ++open_count_;
            lock.unlock();
            try {
                return {*this, Connection::Open(params_), true};
            } catch (...) {
                Forget();
                throw;
            }
        }
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_count_ >= size_) {
            throw core::StoreUnavailable("postgres: no free connection within the pool timeout");
        }
    }
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection) {
    counters_.Released();
    if (!connection->RollbackIfOpen() || connection->Broken()) {
        connection.reset();
        Forget();
        return;
    }
    const std::scoped_lock lock(mutex_);
    idle_.push_back(std::move(connection));
    available_.notify_one();
}

void ConnectionPool::Forget() {
    const std::scoped_lock lock(mutex_);
    --open_count_;
    available_.notify_one();
}

}  // namespace clockko::store::postgres
