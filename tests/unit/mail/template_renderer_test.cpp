#include "mail/template_renderer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace clockko::mail {
namespace {

MailRenderer Renderer() {
    return MailRenderer(RenderSettings{.frontend_url = "https://app.clockko.test/"});
}

store::OutgoingMail Mail(std::string template_name, std::string parameters) {
    return {
        .recipient = "a+b@example.com",
        .template_name = std::move(template_name),
        .parameters_json = std::move(parameters)};
}

bool Contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

bool IsAscii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80;
    });
}

constexpr std::string_view kCodeParameters =
    R"({"code":"482913","name":"Ada","username":"ada","expires_minutes":10,"email":"a+b@example.com"})";

TEST(MailTemplates, TheFourTemplatesAreCompiledIn) {
    auto names = TemplateNames();
    std::sort(names.begin(), names.end());
    const std::vector<std::string_view> expected{
        "password_changed", "reset_code", "verify_code", "welcome"};
    EXPECT_EQ(names, expected);
}

TEST(MailTemplates, CodeMailsShowTheCodeTheExpiryAndALinkButKeepTheCodeOutOfTheSubject) {
    for (const std::string name : {"welcome", "verify_code", "reset_code"}) {
        SCOPED_TRACE(name);
        const auto message = Renderer().Render(Mail(name, std::string(kCodeParameters)));
        ASSERT_TRUE(message) << message.error().log;
        EXPECT_EQ(message->recipient, "a+b@example.com");
        EXPECT_FALSE(Contains(message->subject, "482913"));
        for (const std::string* part : {&message->text, &message->html}) {
            EXPECT_TRUE(Contains(*part, "482913"));
            EXPECT_TRUE(Contains(*part, "10 minutes"));
            EXPECT_TRUE(Contains(*part, "Ada"));
            EXPECT_TRUE(Contains(*part, "https://app.clockko.test/"));
            EXPECT_TRUE(Contains(*part, "email=a%2Bb%40example.com"))
                << "email percent-encoded in the link";
            EXPECT_FALSE(Contains(*part, "{{")) << "no placeholder left";
        }
    }
}

TEST(MailTemplates, LinksGoToThePageOfTheFlow) {
    const auto welcome = Renderer().Render(Mail("welcome", std::string(kCodeParameters)));
    const auto reset = Renderer().Render(Mail("reset_code", std::string(kCodeParameters)));
    ASSERT_TRUE(welcome && reset);
    EXPECT_TRUE(
        Contains(welcome->text, "https://app.clockko.test/verify-email?email=a%2Bb%40example.com")
    );
    EXPECT_TRUE(
        Contains(reset->text, "https://app.clockko.test/reset-password?email=a%2Bb%40example.com")
    );
    EXPECT_TRUE(Contains(
        reset->html, R"(href="https://app.clockko.test/reset-password?email=a%2Bb%40example.com")"
    ));
}

TEST(MailTemplates, PasswordChangedNeedsNoCode) {
    const auto message =
        Renderer().Render(Mail("password_changed", R"({"name":"Ada","email":"a+b@example.com"})"));
    ASSERT_TRUE(message) << message.error().log;
    EXPECT_TRUE(Contains(message->text, "a+b@example.com"));
    EXPECT_TRUE(Contains(message->text, "https://app.clockko.test/forgot-password"));
}

TEST(MailTemplates, AtLeastOneSubjectIsNonAsciiUtf8) {
    bool found = false;
    for (const std::string_view name : TemplateNames()) {
        const auto message =
            Renderer().Render(Mail(std::string(name), std::string(kCodeParameters)));
        ASSERT_TRUE(message) << message.error().log;
        EXPECT_FALSE(message->subject.empty());
        EXPECT_EQ(message->subject.find_first_of("\r\n"), std::string::npos);
        found = found || !IsAscii(message->subject);
    }
    EXPECT_TRUE(found) << "the RFC 2047 path must be exercised by a real subject";
}

