#include "mail/mime_builder.hpp"

#include "core/time_format.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace clockko::mail {
namespace {

constexpr std::size_t kMaxHeaderLine = 78;
constexpr std::size_t kMaxBodyLine = 76;
// 36 bytes give 48 base64 characters: "Subject: " plus one 60-character word stays in 78 columns.
constexpr std::size_t kEncodedWordBytes = 36;
constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kHexDigits = "0123456789ABCDEF";

core::Error MimeError(std::string log) {
    core::Error error = core::MakeError(core::ErrorCode::kInternal, "mail could not be built");
    error.log = std::move(log);
    return error;
}

bool IsPrintableAscii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

bool HasLineBreakOrNul(std::string_view text) {
    return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool IsUtf8Continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

void AppendHexEscape(std::string& out, unsigned char byte) {
    out.push_back('=');
    out.push_back(kHexDigits[byte >> 4U]);
    out.push_back(kHexDigits[byte & 0x0FU]);
}

// One line (without its line end) of quoted-printable, with soft breaks past 76 columns.
void AppendQuotedPrintableLine(std::string& out, std::string_view line) {
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto byte = static_cast<unsigned char>(line[i]);
        const bool last = i + 1 == line.size();
        const bool white = byte == ' ' || byte == '\t';
        // A '.' opening a line is encoded too, so no relay can mistake it for the end of DATA.
        const bool literal =
            (byte >= 33 && byte <= 126 && byte != '=' && !(byte == '.' && column == 0)) ||
            (white && !last);
        const std::size_t width = literal ? 1 : 3;
        // Keep one column for the '=' of a soft break.
        if (column + width > kMaxBodyLine - 1) {
            out.append("=").append(kCrlf);
            column = 0;
        }
        if (literal) {
            out.push_back(static_cast<char>(byte));
        } else {
            AppendHexEscape(out, byte);
        }
        column += width;
    }
}

std::string QuotedDisplayName(std::string_view name) {
    std::string out = "\"";
    for (const char c : name) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string FromHeader(const MimeOptions& options) {
    if (options.from_name.empty()) {
        return options.from_address;
    }
    const std::string_view header_name = "From: ";
    std::string phrase = IsPrintableAscii(options.from_name)
                             ? QuotedDisplayName(options.from_name)
                             : EncodeHeaderText(options.from_name, header_name.size());
    return phrase + " <" + options.from_address + ">";
}

void AppendPart(
    std::string& out, std::string_view boundary, std::string_view type, std::string_view body
) {
    out.append("--").append(boundary).append(kCrlf);
    out.append("Content-Type: ").append(type).append("; charset=UTF-8").append(kCrlf);
    out.append("Content-Transfer-Encoding: quoted-printable").append(kCrlf).append(kCrlf);
    out.append(EncodeQuotedPrintable(body)).append(kCrlf);
}

std::optional<core::Error> CheckInputs(const MailMessage& message, const MimeOptions& options) {
    if (!IsPlainAddress(message.recipient)) {
        return MimeError("recipient is not a plain ASCII address");
    }
    if (!IsPlainAddress(options.from_address)) {
        return MimeError("SMTP_FROM is not a plain ASCII address");
    }
    if (HasLineBreakOrNul(message.subject) || HasLineBreakOrNul(options.from_name)) {
        return MimeError("a header value holds CR, LF or NUL");
    }
    const bool unique_ok =
        !options.unique.empty() &&
        std::all_of(options.unique.begin(), options.unique.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        });
    if (!unique_ok) {
        return MimeError("the message's unique token must be letters and digits");
    }
    return std::nullopt;
}

}  // namespace

bool IsPlainAddress(std::string_view address) {
    const std::size_t at = address.find('@');
    if (at == 0 || at == std::string_view::npos || at + 1 == address.size() ||
        address.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    return std::all_of(address.begin(), address.end(), [](char c) {
        return c > 0x20 && c < 0x7F &&
               std::string_view("<>()[],;:\\\"").find(c) == std::string_view::npos;
    });
}

std::string EncodeBase64(std::string_view bytes) {
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t count = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 3; ++j) {
            const std::uint32_t byte = j < count ? static_cast<unsigned char>(bytes[i + j]) : 0U;
            group = (group << 8U) | byte;
        }
        for (std::size_t j = 0; j < 4; ++j) {
            const std::size_t index = (group >> (18U - 6U * j)) & 0x3FU;
            out.push_back(j <= count ? kAlphabet[index] : '=');
        }
    }
    return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find('\n', start);
        std::string_view line = text.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start
        );
        if (end != std::string_view::npos && !line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        AppendQuotedPrintableLine(out, line);
        if (end == std::string_view::npos) {
            return out;
        }
        out.append(kCrlf);
        start = end + 1;
    }
}

std::string EncodeHeaderText(std::string_view text, std::size_t name_length) {
    const bool plain = IsPrintableAscii(text) && text.find("=?") == std::string_view::npos;
    if (plain && name_length + text.size() <= kMaxHeaderLine) {
        return std::string(text);
    }
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = std::min(start + kEncodedWordBytes, text.size());
        // Never split a UTF-8 sequence across two encoded-words (RFC 2047 §5).
        while (end < text.size() && end > start + 1 && IsUtf8Continuation(text[end])) {
            --end;
        }
        if (start != 0) {
            out.append(kCrlf).append(" ");
        }
        out.append("=?UTF-8?B?").append(EncodeBase64(text.substr(start, end - start))).append("?=");
        start = end;
    }
    return out;
}

core::Result<std::string> BuildMimeMessage(const MailMessage& message, const MimeOptions& options) {
    if (auto problem = CheckInputs(message, options)) {
        return *problem;
    }
    const std::string domain = options.from_address.substr(options.from_address.find('@') + 1);
    const std::string boundary = "=_clockko_" + options.unique;
    std::string out;
    out.reserve(message.text.size() * 2 + message.html.size() * 2 + 1024);
    out.append("Date: ").append(core::FormatRfc5322(options.date)).append(kCrlf);
    out.append("From: ").append(FromHeader(options)).append(kCrlf);
    out.append("To: ").append(message.recipient).append(kCrlf);
    out.append("Subject: ").append(EncodeHeaderText(message.subject, 9)).append(kCrlf);
    out.append("Message-ID: <")
        .append(options.unique)
        .append("@")
        .append(domain)
        .append(">")
        .append(kCrlf);
    out.append("MIME-Version: 1.0").append(kCrlf);
    // RFC 3834: tells auto-responders not to answer.
    out.append("Auto-Submitted: auto-generated").append(kCrlf);
    out.append("Content-Type: multipart/alternative;").append(kCrlf);
    out.append(" boundary=\"").append(boundary).append("\"").append(kCrlf).append(kCrlf);
    AppendPart(out, boundary, "text/plain", message.text);
    AppendPart(out, boundary, "text/html", message.html);
    out.append("--").append(boundary).append("--").append(kCrlf);
    return out;
}

}  // namespace clockko::mail
