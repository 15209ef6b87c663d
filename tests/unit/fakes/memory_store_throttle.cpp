#include "memory_store.hpp"

namespace clockko::fakes {
namespace {

core::TimePoint WholeSeconds(core::TimePoint time) {
    return core::FromUnixSeconds(core::ToUnixSeconds(time));
}

}  // namespace

store::ThrottleCount MemoryStore::HitThrottle(
    std::string_view key, core::TimePoint now, std::chrono::seconds window
) {
    CheckCall();
    const std::lock_guard lock(mutex_);
    const core::TimePoint at = WholeSeconds(now);
    store::ThrottleCount& count = state_.throttles[std::string(key)];
    if (count.hits == 0 || count.window_ends_at <= at) {
        count = store::ThrottleCount{.hits = 1, .window_ends_at = at + window};
    } else {
        ++count.hits;
    }
    return count;
}

std::optional<store::ThrottleCount> MemoryStore::ReadThrottle(
    std::string_view key, core::TimePoint now
) {
    CheckCall();
    const std::lock_guard lock(mutex_);
    const auto found = state_.throttles.find(std::string(key));
    if (found == state_.throttles.end() || found->second.window_ends_at <= WholeSeconds(now)) {
        return std::nullopt;
    }
    return found->second;
}

void MemoryStore::ClearThrottle(std::string_view key) {
    CheckCall();
    const std::lock_guard lock(mutex_);
    state_.throttles.erase(std::string(key));
}

}  // namespace clockko::fakes