TEST(MailTemplates, HtmlPartEscapesParametersAndTextPartKeepsThem) {
    const auto message = Renderer().Render(Mail(
        "verify_code",
        R"({"code":"111111","name":"<script>alert('x')</script> & \"Co\"","expires_minutes":5})"
    ));
    ASSERT_TRUE(message) << message.error().log;
    EXPECT_FALSE(Contains(message->html, "<script>"));
    EXPECT_TRUE(Contains(
        message->html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;"
    ));
    EXPECT_TRUE(Contains(message->text, "<script>alert('x')</script> & \"Co\""));
}

TEST(MailTemplates, MissingParameterFailsAndNamesOnlyTheKey) {
    const auto message =
        Renderer().Render(Mail("welcome", R"({"name":"Ada","expires_minutes":10})"));
    ASSERT_FALSE(message);
    EXPECT_TRUE(Contains(message.error().log, "'code'"));
    EXPECT_TRUE(Contains(message.error().log, "welcome"));
    EXPECT_FALSE(Contains(message.error().log, "Ada"));
}

TEST(MailTemplates, UnknownTemplateFails) {
    const auto message = Renderer().Render(Mail("no_such_template", "{}"));
    ASSERT_FALSE(message);
    EXPECT_TRUE(Contains(message.error().log, "no_such_template"));
}

TEST(MailTemplates, ParametersMustBeAJsonObjectOfStringsAndIntegers) {
    for (const std::string bad :
         {"", "not json", "[1,2]", R"({"code":true})", R"({"code":{"x":1}})", R"({"code":1.5})"}) {
        SCOPED_TRACE(bad);
        EXPECT_FALSE(Renderer().Render(Mail("welcome", bad)));
    }
}

TEST(MailTemplates, NameFallsBackToUsernameAndEmailToTheRecipient) {
    const auto message = Renderer().Render(
        Mail("verify_code", R"({"code":"123456","username":"ada_l","expires_minutes":10})")
    );
    ASSERT_TRUE(message) << message.error().log;
    EXPECT_TRUE(Contains(message->text, "Hello ada_l,"));
    EXPECT_TRUE(Contains(message->text, "email=a%2Bb%40example.com"));
}

TEST(MailTemplates, FrontendUrlComesFromTheSettingsNotTheParameters) {
    const auto message = Renderer().Render(Mail(
        "verify_code",
        R"({"code":"123456","name":"A","expires_minutes":10,"frontend_url":"https://evil.test"})"
    ));
    ASSERT_TRUE(message);
    EXPECT_FALSE(Contains(message->text, "evil.test"));
    EXPECT_TRUE(Contains(message->text, "https://app.clockko.test/verify-email"));
}

TEST(ExpandTemplate, SubstitutesFiltersAndEscapes) {
    const TemplateParameters parameters{{"a", "x&y"}, {"b", "é /?"}};
    EXPECT_EQ(
        ExpandTemplate("[{{a}}] {{b|url}}", parameters, Escaping::kNone).value(),
        "[x&y] %C3%A9%20%2F%3F"
    );
    EXPECT_EQ(
        ExpandTemplate("<p>{{a}}</p>", parameters, Escaping::kHtml).value(), "<p>x&amp;y</p>"
    );
    EXPECT_EQ(
        ExpandTemplate("no placeholders", parameters, Escaping::kHtml).value(), "no placeholders"
    );
    EXPECT_EQ(ExpandTemplate("{{a}}{{a}}", parameters, Escaping::kNone).value(), "x&yx&y");
}

TEST(ExpandTemplate, RejectsMalformedPlaceholders) {
    const TemplateParameters parameters{{"a", "1"}};
    EXPECT_FALSE(ExpandTemplate("{{a", parameters, Escaping::kNone));
    EXPECT_FALSE(ExpandTemplate("{{a|upper}}", parameters, Escaping::kNone));
    EXPECT_FALSE(ExpandTemplate("{{missing}}", parameters, Escaping::kNone));
}

TEST(PercentEncode, KeepsOnlyUnreservedCharacters) {
    EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
    EXPECT_EQ(PercentEncode("a b+c@d&e=f"), "a%20b%2Bc%40d%26e%3Df");
}

}  // namespace
}  // namespace clockko::mail
