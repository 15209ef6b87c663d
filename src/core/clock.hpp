#pragma once

#include <chrono>

namespace clockko::core {

using TimePoint = std::chrono::system_clock::time_point;

/// Wall-clock time, injected so that tests can fix or move it.
/// @par Thread safety: implementations are safe to call from any thread.
class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual TimePoint Now() const = 0;
};

/// The real clock.
class SystemClock final : public Clock {
public:
    [[nodiscard]] TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

/// Whole seconds since the Unix epoch.
inline long long ToUnixSeconds(TimePoint time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

inline TimePoint FromUnixSeconds(long long seconds) {
    return TimePoint{std::chrono::seconds{seconds}};
}

}  // namespace clockko::core
