// Issue 4, throttling: every limit through the real binary, on SQLite and PostgreSQL, each test
// on a database of its own (so counters of other tests and earlier runs never interfere), with
// small limits set through the environment.
#include "fixture.hpp"
#include "test_database.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace clockko::testing {
namespace {

constexpr const char* kPassword = "Password123";
// Distinctive, so that the log check below can tell it was never written.
constexpr const char* kWrongPassword = "Wrong-Secret-Passw0rd";
constexpr const char* kWrongCode = "909090";

using Overrides = std::map<std::string, std::string>;

class Throttling : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        if (!BackendAvailable(GetParam())) {
            GTEST_SKIP() << "no PostgreSQL (set CLOCKKO_TEST_POSTGRES_URL, or run make test)";
        }
        database_ = std::make_unique<TestDatabase>(GetParam());
    }

    /// A server on this test's database with the test environment plus `overrides`.
    ServerProcess& Start(const Overrides& overrides) {
        std::map<std::string, std::string> environment = *TestEnvironment(GetParam());
        environment["DATABASE_URL"] = database_->Url();
        for (const auto& [name, value] : overrides) {
            environment[name] = value;
        }
        servers_.push_back(std::make_unique<ServerProcess>(environment));
        return *servers_.back();
    }

    static HttpResult Post(
        const ServerProcess& server,
        const std::string& path,
        const std::string& json,
        HeaderList headers = {}
    ) {
        return PostJson(server.BaseUrl() + path, json, std::move(headers));
    }

    static HttpResult Login(
        const ServerProcess& server,
        const std::string& email,
        const std::string& password,
        HeaderList headers = {}
    ) {
        return Post(
            server,
            "/api/auth/login",
            R"({"email":")" + email + R"(","password":")" + password + R"("})",
            std::move(headers)
        );
    }

    static void Register(const ServerProcess& server, const std::string& email) {
        const HttpResult created = Post(
            server,
            "/api/auth/register",
            R"({"email":")" + email + R"(","password":")" + kPassword + R"("})"
        );
        ASSERT_EQ(created.status, 201) << created.body;
    }

    static HttpResult EmailRequest(
        const ServerProcess& server, const std::string& path, const std::string& email
    ) {
        return Post(server, path, R"({"email":")" + email + R"("})");
    }

    static HttpResult WrongVerify(const ServerProcess& server, const std::string& email) {
        return Post(
            server,
            "/api/auth/verify-email",
            R"({"email":")" + email + R"(","otp":")" + kWrongCode + R"("})"
        );
    }

    /// 429 rate_limited with a Retry-After of 1…`at_most` seconds.
    static void ExpectThrottled(const HttpResult& result, long at_most) {
        ExpectErrorBody(result, 429, "rate_limited");
        ASSERT_TRUE(result.HasHeader("retry-after")) << result.body;
        const long retry_after = std::stol(result.Header("retry-after"));
        EXPECT_GE(retry_after, 1);
        EXPECT_LE(retry_after, at_most);
    }

    /// The server's log lines that contain every one of `parts`.
    static std::vector<std::string> LogLines(
        const ServerProcess& server, const std::vector<std::string>& parts
    ) {
        std::vector<std::string> found;
        std::istringstream lines(server.Output());
        for (std::string line; std::getline(lines, line);) {
            bool all = true;
            for (const std::string& part : parts) {
                all = all && line.find(part) != std::string::npos;
            }
            if (all) {
                found.push_back(line);
            }
        }
        return found;
    }

    std::unique_ptr<TestDatabase> database_;
    std::vector<std::unique_ptr<ServerProcess>> servers_;
};

TEST_P(Throttling, AccountAndAddressLimitRefusesEvenTheRightPassword) {
    const ServerProcess& server = Start({{"LOGIN_MAX_FAILURES", "3"}});
    const std::string email = UniqueEmail("throttled");
    Register(server, email);
    for (int failure = 0; failure < 3; ++failure) {
        EXPECT_EQ(Login(server, email, kWrongPassword).status, 401);
    }
    ExpectThrottled(Login(server, email, kPassword), 15 * 60);
    ExpectThrottled(Login(server, email, kWrongPassword), 15 * 60);
}

