#pragma once

#include "config/config.hpp"
#include "store/store.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace clockko::store::testing {

/// A fresh, empty database of one backend for one test, removed afterwards.
class TestDatabase {
public:
    virtual ~TestDatabase() = default;

    /// A new store (own connections) on this database. For ":memory:" every store would be a
    /// different database, so it returns the same store every time.
    virtual std::shared_ptr<Store> OpenStore() = 0;

    /// False for ":memory:": nothing outside its one store can reach it.
    [[nodiscard]] virtual bool SupportsRawAccess() const = 0;

    /// Runs SQL text (a fixture script, several statements) outside the store.
    virtual void ExecuteRaw(const std::string& script) = 0;

    /// The first column of the first row of `query` (nullopt for NULL or no row).
    virtual std::optional<std::string> QueryRaw(const std::string& query) = 0;

    /// The fixture file with the original FastAPI backend's schema for this engine.
    [[nodiscard]] virtual std::string OriginalSchemaFixture() const = 0;
};

/// One instantiation of the contract suite. `make` returns nullptr when the backend is not
/// available here (PostgreSQL without CLOCKKO_TEST_POSTGRES_URL).
struct Backend {
    std::string name;
    std::function<std::unique_ptr<TestDatabase>()> make;
};

/// Names the backend in test listings (instead of gtest's byte dump).
inline void PrintTo(const Backend& backend, std::ostream* out) {
    *out << backend.name;
}

std::unique_ptr<TestDatabase> MakeSqliteFileDatabase();
std::unique_ptr<TestDatabase> MakeSqliteMemoryDatabase();
std::unique_ptr<TestDatabase> MakePostgresDatabase();

/// CLOCKKO_TEST_POSTGRES_URL parsed (percent-decoded user and password), or nullopt when unset.
std::optional<config::DatabaseUrl> TestPostgresUrl();

/// True when CLOCKKO_REQUIRE_POSTGRES=1: a missing PostgreSQL fails instead of skipping.
bool PostgresRequired();

/// The text of a file in tests/contract/fixtures/.
std::string ReadFixture(const std::string& name);

}  // namespace clockko::store::testing
