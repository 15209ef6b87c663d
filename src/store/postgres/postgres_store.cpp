#include "store/postgres/postgres_store.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "store/migrations/migrations.hpp"
#include "store/postgres/pg_migrate.hpp"
#include "store/postgres/pg_pool.hpp"
#include "store/postgres/pg_transaction.hpp"
#include "store/postgres/postgres_throttle.hpp"

#include <algorithm>
#include <array>
#include <thread>
#include <type_traits>
#include <utility>

namespace clockko::store {
namespace postgres {
namespace {

// Serialisation failures and deadlocks: the engine asks the client to run the transaction again.
constexpr int kMaxTransactAttempts = 4;
constexpr std::chrono::milliseconds kRetryPause{5};

ConnectParams BuildParams(const PostgresOptions& options) {
    const config::DatabaseUrl& url = options.url;
    ConnectParams params{
        {"application_name", "clockko"},
        {"client_encoding", "UTF8"},
        {"connect_timeout", std::to_string(options.connect_timeout_seconds)},
        {"port", std::to_string(url.port)},
    };
    // libpq treats an empty value as "not given"; leave them out for clarity.
    const std::array<std::pair<const char*, const std::string*>, 4> parts{{
        {"host", &url.host},
        {"user", &url.user},
        {"password", &url.password},
        {"dbname", &url.database},
    }};
    for (const auto& [keyword, value] : parts) {
        if (!value->empty()) {
            params[keyword] = *value;
        }
    }
    for (const auto& [keyword, value] : url.parameters) {
        params[keyword] = value;
    }
    CheckKeywords(params);
    return params;
}

bool IsRetryable(const std::string& sql_state) {
    return sql_state == "40001" || sql_state == "40P01";
}

void RollbackAfterFailure(Connection& connection) {
    if (!connection.RollbackIfOpen()) {
        core::LogWarning("postgres: rollback failed; the connection will be dropped");
    }
}

// One attempt at `work` in BEGIN … COMMIT. False asks the caller for another attempt: the
// engine reported a serialisation failure or deadlock, or a reused connection was found dead.
bool TryTransaction(
    ConnectionPool::Lease& lease,
    const std::function<void(StoreTransaction&)>& work,
    bool last_attempt
) {
    Connection& connection = *lease;
    try {
        connection.ExecuteScript("begin", "BEGIN");
    } catch (const core::StoreUnavailable&) {
        if (lease.Fresh() || last_attempt) {
            throw;
        }
        // A pooled connection that died while idle; nothing ran yet, so try another.
        core::LogWarning("postgres: a pooled connection was lost; retrying");
        return false;
    }
    try {
        PgTransaction transaction(connection);
        work(transaction);
        connection.Commit();
        return true;
    } catch (const core::StoreFailure&) {
        const std::string sql_state = connection.LastSqlState();
        RollbackAfterFailure(connection);
        if (last_attempt || !IsRetryable(sql_state)) {
            throw;
        }
        core::LogInfo("postgres: transaction retried", {{"sql_state", sql_state}});
        return false;
    } catch (...) {
        RollbackAfterFailure(connection);
        throw;
    }
}

class PostgresStore final : public Store {
public:
    explicit PostgresStore(const PostgresOptions& options)
        : pool_(BuildParams(options), options.pool_size, options.pool_wait_timeout) {}

    void Transact(const std::function<void(StoreTransaction&)>& work) override {
        for (int attempt = 1;; ++attempt) {
            auto lease = pool_.Acquire();
            if (TryTransaction(lease, work, attempt >= kMaxTransactAttempts)) {
                return;
            }
            std::this_thread::sleep_for(kRetryPause * attempt);
        }
    }

    [[nodiscard]] std::optional<UserRecord> FindUserById(std::string_view id) override {
        return WithConnection([&](Connection& connection) {
            return postgres::FindUserById(connection, id);
        });
    }

    void Ping() override {
        static constexpr sql::Statement kPing{"ping", "SELECT 1"};
        WithConnection([](Connection& connection) { connection.Query(kPing, {}); });
    }

    [[nodiscard]] PoolStats ConnectionPoolStats() const override { return pool_.Stats(); }

    int Migrate() override { return WithConnection(ApplyMigrations); }

    [[nodiscard]] int AppliedSchemaVersion() override {
        return WithConnection(AppliedMigrationVersion);
    }

    [[nodiscard]] int ExpectedSchemaVersion() const override {
        return sql::PostgresMigrations().back().version;
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
        return WithConnection([&](Connection& connection) {
            return postgres::HitThrottle(connection, key, now, window);
        });
    }

    [[nodiscard]] std::optional<ThrottleCount> ReadThrottle(
        std::string_view key, core::TimePoint now
    ) override {
        return WithConnection([&](Connection& connection) {
            return postgres::ReadThrottle(connection, key, now);
        });
    }

