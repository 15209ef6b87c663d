#include "auth_harness.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace clockko::testing {
namespace {

constexpr const char* kNewPassword = "NewPassword456";

class ResetPasswordTest : public ::testing::Test {
protected:
    void SetUp() override {
        harness_.Register("test@example.com");
        ASSERT_TRUE(harness_.service->ForgotPassword("test@example.com"));
        code_ = harness_.LastCode("test@example.com", "reset_code");
        ASSERT_TRUE(auth::IsWellFormedCode(code_));
    }

    [[nodiscard]] core::Result<core::Done> Reset(
        const std::string& code,
        const std::string& password = kNewPassword,
        const std::string& email = "test@example.com"
    ) const {
        return harness_.service->ResetPassword(email, code, password);
    }

    [[nodiscard]] bool CanLogIn(const std::string& password) const {
        return harness_.service
            ->Login(
                {.email = "test@example.com", .password = password, .client_address = "127.0.0.1"}
            )
            .has_value();
    }

    AuthHarness harness_;
    std::string code_;
};

TEST_F(ResetPasswordTest, ChangesThePasswordWithTheMailedCode) {
    ASSERT_TRUE(Reset(code_));
    EXPECT_TRUE(CanLogIn(kNewPassword));
    EXPECT_FALSE(CanLogIn(std::string(kPassword)));
}

TEST_F(ResetPasswordTest, MarksTheAccountVerified) {
    ASSERT_TRUE(Reset(code_));
    const auto user = harness_.store.UserByEmail("test@example.com");
    EXPECT_TRUE(user->is_verified);
    EXPECT_TRUE(user->otp_verified);
}

TEST_F(ResetPasswordTest, QueuesAPasswordChangedMail) {
    ASSERT_TRUE(Reset(code_));
    const auto mails = harness_.MailsTo("test@example.com", "password_changed");
    ASSERT_EQ(mails.size(), 1U);
    const auto parameters = boost::json::parse(mails[0].parameters_json).as_object();
    EXPECT_EQ(parameters.at("changed_at").as_string(), "2027-01-15T08:00:00Z");
    EXPECT_EQ(parameters.at("username").as_string(), "test");
    EXPECT_FALSE(parameters.contains("code"));
}

TEST_F(ResetPasswordTest, RejectsEveryTokenIssuedBefore) {
    const std::string before = harness_.Login("test@example.com");
    ASSERT_TRUE(harness_.service->CurrentUser(before));
    ASSERT_TRUE(Reset(code_));
    EXPECT_EQ(harness_.service->CurrentUser(before).error().code, core::ErrorCode::kInvalidToken);
    const std::string after = harness_.Login("test@example.com", kNewPassword);
    EXPECT_TRUE(harness_.service->CurrentUser(after))
        << "a token issued in the same second still works";
}

TEST_F(ResetPasswordTest, CodeIsSingleUse) {
    ASSERT_TRUE(Reset(code_));
    EXPECT_EQ(Reset(code_, "ThirdPassword789").error().code, core::ErrorCode::kInvalidOtp);
    EXPECT_TRUE(CanLogIn(kNewPassword));
}

TEST_F(ResetPasswordTest, AVerificationCodeNeverResetsAPassword) {
    const std::string welcome_code = harness_.LastCode("test@example.com", "welcome");
    ASSERT_NE(welcome_code, code_);
    EXPECT_EQ(Reset(welcome_code).error().code, core::ErrorCode::kInvalidOtp);
    EXPECT_TRUE(CanLogIn(std::string(kPassword)));
}

TEST_F(ResetPasswordTest, CodeExpiresAfterOtpExpireMinutes) {
    harness_.clock.Advance(std::chrono::minutes{10});
    EXPECT_EQ(Reset(code_).error().code, core::ErrorCode::kInvalidOtp);
    EXPECT_TRUE(CanLogIn(std::string(kPassword)));
}

TEST_F(ResetPasswordTest, SixthTryAfterFiveWrongOnesFailsWithTooManyAttempts) {
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(Reset(AuthHarness::OtherCode(code_)).error().code, core::ErrorCode::kInvalidOtp);
    }
    EXPECT_EQ(Reset(code_).error().code, core::ErrorCode::kTooManyAttempts);
    EXPECT_TRUE(CanLogIn(std::string(kPassword)));
    harness_.clock.Advance(std::chrono::seconds{60});  // past CODE_RESEND_SECONDS
    ASSERT_TRUE(harness_.service->ForgotPassword("test@example.com"));
    EXPECT_TRUE(Reset(harness_.LastCode("test@example.com", "reset_code")));
}

