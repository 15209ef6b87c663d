#include "auth/auth_context.hpp"
#include "auth/email.hpp"
#include "auth/password_policy.hpp"
#include "core/log.hpp"

#include <optional>

namespace clockko::auth {
namespace {

core::Error InvalidCredentials() {
    core::Error error =
        core::MakeError(core::ErrorCode::kInvalidCredentials, "Incorrect email or password");
    error.log = "login failed";
    return error;
}

std::optional<store::UserRecord> FindByEmail(const AuthContext& context, const std::string& email) {
    std::optional<store::UserRecord> user;
    if (!ValidateEmail(email)) {
        return user;  // cannot name an account
    }
    context.store.Transact([&](store::StoreTransaction& transaction) {
        user = transaction.FindUserByEmail(email);
    });
    return user;
}

// A cost upgrade (BCRYPT_ROUNDS raised, or a $2a$/$2y$ hash). Written only if the hash is still
// the one just verified: a password reset racing this login must not be undone.
void UpgradeHash(
    const AuthContext& context, const store::UserRecord& user, std::string_view password
) {
    const std::string upgraded = context.hasher.Hash(password);
    context.store.Transact([&](store::StoreTransaction& transaction) {
        const std::optional<store::UserRecord> current = transaction.FindUserById(user.id);
        if (current && current->hashed_password == user.hashed_password) {
            transaction.UpdatePasswordHash(user.id, upgraded);
        }
    });
}

}  // namespace

core::Result<TokenGrant> LogIn(const AuthContext& context, const LoginInput& input) {
    const std::string email = NormalizeEmail(input.email);
    const std::optional<store::UserRecord> user = FindByEmail(context, email);
    const core::TimePoint now = context.clock.Now();
    // Before any hashing and whatever the password: a throttled guesser learns nothing, and an
    // unknown email is refused exactly like a known one (the counters are keyed by the email).
    if (const auto refusal = context.throttle.LoginRefusal(email, input.client_address, now)) {
        return Throttled(*refusal, user ? user->id : std::string(), input.client_address);
    }
    // Exactly one hash computation on every path, so that an unknown email answers like a wrong
    // password, in the same time.
    const bool password_ok = context.hasher.Verify(
        input.password, user ? user->hashed_password : context.hasher.DummyHash()
    );
    if (!user || !password_ok) {
        context.throttle.CountLoginFailure(email, input.client_address, now);
        core::LogInfo(
            "security event",
            {{"event", std::string("login_failed")},
             {"user_id", user ? user->id : std::string()},
             {"client_ip", input.client_address}}
        );
        return InvalidCredentials();
    }
    context.throttle.ClearLoginFailures(email, input.client_address);
    if (!user->is_active) {
        core::Error error =
            core::MakeError(core::ErrorCode::kAccountDisabled, "Account is disabled");
        error.log = "login refused: account disabled";
        return error;
    }
    // A password over 72 bytes (accepted by the original backend) cannot be hashed anew: that
    // user keeps the old hash, which still verifies.
    if (context.hasher.NeedsRehash(user->hashed_password) &&
        input.password.size() <= kMaxPasswordBytes) {
        UpgradeHash(context, *user, input.password);
    }
    TokenGrant grant;
    grant.access_token = context.tokens.Issue(user->id, user->token_version, context.clock.Now());
    grant.expires_in_seconds = context.tokens.Lifetime().count();
    grant.refresh_token = StartSession(context, *user);
    return grant;
}

}  // namespace clockko::auth
