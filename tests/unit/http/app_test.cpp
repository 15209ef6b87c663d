// The Conventions section of the contract, through App (no sockets).
#include "app_fixture.hpp"
#include "core/error.hpp"

#include <stdexcept>

namespace clockko::http::testing {
namespace {

TEST_F(AppTest, UnknownPathAnswers404WithTheContractBody) {
    const HttpResponse response = Send(Get("/api/auth/nothing"));
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.body, R"({"detail":"Not Found","code":"not_found","message":"Not Found"})");
    EXPECT_EQ(response.content_type, "application/json");
}

TEST_F(AppTest, TrailingSlashIsAnotherPath) {
    ExpectProblem(Send(PostJson("/api/auth/register/", "{}")), 404, "not_found");
}

TEST_F(AppTest, WrongMethodAnswers405WithAllow) {
    const HttpResponse response = Send(Get("/api/auth/register"));
    ExpectProblem(response, 405, "method_not_allowed");
    EXPECT_EQ(Header(response, "Allow"), "POST, OPTIONS");
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(AppTest, PostToGetRouteAllowsGetAndHead) {
    const HttpResponse response = Send(PostJson("/health", "{}"));
    ExpectProblem(response, 405, "method_not_allowed");
    EXPECT_EQ(Header(response, "Allow"), "GET, HEAD, OPTIONS");
}

TEST_F(AppTest, MethodsAreCaseSensitive) {
    ExpectProblem(Send(MakeRequest("get", "/health")), 405, "method_not_allowed");
}

TEST_F(AppTest, EveryResponseCarriesRequestIdAndNosniff) {
    for (const HttpRequest& request :
         {Get("/"), Get("/nowhere"), Get("/api/auth/register"), PostJson("/api/auth/login", "{")}) {
        const HttpResponse response = Send(request);
        EXPECT_EQ(Header(response, "X-Content-Type-Options"), "nosniff") << request.target;
        EXPECT_EQ(Header(response, "X-Request-ID").size(), 36U) << request.target;
    }
}

TEST_F(AppTest, ValidCallerRequestIdIsEchoed) {
    HttpRequest request = Get("/health");
    request.headers.Add("x-request-id", "abc.DEF_123:xyz-9");
    EXPECT_EQ(Header(Send(request), "X-Request-ID"), "abc.DEF_123:xyz-9");
}

TEST_F(AppTest, InvalidCallerRequestIdIsReplaced) {
    for (const std::string& bad :
         {std::string(),
          std::string(129, 'a'),
          std::string("a b"),
          std::string("a\r\nSet-Cookie: x"),
          std::string("id/1")}) {
        HttpRequest request = Get("/health");
        request.headers.Add("X-Request-ID", bad);
        const std::string id = Header(Send(request), "X-Request-ID");
        EXPECT_NE(id, bad);
        EXPECT_TRUE(IsValidRequestId(id)) << id;
    }
}

TEST_F(AppTest, RequestIdOf128CharactersIsKept) {
    HttpRequest request = Get("/health");
    request.headers.Add("X-Request-ID", std::string(128, 'z'));
    EXPECT_EQ(Header(Send(request), "X-Request-ID"), std::string(128, 'z'));
}

TEST_F(AppTest, NewRequestIdsDiffer) {
    EXPECT_NE(
        Header(Send(Get("/health")), "X-Request-ID"), Header(Send(Get("/health")), "X-Request-ID")
    );
}

TEST_F(AppTest, JsonEndpointWithOtherContentTypeAnswers415) {
    HttpRequest request = MakeRequest("POST", "/api/auth/register", R"({"email":"a@b.co"})");
    request.headers.Add("Content-Type", "text/plain");
    ExpectProblem(Send(request), 415, "unsupported_media_type");
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(AppTest, JsonEndpointWithoutContentTypeAnswers415) {
    ExpectProblem(
        Send(MakeRequest("POST", "/api/auth/forgot-password", R"({"email":"a@b.co"})")),
        415,
        "unsupported_media_type"
    );
}

TEST_F(AppTest, FormIsRefusedWhereOnlyJsonIsAccepted) {
    HttpRequest request = MakeRequest("POST", "/api/auth/register", "email=a%40b.co&password=x");
    request.headers.Add("Content-Type", "application/x-www-form-urlencoded");
    ExpectProblem(Send(request), 415, "unsupported_media_type");
}

TEST_F(AppTest, JsonContentTypeMatchesCaseAndParametersInsensitively) {
    HttpRequest request = MakeRequest("POST", "/api/auth/forgot-password", R"({"email":"a@b.co"})");
    request.headers.Add("Content-Type", "Application/JSON ; charset=UTF-8");
    EXPECT_EQ(Send(request).status, 200);
}

TEST_F(AppTest, MalformedJsonAnswers422InvalidJson) {
    for (const std::string body : {"", "{", R"({"email": })", "{} trailing", "\xff"}) {
        ExpectProblem(Send(PostJson("/api/auth/register", body)), 422, "invalid_json");
    }
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(AppTest, NonObjectJsonAnswers422) {
    for (const std::string body : {"[]", "\"text\"", "42", "null", "true"}) {
        const HttpResponse response = Send(PostJson("/api/auth/login", body));
        ExpectProblem(response, 422, "validation_error");
        const auto body_json = Json(response);
        EXPECT_EQ(body_json.at("detail").at(0).at("loc"), boost::json::array{"body"}) << body;
    }
}

TEST_F(AppTest, BodyOver64KiBAnswers413) {
    const std::string body = R"({"email":")" + std::string(kMaxBodyBytes, 'a') + R"("})";
    const HttpResponse response = Send(PostJson("/api/auth/register", body));
    ExpectProblem(response, 413, "payload_too_large");
    EXPECT_TRUE(response.close_connection);
}

TEST_F(AppTest, StoreUnavailableAnswers503WithRetryAfter) {
    auth_.on_register = [](const auth::RegisterInput&) -> core::Result<auth::UserProfile> {
        throw core::StoreUnavailable("connection refused on 10.1.2.3:5432");
    };
    const HttpResponse response =
        Send(PostJson("/api/auth/register", R"({"email":"a@b.co","password":"x"})"));
    ExpectProblem(response, 503, "service_unavailable");
    EXPECT_GE(std::stoi(Header(response, "Retry-After")), 1);
    EXPECT_EQ(response.body.find("10.1.2.3"), std::string::npos);
    EXPECT_EQ(Header(response, "X-Content-Type-Options"), "nosniff");
}

TEST_F(AppTest, UnexpectedExceptionAnswers500WithoutItsText) {
    auth_.on_login = [](const auth::LoginInput&) -> core::Result<auth::TokenGrant> {
        throw std::runtime_error("SELECT * FROM users failed at /srv/db.cpp:12");
    };
    const HttpResponse response =
        Send(PostJson("/api/auth/login", R"({"email":"a@b.co","password":"x"})"));
    ExpectProblem(response, 500, "internal_error");
    EXPECT_EQ(Json(response).at("detail"), "Internal Server Error");
    EXPECT_EQ(response.body.find("SELECT"), std::string::npos);
    EXPECT_EQ(response.log_note, "SELECT * FROM users failed at /srv/db.cpp:12");
}

TEST_F(AppTest, StoreFailureAnswers500) {
    auth_.on_current_user = [](const std::string&) -> core::Result<auth::UserProfile> {
        throw core::StoreFailure("constraint users_pkey");
    };
    HttpRequest request = Get("/api/auth/user");
    request.headers.Add("Authorization", "Bearer t");
    ExpectProblem(Send(request), 500, "internal_error");
}

TEST_F(AppTest, PrepareSendsBlockingRoutesToWorkers) {
    const auto where = [this](HttpRequest request) { return app_->Prepare(request); };
    EXPECT_EQ(where(PostJson("/api/auth/register", "{}")), Execution::kHashing);
    EXPECT_EQ(where(PostJson("/api/auth/login", "{}")), Execution::kHashing);
    EXPECT_EQ(where(PostJson("/api/auth/reset-password", "{}")), Execution::kHashing);
    EXPECT_EQ(where(PostJson("/api/auth/verify-email", "{}")), Execution::kWorker);
    EXPECT_EQ(where(Get("/health/ready")), Execution::kWorker);
    EXPECT_EQ(where(Get("/")), Execution::kInline);
    EXPECT_EQ(where(Get("/health")), Execution::kInline);
    EXPECT_EQ(where(Get("/nowhere")), Execution::kInline);
    EXPECT_EQ(where(Get("/api/auth/register")), Execution::kInline);
    EXPECT_EQ(where(MakeRequest("OPTIONS", "/api/auth/login")), Execution::kInline);
    EXPECT_EQ(where(Get("/docs")), Execution::kInline);
}

// Issue 7: the token check and one indexed read stay on the I/O thread where the read cannot
// wait on the network (SQLite, the fixture's default database), and hop to a worker elsewhere.
TEST_F(AppTest, PrepareRunsTheCurrentUserPointReadInlineOnlyOnSqlite) {
    HttpRequest on_sqlite = Get("/api/auth/user");
    EXPECT_EQ(app_->Prepare(on_sqlite), Execution::kInline);
    config::Config postgres = config_;
    postgres.database.kind = config::DatabaseKind::kPostgres;
    const App app(
        postgres, auth_, [] { return true; }, random_
    );
    HttpRequest on_postgres = Get("/api/auth/user");
    EXPECT_EQ(app.Prepare(on_postgres), Execution::kWorker);
}

TEST_F(AppTest, PrepareSplitsTargetAndKeepsQueryOutOfPath) {
    HttpRequest request = Get("/health?probe=1");
    app_->Prepare(request);
    EXPECT_EQ(request.path, "/health");
    EXPECT_EQ(request.query, "probe=1");
    EXPECT_EQ(app_->Handle(request).status, 200);
}

TEST_F(AppTest, AbsoluteFormTargetIsRouted) {
    EXPECT_EQ(Send(Get("http://example.com/health")).status, 200);
}

TEST_F(AppTest, ClientAddressIsThePeerUnlessTheProxyIsTrusted) {
    HttpRequest direct = Get("/");
    direct.headers.Add("X-Forwarded-For", "203.0.113.9");
    app_->Prepare(direct);
    EXPECT_EQ(direct.client_address, "192.0.2.10");

    HttpRequest proxied = Get("/");
    proxied.peer_address = "10.0.0.5";
    proxied.headers.Add("X-Forwarded-For", "1.1.1.1, 203.0.113.9");
    app_->Prepare(proxied);
    EXPECT_EQ(proxied.client_address, "203.0.113.9");
}

TEST_F(AppTest, LoginReceivesTheClientAddress) {
    HttpRequest request = PostJson("/api/auth/login", R"({"email":"a@b.co","password":"pw"})");
    request.peer_address = "10.1.1.1";
    request.headers.Add("X-Forwarded-For", "198.51.100.7");
    EXPECT_EQ(Send(request).status, 200);
    ASSERT_TRUE(auth_.LastLogin());
    EXPECT_EQ(auth_.LastLogin()->client_address, "198.51.100.7");
}

TEST_F(AppTest, RejectionsCarryTheMiddlewareHeaders) {
    HttpRequest partial;
    partial.peer_address = "192.0.2.1";
    partial.headers.Add("Origin", "http://localhost:3000");

    struct Case {
        Rejection why;
        int status;
        std::string_view code;
        bool closes;
    };

    const std::vector<Case> cases{
        {Rejection::kBadRequest, 400, "bad_request", true},
        {Rejection::kHeadersTooLarge, 431, "request_header_fields_too_large", true},
        {Rejection::kBodyTooLarge, 413, "payload_too_large", true},
        {Rejection::kOverloaded, 503, "service_unavailable", false},
        {Rejection::kTooManyConnections, 503, "service_unavailable", true},
    };

    for (const auto& expected : cases) {
        const HttpResponse response = app_->Reject(partial, expected.why);
        ExpectProblem(response, expected.status, expected.code);
        EXPECT_EQ(response.close_connection, expected.closes) << expected.code;
        EXPECT_EQ(Header(response, "X-Content-Type-Options"), "nosniff");
        EXPECT_TRUE(IsValidRequestId(Header(response, "X-Request-ID")));
        EXPECT_EQ(Header(response, "Access-Control-Allow-Origin"), "http://localhost:3000");
        if (expected.status == 503) {
            EXPECT_GE(std::stoi(Header(response, "Retry-After")), 1);
        }
    }
}

TEST_F(AppTest, EveryRouteIsReachableByItsOwnMethodAndPath) {
    const Router& router = app_->GetRouter();
    ASSERT_EQ(router.Routes().size(), ServiceRoutes().size());
    for (const Route& route : router.Routes()) {
        const std::string path =
            route.prefix ? std::string(route.path) + "x" : std::string(route.path);
        EXPECT_EQ(router.Find(route.method, path).route, &route) << path;
    }
}

}  // namespace
}  // namespace clockko::http::testing
