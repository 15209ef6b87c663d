#pragma once

#include "core/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clockko::store {

/// A row of `refresh_sessions`: one refresh token, stored only as a hash. The tokens of one
/// login share a `family_id`; each refresh rotates the live token into its successor.
struct SessionRecord {
    std::int64_t id = 0;
    std::string family_id;   ///< canonical UUID
    std::string user_id;     ///< canonical UUID
    std::string token_hash;  ///< lower-case hex SHA-256 of the token
    core::TimePoint created_at;
    core::TimePoint expires_at;
    std::optional<core::TimePoint> rotated_at;  ///< set once, when its successor is issued
    std::optional<std::int64_t> successor_id;   ///< the row that replaced it
    std::optional<core::TimePoint> revoked_at;  ///< logout, reuse, logout-all or reset
};

/// The refresh-session operations of one transaction (StoreTransaction::Sessions()). Same error
/// model as StoreTransaction: core::StoreUnavailable / core::StoreFailure are thrown.
class SessionOperations {
public:
    virtual ~SessionOperations() = default;

    /// Stores `session` (its id and rotation/revocation fields are ignored); returns the new id.
    /// Throws core::StoreFailure if the token hash already exists (a 256-bit collision: a bug).
    virtual std::int64_t InsertSession(const SessionRecord& session) = 0;
    /// The session with this token hash, locked for the rest of the transaction (FOR UPDATE on
    /// PostgreSQL), so that two refreshes racing with one token are serialised.
    [[nodiscard]] virtual std::optional<SessionRecord> FindSessionByTokenHash(
        std::string_view token_hash
    ) = 0;
    /// The session with this id, locked like FindSessionByTokenHash.
    [[nodiscard]] virtual std::optional<SessionRecord> FindSessionById(std::int64_t id) = 0;
    /// Records that `id` was replaced by `successor_id` at `now`.
    virtual void MarkSessionRotated(
        std::int64_t id, std::int64_t successor_id, core::TimePoint now
    ) = 0;
    /// Revokes every not yet revoked session of the family; returns how many.
    virtual std::int64_t RevokeSessionFamily(std::string_view family_id, core::TimePoint now) = 0;
    /// Revokes every not yet revoked session of the user; returns how many.
    virtual std::int64_t RevokeUserSessions(std::string_view user_id, core::TimePoint now) = 0;
    /// Deletes the user's sessions that expired before `now` (they can never be used again);
    /// returns how many. Keeps the table bounded by the live sessions.
    virtual std::int64_t PurgeExpiredSessions(std::string_view user_id, core::TimePoint now) = 0;
    /// Raises users.token_version by one: every access token issued before is rejected.
    virtual void RaiseTokenVersion(std::string_view user_id) = 0;
};

}  // namespace clockko::store
