#include "test_databases.hpp"

#include "core/random.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace clockko::store::testing {
namespace {

std::string RandomSuffix() {
    return core::RandomHex(*core::MakeSystemRandom(), 6);
}

std::string PercentDecode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out.push_back(
                static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16))
            );
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// --- SQLite -----------------------------------------------------------------------------------

struct SqliteCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

class SqliteFileDatabase final : public TestDatabase {
public:
    SqliteFileDatabase()
        : folder_(std::filesystem::temp_directory_path() / ("clockko-contract-" + RandomSuffix())) {
        std::filesystem::create_directories(folder_);
        path_ = (folder_ / "store.db").string();
    }

    ~SqliteFileDatabase() override {
        std::error_code ignored;
        std::filesystem::remove_all(folder_, ignored);
    }

    SqliteFileDatabase(const SqliteFileDatabase&) = delete;
    SqliteFileDatabase& operator=(const SqliteFileDatabase&) = delete;
    SqliteFileDatabase(SqliteFileDatabase&&) = delete;
    SqliteFileDatabase& operator=(SqliteFileDatabase&&) = delete;

    std::shared_ptr<Store> OpenStore() override {
        return OpenSqliteStore(SqliteOptions{.path = path_});
    }

    [[nodiscard]] bool SupportsRawAccess() const override { return true; }

    void ExecuteRaw(const std::string& script) override {
        auto db = Open();
        char* error = nullptr;
        if (sqlite3_exec(db.get(), script.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string message = error != nullptr ? error : "unknown error";
            sqlite3_free(error);
            throw std::runtime_error("raw sqlite script failed: " + message);
        }
    }

    std::optional<std::string> QueryRaw(const std::string& query) override {
        auto db = Open();
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db.get(), query.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            throw std::runtime_error(
                std::string("raw sqlite query failed: ") + sqlite3_errmsg(db.get())
            );
        }
        std::optional<std::string> value;
        if (sqlite3_step(statement) == SQLITE_ROW &&
            sqlite3_column_type(statement, 0) != SQLITE_NULL) {
            value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        }
        sqlite3_finalize(statement);
        return value;
    }

    [[nodiscard]] std::string OriginalSchemaFixture() const override {
        return "original_schema_sqlite.sql";
    }

private:
    std::unique_ptr<sqlite3, SqliteCloser> Open() {
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(
            path_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr
        );
        std::unique_ptr<sqlite3, SqliteCloser> db(raw);
        if (rc != SQLITE_OK) {
            throw std::runtime_error("cannot open the test database");
        }
        sqlite3_busy_timeout(db.get(), 5000);
        return db;
    }

    std::filesystem::path folder_;
    std::string path_;
};

class SqliteMemoryDatabase final : public TestDatabase {
public:
    std::shared_ptr<Store> OpenStore() override { return store_; }

    [[nodiscard]] bool SupportsRawAccess() const override { return false; }

    void ExecuteRaw(const std::string& /*script*/) override {
        throw std::logic_error("a :memory: database has no raw access");
    }

    std::optional<std::string> QueryRaw(const std::string& /*query*/) override {
        throw std::logic_error("a :memory: database has no raw access");
    }

    [[nodiscard]] std::string OriginalSchemaFixture() const override { return {}; }

private:
    std::shared_ptr<Store> store_ = OpenSqliteStore(SqliteOptions{.path = ":memory:"});
};

// --- PostgreSQL -------------------------------------------------------------------------------

struct PgCloser {
    void operator()(PGconn* connection) const { PQfinish(connection); }
};

struct PgResultClearer {
    void operator()(PGresult* result) const { PQclear(result); }
};

using PgResult = std::unique_ptr<PGresult, PgResultClearer>;

// Each test gets its own schema (search_path set through the URL's `options` parameter, which
// also proves that parameters reach libpq), dropped at the end.
class PostgresDatabase final : public TestDatabase {
public:
    explicit PostgresDatabase(config::DatabaseUrl url)
        : url_(std::move(url)), schema_("contract_" + RandomSuffix()) {
        const std::string port = std::to_string(url_.port);
        const std::vector<const char*> keys{"host", "port", "user", "password", "dbname", nullptr};
        const std::vector<const char*> values{
            url_.host.c_str(),
            port.c_str(),
            url_.user.c_str(),
            url_.password.c_str(),
            url_.database.c_str(),
            nullptr};
        admin_.reset(PQconnectdbParams(keys.data(), values.data(), 0));
        if (!admin_ || PQstatus(admin_.get()) != CONNECTION_OK) {
            throw std::runtime_error(
                "cannot connect to CLOCKKO_TEST_POSTGRES_URL: " +
                std::string(admin_ ? PQerrorMessage(admin_.get()) : "out of memory")
            );
        }
        ExecuteRaw(
            "SET client_min_messages TO warning; CREATE SCHEMA " + schema_ +
            "; SET search_path TO " + schema_
        );
        url_.parameters["options"] = "-c search_path=" + schema_;
    }

