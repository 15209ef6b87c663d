#pragma once

#include "store/pool_stats.hpp"
#include "store/records.hpp"
#include "store/sessions.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clockko::store {

/// The operations available inside one database transaction. Obtained only from
/// Store::Transact; never kept beyond the callback.
/// Every function throws core::StoreUnavailable when the database cannot be reached and
/// core::StoreFailure on any other database error.
class StoreTransaction {
public:
    virtual ~StoreTransaction() = default;

    /// `email` must already be normalised (trimmed, lower-case).
    [[nodiscard]] virtual std::optional<UserRecord> FindUserByEmail(std::string_view email) = 0;
    /// Accepts the canonical UUID form, or 32 hex digits without dashes.
    [[nodiscard]] virtual std::optional<UserRecord> FindUserById(std::string_view id) = 0;
    [[nodiscard]] virtual bool UsernameExists(std::string_view username) = 0;
    /// Inserts unless the email or username is taken (never throws for a conflict, and never
    /// aborts the transaction: later calls in it still work).
    [[nodiscard]] virtual InsertUserOutcome InsertUser(const UserRecord& user) = 0;
    /// Replaces the hash only (a cost upgrade at login); tokens stay valid.
    virtual void UpdatePasswordHash(std::string_view user_id, std::string_view hashed_password) = 0;
    /// Sets is_verified and otp_verified.
    virtual void MarkVerified(std::string_view user_id) = 0;
    /// Sets the new hash, marks the account verified and raises token_version by one.
    virtual void ResetPassword(std::string_view user_id, std::string_view hashed_password) = 0;

    /// Voids every earlier code of this user and purpose, then stores `code` (id ignored).
    virtual void ReplaceCode(const CodeRecord& code) = 0;
    /// The newest code of this user and purpose that is neither voided nor consumed (it may be
    /// expired or out of attempts: the caller decides), locked for the rest of the transaction.
    [[nodiscard]] virtual std::optional<CodeRecord> FindCurrentCode(
        std::string_view user_id, CodePurpose purpose
    ) = 0;
    /// Adds one failed attempt to the code.
    virtual void RecordFailedAttempt(std::int64_t code_id) = 0;
    /// Marks the code used: it never matches again.
    virtual void ConsumeCode(std::int64_t code_id, core::TimePoint now) = 0;

    /// Queues a message; it is sent only if the transaction commits.
    virtual void EnqueueMail(const OutgoingMail& mail, core::TimePoint now) = 0;

    /// The refresh sessions, in this same transaction (valid as long as the transaction).
    [[nodiscard]] virtual SessionOperations& Sessions() = 0;
};

/// A throttle counter: hits counted in the window that ends at `window_ends_at`.
struct ThrottleCount {
    std::int64_t hits = 0;
    core::TimePoint window_ends_at;
};

/// Persistence for the whole service, one implementation per database engine.
/// @par Thread safety: every function may be called concurrently from any thread.
/// Every function throws core::StoreUnavailable when the database cannot be reached and
/// core::StoreFailure on any other database error.
class Store {
public:
    virtual ~Store() = default;

    /// Runs `work` in one transaction: committed when it returns, rolled back when it throws
    /// (the exception propagates). Write-intent: concurrent writers are serialised as the
    /// engine requires. `work` may run more than once if the engine asks for a retry
    /// (serialisation failure), so it must have no side effect outside the transaction.
    virtual void Transact(const std::function<void(StoreTransaction&)>& work) = 0;

    /// A single read outside any explicit transaction (the hot path of GET /api/auth/user).
    [[nodiscard]] virtual std::optional<UserRecord> FindUserById(std::string_view id) = 0;

    /// Throws core::StoreUnavailable unless the database answers now.
    virtual void Ping() = 0;

    /// The connection pool's figures (issue 7, metrics); never touches the database. Stores
    /// without a pool (test fakes) answer zeros.
    [[nodiscard]] virtual PoolStats ConnectionPoolStats() const { return {}; }

    /// Applies every migration the database lacks, in order, each in its own transaction, and
    /// records it in `schema_migrations`. Safe when several instances call it at once (an
    /// advisory lock on PostgreSQL, an immediate transaction on SQLite). Returns how many ran.
    virtual int Migrate() = 0;

    /// The highest migration applied to the database, and the highest this binary knows.
    [[nodiscard]] virtual int AppliedSchemaVersion() = 0;
    [[nodiscard]] virtual int ExpectedSchemaVersion() const = 0;

    /// Claims up to `limit` due outbox messages (next attempt ≤ now, not sent, not failed) for
    /// this caller until now + `lease`: no other claimer gets them meanwhile
    /// (FOR UPDATE SKIP LOCKED on PostgreSQL).
    [[nodiscard]] virtual std::vector<OutboxEntry> ClaimMail(
        std::size_t limit, core::TimePoint now, std::chrono::seconds lease
    ) = 0;
    /// Delivered: the row is kept as sent and its parameters (which may hold a code) erased.
    virtual void MarkMailSent(std::int64_t id, core::TimePoint now) = 0;
    /// Not delivered this time: attempts + 1, retried at `next_attempt`.
    virtual void MarkMailRetry(
        std::int64_t id, core::TimePoint next_attempt, std::string_view error
    ) = 0;
    /// Given up: kept as failed, parameters erased.
    virtual void MarkMailFailed(std::int64_t id, std::string_view error) = 0;
    /// Ends this caller's claim on a message it did not try (stopping): another claimer may take
    /// it now instead of when the lease ends. Attempts are unchanged.
    virtual void ReleaseMail(std::int64_t id) = 0;
    /// Messages neither sent nor failed (for metrics and tests).
    [[nodiscard]] virtual std::int64_t PendingMailCount() = 0;

    /// Counts one hit on `key` in one atomic statement (instances sharing the database never
    /// lose a hit): a window of `window` starts at the first hit, or at the first hit after the
    /// previous window ended. Returns the count including this hit. Now and then also deletes
    /// counters whose window ended, so the table stays bounded.
    [[nodiscard]] virtual ThrottleCount HitThrottle(
        std::string_view key, core::TimePoint now, std::chrono::seconds window
    ) = 0;
    /// The counter of `key` while its window is open at `now`; nullopt when none is.
    [[nodiscard]] virtual std::optional<ThrottleCount> ReadThrottle(
        std::string_view key, core::TimePoint now
    ) = 0;
    /// Forgets the counter of `key` (a successful login).
    virtual void ClearThrottle(std::string_view key) = 0;
};

}  // namespace clockko::store
