#include "core/random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace clockko::core {
namespace {

/// Replays a fixed byte sequence, cycling.
class ScriptedRandom final : public Random {
public:
    explicit ScriptedRandom(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}

    void Fill(std::span<std::uint8_t> out) override {
        for (auto& byte : out) {
            byte = bytes_[next_++ % bytes_.size()];
        }
    }

private:
    std::vector<std::uint8_t> bytes_;
    std::size_t next_ = 0;
};

TEST(UniformBelow, RedrawsValuesThatWouldBiasTheResult) {
    // 0xFFFFFFFF lies above the largest multiple of 10 and must be redrawn; 0x00000007 is kept.
    ScriptedRandom random({0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x07});
    EXPECT_EQ(UniformBelow(random, 10), 7U);
}

TEST(UniformBelow, StaysBelowTheBound) {
    auto random = MakeSystemRandom();
    for (int i = 0; i < 1000; ++i) {
        EXPECT_LT(UniformBelow(*random, 1000000), 1000000U);
    }
}

TEST(RandomUuid, HasVersionFourLayout) {
    auto random = MakeSystemRandom();
    const std::string uuid = RandomUuid(*random);
    ASSERT_EQ(uuid.size(), 36U);
    EXPECT_EQ(uuid[8], '-');
    EXPECT_EQ(uuid[14], '4');
    EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos);
}

TEST(RandomHex, GivesTwoDigitsPerByteAndDiffersEachCall) {
    auto random = MakeSystemRandom();
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const std::string hex = RandomHex(*random, 32);
        EXPECT_EQ(hex.size(), 64U);
        seen.insert(hex);
    }
    EXPECT_EQ(seen.size(), 100U);
}

}  // namespace
}  // namespace clockko::core
