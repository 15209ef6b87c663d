#include "auth/auth_context.hpp"

#include <algorithm>

namespace clockko::auth {
namespace {

bool IsHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The canonical 36-character UUID, or the 32 hex digits the original backend's SQLite stored.
// Anything else never reaches the store (PostgreSQL would reject the cast with an error).
bool IsUserIdShape(std::string_view id) {
    if (id.size() == 32) {
        return std::all_of(id.begin(), id.end(), IsHex);
    }
    if (id.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
        const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_position ? id[i] != '-' : !IsHex(id[i])) {
            return false;
        }
    }
    return true;
}

core::Error Rejected(std::string log) {
    core::Error error =
        core::MakeError(core::ErrorCode::kInvalidToken, "Could not validate credentials");
    error.log = std::move(log);
    return error;
}

}  // namespace

core::Result<UserProfile> GetCurrentUser(
    const AuthContext& context, std::string_view access_token
) {
    if (access_token.empty()) {
        core::Error error =
            core::MakeError(core::ErrorCode::kNotAuthenticated, "Not authenticated");
        return error;
    }
    core::Result<TokenClaims> claims = context.tokens.Verify(access_token, context.clock.Now());
    if (!claims) {
        return claims.error();
    }
    if (!IsUserIdShape(claims->subject)) {
        return Rejected("token subject is not a user id");
    }
    const std::optional<store::UserRecord> user = context.store.FindUserById(claims->subject);
    if (!user) {
        return Rejected("token subject unknown");
    }
    if (!user->is_active) {
        return Rejected("token subject disabled");
    }
    // Issued before the user's last password reset (or, later, logout-all).
    if (claims->version != user->token_version) {
        return Rejected("token version revoked");
    }
    return ToProfile(*user);
}

}  // namespace clockko::auth
