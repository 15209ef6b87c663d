#include "auth/common_passwords.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clockko::auth {
namespace {

const PasswordPolicy& Policy() {
    static const PasswordPolicy policy(8, EmbeddedCommonPasswords());
    return policy;
}

constexpr std::string_view kEmail = "test@example.com";

TEST(EmbeddedCommonPasswords, HoldsAtLeastTenThousandEntries) {
    EXPECT_GE(EmbeddedCommonPasswords()->Size(), 10'000U);
}

TEST(EmbeddedCommonPasswords, NamesItsPackageVersionAndLicence) {
    const std::string source(EmbeddedCommonPasswordsSource());
    EXPECT_NE(source.find("@zxcvbn-ts/language-common "), std::string::npos) << source;
    EXPECT_NE(source.find("passwords.json"), std::string::npos) << source;
    EXPECT_NE(source.find("MIT"), std::string::npos) << source;
}

TEST(EmbeddedCommonPasswords, ContainsTheMostCommonOnesIncludingTheFirstAndLast) {
    const auto list = EmbeddedCommonPasswords();
    // "123456" is the first line of the file and "xpcrew" its last: nothing lost at the edges.
    for (const char* password : {"123456", "password", "password1", "qwerty123", "xpcrew"}) {
        EXPECT_TRUE(list->Contains(password)) << password;
    }
}

TEST(EmbeddedCommonPasswords, EntriesHaveNoSeparatorOrQuoteLeftOver) {
    const auto list = EmbeddedCommonPasswords();
    EXPECT_FALSE(list->Contains(""));
    EXPECT_FALSE(list->Contains("[\"123456"));
    EXPECT_FALSE(list->Contains("xpcrew\"]"));
}

TEST(EmbeddedCommonPasswords, PolicyRefusesListedPasswordsThatMeetTheLengthRule) {
    for (const char* password :
         {"password1", "qwerty123", "password123", "iloveyou1", "letmein1"}) {
        const auto result = Policy().Check(password, kEmail, "password");
        ASSERT_FALSE(result) << "accepted: " << password;
        EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
        ASSERT_EQ(result.error().fields.size(), 1U);
        EXPECT_EQ(result.error().fields.at(0).field, "password");
        EXPECT_EQ(result.error().fields.at(0).message, "is too common");
    }
}

TEST(EmbeddedCommonPasswords, MatchIsExactAndCaseSensitiveSoTheGuidesExampleWorks) {
    EXPECT_TRUE(EmbeddedCommonPasswords()->Contains("password123"));
    EXPECT_TRUE(Policy().Check("Password123", kEmail, "password"));
    EXPECT_TRUE(Policy().Check("password123 ", kEmail, "password"));
    EXPECT_TRUE(Policy().Check("correct horse battery staple", kEmail, "password"));
}

}  // namespace
}  // namespace clockko::auth
