#pragma once

#include "core/random.hpp"

#include <cstdint>
#include <mutex>
#include <span>

namespace clockko::fakes {

/// A deterministic byte stream (SplitMix64) for reproducible tests. Not cryptographic.
/// @par Thread safety: Fill may be called from any thread.
class SeededRandom final : public core::Random {
public:
    explicit SeededRandom(std::uint64_t seed = 42) : state_(seed) {}

    void Fill(std::span<std::uint8_t> out) override;

private:
    std::mutex mutex_;
    std::uint64_t state_;
};

}  // namespace clockko::fakes
