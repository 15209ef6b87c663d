// The verification and password-reset flows end to end: the real binary sends real mail to a
// real MailDev, the test reads the codes from MailDev's REST API. On SQLite and PostgreSQL.
#include "mail_fixture.hpp"
#include "raw_message.hpp"

#include <ctime>
#include <regex>

namespace clockko::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

/// The contract's success body of the code endpoints: {"detail", "message"}, both strings.
void ExpectCodeEndpointSuccess(const HttpResult& result) {
    EXPECT_EQ(result.status, 200) << result.body;
    const json::value body = ParseJson(result.body);
    ASSERT_TRUE(body.is_object()) << result.body;
    const json::object& object = body.as_object();
    ASSERT_TRUE(object.contains("detail")) << result.body;
    ASSERT_TRUE(object.contains("message")) << result.body;
    EXPECT_TRUE(object.at("detail").is_string()) << result.body;
    EXPECT_TRUE(object.at("message").is_string()) << result.body;
    EXPECT_FALSE(object.contains("code")) << "a success body has no error code: " << result.body;
}

bool Flag(const HttpResult& user, const char* name) {
    const json::value body = ParseJson(user.body);
    EXPECT_TRUE(body.is_object() && body.as_object().contains(name)) << user.body;
    return body.is_object() && body.as_object().contains(name) && body.at(name).is_bool() &&
           body.at(name).as_bool();
}

std::string UrlEncode(const std::string& text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(c);
        } else {
            constexpr std::string_view kHex = "0123456789ABCDEF";
            out.push_back('%');
            out.push_back(kHex[byte >> 4U]);
            out.push_back(kHex[byte & 0x0FU]);
        }
    }
    return out;
}

