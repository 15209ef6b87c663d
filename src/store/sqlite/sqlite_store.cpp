#include "store/sqlite/sqlite_store.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "store/migrations/migrations.hpp"
#include "store/sqlite/sqlite_pool.hpp"
#include "store/sqlite/sqlite_throttle.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

#include <algorithm>

namespace clockko::store {
namespace sqlite {
namespace {

constexpr std::string_view kMemoryPath = ":memory:";

class SqliteStore final : public Store {
public:
    explicit SqliteStore(const SqliteOptions& options)
        : pool_(
              options.path,
              options.busy_timeout,
              options.path == kMemoryPath ? 1 : options.pool_size
          ) {}

    void Transact(const std::function<void(StoreTransaction&)>& work) override {
        auto lease = pool_.Acquire();
        Connection& connection = *lease;
        connection.RunImmediate([&] {
            SqliteTransaction transaction(connection);
            work(transaction);
        });
    }

    [[nodiscard]] std::optional<UserRecord> FindUserById(std::string_view id) override {
        auto lease = pool_.Acquire();
        return sqlite::FindUserById(*lease, id);
    }

    void Ping() override {
        static constexpr sql::Statement kPing{"ping", "SELECT 1"};
        auto lease = pool_.Acquire();
        lease->Query(kPing, {});
    }

    [[nodiscard]] PoolStats ConnectionPoolStats() const override { return pool_.Stats(); }

    int Migrate() override;
    [[nodiscard]] int AppliedSchemaVersion() override;

    [[nodiscard]] int ExpectedSchemaVersion() const override {
        return sql::SqliteMigrations().back().version;
    }

    [[nodiscard]] std::vector<OutboxEntry> ClaimMail(
        std::size_t limit, core::TimePoint now, std::chrono::seconds lease
    ) override;
    void MarkMailSent(std::int64_t id, core::TimePoint now) override;
    void MarkMailRetry(std::int64_t id, core::TimePoint next_attempt, std::string_view error)
        override;
    void MarkMailFailed(std::int64_t id, std::string_view error) override;
    void ReleaseMail(std::int64_t id) override;
    [[nodiscard]] std::int64_t PendingMailCount() override;

    [[nodiscard]] ThrottleCount HitThrottle(
        std::string_view key, core::TimePoint now, std::chrono::seconds window
    ) override {
        auto lease = pool_.Acquire();
        return sqlite::HitThrottle(*lease, key, now, window);
    }

    [[nodiscard]] std::optional<ThrottleCount> ReadThrottle(
        std::string_view key, core::TimePoint now
    ) override {
        auto lease = pool_.Acquire();
        return sqlite::ReadThrottle(*lease, key, now);
    }

