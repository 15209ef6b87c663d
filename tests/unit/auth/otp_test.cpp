#include "auth/otp.hpp"

#include "seeded_random.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <set>

namespace clockko::auth {
namespace {

constexpr std::string_view kSecret = "unit-test-secret-key-of-32-bytes!";
constexpr std::string_view kUser = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
constexpr std::string_view kOtherUser = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5c";

// Hands out the given 32-bit values, big-endian, as UniformBelow reads them.
class ScriptedRandom final : public core::Random {
public:
    explicit ScriptedRandom(std::initializer_list<std::uint32_t> values) : values_(values) {}

    void Fill(std::span<std::uint8_t> out) override {
        ASSERT_EQ(out.size(), 4U);
        ASSERT_FALSE(values_.empty());
        const std::uint32_t value = values_.front();
        values_.pop_front();
        for (std::size_t i = 0; i < 4; ++i) {
            out[i] = static_cast<std::uint8_t>(value >> (8U * (3 - i)));
        }
    }

private:
    std::deque<std::uint32_t> values_;
};

TEST(GenerateCode, IsSixDigitsZeroPadded) {
    ScriptedRandom random({42, 999999, 1000000});
    EXPECT_EQ(GenerateCode(random), "000042");
    EXPECT_EQ(GenerateCode(random), "999999");
    EXPECT_EQ(GenerateCode(random), "000000");
}

TEST(GenerateCode, RedrawsValuesThatWouldBias) {
    // 4294000000 is the largest multiple of 10^6 below 2^32: values from it up are redrawn.
    ScriptedRandom random({4294967295U, 4294000000U, 123456});
    EXPECT_EQ(GenerateCode(random), "123456");
}

TEST(GenerateCode, CoversTheWholeRange) {
    fakes::SeededRandom random(1);
    std::set<char> first_digits;
    for (int i = 0; i < 2000; ++i) {
        const std::string code = GenerateCode(random);
        ASSERT_TRUE(IsWellFormedCode(code)) << code;
        first_digits.insert(code[0]);
    }
    EXPECT_EQ(first_digits.size(), 10U);
}

TEST(IsWellFormedCode, AcceptsExactlySixDigits) {
    EXPECT_TRUE(IsWellFormedCode("012345"));
    EXPECT_FALSE(IsWellFormedCode("12345"));
    EXPECT_FALSE(IsWellFormedCode("1234567"));
    EXPECT_FALSE(IsWellFormedCode("12345a"));
    EXPECT_FALSE(IsWellFormedCode("１２３４５６"));
}

TEST(CodeHasher, MatchesAKnownAnswer) {
    // HMAC-SHA256(HMAC-SHA256(secret, "clockko-otp-v1"), purpose "\n" user id "\n" code),
    // computed with Python's hmac module: stored hashes depend on this exact format.
    const CodeHasher hasher(kSecret, "");
    EXPECT_EQ(
        hasher.Hash(kUser, store::CodePurpose::kVerifyEmail, "123456"),
        "3c19a4cc0fbb43e65998dcaeff22f0283e62a79ddba564264a43efadf8d48fda"
    );
    EXPECT_EQ(
        hasher.Hash(kUser, store::CodePurpose::kResetPassword, "123456"),
        "73229946aa984064f9b944f2eea0efad7fb685fdb223fb14202d2e11d1794095"
    );
}

TEST(CodeHasher, BindsTheHashToPurposeUserAndCode) {
    const CodeHasher hasher(kSecret, "");
    const std::string hashed = hasher.Hash(kUser, store::CodePurpose::kVerifyEmail, "123456");
    EXPECT_TRUE(hasher.Matches(kUser, store::CodePurpose::kVerifyEmail, "123456", hashed));
    EXPECT_FALSE(hasher.Matches(kUser, store::CodePurpose::kResetPassword, "123456", hashed));
    EXPECT_FALSE(hasher.Matches(kOtherUser, store::CodePurpose::kVerifyEmail, "123456", hashed));
    EXPECT_FALSE(hasher.Matches(kUser, store::CodePurpose::kVerifyEmail, "123457", hashed));
    EXPECT_EQ(hashed.find("123456"), std::string::npos);
}

TEST(CodeHasher, DependsOnTheSecret) {
    const CodeHasher hasher(kSecret, "");
    const CodeHasher other("another-secret", "");
    const std::string hashed = hasher.Hash(kUser, store::CodePurpose::kVerifyEmail, "123456");
    EXPECT_FALSE(other.Matches(kUser, store::CodePurpose::kVerifyEmail, "123456", hashed));
}

TEST(CodeHasher, AcceptsCodesHashedUnderThePreviousKey) {
    const CodeHasher before_rotation("old-secret", "");
    const CodeHasher after_rotation("new-secret", "old-secret");
    const std::string hashed =
        before_rotation.Hash(kUser, store::CodePurpose::kResetPassword, "654321");
    EXPECT_TRUE(after_rotation.Matches(kUser, store::CodePurpose::kResetPassword, "654321", hashed)
    );
    EXPECT_FALSE(CodeHasher("new-secret", "")
                     .Matches(kUser, store::CodePurpose::kResetPassword, "654321", hashed));
}

TEST(CodeHasher, NeverMatchesMalformedInput) {
    const CodeHasher hasher(kSecret, "");
    const std::string hashed = hasher.Hash(kUser, store::CodePurpose::kVerifyEmail, "123456");
    EXPECT_FALSE(hasher.Matches(kUser, store::CodePurpose::kVerifyEmail, "12345", hashed));
    EXPECT_FALSE(hasher.Matches(kUser, store::CodePurpose::kVerifyEmail, "123456", ""));
    EXPECT_FALSE(hasher.Matches(kUser, store::CodePurpose::kVerifyEmail, "123456", hashed.substr(1))
    );
    EXPECT_THROW(CodeHasher("", ""), std::invalid_argument);
}

}  // namespace
}  // namespace clockko::auth
