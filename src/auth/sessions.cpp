#include "auth/sessions.hpp"

#include "auth/auth_context.hpp"
#include "core/log.hpp"

#include <optional>

namespace clockko::auth {
namespace {

core::Error InvalidRefresh(std::string log) {
    core::Error error =
        core::MakeError(core::ErrorCode::kInvalidToken, "Invalid or expired refresh token");
    error.log = "refresh token refused: " + std::move(log);
    return error;
}

// The answer for refresh token `refresh_token`, every claim fixed by stored values: the access
// token of a grace-window repeat is byte for byte the first one (HMAC signatures are
// deterministic; `iat` is the successor row's creation, `jti` derived from the token).
TokenGrant Pair(
    const AuthContext& context,
    const store::UserRecord& user,
    std::string refresh_token,
    core::TimePoint issued_at
) {
    TokenGrant grant;
    grant.access_token = context.tokens.IssueAt(
        user.id, user.token_version, issued_at, context.sessions.keys.AccessTokenId(refresh_token)
    );
    grant.expires_in_seconds = context.tokens.Lifetime().count();
    grant.refresh_token = std::move(refresh_token);
    return grant;
}

TokenGrant Rotate(
    const AuthContext& context,
    store::SessionOperations& sessions,
    const store::SessionRecord& current,
    const store::UserRecord& user,
    std::string_view token,
    core::TimePoint now
) {
    std::string successor_token = context.sessions.keys.Successor(token);
    store::SessionRecord successor;
    successor.family_id = current.family_id;
    successor.user_id = current.user_id;
    successor.token_hash = SessionKeys::Hash(successor_token);
    successor.created_at = now;
    successor.expires_at = now + context.sessions.lifetime;
    const std::int64_t successor_id = sessions.InsertSession(successor);
    sessions.MarkSessionRotated(current.id, successor_id, now);
    return Pair(context, user, std::move(successor_token), now);
}

// A second refresh with `current` (already rotated) answers the first one's pair only while
// both its rotation is younger than the grace window and its successor is still live.
std::optional<store::SessionRecord> LiveSuccessorWithinGrace(
    const AuthContext& context,
    store::SessionOperations& sessions,
    const store::SessionRecord& current,
    core::TimePoint now
) {
    if (!current.rotated_at || !current.successor_id ||
        now - *current.rotated_at >= context.sessions.reuse_grace) {
        return std::nullopt;
    }
    std::optional<store::SessionRecord> successor = sessions.FindSessionById(*current.successor_id);
    if (!successor || successor->rotated_at || successor->revoked_at ||
        successor->expires_at <= now) {
        return std::nullopt;
    }
    return successor;
}

struct RefreshAttempt {
    core::Result<TokenGrant> grant = InvalidRefresh("not attempted");
    std::optional<std::string> reused_by_user;  ///< set when a reuse revoked a family
    std::int64_t revoked = 0;
};

RefreshAttempt Refused(std::string log) {
    RefreshAttempt attempt;
    attempt.grant = InvalidRefresh(std::move(log));
    return attempt;
}

RefreshAttempt Granted(TokenGrant grant) {
    RefreshAttempt attempt;
    attempt.grant = std::move(grant);
    return attempt;
}

RefreshAttempt RefreshIn(
    const AuthContext& context,
    store::StoreTransaction& transaction,
    std::string_view token,
    core::TimePoint now
) {
    store::SessionOperations& sessions = transaction.Sessions();
    const std::optional<store::SessionRecord> current =
        sessions.FindSessionByTokenHash(SessionKeys::Hash(token));
    if (!current) {
        return Refused("unknown");
    }
    if (current->revoked_at || current->expires_at <= now) {
        return Refused("revoked or expired");
    }
    const std::optional<store::UserRecord> user = transaction.FindUserById(current->user_id);
    if (!user || !user->is_active) {
        return Refused("user unknown or disabled");
    }
    if (!current->rotated_at) {
        return Granted(Rotate(context, sessions, *current, *user, token, now));
    }
    if (const auto successor = LiveSuccessorWithinGrace(context, sessions, *current, now)) {
        std::optional<std::string> successor_token =
            context.sessions.keys.FindSuccessor(token, successor->token_hash);
        if (!successor_token) {
            return Refused("successor made under another key");
        }
        return Granted(Pair(context, *user, *std::move(successor_token), successor->created_at));
    }
    // A rotated token presented again: whoever holds it may have stolen it. End the family.
    RefreshAttempt reused = Refused("rotated token reused");
    reused.reused_by_user = current->user_id;
    reused.revoked = sessions.RevokeSessionFamily(current->family_id, now);
    return reused;
}

}  // namespace

std::string StartSession(const AuthContext& context, const store::UserRecord& user) {
    std::string token = SessionKeys::NewToken(context.random);
    const core::TimePoint now = context.clock.Now();
    store::SessionRecord session;
    session.family_id = core::RandomUuid(context.random);
    session.user_id = user.id;
    session.token_hash = SessionKeys::Hash(token);
    session.created_at = now;
    session.expires_at = now + context.sessions.lifetime;
    context.store.Transact([&](store::StoreTransaction& transaction) {
        // Each login tidies up after the user's dead sessions, so rows never pile up.
        (void)transaction.Sessions().PurgeExpiredSessions(user.id, now);
        (void)transaction.Sessions().InsertSession(session);
    });
    return token;
}

core::Result<TokenGrant> RefreshSession(
    const AuthContext& context, std::string_view refresh_token, std::string_view client_address
) {
    if (!IsRefreshTokenShape(refresh_token)) {
        return InvalidRefresh("malformed");
    }
    const core::TimePoint now = context.clock.Now();
    RefreshAttempt attempt;
    context.store.Transact([&](store::StoreTransaction& transaction) {
        attempt = RefreshIn(context, transaction, refresh_token, now);
    });
    if (attempt.reused_by_user) {
        // Never the token: the user and the address are what an operator acts on.
        core::LogWarning(
            "security event",
            {{"event", std::string("refresh_token_reuse")},
             {"user_id", *attempt.reused_by_user},
             {"client_ip", std::string(client_address)},
             {"sessions_revoked", attempt.revoked}}
        );
    }
    return std::move(attempt.grant);
}

core::Result<core::Done> EndSession(const AuthContext& context, std::string_view refresh_token) {
    if (!IsRefreshTokenShape(refresh_token)) {
        return InvalidRefresh("malformed");
    }
    const core::TimePoint now = context.clock.Now();
    const std::string hash = SessionKeys::Hash(refresh_token);
    core::Result<core::Done> outcome = InvalidRefresh("not attempted");
    context.store.Transact([&](store::StoreTransaction& transaction) {
        store::SessionOperations& sessions = transaction.Sessions();
        const std::optional<store::SessionRecord> session = sessions.FindSessionByTokenHash(hash);
        if (!session || session->revoked_at || session->expires_at <= now) {
            outcome = InvalidRefresh("unknown, revoked or expired");
            return;
        }
        (void)sessions.RevokeSessionFamily(session->family_id, now);
        outcome = core::Done{};
    });
    return outcome;
}

core::Result<core::Done> EndAllSessions(
    const AuthContext& context, std::string_view access_token, std::string_view client_address
) {
    const core::Result<UserProfile> user = GetCurrentUser(context, access_token);
    if (!user) {
        return user.error();
    }
    const core::TimePoint now = context.clock.Now();
    std::int64_t revoked = 0;
    context.store.Transact([&](store::StoreTransaction& transaction) {
        revoked = transaction.Sessions().RevokeUserSessions(user->id, now);
        transaction.Sessions().RaiseTokenVersion(user->id);
    });
    core::LogInfo(
        "security event",
        {{"event", std::string("logout_all")},
         {"user_id", user->id},
         {"client_ip", std::string(client_address)},
         {"sessions_revoked", revoked}}
    );
    return core::Done{};
}

}  // namespace clockko::auth
