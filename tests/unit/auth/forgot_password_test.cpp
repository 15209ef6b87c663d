#include "auth_harness.hpp"

#include <gtest/gtest.h>

namespace clockko::testing {
namespace {

TEST(ForgotPassword, MailsAResetCodeToAnExistingAccount) {
    AuthHarness harness;
    harness.Register("test@example.com");
    ASSERT_TRUE(harness.service->ForgotPassword(" Test@Example.com"));
    const auto mails = harness.MailsTo("test@example.com", "reset_code");
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_TRUE(auth::IsWellFormedCode(AuthHarness::CodeOf(mails[0])));
    const auto codes = harness.store.Snapshot().codes;
    EXPECT_EQ(codes.back().record.purpose, store::CodePurpose::kResetPassword);
}

TEST(ForgotPassword, AlsoServesVerifiedAccounts) {
    AuthHarness harness;
    harness.Register("test@example.com");
    ASSERT_TRUE(harness.service->VerifyEmail(
        "test@example.com", harness.LastCode("test@example.com", "welcome")
    ));
    ASSERT_TRUE(harness.service->ForgotPassword("test@example.com"));
    EXPECT_EQ(harness.MailsTo("test@example.com", "reset_code").size(), 1U);
}

TEST(ForgotPassword, AnswersTheSameForUnknownAndDisabledAccounts) {
    AuthHarness harness;
    harness.Register("disabled@example.com");
    store::UserRecord disabled = *harness.store.UserByEmail("disabled@example.com");
    disabled.is_active = false;
    harness.store.PutUser(disabled);
    const std::size_t mails_before = harness.store.Mails().size();
    EXPECT_TRUE(harness.service->ForgotPassword("nobody@example.com"));
    EXPECT_TRUE(harness.service->ForgotPassword("disabled@example.com"));
    EXPECT_EQ(harness.store.Mails().size(), mails_before);
}

TEST(ForgotPassword, NewCodeVoidsTheOldOneButNotTheVerificationCode) {
    AuthHarness harness;
    harness.Register("test@example.com");
    const std::string welcome_code = harness.LastCode("test@example.com", "welcome");
    ASSERT_TRUE(harness.service->ForgotPassword("test@example.com"));
    const std::string first = harness.LastCode("test@example.com", "reset_code");
    harness.clock.Advance(std::chrono::seconds{60});  // past CODE_RESEND_SECONDS
    ASSERT_TRUE(harness.service->ForgotPassword("test@example.com"));
    const std::string second = harness.LastCode("test@example.com", "reset_code");
    ASSERT_NE(first, second);
    EXPECT_EQ(
        harness.service->ResetPassword("test@example.com", first, "NewPassword456").error().code,
        core::ErrorCode::kInvalidOtp
    );
    EXPECT_TRUE(harness.service->ResetPassword("test@example.com", second, "NewPassword456"));
    EXPECT_TRUE(harness.service->VerifyEmail("test@example.com", welcome_code))
        << "purposes are separate";
}

TEST(ForgotPassword, RefusesAnInvalidEmail) {
    AuthHarness harness;
    const auto result = harness.service->ForgotPassword("a@b");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
}

}  // namespace
}  // namespace clockko::testing
