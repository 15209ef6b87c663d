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
    const AuthContext& context,
    const std::string& email,
    std::string_view code,
    core::TimePoint now,
    std::string& user_id
) {
    core::Result<CheckedReset> outcome = InvalidOtp("unknown or disabled account");
    context.store.Transact([&](store::StoreTransaction& transaction) {
        std::optional<store::UserRecord> user = transaction.FindUserByEmail(email);
        if (!user || !user->is_active) {
            outcome = InvalidOtp("unknown or disabled account");
            return;
        }
        user_id = user->id;
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

// Hashed outside any transaction: a transaction must never wait 260 ms on bcrypt.
core::Result<core::Done> ApplyReset(
    const AuthContext& context,
    const CheckedReset& checked,
    std::string_view new_password,
    std::string_view client_address,
    core::TimePoint now
) {
    const std::string hashed = context.hasher.Hash(new_password);
    core::Result<core::Done> outcome = core::Done{};
    context.store.Transact([&](store::StoreTransaction& transaction) {
        if (!StillCurrent(transaction, checked, now)) {
            outcome = InvalidOtp("code used or replaced meanwhile");
            return;
        }
        // New hash, verified, token_version + 1: every earlier token is rejected from now on.
        transaction.ResetPassword(checked.user.id, hashed);
        (void)transaction.Sessions().RevokeUserSessions(checked.user.id, now);  // refresh too
        transaction.ConsumeCode(checked.code_id, now);
        const std::string changed_at = core::FormatRfc3339(now);
        transaction.EnqueueMail(
            MakeUserMail(
                checked.user,
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
            {{"event", std::string("password_reset")},
             {"user_id", checked.user.id},
             {"client_ip", std::string(client_address)}}
        );
    }
    return outcome;
}

}  // namespace

core::Result<core::Done> ResetPasswordWithCode(
    const AuthContext& context,
    std::string_view email,
    std::string_view code,
    std::string_view new_password,
    std::string_view client_address
) {
    const std::string normalized = NormalizeEmail(email);
    if (auto strong = context.passwords.Check(new_password, normalized, "new_password"); !strong) {
        return strong.error();
    }
    const core::TimePoint now = context.clock.Now();
    std::optional<CheckedReset> checked;
    core::Result<core::Done> first = ThrottledCodeCheck(
        context,
        store::CodePurpose::kResetPassword,
        normalized,
        client_address,
        now,
        [&](std::string& user_id) -> core::Result<core::Done> {
            if (!ValidateEmail(normalized)) {
                return InvalidOtp("malformed email");  // an unknown email: the one answer
            }
            core::Result<CheckedReset> found = CheckFirst(context, normalized, code, now, user_id);
            if (!found) {
                return found.error();
            }
            checked = *std::move(found);
            return core::Done{};
        }
    );
    if (!first) {
        return first.error();
    }
    return ApplyReset(context, *checked, new_password, client_address, now);
}

}  // namespace clockko::auth
