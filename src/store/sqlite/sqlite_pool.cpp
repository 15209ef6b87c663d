#include "store/sqlite/sqlite_pool.hpp"

#include "core/error.hpp"
#include "core/log.hpp"

namespace clockko::store::sqlite {

ConnectionPool::ConnectionPool(
    std::string path, std::chrono::milliseconds busy_timeout, std::size_t size
)
    : path_(std::move(path)),
      busy_timeout_(busy_timeout),
      size_(size == 0 ? 1 : size),
      open_count_(1) {
    idle_.push_back(Connection::Open(path_, busy_timeout_));
}

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
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + busy_timeout_;
    for (;;) {
        if (!idle_.empty()) {
            auto connection = std::move(idle_.back());
            idle_.pop_back();
            return {*this, std::move(connection)};
        }
        if (open_count_ < size_) {
            ++open_count_;
            lock.unlock();
            try {
                return {*this, Connection::Open(path_, busy_timeout_)};
            } catch (...) {
                lock.lock();
                --open_count_;
                available_.notify_one();
                throw;
            }
        }
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_count_ >= size_) {
            throw core::StoreUnavailable("sqlite: no free connection within the busy timeout");
        }
    }
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection) {
    counters_.Released();
    // A transaction left open (an exception between BEGIN and COMMIT that escaped the
    // transaction runner) must not leak into the next borrower.
    const bool reusable = connection->RollbackIfOpen();
    if (!reusable) {
        core::LogWarning("sqlite: dropping a connection that could not be rolled back");
        connection.reset();
    }
    const std::scoped_lock lock(mutex_);
    if (reusable) {
        idle_.push_back(std::move(connection));
    } else {
        --open_count_;
    }
    available_.notify_one();
}

}  // namespace clockko::store::sqlite
