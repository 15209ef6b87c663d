// Refresh sessions through the real binary, on every backend: login's refresh token, rotation,
// racing refreshes within the grace window, reuse after it, logout and logout-all.
#include "fixture.hpp"
#include "session_helpers.hpp"

#include <future>

namespace clockko::testing {
namespace {

namespace json = boost::json;

class SessionEndpoints : public BackendTest {};

TEST_P(SessionEndpoints, LoginGivesARefreshTokenOfAtLeast256Bits) {
    const std::string email = UniqueEmail("refresh");
    ASSERT_EQ(Register(email).status, 201);
    const HttpResult login = Login(email, "Password123");
    ASSERT_EQ(login.status, 200) << login.body;
    const Pair pair = ReadPair(login);
    // 43 base64url characters carry 258 bits of which 256 are random.
    EXPECT_EQ(pair.refresh_token.size(), 43U);
    EXPECT_EQ(pair.refresh_token.find_first_not_of(kBase64Url), std::string::npos);
    EXPECT_NE(ReadPair(Login(email, "Password123")).refresh_token, pair.refresh_token);
}

TEST_P(SessionEndpoints, RefreshGivesANewWorkingPair) {
    const std::string email = UniqueEmail("rotate");
    ASSERT_EQ(Register(email).status, 201);
    const Pair login = ReadPair(Login(email, "Password123"));
    const HttpResult refreshed = Refresh(*server_, login.refresh_token);
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    EXPECT_EQ(refreshed.Header("cache-control"), "no-store");
    const Pair pair = ReadPair(refreshed);
    EXPECT_NE(pair.refresh_token, login.refresh_token);
    EXPECT_EQ(ParseJson(refreshed.body).at("token_type"), "bearer");
    EXPECT_EQ(ParseJson(refreshed.body).at("expires_in").to_number<long long>(), 30 * 60);
    EXPECT_EQ(CurrentUser(pair.access_token).status, 200);
    EXPECT_EQ(Refresh(*server_, pair.refresh_token).status, 200);
}

TEST_P(SessionEndpoints, TwoRacingRefreshesWithOneTokenGetTheSamePair) {
    const std::string email = UniqueEmail("race");
    ASSERT_EQ(Register(email).status, 201);
    const Pair login = ReadPair(Login(email, "Password123"));
    auto first =
        std::async(std::launch::async, [&] { return Refresh(*server_, login.refresh_token); });
    auto second =
        std::async(std::launch::async, [&] { return Refresh(*server_, login.refresh_token); });
    const HttpResult a = first.get();
    const HttpResult b = second.get();
    ASSERT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(b.status, 200) << b.body;
    EXPECT_EQ(a.body, b.body);  // same refresh token and byte-identical access token
    const Pair pair = ReadPair(a);
    EXPECT_NE(pair.refresh_token, login.refresh_token);
    EXPECT_EQ(CurrentUser(pair.access_token).status, 200);
    EXPECT_EQ(Refresh(*server_, pair.refresh_token).status, 200);
}

TEST_P(SessionEndpoints, UnknownOrMalformedRefreshTokensAre401) {
    ExpectErrorBody(Refresh(*server_, std::string(43, 'A')), 401, "invalid_token");
    ExpectErrorBody(Refresh(*server_, "short"), 401, "invalid_token");
    ExpectErrorBody(PostJson(Url("/api/auth/refresh"), "{}"), 422, "validation_error");
}

TEST_P(SessionEndpoints, LogoutEndsTheSessionWith204AndNoBody) {
    const std::string email = UniqueEmail("logout");
    ASSERT_EQ(Register(email).status, 201);
    const Pair kept = ReadPair(Login(email, "Password123"));
    const Pair ended = ReadPair(Login(email, "Password123"));
    const HttpResult logout = Logout(*server_, ended.refresh_token);
    EXPECT_EQ(logout.status, 204);
    EXPECT_TRUE(logout.body.empty());
    EXPECT_FALSE(logout.HasHeader("content-length"));
    ExpectErrorBody(Refresh(*server_, ended.refresh_token), 401, "invalid_token");
    ExpectErrorBody(Logout(*server_, ended.refresh_token), 401, "invalid_token");
    EXPECT_EQ(Refresh(*server_, kept.refresh_token).status, 200);
}

TEST_P(SessionEndpoints, LogoutAllRejectsOlderAccessTokensAndEveryRefreshToken) {
    const std::string email = UniqueEmail("everywhere");
    ASSERT_EQ(Register(email).status, 201);
    const Pair laptop = ReadPair(Login(email, "Password123"));
    const Pair phone = ReadPair(Login(email, "Password123"));
    const HttpResult all = LogoutAll(*server_, phone.access_token);
    EXPECT_EQ(all.status, 204);
    EXPECT_TRUE(all.body.empty());
    ExpectErrorBody(CurrentUser(laptop.access_token), 401, "invalid_token");
    ExpectErrorBody(CurrentUser(phone.access_token), 401, "invalid_token");
    ExpectErrorBody(Refresh(*server_, laptop.refresh_token), 401, "invalid_token");
    ExpectErrorBody(Refresh(*server_, phone.refresh_token), 401, "invalid_token");
    ExpectErrorBody(LogoutAll(*server_, phone.access_token), 401, "invalid_token");
    const Pair again = ReadPair(Login(email, "Password123"));
    EXPECT_EQ(CurrentUser(again.access_token).status, 200);
    EXPECT_EQ(Refresh(*server_, again.refresh_token).status, 200);
}

TEST_P(SessionEndpoints, LogoutAllWithoutABearerTokenIs401) {
    const HttpResult result = Request("POST", Url("/api/auth/logout-all"));
    ExpectErrorBody(result, 401, "not_authenticated");
    EXPECT_EQ(result.Header("www-authenticate"), "Bearer");
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(SessionEndpoints);

// A server of the suite's own with REFRESH_REUSE_GRACE_SECONDS=0: any second use of a token is
// a reuse, so the rules after the grace window are tested without waiting for it.
class SessionReuse : public ::testing::TestWithParam<Backend> {
protected:
    static ServerProcess& NoGraceServer(Backend backend) {
        static std::map<Backend, std::unique_ptr<ServerProcess>> servers;
        auto& server = servers[backend];
        if (!server) {
            auto environment = *TestEnvironment(backend);
            environment["REFRESH_REUSE_GRACE_SECONDS"] = "0";
            server = std::make_unique<ServerProcess>(environment);
        }
        return *server;
    }

    void SetUp() override {
        if (!BackendAvailable(GetParam())) {
            GTEST_SKIP() << "PostgreSQL not configured";
        }
        server_ = &NoGraceServer(GetParam());
    }

    Pair LogIn(const std::string& email) {
        EXPECT_EQ(
            PostJson(
                server_->BaseUrl() + "/api/auth/register",
                json::serialize(json::object{{"email", email}, {"password", "Password123"}})
            ).status,
            201
        );
        return ReadPair(PostJson(
            server_->BaseUrl() + "/api/auth/login",
            json::serialize(json::object{{"email", email}, {"password", "Password123"}})
        ));
    }

    ServerProcess* server_ = nullptr;
};

TEST_P(SessionReuse, TheRotatedTokenStopsWorking) {
    const Pair login = LogIn(UniqueEmail("stops"));
    ASSERT_EQ(Refresh(*server_, login.refresh_token).status, 200);
    ExpectErrorBody(Refresh(*server_, login.refresh_token), 401, "invalid_token");
}

TEST_P(SessionReuse, ReuseRevokesTheFamilyAndLogsOneEventWithoutTheToken) {
    const std::string email = UniqueEmail("reuse");
    const Pair victim = LogIn(email);
    const Pair other_device = ReadPair(PostJson(
        server_->BaseUrl() + "/api/auth/login",
        json::serialize(json::object{{"email", email}, {"password", "Password123"}})
    ));
    const HttpResult rotated = Refresh(*server_, victim.refresh_token);
    ASSERT_EQ(rotated.status, 200);
    const Pair successor = ReadPair(rotated);
    // The stolen copy is replayed: the whole family ends, the successor included.
    ExpectErrorBody(Refresh(*server_, victim.refresh_token), 401, "invalid_token");
    ExpectErrorBody(Refresh(*server_, successor.refresh_token), 401, "invalid_token");
    EXPECT_EQ(Refresh(*server_, other_device.refresh_token).status, 200);

    const std::string user_id = ReadUserId(*server_, successor.access_token);
    const std::vector<json::object> events =
        WaitForEvents(*server_, "refresh_token_reuse", user_id, 1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].at("client_ip"), "127.0.0.1");
    EXPECT_EQ(events[0].at("level"), "warning");
    const std::string output = server_->Output();
    EXPECT_EQ(output.find(victim.refresh_token), std::string::npos) << "a token was logged";
    EXPECT_EQ(output.find(successor.refresh_token), std::string::npos) << "a token was logged";
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(SessionReuse);

}  // namespace
}  // namespace clockko::testing
