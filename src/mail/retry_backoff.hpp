#pragma once

#include "core/random.hpp"

#include <chrono>

namespace clockko::mail {

/// Exponential backoff with full jitter: a uniformly random delay, in whole milliseconds, in
/// [0, min(cap, base × 2^(failures − 1))]. `failures` counts the failed attempts so far (≥ 1;
/// smaller values are treated as 1). Never overflows, whatever `failures` is.
std::chrono::milliseconds RetryDelay(
    int failures,
    std::chrono::milliseconds base,
    std::chrono::milliseconds cap,
    core::Random& random
);

}  // namespace clockko::mail
