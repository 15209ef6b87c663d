#pragma once

#include "core/random.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace clockko::auth {

/// The secrets behind refresh tokens. A login's token is 32 CSPRNG bytes; a rotated token is
/// derived from its predecessor by HMAC-SHA256 under SECRET_KEY, so that a refresh racing within
/// the grace window can answer the same successor although only hashes are stored.
/// Only SHA-256 hashes of tokens reach the database.
/// @par Thread safety: const functions may be called concurrently.
class SessionKeys final {
public:
    /// Throws std::invalid_argument when `secret_key` is empty. `previous_secret_key` may be.
    SessionKeys(std::string_view secret_key, std::string_view previous_secret_key);

    /// 32 random bytes, base64url without padding (43 characters).
    [[nodiscard]] static std::string NewToken(core::Random& random);

    /// Lower-case hex SHA-256 of `token`: the only form of a token that is stored.
    [[nodiscard]] static std::string Hash(std::string_view token);

    /// The successor of `token` under the current key, base64url (43 characters).
    [[nodiscard]] std::string Successor(std::string_view token) const;

    /// The successor of `token` whose hash is `successor_hash`, under the current or the previous
    /// key (a key rotated within the grace window); nullopt when neither matches.
    [[nodiscard]] std::optional<std::string> FindSuccessor(
        std::string_view token, std::string_view successor_hash
    ) const;

    /// A `jti` for the access token paired with refresh token `token`: 32 hex digits, fixed for
    /// a given token (so the grace answer repeats it) and revealing nothing about it.
    [[nodiscard]] std::string AccessTokenId(std::string_view token) const;

private:
    std::string key_;
    std::string previous_key_;
};

/// A refresh token that could have been issued: 43 base64url characters. Anything else is
/// refused before any hashing or database work.
[[nodiscard]] bool IsRefreshTokenShape(std::string_view token);

}  // namespace clockko::auth
