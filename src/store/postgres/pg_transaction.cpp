#include "store/postgres/pg_transaction.hpp"

#include "core/error.hpp"

namespace clockko::store::postgres {
namespace {

// Both user queries select the columns ReadUser expects, in its order. Booleans the original
// backend may have left NULL read as its model's defaults; times come as epoch microseconds of
// the UTC `timestamp` so that no session setting (DateStyle, TimeZone) changes them.
UserRecord ReadUser(const sql::Rows& rows) {
    UserRecord user;
    user.id = rows.Text(0, 0);
    user.email = rows.Text(0, 1);
    user.username = rows.Text(0, 2);
    user.full_name = rows.Cell(0, 3);
    user.phone_number = rows.Cell(0, 4);
    user.hashed_password = rows.Text(0, 5);
    user.is_active = rows.Bool(0, 6);
    user.is_verified = rows.Bool(0, 7);
    user.otp_verified = rows.Bool(0, 8);
    user.created_at = rows.Cell(0, 9) ? sql::FromUnixMicros(rows.Int64(0, 9)) : core::TimePoint{};
    user.token_version = rows.Int64(0, 10);
    return user;
}

std::string RequireUuid(std::string_view id) {
    auto canonical = sql::CanonicalUuid(id);
    if (!canonical) {
        throw core::StoreFailure("postgres: a user id is not a UUID");
    }
    return *std::move(canonical);
}

std::int64_t Flag(bool value) {
    return value ? 1 : 0;
}

}  // namespace

std::optional<UserRecord> FindUserById(Connection& connection, std::string_view id) {
    static constexpr sql::Statement kFindUserById{
        "find_user_by_id",
        "SELECT id::text, email, username, full_name, phone_number, hashed_password, "
        "COALESCE(is_active, true), COALESCE(is_verified, false), COALESCE(otp_verified, false), "
        "(EXTRACT(EPOCH FROM created_at) * 1000000)::bigint, token_version "
        "FROM users WHERE id = $1::uuid"};
    // Checked here: a malformed uuid would be an error that aborts the transaction.
    const auto canonical = sql::CanonicalUuid(id);
    if (!canonical) {
        return std::nullopt;
    }
    const sql::Rows rows = connection.Query(kFindUserById, {*canonical});
    if (rows.Empty()) {
        return std::nullopt;
    }
    return ReadUser(rows);
}

std::optional<UserRecord> PgTransaction::FindUserByEmail(std::string_view email) {
    // Rows the original backend stored with capitals or spaces match too (expression index
    // ix_users_email_normalised); an exact match wins if the old data holds both spellings.
    static constexpr sql::Statement kFindUserByEmail{
        "find_user_by_email",
        "SELECT id::text, email, username, full_name, phone_number, hashed_password, "
        "COALESCE(is_active, true), COALESCE(is_verified, false), COALESCE(otp_verified, false), "
        "(EXTRACT(EPOCH FROM created_at) * 1000000)::bigint, token_version "
        "FROM users WHERE lower(btrim(email)) = $1::text "
        "ORDER BY email = $1::text DESC, created_at LIMIT 1"};
    const sql::Rows rows = connection_->Query(kFindUserByEmail, {email});
    if (rows.Empty()) {
        return std::nullopt;
    }
    return ReadUser(rows);
}

std::optional<UserRecord> PgTransaction::FindUserById(std::string_view id) {
    return postgres::FindUserById(*connection_, id);
}

bool PgTransaction::UsernameExists(std::string_view username) {
    static constexpr sql::Statement kUsernameExists{
        "username_exists", "SELECT 1 FROM users WHERE username = $1::text LIMIT 1"};
    return !connection_->Query(kUsernameExists, {username}).Empty();
}

InsertUserOutcome PgTransaction::InsertUser(const UserRecord& user) {
    // DO NOTHING instead of a unique violation keeps the transaction usable. A concurrent
    // insert of the same email waits for the other transaction, then conflicts once it commits.
    static constexpr sql::Statement kInsertUser{
        "insert_user",
        "INSERT INTO users (id, username, email, full_name, phone_number, hashed_password, "
        "otp_verified, is_active, created_at, is_verified, token_version) "
        "VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::int::boolean, $8::int::boolean, "
        "$9::timestamp, $10::int::boolean, $11::bigint) ON CONFLICT DO NOTHING RETURNING id"};
    // The unique index compares stored text: a legacy row spelt with capitals is found here.
    if (FindUserByEmail(user.email)) {
        return InsertUserOutcome::kEmailTaken;
    }
    const std::string id = RequireUuid(user.id);
    const std::string created_at = sql::FormatTimestamp(user.created_at);
    const std::int64_t inserted = connection_->Execute(
        kInsertUser,
        {id,
         user.username,
         user.email,
         sql::OptionalText(user.full_name),
         sql::OptionalText(user.phone_number),
         user.hashed_password,
         Flag(user.otp_verified),
         Flag(user.is_active),
         created_at,
         Flag(user.is_verified),
         user.token_version}
    );
    if (inserted == 1) {
        return InsertUserOutcome::kInserted;
    }
    // Read committed: these statements see the row of the transaction that won the race.
    if (FindUserByEmail(user.email)) {
        return InsertUserOutcome::kEmailTaken;
    }
    if (UsernameExists(user.username)) {
        return InsertUserOutcome::kUsernameTaken;
    }
    throw core::StoreFailure("postgres insert_user: conflict on neither email nor username");
}

void PgTransaction::UpdatePasswordHash(std::string_view user_id, std::string_view hashed_password) {
    static constexpr sql::Statement kUpdatePasswordHash{
        "update_password_hash", "UPDATE users SET hashed_password = $2 WHERE id = $1::uuid"};
    connection_->Execute(kUpdatePasswordHash, {RequireUuid(user_id), hashed_password});
}

void PgTransaction::MarkVerified(std::string_view user_id) {
    static constexpr sql::Statement kMarkVerified{
        "mark_verified",
        "UPDATE users SET is_verified = true, otp_verified = true WHERE id = $1::uuid"};
    connection_->Execute(kMarkVerified, {RequireUuid(user_id)});
}

void PgTransaction::ResetPassword(std::string_view user_id, std::string_view hashed_password) {
    static constexpr sql::Statement kResetPassword{
        "reset_password",
        "UPDATE users SET hashed_password = $2, is_verified = true, otp_verified = true, "
        "token_version = token_version + 1 WHERE id = $1::uuid"};
    connection_->Execute(kResetPassword, {RequireUuid(user_id), hashed_password});
}

void PgTransaction::ReplaceCode(const CodeRecord& code) {
    static constexpr sql::Statement kVoidCodes{
        "void_codes",
        "UPDATE one_time_codes SET voided_at = $3::timestamp WHERE user_id = $1::uuid "
        "AND purpose = $2::text AND consumed_at IS NULL AND voided_at IS NULL"};
    static constexpr sql::Statement kInsertCode{
        "insert_code",
        "INSERT INTO one_time_codes (user_id, purpose, code_hash, created_at, expires_at, "
        "failed_attempts) VALUES ($1::uuid, $2, $3, $4::timestamp, $5::timestamp, $6::int)"};
    const std::string user_id = RequireUuid(code.user_id);
    const std::string_view purpose = sql::PurposeName(code.purpose);
    const std::string created_at = sql::FormatTimestamp(code.created_at);
    connection_->Execute(kVoidCodes, {user_id, purpose, created_at});
    connection_->Execute(
        kInsertCode,
        {user_id,
         purpose,
         code.code_hash,
         created_at,
         sql::FormatTimestamp(code.expires_at),
         std::int64_t{code.failed_attempts}}
    );
}

std::optional<CodeRecord> PgTransaction::FindCurrentCode(
    std::string_view user_id, CodePurpose purpose
) {
    // FOR UPDATE: two checks of one code (two instances) count their attempts one after the
    // other.
    static constexpr sql::Statement kFindCurrentCode{
        "find_current_code",
        "SELECT id, code_hash, (EXTRACT(EPOCH FROM created_at) * 1000000)::bigint, "
        "(EXTRACT(EPOCH FROM expires_at) * 1000000)::bigint, failed_attempts "
        "FROM one_time_codes WHERE user_id = $1::uuid AND purpose = $2::text "
        "AND consumed_at IS NULL AND voided_at IS NULL "
        "ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE"};
    const auto canonical = sql::CanonicalUuid(user_id);
    if (!canonical) {
        return std::nullopt;
    }
    const sql::Rows rows =
        connection_->Query(kFindCurrentCode, {*canonical, sql::PurposeName(purpose)});
    if (rows.Empty()) {
        return std::nullopt;
    }
    CodeRecord code;
    code.id = rows.Int64(0, 0);
    code.user_id = *canonical;
    code.purpose = purpose;
    code.code_hash = rows.Text(0, 1);
    code.created_at = sql::FromUnixMicros(rows.Int64(0, 2));
    code.expires_at = sql::FromUnixMicros(rows.Int64(0, 3));
    code.failed_attempts = static_cast<int>(rows.Int64(0, 4));
    return code;
}

void PgTransaction::RecordFailedAttempt(std::int64_t code_id) {
    static constexpr sql::Statement kRecordFailedAttempt{
        "record_failed_attempt",
        "UPDATE one_time_codes SET failed_attempts = failed_attempts + 1 WHERE id = $1::bigint"};
    connection_->Execute(kRecordFailedAttempt, {code_id});
}

void PgTransaction::ConsumeCode(std::int64_t code_id, core::TimePoint now) {
    static constexpr sql::Statement kConsumeCode{
        "consume_code",
        "UPDATE one_time_codes SET consumed_at = $2::timestamp WHERE id = $1::bigint "
        "AND consumed_at IS NULL"};
    connection_->Execute(kConsumeCode, {code_id, sql::FormatTimestamp(now)});
}

void PgTransaction::EnqueueMail(const OutgoingMail& mail, core::TimePoint now) {
    static constexpr sql::Statement kEnqueueMail{
        "enqueue_mail",
        "INSERT INTO outbox (recipient, template_name, parameters_json, status, attempts, "
        "next_attempt_at, created_at) VALUES ($1, $2, $3, 'pending', 0, $4::timestamp, "
        "$4::timestamp)"};
    connection_->Execute(
        kEnqueueMail,
        {mail.recipient, mail.template_name, mail.parameters_json, sql::FormatTimestamp(now)}
    );
}

}  // namespace clockko::store::postgres
