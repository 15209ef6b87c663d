#include "seeded_random.hpp"

namespace clockko::fakes {

void SeededRandom::Fill(std::span<std::uint8_t> out) {
    const std::lock_guard lock(mutex_);
    std::size_t i = 0;
    while (i < out.size()) {
        state_ += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = state_;
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        z ^= z >> 31U;
        for (int k = 0; k < 8 && i < out.size(); ++k, ++i) {
            out[i] = static_cast<std::uint8_t>(z >> (8U * static_cast<unsigned>(k)));
        }
    }
}

}  // namespace clockko::fakes
