// Settings that change between two runs of the binary on one database: SECRET_KEY rotated with
// SECRET_KEY_PREVIOUS, and BCRYPT_ROUNDS raised (or lowered) for existing hashes.
#include "fixture.hpp"
#include "session_helpers.hpp"
#include "test_database.hpp"
#include "token_forge.hpp"

#include <ctime>

namespace clockko::testing {
namespace {

namespace json = boost::json;

constexpr const char* kOldKey = "old-secret-key-of-the-previous-deploy-0123456789";
constexpr const char* kNewKey = "new-secret-key-of-the-current-deploy-9876543210";

class RunsOnOneDatabase : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        if (!BackendAvailable(GetParam())) {
            GTEST_SKIP() << "PostgreSQL not configured";
        }
        database_ = std::make_unique<TestDatabase>(GetParam());
    }

    /// A server on this test's database with the test environment plus `overrides`.
    std::unique_ptr<ServerProcess> Start(const std::map<std::string, std::string>& overrides) {
        auto environment = *TestEnvironment(GetParam());
        environment["DATABASE_URL"] = database_->Url();
        for (const auto& [name, value] : overrides) {
            environment[name] = value;
        }
        return std::make_unique<ServerProcess>(environment);
    }

    static HttpResult Post(
        const ServerProcess& server, const std::string& path, const json::object& body
    ) {
        return PostJson(server.BaseUrl() + path, json::serialize(body));
    }

    static HttpResult Login(
        const ServerProcess& server, const std::string& email, const std::string& password
    ) {
        return Post(server, "/api/auth/login", {{"email", email}, {"password", password}});
    }

    static HttpResult Me(const ServerProcess& server, const std::string& token) {
        return Get(server.BaseUrl() + "/api/auth/user", {{"Authorization", "Bearer " + token}});
    }

    /// True when the user's stored hash starts with `prefix` (the test reads no hash itself:
    /// the row either matches or not).
    bool HashStartsWith(const std::string& email, const std::string& prefix) {
        return database_->Execute(
                   "UPDATE users SET username = username WHERE email = $1 AND "
                   "substr(hashed_password, 1, 7) = $2",
                   {email, prefix}
               ) == 1;
    }

    std::unique_ptr<TestDatabase> database_;
};

TEST_P(RunsOnOneDatabase, ThePreviousKeyStillVerifiesAfterARotationAndAnyOtherKeyIsRefused) {
    const std::string email = UniqueEmail("rotation");
    std::string old_access;
    std::string old_refresh;
    {
        auto before = Start({{"SECRET_KEY", kOldKey}});
        ASSERT_EQ(
            Post(
                *before, "/api/auth/register", {{"email", email}, {"password", "Password123"}}
            ).status,
            201
        );
        const Pair pair = ReadPair(Login(*before, email, "Password123"));
        old_access = pair.access_token;
        old_refresh = pair.refresh_token;
    }
    auto rotated = Start({{"SECRET_KEY", kNewKey}, {"SECRET_KEY_PREVIOUS", kOldKey}});
    const HttpResult me = Me(*rotated, old_access);
    ASSERT_EQ(me.status, 200) << "a token of the previous key must still work: " << me.body;
    const std::string user_id(ParseJson(me.body).at("id").as_string());

    const long long now = static_cast<long long>(std::time(nullptr));
    EXPECT_EQ(Me(*rotated, ForgeToken("HS256", kOldKey, user_id, now, now + 600)).status, 200);
    ExpectErrorBody(
        Me(*rotated,
           ForgeToken("HS256", "some-other-key-never-configured-000000", user_id, now, now + 600)),
        401,
        "invalid_token"
    );
    // Sessions survive the rotation (refresh tokens are random, not signed) and new tokens are
    // signed with the new key only: a server that knows only the old key refuses them.
    const Pair renewed =
        ReadPair(Post(*rotated, "/api/auth/refresh", {{"refresh_token", old_refresh}}));
    ASSERT_FALSE(renewed.access_token.empty());
    EXPECT_EQ(Me(*rotated, renewed.access_token).status, 200);
    rotated.reset();
    auto old_only = Start({{"SECRET_KEY", kOldKey}});
    ExpectErrorBody(Me(*old_only, renewed.access_token), 401, "invalid_token");
    old_only.reset();
    // Once SECRET_KEY_PREVIOUS is dropped, the old key's tokens end.
    auto new_only = Start({{"SECRET_KEY", kNewKey}});
    ExpectErrorBody(Me(*new_only, old_access), 401, "invalid_token");
    EXPECT_EQ(Me(*new_only, renewed.access_token).status, 200);
}

TEST_P(RunsOnOneDatabase, RaisedBcryptRoundsUpgradeTheHashAtTheNextLoginAndLoweredOnesNever) {
    const std::string email = UniqueEmail("rounds");
    {
        auto cost4 = Start({{"BCRYPT_ROUNDS", "4"}});
        ASSERT_EQ(
            Post(
                *cost4, "/api/auth/register", {{"email", email}, {"password", "Password123"}}
            ).status,
            201
        );
        ASSERT_EQ(Login(*cost4, email, "Password123").status, 200);
    }
    EXPECT_TRUE(HashStartsWith(email, "$2b$04$"));
    {
        auto cost5 = Start({{"BCRYPT_ROUNDS", "5"}});
        ExpectErrorBody(Login(*cost5, email, "WrongPassword1"), 401, "invalid_credentials");
        EXPECT_TRUE(HashStartsWith(email, "$2b$04$")) << "a failed login must not rehash";
        ASSERT_EQ(Login(*cost5, email, "Password123").status, 200);
        EXPECT_TRUE(HashStartsWith(email, "$2b$05$")) << "the hash was not upgraded";
        EXPECT_EQ(Login(*cost5, email, "Password123").status, 200);
    }
    auto cost4_again = Start({{"BCRYPT_ROUNDS", "4"}});
    EXPECT_EQ(Login(*cost4_again, email, "Password123").status, 200);
    EXPECT_TRUE(HashStartsWith(email, "$2b$05$"))
        << "a lower BCRYPT_ROUNDS must never weaken a hash";
    ExpectErrorBody(Login(*cost4_again, email, "WrongPassword1"), 401, "invalid_credentials");
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(RunsOnOneDatabase);

}  // namespace
}  // namespace clockko::testing
