#include "mail_fixture.hpp"

#include <map>
#include <memory>

namespace clockko::testing {
namespace {

namespace json = boost::json;

// One shared server per backend per test process, on a database of its own. Members are
// destroyed in reverse order: the server stops before its database goes.
struct SharedMailServer {
    std::unique_ptr<TestDatabase> database;
    std::unique_ptr<ServerProcess> server;
};

std::map<Backend, SharedMailServer>& SharedMailServers() {
    static std::map<Backend, SharedMailServer> servers;
    return servers;
}

// Stops the shared servers and drops their databases after the last test, while libpq and
// OpenSSL still work (static destructors run after OpenSSL's own exit handler).
class SharedMailServersCleanup final : public ::testing::Environment {
public:
    void TearDown() override { SharedMailServers().clear(); }
};

// gtest owns the environment; the pointer is kept only so that the registration runs at start.
// NOLINTBEGIN(cert-err58-cpp,cppcoreguidelines-owning-memory)
[[maybe_unused]] ::testing::Environment* const registered_cleanup =
    ::testing::AddGlobalTestEnvironment(new SharedMailServersCleanup);

// NOLINTEND(cert-err58-cpp,cppcoreguidelines-owning-memory)

SharedMailServer& SharedMailServerFor(Backend backend, int smtp_port) {
    SharedMailServer& slot = SharedMailServers()[backend];
    if (!slot.server) {
        slot.database = std::make_unique<TestDatabase>(backend);
        slot.server =
            std::make_unique<ServerProcess>(MailServerEnvironment(*slot.database, smtp_port));
    }
    return slot;
}

}  // namespace

std::map<std::string, std::string> MailServerEnvironment(
    const TestDatabase& database, int smtp_port
) {
    std::map<std::string, std::string> environment =
        TestEnvironment(Backend::kSqlite).value_or(std::map<std::string, std::string>{});
    environment["DATABASE_URL"] = database.Url();
    environment["SMTP_HOST"] = "127.0.0.1";
    environment["SMTP_PORT"] = std::to_string(smtp_port);
    environment["SMTP_TLS"] = "off";
    environment["SMTP_FROM"] = kFromAddress;
    environment["SMTP_FROM_NAME"] = kFromName;
    environment["FRONTEND_URL"] = kFrontendUrl;
    environment["BCRYPT_ROUNDS"] = "4";
    environment["CODE_RESEND_SECONDS"] = "0";
    return environment;
}

std::string WrongCode(const std::string& code) {
    std::string wrong = std::to_string((std::stoi(code) + 1) % 1000000);
    return std::string(6 - wrong.size(), '0') + wrong;
}

std::string ErrorCode(const HttpResult& result) {
    boost::system::error_code error;
    const json::value body = json::parse(result.body, error);
    if (error || !body.is_object() || !body.as_object().contains("code") ||
        !body.at("code").is_string()) {
        return {};
    }
    return std::string(body.at("code").as_string());
}

void MailTest::SetUp() {
    if (!BackendAvailable(GetParam())) {
        GTEST_SKIP() << "no PostgreSQL (set CLOCKKO_TEST_POSTGRES_URL, or run make test)";
    }
    ports_ = SharedMaildevPorts();
    if (!ports_) {
        if (MaildevRequired()) {
            FAIL() << "CLOCKKO_REQUIRE_MAILDEV=1 but no MailDev: run under scripts/with-maildev.sh";
        }
        GTEST_SKIP() << "no MailDev (run under scripts/with-maildev.sh)";
    }
    mail_ = std::make_unique<MaildevClient>(ports_->web_port);
}

void MailTest::TearDown() {
    // The contract: no code ever appears in an HTTP response.
    for (const std::string& code : codes_) {
        for (const std::string& body : bodies_) {
            EXPECT_EQ(body.find(code), std::string::npos) << "a code in a response: " << body;
        }
    }
}

ServerProcess& MailTest::Server() {
    if (server_ == nullptr) {
        SharedMailServer& shared = SharedMailServerFor(GetParam(), ports_->smtp_port);
        server_ = shared.server.get();
        database_ = shared.database.get();
    }
    return *server_;
}

TestDatabase& MailTest::Database() {
    if (database_ == nullptr) {
        Server();
    }
    return *database_;
}

void MailTest::UseServer(ServerProcess& server, TestDatabase& database) {
    server_ = &server;
    database_ = &database;
}

std::string MailTest::Url(const std::string& path) {
    return Server().BaseUrl() + path;
}

const HttpResult& MailTest::Keep(const HttpResult& result) {
    bodies_.push_back(result.body);
    return result;
}

HttpResult MailTest::Post(const std::string& path, const json::object& body) {
    HttpResult result = PostJson(Url(path), json::serialize(body));
    Keep(result);
    return result;
}

HttpResult MailTest::Register(const std::string& email, const std::string& password) {
    return Post("/api/auth/register", {{"email", email}, {"password", password}});
}

HttpResult MailTest::Login(const std::string& email, const std::string& password) {
    return Post("/api/auth/login", {{"email", email}, {"password", password}});
}

std::string MailTest::Token(const std::string& email, const std::string& password) {
    const HttpResult login = Login(email, password);
    EXPECT_EQ(login.status, 200) << login.body;
    boost::system::error_code error;
    const json::value body = json::parse(login.body, error);
    if (error || !body.is_object() || !body.as_object().contains("access_token")) {
        ADD_FAILURE() << "no token: " << login.body;
        return {};
    }
    return std::string(body.at("access_token").as_string());
}

HttpResult MailTest::CurrentUser(const std::string& token) {
    HttpResult result = Get(Url("/api/auth/user"), {{"Authorization", "Bearer " + token}});
    Keep(result);
    return result;
}

HttpResult MailTest::RequestVerification(const std::string& email) {
    return Post("/api/auth/send-verification-email", {{"email", email}});
}

HttpResult MailTest::Verify(const std::string& email, const std::string& code) {
    return Post("/api/auth/verify-email", {{"email", email}, {"otp", code}});
}

HttpResult MailTest::Forgot(const std::string& email) {
    return Post("/api/auth/forgot-password", {{"email", email}});
}

HttpResult MailTest::Reset(
    const std::string& email, const std::string& code, const std::string& new_password
) {
    return Post(
        "/api/auth/reset-password",
        {{"email", email}, {"otp", code}, {"new_password", new_password}}
    );
}

std::string MailTest::WaitForCode(
    const std::string& email,
    const std::string& subject_part,
    std::size_t nth,
    std::chrono::milliseconds patience
) {
    const auto messages = Mail().WaitForMessages(email, subject_part, nth, patience);
    if (!messages) {
        ADD_FAILURE() << "no mail #" << nth << " '" << subject_part << "' to " << email
                      << " within " << patience.count() << " ms; server output:\n"
                      << Server().Output();
        return {};
    }
    const ReceivedMail& mail = messages->at(nth - 1);
    const std::optional<std::string> code = ExtractCode(mail.text);
    if (!code) {
        ADD_FAILURE() << "no six-digit code in the mail:\n" << mail.text;
        return {};
    }
    Remember(*code);
    return *code;
}

}  // namespace clockko::testing
