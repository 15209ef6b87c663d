#include "auth/session_keys.hpp"
#include "auth_harness.hpp"

#include <gtest/gtest.h>

#include <set>

namespace clockko::testing {
namespace {

using std::chrono::seconds;

class Sessions : public ::testing::Test {
protected:
    void SetUp() override {
        settings().refresh_reuse_grace = seconds{10};
        settings().refresh_token_lifetime = std::chrono::days{30};
        harness_.Rebuild();
        user_ = harness_.Register("sessions@example.com");
    }

    auth::AuthSettings& settings() { return harness_.settings; }

    auth::TokenGrant LogIn() {
        auto grant = harness_.service->Login(
            {.email = "sessions@example.com",
             .password = std::string(kPassword),
             .client_address = "198.51.100.7"}
        );
        EXPECT_TRUE(grant) << (grant ? "" : grant.error().log);
        return grant ? *grant : auth::TokenGrant{};
    }

    core::Result<auth::TokenGrant> Refresh(const std::string& token) {
        return harness_.service->Refresh(token, "203.0.113.9");
    }

    bool AccessWorks(const std::string& access_token) {
        return harness_.service->CurrentUser(access_token).has_value();
    }

    static void ExpectInvalidToken(const core::Result<auth::TokenGrant>& result) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidToken);
    }

    std::vector<store::SessionRecord> Rows() const {
        std::vector<store::SessionRecord> rows;
        for (const auto& [id, row] : harness_.store.Snapshot().sessions.rows) {
            rows.push_back(row);
        }
        return rows;
    }

    AuthHarness harness_;
    auth::UserProfile user_;
};

TEST_F(Sessions, LoginReturnsARefreshTokenStoredOnlyAsItsHash) {
    const auth::TokenGrant grant = LogIn();
    EXPECT_TRUE(auth::IsRefreshTokenShape(grant.refresh_token)) << grant.refresh_token;
    const auto rows = Rows();
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].token_hash, auth::SessionKeys::Hash(grant.refresh_token));
    EXPECT_NE(rows[0].token_hash, grant.refresh_token);
    EXPECT_EQ(rows[0].user_id, user_.id);
    EXPECT_EQ(rows[0].expires_at, harness_.clock.Now() + std::chrono::days{30});
}

TEST_F(Sessions, EachLoginStartsAnotherFamilyWithAnotherToken) {
    const auth::TokenGrant first = LogIn();
    const auth::TokenGrant second = LogIn();
    EXPECT_NE(first.refresh_token, second.refresh_token);
    const auto rows = Rows();
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_NE(rows[0].family_id, rows[1].family_id);
}

TEST_F(Sessions, RefreshRotatesAndTheNewPairWorks) {
    const auth::TokenGrant login = LogIn();
    harness_.clock.Advance(seconds{60});
    const auto refreshed = Refresh(login.refresh_token);
    ASSERT_TRUE(refreshed) << refreshed.error().log;
    EXPECT_NE(refreshed->refresh_token, login.refresh_token);
    EXPECT_NE(refreshed->access_token, login.access_token);
    EXPECT_EQ(refreshed->token_type, "bearer");
    EXPECT_EQ(refreshed->expires_in_seconds, 1800);
    EXPECT_TRUE(AccessWorks(refreshed->access_token));
    EXPECT_TRUE(Refresh(refreshed->refresh_token));
}

TEST_F(Sessions, TheSameTokenWithinTheGraceWindowGetsTheSamePair) {
    const auth::TokenGrant login = LogIn();
    const auto first = Refresh(login.refresh_token);
    ASSERT_TRUE(first);
    harness_.clock.Advance(seconds{9});
    const auto second = Refresh(login.refresh_token);
    ASSERT_TRUE(second) << second.error().log;
    EXPECT_EQ(second->refresh_token, first->refresh_token);
    EXPECT_EQ(second->access_token, first->access_token);
    EXPECT_EQ(Rows().size(), 2U);  // no third row: the successor was reused, not made again
    EXPECT_TRUE(Refresh(first->refresh_token));
}

