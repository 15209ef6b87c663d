#include "auth/throttle.hpp"

#include "auth_harness.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace clockko::testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr const char* kAddress = "203.0.113.7";
constexpr const char* kOtherAddress = "198.51.100.9";

/// The harness with small limits so that each rule is reached in a few calls.
class ThrottleTest : public ::testing::Test {
protected:
    ThrottleTest() {
        harness.settings.throttle = auth::ThrottleSettings{
            .login_max_failures = 3,
            .login_max_failures_account = 5,
            .login_max_failures_address = 7,
            .window = minutes{15},
            .code_resend = seconds{60},
            .code_max_per_hour = 4,
            .code_max_per_hour_address = 6,
            .code_max_failures_account = 3,
            .code_max_failures_address = 5,
        };
        harness.Rebuild();
    }

    core::Result<auth::TokenGrant> Login(
        const std::string& email, const std::string& password, const std::string& address = kAddress
    ) {
        return harness.service->Login(auth::LoginInput{
            .email = email, .password = password, .client_address = address});
    }

    static void ExpectRateLimited(const core::Result<auth::TokenGrant>& result, int retry_after) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, core::ErrorCode::kRateLimited);
        EXPECT_EQ(result.error().retry_after_seconds, retry_after);
    }

    static void ExpectRateLimited(const core::Result<core::Done>& result, int retry_after) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, core::ErrorCode::kRateLimited) << result.error().log;
        EXPECT_EQ(result.error().retry_after_seconds, retry_after);
    }

    AuthHarness harness;
};

TEST_F(ThrottleTest, LoginRefusesTheRightPasswordOnceAccountAndAddressFailuresAreReached) {
    harness.Register("user@example.com");
    for (int failure = 0; failure < 3; ++failure) {
        EXPECT_EQ(
            Login("user@example.com", "WrongPassword1").error().code,
            core::ErrorCode::kInvalidCredentials
        );
    }
    harness.clock.Advance(minutes{5});
    const int verifies_before = harness.hasher->VerifyCount();
    ExpectRateLimited(Login("user@example.com", std::string(kPassword)), 600);
    EXPECT_EQ(harness.hasher->VerifyCount(), verifies_before) << "refused before any hashing";
    // Another address is not throttled by this rule.
    EXPECT_TRUE(Login("user@example.com", std::string(kPassword), kOtherAddress));
}

TEST_F(ThrottleTest, LoginWindowEndsAfterTheConfiguredMinutes) {
    harness.Register("user@example.com");
    for (int failure = 0; failure < 3; ++failure) {
        (void)Login("user@example.com", "WrongPassword1");
    }
    harness.clock.Advance(minutes{15} - seconds{1});
    ExpectRateLimited(Login("user@example.com", std::string(kPassword)), 1);
    harness.clock.Advance(seconds{1});
    EXPECT_TRUE(Login("user@example.com", std::string(kPassword)));
}

TEST_F(ThrottleTest, LoginCountsUnknownEmailsExactlyLikeKnownOnes) {
    harness.Register("known@example.com");
    for (int attempt = 0; attempt < 4; ++attempt) {
        const auto known = Login("known@example.com", "WrongPassword1");
        const auto unknown = Login("unknown@example.com", "WrongPassword1");
        ASSERT_FALSE(known);
        ASSERT_FALSE(unknown);
        EXPECT_EQ(known.error().code, unknown.error().code) << "attempt " << attempt;
        EXPECT_EQ(known.error().detail, unknown.error().detail);
        EXPECT_EQ(known.error().retry_after_seconds, unknown.error().retry_after_seconds);
    }
    ExpectRateLimited(Login("unknown@example.com", "WrongPassword1"), 900);
}

TEST_F(ThrottleTest, LoginAccountLimitHoldsAcrossAddresses) {
    harness.Register("user@example.com");
    for (int failure = 0; failure < 5; ++failure) {
        (void)Login("user@example.com", "WrongPassword1", "10.0.0." + std::to_string(failure));
    }
    ExpectRateLimited(Login("user@example.com", std::string(kPassword), "10.0.1.1"), 900);
}

TEST_F(ThrottleTest, LoginAddressLimitHoldsAcrossAccounts) {
    harness.Register("victim@example.com");
    for (int failure = 0; failure < 7; ++failure) {
        (void)Login("sprayed" + std::to_string(failure) + "@example.com", "WrongPassword1");
    }
    ExpectRateLimited(Login("victim@example.com", std::string(kPassword)), 900);
    EXPECT_TRUE(Login("victim@example.com", std::string(kPassword), kOtherAddress));
}

TEST_F(ThrottleTest, LoginSuccessClearsTheAccountAndAddressCounter) {
    harness.Register("user@example.com");
    for (int round = 0; round < 2; ++round) {
        (void)Login("user@example.com", "WrongPassword1");
        (void)Login("user@example.com", "WrongPassword1");
        ASSERT_TRUE(Login("user@example.com", std::string(kPassword))) << "round " << round;
    }
}

TEST_F(ThrottleTest, EmailsAreNormalisedBeforeCounting) {
    harness.Register("user@example.com");
    for (const char* email : {"USER@example.com", " user@Example.com", "user@example.com "}) {
        (void)Login(email, "WrongPassword1");
    }
    ExpectRateLimited(Login("user@example.com", std::string(kPassword)), 900);
}

