#include "test_database.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <unistd.h>

namespace clockko::testing {
namespace {

struct PgDeleter {
    void operator()(PGconn* connection) const { PQfinish(connection); }
};

struct PgResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
};

struct SqliteDeleter {
    void operator()(sqlite3* database) const { sqlite3_close(database); }
};

struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

using PgConnection = std::unique_ptr<PGconn, PgDeleter>;

PgConnection ConnectPostgres(const std::string& url) {
    PgConnection connection(PQconnectdb(url.c_str()));
    if (!connection || PQstatus(connection.get()) != CONNECTION_OK) {
        throw std::runtime_error(
            std::string("cannot connect to PostgreSQL: ") +
            (connection ? PQerrorMessage(connection.get()) : "out of memory")
        );
    }
    // DROP SCHEMA … CASCADE reports what it dropped as a NOTICE: not worth the noise.
    PQsetNoticeProcessor(
        connection.get(), [](void*, const char*) {}, nullptr
    );
    return connection;
}

std::string AdminUrl() {
    const char* url = std::getenv("CLOCKKO_TEST_POSTGRES_URL");  // NOLINT(concurrency-mt-unsafe)
    if (url == nullptr || *url == '\0') {
        throw std::runtime_error("CLOCKKO_TEST_POSTGRES_URL is unset");
    }
    return url;
}

long ExecutePostgres(
    const std::string& url, const std::string& sql, const std::vector<std::string>& parameters
) {
    const PgConnection connection = ConnectPostgres(url);
    std::vector<const char*> values;
    values.reserve(parameters.size());
    for (const std::string& parameter : parameters) {
        values.push_back(parameter.c_str());
    }
    const std::unique_ptr<PGresult, PgResultDeleter> result(PQexecParams(
        connection.get(),
        sql.c_str(),
        static_cast<int>(values.size()),
        nullptr,
        values.data(),
        nullptr,
        nullptr,
        0
    ));
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw std::runtime_error("PostgreSQL: " + sql + ": " + PQerrorMessage(connection.get()));
    }
    const char* changed = PQcmdTuples(result.get());
    return changed[0] == '\0' ? 0 : std::stol(changed);
}

long ExecuteSqlite(
    const std::string& path, const std::string& sql, const std::vector<std::string>& parameters
) {
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    const std::unique_ptr<sqlite3, SqliteDeleter> database(raw);
    if (opened != SQLITE_OK) {
        throw std::runtime_error("cannot open " + path);
    }
    // The server holds the same file open: wait for its write lock instead of failing.
    sqlite3_busy_timeout(database.get(), 5000);
    sqlite3_stmt* raw_statement = nullptr;
    if (sqlite3_prepare_v2(database.get(), sql.c_str(), -1, &raw_statement, nullptr) != SQLITE_OK) {
        throw std::runtime_error("SQLite: " + sql + ": " + sqlite3_errmsg(database.get()));
    }
    const std::unique_ptr<sqlite3_stmt, StatementDeleter> statement(raw_statement);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        if (sqlite3_bind_text(
                statement.get(),
                static_cast<int>(i + 1),
                parameters[i].c_str(),
                -1,
                SQLITE_TRANSIENT
            ) != SQLITE_OK) {
            throw std::runtime_error("SQLite: cannot bind a parameter of " + sql);
        }
    }
    int step = SQLITE_ROW;
    while (step == SQLITE_ROW) {
        step = sqlite3_step(statement.get());
    }
    if (step != SQLITE_DONE) {
        throw std::runtime_error("SQLite: " + sql + ": " + sqlite3_errmsg(database.get()));
    }
    return sqlite3_changes(database.get());
}

std::string RandomSuffix() {
    static std::mt19937_64 generator{std::random_device{}()};
    constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string suffix;
    for (int i = 0; i < 10; ++i) {
        suffix.push_back(kDigits[generator() % kDigits.size()]);
    }
    return suffix;
}

}  // namespace

TestDatabase::TestDatabase(Backend backend) : backend_(backend) {
    if (backend == Backend::kSqlite) {
        std::string pattern = ::testing::TempDir() + "clockko-mail-db-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        folder_ = pattern;
        path_ = folder_ + "/clockko.db";
        url_ = "sqlite:///" + path_;
        return;
    }
    const std::string admin = AdminUrl();
    schema_ = "mail_e2e_" + std::to_string(getpid()) + "_" + RandomSuffix();
    // Names cannot be parameters: the schema name is our own [a-z0-9_] text, quoted anyway.
    ExecutePostgres(admin, "CREATE SCHEMA \"" + schema_ + "\"", {});
    url_ = admin + (admin.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           schema_;
}

TestDatabase::~TestDatabase() {
    try {
        if (backend_ == Backend::kPostgres) {
            ExecutePostgres(AdminUrl(), "DROP SCHEMA IF EXISTS \"" + schema_ + "\" CASCADE", {});
        }
    } catch (const std::exception&) {
        // A throwaway cluster: a schema left behind harms no later run (names are unique).
    }
    if (!folder_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(folder_, ignored);
    }
}

long TestDatabase::Execute(const std::string& sql, const std::vector<std::string>& parameters)
    const {
    return backend_ == Backend::kSqlite ? ExecuteSqlite(path_, sql, parameters)
                                        : ExecutePostgres(url_, sql, parameters);
}

long ExpireCodes(
    const TestDatabase& database, const std::string& email, const std::string& purpose
) {
    // Both engines read this text as a UTC timestamp long past.
    return database.Execute(
        "UPDATE one_time_codes SET expires_at = '2000-01-01 00:00:00.000000' "
        "WHERE user_id = (SELECT id FROM users WHERE email = $1) AND purpose = $2 "
        "AND consumed_at IS NULL AND voided_at IS NULL",
        {email, purpose}
    );
}

}  // namespace clockko::testing
