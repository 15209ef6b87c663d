#pragma once

#include "store/sessions.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace clockko::store::sqlite {

/// SessionOperations on a connection inside BEGIN IMMEDIATE: the write lock is already held, so
/// reads need no row lock.
class SqliteSessions final : public SessionOperations {
public:
    explicit SqliteSessions(Connection& connection) : connection_(&connection) {}

    std::int64_t InsertSession(const SessionRecord& session) override;
    [[nodiscard]] std::optional<SessionRecord> FindSessionByTokenHash(std::string_view token_hash
    ) override;
    [[nodiscard]] std::optional<SessionRecord> FindSessionById(std::int64_t id) override;
    void MarkSessionRotated(std::int64_t id, std::int64_t successor_id, core::TimePoint now)
        override;
    std::int64_t RevokeSessionFamily(std::string_view family_id, core::TimePoint now) override;
    std::int64_t RevokeUserSessions(std::string_view user_id, core::TimePoint now) override;
    std::int64_t PurgeExpiredSessions(std::string_view user_id, core::TimePoint now) override;
    void RaiseTokenVersion(std::string_view user_id) override;

private:
    Connection* connection_;
};

}  // namespace clockko::store::sqlite
