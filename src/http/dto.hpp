#pragma once

#include "auth/auth_service.hpp"
#include "http/request.hpp"

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace clockko::http {

/// A decoded request body, or the ready response that rejects it (422 invalid_json,
/// 422 validation_error in FastAPI's shape).
template <class T>
using Decoded = boost::system::result<T, HttpResponse>;

/// Thrown by `Decoded::value()` on a rejection: a bug in the caller, which must test first.
class UndecodedBody final : public std::logic_error {
public:
    UndecodedBody() : std::logic_error("Decoded::value() called on a rejected body") {}
};

/// Found by boost::system::result through ADL.
[[noreturn]] inline void throw_exception_from_error(  // NOLINT(readability-identifier-naming)
    const HttpResponse& /*response*/,
    const boost::source_location& /*location*/
) {
    throw UndecodedBody();
}

/// `{"email"}` of send-verification-email and forgot-password.
struct EmailBody {
    std::string email;
};

/// `{"email", "otp"}` of verify-email.
struct VerifyEmailBody {
    std::string email;
    std::string otp;
};

/// `{"refresh_token"}` of refresh and logout.
struct RefreshTokenBody {
    std::string refresh_token;
};

/// `{"email", "otp", "new_password"}` of reset-password.
struct ResetPasswordBody {
    std::string email;
    std::string otp;
    std::string new_password;
};

// Decoders take the raw body. Unknown members are ignored (as FastAPI does); `null` counts as
// absent for an optional member and as the wrong type for a required one. Strings are passed
// through unchanged: normalisation and rules belong to the domain.

/// Register: email, password; optional username, full_name, name (alias, full_name wins),
/// phone_number.
[[nodiscard]] Decoded<auth::RegisterInput> DecodeRegister(std::string_view body);
/// Login as JSON `{"email", "password"}`. `client_address` is left empty.
[[nodiscard]] Decoded<auth::LoginInput> DecodeLoginJson(std::string_view body);
/// Login as the OAuth2 password form: `username` (the email) and `password`.
[[nodiscard]] Decoded<auth::LoginInput> DecodeLoginForm(std::string_view body);
[[nodiscard]] Decoded<EmailBody> DecodeEmailBody(std::string_view body);
[[nodiscard]] Decoded<VerifyEmailBody> DecodeVerifyEmail(std::string_view body);
[[nodiscard]] Decoded<ResetPasswordBody> DecodeResetPassword(std::string_view body);
[[nodiscard]] Decoded<RefreshTokenBody> DecodeRefreshToken(std::string_view body);

/// The contract's user object.
std::string EncodeUser(const auth::UserProfile& user);

/// 200 `{"access_token", "token_type", "expires_in"}` (plus `refresh_token` when the grant has
/// one) with `Cache-Control: no-store` and
/// `Pragma: no-cache`.
HttpResponse TokenResponse(const auth::TokenGrant& grant);

/// 200 `{"detail": message, "message": message}` of the one-time-code endpoints.
HttpResponse MessageResponse(std::string_view message);

}  // namespace clockko::http
