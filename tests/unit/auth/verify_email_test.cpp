#include "auth_harness.hpp"

#include <gtest/gtest.h>

namespace clockko::testing {
namespace {

class VerifyEmailTest : public ::testing::Test {
protected:
    void SetUp() override {
        user_ = harness_.Register("test@example.com");
        code_ = harness_.LastCode("test@example.com", "welcome");
        ASSERT_TRUE(auth::IsWellFormedCode(code_));
    }

    [[nodiscard]] core::Result<core::Done> Verify(
        const std::string& code, const std::string& email = "test@example.com"
    ) const {
        return harness_.service->VerifyEmail(email, code);
    }

    [[nodiscard]] bool Verified() const {
        const auto user = harness_.store.UserByEmail("test@example.com");
        return user && user->is_verified && user->otp_verified;
    }

    AuthHarness harness_;
    auth::UserProfile user_;
    std::string code_;
};

TEST_F(VerifyEmailTest, MarksTheAccountVerifiedWithTheMailedCode) {
    EXPECT_FALSE(Verified());
    ASSERT_TRUE(Verify(code_));
    EXPECT_TRUE(Verified());
    const auto me = harness_.service->CurrentUser(harness_.Login("test@example.com"));
    ASSERT_TRUE(me);
    EXPECT_TRUE(me->is_verified);
    EXPECT_TRUE(me->otp_verified);
}

TEST_F(VerifyEmailTest, AcceptsTheEmailInAnyCaseAndACodeWithSurroundingSpaces) {
    EXPECT_TRUE(Verify(" " + code_ + " ", " TEST@example.com"));
}

TEST_F(VerifyEmailTest, CodeIsSingleUse) {
    ASSERT_TRUE(Verify(code_));
    EXPECT_EQ(Verify(code_).error().code, core::ErrorCode::kInvalidOtp);
}

TEST_F(VerifyEmailTest, CodeExpiresAfterOtpExpireMinutes) {
    harness_.clock.Advance(std::chrono::minutes{10});
    EXPECT_EQ(Verify(code_).error().code, core::ErrorCode::kInvalidOtp);
    EXPECT_FALSE(Verified());
}

TEST_F(VerifyEmailTest, CodeWorksUntilJustBeforeItExpires) {
    harness_.clock.Advance(std::chrono::minutes{10} - std::chrono::seconds{1});
    EXPECT_TRUE(Verify(code_));
}

TEST_F(VerifyEmailTest, SixthTryAfterFiveWrongOnesFailsWithTooManyAttempts) {
    const std::string wrong = AuthHarness::OtherCode(code_);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(Verify(wrong).error().code, core::ErrorCode::kInvalidOtp) << "try " << i + 1;
    }
    const auto sixth = Verify(code_);
    ASSERT_FALSE(sixth);
    EXPECT_EQ(sixth.error().code, core::ErrorCode::kTooManyAttempts);
    EXPECT_EQ(sixth.error().retry_after_seconds, 60);
    EXPECT_FALSE(Verified());
}

TEST_F(VerifyEmailTest, FourWrongTriesStillLeaveTheCodeUsable) {
    for (int i = 0; i < 4; ++i) {
        ASSERT_FALSE(Verify(AuthHarness::OtherCode(code_)));
    }
    EXPECT_EQ(harness_.store.Snapshot().codes.back().record.failed_attempts, 4);
    EXPECT_TRUE(Verify(code_));
}

TEST_F(VerifyEmailTest, MalformedCodesCountAsWrongTries) {
    for (const char* attempt : {"", "12345", "abcdef", "1234567", "12 456"}) {
        EXPECT_EQ(Verify(attempt).error().code, core::ErrorCode::kInvalidOtp);
    }
    EXPECT_EQ(Verify(code_).error().code, core::ErrorCode::kTooManyAttempts);
}

TEST_F(VerifyEmailTest, ANewCodeEndsTooManyAttemptsAndVoidsTheOld) {
    for (int i = 0; i < 5; ++i) {
        ASSERT_FALSE(Verify(AuthHarness::OtherCode(code_)));
    }
    ASSERT_EQ(Verify(code_).error().code, core::ErrorCode::kTooManyAttempts);
    ASSERT_TRUE(harness_.service->SendVerificationCode("test@example.com"));
    const std::string fresh = harness_.LastCode("test@example.com", "verify_code");
    if (fresh != code_) {
        EXPECT_EQ(Verify(code_).error().code, core::ErrorCode::kInvalidOtp);
    }
    EXPECT_TRUE(Verify(fresh));
}

TEST_F(VerifyEmailTest, AResetCodeNeverVerifies) {
    ASSERT_TRUE(harness_.service->ForgotPassword("test@example.com"));
    const std::string reset_code = harness_.LastCode("test@example.com", "reset_code");
    ASSERT_NE(reset_code, code_);
    EXPECT_EQ(Verify(reset_code).error().code, core::ErrorCode::kInvalidOtp);
    EXPECT_FALSE(Verified());
    // The reset code itself still works for its own purpose.
    EXPECT_TRUE(harness_.service->ResetPassword("test@example.com", reset_code, "NewPassword456"));
}

TEST_F(VerifyEmailTest, EveryFailureGivesTheSameAnswerAsAnUnknownEmail) {
    const auto unknown = Verify(code_, "nobody@example.com");
    const auto malformed_email = Verify(code_, "not-an-email");
    const auto wrong = Verify(AuthHarness::OtherCode(code_));
    ASSERT_TRUE(Verify(code_));
    const auto used = Verify(code_);
    for (const auto* result : {&unknown, &malformed_email, &wrong, &used}) {
        ASSERT_FALSE(*result);
        EXPECT_EQ(result->error().code, core::ErrorCode::kInvalidOtp);
        EXPECT_EQ(result->error().detail, unknown.error().detail);
        EXPECT_EQ(result->error().retry_after_seconds, 0);
        EXPECT_TRUE(result->error().fields.empty());
    }
}

TEST_F(VerifyEmailTest, IsSafeWhenTheStoreRetriesTheTransaction) {
    harness_.store.SetRetries(1);
    ASSERT_FALSE(Verify(AuthHarness::OtherCode(code_)));
    EXPECT_EQ(harness_.store.Snapshot().codes.back().record.failed_attempts, 1) << "counted once";
    ASSERT_TRUE(Verify(code_));
    EXPECT_TRUE(Verified());
}

}  // namespace
}  // namespace clockko::testing
