#include "auth_harness.hpp"

#include <gtest/gtest.h>

namespace clockko::testing {
namespace {

TEST(SendVerificationCode, MailsANewCodeToAnUnverifiedAccount) {
    AuthHarness harness;
    harness.Register("test@example.com");
    ASSERT_TRUE(harness.service->SendVerificationCode(" Test@Example.com "));
    const auto mails = harness.MailsTo("test@example.com", "verify_code");
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_TRUE(auth::IsWellFormedCode(AuthHarness::CodeOf(mails[0])));
    EXPECT_NE(mails[0].parameters_json.find(R"("expires_minutes":10)"), std::string::npos);
}

TEST(SendVerificationCode, NewCodeVoidsTheOldOne) {
    AuthHarness harness;
    harness.Register("test@example.com");
    const std::string welcome_code = harness.LastCode("test@example.com", "welcome");
    ASSERT_TRUE(harness.service->SendVerificationCode("test@example.com"));
    const std::string new_code = harness.LastCode("test@example.com", "verify_code");
    ASSERT_NE(new_code, welcome_code);
    EXPECT_EQ(
        harness.service->VerifyEmail("test@example.com", welcome_code).error().code,
        core::ErrorCode::kInvalidOtp
    );
    EXPECT_TRUE(harness.service->VerifyEmail("test@example.com", new_code));
}

TEST(SendVerificationCode, AnswersTheSameForUnknownVerifiedAndDisabledAccounts) {
    AuthHarness harness;
    harness.Register("verified@example.com");
    ASSERT_TRUE(harness.service->VerifyEmail(
        "verified@example.com", harness.LastCode("verified@example.com", "welcome")
    ));
    harness.Register("disabled@example.com");
    store::UserRecord disabled = *harness.store.UserByEmail("disabled@example.com");
    disabled.is_active = false;
    harness.store.PutUser(disabled);
    const std::size_t mails_before = harness.store.Mails().size();

    for (const char* email :
         {"nobody@example.com", "verified@example.com", "disabled@example.com"}) {
        const auto result = harness.service->SendVerificationCode(email);
        EXPECT_TRUE(result) << email;
    }
    EXPECT_EQ(harness.store.Mails().size(), mails_before)
        << "no mail to unknown, verified or disabled";
}

TEST(SendVerificationCode, RefusesAnInvalidEmail) {
    AuthHarness harness;
    const auto result = harness.service->SendVerificationCode("not-an-email");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
    EXPECT_EQ(result.error().fields.at(0).field, "email");
}

}  // namespace
}  // namespace clockko::testing