    void ClearThrottle(std::string_view key) override {
        WithConnection([&](Connection& connection) { postgres::ClearThrottle(connection, key); });
    }

private:
    // Runs `work` on a pooled connection. A pooled connection can have died while idle (the
    // server restarted): that failure gets one more try on a new connection.
    template <class Work>
    std::invoke_result_t<Work&, Connection&> WithConnection(Work&& work) {
        for (int attempt = 1;; ++attempt) {
            auto lease = pool_.Acquire();
            try {
                return work(*lease);
            } catch (const core::StoreUnavailable&) {
                if (lease.Fresh() || attempt > 1 || !lease->Broken()) {
                    throw;
                }
                core::LogWarning("postgres: a pooled connection was lost; retrying");
            }
        }
    }

    ConnectionPool pool_;
};

std::vector<OutboxEntry> PostgresStore::ClaimMail(
    std::size_t limit, core::TimePoint now, std::chrono::seconds lease
) {
    // SKIP LOCKED: concurrent claimers (other instances) pass over rows being claimed instead of
    // waiting, and the re-checked WHERE excludes rows whose lease another claimer just took.
    static constexpr sql::Statement kClaimMail{
        "claim_mail",
        "WITH due AS (SELECT id FROM outbox WHERE status = 'pending' "
        "AND next_attempt_at <= $1::timestamp "
        "AND (claimed_until IS NULL OR claimed_until <= $1::timestamp) "
        "ORDER BY next_attempt_at, id LIMIT $2::bigint FOR UPDATE SKIP LOCKED) "
        "UPDATE outbox SET claimed_until = $3::timestamp FROM due WHERE outbox.id = due.id "
        "RETURNING outbox.id, outbox.recipient, outbox.template_name, outbox.parameters_json, "
        "outbox.attempts"};
    std::vector<OutboxEntry> entries;
    if (limit == 0) {
        return entries;
    }
    const std::string now_text = sql::FormatTimestamp(now);
    const std::string until_text = sql::FormatTimestamp(now + lease);
    const sql::Rows rows = WithConnection([&](Connection& connection) {
        return connection.Query(
            kClaimMail, {now_text, static_cast<std::int64_t>(limit), until_text}
        );
    });
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
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.id < b.id;
    });
    return entries;
}

void PostgresStore::MarkMailSent(std::int64_t id, core::TimePoint now) {
    static constexpr sql::Statement kMarkMailSent{
        "mark_mail_sent",
        "UPDATE outbox SET status = 'sent', sent_at = $2::timestamp, attempts = attempts + 1, "
        "parameters_json = NULL, claimed_until = NULL, last_error = NULL WHERE id = $1::bigint"};
    const std::string now_text = sql::FormatTimestamp(now);
    WithConnection([&](Connection& connection) {
        connection.Execute(kMarkMailSent, {id, now_text});
    });
}

void PostgresStore::MarkMailRetry(
    std::int64_t id, core::TimePoint next_attempt, std::string_view error
) {
    static constexpr sql::Statement kMarkMailRetry{
        "mark_mail_retry",
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2::timestamp, "
        "claimed_until = NULL, last_error = $3 WHERE id = $1::bigint AND status = 'pending'"};
    const std::string next_text = sql::FormatTimestamp(next_attempt);
    const std::string error_text = sql::BoundedErrorText(error);
    WithConnection([&](Connection& connection) {
        connection.Execute(kMarkMailRetry, {id, next_text, error_text});
    });
}

void PostgresStore::MarkMailFailed(std::int64_t id, std::string_view error) {
    static constexpr sql::Statement kMarkMailFailed{
        "mark_mail_failed",
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, parameters_json = NULL, "
        "claimed_until = NULL, last_error = $2 WHERE id = $1::bigint"};
    const std::string error_text = sql::BoundedErrorText(error);
    WithConnection([&](Connection& connection) {
        connection.Execute(kMarkMailFailed, {id, error_text});
    });
}

void PostgresStore::ReleaseMail(std::int64_t id) {
    static constexpr sql::Statement kReleaseMail{
        "release_mail",
        "UPDATE outbox SET claimed_until = NULL WHERE id = $1 AND status = 'pending'"};
    WithConnection([&](Connection& connection) { connection.Execute(kReleaseMail, {id}); });
}

std::int64_t PostgresStore::PendingMailCount() {
    static constexpr sql::Statement kPendingMailCount{
        "pending_mail_count", "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"};
    return WithConnection([](Connection& connection) {
        return connection.Query(kPendingMailCount, {}).Int64(0, 0);
    });
}

}  // namespace
}  // namespace postgres

std::unique_ptr<Store> OpenPostgresStore(const PostgresOptions& options) {
    return std::make_unique<postgres::PostgresStore>(options);
}

}  // namespace clockko::store
