#include "core/random.hpp"

#include <openssl/rand.h>

#include <array>
#include <limits>
#include <stdexcept>

namespace clockko::core {
namespace {

class SystemRandom final : public Random {
public:
    void Fill(std::span<std::uint8_t> out) override {
        if (out.empty()) {
            return;
        }
        if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
            throw std::runtime_error("RAND_bytes failed");
        }
    }
};

constexpr std::string_view kHexDigits = "0123456789abcdef";

void AppendHex(std::string& out, std::uint8_t byte) {
    out.push_back(kHexDigits[byte >> 4U]);
    out.push_back(kHexDigits[byte & 0x0FU]);
}

}  // namespace

std::unique_ptr<Random> MakeSystemRandom() {
    return std::make_unique<SystemRandom>();
}

std::uint32_t UniformBelow(Random& random, std::uint32_t bound) {
    // Values at or above the largest multiple of `bound` are redrawn, so every residue is equally
    // likely.
    const std::uint64_t range = std::uint64_t{std::numeric_limits<std::uint32_t>::max()} + 1;
    const std::uint64_t limit = range - (range % bound);
    for (;;) {
        std::array<std::uint8_t, 4> bytes{};
        random.Fill(bytes);
        const std::uint64_t value = (std::uint64_t{bytes[0]} << 24U) |
                                    (std::uint64_t{bytes[1]} << 16U) |
                                    (std::uint64_t{bytes[2]} << 8U) | std::uint64_t{bytes[3]};
        if (value < limit) {
            return static_cast<std::uint32_t>(value % bound);
        }
    }
}

std::string RandomHex(Random& random, std::size_t byte_count) {
    std::string bytes(byte_count, '\0');
    random.Fill(std::span(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()));
    std::string out;
    out.reserve(byte_count * 2);
    for (const char c : bytes) {
        AppendHex(out, static_cast<std::uint8_t>(c));
    }
    return out;
}

std::string RandomUuid(Random& random) {
    std::array<std::uint8_t, 16> bytes{};
    random.Fill(bytes);
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0FU) | 0x40U);
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3FU) | 0x80U);
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out.push_back('-');
        }
        AppendHex(out, bytes[i]);
    }
    return out;
}

}  // namespace clockko::core
