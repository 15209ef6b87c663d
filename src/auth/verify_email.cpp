#include "auth/auth_context.hpp"
#include "auth/code_flow.hpp"
#include "auth/email.hpp"

namespace clockko::auth {

core::Result<core::Done> ConfirmEmail(
    const AuthContext& context, std::string_view email, std::string_view code
) {
    const std::string normalized = NormalizeEmail(email);
    if (!ValidateEmail(normalized)) {
        return InvalidOtp("malformed email");  // an unknown email: the one answer
    }
    const core::TimePoint now = context.clock.Now();
    core::Result<core::Done> outcome = core::Done{};
    // Returning normally commits, so a failed attempt is recorded even when the answer is an error.
    context.store.Transact([&](store::StoreTransaction& transaction) {
        const std::optional<store::UserRecord> user = transaction.FindUserByEmail(normalized);
        if (!user || !user->is_active) {
            outcome = InvalidOtp("unknown or disabled account");
            return;
        }
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

}  // namespace clockko::auth