TEST_F(ThrottleTest, CodeResendIsRefusedWithinTheIntervalForKnownAndUnknownEmails) {
    harness.Register("known@example.com");
    for (const char* email : {"known@example.com", "unknown@example.com"}) {
        ASSERT_TRUE(harness.service->SendVerificationCode(email, kAddress)) << email;
    }
    harness.clock.Advance(seconds{20});
    ExpectRateLimited(harness.service->SendVerificationCode("known@example.com", kAddress), 40);
    ExpectRateLimited(harness.service->SendVerificationCode("unknown@example.com", kAddress), 40);
    // The resend interval is per purpose: a reset code may still be asked for.
    EXPECT_TRUE(harness.service->ForgotPassword("known@example.com", kAddress));
    harness.clock.Advance(seconds{40});
    EXPECT_TRUE(harness.service->SendVerificationCode("known@example.com", kAddress));
}

TEST_F(ThrottleTest, ZeroResendSecondsTurnsTheIntervalOffButNotTheHourlyLimit) {
    harness.settings.throttle.code_resend = seconds{0};
    harness.Rebuild();
    harness.Register("user@example.com");
    const std::size_t mails_before = harness.MailsTo("user@example.com", "verify_code").size();
    for (int request = 0; request < 4; ++request) {
        ASSERT_TRUE(harness.service->SendVerificationCode("user@example.com", kAddress))
            << "request " << request;
    }
    EXPECT_EQ(harness.MailsTo("user@example.com", "verify_code").size(), mails_before + 4);
    harness.clock.Advance(minutes{10});
    ExpectRateLimited(harness.service->ForgotPassword("user@example.com", kAddress), 3000);
}

TEST_F(ThrottleTest, CodeRequestsPerAddressCoverEveryEmail) {
    for (int request = 0; request < 6; ++request) {
        ASSERT_TRUE(harness.service->ForgotPassword(
            "person" + std::to_string(request) + "@example.com", kAddress
        ));
    }
    ExpectRateLimited(harness.service->ForgotPassword("another@example.com", kAddress), 3600);
    EXPECT_TRUE(harness.service->ForgotPassword("another@example.com", kOtherAddress));
}

TEST_F(ThrottleTest, ThrottledCodeRequestMailsNothing) {
    harness.Register("user@example.com");
    ASSERT_TRUE(harness.service->ForgotPassword("user@example.com", kAddress));
    const std::size_t mails = harness.store.Mails().size();
    ExpectRateLimited(harness.service->ForgotPassword("user@example.com", kAddress), 60);
    EXPECT_EQ(harness.store.Mails().size(), mails);
}

TEST_F(ThrottleTest, CodeFailuresPerAccountRefuseEvenTheRightCode) {
    harness.settings.otp_lifetime = minutes{30};  // outlives the throttle window
    harness.Rebuild();
    harness.Register("user@example.com");
    const std::string code = harness.LastCode("user@example.com", "welcome");
    for (int failure = 0; failure < 3; ++failure) {
        // From different addresses: the account limit holds whatever the address.
        EXPECT_EQ(
            harness.service
                ->VerifyEmail(
                    "user@example.com",
                    AuthHarness::OtherCode(code),
                    "10.0.0." + std::to_string(failure)
                )
                .error()
                .code,
            core::ErrorCode::kInvalidOtp
        );
    }
    ExpectRateLimited(harness.service->VerifyEmail("user@example.com", code, kAddress), 900);
    ExpectRateLimited(
        harness.service->ResetPassword("user@example.com", code, "NewPassword1", kAddress), 900
    );
    EXPECT_FALSE(harness.store.UserByEmail("user@example.com")->is_verified);
    harness.clock.Advance(minutes{15});
    EXPECT_TRUE(harness.service->VerifyEmail("user@example.com", code, kAddress));
}

TEST_F(ThrottleTest, CodeFailuresCountUnknownEmailsAndAddresses) {
    for (int failure = 0; failure < 3; ++failure) {
        EXPECT_EQ(
            harness.service->VerifyEmail("nobody@example.com", "123456", kAddress).error().code,
            core::ErrorCode::kInvalidOtp
        );
    }
    ExpectRateLimited(harness.service->VerifyEmail("nobody@example.com", "123456", kAddress), 900);
    // Two more on other emails reach the per-address limit (5) for every email.
    for (const char* email : {"a@example.com", "b@example.com"}) {
        (void)harness.service->ResetPassword(email, "123456", "NewPassword1", kAddress);
    }
    harness.Register("user@example.com");
    const std::string code = harness.LastCode("user@example.com", "welcome");
    ExpectRateLimited(harness.service->VerifyEmail("user@example.com", code, kAddress), 900);
    EXPECT_TRUE(harness.service->VerifyEmail("user@example.com", code, kOtherAddress));
}

TEST_F(ThrottleTest, WithoutAClientAddressOnlyTheAccountRulesApply) {
    for (int failure = 0; failure < 7; ++failure) {
        (void)Login("sprayed" + std::to_string(failure) + "@example.com", "WrongPassword1", "");
    }
    harness.Register("user@example.com");
    EXPECT_TRUE(Login("user@example.com", std::string(kPassword), ""));
}

TEST(ThrottleKey, IsANamespacedDigestThatSeparatesItsParts) {
    const std::string key = auth::ThrottleKey("login_account_address", "a@b.co", "1.2.3.4");
    EXPECT_EQ(key.rfind("login_account_address:", 0), 0U);
    EXPECT_EQ(key.size(), std::string("login_account_address:").size() + 64);
    EXPECT_EQ(key.find("a@b.co"), std::string::npos) << "no email in clear";
    EXPECT_NE(key, auth::ThrottleKey("login_account_address", "a@b.co1", ".2.3.4"));
    EXPECT_NE(key, auth::ThrottleKey("login_account", "a@b.co", "1.2.3.4"));
}

}  // namespace
}  // namespace clockko::testing
