#include "store/sqlite/sqlite_sessions.hpp"

#include "core/error.hpp"

namespace clockko::store::sqlite {
namespace {

std::optional<core::TimePoint> OptionalTime(const std::optional<std::string>& cell) {
    if (!cell) {
        return std::nullopt;
    }
    return sql::ParseTimestamp(*cell);
}

// Both session queries select the columns in this order.
std::optional<SessionRecord> ReadSession(const sql::Rows& rows) {
    if (rows.Empty()) {
        return std::nullopt;
    }
    SessionRecord session;
    session.id = rows.Int64(0, 0);
    session.family_id = rows.Text(0, 1);
    const std::string user_id = rows.Text(0, 2);
    session.user_id = sql::CanonicalUuid(user_id).value_or(user_id);
    session.token_hash = rows.Text(0, 3);
    session.created_at = sql::ParseTimestamp(rows.Text(0, 4));
    session.expires_at = sql::ParseTimestamp(rows.Text(0, 5));
    session.rotated_at = OptionalTime(rows.Cell(0, 6));
    if (rows.Cell(0, 7)) {
        session.successor_id = rows.Int64(0, 7);
    }
    session.revoked_at = OptionalTime(rows.Cell(0, 8));
    return session;
}

std::string RequireCompact(std::string_view id) {
    auto compact = sql::CompactUuid(id);
    if (!compact) {
        throw core::StoreFailure("sqlite: a session's user id is not a UUID");
    }
    return *std::move(compact);
}

}  // namespace

std::int64_t SqliteSessions::InsertSession(const SessionRecord& session) {
    static constexpr sql::Statement kInsert{
        "insert_session",
        "INSERT INTO refresh_sessions (family_id, user_id, token_hash, created_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id"};
    const std::string user_id = RequireCompact(session.user_id);
    const std::string created_at = sql::FormatTimestamp(session.created_at);
    const std::string expires_at = sql::FormatTimestamp(session.expires_at);
    const sql::Rows rows = connection_->Query(
        kInsert, {session.family_id, user_id, session.token_hash, created_at, expires_at}
    );
    return rows.Int64(0, 0);
}

std::optional<SessionRecord> SqliteSessions::FindSessionByTokenHash(std::string_view token_hash) {
    static constexpr sql::Statement kFind{
        "find_session_by_hash",
        "SELECT "
        "id, family_id, user_id, token_hash, created_at, expires_at, rotated_at, successor_id, "
        "revoked_at FROM refresh_sessions WHERE token_hash = ?1"};
    return ReadSession(connection_->Query(kFind, {token_hash}));
}

std::optional<SessionRecord> SqliteSessions::FindSessionById(std::int64_t id) {
    static constexpr sql::Statement kFind{
        "find_session_by_id",
        "SELECT "
        "id, family_id, user_id, token_hash, created_at, expires_at, rotated_at, successor_id, "
        "revoked_at FROM refresh_sessions WHERE id = ?1"};
    return ReadSession(connection_->Query(kFind, {id}));
}

void SqliteSessions::MarkSessionRotated(
    std::int64_t id, std::int64_t successor_id, core::TimePoint now
) {
    static constexpr sql::Statement kRotate{
        "rotate_session",
        "UPDATE refresh_sessions SET rotated_at = ?3, successor_id = ?2 WHERE id = ?1"};
    connection_->Execute(kRotate, {id, successor_id, sql::FormatTimestamp(now)});
}

std::int64_t SqliteSessions::RevokeSessionFamily(std::string_view family_id, core::TimePoint now) {
    static constexpr sql::Statement kRevokeFamily{
        "revoke_session_family",
        "UPDATE refresh_sessions SET revoked_at = ?2 WHERE family_id = ?1 AND revoked_at IS NULL"};
    return connection_->Execute(kRevokeFamily, {family_id, sql::FormatTimestamp(now)});
}

std::int64_t SqliteSessions::RevokeUserSessions(std::string_view user_id, core::TimePoint now) {
    static constexpr sql::Statement kRevokeUser{
        "revoke_user_sessions",
        "UPDATE refresh_sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL"};
    const auto compact = sql::CompactUuid(user_id);
    if (!compact) {
        return 0;
    }
    return connection_->Execute(kRevokeUser, {*compact, sql::FormatTimestamp(now)});
}

std::int64_t SqliteSessions::PurgeExpiredSessions(std::string_view user_id, core::TimePoint now) {
    static constexpr sql::Statement kPurge{
        "purge_expired_sessions",
        "DELETE FROM refresh_sessions WHERE user_id = ?1 AND expires_at < ?2"};
    const auto compact = sql::CompactUuid(user_id);
    if (!compact) {
        return 0;
    }
    return connection_->Execute(kPurge, {*compact, sql::FormatTimestamp(now)});
}

void SqliteSessions::RaiseTokenVersion(std::string_view user_id) {
    static constexpr sql::Statement kRaise{
        "raise_token_version", "UPDATE users SET token_version = token_version + 1 WHERE id = ?1"};
    connection_->Execute(kRaise, {RequireCompact(user_id)});
}

}  // namespace clockko::store::sqlite
