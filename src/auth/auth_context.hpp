#pragma once

#include "auth/auth_service.hpp"
#include "auth/otp.hpp"
#include "auth/password_hasher.hpp"
#include "auth/password_policy.hpp"
#include "auth/sessions.hpp"
#include "auth/throttle.hpp"
#include "auth/token_service.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/store.hpp"

#include <chrono>
#include <string_view>

namespace clockko::auth {

/// Everything a use case may touch: all I/O, time and randomness come through here.
/// Owned by the AuthService that made it; every referenced object outlives it.
struct AuthContext {
    store::Store& store;
    const core::Clock& clock;
    core::Random& random;
    PasswordHasher& hasher;
    TokenService& tokens;
    const CodeHasher& codes;
    const PasswordPolicy& passwords;
    std::chrono::minutes otp_lifetime;
    std::chrono::seconds too_many_attempts_retry_after;
    const Throttle& throttle;
    SessionPolicy sessions;
};

/// The client's view of a stored user.
[[nodiscard]] UserProfile ToProfile(const store::UserRecord& user);

/// The use cases, one .cpp each. Each is synchronous and blocking; expected
/// failures are returned, store exceptions propagate. See AuthService for the errors.
[[nodiscard]] core::Result<UserProfile> RegisterUser(
    const AuthContext& context, const RegisterInput& input
);
[[nodiscard]] core::Result<TokenGrant> LogIn(const AuthContext& context, const LoginInput& input);
[[nodiscard]] core::Result<UserProfile> GetCurrentUser(
    const AuthContext& context, std::string_view access_token
);
[[nodiscard]] core::Result<core::Done> RequestVerificationCode(
    const AuthContext& context, std::string_view email, std::string_view client_address
);
[[nodiscard]] core::Result<core::Done> ConfirmEmail(
    const AuthContext& context,
    std::string_view email,
    std::string_view code,
    std::string_view client_address
);
[[nodiscard]] core::Result<core::Done> RequestPasswordReset(
    const AuthContext& context, std::string_view email, std::string_view client_address
);
[[nodiscard]] core::Result<core::Done> ResetPasswordWithCode(
    const AuthContext& context,
    std::string_view email,
    std::string_view code,
    std::string_view new_password,
    std::string_view client_address
);

}  // namespace clockko::auth
