#pragma once

#include "store/records.hpp"

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace clockko::auth {

/// Template names queued in the outbox. Every message carries the parameters "email",
/// "username" and "name" (full name, else username); the extra ones are listed per template.
///
/// Sent at registration: "code" (the 6-digit verification code), "expires_minutes" (integer).
inline constexpr std::string_view kWelcomeTemplate = "welcome";
/// A new verification code: "code", "expires_minutes" (integer).
inline constexpr std::string_view kVerifyCodeTemplate = "verify_code";
/// A password-reset code: "code", "expires_minutes" (integer).
inline constexpr std::string_view kResetCodeTemplate = "reset_code";
/// After a reset: "changed_at" (RFC 3339, UTC).
inline constexpr std::string_view kPasswordChangedTemplate = "password_changed";

/// One extra template parameter: text or an integer.
struct MailParameter {
    std::string_view key;
    std::variant<std::string_view, std::int64_t> value;
};

/// A message to `user` whose parameters_json is a JSON object of the common parameters plus
/// `extra`.
[[nodiscard]] store::OutgoingMail MakeUserMail(
    const store::UserRecord& user,
    std::string_view template_name,
    std::initializer_list<MailParameter> extra
);

}  // namespace clockko::auth