    ~PostgresDatabase() override {
        const PgResult ignored(PQexec(admin_.get(), ("DROP SCHEMA " + schema_ + " CASCADE").c_str())
        );
    }

    PostgresDatabase(const PostgresDatabase&) = delete;
    PostgresDatabase& operator=(const PostgresDatabase&) = delete;
    PostgresDatabase(PostgresDatabase&&) = delete;
    PostgresDatabase& operator=(PostgresDatabase&&) = delete;

    std::shared_ptr<Store> OpenStore() override {
        return OpenPostgresStore(PostgresOptions{
            .url = url_,
            .pool_size = 8,
            .connect_timeout_seconds = 5,
            .pool_wait_timeout = std::chrono::seconds{20}});
    }

    [[nodiscard]] bool SupportsRawAccess() const override { return true; }

    void ExecuteRaw(const std::string& script) override {
        const PgResult result(PQexec(admin_.get(), script.c_str()));
        const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            throw std::runtime_error(
                "raw postgres script failed: " + std::string(PQerrorMessage(admin_.get()))
            );
        }
    }

    std::optional<std::string> QueryRaw(const std::string& query) override {
        const PgResult result(PQexec(admin_.get(), query.c_str()));
        if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
            throw std::runtime_error(
                "raw postgres query failed: " + std::string(PQerrorMessage(admin_.get()))
            );
        }
        if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0) != 0) {
            return std::nullopt;
        }
        return std::string(PQgetvalue(result.get(), 0, 0));
    }

    [[nodiscard]] std::string OriginalSchemaFixture() const override {
        return "original_schema_postgres.sql";
    }

private:
    config::DatabaseUrl url_;
    std::string schema_;
    std::unique_ptr<PGconn, PgCloser> admin_;
};

}  // namespace

std::unique_ptr<TestDatabase> MakeSqliteFileDatabase() {
    return std::make_unique<SqliteFileDatabase>();
}

std::unique_ptr<TestDatabase> MakeSqliteMemoryDatabase() {
    return std::make_unique<SqliteMemoryDatabase>();
}

std::unique_ptr<TestDatabase> MakePostgresDatabase() {
    auto url = TestPostgresUrl();
    if (!url) {
        return nullptr;
    }
    return std::make_unique<PostgresDatabase>(*std::move(url));
}

std::optional<config::DatabaseUrl> TestPostgresUrl() {
    // Read before any test starts a thread.
    const char* text = std::getenv("CLOCKKO_TEST_POSTGRES_URL");  // NOLINT(concurrency-mt-unsafe)
    if (text == nullptr || *text == '\0') {
        return std::nullopt;
    }
    // postgresql://user:password@host:port/database — the only form the harness produces.
    std::string_view rest(text);
    const auto scheme_end = rest.find("://");
    if (scheme_end == std::string_view::npos) {
        throw std::runtime_error("CLOCKKO_TEST_POSTGRES_URL is not a URL");
    }
    rest.remove_prefix(scheme_end + 3);
    config::DatabaseUrl url;
    url.kind = config::DatabaseKind::kPostgres;
    const auto at = rest.rfind('@');
    if (at != std::string_view::npos) {
        const std::string_view credentials = rest.substr(0, at);
        const auto colon = credentials.find(':');
        url.user = PercentDecode(credentials.substr(0, colon));
        if (colon != std::string_view::npos) {
            url.password = PercentDecode(credentials.substr(colon + 1));
        }
        rest.remove_prefix(at + 1);
    }
    const auto slash = rest.find('/');
    const std::string_view host_port = rest.substr(0, slash);
    url.database = slash == std::string_view::npos ? "" : PercentDecode(rest.substr(slash + 1));
    const auto colon = host_port.rfind(':');
    url.host = std::string(host_port.substr(0, colon));
    if (colon != std::string_view::npos) {
        url.port = std::stoi(std::string(host_port.substr(colon + 1)));
    }
    return url;
}

bool PostgresRequired() {
    const char* value = std::getenv("CLOCKKO_REQUIRE_POSTGRES");  // NOLINT(concurrency-mt-unsafe)
    return value != nullptr && std::string_view(value) == "1";
}

std::string ReadFixture(const std::string& name) {
    std::ifstream file(std::string(CLOCKKO_CONTRACT_FIXTURES) + "/" + name);
    if (!file) {
        throw std::runtime_error("missing fixture " + name);
    }
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace clockko::store::testing
