#include "mail/retry_backoff.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace clockko::mail {

std::chrono::milliseconds RetryDelay(
    int failures,
    std::chrono::milliseconds base,
    std::chrono::milliseconds cap,
    core::Random& random
) {
    // UniformBelow takes a 32-bit bound: about 49 days of milliseconds, far above any sane cap.
    constexpr std::int64_t kMaxMillis = std::numeric_limits<std::uint32_t>::max() - 1;
    const std::int64_t cap_ms = std::clamp<std::int64_t>(cap.count(), 0, kMaxMillis);
    std::int64_t ceiling = std::clamp<std::int64_t>(base.count(), 0, cap_ms);
    for (int i = 1; i < failures && ceiling > 0 && ceiling < cap_ms; ++i) {
        ceiling = std::min(ceiling * 2, cap_ms);
    }
    const auto bound = static_cast<std::uint32_t>(ceiling + 1);
    return std::chrono::milliseconds{core::UniformBelow(random, bound)};
}

}  // namespace clockko::mail
