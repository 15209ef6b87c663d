#include "mail/mime_builder.hpp"

#include "core/time_format.hpp"
#include "mime_parse.hpp"
#include "test_doubles.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clockko::mail {
namespace {

using testing::CrlfLines;
using testing::DecodeEncodedWords;
using testing::DecodeQuotedPrintable;
using testing::ParseMime;

constexpr core::TimePoint kDate{std::chrono::seconds{1'796'000'000}};

MimeOptions Options() {
    return {
        .from_address = "noreply@clockko.test",
        .from_name = "ClockKo",
        .date = kDate,
        .unique = "0123456789abcdef"};
}

MailMessage Message() {
    return {
        .recipient = "ada@example.com",
        .subject = "Welcome to ClockKo – please verify your email",
        .text =
            "Hello Ada,\n\n    482913\n\nLinks: "
            "https://app.clockko.test/verify-email?email=ada%40example.com\n",
        .html =
            "<p>Hello <b>Ada</b> — your code is <span style=\"font-size:32px\">482913</span></p>\n",
    };
}

std::string Build(const MailMessage& message, const MimeOptions& options = Options()) {
    auto built = BuildMimeMessage(message, options);
    if (!built) {
        ADD_FAILURE() << built.error().log;
        return {};
    }
    return *built;
}

TEST(MimeBuilder, WritesTheHeadersAMailClientNeeds) {
    const auto parsed = ParseMime(Build(Message()));
    EXPECT_EQ(parsed.headers.at("date"), core::FormatRfc5322(kDate));
    EXPECT_EQ(parsed.headers.at("from"), "\"ClockKo\" <noreply@clockko.test>");
    EXPECT_EQ(parsed.headers.at("to"), "ada@example.com");
    EXPECT_EQ(parsed.headers.at("message-id"), "<0123456789abcdef@clockko.test>");
    EXPECT_EQ(parsed.headers.at("mime-version"), "1.0");
    EXPECT_EQ(parsed.headers.at("content-type").rfind("multipart/alternative;", 0), 0U);
}

TEST(MimeBuilder, IsMultipartAlternativeWithPlainTextThenHtmlInUtf8) {
    const MailMessage message = Message();
    const auto parsed = ParseMime(Build(message));
    ASSERT_EQ(parsed.parts.size(), 2U);
    EXPECT_EQ(parsed.parts[0].headers.at("content-type"), "text/plain; charset=UTF-8");
    EXPECT_EQ(parsed.parts[1].headers.at("content-type"), "text/html; charset=UTF-8");
    for (const auto& part : parsed.parts) {
        EXPECT_EQ(part.headers.at("content-transfer-encoding"), "quoted-printable");
    }
    // The CRLF before a boundary belongs to the boundary (RFC 2046), so the parts decode exactly.
    EXPECT_EQ(DecodeQuotedPrintable(parsed.parts[0].body), message.text);
    EXPECT_EQ(DecodeQuotedPrintable(parsed.parts[1].body), message.html);
}

TEST(MimeBuilder, EncodesANonAsciiSubjectAsRfc2047) {
    const auto parsed = ParseMime(Build(Message()));
    const std::string& subject = parsed.headers.at("subject");
    EXPECT_EQ(subject.rfind("=?UTF-8?B?", 0), 0U);
    EXPECT_EQ(DecodeEncodedWords(subject), Message().subject);
}

TEST(MimeBuilder, KeepsAShortAsciiSubjectReadable) {
    MailMessage message = Message();
    message.subject = "Your ClockKo verification code";
    EXPECT_EQ(ParseMime(Build(message)).headers.at("subject"), "Your ClockKo verification code");
}

TEST(MimeBuilder, SplitsALongSubjectOnlyBetweenWholeCharacters) {
    MailMessage message = Message();
    message.subject.clear();
    for (int i = 0; i < 20; ++i) {
        message.subject += "Zeitüberschreitung – 時間切れ ";
    }
    const std::string raw = Build(message);
    std::vector<std::string> words;
    EXPECT_EQ(DecodeEncodedWords(ParseMime(raw).headers.at("subject"), &words), message.subject);
    ASSERT_GT(words.size(), 3U);
    for (const std::string& word : words) {
        ASSERT_FALSE(word.empty());
        EXPECT_NE(static_cast<unsigned char>(word.front()) & 0xC0U, 0x80U)
            << "a word starts mid-character";
    }
}

TEST(MimeBuilder, EncodesANonAsciiSenderNameAndQuotesAnAsciiOne) {
    MimeOptions options = Options();
    options.from_name = "ClockKo – Équipe";
    const auto from = ParseMime(Build(Message(), options)).headers.at("from");
    EXPECT_EQ(DecodeEncodedWords(from), "ClockKo – Équipe <noreply@clockko.test>");

    options.from_name = R"(Clock "K" \o)";
    EXPECT_EQ(
        ParseMime(Build(Message(), options)).headers.at("from"),
        R"("Clock \"K\" \\o" <noreply@clockko.test>)"
    );

    options.from_name.clear();
    EXPECT_EQ(ParseMime(Build(Message(), options)).headers.at("from"), "noreply@clockko.test");
}

TEST(MimeBuilder, EveryLineEndsWithCrlfAndFitsTheLimits) {
    MailMessage message = Message();
    message.text = std::string(300, 'x') + "\n" + std::string(200, 'y') +
                   " \n.leading dot\r\ntab\t\n" + "ünïcödé ✓ " + std::string(100, '=') + "\n\n";
    message.html = "<p>" + std::string(500, 'h') + "</p>";
    const std::string raw = Build(message);
    const std::size_t header_end = raw.find("\r\n\r\n");
    bool in_headers = true;
    std::size_t offset = 0;
    for (const std::string& line : CrlfLines(raw)) {
        in_headers = in_headers && offset < header_end;
        EXPECT_LE(line.size(), in_headers ? 78U : 76U) << line;
        EXPECT_TRUE(line.empty() || (line.back() != ' ' && line.back() != '\t'))
            << "trailing white space: " << line;
        EXPECT_NE(line.rfind('.', 0), 0U) << "a line starts with '.'";
        offset += line.size() + 2;
    }
    const auto parsed = ParseMime(raw);
    std::string expected_text = message.text;
    expected_text.replace(expected_text.find("\r\n"), 2, "\n");
    EXPECT_EQ(DecodeQuotedPrintable(parsed.parts[0].body), expected_text);
    EXPECT_EQ(DecodeQuotedPrintable(parsed.parts[1].body), message.html);
}

TEST(MimeBuilder, QuotedPrintableRoundTripsRandomUtf8) {
    testing::SeededRandom random(42);
    for (int round = 0; round < 200; ++round) {
        std::array<std::uint8_t, 300> bytes{};
        random.Fill(bytes);
        std::string text;
        for (const std::uint8_t byte : bytes) {
            // Mostly ASCII with spaces, some line ends and high bytes.
            const std::uint8_t pick = byte % 8;
            text.push_back(
                pick == 0   ? ' '
                : pick == 1 ? '\n'
                : pick == 2 ? static_cast<char>(0x80U | (byte & 0x3FU))
                            : static_cast<char>(0x21 + byte % 94)
            );
        }
        const std::string encoded = EncodeQuotedPrintable(text);
        for (const std::string& line : CrlfLines(encoded)) {
            ASSERT_LE(line.size(), 76U);
        }
        ASSERT_EQ(DecodeQuotedPrintable(encoded), text);
    }
}

TEST(MimeBuilder, RefusesHeaderInjection) {
    const std::vector<std::string> attacks{
        "Hi\r\nBcc: victim@example.com", "Hi\nBcc: x@y", "Hi\rX", std::string("Hi\0X", 4)};
    for (const std::string& bad : attacks) {
        MailMessage message = Message();
        message.subject = bad;
        EXPECT_FALSE(BuildMimeMessage(message, Options()));
        MimeOptions options = Options();
        options.from_name = bad;
        EXPECT_FALSE(BuildMimeMessage(Message(), options));
    }
}

TEST(MimeBuilder, RefusesAddressesThatAreNotPlain) {
    for (const std::string bad :
         {"",
          "ada",
          "@example.com",
          "ada@",
          "a@b@c",
          "ada@example.com\r\nBcc: x@y",
          "ada@example.com>",
          "<ada@example.com",
          "ada lovelace@example.com",
          "adä@example.com",
          "a,b@example.com"}) {
        SCOPED_TRACE(bad);
        MailMessage message = Message();
        message.recipient = bad;
        EXPECT_FALSE(BuildMimeMessage(message, Options()));
        MimeOptions options = Options();
        options.from_address = bad;
        EXPECT_FALSE(BuildMimeMessage(Message(), options));
    }
    EXPECT_TRUE(IsPlainAddress("first.last+tag@sub.example.co.uk"));
}

TEST(MimeBuilder, BoundaryNeverOccursInsideAPart) {
    MailMessage message = Message();
    message.text = "--=_clockko_0123456789abcdef\n--=_clockko_0123456789abcdef--\n";
    const auto parsed = ParseMime(Build(message));
    ASSERT_EQ(parsed.parts.size(), 2U);
    EXPECT_EQ(DecodeQuotedPrintable(parsed.parts[0].body), message.text);
}

TEST(Base64, MatchesRfc4648Vectors) {
    EXPECT_EQ(EncodeBase64(""), "");
    EXPECT_EQ(EncodeBase64("f"), "Zg==");
    EXPECT_EQ(EncodeBase64("fo"), "Zm8=");
    EXPECT_EQ(EncodeBase64("foo"), "Zm9v");
    EXPECT_EQ(EncodeBase64("foob"), "Zm9vYg==");
    EXPECT_EQ(EncodeBase64("fooba"), "Zm9vYmE=");
    EXPECT_EQ(EncodeBase64("foobar"), "Zm9vYmFy");
    EXPECT_EQ(EncodeBase64("\xff\xfe"), "//4=");
}

}  // namespace
}  // namespace clockko::mail