TEST_F(Sessions, ReuseAfterTheGraceWindowRevokesTheWholeFamily) {
    const auth::TokenGrant login = LogIn();
    const auth::TokenGrant other_login = LogIn();
    const auto first = Refresh(login.refresh_token);
    ASSERT_TRUE(first);
    harness_.clock.Advance(seconds{10});
    ExpectInvalidToken(Refresh(login.refresh_token));
    // The thief's and the victim's copies alike: the successor stopped working too.
    ExpectInvalidToken(Refresh(first->refresh_token));
    // Another login of the same user is another family and keeps working.
    EXPECT_TRUE(Refresh(other_login.refresh_token));
}

TEST_F(Sessions, ReuseOfATokenWhoseSuccessorWasRotatedRevokesTheFamilyEvenWithinGrace) {
    const auth::TokenGrant login = LogIn();
    const auto first = Refresh(login.refresh_token);
    ASSERT_TRUE(first);
    const auto second = Refresh(first->refresh_token);
    ASSERT_TRUE(second);
    ExpectInvalidToken(Refresh(login.refresh_token));
    ExpectInvalidToken(Refresh(second->refresh_token));
}

TEST_F(Sessions, ZeroGraceMeansAnyReuseRevokes) {
    settings().refresh_reuse_grace = seconds{0};
    harness_.Rebuild();
    const auth::TokenGrant login = LogIn();
    const auto first = Refresh(login.refresh_token);
    ASSERT_TRUE(first);
    ExpectInvalidToken(Refresh(login.refresh_token));
    ExpectInvalidToken(Refresh(first->refresh_token));
}

TEST_F(Sessions, AnExpiredRefreshTokenIsRefused) {
    const auth::TokenGrant login = LogIn();
    harness_.clock.Advance(std::chrono::days{30});
    ExpectInvalidToken(Refresh(login.refresh_token));
}

TEST_F(Sessions, ALoginDeletesTheUsersExpiredSessions) {
    LogIn();
    harness_.clock.Advance(std::chrono::days{31});
    const auth::TokenGrant fresh = LogIn();
    const auto rows = Rows();
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].token_hash, auth::SessionKeys::Hash(fresh.refresh_token));
}

TEST_F(Sessions, RotationRenewsTheLifetime) {
    const auth::TokenGrant login = LogIn();
    harness_.clock.Advance(std::chrono::days{29});
    const auto refreshed = Refresh(login.refresh_token);
    ASSERT_TRUE(refreshed);
    harness_.clock.Advance(std::chrono::days{29});
    EXPECT_TRUE(Refresh(refreshed->refresh_token));
}

TEST_F(Sessions, UnknownAndMalformedTokensAreRefusedWithoutTouchingTheStore) {
    LogIn();
    const int before = harness_.store.TransactionCount();
    ExpectInvalidToken(Refresh(""));
    ExpectInvalidToken(Refresh("not a token"));
    ExpectInvalidToken(Refresh(std::string(44, 'A')));
    EXPECT_EQ(harness_.store.TransactionCount(), before);
    ExpectInvalidToken(Refresh(std::string(43, 'A')));  // well formed, never issued
}

TEST_F(Sessions, ADisabledAccountCannotRefresh) {
    const auth::TokenGrant login = LogIn();
    store::UserRecord disabled = *harness_.store.UserByEmail("sessions@example.com");
    disabled.is_active = false;
    harness_.store.PutUser(disabled);
    ExpectInvalidToken(Refresh(login.refresh_token));
}

TEST_F(Sessions, RefreshHasNoSideEffectOutsideItsTransaction) {
    const auth::TokenGrant login = LogIn();
    harness_.store.SetRetries(2);
    const auto first = Refresh(login.refresh_token);
    ASSERT_TRUE(first);
    harness_.store.SetRetries(0);
    EXPECT_EQ(Rows().size(), 2U);
    EXPECT_TRUE(Refresh(first->refresh_token));
}

