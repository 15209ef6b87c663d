#include "auth/auth_context.hpp"
#include "auth/code_flow.hpp"
#include "auth/email.hpp"

namespace clockko::auth {
namespace {

core::Result<core::Done> CheckAndVerify(
    const AuthContext& context,
    const std::string& email,
    std::string_view code,
    core::TimePoint now,
    std::string& user_id
) {
    if (!ValidateEmail(email)) {
        return InvalidOtp("malformed email");  // an unknown email: the one answer
    }
    core::Result<core::Done> outcome = core::Done{};
    // Returning normally commits, so a failed attempt is recorded even when the answer is an error.
    context.store.Transact([&](store::StoreTransaction& transaction) {
        const std::optional<store::UserRecord> user = transaction.FindUserByEmail(email);
        if (!user || !user->is_active) {
            outcome = InvalidOtp("unknown or disabled account");
            return;
        }
        user_id = user->id;
        core::Result<store::CodeRecord> checked =
            CheckCode(context, transaction, *user, store::CodePurpose::kVerifyEmail, code, now);
        if (!checked) {
            outcome = checked.error();
            return;
        }
        transaction.MarkVerified(user->id);
        transaction.ConsumeCode(checked->id, now);
        outcome = core::Done{};
    });
    return outcome;
}

}  // namespace

core::Result<core::Done> ConfirmEmail(
    const AuthContext& context,
    std::string_view email,
    std::string_view code,
    std::string_view client_address
) {
    const std::string normalized = NormalizeEmail(email);
    const core::TimePoint now = context.clock.Now();
    return ThrottledCodeCheck(
        context,
        store::CodePurpose::kVerifyEmail,
        normalized,
        client_address,
        now,
        [&](std::string& user_id) {
            return CheckAndVerify(context, normalized, code, now, user_id);
        }
    );
}

}  // namespace clockko::auth
