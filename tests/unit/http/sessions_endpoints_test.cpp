// POST /api/auth/refresh, /logout and /logout-all through App with a fake AuthService.
#include "app_fixture.hpp"
#include "core/error.hpp"

namespace clockko::http::testing {
namespace {

core::Error InvalidToken() {
    return core::MakeError(core::ErrorCode::kInvalidToken, "Invalid or expired refresh token");
}

TEST_F(AppTest, RefreshAnswersTheNewPairWithNoStore) {
    const HttpResponse response =
        Send(PostJson("/api/auth/refresh", R"({"refresh_token":"refresh-1"})"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(
        response.body,
        R"({"access_token":"token-2","token_type":"bearer","expires_in":1800,)"
        R"("refresh_token":"refresh-2"})"
    );
    EXPECT_EQ(response.headers.Find("Cache-Control"), "no-store");
    ASSERT_EQ(auth_.Calls().size(), 1U);
    EXPECT_TRUE(auth_.Calls()[0].starts_with("Refresh(refresh-1, "));
}

TEST_F(AppTest, RefreshRefusalIs401InvalidToken) {
    auth_.on_refresh = [](const std::string&,
                          const std::string&) -> core::Result<auth::TokenGrant> {
        return InvalidToken();
    };
    ExpectProblem(
        Send(PostJson("/api/auth/refresh", R"({"refresh_token":"x"})")), 401, "invalid_token"
    );
}

TEST_F(AppTest, RefreshWithoutATokenIs422) {
    ExpectProblem(Send(PostJson("/api/auth/refresh", "{}")), 422, "validation_error");
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(AppTest, LogoutAnswers204WithoutABody) {
    const HttpResponse response =
        Send(PostJson("/api/auth/logout", R"({"refresh_token":"refresh-1"})"));
    EXPECT_EQ(response.status, 204);
    EXPECT_TRUE(response.body.empty());
    EXPECT_TRUE(response.content_type.empty());
    EXPECT_EQ(auth_.Calls(), std::vector<std::string>{"Logout(refresh-1)"});
}

TEST_F(AppTest, LogoutOfAnUnknownTokenIs401) {
    auth_.on_logout = [](const std::string&) -> core::Result<core::Done> { return InvalidToken(); };
    ExpectProblem(
        Send(PostJson("/api/auth/logout", R"({"refresh_token":"x"})")), 401, "invalid_token"
    );
}

TEST_F(AppTest, LogoutAllNeedsABearerToken) {
    const HttpResponse response = Send(PostJson("/api/auth/logout-all", ""));
    ExpectProblem(response, 401, "not_authenticated");
    EXPECT_EQ(response.headers.Find("WWW-Authenticate"), "Bearer");
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(AppTest, LogoutAllWithABearerTokenAnswers204) {
    HttpRequest request = PostJson("/api/auth/logout-all", "");
    request.headers.Add("Authorization", "bearer abc.def.ghi");
    const HttpResponse response = Send(request);
    EXPECT_EQ(response.status, 204);
    EXPECT_TRUE(response.body.empty());
    ASSERT_EQ(auth_.Calls().size(), 1U);
    EXPECT_TRUE(auth_.Calls()[0].starts_with("LogoutAll(abc.def.ghi, "));
}

TEST_F(AppTest, LogoutAllWithARevokedTokenIs401InvalidToken) {
    auth_.on_logout_all = [](const std::string&, const std::string&) -> core::Result<core::Done> {
        return core::MakeError(core::ErrorCode::kInvalidToken, "Could not validate credentials");
    };
    HttpRequest request = PostJson("/api/auth/logout-all", "");
    request.headers.Add("Authorization", "Bearer old");
    const HttpResponse response = Send(request);
    ExpectProblem(response, 401, "invalid_token");
    EXPECT_EQ(response.headers.Find("WWW-Authenticate"), R"(Bearer error="invalid_token")");
}

}  // namespace
}  // namespace clockko::http::testing