TEST_P(Throttling, UnknownAndKnownEmailsAnswerAlike) {
    const ServerProcess& server = Start({{"LOGIN_MAX_FAILURES", "2"}});
    const std::string known = UniqueEmail("known");
    const std::string unknown = UniqueEmail("unknown");
    Register(server, known);
    for (int attempt = 0; attempt < 3; ++attempt) {
        const HttpResult from_known = Login(server, known, kWrongPassword);
        const HttpResult from_unknown = Login(server, unknown, kWrongPassword);
        EXPECT_EQ(from_known.status, attempt < 2 ? 401 : 429) << from_known.body;
        EXPECT_EQ(from_known.status, from_unknown.status);
        EXPECT_EQ(from_known.body, from_unknown.body);
        EXPECT_EQ(
            from_known.Header("retry-after").empty(), from_unknown.Header("retry-after").empty()
        );
    }
}

TEST_P(Throttling, AccountLimitHoldsAcrossForwardedAddresses) {
    const ServerProcess& server =
        Start({{"LOGIN_MAX_FAILURES_ACCOUNT", "3"}, {"TRUSTED_PROXIES", "127.0.0.1"}});
    const std::string email = UniqueEmail("stuffed");
    Register(server, email);
    for (int failure = 0; failure < 3; ++failure) {
        const HeaderList from{{"X-Forwarded-For", "198.51.100." + std::to_string(failure + 1)}};
        EXPECT_EQ(Login(server, email, kWrongPassword, from).status, 401);
    }
    ExpectThrottled(Login(server, email, kPassword, {{"X-Forwarded-For", "203.0.113.9"}}), 900);
}

TEST_P(Throttling, AddressLimitHoldsAcrossAccounts) {
    const ServerProcess& server = Start({{"LOGIN_MAX_FAILURES_ADDRESS", "3"}});
    for (int failure = 0; failure < 3; ++failure) {
        EXPECT_EQ(Login(server, UniqueEmail("sprayed"), kWrongPassword).status, 401);
    }
    const std::string victim = UniqueEmail("victim");
    Register(server, victim);
    ExpectThrottled(Login(server, victim, kPassword), 900);
}

TEST_P(Throttling, SpoofedForwardedForFromAnUntrustedPeerChangesNothing) {
    const ServerProcess& server = Start({{"LOGIN_MAX_FAILURES", "3"}});
    const std::string email = UniqueEmail("spoofer");
    Register(server, email);
    for (int failure = 0; failure < 3; ++failure) {
        const HeaderList spoofed{{"X-Forwarded-For", "192.0.2." + std::to_string(failure + 1)}};
        EXPECT_EQ(Login(server, email, kWrongPassword, spoofed).status, 401);
    }
    ExpectThrottled(Login(server, email, kPassword, {{"X-Forwarded-For", "192.0.2.99"}}), 900);
    ExpectThrottled(Login(server, email, kPassword), 900);
}

TEST_P(Throttling, BehindATrustedProxyTheForwardedAddressCounts) {
    const ServerProcess& server =
        Start({{"LOGIN_MAX_FAILURES", "3"}, {"TRUSTED_PROXIES", "127.0.0.1"}});
    const std::string email = UniqueEmail("proxied");
    Register(server, email);
    const HeaderList attacker{{"X-Forwarded-For", "203.0.113.5"}};
    for (int failure = 0; failure < 3; ++failure) {
        EXPECT_EQ(Login(server, email, kWrongPassword, attacker).status, 401);
    }
    ExpectThrottled(Login(server, email, kPassword, attacker), 900);
    // Another client behind the same proxy is not locked out by the attacker.
    EXPECT_EQ(Login(server, email, kPassword, {{"X-Forwarded-For", "203.0.113.6"}}).status, 200);
    EXPECT_FALSE(
        LogLines(server, {R"("event":"throttled")", R"("client_ip":"203.0.113.5")"}).empty()
    ) << server.Output();
}

TEST_P(Throttling, TwoInstancesOnOneDatabaseShareALimit) {
    const Overrides limits{{"LOGIN_MAX_FAILURES", "4"}};
    const ServerProcess& first = Start(limits);
    const ServerProcess& second = Start(limits);
    const std::string email = UniqueEmail("shared");
    Register(first, email);
    for (int failure = 0; failure < 4; ++failure) {
        EXPECT_EQ(Login(failure % 2 == 0 ? first : second, email, kWrongPassword).status, 401);
    }
    ExpectThrottled(Login(first, email, kPassword), 900);
    ExpectThrottled(Login(second, email, kPassword), 900);
}

