#include "fixture.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>

namespace clockko::testing {

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

std::optional<std::map<std::string, std::string>> TestEnvironment(Backend backend) {
    std::map<std::string, std::string> environment{
        {"SECRET_KEY", kTestSecret},
        {"BCRYPT_ROUNDS", "4"},
        {"LOG_FORMAT", "json"},
        {"LOG_LEVEL", "info"},
        {"CORS_ORIGINS", "http://localhost:3000,https://app.clockko.test"},
        {"DB_CONNECT_TIMEOUT_SECONDS", "5"},
        // Every test talks from 127.0.0.1, and on PostgreSQL the shared servers keep one database
        // across runs: the per-address limits would add up over unrelated tests. The throttle
        // tests set small limits on databases of their own.
        {"LOGIN_MAX_FAILURES_ADDRESS", "1000000"},
        {"CODE_MAX_PER_HOUR_ADDRESS", "1000000"},
        {"CODE_MAX_FAILURES_ADDRESS", "1000000"},
    };
    if (backend == Backend::kSqlite) {
        environment["DATABASE_URL"] = "sqlite:///:memory:";
        return environment;
    }
    const char* url = std::getenv("CLOCKKO_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') {
        return std::nullopt;
    }
    environment["DATABASE_URL"] = url;
    return environment;
}

bool BackendAvailable(Backend backend) {
    if (TestEnvironment(backend).has_value()) {
        return true;
    }
    const char* required = std::getenv("CLOCKKO_REQUIRE_POSTGRES");
    if (required != nullptr && std::string(required) == "1") {
        ADD_FAILURE() << "CLOCKKO_REQUIRE_POSTGRES=1 but CLOCKKO_TEST_POSTGRES_URL is unset";
    }
    return false;
}

ServerProcess& SharedServer(Backend backend) {
    static std::map<Backend, std::unique_ptr<ServerProcess>> servers;
    auto& server = servers[backend];
    if (!server) {
        server = std::make_unique<ServerProcess>(*TestEnvironment(backend));
    }
    return *server;
}

std::string UniqueEmail(const std::string& prefix) {
    static std::atomic<int> counter{0};
    static const auto run = std::random_device{}();
    return prefix + "." + std::to_string(run) + "." + std::to_string(counter++) + "@example.com";
}

boost::json::value ParseJson(const std::string& body) {
    boost::system::error_code error;
    boost::json::value value = boost::json::parse(body, error);
    EXPECT_FALSE(error) << "not JSON: " << body;
    return error ? boost::json::value{} : value;
}

void ExpectErrorBody(const HttpResult& result, long status, const std::string& code) {
    EXPECT_EQ(result.status, status) << result.body;
    const boost::json::value body = ParseJson(result.body);
    ASSERT_TRUE(body.is_object()) << result.body;
    const auto& object = body.as_object();
    ASSERT_TRUE(object.contains("code")) << result.body;
    EXPECT_EQ(object.at("code"), code.c_str()) << result.body;
    EXPECT_TRUE(object.contains("detail")) << result.body;
    ASSERT_TRUE(object.contains("message")) << result.body;
    EXPECT_TRUE(object.at("message").is_string()) << result.body;
    EXPECT_EQ(result.Header("content-type").rfind("application/json", 0), 0U);
}

void BackendTest::SetUp() {
    if (!BackendAvailable(GetParam())) {
        GTEST_SKIP() << "no PostgreSQL (set CLOCKKO_TEST_POSTGRES_URL, or run make test)";
    }
    server_ = &SharedServer(GetParam());
}

std::string BackendTest::Url(const std::string& path) const {
    return server_->BaseUrl() + path;
}

HttpResult BackendTest::Register(const std::string& email, const std::string& password) {
    boost::json::object body{{"email", email}, {"password", password}};
    return PostJson(Url("/api/auth/register"), boost::json::serialize(body));
}

HttpResult BackendTest::Login(const std::string& email, const std::string& password) {
    boost::json::object body{{"email", email}, {"password", password}};
    return PostJson(Url("/api/auth/login"), boost::json::serialize(body));
}

std::string BackendTest::RegisterAndLogin(const std::string& email, const std::string& password) {
    const HttpResult registered = Register(email, password);
    EXPECT_EQ(registered.status, 201) << registered.body;
    const HttpResult login = Login(email, password);
    EXPECT_EQ(login.status, 200) << login.body;
    const boost::json::value body = ParseJson(login.body);
    if (!body.is_object() || !body.as_object().contains("access_token")) {
        ADD_FAILURE() << "no token: " << login.body;
        return {};
    }
    return std::string(body.at("access_token").as_string());
}

HttpResult BackendTest::CurrentUser(const std::string& token) {
    return Get(Url("/api/auth/user"), {{"Authorization", "Bearer " + token}});
}

}  // namespace clockko::testing
