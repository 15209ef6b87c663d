// The tests' own databases: a SQLite file, or a PostgreSQL schema of the harness's database.
#include "compat_support.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace clockko::compat {
namespace {

// --- SQLite -----------------------------------------------------------------------------------

struct SqliteCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

class SqliteDatabase final : public TestDatabase {
public:
    SqliteDatabase()
        : folder_(std::filesystem::temp_directory_path() / ("clockko-compat-" + RandomHex(6))) {
        std::filesystem::create_directories(folder_);
        path_ = (folder_ / "clockko.db").string();
    }

    ~SqliteDatabase() override {
        std::error_code ignored;
        std::filesystem::remove_all(folder_, ignored);
    }

    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;
    SqliteDatabase(SqliteDatabase&&) = delete;
    SqliteDatabase& operator=(SqliteDatabase&&) = delete;

    [[nodiscard]] Engine GetEngine() const override { return Engine::kSqlite; }

    [[nodiscard]] std::string DatabaseUrl() const override { return "sqlite:///" + path_; }

    void Execute(const std::string& script) override {
        auto db = Open();
        char* error = nullptr;
        if (sqlite3_exec(db.get(), script.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string message = error != nullptr ? error : "unknown error";
            sqlite3_free(error);
            throw std::runtime_error("sqlite script failed: " + message);
        }
    }

    Rows Query(const std::string& query) override {
        auto db = Open();
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db.get(), query.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
            throw std::runtime_error(
                std::string("sqlite query failed: ") + sqlite3_errmsg(db.get())
            );
        }
        const std::unique_ptr<sqlite3_stmt, StatementFinalizer> statement(raw);
        Rows rows;
        int rc = SQLITE_ROW;
        while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
            Row row;
            for (int column = 0; column < sqlite3_column_count(statement.get()); ++column) {
                if (sqlite3_column_type(statement.get(), column) == SQLITE_NULL) {
                    row.emplace_back(std::nullopt);
                } else {
                    row.emplace_back(
                        reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), column))
                    );
                }
            }
            rows.push_back(std::move(row));
        }
        if (rc != SQLITE_DONE) {
            throw std::runtime_error(
                std::string("sqlite step failed: ") + sqlite3_errmsg(db.get())
            );
        }
        return rows;
    }

private:
    std::unique_ptr<sqlite3, SqliteCloser> Open() {
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(
            path_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr
        );
        std::unique_ptr<sqlite3, SqliteCloser> db(raw);
        if (rc != SQLITE_OK) {
            throw std::runtime_error("cannot open the SQLite test database");
        }
        sqlite3_busy_timeout(db.get(), 5000);
        return db;
    }

    std::filesystem::path folder_;
    std::string path_;
};

// --- PostgreSQL -------------------------------------------------------------------------------

struct PgCloser {
    void operator()(PGconn* connection) const { PQfinish(connection); }
};

struct PgResultClearer {
    void operator()(PGresult* result) const { PQclear(result); }
};

using PgResult = std::unique_ptr<PGresult, PgResultClearer>;

// The test's own schema in the harness's database: the server reaches it through the URL's
// `options=-c search_path=…` (percent-encoded), so nothing else in the database is touched.
class PostgresDatabase final : public TestDatabase {
public:
    explicit PostgresDatabase(std::string base_url)
        : base_url_(std::move(base_url)), schema_("compat_" + RandomHex(6)) {
        admin_.reset(PQconnectdb(base_url_.c_str()));
        if (!admin_ || PQstatus(admin_.get()) != CONNECTION_OK) {
            throw std::runtime_error(
                "cannot connect to CLOCKKO_TEST_POSTGRES_URL: " +
                std::string(admin_ ? PQerrorMessage(admin_.get()) : "out of memory")
            );
        }
        Execute(
            "SET client_min_messages TO warning; CREATE SCHEMA " + schema_ +
            "; SET search_path TO " + schema_
        );
    }

    ~PostgresDatabase() override {
        const PgResult ignored(PQexec(admin_.get(), ("DROP SCHEMA " + schema_ + " CASCADE").c_str())
        );
    }

    PostgresDatabase(const PostgresDatabase&) = delete;
    PostgresDatabase& operator=(const PostgresDatabase&) = delete;
    PostgresDatabase(PostgresDatabase&&) = delete;
    PostgresDatabase& operator=(PostgresDatabase&&) = delete;

    [[nodiscard]] Engine GetEngine() const override { return Engine::kPostgres; }

    [[nodiscard]] std::string DatabaseUrl() const override {
        const char separator = base_url_.find('?') == std::string::npos ? '?' : '&';
        return base_url_ + separator + "options=-c%20search_path%3D" + schema_;
    }

    void Execute(const std::string& script) override {
        const PgResult result(PQexec(admin_.get(), script.c_str()));
        const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            throw std::runtime_error(
                "postgres script failed: " + std::string(PQerrorMessage(admin_.get()))
            );
        }
    }

    Rows Query(const std::string& query) override {
        const PgResult result(PQexec(admin_.get(), query.c_str()));
        if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
            throw std::runtime_error(
                "postgres query failed: " + std::string(PQerrorMessage(admin_.get()))
            );
        }
        Rows rows;
        for (int row = 0; row < PQntuples(result.get()); ++row) {
            Row values;
            for (int column = 0; column < PQnfields(result.get()); ++column) {
                if (PQgetisnull(result.get(), row, column) != 0) {
                    values.emplace_back(std::nullopt);
                } else {
                    values.emplace_back(PQgetvalue(result.get(), row, column));
                }
            }
            rows.push_back(std::move(values));
        }
        return rows;
    }

private:
    std::string base_url_;
    std::string schema_;
    std::unique_ptr<PGconn, PgCloser> admin_;
};

std::optional<std::string> PostgresUrl() {
    const char* url = std::getenv("CLOCKKO_TEST_POSTGRES_URL");  // NOLINT(concurrency-mt-unsafe)
    if (url == nullptr || *url == '\0') {
        return std::nullopt;
    }
    return std::string(url);
}

}  // namespace

std::unique_ptr<TestDatabase> MakeEmptyDatabase(Engine engine) {
    if (engine == Engine::kSqlite) {
        return std::make_unique<SqliteDatabase>();
    }
    const auto url = PostgresUrl();
    if (!url) {
        return nullptr;
    }
    return std::make_unique<PostgresDatabase>(*url);
}

std::unique_ptr<TestDatabase> MakeOriginalDatabase(Engine engine) {
    auto database = MakeEmptyDatabase(engine);
    if (database) {
        database->Execute(
            ReadFixture(engine == Engine::kSqlite ? "original_sqlite.sql" : "original_postgres.sql")
        );
    }
    return database;
}

bool Available(const std::unique_ptr<TestDatabase>& database) {
    if (database) {
        return true;
    }
    const char* required =
        std::getenv("CLOCKKO_REQUIRE_POSTGRES");  // NOLINT(concurrency-mt-unsafe)
    if (required != nullptr && std::string(required) == "1") {
        ADD_FAILURE() << "CLOCKKO_REQUIRE_POSTGRES=1 but CLOCKKO_TEST_POSTGRES_URL is unset";
    }
    return false;
}

}  // namespace clockko::compat
