#include "core/error.hpp"
#include "store/postgres/pg_sessions.hpp"

namespace clockko::store::postgres {
namespace {

std::optional<core::TimePoint> OptionalMicros(const sql::Rows& rows, std::size_t column) {
    if (!rows.Cell(0, column)) {
        return std::nullopt;
    }
    return sql::FromUnixMicros(rows.Int64(0, column));
}

// Both session queries select the columns in this order; times as epoch microseconds of the
// UTC `timestamp`, so that no session setting changes them.
std::optional<SessionRecord> ReadSession(const sql::Rows& rows) {
    if (rows.Empty()) {
        return std::nullopt;
    }
    SessionRecord session;
    session.id = rows.Int64(0, 0);
    session.family_id = rows.Text(0, 1);
    session.user_id = rows.Text(0, 2);
    session.token_hash = rows.Text(0, 3);
    session.created_at = sql::FromUnixMicros(rows.Int64(0, 4));
    session.expires_at = sql::FromUnixMicros(rows.Int64(0, 5));
    session.rotated_at = OptionalMicros(rows, 6);
    if (rows.Cell(0, 7)) {
        session.successor_id = rows.Int64(0, 7);
    }
    session.revoked_at = OptionalMicros(rows, 8);
    return session;
}

std::string RequireUuid(std::string_view id, const char* what) {
    auto canonical = sql::CanonicalUuid(id);
    if (!canonical) {
        throw core::StoreFailure(std::string("postgres: ") + what + " is not a UUID");
    }
    return *std::move(canonical);
}

}  // namespace

std::int64_t PgSessions::InsertSession(const SessionRecord& session) {
    static constexpr sql::Statement kInsert{
        "insert_session",
        "INSERT INTO refresh_sessions (family_id, user_id, token_hash, created_at, expires_at) "
        "VALUES ($1::uuid, $2::uuid, $3::text, $4::timestamp, $5::timestamp) RETURNING id"};
    const std::string family_id = RequireUuid(session.family_id, "a session family id");
    const std::string user_id = RequireUuid(session.user_id, "a session's user id");
    const std::string created_at = sql::FormatTimestamp(session.created_at);
    const std::string expires_at = sql::FormatTimestamp(session.expires_at);
    const sql::Rows rows = connection_->Query(
        kInsert, {family_id, user_id, session.token_hash, created_at, expires_at}
    );
    return rows.Int64(0, 0);
}

std::optional<SessionRecord> PgSessions::FindSessionByTokenHash(std::string_view token_hash) {
    static constexpr sql::Statement kFind{
        "find_session_by_hash",
        "SELECT id, family_id::text, user_id::text, token_hash, "
        "(EXTRACT(EPOCH FROM created_at) * 1000000)::bigint, "
        "(EXTRACT(EPOCH FROM expires_at) * 1000000)::bigint, "
        "(EXTRACT(EPOCH FROM rotated_at) * 1000000)::bigint, successor_id, "
        "(EXTRACT(EPOCH FROM revoked_at) * 1000000)::bigint "
        "FROM refresh_sessions WHERE token_hash = $1::text FOR UPDATE"};
    return ReadSession(connection_->Query(kFind, {token_hash}));
}

std::optional<SessionRecord> PgSessions::FindSessionById(std::int64_t id) {
    static constexpr sql::Statement kFind{
        "find_session_by_id",
        "SELECT id, family_id::text, user_id::text, token_hash, "
        "(EXTRACT(EPOCH FROM created_at) * 1000000)::bigint, "
        "(EXTRACT(EPOCH FROM expires_at) * 1000000)::bigint, "
        "(EXTRACT(EPOCH FROM rotated_at) * 1000000)::bigint, successor_id, "
        "(EXTRACT(EPOCH FROM revoked_at) * 1000000)::bigint "
        "FROM refresh_sessions WHERE id = $1::bigint FOR UPDATE"};
    return ReadSession(connection_->Query(kFind, {id}));
}

void PgSessions::MarkSessionRotated(
    std::int64_t id, std::int64_t successor_id, core::TimePoint now
) {
    static constexpr sql::Statement kRotate{
        "rotate_session",
        "UPDATE refresh_sessions SET rotated_at = $3::timestamp, successor_id = $2::bigint "
        "WHERE id = $1::bigint"};
    connection_->Execute(kRotate, {id, successor_id, sql::FormatTimestamp(now)});
}

std::int64_t PgSessions::RevokeSessionFamily(std::string_view family_id, core::TimePoint now) {
    static constexpr sql::Statement kRevokeFamily{
        "revoke_session_family",
        "UPDATE refresh_sessions SET revoked_at = $2::timestamp "
        "WHERE family_id = $1::uuid AND revoked_at IS NULL"};
    const auto canonical = sql::CanonicalUuid(family_id);
    if (!canonical) {
        return 0;  // a malformed uuid would abort the transaction
    }
    return connection_->Execute(kRevokeFamily, {*canonical, sql::FormatTimestamp(now)});
}

std::int64_t PgSessions::RevokeUserSessions(std::string_view user_id, core::TimePoint now) {
    static constexpr sql::Statement kRevokeUser{
        "revoke_user_sessions",
        "UPDATE refresh_sessions SET revoked_at = $2::timestamp "
        "WHERE user_id = $1::uuid AND revoked_at IS NULL"};
    const auto canonical = sql::CanonicalUuid(user_id);
    if (!canonical) {
        return 0;
    }
    return connection_->Execute(kRevokeUser, {*canonical, sql::FormatTimestamp(now)});
}

std::int64_t PgSessions::PurgeExpiredSessions(std::string_view user_id, core::TimePoint now) {
    static constexpr sql::Statement kPurge{
        "purge_expired_sessions",
        "DELETE FROM refresh_sessions WHERE user_id = $1::uuid AND expires_at < $2::timestamp"};
    const auto canonical = sql::CanonicalUuid(user_id);
    if (!canonical) {
        return 0;
    }
    return connection_->Execute(kPurge, {*canonical, sql::FormatTimestamp(now)});
}

void PgSessions::RaiseTokenVersion(std::string_view user_id) {
    static constexpr sql::Statement kRaise{
        "raise_token_version",
        "UPDATE users SET token_version = token_version + 1 WHERE id = $1::uuid"};
    connection_->Execute(kRaise, {RequireUuid(user_id, "a user id")});
}

}  // namespace clockko::store::postgres
