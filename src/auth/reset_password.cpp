#include "auth/auth_context.hpp"
#include "auth/code_flow.hpp"
#include "auth/email.hpp"
#include "auth/mail_templates.hpp"
#include "core/log.hpp"
#include "core/time_format.hpp"

namespace clockko::auth {
namespace {

struct CheckedReset {
    store::UserRecord user;
    std::int64_t code_id = 0;
};

// First pass, before any hashing: a wrong guess costs no bcrypt work, and it is counted since
// the transaction commits.
core::Result<CheckedReset> CheckFirst(
    const AuthContext& context, const std::string& email, std::string_view code, core::TimePoint now
) {
    core::Result<CheckedReset> outcome = InvalidOtp("unknown or disabled account");
    context.store.Transact([&](store::StoreTransaction& transaction) {
        std::optional<store::UserRecord> user = transaction.FindUserByEmail(email);
        if (!user || !user->is_active) {
            outcome = InvalidOtp("unknown or disabled account");
            return;
        }
        core::Result<store::CodeRecord> checked =
            CheckCode(context, transaction, *user, store::CodePurpose::kResetPassword, code, now);
        if (!checked) {
            outcome = checked.error();
            return;
        }
        outcome = CheckedReset{.user = *std::move(user), .code_id = checked->id};
    });
    return outcome;
}

// Second pass, under the code's row lock: the same code must still be current (not consumed by
// a racing request, not replaced, not voided by wrong tries meanwhile).
bool StillCurrent(
    store::StoreTransaction& transaction, const CheckedReset& checked, core::TimePoint now
) {
    const std::optional<store::UserRecord> user = transaction.FindUserById(checked.user.id);
    if (!user || !user->is_active) {
        return false;
    }
    const std::optional<store::CodeRecord> code =
        transaction.FindCurrentCode(checked.user.id, store::CodePurpose::kResetPassword);
    return code && code->id == checked.code_id && code->failed_attempts < kMaxCodeAttempts &&
           now < code->expires_at;
}

}  // namespace

core::Result<core::Done> ResetPasswordWithCode(
    const AuthContext& context,
    std::string_view email,
    std::string_view code,
    std::string_view new_password
) {
    const std::string normalized = NormalizeEmail(email);
    if (auto strong = context.passwords.Check(new_password, normalized, "new_password"); !strong) {
        return strong.error();
    }
    if (!ValidateEmail(normalized)) {
        return InvalidOtp("malformed email");  // an unknown email: the one answer
    }
    const core::TimePoint now = context.clock.Now();
    const core::Result<CheckedReset> checked = CheckFirst(context, normalized, code, now);
    if (!checked) {
        return checked.error();
    }
    // Hashed outside any transaction: a transaction must never wait 260 ms on bcrypt.
    const std::string hashed = context.hasher.Hash(new_password);
    core::Result<core::Done> outcome = core::Done{};
    context.store.Transact([&](store::StoreTransaction& transaction) {
        if (!StillCurrent(transaction, *checked, now)) {
            outcome = InvalidOtp("code used or replaced meanwhile");
            return;
        }
        // New hash, verified, token_version + 1: every earlier token is rejected from now on.
        transaction.ResetPassword(checked->user.id, hashed);
        (void)transaction.Sessions().RevokeUserSessions(checked->user.id, now);  // refresh too
        transaction.ConsumeCode(checked->code_id, now);
        const std::string changed_at = core::FormatRfc3339(now);
        transaction.EnqueueMail(
            MakeUserMail(
                checked->user,
                kPasswordChangedTemplate,
                {{"changed_at", std::string_view(changed_at)}}
            ),
            now
        );
        outcome = core::Done{};
    });
    if (outcome) {
        core::LogInfo(
            "security event",
            {{"event", std::string("password_reset")}, {"user_id", checked->user.id}}
        );
    }
    return outcome;
}

}  // namespace clockko::auth
