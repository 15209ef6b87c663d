#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace clockko::auth {

/// bcrypt reads at most this many bytes: a longer password is refused, never truncated.
inline constexpr std::size_t kMaxPasswordBytes = 72;

/// Passwords refused by exact match (the shipped list: auth/common_passwords.hpp).
/// @par Thread safety: immutable after construction; safe to share.
class CommonPasswords final {
public:
    CommonPasswords() = default;
    explicit CommonPasswords(std::vector<std::string> passwords);

    /// Exact, case-sensitive match.
    [[nodiscard]] bool Contains(std::string_view password) const;

    [[nodiscard]] std::size_t Size() const { return sorted_.size(); }

private:
    std::vector<std::string> sorted_;
};

/// The contract's password rules.
/// @par Thread safety: immutable after construction; safe to share.
class PasswordPolicy final {
public:
    /// `common` may be null (no list). `min_length` counts Unicode code points.
    PasswordPolicy(int min_length, std::shared_ptr<const CommonPasswords> common);

    /// Checks, in this order: no NUL, valid UTF-8, at least min_length characters
    /// ("string_too_short"), at most kMaxPasswordBytes bytes ("string_too_long"), not equal to
    /// the email compared case-insensitively after normalising, not a common password.
    /// Errors: kValidation with one FieldError on `field` ("password", or "new_password" for a
    /// reset); the message is short and client-safe ("must be at least 8 characters").
    [[nodiscard]] core::Result<core::Done> Check(
        std::string_view password, std::string_view normalized_email, std::string_view field
    ) const;

    [[nodiscard]] int MinLength() const { return min_length_; }

private:
    int min_length_;
    std::shared_ptr<const CommonPasswords> common_;
};

}  // namespace clockko::auth
