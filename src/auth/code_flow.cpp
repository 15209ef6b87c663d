#include "auth/code_flow.hpp"

#include "auth/utf8.hpp"

namespace clockko::auth {

core::Error InvalidOtp(std::string log) {
    core::Error error = core::MakeError(core::ErrorCode::kInvalidOtp, "Invalid or expired code");
    error.log = std::move(log);
    return error;
}

namespace {

// Only for the security log of a refused request: one read, on both paths alike.
std::string UserIdForLog(const AuthContext& context, std::string_view email) {
    std::string user_id;
    context.store.Transact([&](store::StoreTransaction& transaction) {
        const std::optional<store::UserRecord> user = transaction.FindUserByEmail(email);
        user_id = user ? user->id : std::string();
    });
    return user_id;
}

}  // namespace

core::Result<core::Done> ThrottleCodeRequest(
    const AuthContext& context,
    store::CodePurpose purpose,
    std::string_view email,
    std::string_view client_address,
    core::TimePoint now
) {
    const auto refusal = context.throttle.CountCodeRequest(purpose, email, client_address, now);
    if (refusal) {
        return Throttled(*refusal, UserIdForLog(context, email), client_address);
    }
    return core::Done{};
}

core::Result<core::Done> ThrottledCodeCheck(
    const AuthContext& context,
    store::CodePurpose purpose,
    std::string_view email,
    std::string_view client_address,
    core::TimePoint now,
    const std::function<core::Result<core::Done>(std::string& user_id)>& check
) {
    if (const auto refusal = context.throttle.CodeCheckRefusal(email, client_address, now)) {
        return Throttled(*refusal, UserIdForLog(context, email), client_address);
    }
    std::string user_id;
    core::Result<core::Done> outcome = check(user_id);
    if (!outcome && (outcome.error().code == core::ErrorCode::kInvalidOtp ||
                     outcome.error().code == core::ErrorCode::kTooManyAttempts)) {
        context.throttle.CountCodeFailure(email, client_address, now);
        LogCodeFailure(purpose, outcome.error(), user_id, client_address);
    }
    return outcome;
}

core::TimePoint FloorToSeconds(core::TimePoint time) {
    return std::chrono::floor<std::chrono::seconds>(time);
}

std::string IssueCode(
    const AuthContext& context,
    store::StoreTransaction& transaction,
    const store::UserRecord& user,
    store::CodePurpose purpose,
    core::TimePoint now
) {
    std::string code = GenerateCode(context.random);
    store::CodeRecord record;
    record.user_id = user.id;
    record.purpose = purpose;
    record.code_hash = context.codes.Hash(user.id, purpose, code);
    record.created_at = FloorToSeconds(now);
    record.expires_at = record.created_at + context.otp_lifetime;
    transaction.ReplaceCode(record);
    return code;
}

core::Result<store::CodeRecord> CheckCode(
    const AuthContext& context,
    store::StoreTransaction& transaction,
    const store::UserRecord& user,
    store::CodePurpose purpose,
    std::string_view code,
    core::TimePoint now
) {
    std::optional<store::CodeRecord> current = transaction.FindCurrentCode(user.id, purpose);
    if (!current) {
        return InvalidOtp("no current code");
    }
    if (current->failed_attempts >= kMaxCodeAttempts) {
        core::Error error = core::MakeError(
            core::ErrorCode::kTooManyAttempts, "Too many wrong codes: request a new code"
        );
        error.retry_after_seconds = static_cast<int>(context.too_many_attempts_retry_after.count());
        return error;
    }
    if (now >= current->expires_at) {
        return InvalidOtp("code expired");
    }
    if (!context.codes.Matches(user.id, purpose, TrimAscii(code), current->code_hash)) {
        transaction.RecordFailedAttempt(current->id);
        return InvalidOtp("wrong code");
    }
    return *std::move(current);
}

}  // namespace clockko::auth
