#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <optional>
#include <string>

namespace clockko::auth {

/// What a client may see of an account (never a hash, code or token).
struct UserProfile {
    std::string id;
    std::string email;
    std::string username;
    std::optional<std::string> full_name;
    std::optional<std::string> phone_number;
    bool is_active = true;
    bool is_verified = false;
    bool otp_verified = false;
    core::TimePoint created_at;

    /// `full_name` when set, else `username` (the web client reads `name`).
    [[nodiscard]] const std::string& Name() const { return full_name ? *full_name : username; }
};

struct RegisterInput {
    std::string email;
    std::string password;
    std::optional<std::string> username;
    std::optional<std::string> full_name;  ///< already resolved from the `name` alias
    std::optional<std::string> phone_number;
};

struct LoginInput {
    std::string email;
    std::string password;
    std::string client_address;
};

struct TokenGrant {
    std::string access_token;
    std::string token_type = "bearer";
    long long expires_in_seconds = 0;
    std::string refresh_token;  ///< opaque; the only copy (the store keeps a hash)
};

/// The service's use cases. Each is synchronous and blocking (bcrypt, database): call it from
/// a worker thread. The one exception is CurrentUser on SQLite, whose single point read the
/// HTTP layer runs inline (the SQLite pool has a connection for every such thread).
/// @par Thread safety: every function may be called concurrently.
/// Expected failures come back as errors; core::StoreUnavailable / StoreFailure are thrown.
class AuthService {
public:
    virtual ~AuthService() = default;

    /// kValidation (email, password rules), kEmailTaken.
    [[nodiscard]] virtual core::Result<UserProfile> Register(const RegisterInput& input) = 0;
    /// kInvalidCredentials (unknown email or wrong password, same work), kAccountDisabled,
    /// kRateLimited (a login throttle reached: refused before any hashing, whatever the
    /// password).
    [[nodiscard]] virtual core::Result<TokenGrant> Login(const LoginInput& input) = 0;
    /// `access_token` is the bearer token without the scheme. kNotAuthenticated (empty),
    /// kInvalidToken, kTokenExpired.
    [[nodiscard]] virtual core::Result<UserProfile> CurrentUser(const std::string& access_token
    ) = 0;
    /// `client_address` (as http::ClientAddress computes it; empty when unknown) feeds the
    /// per-address throttles and the security log. Every code use case may answer
    /// kRateLimited (with retry_after_seconds) when a throttle of the contract applies, alike
    /// for existing and unknown emails.
    /// Always succeeds for a valid email (same answer whether the account exists); kValidation.
    [[nodiscard]] virtual core::Result<core::Done> SendVerificationCode(
        const std::string& email, const std::string& client_address
    ) = 0;
    /// kInvalidOtp (wrong, expired, used, unknown email), kTooManyAttempts.
    [[nodiscard]] virtual core::Result<core::Done> VerifyEmail(
        const std::string& email, const std::string& code, const std::string& client_address
    ) = 0;
    /// Always succeeds for a valid email (same answer whether the account exists); kValidation.
    [[nodiscard]] virtual core::Result<core::Done> ForgotPassword(
        const std::string& email, const std::string& client_address
    ) = 0;
    /// kInvalidOtp, kTooManyAttempts, kValidation (weak new password).
    [[nodiscard]] virtual core::Result<core::Done> ResetPassword(
        const std::string& email,
        const std::string& code,
        const std::string& new_password,
        const std::string& client_address
    ) = 0;

    /// The same without a client address (tests, tools): the per-address throttles do not
    /// apply. The HTTP layer always passes the address.
    [[nodiscard]] core::Result<core::Done> SendVerificationCode(const std::string& email) {
        return SendVerificationCode(email, std::string());
    }

    [[nodiscard]] core::Result<core::Done> VerifyEmail(
        const std::string& email, const std::string& code
    ) {
        return VerifyEmail(email, code, std::string());
    }

    [[nodiscard]] core::Result<core::Done> ForgotPassword(const std::string& email) {
        return ForgotPassword(email, std::string());
    }

    [[nodiscard]] core::Result<core::Done> ResetPassword(
        const std::string& email, const std::string& code, const std::string& new_password
    ) {
        return ResetPassword(email, code, new_password, std::string());
    }

    // Sessions (issue 4).
    /// A new pair for a live refresh token, which stops working (the same pair again for a
    /// racing reuse within the grace window). kInvalidToken; a later reuse revokes the family.
    [[nodiscard]] virtual core::Result<TokenGrant> Refresh(
        const std::string& refresh_token, const std::string& client_address
    ) = 0;
    /// Ends the session of this refresh token. kInvalidToken (unknown, revoked, expired).
    [[nodiscard]] virtual core::Result<core::Done> Logout(const std::string& refresh_token) = 0;
    /// Ends every session of the bearer's user and rejects every access token issued before.
    /// kNotAuthenticated (empty), kInvalidToken, kTokenExpired.
    [[nodiscard]] virtual core::Result<core::Done> LogoutAll(
        const std::string& access_token, const std::string& client_address
    ) = 0;
};

}  // namespace clockko::auth
