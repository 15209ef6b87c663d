#include "auth/code_flow.hpp"

#include "auth/utf8.hpp"

namespace clockko::auth {

core::Error InvalidOtp(std::string log) {
    core::Error error = core::MakeError(core::ErrorCode::kInvalidOtp, "Invalid or expired code");
    error.log = std::move(log);
    return error;
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
