// Issue 7: LOG_FORMAT=json lines as CloudWatch gets them — every field of the contract's Logs
// section, the ALB trace id passed through, and never a password, token or one-time code.
#include "fixture.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace clockko::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTraceId =
    "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1";
constexpr const char* kPassword = "Log-Test-Passw0rd-7f3a";

/// Every line of the output as a JSON object; fails the test for a line that is not one.
std::vector<boost::json::object> JsonLines(const std::string& output) {
    std::vector<boost::json::object> lines;
    std::size_t start = 0;
    while (start < output.size()) {
        const std::size_t end = output.find('\n', start);
        const std::string line = output.substr(start, end - start);
        start = end == std::string::npos ? output.size() : end + 1;
        if (line.empty()) {
            continue;
        }
        boost::system::error_code error;
        const boost::json::value value = boost::json::parse(line, error);
        EXPECT_TRUE(!error && value.is_object()) << "not one JSON object: " << line;
        if (!error && value.is_object()) {
            lines.push_back(value.as_object());
        }
    }
    return lines;
}

const boost::json::object* RequestLine(
    const std::vector<boost::json::object>& lines, const std::string& request_id
) {
    for (const auto& line : lines) {
        const auto* id = line.if_contains("request_id");
        if (line.at("msg") == "request" && id != nullptr && *id == request_id.c_str()) {
            return &line;
        }
    }
    return nullptr;
}

std::optional<int> EnvPort(const char* name) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): before any thread
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::stoi(value);
}

/// The six-digit codes MailDev holds for `recipient`, waiting (bounded) for `at_least`.
std::set<std::string> MailedCodes(
    int web_port, const std::string& recipient, std::size_t at_least
) {
    const std::regex code(R"((^|\s)([0-9]{6})(\s|$))");
    std::set<std::string> codes;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        codes.clear();
        std::size_t messages = 0;
        const HttpResult list = Get("http://127.0.0.1:" + std::to_string(web_port) + "/api/email");
        boost::system::error_code error;
        const boost::json::value emails = boost::json::parse(list.body, error);
        for (const auto& email :
             !error && emails.is_array() ? emails.as_array() : boost::json::array{}) {
            const std::string text = boost::json::serialize(email);
            if (text.find(recipient) == std::string::npos || !email.as_object().contains("text")) {
                continue;
            }
            ++messages;
            const std::string body(email.at("text").as_string());
            for (std::sregex_iterator it(body.begin(), body.end(), code), end; it != end; ++it) {
                codes.insert((*it)[2]);
            }
        }
        if (messages >= at_least) {
            break;
        }
        std::this_thread::sleep_for(100ms);
    }
    return codes;
}

TEST(JsonLogs, RequestLinesCarryEveryFieldAndTheTraceId) {
    ServerProcess server(*TestEnvironment(Backend::kSqlite));
    const std::string email = UniqueEmail("logs");
    ASSERT_EQ(
        PostJson(
            server.BaseUrl() + "/api/auth/register",
            R"({"email":")" + email + R"(","password":")" + kPassword + R"("})"
        )
            .status,
        201
    );
    const HttpResult login = PostJson(
        server.BaseUrl() + "/api/auth/login",
        R"({"email":")" + email + R"(","password":")" + kPassword + R"("})"
    );
    ASSERT_EQ(login.status, 200);
    const std::string token(ParseJson(login.body).at("access_token").as_string());
    ASSERT_EQ(
        Get(server.BaseUrl() + "/api/auth/user?x=1",
            {{"Authorization", "Bearer " + token},
             {"X-Request-ID", "log-test-user"},
             {"X-Amzn-Trace-Id", kTraceId}}
        ).status,
        200
    );
    ASSERT_EQ(Get(server.BaseUrl() + "/health", {{"X-Request-ID", "log-test-plain"}}).status, 200);
    server.StopWith(SIGTERM);
    const auto lines = JsonLines(server.Output());
    for (const auto& line : lines) {
        EXPECT_TRUE(line.contains("ts") && line.contains("level") && line.contains("msg"))
            << boost::json::serialize(line);
    }

    const auto* user = RequestLine(lines, "log-test-user");
    ASSERT_NE(user, nullptr) << server.Output();
    EXPECT_TRUE(std::regex_match(
        std::string(user->at("ts").as_string()),
        std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d))")
    )) << user->at("ts");
    EXPECT_EQ(user->at("level"), "info");
    EXPECT_EQ(user->at("method"), "GET");
    EXPECT_EQ(user->at("path"), "/api/auth/user");  // never the query
    EXPECT_EQ(user->at("status").to_number<int>(), 200);
    EXPECT_GE(user->at("duration_ms").to_number<double>(), 0);
    EXPECT_EQ(user->at("client_ip"), "127.0.0.1");
    EXPECT_EQ(user->at("trace_id"), kTraceId);
    ASSERT_TRUE(user->contains("user_id"));
    EXPECT_EQ(user->at("user_id").as_string().size(), 36U);

    const auto* plain = RequestLine(lines, "log-test-plain");
    ASSERT_NE(plain, nullptr);
    EXPECT_FALSE(plain->contains("trace_id"));  // only when the ALB sends one
    EXPECT_FALSE(plain->contains("user_id"));   // only when known
}

