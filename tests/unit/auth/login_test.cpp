#include "auth_harness.hpp"

#include <gtest/gtest.h>

namespace clockko::testing {
namespace {

core::Result<auth::TokenGrant> TryLogin(
    AuthHarness& harness, std::string email, std::string password
) {
    return harness.service->Login(
        {.email = std::move(email),
         .password = std::move(password),
         .client_address = "198.51.100.7"}
    );
}

TEST(Login, IssuesABearerTokenForTheRightPassword) {
    AuthHarness harness;
    const auth::UserProfile user = harness.Register("test@example.com");
    const auto grant = TryLogin(harness, "test@example.com", "Password123");
    ASSERT_TRUE(grant);
    EXPECT_EQ(grant->token_type, "bearer");
    EXPECT_EQ(grant->expires_in_seconds, 1800);
    const auto me = harness.service->CurrentUser(grant->access_token);
    ASSERT_TRUE(me);
    EXPECT_EQ(me->id, user.id);
}

TEST(Login, FindsTheAccountWhateverTheEmailsCaseAndSpacing) {
    AuthHarness harness;
    harness.Register("test@example.com");
    EXPECT_TRUE(TryLogin(harness, "  TEST@Example.COM ", "Password123"));
}

TEST(Login, WrongPasswordAnswersLikeUnknownEmail) {
    AuthHarness harness;
    harness.Register("test@example.com");
    const int before = harness.hasher->VerifyCount();
    const auto wrong = TryLogin(harness, "test@example.com", "Password124");
    EXPECT_EQ(harness.hasher->VerifyCount(), before + 1);
    const auto unknown = TryLogin(harness, "nobody@example.com", "Password123");
    EXPECT_EQ(harness.hasher->VerifyCount(), before + 2)
        << "an unknown email costs the same hash work";
    const auto malformed = TryLogin(harness, "not-an-email", "Password123");
    EXPECT_EQ(harness.hasher->VerifyCount(), before + 3);
    for (const auto* result : {&wrong, &unknown, &malformed}) {
        ASSERT_FALSE(*result);
        EXPECT_EQ(result->error().code, core::ErrorCode::kInvalidCredentials);
        EXPECT_EQ(result->error().detail, wrong.error().detail);
        EXPECT_EQ(result->error().log, wrong.error().log);
        EXPECT_TRUE(result->error().fields.empty());
    }
}

TEST(Login, RefusesAPasswordPastBcryptsLimitOrWithNul) {
    AuthHarness harness;
    harness.Register("test@example.com");
    EXPECT_EQ(
        TryLogin(harness, "test@example.com", std::string("Password123") + '\0').error().code,
        core::ErrorCode::kInvalidCredentials
    );
    EXPECT_EQ(
        TryLogin(harness, "test@example.com", "").error().code, core::ErrorCode::kInvalidCredentials
    );
}

TEST(Login, RefusesADisabledAccountOnlyOnceThePasswordWasRight) {
    AuthHarness harness;
    harness.Register("test@example.com");
    store::UserRecord user = *harness.store.UserByEmail("test@example.com");
    user.is_active = false;
    harness.store.PutUser(user);
    EXPECT_EQ(
        TryLogin(harness, "test@example.com", "Password124").error().code,
        core::ErrorCode::kInvalidCredentials
    );
    EXPECT_EQ(
        TryLogin(harness, "test@example.com", "Password123").error().code,
        core::ErrorCode::kAccountDisabled
    );
}

TEST(Login, UpgradesAnOutdatedHash) {
    AuthHarness harness;
    harness.Register("test@example.com");
    harness.hasher->SetCost(5);  // BCRYPT_ROUNDS raised
    ASSERT_TRUE(TryLogin(harness, "test@example.com", "Password123"));
    const std::string upgraded = harness.store.UserByEmail("test@example.com")->hashed_password;
    EXPECT_EQ(upgraded.rfind("fake$5$", 0), 0U);
    const int hashes = harness.hasher->HashCount();
    ASSERT_TRUE(TryLogin(harness, "test@example.com", "Password123"));
    EXPECT_EQ(harness.hasher->HashCount(), hashes) << "no second upgrade";
    EXPECT_EQ(harness.store.UserByEmail("test@example.com")->token_version, 0)
        << "an upgrade keeps tokens valid";
}

TEST(Login, NeverUpgradesOverAPasswordResetThatRacedIt) {
    AuthHarness harness;
    harness.Register("test@example.com");
    harness.hasher->SetCost(5);
    // Between the login's lookup and its upgrade, the password is reset elsewhere.
    harness.store.BeforeTransaction(2, [&] {
        harness.store.Transact([&](store::StoreTransaction& transaction) {
            const auto user = transaction.FindUserByEmail("test@example.com");
            transaction.ResetPassword(user->id, "fake$5$NewPassword1");
        });
    });
    ASSERT_TRUE(TryLogin(harness, "test@example.com", "Password123"));
    EXPECT_EQ(
        harness.store.UserByEmail("test@example.com")->hashed_password, "fake$5$NewPassword1"
    );
}

}  // namespace
}  // namespace clockko::testing
