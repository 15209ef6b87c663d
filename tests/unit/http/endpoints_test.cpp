// The endpoint table of the contract, through App with a fake AuthService.
#include "app_fixture.hpp"
#include "core/error.hpp"

namespace clockko::http::testing {
namespace {

constexpr std::string_view kSampleUserJson =
    R"({"id":"3f1c2b7e-0000-4000-8000-000000000001","email":"test@example.com","username":"test",)"
    R"("full_name":null,"name":"test","phone_number":null,"is_active":true,"is_verified":false,)"
    R"("otp_verified":false,"created_at":"2026-11-29T16:21:29Z"})";

HttpRequest Authorized(std::string authorization) {
    HttpRequest request = Get("/api/auth/user");
    request.headers.Add("Authorization", std::move(authorization));
    return request;
}

core::Error Limited(core::ErrorCode code, int retry_after) {
    core::Error error = core::MakeError(code, "");
    error.retry_after_seconds = retry_after;
    return error;
}

TEST_F(AppTest, RegisterAnswers201WithTheUserObject) {
    const HttpResponse response = Send(
        PostJson("/api/auth/register", R"({"email":"test@example.com","password":"Password123"})")
    );
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.body, kSampleUserJson);
    ASSERT_TRUE(auth_.LastRegister());
    EXPECT_EQ(auth_.LastRegister()->email, "test@example.com");
    EXPECT_EQ(auth_.LastRegister()->password, "Password123");
    EXPECT_FALSE(auth_.LastRegister()->username);
}

TEST_F(AppTest, RegisterMissingFieldsAnswerFastApiShaped422) {
    const HttpResponse response = Send(PostJson("/api/auth/register", R"({"username":"x"})"));
    EXPECT_EQ(
        response.body,
        R"({"detail":[{"loc":["body","email"],"msg":"Field required","type":"missing"},)"
        R"({"loc":["body","password"],"msg":"Field required","type":"missing"}],)"
        R"("code":"validation_error","message":"email: Field required"})"
    );
    EXPECT_EQ(response.status, 422);
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(AppTest, RegisterDomainValidationAnswers422WithItsMessage) {
    auth_.on_register = [](const auth::RegisterInput&) -> core::Result<auth::UserProfile> {
        return core::ValidationError(
            "password", "must be at least 8 characters", "string_too_short"
        );
    };
    const HttpResponse response =
        Send(PostJson("/api/auth/register", R"({"email":"a@b.co","password":"short"})"));
    ExpectProblem(response, 422, "validation_error");
    const auto body = Json(response);
    EXPECT_EQ(body.at("message"), "password: must be at least 8 characters");
    EXPECT_EQ(body.at("detail").at(0).at("loc"), (boost::json::array{"body", "password"}));
    EXPECT_EQ(body.at("detail").at(0).at("type"), "string_too_short");
}

TEST_F(AppTest, RegisterTakenEmailAnswers409) {
    auth_.on_register = [](const auth::RegisterInput&) -> core::Result<auth::UserProfile> {
        return core::MakeError(core::ErrorCode::kEmailTaken, "Email already registered");
    };
    ExpectProblem(
        Send(PostJson("/api/auth/register", R"({"email":"a@b.co","password":"x"})")),
        409,
        "email_taken"
    );
}

TEST_F(AppTest, LoginAnswersTheTokenBodyWithNoStore) {
    const HttpResponse response =
        Send(PostJson("/api/auth/login", R"({"email":"a@b.co","password":"pw"})"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(
        response.body, R"({"access_token":"token-1","token_type":"bearer","expires_in":1800})"
    );
    EXPECT_EQ(Header(response, "Cache-Control"), "no-store");
    EXPECT_EQ(Header(response, "Pragma"), "no-cache");
}

TEST_F(AppTest, LoginAcceptsTheOAuth2PasswordForm) {
    HttpRequest request = MakeRequest(
        "POST",
        "/api/auth/login",
        "grant_type=password&username=Test%40Example.com&password=p%26ss+w%C3%B6rd%2B"
    );
    request.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    EXPECT_EQ(Send(request).status, 200);
    ASSERT_TRUE(auth_.LastLogin());
    EXPECT_EQ(auth_.LastLogin()->email, "Test@Example.com");
    EXPECT_EQ(auth_.LastLogin()->password, "p&ss w\xC3\xB6rd+");
}

TEST_F(AppTest, LoginFormWithoutPasswordAnswers422) {
    HttpRequest request = MakeRequest("POST", "/api/auth/login", "username=a%40b.co");
    request.headers.Add("Content-Type", "application/x-www-form-urlencoded");
    const HttpResponse response = Send(request);
    ExpectProblem(response, 422, "validation_error");
    EXPECT_EQ(
        Json(response).at("detail").at(0).at("loc"), (boost::json::array{"body", "password"})
    );
}

TEST_F(AppTest, LoginWrongCredentialsAnswers401WithBearerChallenge) {
    auth_.on_login = [](const auth::LoginInput&) -> core::Result<auth::TokenGrant> {
        return core::MakeError(core::ErrorCode::kInvalidCredentials, "Incorrect email or password");
    };
    const HttpResponse response =
        Send(PostJson("/api/auth/login", R"({"email":"a@b.co","password":"pw"})"));
    ExpectProblem(response, 401, "invalid_credentials");
    EXPECT_EQ(Header(response, "WWW-Authenticate"), "Bearer");
    EXPECT_EQ(Header(response, "Cache-Control"), "<absent>");
}

TEST_F(AppTest, LoginDisabledAccountAnswers403) {
    auth_.on_login = [](const auth::LoginInput&) -> core::Result<auth::TokenGrant> {
        return core::MakeError(core::ErrorCode::kAccountDisabled, "Account is disabled");
    };
    ExpectProblem(
        Send(PostJson("/api/auth/login", R"({"email":"a@b.co","password":"pw"})")),
        403,
        "account_disabled"
    );
}

TEST_F(AppTest, LoginThrottledAnswers429WithRetryAfter) {
    auth_.on_login = [](const auth::LoginInput&) -> core::Result<auth::TokenGrant> {
        return Limited(core::ErrorCode::kRateLimited, 42);
    };
    const HttpResponse response =
        Send(PostJson("/api/auth/login", R"({"email":"a@b.co","password":"pw"})"));
    ExpectProblem(response, 429, "rate_limited");
    EXPECT_EQ(Header(response, "Retry-After"), "42");
}

TEST_F(AppTest, UserWithBearerTokenAnswersTheUser) {
    const HttpResponse response = Send(Authorized("Bearer abc.def.ghi"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, kSampleUserJson);
    EXPECT_EQ(Header(response, "Cache-Control"), "no-store");
    EXPECT_EQ(response.log_user_id, "3f1c2b7e-0000-4000-8000-000000000001");
    EXPECT_EQ(auth_.Calls(), std::vector<std::string>{"CurrentUser(abc.def.ghi)"});
}

TEST_F(AppTest, UserBearerSchemeIsCaseInsensitive) {
    for (const std::string header : {"bearer tok", "BEARER tok", "Bearer   tok  ", "bEaReR\ttok"}) {
        EXPECT_EQ(Send(Authorized(header)).status, 200) << header;
    }
    EXPECT_EQ(auth_.Calls(), std::vector<std::string>(4, "CurrentUser(tok)"));
}

TEST_F(AppTest, UserWithoutTokenAnswersNotAuthenticated) {
    for (const HttpRequest& request :
         {Get("/api/auth/user"),
          Authorized("Basic dXNlcjpwdw=="),
          Authorized("Bearer"),
          Authorized("Bearer   "),
          Authorized("Bearertok"),
          Authorized("")}) {
        const HttpResponse response = Send(request);
        ExpectProblem(response, 401, "not_authenticated");
        EXPECT_EQ(Header(response, "WWW-Authenticate"), "Bearer");
    }
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(AppTest, UserWithBadTokenAnswersInvalidTokenChallenge) {
    struct Case {
        core::ErrorCode code;
        std::string_view wire;
    };

    const std::vector<Case> cases{
        {core::ErrorCode::kInvalidToken, "invalid_token"},
        {core::ErrorCode::kTokenExpired, "token_expired"},
        {core::ErrorCode::kNotAuthenticated, "not_authenticated"},
    };

    for (const auto& expected : cases) {
        auth_.on_current_user =
            [code = expected.code](const std::string&) -> core::Result<auth::UserProfile> {
            return core::MakeError(code, "");
        };
        const HttpResponse response = Send(Authorized("Bearer x"));
        ExpectProblem(response, 401, expected.wire);
        EXPECT_EQ(Header(response, "WWW-Authenticate"), R"(Bearer error="invalid_token")")
            << expected.wire;
    }
}

TEST_F(AppTest, SendVerificationEmailAnswersTheSameBodyAlways) {
    const HttpResponse first =
        Send(PostJson("/api/auth/send-verification-email", R"({"email":"known@b.co"})"));
    const HttpResponse second =
        Send(PostJson("/api/auth/send-verification-email", R"({"email":"unknown@b.co"})"));
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.body, second.body);
    const auto body = Json(first);
    EXPECT_EQ(body.at("detail"), body.at("message"));
    EXPECT_EQ(body.size(), 2U);
    EXPECT_EQ(
        auth_.Calls(),
        (std::vector<std::string>{
            "SendVerificationCode(known@b.co)", "SendVerificationCode(unknown@b.co)"})
    );
}

TEST_F(AppTest, SendVerificationEmailThrottledAnswers429) {
    auth_.on_send_verification = [](const std::string&) -> core::Result<core::Done> {
        return Limited(core::ErrorCode::kRateLimited, 0);
    };
    const HttpResponse response =
        Send(PostJson("/api/auth/send-verification-email", R"({"email":"a@b.co"})"));
    ExpectProblem(response, 429, "rate_limited");
    EXPECT_EQ(Header(response, "Retry-After"), "1");
}

TEST_F(AppTest, VerifyEmailPassesEmailAndCode) {
    const HttpResponse response =
        Send(PostJson("/api/auth/verify-email", R"({"email":"a@b.co","otp":"012345"})"));
    EXPECT_EQ(response.status, 200);
    EXPECT_TRUE(Json(response).contains("message"));
    EXPECT_EQ(auth_.Calls(), std::vector<std::string>{"VerifyEmail(a@b.co, 012345)"});
}

TEST_F(AppTest, VerifyEmailFailuresMapToTheirCodes) {
    auth_.on_verify = [](const std::string&, const std::string&) -> core::Result<core::Done> {
        return core::MakeError(core::ErrorCode::kInvalidOtp, "Invalid or expired code");
    };
    ExpectProblem(
        Send(PostJson("/api/auth/verify-email", R"({"email":"a@b.co","otp":"1"})")),
        400,
        "invalid_otp"
    );
    auth_.on_verify = [](const std::string&, const std::string&) -> core::Result<core::Done> {
        return Limited(core::ErrorCode::kTooManyAttempts, 600);
    };
    const HttpResponse response =
        Send(PostJson("/api/auth/verify-email", R"({"email":"a@b.co","otp":"1"})"));
    ExpectProblem(response, 429, "too_many_attempts");
    EXPECT_EQ(Header(response, "Retry-After"), "600");
}

TEST_F(AppTest, VerifyEmailNumericOtpIsAValidationError) {
    const HttpResponse response =
        Send(PostJson("/api/auth/verify-email", R"({"email":"a@b.co","otp":123456})"));
    ExpectProblem(response, 422, "validation_error");
    EXPECT_EQ(Json(response).at("detail").at(0).at("type"), "string_type");
}

TEST_F(AppTest, ForgotPasswordAnswersTheSameBodyAlways) {
    const HttpResponse response =
        Send(PostJson("/api/auth/forgot-password", R"({"email":"a@b.co"})"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(Json(response).at("detail"), Json(response).at("message"));
    ExpectProblem(Send(PostJson("/api/auth/forgot-password", "{}")), 422, "validation_error");
}

TEST_F(AppTest, ResetPasswordPassesEveryField) {
    const HttpResponse response = Send(PostJson(
        "/api/auth/reset-password",
        R"({"email":"a@b.co","otp":"111111","new_password":"NewPassword1"})"
    ));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(
        auth_.Calls(), std::vector<std::string>{"ResetPassword(a@b.co, 111111, NewPassword1)"}
    );
}

TEST_F(AppTest, ResetPasswordWeakPasswordAnswers422) {
    auth_.on_reset =
        [](const std::string&, const std::string&, const std::string&) -> core::Result<core::Done> {
        return core::ValidationError(
            "new_password", "must be at least 8 characters", "value_error"
        );
    };
    const HttpResponse response = Send(
        PostJson("/api/auth/reset-password", R"({"email":"a@b.co","otp":"1","new_password":"x"})")
    );
    ExpectProblem(response, 422, "validation_error");
    EXPECT_EQ(Json(response).at("message"), "new_password: must be at least 8 characters");
}

TEST_F(AppTest, RootAnswersRunning) {
    const HttpResponse response = Send(Get("/"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, R"({"message":"ClockKo API is running"})");
}

TEST_F(AppTest, HealthTouchesNothing) {
    ready_ = false;
    const HttpResponse response = Send(Get("/health"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, R"({"status":"ok"})");
    EXPECT_TRUE(auth_.Calls().empty());
}

TEST_F(AppTest, HeadIsAnsweredLikeGet) {
    HttpRequest request = Get("/health");
    request.method = "HEAD";
    EXPECT_EQ(Send(request).body, R"({"status":"ok"})");  // the server sends the headers only
}

TEST_F(AppTest, ReadyFollowsTheProbe) {
    const HttpResponse ready = Send(Get("/health/ready"));
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ready.body, R"({"status":"ok","database":"ok"})");
    ready_ = false;
    const HttpResponse not_ready = Send(Get("/health/ready"));
    ExpectProblem(not_ready, 503, "service_unavailable");
    EXPECT_GE(std::stoi(Header(not_ready, "Retry-After")), 1);
}

TEST(Ready, ThrowingProbeCountsAsNotReady) {
    FakeAuthService auth;
    CountingRandom random;
    App app(
        config::Config{}, auth, []() -> bool { throw core::StoreUnavailable("down"); }, random
    );
    HttpRequest request = Get("/health/ready");
    app.Prepare(request);
    ExpectProblem(app.Handle(request), 503, "service_unavailable");
}

TEST_F(AppTest, DocsRoutesServeTheirAssets) {
    const HttpResponse openapi = Send(Get("/openapi.json"));
    EXPECT_EQ(openapi.status, 200);
    EXPECT_TRUE(openapi.content_type.starts_with("application/json")) << openapi.content_type;
    for (const std::string page : {"/docs", "/redoc"}) {
        const HttpResponse response = Send(Get(page));
        EXPECT_EQ(response.status, 200) << page;
        EXPECT_TRUE(response.content_type.starts_with("text/html")) << page;
        EXPECT_NE(Header(response, "Cache-Control"), "<absent>") << page;
        EXPECT_NE(Header(response, "Content-Security-Policy"), "<absent>") << page;
        EXPECT_EQ(Header(response, "X-Content-Type-Options"), "nosniff");
    }
}

TEST_F(AppTest, UnknownDocsAssetAnswersJson404) {
    ExpectProblem(Send(Get("/docs/no-such-file.js")), 404, "not_found");
    ExpectProblem(Send(Get("/redoc/../../etc/passwd")), 404, "not_found");
}

TEST_F(AppTest, OnlyDocsPagesAreHtml) {
    for (const HttpRequest& request :
         {Get("/"),
          Get("/health"),
          Get("/health/ready"),
          Get("/nope"),
          Get("/api/auth/user"),
          PostJson("/api/auth/register", R"({"email":"a@b.co","password":"x"})"),
          PostJson("/api/auth/login", R"({"email":"a@b.co","password":"x"})")}) {
        EXPECT_EQ(Send(request).content_type, "application/json") << request.target;
    }
}

}  // namespace
}  // namespace clockko::http::testing

namespace clockko::http::testing {
namespace {

// The code use cases count per-address throttles: each gets the computed client address.
TEST_F(AppTest, CodeEndpointsPassTheClientAddress) {
    const std::vector<std::pair<std::string, std::string>> calls{
        {"/api/auth/send-verification-email", R"({"email":"a@b.co"})"},
        {"/api/auth/forgot-password", R"({"email":"a@b.co"})"},
        {"/api/auth/verify-email", R"({"email":"a@b.co","otp":"123456"})"},
        {"/api/auth/reset-password",
         R"({"email":"a@b.co","otp":"123456","new_password":"NewPassword1"})"},
    };
    for (const auto& [path, body] : calls) {
        (void)Send(PostJson(path, body));
        EXPECT_EQ(auth_.LastCodeClientAddress(), "192.0.2.10") << path;
    }
}

}  // namespace
}  // namespace clockko::http::testing
