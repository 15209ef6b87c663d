#pragma once

#include "auth/auth_service.hpp"
#include "auth/session_keys.hpp"
#include "store/records.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace clockko::auth {

struct AuthContext;

/// How refresh sessions behave (part of AuthContext).
struct SessionPolicy {
    const SessionKeys& keys;
    std::chrono::seconds lifetime;     ///< REFRESH_TOKEN_EXPIRE_DAYS, renewed by each rotation
    std::chrono::seconds reuse_grace;  ///< REFRESH_REUSE_GRACE_SECONDS; 0: no grace at all
};

/// Opens a new session family for `user` (a login); returns its refresh token (the only copy).
[[nodiscard]] std::string StartSession(const AuthContext& context, const store::UserRecord& user);

/// POST /api/auth/refresh. A live token is rotated: the answer carries its successor, and the
/// token stops working. The same token again within the grace window gets the same answer; any
/// other reuse revokes the token's whole family and logs a `refresh_token_reuse` security event
/// (user id and client address). kInvalidToken for anything but a success.
[[nodiscard]] core::Result<TokenGrant> RefreshSession(
    const AuthContext& context, std::string_view refresh_token, std::string_view client_address
);

/// POST /api/auth/logout: revokes the family of a known, unrevoked, unexpired refresh token (a
/// session is the family: its rotated tokens go with it). kInvalidToken otherwise.
[[nodiscard]] core::Result<core::Done> EndSession(
    const AuthContext& context, std::string_view refresh_token
);

/// POST /api/auth/logout-all: with a valid access token, revokes every session of its user and
/// raises the user's token_version, so that every access token issued before is rejected.
/// The errors of GetCurrentUser.
[[nodiscard]] core::Result<core::Done> EndAllSessions(
    const AuthContext& context, std::string_view access_token, std::string_view client_address
);

}  // namespace clockko::auth