TEST_F(ResetPasswordTest, RefusesAWeakPasswordWithoutSpendingTheCode) {
    for (const std::string& weak :
         {std::string("short"), std::string(73, 'a'), std::string("TEST@example.com")}) {
        const auto result = Reset(code_, weak);
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
        EXPECT_EQ(result.error().fields.at(0).field, "new_password");
    }
    EXPECT_EQ(harness_.store.Snapshot().codes.back().record.failed_attempts, 0);
    EXPECT_TRUE(Reset(code_));
}

TEST_F(ResetPasswordTest, WrongCodesCostNoHashing) {
    const int hashes = harness_.hasher->HashCount();
    ASSERT_FALSE(Reset(AuthHarness::OtherCode(code_)));
    ASSERT_FALSE(Reset(code_, kNewPassword, "nobody@example.com"));
    EXPECT_EQ(harness_.hasher->HashCount(), hashes);
}

TEST_F(ResetPasswordTest, EveryFailureGivesTheSameAnswerAsAnUnknownEmail) {
    const auto unknown = Reset(code_, kNewPassword, "nobody@example.com");
    const auto malformed_email = Reset(code_, kNewPassword, "nobody");
    const auto wrong = Reset(AuthHarness::OtherCode(code_));
    for (const auto* result : {&unknown, &malformed_email, &wrong}) {
        ASSERT_FALSE(*result);
        EXPECT_EQ(result->error().code, core::ErrorCode::kInvalidOtp);
        EXPECT_EQ(result->error().detail, unknown.error().detail);
    }
}

TEST_F(ResetPasswordTest, ACodeReplacedWhileHashingNoLongerWorks) {
    // Between the check and the change (while the new password is hashed), a new code is asked for.
    harness_.store.BeforeTransaction(2, [&] {
        harness_.clock.Advance(std::chrono::seconds{60});  // past CODE_RESEND_SECONDS
        ASSERT_TRUE(harness_.service->ForgotPassword("test@example.com"));
    });
    EXPECT_EQ(Reset(code_).error().code, core::ErrorCode::kInvalidOtp);
    EXPECT_TRUE(CanLogIn(std::string(kPassword)));
    EXPECT_EQ(harness_.store.Snapshot().codes.back().record.failed_attempts, 0)
        << "the new code is not charged";
    EXPECT_TRUE(Reset(harness_.LastCode("test@example.com", "reset_code")));
}

TEST_F(ResetPasswordTest, ACodeUsedByARacingRequestWorksOnlyOnce) {
    harness_.store.BeforeTransaction(2, [&] { ASSERT_TRUE(Reset(code_, "RacerPassword1")); });
    EXPECT_EQ(Reset(code_).error().code, core::ErrorCode::kInvalidOtp);
    EXPECT_TRUE(CanLogIn("RacerPassword1"));
    EXPECT_EQ(harness_.MailsTo("test@example.com", "password_changed").size(), 1U);
}

TEST_F(ResetPasswordTest, IsSafeWhenTheStoreRetriesTheTransaction) {
    harness_.store.SetRetries(2);
    ASSERT_TRUE(Reset(code_));
    EXPECT_EQ(harness_.store.UserByEmail("test@example.com")->token_version, 1);
    EXPECT_EQ(harness_.MailsTo("test@example.com", "password_changed").size(), 1U);
}

}  // namespace
}  // namespace clockko::testing