    void ClearThrottle(std::string_view key) override {
        auto lease = pool_.Acquire();
        sqlite::ClearThrottle(*lease, key);
    }

private:
    ConnectionPool pool_;
};

constexpr sql::Statement kMigrationsTableExists{
    "migrations_table_exists",
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"};
constexpr sql::Statement kAppliedVersion{
    "applied_version", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};

int SqliteStore::Migrate() {
    static constexpr const char* kCreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL)";
    static constexpr sql::Statement kRecordMigration{
        "record_migration",
        "INSERT INTO schema_migrations (version, name, applied_at) "
        "VALUES (?1, ?2, strftime('%Y-%m-%d %H:%M:%f', 'now'))"};
    auto lease = pool_.Acquire();
    Connection& connection = *lease;
    connection.RunImmediate([&] {
        connection.ExecuteScript("create schema_migrations", kCreateMigrationsTable);
    });
    int applied = 0;
    for (const sql::Migration& migration : sql::SqliteMigrations()) {
        // Each migration re-reads the version under the write lock, so a second process
        // migrating at the same moment skips what the first one applied.
        bool ran = false;
        connection.RunImmediate([&] {
            if (connection.Query(kAppliedVersion, {}).Int64(0, 0) >= migration.version) {
                return;
            }
            connection.ExecuteScript(migration.name, migration.sql);
            connection.Execute(kRecordMigration, {std::int64_t{migration.version}, migration.name});
            ran = true;
        });
        if (ran) {
            ++applied;
            core::LogInfo(
                "applied migration",
                {{"engine", std::string("sqlite")},
                 {"version", std::int64_t{migration.version}},
                 {"name", std::string(migration.name)}}
            );
        }
    }
    return applied;
}

int SqliteStore::AppliedSchemaVersion() {
    auto lease = pool_.Acquire();
    if (lease->Query(kMigrationsTableExists, {}).Empty()) {
        return 0;
    }
    return static_cast<int>(lease->Query(kAppliedVersion, {}).Int64(0, 0));
}

std::vector<OutboxEntry> SqliteStore::ClaimMail(
    std::size_t limit, core::TimePoint now, std::chrono::seconds lease
) {
    // One statement under the write lock: no other claimer can see the rows in between.
    static constexpr sql::Statement kClaimMail{
        "claim_mail",
        "UPDATE outbox SET claimed_until = ?3 WHERE id IN (SELECT id FROM outbox "
        "WHERE status = 'pending' AND next_attempt_at <= ?1 "
        "AND (claimed_until IS NULL OR claimed_until <= ?1) "
        "ORDER BY next_attempt_at, id LIMIT ?2) "
        "RETURNING id, recipient, template_name, parameters_json, attempts"};
    std::vector<OutboxEntry> entries;
    if (limit == 0) {
        return entries;
    }
    const std::string now_text = sql::FormatTimestamp(now);
    const std::string until_text = sql::FormatTimestamp(now + lease);
    auto borrowed = pool_.Acquire();
    Connection& connection = *borrowed;
    connection.RunImmediate([&] {
        const sql::Rows rows =
            connection.Query(kClaimMail, {now_text, static_cast<std::int64_t>(limit), until_text});
        for (std::size_t row = 0; row < rows.Size(); ++row) {
            entries.push_back(OutboxEntry{
                .id = rows.Int64(row, 0),
                .mail =
                    {.recipient = rows.Text(row, 1),
                     .template_name = rows.Text(row, 2),
                     .parameters_json = rows.Cell(row, 3).value_or("")},
                .attempts = static_cast<int>(rows.Int64(row, 4)),
            });
        }
    });
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.id < b.id;
    });
    return entries;
}

void SqliteStore::MarkMailSent(std::int64_t id, core::TimePoint now) {
    static constexpr sql::Statement kMarkMailSent{
        "mark_mail_sent",
        "UPDATE outbox SET status = 'sent', sent_at = ?2, attempts = attempts + 1, "
        "parameters_json = NULL, claimed_until = NULL, last_error = NULL WHERE id = ?1"};
    const std::string now_text = sql::FormatTimestamp(now);
    auto lease = pool_.Acquire();
    Connection& connection = *lease;
    connection.RunImmediate([&] { connection.Execute(kMarkMailSent, {id, now_text}); });
}

void SqliteStore::MarkMailRetry(
    std::int64_t id, core::TimePoint next_attempt, std::string_view error
) {
    static constexpr sql::Statement kMarkMailRetry{
        "mark_mail_retry",
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, claimed_until = NULL, "
        "last_error = ?3 WHERE id = ?1 AND status = 'pending'"};
    const std::string next_text = sql::FormatTimestamp(next_attempt);
    const std::string error_text = sql::BoundedErrorText(error);
    auto lease = pool_.Acquire();
    Connection& connection = *lease;
    connection.RunImmediate([&] {
        connection.Execute(kMarkMailRetry, {id, next_text, error_text});
    });
}

void SqliteStore::MarkMailFailed(std::int64_t id, std::string_view error) {
    static constexpr sql::Statement kMarkMailFailed{
        "mark_mail_failed",
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, parameters_json = NULL, "
        "claimed_until = NULL, last_error = ?2 WHERE id = ?1"};
    const std::string error_text = sql::BoundedErrorText(error);
    auto lease = pool_.Acquire();
    Connection& connection = *lease;
    connection.RunImmediate([&] { connection.Execute(kMarkMailFailed, {id, error_text}); });
}

void SqliteStore::ReleaseMail(std::int64_t id) {
    static constexpr sql::Statement kReleaseMail{
        "release_mail",
        "UPDATE outbox SET claimed_until = NULL WHERE id = ?1 AND status = 'pending'"};
    auto lease = pool_.Acquire();
    Connection& connection = *lease;
    connection.RunImmediate([&] { connection.Execute(kReleaseMail, {id}); });
}

std::int64_t SqliteStore::PendingMailCount() {
    static constexpr sql::Statement kPendingMailCount{
        "pending_mail_count", "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"};
    auto lease = pool_.Acquire();
    return lease->Query(kPendingMailCount, {}).Int64(0, 0);
}

}  // namespace
}  // namespace sqlite

std::unique_ptr<Store> OpenSqliteStore(const SqliteOptions& options) {
    if (options.path.empty()) {
        throw core::StoreUnavailable("sqlite: no database path given");
    }
    return std::make_unique<sqlite::SqliteStore>(options);
}

}  // namespace clockko::store
