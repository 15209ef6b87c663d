// POST /api/auth/login and GET /api/auth/user, on every backend, against the real binary.
#include "fixture.hpp"
#include "token_forge.hpp"

namespace clockko::testing {
namespace {

namespace json = boost::json;

class LoginEndpoint : public BackendTest {};

TEST_P(LoginEndpoint, GivesABearerTokenThatOpensTheCurrentUser) {
    const std::string email = UniqueEmail("login");
    ASSERT_EQ(Register(email).status, 201);
    const HttpResult login = Login(email, "Password123");
    ASSERT_EQ(login.status, 200) << login.body;
    EXPECT_EQ(login.Header("cache-control"), "no-store");
    const json::object body = ParseJson(login.body).as_object();
    EXPECT_EQ(body.at("token_type"), "bearer");
    EXPECT_EQ(body.at("expires_in").to_number<long long>(), 30 * 60);
    const std::string token(body.at("access_token").as_string());
    const TokenClaims claims = ReadClaims(token);
    EXPECT_FALSE(claims.sub.empty());
    EXPECT_FALSE(claims.jti.empty());
    EXPECT_EQ(claims.exp - claims.iat, 30 * 60);

    const HttpResult me = CurrentUser(token);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(ParseJson(me.body).at("email"), email.c_str());
    EXPECT_EQ(ParseJson(me.body).at("id"), claims.sub.c_str());
}

TEST_P(LoginEndpoint, FindsTheAccountWhateverTheEmailCase) {
    const std::string email = UniqueEmail("case");
    ASSERT_EQ(Register(email).status, 201);
    std::string shouted = "  " + email + "  ";
    for (char& c : shouted) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(Login(shouted, "Password123").status, 200);
}

TEST_P(LoginEndpoint, AnswersUnknownEmailAndWrongPasswordAlike) {
    const std::string email = UniqueEmail("alike");
    ASSERT_EQ(Register(email).status, 201);
    const HttpResult wrong = Login(email, "WrongPassword1");
    const HttpResult unknown = Login(UniqueEmail("nobody"), "WrongPassword1");
    ExpectErrorBody(wrong, 401, "invalid_credentials");
    ExpectErrorBody(unknown, 401, "invalid_credentials");
    EXPECT_EQ(wrong.body, unknown.body);
    EXPECT_EQ(wrong.Header("www-authenticate"), "Bearer");
    EXPECT_EQ(unknown.Header("www-authenticate"), "Bearer");
}

TEST_P(LoginEndpoint, AcceptsTheOAuth2PasswordForm) {
    const std::string email = UniqueEmail("form");
    ASSERT_EQ(Register(email, "Pass word+&=1").status, 201);
    std::string encoded;
    for (const char c : email) {
        encoded += c == '@' ? std::string("%40") : std::string(1, c);
    }
    const HttpResult login = Request(
        "POST",
        Url("/api/auth/login"),
        {{"Content-Type", "application/x-www-form-urlencoded"}},
        "grant_type=password&username=" + encoded + "&password=Pass+word%2B%26%3D1"
    );
    ASSERT_EQ(login.status, 200) << login.body;
    EXPECT_TRUE(ParseJson(login.body).as_object().contains("access_token"));
}

TEST_P(LoginEndpoint, RefusesOtherContentTypesAndBrokenBodies) {
    ExpectErrorBody(
        Request("POST", Url("/api/auth/login"), {{"Content-Type", "text/plain"}}, "{}"),
        415,
        "unsupported_media_type"
    );
    ExpectErrorBody(PostJson(Url("/api/auth/login"), "{\"email\":"), 422, "invalid_json");
    ExpectErrorBody(PostJson(Url("/api/auth/login"), "[1,2]"), 422, "validation_error");
}

class CurrentUserEndpoint : public BackendTest {};

TEST_P(CurrentUserEndpoint, NeedsABearerToken) {
    const HttpResult none = Get(Url("/api/auth/user"));
    ExpectErrorBody(none, 401, "not_authenticated");
    EXPECT_EQ(none.Header("www-authenticate").rfind("Bearer", 0), 0U);
    ExpectErrorBody(
        Get(Url("/api/auth/user"), {{"Authorization", "Basic dTpw"}}), 401, "not_authenticated"
    );
    ExpectErrorBody(
        Get(Url("/api/auth/user"), {{"Authorization", "Bearer "}}), 401, "not_authenticated"
    );
}

TEST_P(CurrentUserEndpoint, MatchesTheSchemeNameInAnyCase) {
    const std::string token = RegisterAndLogin(UniqueEmail("scheme"));
    EXPECT_EQ(Get(Url("/api/auth/user"), {{"Authorization", "bearer " + token}}).status, 200);
    EXPECT_EQ(Get(Url("/api/auth/user"), {{"Authorization", "BEARER " + token}}).status, 200);
}

TEST_P(CurrentUserEndpoint, RejectsForgedTamperedAndExpiredTokens) {
    const std::string token = RegisterAndLogin(UniqueEmail("forge"));
    const std::string sub = ReadClaims(token).sub;
    const long long now = std::time(nullptr);
    const auto expect_invalid = [this](const std::string& bad, const std::string& code) {
        const HttpResult result = CurrentUser(bad);
        ExpectErrorBody(result, 401, code);
        EXPECT_EQ(result.Header("www-authenticate"), "Bearer error=\"invalid_token\"") << bad;
    };
    expect_invalid(ForgeToken("none", "", sub, now, now + 600), "invalid_token");
    expect_invalid(ForgeToken("HS512", kTestSecret, sub, now, now + 600), "invalid_token");
    expect_invalid(ForgeToken("HS256", "another-secret-key", sub, now, now + 600), "invalid_token");
    expect_invalid(ForgeToken("HS256", kTestSecret, sub, now - 7200, now - 3600), "token_expired");
    expect_invalid(ForgeToken("HS256", kTestSecret, sub, now, std::nullopt), "invalid_token");
    expect_invalid(
        ForgeToken("HS256", kTestSecret, "00000000-0000-4000-8000-000000000000", now, now + 600),
        "invalid_token"
    );
    expect_invalid(TamperPayload(token), "invalid_token");
    expect_invalid("not-a-jwt", "invalid_token");
    // The genuine token still works.
    EXPECT_EQ(CurrentUser(token).status, 200);
    EXPECT_EQ(CurrentUser(ForgeToken("HS256", kTestSecret, sub, now, now + 600)).status, 200);
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(LoginEndpoint);
CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(CurrentUserEndpoint);

}  // namespace
}  // namespace clockko::testing
