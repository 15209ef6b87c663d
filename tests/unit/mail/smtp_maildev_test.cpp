// Delivery through a real SMTP server: MailDev, started by scripts/with-maildev.sh, which
// exports CLOCKKO_TEST_MAILDEV_SMTP_PORT and CLOCKKO_TEST_MAILDEV_WEB_PORT. Without them the
// tests skip, unless CLOCKKO_REQUIRE_MAILDEV=1 (as in `make test`), where they fail.

#include "core/random.hpp"
#include "core/time_format.hpp"
#include "mail/smtp/smtp_mailer.hpp"
#include "mail/template_renderer.hpp"
#include "mime_parse.hpp"

#include <boost/json.hpp>

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace clockko::mail {
namespace {

using namespace std::chrono_literals;

struct Maildev {
    int smtp_port = 0;
    std::string web_url;
};

// Read once per test on the main thread, before any other thread exists.
std::optional<Maildev> MaildevFromEnvironment() {
    const char* smtp =
        std::getenv("CLOCKKO_TEST_MAILDEV_SMTP_PORT");  // NOLINT(concurrency-mt-unsafe)
    const char* web =
        std::getenv("CLOCKKO_TEST_MAILDEV_WEB_PORT");  // NOLINT(concurrency-mt-unsafe)
    if (smtp == nullptr || web == nullptr || *smtp == '\0' || *web == '\0') {
        return std::nullopt;
    }
    return Maildev{.smtp_port = std::stoi(smtp), .web_url = std::string("http://127.0.0.1:") + web};
}

bool MaildevRequired() {
    const char* required = std::getenv("CLOCKKO_REQUIRE_MAILDEV");  // NOLINT(concurrency-mt-unsafe)
    return required != nullptr && std::string_view(required) == "1";
}

struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

/// GET over loopback HTTP; nullopt on any transport error or a status other than 200.
std::optional<std::string> HttpGet(const std::string& url) {
    const std::unique_ptr<CURL, EasyDeleter> handle(curl_easy_init());
    if (!handle) {
        return std::nullopt;
    }
    std::string body;
    long status = 0;
    if (curl_easy_setopt(handle.get(), CURLOPT_URL, url.c_str()) != CURLE_OK ||
        curl_easy_setopt(handle.get(), CURLOPT_WRITEFUNCTION, &AppendBody) != CURLE_OK ||
        curl_easy_setopt(handle.get(), CURLOPT_WRITEDATA, &body) != CURLE_OK ||
        curl_easy_setopt(handle.get(), CURLOPT_TIMEOUT_MS, 5000L) != CURLE_OK ||
        curl_easy_setopt(handle.get(), CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
        curl_easy_perform(handle.get()) != CURLE_OK ||
        curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
        status != 200) {
        return std::nullopt;
    }
    return body;
}

/// The message MailDev holds for `recipient`, waiting (bounded) for it to be stored.
std::optional<boost::json::object> FindEmail(
    const Maildev& maildev, const std::string& recipient, std::chrono::milliseconds patience = 10s
) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    do {
        if (const auto body = HttpGet(maildev.web_url + "/api/email")) {
            boost::system::error_code ec;
            const boost::json::value list = boost::json::parse(*body, ec);
            if (!ec && list.is_array()) {
                for (const auto& email : list.as_array()) {
                    const auto* to =
                        email.is_object() ? email.as_object().if_contains("to") : nullptr;
                    if (to != nullptr && to->is_array() && !to->as_array().empty() &&
                        to->as_array()[0].as_object().at("address") == recipient.c_str()) {
                        return email.as_object();
                    }
                }
            }
        }
        // MailDev stores a message a moment after the SMTP transaction ends.
        std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return std::nullopt;
}

std::string Text(const boost::json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

class SmtpMaildev : public ::testing::Test {
protected:
    void SetUp() override {
        maildev_ = MaildevFromEnvironment();
        if (!maildev_) {
            if (MaildevRequired()) {
                FAIL(
                ) << "CLOCKKO_REQUIRE_MAILDEV=1 but no MailDev: run under scripts/with-maildev.sh";
            }
            GTEST_SKIP() << "no MailDev (run under scripts/with-maildev.sh)";
        }
    }

    [[nodiscard]] static SmtpSettings Settings(const Maildev& maildev) {
        return {
            .host = "127.0.0.1",
            .port = maildev.smtp_port,
            .from = "noreply@clockko.test",
            .from_name = "ClockKo Équipe",
            .tls = config::SmtpTls::kOff,
        };
    }

    std::string UniqueRecipient() {
        return "user-" + core::RandomHex(*random_, 6) + "@example.com";
    }

    std::optional<Maildev> maildev_;
    core::SystemClock clock_;
    std::unique_ptr<core::Random> random_ = core::MakeSystemRandom();
    MailRenderer renderer_{RenderSettings{.frontend_url = "http://localhost:3000"}};
};

TEST_F(SmtpMaildev, DeliversAMultipartUtf8MessageThatMaildevDecodes) {
    const Maildev& maildev = *maildev_;
    const std::string recipient = UniqueRecipient();
    const std::string code = std::to_string(100000 + core::UniformBelow(*random_, 900000));
    auto message = renderer_.Render({
        .recipient = recipient,
        .template_name = "welcome",
        .parameters_json = R"({"code":")" + code + R"(","name":"Zoë","expires_minutes":10})",
    });
    ASSERT_TRUE(message) << message.error().log;
    EXPECT_EQ(message->subject.find(code), std::string::npos);

    SmtpMailer mailer(Settings(maildev), clock_, *random_);
    const auto before = std::chrono::floor<std::chrono::seconds>(clock_.Now());
    const SendOutcome outcome = mailer.Send(*message);
    const auto after = clock_.Now();
    ASSERT_EQ(outcome.status, SendStatus::kDelivered) << outcome.reason;

    // What MailDev made of it (its parser decodes the RFC 2047 subject and the parts).
    const auto email = FindEmail(maildev, recipient);
    ASSERT_TRUE(email) << "MailDev did not receive the message";
    EXPECT_EQ(Text(*email, "subject"), message->subject) << "UTF-8 subject decoded by MailDev";
    EXPECT_EQ(Text(*email, "text"), message->text);
    EXPECT_NE(Text(*email, "text").find(code), std::string::npos);
    EXPECT_NE(Text(*email, "html").find(code), std::string::npos);
    EXPECT_NE(Text(*email, "html").find("Zoë"), std::string::npos);
    const auto& from = email->at("from").as_array().at(0).as_object();
    EXPECT_EQ(Text(from, "address"), "noreply@clockko.test");
    EXPECT_EQ(Text(from, "name"), "ClockKo Équipe");
    const auto& headers = email->at("headers").as_object();
    EXPECT_EQ(Text(headers, "mime-version"), "1.0");
    const std::string message_id = Text(headers, "message-id");
    EXPECT_EQ(message_id.rfind('<', 0), 0U) << message_id;
    EXPECT_NE(message_id.find("@clockko.test>"), std::string::npos) << message_id;

    // The raw message as MailDev received it: parse it ourselves.
    const auto source = HttpGet(maildev.web_url + "/api/email/" + Text(*email, "id") + "/source");
    ASSERT_TRUE(source) << "no raw source from MailDev";
    const auto parsed = testing::ParseMime(*source);
    EXPECT_EQ(parsed.headers.at("content-type").rfind("multipart/alternative;", 0), 0U);
    EXPECT_EQ(parsed.headers.at("message-id"), message_id);
    EXPECT_EQ(parsed.headers.at("to"), recipient);
    bool date_ok = false;
    for (auto second = before; second <= after; second += std::chrono::seconds{1}) {
        date_ok = date_ok || parsed.headers.at("date") == core::FormatRfc5322(second);
    }
    EXPECT_TRUE(date_ok) << parsed.headers.at("date");
    ASSERT_EQ(parsed.parts.size(), 2U);
    EXPECT_EQ(parsed.parts[0].headers.at("content-type"), "text/plain; charset=UTF-8");
    EXPECT_EQ(parsed.parts[1].headers.at("content-type"), "text/html; charset=UTF-8");
    EXPECT_EQ(testing::DecodeQuotedPrintable(parsed.parts[0].body), message->text);
    EXPECT_EQ(testing::DecodeEncodedWords(parsed.headers.at("subject")), message->subject);
    for (const std::string& line : testing::CrlfLines(*source)) {
        EXPECT_LE(line.size(), 78U) << line;
    }
}

TEST_F(SmtpMaildev, StartTlsModeRefusesAServerWithoutUsableTlsAndSendsNothing) {
    const Maildev& maildev = *maildev_;
    const std::string refused = UniqueRecipient();
    SmtpSettings settings = Settings(maildev);
    settings.tls = config::SmtpTls::kStartTls;
    auto message = renderer_.Render(
        {.recipient = refused,
         .template_name = "password_changed",
         .parameters_json = R"({"name":"A"})"}
    );
    ASSERT_TRUE(message);
    const SendOutcome outcome = SmtpMailer(settings, clock_, *random_).Send(*message);
    EXPECT_EQ(outcome.status, SendStatus::kTemporaryFailure) << outcome.reason;

    // A plain message sent afterwards arrives; the refused one never does.
    const std::string sentinel = UniqueRecipient();
    message->recipient = sentinel;
    ASSERT_EQ(
        SmtpMailer(Settings(maildev), clock_, *random_).Send(*message).status,
        SendStatus::kDelivered
    );
    ASSERT_TRUE(FindEmail(maildev, sentinel));
    EXPECT_FALSE(FindEmail(maildev, refused, 0ms));
}

}  // namespace
}  // namespace clockko::mail
