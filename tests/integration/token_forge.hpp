#pragma once

#include <optional>
#include <string>

namespace clockko::testing {

struct TokenClaims {
    std::string sub;
    std::string jti;
    long long iat = 0;
    long long exp = 0;
};

/// Reads a JWT's claims without verifying it (for assertions on what the server issued).
TokenClaims ReadClaims(const std::string& token);

/// Signs a token the way an attacker or an old client might: `algorithm` "none" gives an
/// unsigned token; `exp` nullopt leaves the claim out.
std::string ForgeToken(
    const std::string& algorithm,
    const std::string& key,
    const std::string& sub,
    long long iat,
    std::optional<long long> exp
);

/// The same token with one payload character changed and the signature kept.
std::string TamperPayload(const std::string& token);

}  // namespace clockko::testing