TEST_F(Sessions, LogoutEndsThatSessionOnly) {
    const auth::TokenGrant kept = LogIn();
    const auth::TokenGrant ended = LogIn();
    const auto rotated = Refresh(ended.refresh_token);
    ASSERT_TRUE(rotated);
    EXPECT_TRUE(harness_.service->Logout(rotated->refresh_token));
    ExpectInvalidToken(Refresh(rotated->refresh_token));
    ExpectInvalidToken(Refresh(ended.refresh_token));  // its predecessor, even within grace
    const auto again = harness_.service->Logout(rotated->refresh_token);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, core::ErrorCode::kInvalidToken);
    EXPECT_TRUE(Refresh(kept.refresh_token));
}

TEST_F(Sessions, LogoutRefusesUnknownTokens) {
    const auto result = harness_.service->Logout(std::string(43, 'B'));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidToken);
}

TEST_F(Sessions, LogoutAllRevokesEverySessionAndEveryEarlierAccessToken) {
    const auth::TokenGrant first = LogIn();
    const auth::TokenGrant second = LogIn();
    ASSERT_TRUE(harness_.service->LogoutAll(second.access_token, "198.51.100.7"));
    EXPECT_FALSE(AccessWorks(first.access_token));
    EXPECT_FALSE(AccessWorks(second.access_token));
    ExpectInvalidToken(Refresh(first.refresh_token));
    ExpectInvalidToken(Refresh(second.refresh_token));
    const auth::TokenGrant after = LogIn();
    EXPECT_TRUE(AccessWorks(after.access_token));
    EXPECT_TRUE(Refresh(after.refresh_token));
}

TEST_F(Sessions, LogoutAllNeedsAValidAccessToken) {
    const auth::TokenGrant login = LogIn();
    EXPECT_EQ(
        harness_.service->LogoutAll("", "198.51.100.7").error().code,
        core::ErrorCode::kNotAuthenticated
    );
    EXPECT_EQ(
        harness_.service->LogoutAll("garbage", "198.51.100.7").error().code,
        core::ErrorCode::kInvalidToken
    );
    EXPECT_TRUE(Refresh(login.refresh_token));
}

TEST_F(Sessions, APasswordResetRevokesEverySession) {
    const auth::TokenGrant login = LogIn();
    ASSERT_TRUE(harness_.service->ForgotPassword("sessions@example.com"));
    const std::string code = harness_.LastCode("sessions@example.com", "reset_code");
    ASSERT_FALSE(code.empty());
    ASSERT_TRUE(harness_.service->ResetPassword("sessions@example.com", code, "N3w-Passw0rd!"));
    ExpectInvalidToken(Refresh(login.refresh_token));
    EXPECT_FALSE(AccessWorks(login.access_token));
}

TEST(SessionKeys, SuccessorsAreDeterministicPerKeyAndFoundUnderThePreviousKey) {
    const auth::SessionKeys old_keys("old-secret", "");
    const auth::SessionKeys new_keys("new-secret", "old-secret");
    const std::string token(43, 'x');
    EXPECT_EQ(old_keys.Successor(token), old_keys.Successor(token));
    EXPECT_NE(old_keys.Successor(token), new_keys.Successor(token));
    EXPECT_TRUE(auth::IsRefreshTokenShape(old_keys.Successor(token)));
    const std::string made_before_rotation = old_keys.Successor(token);
    EXPECT_EQ(
        new_keys.FindSuccessor(token, auth::SessionKeys::Hash(made_before_rotation)),
        made_before_rotation
    );
    EXPECT_FALSE(auth::SessionKeys("third", "")
                     .FindSuccessor(token, auth::SessionKeys::Hash(made_before_rotation)));
}

TEST(SessionKeys, NewTokensAre43Base64UrlCharactersAndDistinct) {
    fakes::SeededRandom random{3};
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const std::string token = auth::SessionKeys::NewToken(random);
        EXPECT_TRUE(auth::IsRefreshTokenShape(token)) << token;
        seen.insert(token);
    }
    EXPECT_EQ(seen.size(), 100U);
    EXPECT_EQ(auth::SessionKeys::Hash("abc").size(), 64U);
    EXPECT_EQ(
        auth::SessionKeys::Hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

}  // namespace
}  // namespace clockko::testing
