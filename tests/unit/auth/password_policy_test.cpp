#include "auth/password_policy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clockko::auth {
namespace {

const PasswordPolicy& Policy() {
    static const PasswordPolicy policy(8, nullptr);
    return policy;
}

constexpr std::string_view kEmail = "test@example.com";

core::FieldError Rejection(std::string_view password, std::string_view field = "password") {
    const auto result = Policy().Check(password, kEmail, field);
    EXPECT_FALSE(result) << "accepted: " << password;
    if (result) {
        return {};
    }
    EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
    EXPECT_EQ(result.error().fields.size(), 1U);
    return result.error().fields.at(0);
}

TEST(PasswordPolicy, AcceptsTheGuidesExample) {
    EXPECT_TRUE(Policy().Check("Password123", kEmail, "password"));
}

TEST(PasswordPolicy, RefusesSevenCharacters) {
    const core::FieldError error = Rejection("Passw0r");
    EXPECT_EQ(error.field, "password");
    EXPECT_EQ(error.type, "string_too_short");
    EXPECT_EQ(error.message, "must be at least 8 characters");
    EXPECT_TRUE(Policy().Check("Passw0rd", kEmail, "password"));
}

TEST(PasswordPolicy, CountsCharactersNotBytes) {
    // Seven code points in 14 bytes: still too short.
    EXPECT_EQ(
        Rejection("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9").type,
        "string_too_short"
    );
    EXPECT_TRUE(Policy().Check(
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", kEmail, "password"
    ));
}

TEST(PasswordPolicy, Accepts72BytesAndRefuses73) {
    EXPECT_TRUE(Policy().Check(std::string(72, 'a'), kEmail, "password"));
    const core::FieldError error = Rejection(std::string(73, 'a'));
    EXPECT_EQ(error.type, "string_too_long");
    EXPECT_EQ(error.message, "must be at most 72 bytes in UTF-8");
}

TEST(PasswordPolicy, MeasuresTheLimitInUtf8Bytes) {
    std::string twenty_five_euros;  // 25 characters, 75 bytes
    for (int i = 0; i < 25; ++i) {
        twenty_five_euros += "\xE2\x82\xAC";
    }
    EXPECT_EQ(Rejection(twenty_five_euros).type, "string_too_long");
}

TEST(PasswordPolicy, RefusesTheEmailInAnyCase) {
    EXPECT_EQ(Rejection("test@example.com").type, "value_error");
    EXPECT_EQ(Rejection(" Test@Example.COM ").message, "must not be the same as the email");
}

TEST(PasswordPolicy, RefusesNul) {
    const core::FieldError error = Rejection(std::string("Password") + '\0' + "123");
    EXPECT_EQ(error.type, "value_error");
    EXPECT_EQ(error.message, "must not contain a NUL character");
}

TEST(PasswordPolicy, RefusesInvalidUtf8) {
    EXPECT_EQ(Rejection("Password\xFF\xFE").type, "value_error");
}

TEST(PasswordPolicy, NamesTheFieldItWasGiven) {
    EXPECT_EQ(Rejection("short", "new_password").field, "new_password");
    const auto result = Policy().Check("short", kEmail, "new_password");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().detail, "new_password: must be at least 8 characters");
}

TEST(PasswordPolicy, HonoursTheConfiguredMinimum) {
    const PasswordPolicy twelve(12, nullptr);
    const auto result = twelve.Check("Password123", kEmail, "password");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().fields.at(0).message, "must be at least 12 characters");
}

TEST(PasswordPolicy, RefusesListedCommonPasswordsByExactMatch) {
    const PasswordPolicy policy(
        8,
        std::make_shared<const CommonPasswords>(std::vector<std::string>{"qwertyuiop", "password1"})
    );
    const auto result = policy.Check("qwertyuiop", kEmail, "password");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().fields.at(0).message, "is too common");
    EXPECT_TRUE(policy.Check("QwertyuiopX", kEmail, "password"));
    EXPECT_TRUE(policy.Check("Password123", kEmail, "password"));
}

TEST(CommonPasswords, LooksUpExactly) {
    const CommonPasswords list({"b", "a", "a"});
    EXPECT_EQ(list.Size(), 2U);
    EXPECT_TRUE(list.Contains("a"));
    EXPECT_FALSE(list.Contains("A"));
    EXPECT_FALSE(CommonPasswords().Contains("a"));
}

}  // namespace
}  // namespace clockko::auth
