#include "mail/smtp/smtp_mailer.hpp"

#include "fake_smtp_server.hpp"
#include "mime_parse.hpp"
#include "test_doubles.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace clockko::mail {
namespace {

using namespace std::chrono_literals;
using testing::FakeSmtpServer;

class SmtpMailerTest : public ::testing::Test {
protected:
    static SmtpSettings Settings(int port, config::SmtpTls tls = config::SmtpTls::kOff) {
        return {
            .host = "127.0.0.1",
            .port = port,
            .from = "noreply@clockko.test",
            .from_name = "ClockKo",
            .tls = tls};
    }

    SendOutcome SendTo(int port, SmtpSettings settings) {
        settings.port = port;
        SmtpMailer mailer(std::move(settings), clock_, random_);
        return mailer.Send(message_);
    }

    /// Whether a command starting with `prefix` reached the server.
    static bool Received(const FakeSmtpServer& server, std::string_view prefix) {
        const auto commands = server.Commands();
        return std::any_of(commands.begin(), commands.end(), [prefix](const std::string& c) {
            return c.rfind(prefix, 0) == 0;
        });
    }

    testing::FakeClock clock_;
    testing::SeededRandom random_{5};
    MailMessage message_{
        .recipient = "ada@example.com",
        .subject = "Welcome – hi",
        .text = "code 482913\n.\nend\n",
        .html = "<p>482913</p>",
    };
};

TEST_F(SmtpMailerTest, DeliversTheMimeMessageWithTheRightEnvelope) {
    FakeSmtpServer server({});
    const SendOutcome outcome = SendTo(server.Port(), Settings(0));
    ASSERT_EQ(outcome.status, SendStatus::kDelivered) << outcome.reason;
    EXPECT_TRUE(Received(server, "EHLO clockko.test"));
    EXPECT_TRUE(Received(server, "MAIL FROM:<noreply@clockko.test>"));  // SIZE= may follow
    EXPECT_TRUE(Received(server, "RCPT TO:<ada@example.com>"));
    EXPECT_FALSE(Received(server, "AUTH")) << "no credentials configured";
    // What arrived is the builder's message; a lone "." line in the text did not end DATA early.
    const auto parsed = testing::ParseMime(server.Data());
    ASSERT_EQ(parsed.parts.size(), 2U);
    EXPECT_EQ(testing::DecodeQuotedPrintable(parsed.parts[0].body), message_.text);
    EXPECT_EQ(testing::DecodeEncodedWords(parsed.headers.at("subject")), message_.subject);
}

TEST_F(SmtpMailerTest, RefusedConnectionIsATemporaryFailure) {
    const SendOutcome outcome = SendTo(testing::ClosedLoopbackPort(), Settings(0));
    EXPECT_EQ(outcome.status, SendStatus::kTemporaryFailure);
    EXPECT_FALSE(outcome.reason.empty());
}

TEST_F(SmtpMailerTest, RecipientRejectedWith5xxIsPermanent) {
    FakeSmtpServer server({.rcpt = "550 5.1.1 no such mailbox\r\n"});
    const SendOutcome outcome = SendTo(server.Port(), Settings(0));
    EXPECT_EQ(outcome.status, SendStatus::kPermanentFailure) << outcome.reason;
    EXPECT_NE(outcome.reason.find("550"), std::string::npos) << outcome.reason;
}

TEST_F(SmtpMailerTest, Answer4xxIsTemporary) {
    FakeSmtpServer server({.rcpt = "451 4.3.0 try again later\r\n"});
    const SendOutcome outcome = SendTo(server.Port(), Settings(0));
    EXPECT_EQ(outcome.status, SendStatus::kTemporaryFailure) << outcome.reason;
    EXPECT_NE(outcome.reason.find("451"), std::string::npos) << outcome.reason;
}

TEST_F(SmtpMailerTest, MessageRejectedAfterDataIsPermanent) {
    FakeSmtpServer server({.data_end = "554 5.6.0 message rejected\r\n"});
    const SendOutcome outcome = SendTo(server.Port(), Settings(0));
    EXPECT_EQ(outcome.status, SendStatus::kPermanentFailure) << outcome.reason;
}

TEST_F(SmtpMailerTest, BadCredentialsAreTemporarySoMailSurvivesAConfigurationFix) {
    FakeSmtpServer server({
        .ehlo = "250-fake.test\r\n250 AUTH PLAIN LOGIN\r\n",
        .auth = "535 5.7.8 Authentication credentials invalid\r\n",
    });
    SmtpSettings settings = Settings(0);
    settings.user = "AKIAEXAMPLE";
    settings.password = "wrong";
    const SendOutcome outcome = SendTo(server.Port(), settings);
    EXPECT_EQ(outcome.status, SendStatus::kTemporaryFailure) << outcome.reason;
    EXPECT_TRUE(Received(server, "AUTH"));
    EXPECT_FALSE(Received(server, "MAIL")) << "no mail without a login";
    EXPECT_EQ(outcome.reason.find("wrong"), std::string::npos) << "no password in the reason";
}

TEST_F(SmtpMailerTest, StartTlsModeNeverFallsBackToPlainText) {
    FakeSmtpServer server({});  // does not offer STARTTLS and refuses it
    const SendOutcome outcome = SendTo(server.Port(), Settings(0, config::SmtpTls::kStartTls));
    EXPECT_EQ(outcome.status, SendStatus::kTemporaryFailure) << outcome.reason;
    EXPECT_FALSE(Received(server, "MAIL")) << "the envelope went out unencrypted";
    EXPECT_FALSE(Received(server, "AUTH"));
}

TEST_F(SmtpMailerTest, SilentServerTimesOutAsATemporaryFailure) {
    FakeSmtpServer server({.silent = true});
    SmtpSettings settings = Settings(0);
    settings.transfer_timeout = 500ms;
    const auto started = std::chrono::steady_clock::now();
    const SendOutcome outcome = SendTo(server.Port(), settings);
    EXPECT_EQ(outcome.status, SendStatus::kTemporaryFailure) << outcome.reason;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(SmtpMailerTest, HeaderInjectionIsRefusedBeforeConnecting) {
    FakeSmtpServer server({});
    message_.recipient = "ada@example.com>\r\nRCPT TO:<victim@example.com";
    EXPECT_EQ(SendTo(server.Port(), Settings(0)).status, SendStatus::kPermanentFailure);
    message_.recipient = "ada@example.com";
    message_.subject = "hi\r\nBcc: victim@example.com";
    EXPECT_EQ(SendTo(server.Port(), Settings(0)).status, SendStatus::kPermanentFailure);
    EXPECT_TRUE(server.Commands().empty());
}

TEST(SmtpSettings, ValidationNamesTheVariable) {
    SmtpSettings settings{
        .host = "",
        .port = 0,
        .user = "u",
        .password = "",
        .from = "not an address",
        .from_name = "a\nb"};
    const auto problems = ValidateSmtpSettings(settings);
    const auto mentions = [&](std::string_view name) {
        return std::any_of(problems.begin(), problems.end(), [name](const std::string& p) {
            return p.find(name) != std::string::npos;
        });
    };
    EXPECT_TRUE(mentions("SMTP_HOST"));
    EXPECT_TRUE(mentions("SMTP_PORT"));
    EXPECT_TRUE(mentions("SMTP_FROM "));
    EXPECT_TRUE(mentions("SMTP_FROM_NAME"));
    EXPECT_TRUE(mentions("SMTP_PASSWORD"));
    const SmtpSettings ses{
        .host = "email-smtp.eu-west-1.amazonaws.com",
        .port = 587,
        .user = "AKIA",
        .password = "secret",
        .from = "noreply@clockko.app",
        .from_name = "ClockKo"};
    EXPECT_TRUE(ValidateSmtpSettings(ses).empty());
}

TEST(SmtpSettings, UrlsForEachTlsMode) {
    testing::FakeClock clock;
    testing::SeededRandom random(1);
    SmtpSettings settings{.host = "smtp.gmail.com", .port = 587, .from = "team@clockko.app"};
    EXPECT_EQ(SmtpMailer(settings, clock, random).Url(), "smtp://smtp.gmail.com:587/clockko.app");
    settings.tls = config::SmtpTls::kImplicitTls;
    settings.port = 465;
    EXPECT_EQ(SmtpMailer(settings, clock, random).Url(), "smtps://smtp.gmail.com:465/clockko.app");
    settings.host = "::1";
    settings.tls = config::SmtpTls::kOff;
    EXPECT_EQ(SmtpMailer(settings, clock, random).Url(), "smtp://[::1]:465/clockko.app");
    settings.host = "";
    EXPECT_THROW(SmtpMailer(settings, clock, random), std::invalid_argument);
}

TEST(SmtpSettings, LoopbackHosts) {
    for (const std::string_view host : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
        EXPECT_TRUE(IsLoopbackHost(host)) << host;
    }
    for (const std::string_view host :
         {"", "10.0.0.1", "128.0.0.1", "smtp.gmail.com", "localhost.evil.test", "::2", "0.0.0.0"}) {
        EXPECT_FALSE(IsLoopbackHost(host)) << host;
    }
}

}  // namespace
}  // namespace clockko::mail
