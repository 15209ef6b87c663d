#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace clockko::auth {

/// Decodes strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
/// Returns nullopt when `text` is not valid UTF-8.
[[nodiscard]] std::optional<std::u32string> DecodeUtf8(std::string_view text);

/// True for ASCII whitespace (space, tab, CR, LF, FF, VT).
[[nodiscard]] constexpr bool IsAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// `text` without leading and trailing ASCII whitespace.
[[nodiscard]] std::string_view TrimAscii(std::string_view text);

/// `text` with ASCII letters lower-cased; every other byte unchanged.
[[nodiscard]] std::string ToLowerAscii(std::string_view text);

}  // namespace clockko::auth
