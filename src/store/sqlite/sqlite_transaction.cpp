#include "store/sqlite/sqlite_transaction.hpp"

#include "core/error.hpp"

namespace clockko::store::sqlite {
namespace {

// Both user queries select the columns ReadUser expects, in its order. Booleans the original
// backend may have left NULL read as its model's defaults.
UserRecord ReadUser(const sql::Rows& rows) {
    UserRecord user;
    const std::string stored_id = rows.Text(0, 0);
    // SQLAlchemy wrote 32 hex digits; anything else is passed on as stored.
    user.id = sql::CanonicalUuid(stored_id).value_or(stored_id);
    user.email = rows.Text(0, 1);
    user.username = rows.Text(0, 2);
    user.full_name = rows.Cell(0, 3);
    user.phone_number = rows.Cell(0, 4);
    user.hashed_password = rows.Text(0, 5);
    user.is_active = rows.Bool(0, 6);
    user.is_verified = rows.Bool(0, 7);
    user.otp_verified = rows.Bool(0, 8);
    const auto& created_at = rows.Cell(0, 9);
    user.created_at = created_at ? sql::ParseTimestamp(*created_at) : core::TimePoint{};
    user.token_version = rows.Int64(0, 10);
    return user;
}

std::string RequireCompactId(std::string_view id) {
    auto compact = sql::CompactUuid(id);
    if (!compact) {
        throw core::StoreFailure("sqlite: a user id is not a UUID");
    }
    return *std::move(compact);
}

std::int64_t Flag(bool value) {
    return value ? 1 : 0;
}

}  // namespace

std::optional<UserRecord> FindUserById(Connection& connection, std::string_view id) {
    static constexpr sql::Statement kFindUserById{
        "find_user_by_id",
        "SELECT id, email, username, full_name, phone_number, hashed_password, "
        "COALESCE(is_active, 1), COALESCE(is_verified, 0), COALESCE(otp_verified, 0), "
        "created_at, token_version FROM users WHERE id = ?1"};
    const auto compact = sql::CompactUuid(id);
    if (!compact) {
        return std::nullopt;  // not an id at all (a forged token's sub): no such user
    }
    const sql::Rows rows = connection.Query(kFindUserById, {*compact});
    if (rows.Empty()) {
        return std::nullopt;
    }
    return ReadUser(rows);
}

std::optional<UserRecord> SqliteTransaction::FindUserByEmail(std::string_view email) {
    // Rows the original backend stored with capitals or spaces match too; an exact match wins
    // if the old data holds both spellings.
    static constexpr sql::Statement kFindUserByEmail{
        "find_user_by_email",
        "SELECT id, email, username, full_name, phone_number, hashed_password, "
        "COALESCE(is_active, 1), COALESCE(is_verified, 0), COALESCE(otp_verified, 0), "
        "created_at, token_version FROM users WHERE lower(trim(email)) = ?1 "
        "ORDER BY email = ?1 DESC, created_at LIMIT 1"};
    const sql::Rows rows = connection_->Query(kFindUserByEmail, {email});
    if (rows.Empty()) {
        return std::nullopt;
    }
    return ReadUser(rows);
}

std::optional<UserRecord> SqliteTransaction::FindUserById(std::string_view id) {
    return sqlite::FindUserById(*connection_, id);
}

bool SqliteTransaction::UsernameExists(std::string_view username) {
    static constexpr sql::Statement kUsernameExists{
        "username_exists", "SELECT 1 FROM users WHERE username = ?1 LIMIT 1"};
    return !connection_->Query(kUsernameExists, {username}).Empty();
}

InsertUserOutcome SqliteTransaction::InsertUser(const UserRecord& user) {
    // DO NOTHING turns a unique violation into "no row", which leaves the transaction usable.
    static constexpr sql::Statement kInsertUser{
        "insert_user",
        "INSERT INTO users (id, username, email, full_name, phone_number, hashed_password, "
        "otp_verified, is_active, created_at, is_verified, token_version) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING"};
    // The unique index compares stored text: a legacy row spelt with capitals is found here.
    if (FindUserByEmail(user.email)) {
        return InsertUserOutcome::kEmailTaken;
    }
    const std::string id = RequireCompactId(user.id);
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
    if (UsernameExists(user.username)) {
        return InsertUserOutcome::kUsernameTaken;
    }
    throw core::StoreFailure("sqlite insert_user: conflict on neither email nor username");
}

void SqliteTransaction::UpdatePasswordHash(
    std::string_view user_id, std::string_view hashed_password
) {
    static constexpr sql::Statement kUpdatePasswordHash{
        "update_password_hash", "UPDATE users SET hashed_password = ?2 WHERE id = ?1"};
    connection_->Execute(kUpdatePasswordHash, {RequireCompactId(user_id), hashed_password});
}

void SqliteTransaction::MarkVerified(std::string_view user_id) {
    static constexpr sql::Statement kMarkVerified{
        "mark_verified", "UPDATE users SET is_verified = 1, otp_verified = 1 WHERE id = ?1"};
    connection_->Execute(kMarkVerified, {RequireCompactId(user_id)});
}

void SqliteTransaction::ResetPassword(std::string_view user_id, std::string_view hashed_password) {
    static constexpr sql::Statement kResetPassword{
        "reset_password",
        "UPDATE users SET hashed_password = ?2, is_verified = 1, otp_verified = 1, "
        "token_version = token_version + 1 WHERE id = ?1"};
    connection_->Execute(kResetPassword, {RequireCompactId(user_id), hashed_password});
}

void SqliteTransaction::ReplaceCode(const CodeRecord& code) {
    static constexpr sql::Statement kVoidCodes{
        "void_codes",
        "UPDATE one_time_codes SET voided_at = ?3 WHERE user_id = ?1 AND purpose = ?2 "
        "AND consumed_at IS NULL AND voided_at IS NULL"};
    static constexpr sql::Statement kInsertCode{
        "insert_code",
        "INSERT INTO one_time_codes (user_id, purpose, code_hash, created_at, expires_at, "
        "failed_attempts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"};
    const std::string user_id = RequireCompactId(code.user_id);
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

std::optional<CodeRecord> SqliteTransaction::FindCurrentCode(
    std::string_view user_id, CodePurpose purpose
) {
    // No row lock needed: BEGIN IMMEDIATE already holds the database's write lock.
    static constexpr sql::Statement kFindCurrentCode{
        "find_current_code",
        "SELECT id, code_hash, created_at, expires_at, failed_attempts FROM one_time_codes "
        "WHERE user_id = ?1 AND purpose = ?2 AND consumed_at IS NULL AND voided_at IS NULL "
        "ORDER BY created_at DESC, id DESC LIMIT 1"};
    const auto compact = sql::CompactUuid(user_id);
    if (!compact) {
        return std::nullopt;
    }
    const sql::Rows rows =
        connection_->Query(kFindCurrentCode, {*compact, sql::PurposeName(purpose)});
    if (rows.Empty()) {
        return std::nullopt;
    }
    CodeRecord code;
    code.id = rows.Int64(0, 0);
    code.user_id = *sql::CanonicalUuid(*compact);
    code.purpose = purpose;
    code.code_hash = rows.Text(0, 1);
    code.created_at = sql::ParseTimestamp(rows.Text(0, 2));
    code.expires_at = sql::ParseTimestamp(rows.Text(0, 3));
    code.failed_attempts = static_cast<int>(rows.Int64(0, 4));
    return code;
}

void SqliteTransaction::RecordFailedAttempt(std::int64_t code_id) {
    static constexpr sql::Statement kRecordFailedAttempt{
        "record_failed_attempt",
        "UPDATE one_time_codes SET failed_attempts = failed_attempts + 1 WHERE id = ?1"};
    connection_->Execute(kRecordFailedAttempt, {code_id});
}

void SqliteTransaction::ConsumeCode(std::int64_t code_id, core::TimePoint now) {
    static constexpr sql::Statement kConsumeCode{
        "consume_code",
        "UPDATE one_time_codes SET consumed_at = ?2 WHERE id = ?1 AND consumed_at IS NULL"};
    connection_->Execute(kConsumeCode, {code_id, sql::FormatTimestamp(now)});
}

void SqliteTransaction::EnqueueMail(const OutgoingMail& mail, core::TimePoint now) {
    static constexpr sql::Statement kEnqueueMail{
        "enqueue_mail",
        "INSERT INTO outbox (recipient, template_name, parameters_json, status, attempts, "
        "next_attempt_at, created_at) VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?4)"};
    connection_->Execute(
        kEnqueueMail,
        {mail.recipient, mail.template_name, mail.parameters_json, sql::FormatTimestamp(now)}
    );
}

}  // namespace clockko::store::sqlite