/// Seconds since the epoch of an RFC 5322 date such as "Mon, 01 Jan 2024 10:00:00 +0000";
/// nullopt when it is not in that form.
std::optional<std::time_t> ParseRfc5322(const std::string& date) {
    static const std::regex shape(
        R"(^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$)"
    );
    if (!std::regex_match(date, shape)) {
        return std::nullopt;
    }
    std::tm parts{};
    const char* end = strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S %z", &parts);
    if (end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    const long offset = parts.tm_gmtoff;
    return timegm(&parts) - offset;
}

class MailFlow : public MailTest {};

TEST_P(MailFlow, RegistrationMailsAWelcomeCodeThatVerifiesTheEmail) {
    const std::string email = UniqueEmail("welcome");
    const HttpResult registered = Register(email);
    ASSERT_EQ(registered.status, 201) << registered.body;
    const std::string token = Token(email, "Password123");
    const HttpResult before = CurrentUser(token);
    ASSERT_EQ(before.status, 200) << before.body;
    EXPECT_FALSE(Flag(before, "is_verified"));
    EXPECT_FALSE(Flag(before, "otp_verified"));

    const std::string code = WaitForCode(email, kWelcomeSubject);
    ASSERT_FALSE(code.empty());
    ExpectCodeEndpointSuccess(Verify(email, code));

    const HttpResult after = CurrentUser(token);
    ASSERT_EQ(after.status, 200) << after.body;
    EXPECT_TRUE(Flag(after, "is_verified")) << after.body;
    EXPECT_TRUE(Flag(after, "otp_verified")) << after.body;
}

TEST_P(MailFlow, ANewVerificationCodeVoidsTheWelcomeCode) {
    const std::string email = UniqueEmail("resend");
    ASSERT_EQ(Register(email).status, 201);
    const std::string welcome = WaitForCode(email, kWelcomeSubject);
    ASSERT_FALSE(welcome.empty());

    // Two codes are equal once in a million: then ask once more, so the check below means
    // something.
    std::string fresh;
    for (std::size_t nth = 1; nth <= 3 && (fresh.empty() || fresh == welcome); ++nth) {
        ExpectCodeEndpointSuccess(RequestVerification(email));
        fresh = WaitForCode(email, kVerifySubject, nth);
        ASSERT_FALSE(fresh.empty());
    }
    ASSERT_NE(fresh, welcome);

    ExpectErrorBody(Verify(email, welcome), 400, "invalid_otp");
    ExpectCodeEndpointSuccess(Verify(email, fresh));
    EXPECT_TRUE(Flag(CurrentUser(Token(email, "Password123")), "is_verified"));
}

TEST_P(MailFlow, VerificationRequestsForVerifiedOrUnknownAccountsMailNothing) {
    const std::string verified = UniqueEmail("verified");
    const std::string unverified = UniqueEmail("unverified");
    const std::string unknown = UniqueEmail("nobody");
    ASSERT_EQ(Register(verified).status, 201);
    ASSERT_EQ(Register(unverified).status, 201);
    const std::string code = WaitForCode(verified, kWelcomeSubject);
    ASSERT_FALSE(code.empty());
    ExpectCodeEndpointSuccess(Verify(verified, code));

    const HttpResult for_verified = RequestVerification(verified);
    const HttpResult for_unknown = RequestVerification(unknown);
    const HttpResult for_unverified = RequestVerification(unverified);
    ExpectCodeEndpointSuccess(for_verified);
    EXPECT_EQ(for_verified.body, for_unverified.body);
    EXPECT_EQ(for_unknown.body, for_unverified.body);

    // A bounded wait: the worker sends within about a second of the request.
    EXPECT_EQ(Mail().MostMessagesDuring(verified, 2500ms), 1U) << "only the welcome mail";
    EXPECT_TRUE(Mail().MessagesTo(unknown).empty());
    // The control: the request made at the same moment for the unverified account was mailed.
    EXPECT_FALSE(WaitForCode(unverified, kVerifySubject).empty());
}

TEST_P(MailFlow, AResetCodeSetsANewPasswordAndEndsEveryEarlierToken) {
    const std::string email = UniqueEmail("reset");
    ASSERT_EQ(Register(email).status, 201);
    const std::string old_token = Token(email, "Password123");
    ASSERT_EQ(CurrentUser(old_token).status, 200);
    EXPECT_FALSE(WaitForCode(email, kWelcomeSubject).empty());  // kept for the TearDown check

    ExpectCodeEndpointSuccess(Forgot(email));
    const std::string code = WaitForCode(email, kResetSubject);
    ASSERT_FALSE(code.empty());
    ExpectCodeEndpointSuccess(Reset(email, code, "NewPassword456"));

    ExpectErrorBody(Login(email, "Password123"), 401, "invalid_credentials");
    const std::string new_token = Token(email, "NewPassword456");
    const HttpResult old_answer = CurrentUser(old_token);
    ExpectErrorBody(old_answer, 401, "invalid_token");
    EXPECT_EQ(old_answer.Header("www-authenticate").rfind("Bearer", 0), 0U);

    const HttpResult me = CurrentUser(new_token);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_TRUE(Flag(me, "is_verified")) << "a reset proves the mailbox: " << me.body;
    EXPECT_TRUE(Flag(me, "otp_verified")) << me.body;

    const auto changed = Mail().WaitForMessages(email, kPasswordChangedSubject, 1);
    ASSERT_TRUE(changed) << "no 'password changed' mail; server output:\n" << Server().Output();
    EXPECT_NE(changed->front().text.find(kFrontendUrl), std::string::npos) << changed->front().text;
}

class MailMessage : public MailTest {};

TEST_P(MailMessage, TheWelcomeMailArrivesAsMultipartUtf8WithEveryHeader) {
    const std::string email = UniqueEmail("structure");
    const std::time_t before = std::time(nullptr);
    ASSERT_EQ(Register(email).status, 201);
    const auto messages = Mail().WaitForMessages(email, kWelcomeSubject, 1);
    ASSERT_TRUE(messages) << "no welcome mail; server output:\n" << Server().Output();
    const ReceivedMail& mail = messages->front();

    // As MailDev decoded it.
    EXPECT_EQ(mail.subject, "Welcome to ClockKo \xE2\x80\x93 please verify your email");
    EXPECT_EQ(mail.from_name, kFromName);
    EXPECT_EQ(mail.from_address, kFromAddress);
    EXPECT_EQ(mail.to, std::vector<std::string>{email});
    const std::optional<std::string> code = ExtractCode(mail.text);
    ASSERT_TRUE(code) << mail.text;
    Remember(*code);
    EXPECT_NE(mail.html.find(*code), std::string::npos) << "the code is in the HTML part too";
    EXPECT_NE(mail.text.find("10 minutes"), std::string::npos) << "the expiry is stated";
    const std::string link = std::string(kFrontendUrl) + "/verify-email?email=" + UrlEncode(email);
    EXPECT_NE(mail.text.find(link), std::string::npos) << mail.text;
    EXPECT_NE(mail.html.find("href=\"" + link + "\""), std::string::npos) << mail.html;

    // As it went over the wire.
    const std::optional<std::string> source = Mail().Source(mail.id);
    ASSERT_TRUE(source) << "MailDev gave no source for " << mail.id;
    for (std::size_t i = 0; i < source->size(); ++i) {
        ASSERT_TRUE((*source)[i] != '\n' || (i > 0 && (*source)[i - 1] == '\r'))
            << "a bare LF at byte " << i;
        ASSERT_LT(static_cast<unsigned char>((*source)[i]), 0x80U) << "8-bit byte at " << i;
    }
    const RawMessage raw = ParseRawMessage(*source);
    const auto header = [&raw](const char* name) {
        const auto it = raw.headers.find(name);
        return it == raw.headers.end() ? std::string{} : it->second;
    };
    EXPECT_EQ(header("content-type").rfind("multipart/alternative;", 0), 0U) << *source;
    EXPECT_EQ(header("mime-version"), "1.0");
    EXPECT_EQ(header("to"), email);
    EXPECT_EQ(header("subject").rfind("=?UTF-8?", 0), 0U) << "RFC 2047: " << header("subject");
    EXPECT_EQ(header("from").rfind("=?UTF-8?", 0), 0U) << header("from");
    EXPECT_TRUE(header("from").ends_with(std::string(" <") + kFromAddress + ">")) << header("from");
    EXPECT_TRUE(
        std::regex_match(header("message-id"), std::regex(R"(<[A-Za-z0-9.]+@clockko\.test>)"))
    ) << header("message-id");
    const std::optional<std::time_t> date = ParseRfc5322(header("date"));
    ASSERT_TRUE(date) << header("date");
    EXPECT_GE(*date, before - 2);
    EXPECT_LE(*date, std::time(nullptr) + 2);

    ASSERT_EQ(raw.parts.size(), 2U) << *source;
    const auto part_header = [](const RawMessage::Part& part, const char* name) {
        const auto it = part.headers.find(name);
        return it == part.headers.end() ? std::string{} : it->second;
    };
    EXPECT_EQ(part_header(raw.parts[0], "content-type"), "text/plain; charset=UTF-8");
    EXPECT_EQ(part_header(raw.parts[1], "content-type"), "text/html; charset=UTF-8");
    const std::string text = DecodeQuotedPrintable(raw.parts[0].body);
    const std::string html = DecodeQuotedPrintable(raw.parts[1].body);
    EXPECT_NE(text.find("\r\n    " + *code + "\r\n"), std::string::npos) << text;
    EXPECT_NE(html.find(*code), std::string::npos);
    EXPECT_NE(text.find(link), std::string::npos);
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(MailFlow);
CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(MailMessage);

}  // namespace
}  // namespace clockko::testing
