#pragma once

#include "auth/auth_service.hpp"
#include "auth/password_hasher.hpp"
#include "auth/password_policy.hpp"
#include "auth/throttle.hpp"
#include "auth/token_service.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/store.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace clockko::auth {

/// The settings of the use cases, from the configuration.
struct AuthSettings {
    std::string secret_key;           ///< SECRET_KEY; must not be empty
    std::string secret_key_previous;  ///< SECRET_KEY_PREVIOUS; verification only, may be empty
    std::string algorithm = "HS256";  ///< ALGORITHM: HS256, HS384 or HS512
    std::chrono::minutes access_token_lifetime{30};  ///< ACCESS_TOKEN_EXPIRE_MINUTES
    std::chrono::minutes otp_lifetime{10};           ///< OTP_EXPIRE_MINUTES
    int password_min_length = 8;                     ///< PASSWORD_MIN_LENGTH
    int bcrypt_cost = 12;                            ///< BCRYPT_ROUNDS
    unsigned bcrypt_max_concurrent = 0;  ///< hashes at once; 0: the number of hardware threads
    /// Retry-After of a kTooManyAttempts answer (the code is void: a new one must be requested).
    std::chrono::seconds too_many_attempts_retry_after{60};
    ThrottleSettings throttle;  ///< the throttling variables
    std::chrono::seconds refresh_token_lifetime{
        std::chrono::days{30}};                    ///< REFRESH_TOKEN_EXPIRE_DAYS
    std::chrono::seconds refresh_reuse_grace{10};  ///< REFRESH_REUSE_GRACE_SECONDS; 0: none
};

/// What MakeAuthService needs. The referenced objects must outlive the service.
struct AuthDependencies {
    store::Store& store;
    const core::Clock& clock;
    core::Random& random;  ///< a CSPRNG (MakeSystemRandom) in production
    AuthSettings settings;
    /// Null: bcrypt at settings.bcrypt_cost with settings.bcrypt_max_concurrent.
    std::shared_ptr<PasswordHasher> hasher;
    /// Null: JWTs from the settings' key, algorithm and lifetime.
    std::shared_ptr<TokenService> tokens;
    /// Passwords refused by exact match (main passes EmbeddedCommonPasswords()); null or empty
    /// refuses none.
    std::shared_ptr<const CommonPasswords> common_passwords;
};

/// Builds the service. Throws std::invalid_argument for invalid settings (empty secret key,
/// unsupported algorithm, bcrypt cost outside 4…31, non-positive lifetimes, a negative grace).
[[nodiscard]] std::unique_ptr<AuthService> MakeAuthService(AuthDependencies dependencies);

}  // namespace clockko::auth