TEST_P(Throttling, CodeRequestsWithinTheResendIntervalAreRefusedAlikeForUnknownEmails) {
    const ServerProcess& server = Start({});  // CODE_RESEND_SECONDS defaults to 60
    const std::string known = UniqueEmail("resend");
    const std::string unknown = UniqueEmail("nobody");
    Register(server, known);
    for (const char* path : {"/api/auth/send-verification-email", "/api/auth/forgot-password"}) {
        const HttpResult first_known = EmailRequest(server, path, known);
        const HttpResult first_unknown = EmailRequest(server, path, unknown);
        EXPECT_EQ(first_known.status, 200) << path << first_known.body;
        EXPECT_EQ(first_known.body, first_unknown.body) << path;
        const HttpResult again_known = EmailRequest(server, path, known);
        const HttpResult again_unknown = EmailRequest(server, path, unknown);
        ExpectThrottled(again_known, 60);
        ExpectThrottled(again_unknown, 60);
        EXPECT_EQ(again_known.body, again_unknown.body) << path;
    }
}

TEST_P(Throttling, ZeroResendSecondsTurnsTheIntervalOffButTheHourlyLimitHolds) {
    const ServerProcess& server = Start({{"CODE_RESEND_SECONDS", "0"}, {"CODE_MAX_PER_HOUR", "3"}});
    const std::string email = UniqueEmail("hourly");
    for (int request = 0; request < 3; ++request) {
        EXPECT_EQ(EmailRequest(server, "/api/auth/forgot-password", email).status, 200);
    }
    ExpectThrottled(EmailRequest(server, "/api/auth/send-verification-email", email), 3600);
}

TEST_P(Throttling, CodeRequestsPerAddressCoverEveryEmail) {
    const ServerProcess& server = Start({{"CODE_MAX_PER_HOUR_ADDRESS", "3"}});
    for (int request = 0; request < 3; ++request) {
        EXPECT_EQ(
            EmailRequest(server, "/api/auth/forgot-password", UniqueEmail("sprayed")).status, 200
        );
    }
    ExpectThrottled(EmailRequest(server, "/api/auth/forgot-password", UniqueEmail("next")), 3600);
}

TEST_P(Throttling, CodeFailuresPerAccountAndPerAddress) {
    const ServerProcess& server =
        Start({{"CODE_MAX_FAILURES_ACCOUNT", "2"}, {"CODE_MAX_FAILURES_ADDRESS", "4"}});
    const std::string known = UniqueEmail("guessed");
    const std::string unknown = UniqueEmail("ghost");
    Register(server, known);
    for (int failure = 0; failure < 2; ++failure) {
        ExpectErrorBody(WrongVerify(server, known), 400, "invalid_otp");
        ExpectErrorBody(WrongVerify(server, unknown), 400, "invalid_otp");
    }
    // Before the code's own 5 tries: the account limit, alike for the unknown email.
    const HttpResult from_known = WrongVerify(server, known);
    ExpectThrottled(from_known, 900);
    EXPECT_EQ(from_known.body, WrongVerify(server, unknown).body);
    const HttpResult reset = Post(
        server,
        "/api/auth/reset-password",
        R"({"email":")" + known + R"(","otp":")" + kWrongCode +
            R"(","new_password":"NewPassword1"})"
    );
    ExpectThrottled(reset, 900);
    // Four failures from this address: a fresh email is refused too.
    ExpectThrottled(WrongVerify(server, UniqueEmail("fresh")), 900);
}

TEST_P(Throttling, SecurityEventsAreLoggedWithoutSecrets) {
    const ServerProcess& server =
        Start({{"LOGIN_MAX_FAILURES", "1"}, {"CODE_MAX_FAILURES_ACCOUNT", "1"}});
    const std::string email = UniqueEmail("logged");
    Register(server, email);
    EXPECT_EQ(Login(server, email, kWrongPassword).status, 401);
    EXPECT_EQ(Login(server, email, kWrongPassword).status, 429);
    ExpectErrorBody(WrongVerify(server, email), 400, "invalid_otp");
    EXPECT_EQ(WrongVerify(server, email).status, 429);
    const std::vector<std::string> throttled = LogLines(
        server,
        {R"("msg":"security event")", R"("event":"throttled")", R"("client_ip":"127.0.0.1")"}
    );
    EXPECT_EQ(throttled.size(), 2U) << server.Output();
    for (const std::string& line : throttled) {
        EXPECT_EQ(line.find(R"("user_id":"")"), std::string::npos) << "user id known: " << line;
    }
    EXPECT_EQ(
        LogLines(server, {R"("event":"code_failed")", R"("client_ip":"127.0.0.1")"}).size(), 1U
    ) << server.Output();
    const std::string output = server.Output();
    EXPECT_EQ(output.find(kWrongPassword), std::string::npos) << "a password was logged";
    EXPECT_EQ(output.find(kWrongCode), std::string::npos) << "a code was logged";
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(Throttling);

}  // namespace
}  // namespace clockko::testing