TEST(JsonLogs, StartUpLogsTheConfigurationOnceWithSecretsMasked) {
    auto environment = *TestEnvironment(Backend::kSqlite);
    environment["SMTP_PASSWORD"] = "smtp-secret-9d2c";
    environment["SECRET_KEY_PREVIOUS"] = "previous-secret-key-0123456789abcdef";
    ServerProcess server(environment);
    server.StopWith(SIGTERM);
    const std::string output = server.Output();
    int configuration_lines = 0;
    for (const auto& line : JsonLines(output)) {
        if (line.at("msg") == "configuration") {
            ++configuration_lines;
            EXPECT_EQ(line.at("SECRET_KEY"), "(set, masked)");
            EXPECT_EQ(line.at("SMTP_PASSWORD"), "(set, masked)");
            EXPECT_EQ(line.at("BCRYPT_ROUNDS"), "4");
            EXPECT_TRUE(line.contains("DATABASE_URL"));
        }
    }
    EXPECT_EQ(configuration_lines, 1) << output;
    for (const std::string& secret :
         {std::string(kTestSecret),
          environment["SMTP_PASSWORD"],
          environment["SECRET_KEY_PREVIOUS"]}) {
        EXPECT_EQ(output.find(secret), std::string::npos) << "secret in the log";
    }
}

// With real SMTP (MailDev) the codes never reach the log; in development without SMTP_HOST
// the log mailer prints them on purpose, so this test needs MailDev.
TEST(JsonLogs, NoPasswordTokenOrCodeInAnyLine) {
    const auto smtp_port = EnvPort("CLOCKKO_TEST_MAILDEV_SMTP_PORT");
    const auto web_port = EnvPort("CLOCKKO_TEST_MAILDEV_WEB_PORT");
    if (!smtp_port || !web_port) {
        const char* required =
            std::getenv("CLOCKKO_REQUIRE_MAILDEV");  // NOLINT(concurrency-mt-unsafe)
        if (required != nullptr && std::string(required) == "1") {
            FAIL() << "CLOCKKO_REQUIRE_MAILDEV=1 but no MailDev: run under scripts/with-maildev.sh";
        }
        GTEST_SKIP() << "no MailDev (run under scripts/with-maildev.sh)";
    }
    auto environment = *TestEnvironment(Backend::kSqlite);
    environment["SMTP_HOST"] = "127.0.0.1";
    environment["SMTP_PORT"] = std::to_string(*smtp_port);
    environment["SMTP_TLS"] = "off";
    environment["SMTP_FROM"] = "noreply@clockko.test";
    environment["LOG_LEVEL"] = "debug";        // the most the service would ever write
    environment["CODE_RESEND_SECONDS"] = "0";  // three code emails in a row
    ServerProcess server(environment);
    const std::string email = UniqueEmail("secrets");
    const std::string credentials =
        R"({"email":")" + email + R"(","password":")" + kPassword + R"("})";
    ASSERT_EQ(PostJson(server.BaseUrl() + "/api/auth/register", credentials).status, 201);
    const HttpResult login = PostJson(server.BaseUrl() + "/api/auth/login", credentials);
    ASSERT_EQ(login.status, 200);
    const std::string token(ParseJson(login.body).at("access_token").as_string());
    ASSERT_EQ(
        Get(server.BaseUrl() + "/api/auth/user", {{"Authorization", "Bearer " + token}}).status, 200
    );
    ASSERT_EQ(
        PostJson(
            server.BaseUrl() + "/api/auth/send-verification-email",
            R"({"email":")" + email + R"("})"
        )
            .status,
        200
    );
    ASSERT_EQ(
        PostJson(server.BaseUrl() + "/api/auth/forgot-password", R"({"email":")" + email + R"("})")
            .status,
        200
    );
    // Welcome, verification and reset emails, each with its own code.
    const std::set<std::string> codes = MailedCodes(*web_port, email, 3);
    ASSERT_GE(codes.size(), 3U) << "codes not received from MailDev";
    // The codes also travel in request bodies, which must not be logged either.
    long verified = 0;
    std::string tried;
    for (const std::string& code : codes) {
        const std::string body = R"({"email":")" + email + R"(","otp":")" + code + R"("})";
        const long status = PostJson(server.BaseUrl() + "/api/auth/verify-email", body).status;
        verified = std::max(verified, status == 200 ? 200L : 0L);
        tried += code + " → " + std::to_string(status) + "; ";
    }
    EXPECT_EQ(verified, 200) << "no mailed code verified the email: " << tried;
    server.StopWith(SIGTERM);
    const std::string output = server.Output();
    JsonLines(output);
    EXPECT_EQ(output.find(kPassword), std::string::npos) << "password in the log";
    EXPECT_EQ(output.find(token), std::string::npos) << "token in the log";
    // The signature alone would be enough to replay a leaked token's claims.
    EXPECT_EQ(output.find(token.substr(token.rfind('.') + 1)), std::string::npos)
        << "token signature in the log";
    for (const std::string& code : codes) {
        const std::regex standalone("(^|[^0-9])" + code + "([^0-9]|$)");
        EXPECT_FALSE(std::regex_search(output, standalone)) << "code " << code << " in the log";
    }
}

}  // namespace
}  // namespace clockko::testing
