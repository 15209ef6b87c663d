#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "mail/mailer.hpp"

#include <string>
#include <string_view>

namespace clockko::mail {

/// What the MIME builder needs besides the message itself.
struct MimeOptions {
    std::string from_address{};  ///< SMTP_FROM: "noreply@clockko.app"
    std::string from_name{};     ///< SMTP_FROM_NAME; may be empty, may be non-ASCII
    core::TimePoint date{};
    /// A random token of letters and digits (e.g. 32 hex digits): the left part of the
    /// Message-ID and the tail of the MIME boundary.
    std::string unique{};
};

/// Builds the whole RFC 5322 message: Date, From, To, Subject, Message-ID (<unique@domain of
/// from_address>), MIME-Version, then a multipart/alternative body with the text/plain part first
/// and the text/html part second, both UTF-8 and quoted-printable. Every line ends with CRLF and
/// is at most 76 characters in the body and 78 in the headers (folded); non-ASCII header text
/// is RFC 2047 encoded. Fails (ErrorCode::kInternal, a permanent failure) when a header value
/// holds CR, LF or NUL (header injection), or an address is not a plain ASCII address.
[[nodiscard]] core::Result<std::string> BuildMimeMessage(
    const MailMessage& message, const MimeOptions& options
);

/// True for an ASCII address "local@domain" with one '@', non-empty parts, and no space,
/// control character or any of <>()[],;:\" (so it is safe in SMTP commands and headers).
bool IsPlainAddress(std::string_view address);

/// Quoted-printable (RFC 2045 §6.7) of UTF-8 text: line ends become CRLF, lines are at most 76
/// characters (soft breaks), trailing white space and a leading '.' are encoded.
std::string EncodeQuotedPrintable(std::string_view text);

/// Header text after "Name: " (`name_length` characters): kept as it is when it is printable
/// ASCII and fits in 78 columns, else RFC 2047 "B" encoded-words of whole UTF-8 characters,
/// folded onto continuation lines.
std::string EncodeHeaderText(std::string_view text, std::size_t name_length);

/// Plain base64 (RFC 4648) with padding, no line breaks.
std::string EncodeBase64(std::string_view bytes);

}  // namespace clockko::mail
