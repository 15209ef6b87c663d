#include "app_fixture.hpp"

namespace clockko::http::testing {
namespace {

HttpRequest FromOrigin(HttpRequest request, std::string origin) {
    request.headers.Add("Origin", std::move(origin));
    return request;
}

HttpRequest Preflight(std::string path, std::string origin) {
    HttpRequest request = FromOrigin(MakeRequest("OPTIONS", std::move(path)), std::move(origin));
    request.headers.Add("Access-Control-Request-Method", "POST");
    request.headers.Add("Access-Control-Request-Headers", "content-type, authorization");
    return request;
}

TEST_F(AppTest, ListedOriginIsAllowed) {
    const HttpResponse response = Send(FromOrigin(Get("/health"), "http://localhost:3000"));
    EXPECT_EQ(Header(response, "Access-Control-Allow-Origin"), "http://localhost:3000");
    EXPECT_EQ(Header(response, "Vary"), "Origin");
    EXPECT_EQ(Header(response, "Access-Control-Allow-Credentials"), "true");
    EXPECT_NE(
        Header(response, "Access-Control-Expose-Headers").find("X-Request-ID"), std::string::npos
    );
}

TEST_F(AppTest, ConfiguredOriginWithTrailingSlashMatchesTheBrowserOrigin) {
    const HttpResponse response = Send(FromOrigin(Get("/health"), "http://localhost:5173"));
    EXPECT_EQ(Header(response, "Access-Control-Allow-Origin"), "http://localhost:5173");
}

TEST_F(AppTest, UnlistedOriginGetsNoAllowOrigin) {
    for (const std::string origin :
         {"http://evil.example",
          "http://localhost:3000.evil.example",
          "https://localhost:3000",
          "null",
          "HTTP://LOCALHOST:3000"}) {
        const HttpResponse response = Send(FromOrigin(Get("/health"), origin));
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(Header(response, "Access-Control-Allow-Origin"), "<absent>") << origin;
        EXPECT_EQ(Header(response, "Access-Control-Allow-Credentials"), "<absent>") << origin;
        EXPECT_EQ(Header(response, "Vary"), "Origin");
    }
}

TEST_F(AppTest, ErrorResponsesCarryCorsToo) {
    const HttpResponse response =
        Send(FromOrigin(PostJson("/api/auth/login", "{"), "http://localhost:3000"));
    EXPECT_EQ(response.status, 422);
    EXPECT_EQ(Header(response, "Access-Control-Allow-Origin"), "http://localhost:3000");
}

TEST_F(AppTest, PreflightFromListedOriginAnswers204) {
    const HttpResponse response = Send(Preflight("/api/auth/login", "http://localhost:3000"));
    EXPECT_EQ(response.status, 204);
    EXPECT_TRUE(response.body.empty());
    EXPECT_EQ(Header(response, "Access-Control-Allow-Origin"), "http://localhost:3000");
    EXPECT_EQ(Header(response, "Access-Control-Allow-Methods"), "POST, OPTIONS");
    const std::string allowed = Header(response, "Access-Control-Allow-Headers");
    EXPECT_NE(allowed.find("Content-Type"), std::string::npos);
    EXPECT_NE(allowed.find("Authorization"), std::string::npos);
    EXPECT_EQ(Header(response, "Access-Control-Max-Age"), "600");
    EXPECT_EQ(Header(response, "X-Content-Type-Options"), "nosniff");
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(AppTest, PreflightFromUnlistedOriginGetsNoAllowOrigin) {
    const HttpResponse response = Send(Preflight("/api/auth/register", "http://evil.example"));
    EXPECT_EQ(response.status, 204);
    EXPECT_EQ(Header(response, "Access-Control-Allow-Origin"), "<absent>");
}

TEST_F(AppTest, PlainOptionsAnswersAllow) {
    const HttpResponse response = Send(MakeRequest("OPTIONS", "/api/auth/user"));
    EXPECT_EQ(response.status, 204);
    EXPECT_EQ(Header(response, "Allow"), "GET, HEAD, OPTIONS");
    EXPECT_EQ(Header(response, "Access-Control-Allow-Methods"), "<absent>");
}

TEST_F(AppTest, OptionsOnUnknownPathAnswers404) {
    ExpectProblem(Send(Preflight("/api/auth/nothing", "http://localhost:3000")), 404, "not_found");
}

TEST(Cors, WildcardAllowsAnyOriginWithoutCredentials) {
    const CorsPolicy cors({"*"});
    HttpRequest request = Get("/");
    request.headers.Add("Origin", "https://anything.example");
    HttpResponse response;
    cors.Decorate(request, response);
    EXPECT_EQ(Header(response, "Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(Header(response, "Access-Control-Allow-Credentials"), "<absent>");
}

TEST(Cors, NoOriginsConfiguredAllowsNone) {
    const CorsPolicy cors({});
    EXPECT_FALSE(cors.Allows("http://localhost:3000"));
}

}  // namespace
}  // namespace clockko::http::testing
