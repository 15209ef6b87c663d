#include "auth_harness.hpp"

#include <gtest/gtest.h>

namespace clockko::testing {
namespace {

// python-jose 3.3.0, HS256, kSecret, {"sub": <id>, "exp": 1800000600}: the old backend's shape,
// once with the canonical id and once with the 32 hex digits its SQLite stored.
constexpr std::string_view kOldToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIzZjFjMmE0ZS01YjZkLTRlN2YtOGE5Yi0wYzFkMmUzZjRhNWIiLCJleHAiOjE4MDAwMDA2MDB9."
    "zgfD6MmvqwJef4Y_IHRj9fQvDmsFgSOAABY3isVVGHM";
constexpr std::string_view kOldHexToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIzZjFjMmE0ZTViNmQ0ZTdmOGE5YjBjMWQyZTNmNGE1YiIsImV4cCI6MTgwMDAwMDYwMH0."
    "0c9XTKXSGXvE9Tf1Vm4h-CGjPxGOqmSqGTHbXIg895U";
constexpr std::string_view kOldUserId = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

std::unique_ptr<auth::TokenService> SameKeyTokens(AuthHarness& harness) {
    return auth::MakeJwtTokenService(
        auth::TokenSettings{
            .algorithm = "HS256",
            .secret_key = std::string(kSecret),
            .previous_secret_key = "",
            .lifetime = std::chrono::minutes{30}},
        harness.random
    );
}

core::ErrorCode Rejection(AuthHarness& harness, const std::string& token) {
    const auto result = harness.service->CurrentUser(token);
    EXPECT_FALSE(result);
    return result ? core::ErrorCode::kInternal : result.error().code;
}

TEST(CurrentUser, ReturnsTheProfileForAValidToken) {
    AuthHarness harness;
    const auth::UserProfile user = harness.Register("test@example.com");
    const auto me = harness.service->CurrentUser(harness.Login("test@example.com"));
    ASSERT_TRUE(me);
    EXPECT_EQ(me->id, user.id);
    EXPECT_EQ(me->email, "test@example.com");
    EXPECT_EQ(me->username, "test");
}

TEST(CurrentUser, AnswersNotAuthenticatedWithoutAToken) {
    AuthHarness harness;
    EXPECT_EQ(Rejection(harness, ""), core::ErrorCode::kNotAuthenticated);
}

TEST(CurrentUser, AnswersTokenExpiredAfterTheLifetime) {
    AuthHarness harness;
    harness.Register("test@example.com");
    const std::string token = harness.Login("test@example.com");
    harness.clock.Advance(std::chrono::minutes{29});
    EXPECT_TRUE(harness.service->CurrentUser(token));
    harness.clock.Advance(std::chrono::minutes{1});
    EXPECT_EQ(Rejection(harness, token), core::ErrorCode::kTokenExpired);
}

TEST(CurrentUser, RejectsAnUnknownSub) {
    AuthHarness harness;
    const std::string token = SameKeyTokens(harness)->Issue(
        "00000000-0000-4000-8000-000000000000", 0, harness.clock.Now()
    );
    EXPECT_EQ(Rejection(harness, token), core::ErrorCode::kInvalidToken);
}

TEST(CurrentUser, RejectsASubThatIsNoUserIdWithoutAskingTheStore) {
    AuthHarness harness;
    const std::string token =
        SameKeyTokens(harness)->Issue("'; DROP TABLE users; --", 0, harness.clock.Now());
    harness.store.SetUnavailable(true);  // a store call would throw
    EXPECT_EQ(Rejection(harness, token), core::ErrorCode::kInvalidToken);
}

TEST(CurrentUser, RejectsADisabledUser) {
    AuthHarness harness;
    harness.Register("test@example.com");
    const std::string token = harness.Login("test@example.com");
    store::UserRecord user = *harness.store.UserByEmail("test@example.com");
    user.is_active = false;
    harness.store.PutUser(user);
    EXPECT_EQ(Rejection(harness, token), core::ErrorCode::kInvalidToken);
}

TEST(CurrentUser, RejectsATokenOfAnOlderVersion) {
    AuthHarness harness;
    harness.Register("test@example.com");
    const std::string token = harness.Login("test@example.com");
    store::UserRecord user = *harness.store.UserByEmail("test@example.com");
    user.token_version = 1;
    harness.store.PutUser(user);
    EXPECT_EQ(Rejection(harness, token), core::ErrorCode::kInvalidToken);
    EXPECT_TRUE(harness.service->CurrentUser(harness.Login("test@example.com")));
}

TEST(CurrentUser, RejectsAForgedToken) {
    AuthHarness harness;
    harness.Register("test@example.com");
    std::string token = harness.Login("test@example.com");
    token.back() = token.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(Rejection(harness, token), core::ErrorCode::kInvalidToken);
}

TEST(CurrentUser, AcceptsTheOldBackendsTokensUntilTheyExpire) {
    AuthHarness harness;
    store::UserRecord legacy;
    legacy.id = std::string(kOldUserId);
    legacy.email = "old@example.com";
    legacy.username = "old";
    legacy.hashed_password = "$2b$12$tOGl32qlci0m9f9k//Ops.SuX8ngIoXCjhT7XU9cANQPOEu/ycpoK";
    harness.store.PutUser(legacy);
    harness.clock.Set(core::FromUnixSeconds(1'800'000'000));
    const auto me = harness.service->CurrentUser(std::string(kOldToken));
    ASSERT_TRUE(me) << me.error().log;
    EXPECT_EQ(me->id, kOldUserId);
    EXPECT_TRUE(harness.service->CurrentUser(std::string(kOldHexToken)));
    harness.clock.Set(core::FromUnixSeconds(1'800'000'600));
    EXPECT_EQ(Rejection(harness, std::string(kOldToken)), core::ErrorCode::kTokenExpired);
}

}  // namespace
}  // namespace clockko::testing
