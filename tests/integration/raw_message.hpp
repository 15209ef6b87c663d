#pragma once

#include <map>
#include <string>
#include <vector>

namespace clockko::testing {

/// The header block and the parts of a raw multipart message, just enough for the checks.
struct RawMessage {
    /// Lower-cased names; folded lines unfolded; the last value of a repeated header.
    std::map<std::string, std::string> headers;

    struct Part {
        std::map<std::string, std::string> headers;
        std::string body;
    };

    std::vector<Part> parts;  ///< empty when the message is not multipart
};

/// Splits a raw message (CRLF line ends) into headers and, for multipart, its parts.
RawMessage ParseRawMessage(const std::string& source);

/// Decodes quoted-printable (soft breaks removed, =XX escapes decoded).
std::string DecodeQuotedPrintable(const std::string& text);

}  // namespace clockko::testing
