#include "auth/auth_context.hpp"
#include "auth/code_flow.hpp"
#include "auth/email.hpp"
#include "auth/mail_templates.hpp"

namespace clockko::auth {

core::Result<core::Done> RequestVerificationCode(
    const AuthContext& context, std::string_view email, std::string_view client_address
) {
    core::Result<std::string> normalized = NormalizeAndValidateEmail(email);
    if (!normalized) {
        return normalized.error();
    }
    const core::TimePoint now = context.clock.Now();
    core::Result<core::Done> allowed = ThrottleCodeRequest(
        context, store::CodePurpose::kVerifyEmail, *normalized, client_address, now
    );
    if (!allowed) {
        return allowed.error();
    }
    context.store.Transact([&](store::StoreTransaction& transaction) {
        const std::optional<store::UserRecord> user = transaction.FindUserByEmail(*normalized);
        // The caller learns nothing either way: the answer is the same success.
        if (!user || !user->is_active || user->is_verified) {
            return;
        }
        const std::string code =
            IssueCode(context, transaction, *user, store::CodePurpose::kVerifyEmail, now);
        transaction.EnqueueMail(
            MakeUserMail(
                *user,
                kVerifyCodeTemplate,
                {{"code", std::string_view(code)},
                 {"expires_minutes", std::int64_t{context.otp_lifetime.count()}}}
            ),
            now
        );
    });
    return core::Done{};
}

}  // namespace clockko::auth
