#include "store/postgres/pg_migrate.hpp"

#include "core/log.hpp"
#include "store/migrations/migrations.hpp"

#include <exception>
#include <string>

namespace clockko::store::postgres {
namespace {

// Any fixed key works; every instance of the service must use the same one ("clockko" in ASCII).
constexpr std::int64_t kMigrationLockKey = 0x636C6F636B6B6F;

// Holds pg_advisory_lock for the life of the guard. If unlocking fails the connection is
// dropped, which ends the session and so releases the lock.
class MigrationLock final {
public:
    explicit MigrationLock(Connection& connection) : connection_(&connection) {
        static constexpr sql::Statement kLock{
            "lock_migrations", "SELECT pg_advisory_lock($1::bigint)"};
        connection_->Query(kLock, {kMigrationLockKey});
    }

    ~MigrationLock() {
        static constexpr sql::Statement kUnlock{
            "unlock_migrations", "SELECT pg_advisory_unlock($1::bigint)"};
        try {
            connection_->Query(kUnlock, {kMigrationLockKey});
        } catch (const std::exception& error) {
            core::LogWarning(
                "postgres: releasing the migration lock failed", {{"error", error.what()}}
            );
            connection_->MarkBroken();
        }
    }

    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;
    MigrationLock(MigrationLock&&) = delete;
    MigrationLock& operator=(MigrationLock&&) = delete;

private:
    Connection* connection_;
};

constexpr sql::Statement kAppliedVersion{
    "applied_version", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};

}  // namespace

int ApplyMigrations(Connection& connection) {
    static constexpr const char* kCreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TIMESTAMP WITHOUT TIME ZONE NOT NULL "
        "DEFAULT (now() AT TIME ZONE 'utc'))";
    static constexpr sql::Statement kRecordMigration{
        "record_migration", "INSERT INTO schema_migrations (version, name) VALUES ($1::int, $2)"};
    const MigrationLock lock(connection);
    connection.ExecuteScript("create schema_migrations", kCreateMigrationsTable);
    const std::int64_t current = connection.Query(kAppliedVersion, {}).Int64(0, 0);
    int applied = 0;
    for (const sql::Migration& migration : sql::PostgresMigrations()) {
        if (migration.version <= current) {
            continue;
        }
        connection.ExecuteScript("begin", "BEGIN");
        try {
            connection.ExecuteScript(migration.name, migration.sql);
            connection.Execute(kRecordMigration, {std::int64_t{migration.version}, migration.name});
            connection.Commit();
        } catch (...) {
            if (!connection.RollbackIfOpen()) {
                core::LogWarning("postgres: rollback failed; the connection will be dropped");
            }
            throw;
        }
        ++applied;
        core::LogInfo(
            "applied migration",
            {{"engine", std::string("postgres")},
             {"version", std::int64_t{migration.version}},
             {"name", std::string(migration.name)}}
        );
    }
    return applied;
}

int AppliedMigrationVersion(Connection& connection) {
    static constexpr sql::Statement kMigrationsTableExists{
        "migrations_table_exists", "SELECT to_regclass('schema_migrations') IS NOT NULL"};
    if (!connection.Query(kMigrationsTableExists, {}).Bool(0, 0)) {
        return 0;
    }
    return static_cast<int>(connection.Query(kAppliedVersion, {}).Int64(0, 0));
}

}  // namespace clockko::store::postgres
