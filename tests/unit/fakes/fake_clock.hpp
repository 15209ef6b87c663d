#pragma once

#include "core/clock.hpp"

#include <atomic>
#include <chrono>

namespace clockko::fakes {

/// A clock that stands still until a test moves it.
/// @par Thread safety: every function may be called from any thread.
class FakeClock final : public core::Clock {
public:
    /// 2027-01-15T08:00:00Z by default: a fixed, realistic instant.
    explicit FakeClock(core::TimePoint start = core::FromUnixSeconds(1'800'000'000))
        : now_(start.time_since_epoch().count()) {}

    [[nodiscard]] core::TimePoint Now() const override {
        return core::TimePoint{core::TimePoint::duration{now_.load()}};
    }

    void Set(core::TimePoint time) { now_.store(time.time_since_epoch().count()); }

    void Advance(std::chrono::nanoseconds step) {
        now_.fetch_add(std::chrono::duration_cast<core::TimePoint::duration>(step).count());
    }

private:
    std::atomic<core::TimePoint::rep> now_;
};

}  // namespace clockko::fakes
