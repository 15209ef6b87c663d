#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace clockko::compat {

/// One user of the original backend's database, as tests/compat/make_fixtures.py wrote it.
struct FixtureUser {
    std::string key;
    std::string id;          ///< canonical UUID, as python-jose's `sub` carried it
    std::string compact_id;  ///< the 32 hex digits SQLAlchemy stored on SQLite
    std::string username;
    std::string stored_email;  ///< as the old backend kept it (capitals, spaces)
    std::string login_email;   ///< as the user types it today
    std::optional<std::string> full_name;
    std::optional<std::string> phone_number;
    std::string password;
    std::string hashed_password;  ///< made by passlib
    bool is_active = true;        ///< what the new service must report
    bool is_verified = false;
    bool otp_verified = false;
    bool password_over_72_bytes = false;
    std::string old_token;              ///< python-jose HS256 {sub, exp far in the future}
    std::string expired_old_token;      ///< the same with exp in the past
    std::string old_token_compact_sub;  ///< sub as 32 hex digits
    std::string foreign_key_token;      ///< signed with a key the service does not know
};

/// fixtures/expectations.json.
struct Expectations {
    std::string secret_key;
    std::vector<std::string> cleared_columns;
    std::vector<std::string> user_columns;
    int task_count = 0;
    std::vector<FixtureUser> users;

    [[nodiscard]] const FixtureUser& User(const std::string& key) const;
};

/// Parsed once per process; throws std::runtime_error when the file is missing or malformed.
const Expectations& LoadExpectations();

enum class Engine { kSqlite, kPostgres };

/// Names the engine in test listings (instead of gtest's byte dump).
inline void PrintTo(Engine engine, std::ostream* out) {
    *out << (engine == Engine::kSqlite ? "sqlite" : "postgres");
}

/// "Sqlite" / "Postgres", for test names.
std::string EngineName(const ::testing::TestParamInfo<Engine>& info);

/// A result set as text: one entry per column, nullopt for NULL.
using Row = std::vector<std::optional<std::string>>;
using Rows = std::vector<Row>;

/// A database of its own for one test (a SQLite file, or a PostgreSQL schema reached through
/// the URL's `options=-c search_path=…`), removed afterwards. Raw SQL access for assertions.
class TestDatabase {
public:
    virtual ~TestDatabase() = default;
    [[nodiscard]] virtual Engine GetEngine() const = 0;
    /// The DATABASE_URL a `clockko` process uses to reach exactly this database.
    [[nodiscard]] virtual std::string DatabaseUrl() const = 0;
    /// Runs a script of several statements; throws std::runtime_error on failure.
    virtual void Execute(const std::string& script) = 0;
    /// Runs one query; every value as text. Throws std::runtime_error on failure.
    virtual Rows Query(const std::string& query) = 0;
};

/// An empty database, or nullptr when the engine is not available here (PostgreSQL without
/// CLOCKKO_TEST_POSTGRES_URL).
std::unique_ptr<TestDatabase> MakeEmptyDatabase(Engine engine);

/// A database loaded with the original backend's schema and rows (fixtures/original_*.sql).
std::unique_ptr<TestDatabase> MakeOriginalDatabase(Engine engine);

/// Skips the test, or fails it under CLOCKKO_REQUIRE_POSTGRES=1, when `database` is null.
/// Returns false when the test must stop.
bool Available(const std::unique_ptr<TestDatabase>& database);

/// The environment of a `clockko` process on `database`: the fixture's SECRET_KEY, cheap
/// bcrypt, JSON logs, no SMTP (codes go to the log).
std::map<std::string, std::string> ServerEnvironment(const TestDatabase& database);

/// Runs `clockko migrate`; returns its exit code and stores its output.
int RunMigrate(const TestDatabase& database, std::string& output);

/// Runs `arguments` (the first is the program's path) to completion; returns its exit code
/// (-1 if it could not run or took longer than `timeout_seconds`) and stores stdout + stderr.
int RunProgram(
    const std::vector<std::string>& arguments, std::string& output, int timeout_seconds = 60
);

/// The text of a file in tests/compat/fixtures/.
std::string ReadFixture(const std::string& name);

/// A random lower-case hex string of `bytes` bytes, for unique names.
std::string RandomHex(std::size_t bytes);

#define CLOCKKO_COMPAT_INSTANTIATE_ON_EVERY_ENGINE(suite)                            \
    INSTANTIATE_TEST_SUITE_P(                                                        \
        Engines,                                                                     \
        suite,                                                                       \
        ::testing::Values(                                                           \
            ::clockko::compat::Engine::kSqlite, ::clockko::compat::Engine::kPostgres \
        ),                                                                           \
        ::clockko::compat::EngineName                                                \
    )

}  // namespace clockko::compat
