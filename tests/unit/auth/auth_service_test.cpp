#include "auth_harness.hpp"

#include <gtest/gtest.h>

namespace clockko::testing {
namespace {

// passlib 1.7.4: bcrypt.using(rounds=4, ident="2a").hash("Password123")
constexpr std::string_view kPasslib2a =
    "$2a$04$bRl10nbDjxl.6KMi.4TxeOud8WLkJEDE/vwoSsi4E.2hhJD0xpRJG";

std::unique_ptr<auth::AuthService> Make(
    AuthHarness& harness, auth::AuthSettings settings, bool real_bcrypt = false
) {
    return auth::MakeAuthService(auth::AuthDependencies{
        .store = harness.store,
        .clock = harness.clock,
        .random = harness.random,
        .settings = std::move(settings),
        .hasher = real_bcrypt ? nullptr : harness.hasher,
        .tokens = nullptr,
        .common_passwords = nullptr,
    });
}

TEST(MakeAuthService, RefusesInvalidSettings) {
    AuthHarness harness;
    auth::AuthSettings settings = AuthHarness::DefaultSettings();
    settings.secret_key.clear();
    EXPECT_THROW((void)Make(harness, settings), std::invalid_argument);
    settings = AuthHarness::DefaultSettings();
    settings.algorithm = "none";
    EXPECT_THROW((void)Make(harness, settings), std::invalid_argument);
    settings = AuthHarness::DefaultSettings();
    settings.bcrypt_cost = 3;
    EXPECT_THROW((void)Make(harness, settings, true), std::invalid_argument);
    settings = AuthHarness::DefaultSettings();
    settings.otp_lifetime = std::chrono::minutes{0};
    EXPECT_THROW((void)Make(harness, settings), std::invalid_argument);
}

TEST(MakeAuthService, AppliesTheConfiguredLifetimes) {
    AuthHarness harness;
    harness.settings.access_token_lifetime = std::chrono::minutes{5};
    harness.settings.otp_lifetime = std::chrono::minutes{2};
    harness.Rebuild();
    harness.Register("test@example.com");
    const auto grant = harness.service->Login(
        {.email = "test@example.com", .password = "Password123", .client_address = ""}
    );
    ASSERT_TRUE(grant);
    EXPECT_EQ(grant->expires_in_seconds, 300);
    EXPECT_NE(
        harness.MailsTo("test@example.com", "welcome")
            .at(0)
            .parameters_json.find(R"("expires_minutes":2)"),
        std::string::npos
    );
    harness.clock.Advance(std::chrono::minutes{2});
    EXPECT_FALSE(harness.service->VerifyEmail(
        "test@example.com", harness.LastCode("test@example.com", "welcome")
    ));
}

TEST(MakeAuthService, WorksEndToEndWithRealBcrypt) {
    AuthHarness harness;
    auth::AuthSettings settings = AuthHarness::DefaultSettings();
    settings.bcrypt_cost = 4;
    const auto service = Make(harness, settings, true);
    ASSERT_TRUE(service->Register({.email = "test@example.com", .password = "Password123"}));
    EXPECT_EQ(
        harness.store.UserByEmail("test@example.com")->hashed_password.rfind("$2b$04$", 0), 0U
    );
    const auto grant = service->Login(
        {.email = "test@example.com", .password = "Password123", .client_address = ""}
    );
    ASSERT_TRUE(grant);
    EXPECT_TRUE(service->CurrentUser(grant->access_token));
    EXPECT_EQ(
        service
            ->Login({.email = "test@example.com", .password = "Password124", .client_address = ""})
            .error()
            .code,
        core::ErrorCode::kInvalidCredentials
    );
    EXPECT_EQ(
        service
            ->Login({.email = "nobody@example.com", .password = "Password123", .client_address = ""}
            )
            .error()
            .code,
        core::ErrorCode::kInvalidCredentials
    );
}

TEST(MakeAuthService, LogsInAPasslibUserAndUpgradesTheHash) {
    AuthHarness harness;
    store::UserRecord legacy;
    legacy.id = "3f1c2a4e5b6d4e7f8a9b0c1d2e3f4a5b";
    legacy.email = "old@example.com";
    legacy.username = "old";
    legacy.hashed_password = std::string(kPasslib2a);
    harness.store.PutUser(legacy);
    auth::AuthSettings settings = AuthHarness::DefaultSettings();
    settings.bcrypt_cost = 5;
    const auto service = Make(harness, settings, true);
    ASSERT_TRUE(service->Login(
        {.email = "old@example.com", .password = "Password123", .client_address = ""}
    ));
    const std::string upgraded = harness.store.UserByEmail("old@example.com")->hashed_password;
    EXPECT_EQ(upgraded.rfind("$2b$05$", 0), 0U);
    EXPECT_TRUE(service->Login(
        {.email = "old@example.com", .password = "Password123", .client_address = ""}
    ));
}

}  // namespace
}  // namespace clockko::testing
