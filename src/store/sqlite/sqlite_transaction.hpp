#pragma once

#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_sessions.hpp"
#include "store/store.hpp"

#include <optional>
#include <string_view>

namespace clockko::store::sqlite {

/// StoreTransaction over a connection inside BEGIN IMMEDIATE (the caller opened it).
class SqliteTransaction final : public StoreTransaction {
public:
    explicit SqliteTransaction(Connection& connection)
        : connection_(&connection), sessions_(connection) {}

    [[nodiscard]] std::optional<UserRecord> FindUserByEmail(std::string_view email) override;
    [[nodiscard]] std::optional<UserRecord> FindUserById(std::string_view id) override;
    [[nodiscard]] bool UsernameExists(std::string_view username) override;
    [[nodiscard]] InsertUserOutcome InsertUser(const UserRecord& user) override;
    void UpdatePasswordHash(std::string_view user_id, std::string_view hashed_password) override;
    void MarkVerified(std::string_view user_id) override;
    void ResetPassword(std::string_view user_id, std::string_view hashed_password) override;

    void ReplaceCode(const CodeRecord& code) override;
    [[nodiscard]] std::optional<CodeRecord> FindCurrentCode(
        std::string_view user_id, CodePurpose purpose
    ) override;
    void RecordFailedAttempt(std::int64_t code_id) override;
    void ConsumeCode(std::int64_t code_id, core::TimePoint now) override;

    void EnqueueMail(const OutgoingMail& mail, core::TimePoint now) override;

    [[nodiscard]] SessionOperations& Sessions() override { return sessions_; }

private:
    Connection* connection_;
    SqliteSessions sessions_;
};

/// The user with this id (canonical or 32-hex form) on `connection`, inside a transaction or not.
std::optional<UserRecord> FindUserById(Connection& connection, std::string_view id);

}  // namespace clockko::store::sqlite
