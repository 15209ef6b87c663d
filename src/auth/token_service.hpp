#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace clockko::auth {

struct TokenSettings {
    std::string algorithm = "HS256";  ///< ALGORITHM: HS256, HS384 or HS512
    std::string secret_key;           ///< SECRET_KEY: signs and verifies; must not be empty
    std::string previous_secret_key;  ///< SECRET_KEY_PREVIOUS: verifies only; may be empty
    std::chrono::seconds lifetime{std::chrono::minutes{30}};  ///< ACCESS_TOKEN_EXPIRE_MINUTES
};

/// What a verified access token says.
struct TokenClaims {
    std::string subject;                       ///< `sub`: the user id
    std::int64_t version = 0;                  ///< `ver`; 0 when absent (tokens of the old backend)
    std::optional<core::TimePoint> issued_at;  ///< `iat`, when present
    core::TimePoint expires_at;                ///< `exp`
    std::string token_id;                      ///< `jti`, empty when absent
};

/// Signs and checks access tokens.
/// @par Thread safety: every function may be called concurrently.
class TokenService {
public:
    virtual ~TokenService() = default;

    /// A signed token with `sub`, `iat` (now), `exp` (now + lifetime), a random `jti` and `ver`.
    /// Throws std::runtime_error if signing fails.
    [[nodiscard]] virtual std::string Issue(
        std::string_view user_id, std::int64_t token_version, core::TimePoint now
    ) = 0;

    /// Like Issue, but every claim comes from the arguments (`iat` = `issued_at`, `jti` =
    /// `token_id`): the same arguments give the same token (HMAC signatures are deterministic),
    /// which lets a refresh racing within the grace window answer the very same pair.
    [[nodiscard]] virtual std::string IssueAt(
        std::string_view user_id,
        std::int64_t token_version,
        core::TimePoint issued_at,
        std::string_view token_id
    ) = 0;

    /// Checks the signature with the current key, then the previous one; requires the header's
    /// algorithm to be exactly the configured one, an integer `exp` after `now`, a non-empty
    /// string `sub`, and, when present, integer `iat`/`ver` (ver ≥ 0) and an `nbf` not after now.
    /// Errors: kTokenExpired when only `exp` is in the past; kInvalidToken for everything else.
    [[nodiscard]] virtual core::Result<TokenClaims> Verify(
        std::string_view token, core::TimePoint now
    ) const = 0;

    /// The lifetime of an issued token (the `expires_in` of a grant).
    [[nodiscard]] virtual std::chrono::seconds Lifetime() const = 0;
};

/// True for the algorithms the service signs with: HS256, HS384, HS512.
[[nodiscard]] bool IsSupportedAlgorithm(std::string_view algorithm);

/// JWTs through libjwt. `random` (for `jti`) must outlive the service.
/// Throws std::invalid_argument for an unsupported algorithm, an empty key or a lifetime ≤ 0.
[[nodiscard]] std::unique_ptr<TokenService> MakeJwtTokenService(
    TokenSettings settings, core::Random& random
);

}  // namespace clockko::auth
