#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace clockko::store {

/// A connection pool's figures at one moment (issue 7: the database pool metrics).
struct PoolStats {
    std::size_t size = 0;              ///< the most connections the pool opens
    std::size_t open = 0;              ///< connections open now (lent or idle)
    std::size_t in_use = 0;            ///< connections lent now
    std::uint64_t acquisitions = 0;    ///< leases handed out so far
    double acquire_seconds_total = 0;  ///< time callers spent in Acquire (waiting or connecting)
    std::uint64_t failures = 0;  ///< Acquire calls that failed: none free in time, or no connection
};

/// The lock-free counters behind PoolStats, updated by a pool's Acquire and Release.
/// @par Thread safety: every member may be called concurrently.
class PoolCounters final {
public:
    using Duration = std::chrono::steady_clock::duration;

    /// A lease was handed out after `waited` in Acquire.
    void Acquired(Duration waited) {
        in_use_.fetch_add(1, std::memory_order_relaxed);
        acquisitions_.fetch_add(1, std::memory_order_relaxed);
        AddWait(waited);
    }

    /// Acquire threw core::StoreUnavailable after `waited`.
    void Failed(Duration waited) {
        failures_.fetch_add(1, std::memory_order_relaxed);
        AddWait(waited);
    }

    /// A lease ended (its connection kept or dropped).
    void Released() { in_use_.fetch_sub(1, std::memory_order_relaxed); }

    /// The counters, with the pool's own `size` and `open` (read under its lock).
    [[nodiscard]] PoolStats Snapshot(std::size_t size, std::size_t open) const {
        return {
            .size = size,
            .open = open,
            .in_use = in_use_.load(std::memory_order_relaxed),
            .acquisitions = acquisitions_.load(std::memory_order_relaxed),
            .acquire_seconds_total =
                static_cast<double>(wait_nanoseconds_.load(std::memory_order_relaxed)) / 1e9,
            .failures = failures_.load(std::memory_order_relaxed),
        };
    }

private:
    void AddWait(Duration waited) {
        const auto nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(waited);
        wait_nanoseconds_.fetch_add(
            static_cast<std::uint64_t>(std::max<std::int64_t>(nanoseconds.count(), 0)),
            std::memory_order_relaxed
        );
    }

    std::atomic<std::size_t> in_use_{0};
    std::atomic<std::uint64_t> acquisitions_{0};
    std::atomic<std::uint64_t> wait_nanoseconds_{0};
    std::atomic<std::uint64_t> failures_{0};
};

}  // namespace clockko::store
