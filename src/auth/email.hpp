#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace clockko::auth {

/// The longest email address accepted, in bytes (RFC 5321's path limit less the brackets).
inline constexpr std::size_t kMaxEmailBytes = 254;

/// Trims ASCII whitespace and lower-cases ASCII letters; other bytes are kept as they are.
/// `" A@B.com "` and `"a@b.com"` name the same account.
[[nodiscard]] std::string NormalizeEmail(std::string_view email);

/// Checks that an already normalised email is plausible: valid UTF-8, exactly one `@`, a
/// non-empty local part, a domain with a dot and no empty label, at most kMaxEmailBytes bytes,
/// no spaces or control characters.
/// Errors: kValidation with one FieldError on `field`, type "value_error".
[[nodiscard]] core::Result<core::Done> ValidateEmail(
    std::string_view normalized_email, std::string_view field = "email"
);

/// NormalizeEmail then ValidateEmail; returns the normalised email.
[[nodiscard]] core::Result<std::string> NormalizeAndValidateEmail(
    std::string_view email, std::string_view field = "email"
);

}  // namespace clockko::auth
