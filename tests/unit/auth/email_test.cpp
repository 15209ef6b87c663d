#include "auth/email.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clockko::auth {
namespace {

bool Accepted(const std::string& email) {
    return ValidateEmail(NormalizeEmail(email)).has_value();
}

TEST(NormalizeEmail, TrimsAndLowerCasesAscii) {
    EXPECT_EQ(NormalizeEmail(" A@B.com "), "a@b.com");
    EXPECT_EQ(NormalizeEmail("\tTest@Example.COM\r\n"), "test@example.com");
    EXPECT_EQ(NormalizeEmail("a@b.com"), "a@b.com");
}

TEST(NormalizeEmail, KeepsNonAsciiBytes) {
    EXPECT_EQ(NormalizeEmail("J\xC3\x9CRGEN@Example.de"), "j\xC3\x9Crgen@example.de");
}

TEST(ValidateEmail, AcceptsPlausibleAddresses) {
    EXPECT_TRUE(Accepted("test@example.com"));
    EXPECT_TRUE(Accepted("first.last+tag@mail.example.co.uk"));
    EXPECT_TRUE(Accepted(" A@B.com "));
    EXPECT_TRUE(Accepted("j\xC3\xBCrgen@example.de"));
}

TEST(ValidateEmail, RequiresExactlyOneAt) {
    EXPECT_FALSE(Accepted("example.com"));
    EXPECT_FALSE(Accepted("a@b@example.com"));
}

TEST(ValidateEmail, RequiresLocalPartAndDottedDomain) {
    EXPECT_FALSE(Accepted("@example.com"));
    EXPECT_FALSE(Accepted("test@localhost"));
    EXPECT_FALSE(Accepted("test@"));
    EXPECT_FALSE(Accepted("test@.example.com"));
    EXPECT_FALSE(Accepted("test@example.com."));
    EXPECT_FALSE(Accepted("test@example..com"));
}

TEST(ValidateEmail, RefusesSpacesAndControlCharacters) {
    EXPECT_FALSE(Accepted("te st@example.com"));
    EXPECT_FALSE(Accepted("test@exa\tmple.com"));
    EXPECT_FALSE(Accepted(std::string("te\0st@example.com", 17)));
    EXPECT_FALSE(Accepted("te\x7Fst@example.com"));
    EXPECT_FALSE(Accepted("te\xC2\xA0st@example.com"));      // no-break space
    EXPECT_FALSE(Accepted("te\xE2\x80\x8Bst@example.com"));  // zero-width space
}

TEST(ValidateEmail, RefusesInvalidUtf8) {
    EXPECT_FALSE(Accepted("te\xFFst@example.com"));
    EXPECT_FALSE(Accepted("te\xC0\xAFst@example.com"));  // overlong '/'
}

TEST(ValidateEmail, AcceptsAtMost254Bytes) {
    const std::string domain = "@example.com";
    const std::string at_limit = std::string(254 - domain.size(), 'a') + domain;
    ASSERT_EQ(at_limit.size(), 254U);
    EXPECT_TRUE(Accepted(at_limit));
    EXPECT_FALSE(Accepted("a" + at_limit));
}

TEST(ValidateEmail, ReportsTheFieldInFastApiTerms) {
    const auto result = ValidateEmail("not-an-email");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
    ASSERT_EQ(result.error().fields.size(), 1U);
    EXPECT_EQ(result.error().fields[0].field, "email");
    EXPECT_EQ(result.error().fields[0].type, "value_error");
    EXPECT_EQ(result.error().detail.rfind("email: value is not a valid email address", 0), 0U);
}

TEST(NormalizeAndValidateEmail, ReturnsTheNormalisedForm) {
    const auto result = NormalizeAndValidateEmail("  Test@Example.com ");
    ASSERT_TRUE(result);
    EXPECT_EQ(*result, "test@example.com");
    EXPECT_FALSE(NormalizeAndValidateEmail("   "));
}

}  // namespace
}  // namespace clockko::auth
