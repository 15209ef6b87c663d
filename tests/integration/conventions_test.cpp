// The contract's Conventions: health, errors for unknown routes, limits, headers, CORS.
#include "fixture.hpp"

namespace clockko::testing {
namespace {

namespace json = boost::json;

class Conventions : public BackendTest {};

TEST_P(Conventions, AnswersTheRootAndHealthRoutes) {
    const HttpResult root = Get(Url("/"));
    EXPECT_EQ(root.status, 200);
    EXPECT_EQ(ParseJson(root.body), (json::object{{"message", "ClockKo API is running"}}));
    const HttpResult health = Get(Url("/health"));
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(ParseJson(health.body), (json::object{{"status", "ok"}}));
    const HttpResult ready = Get(Url("/health/ready"));
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ParseJson(ready.body), (json::object{{"status", "ok"}, {"database", "ok"}}));
}

TEST_P(Conventions, AnswersUnknownPathsWithTheNotFoundBody) {
    const HttpResult result = Get(Url("/api/auth/nope"));
    EXPECT_EQ(result.status, 404);
    EXPECT_EQ(
        ParseJson(result.body),
        (json::object{{"detail", "Not Found"}, {"code", "not_found"}, {"message", "Not Found"}})
    );
}

TEST_P(Conventions, AnswersAWrongMethodWithAllow) {
    const HttpResult result = Get(Url("/api/auth/register"));
    ExpectErrorBody(result, 405, "method_not_allowed");
    EXPECT_NE(result.Header("allow").find("POST"), std::string::npos);
    const HttpResult user = Request("DELETE", Url("/api/auth/user"));
    ExpectErrorBody(user, 405, "method_not_allowed");
    EXPECT_NE(user.Header("allow").find("GET"), std::string::npos);
}

TEST_P(Conventions, RefusesBodiesOverSixtyFourKibibytes) {
    const std::string big =
        R"({"email":"a@b.co","password":")" + std::string(70 * 1024, 'x') + "\"}";
    const HttpResult result = PostJson(Url("/api/auth/register"), big);
    EXPECT_EQ(result.status, 413);
    // The server still works afterwards.
    EXPECT_EQ(Get(Url("/health")).status, 200);
}

TEST_P(Conventions, RefusesJsonThatIsNotAnObject) {
    for (const char* body : {"[]", "\"text\"", "42", "null"}) {
        ExpectErrorBody(PostJson(Url("/api/auth/register"), body), 422, "validation_error");
    }
    ExpectErrorBody(PostJson(Url("/api/auth/register"), "{not json"), 422, "invalid_json");
    ExpectErrorBody(
        Request("POST", Url("/api/auth/register"), {{"Content-Type", "text/plain"}}, "{}"),
        415,
        "unsupported_media_type"
    );
}

TEST_P(Conventions, EchoesAValidRequestIdAndReplacesAnInvalidOne) {
    const HttpResult echoed = Get(Url("/health"), {{"X-Request-ID", "abc-123_.:XYZ"}});
    EXPECT_EQ(echoed.Header("x-request-id"), "abc-123_.:XYZ");
    for (const std::string& bad :
         {std::string(129, 'a'), std::string("has space"), std::string("semi;colon")}) {
        const HttpResult replaced = Get(Url("/health"), {{"X-Request-ID", bad}});
        EXPECT_FALSE(replaced.Header("x-request-id").empty());
        EXPECT_NE(replaced.Header("x-request-id"), bad);
    }
    EXPECT_FALSE(Get(Url("/nope")).Header("x-request-id").empty());
}

TEST_P(Conventions, SendsNosniffOnEveryResponse) {
    EXPECT_EQ(Get(Url("/")).Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(Get(Url("/nope")).Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(PostJson(Url("/api/auth/login"), "{").Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(Get(Url("/api/auth/user")).Header("x-content-type-options"), "nosniff");
}

TEST_P(Conventions, AnswersCorsPreflightForListedOriginsOnly) {
    const HttpResult allowed = Request(
        "OPTIONS",
        Url("/api/auth/login"),
        {{"Origin", "https://app.clockko.test"},
         {"Access-Control-Request-Method", "POST"},
         {"Access-Control-Request-Headers", "content-type, authorization"}}
    );
    EXPECT_LT(allowed.status, 300);
    EXPECT_EQ(allowed.Header("access-control-allow-origin"), "https://app.clockko.test");
    EXPECT_NE(allowed.Header("access-control-allow-methods").find("POST"), std::string::npos);
    EXPECT_NE(
        allowed.Header("access-control-allow-headers").find("uthorization"), std::string::npos
    );

    const HttpResult stranger = Request(
        "OPTIONS",
        Url("/api/auth/login"),
        {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}}
    );
    EXPECT_FALSE(stranger.HasHeader("access-control-allow-origin"));

    const HttpResult simple = Get(Url("/health"), {{"Origin", "http://localhost:3000"}});
    EXPECT_EQ(simple.Header("access-control-allow-origin"), "http://localhost:3000");
    EXPECT_FALSE(Get(Url("/health"), {{"Origin", "https://evil.example"}}
    ).HasHeader("access-control-allow-origin"));
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(Conventions);

}  // namespace
}  // namespace clockko::testing
