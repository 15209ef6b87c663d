#pragma once

#include "fixture.hpp"
#include "maildev_client.hpp"
#include "test_database.hpp"

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clockko::testing {

inline constexpr const char* kFrontendUrl = "https://app.clockko.test";
inline constexpr const char* kFromAddress = "no-reply@clockko.test";
/// Not plain ASCII on purpose: the From header must carry it RFC 2047-encoded.
inline constexpr const char* kFromName = "ClockKo Équipe";

/// Parts of the subjects of the four templates (src/mail/templates/*.subject.txt).
inline constexpr const char* kWelcomeSubject = "Welcome to ClockKo";
inline constexpr const char* kVerifySubject = "Your ClockKo verification code";
inline constexpr const char* kResetSubject = "Reset your ClockKo password";
inline constexpr const char* kPasswordChangedSubject = "your password was changed";

/// The environment of a test server on `database` that mails through plain SMTP to
/// 127.0.0.1:smtp_port, with the code-resend throttle off.
std::map<std::string, std::string> MailServerEnvironment(
    const TestDatabase& database, int smtp_port
);

/// Tests of the mail flows through the real binary and a real MailDev, on every backend. Each
/// test process has one server per backend (on a database of its own) mailing to the shared
/// MailDev. Every HTTP response a test receives through these helpers is kept, and TearDown
/// fails the test if any of them contains a code read from a mail.
class MailTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override;
    void TearDown() override;

    /// The shared MailDev (valid after SetUp).
    [[nodiscard]] const MaildevClient& Mail() const { return *mail_; }

    [[nodiscard]] const MaildevPorts& SharedPorts() const { return *ports_; }

    /// The server the helpers talk to: this process's shared one for the backend (started on
    /// first use), or the one given to UseServer.
    ServerProcess& Server();
    /// The database of Server().
    TestDatabase& Database();
    /// Talk to another server (a test's own, for delivery tests) from now on.
    void UseServer(ServerProcess& server, TestDatabase& database);

    [[nodiscard]] std::string Url(const std::string& path);
    HttpResult Post(const std::string& path, const boost::json::object& body);
    HttpResult Register(const std::string& email, const std::string& password = "Password123");
    HttpResult Login(const std::string& email, const std::string& password);
    /// Logs in and returns the access token (a failure and "" when the login fails).
    std::string Token(const std::string& email, const std::string& password);
    HttpResult CurrentUser(const std::string& token);
    HttpResult RequestVerification(const std::string& email);
    HttpResult Verify(const std::string& email, const std::string& code);
    HttpResult Forgot(const std::string& email);
    HttpResult Reset(
        const std::string& email, const std::string& code, const std::string& new_password
    );

    /// Waits for the `nth` mail to `email` whose subject contains `subject_part` and returns
    /// the code in it (remembered for the TearDown check); fails the test and returns "" when
    /// none arrives in time.
    std::string WaitForCode(
        const std::string& email,
        const std::string& subject_part,
        std::size_t nth = 1,
        std::chrono::milliseconds patience = std::chrono::seconds{20}
    );

    /// Keeps a code for the TearDown check.
    void Remember(const std::string& code) { codes_.push_back(code); }

    /// Keeps a response for the TearDown check (helpers above do it themselves).
    const HttpResult& Keep(const HttpResult& result);

private:
    std::optional<MaildevPorts> ports_;
    std::unique_ptr<MaildevClient> mail_;
    ServerProcess* server_ = nullptr;
    TestDatabase* database_ = nullptr;
    std::vector<std::string> bodies_;
    std::vector<std::string> codes_;
};

/// A six-digit code other than `code`.
std::string WrongCode(const std::string& code);

/// The "code" member of a JSON error body ("" when there is none).
std::string ErrorCode(const HttpResult& result);

}  // namespace clockko::testing
