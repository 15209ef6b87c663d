#pragma once

#include "core/random.hpp"

#include <atomic>
#include <cstdint>
#include <span>

namespace clockko::http::testing {

/// Deterministic "random" bytes: a running counter, so that consecutive ids differ.
class CountingRandom final : public core::Random {
public:
    void Fill(std::span<std::uint8_t> out) override {
        for (std::uint8_t& byte : out) {
            byte = static_cast<std::uint8_t>(next_.fetch_add(1));
        }
    }

private:
    std::atomic<unsigned> next_{1};
};

}  // namespace clockko::http::testing
