#include "auth/auth_context.hpp"
#include "auth/code_flow.hpp"
#include "auth/email.hpp"
#include "auth/mail_templates.hpp"
#include "auth/username.hpp"
#include "core/log.hpp"

#include <optional>

namespace clockko::auth {
namespace {

struct CheckedRegistration {
    std::string email;
    std::optional<std::string> username;  ///< the client's choice, validated
};

// FastAPI reports every invalid field at once; so do we (the first one gives `detail`).
void Collect(std::optional<core::Error>& all, const core::Error& one) {
    if (!all) {
        all = one;
        return;
    }
    all->fields.insert(all->fields.end(), one.fields.begin(), one.fields.end());
}

core::Result<CheckedRegistration> CheckInput(
    const AuthContext& context, const RegisterInput& input
) {
    std::optional<core::Error> errors;
    CheckedRegistration checked;
    checked.email = NormalizeEmail(input.email);
    if (auto email = ValidateEmail(checked.email); !email) {
        Collect(errors, email.error());
    }
    if (auto password = context.passwords.Check(input.password, checked.email, "password");
        !password) {
        Collect(errors, password.error());
    }
    if (input.username) {
        if (auto username = ValidateUsername(*input.username); username) {
            checked.username = *std::move(username);
        } else {
            Collect(errors, username.error());
        }
    }
    if (errors) {
        return *std::move(errors);
    }
    return checked;
}

core::Error UsernameTaken() {
    return core::ValidationError("username", "is already taken", "value_error");
}

core::Error EmailTaken() {
    return core::MakeError(core::ErrorCode::kEmailTaken, "Email already registered");
}

// Runs inside the transaction: may run again on a retry, so it only assigns its outputs.
core::Result<store::UserRecord> InsertNewUser(
    const AuthContext& context,
    store::StoreTransaction& transaction,
    const CheckedRegistration& checked,
    store::UserRecord user
) {
    if (transaction.FindUserByEmail(user.email)) {
        return EmailTaken();
    }
    store::InsertUserOutcome outcome{};
    if (checked.username) {
        if (transaction.UsernameExists(*checked.username)) {
            return UsernameTaken();
        }
        user.username = *checked.username;
        outcome = transaction.InsertUser(user);
        if (outcome == store::InsertUserOutcome::kUsernameTaken) {
            return UsernameTaken();
        }
    } else {
        outcome = InsertWithDerivedUsername(
            transaction, user, UsernameBaseFromEmail(user.email), context.random
        );
        if (outcome == store::InsertUserOutcome::kUsernameTaken) {
            core::Error error =
                core::MakeError(core::ErrorCode::kInternal, "Internal Server Error");
            error.log = "no free username candidate";
            return error;
        }
    }
    if (outcome == store::InsertUserOutcome::kEmailTaken) {
        return EmailTaken();
    }
    return user;
}

}  // namespace

core::Result<UserProfile> RegisterUser(const AuthContext& context, const RegisterInput& input) {
    core::Result<CheckedRegistration> checked = CheckInput(context, input);
    if (!checked) {
        return checked.error();
    }
    // bcrypt before the transaction: a database transaction must never wait 260 ms on a hash.
    store::UserRecord user;
    user.email = checked->email;
    user.full_name = input.full_name;
    user.phone_number = input.phone_number;
    user.hashed_password = context.hasher.Hash(input.password);
    const core::TimePoint now = FloorToSeconds(context.clock.Now());
    user.created_at = now;

    std::optional<core::Result<store::UserRecord>> inserted;
    context.store.Transact([&](store::StoreTransaction& transaction) {
        user.id = core::RandomUuid(context.random);
        inserted = InsertNewUser(context, transaction, *checked, user);
        if (!inserted->has_value()) {
            return;
        }
        const std::string code =
            IssueCode(context, transaction, **inserted, store::CodePurpose::kVerifyEmail, now);
        transaction.EnqueueMail(
            MakeUserMail(
                **inserted,
                kWelcomeTemplate,
                {{"code", std::string_view(code)},
                 {"expires_minutes", std::int64_t{context.otp_lifetime.count()}}}
            ),
            now
        );
    });
    if (!inserted->has_value()) {
        return inserted->error();
    }
    core::LogDebug("user registered", {{"user_id", (*inserted)->id}});
    return ToProfile(**inserted);
}

}  // namespace clockko::auth
