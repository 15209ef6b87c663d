// Behaviour particular to one backend's connection handling; the shared behaviour is in the
// StoreContract suite.
#include "core/error.hpp"
#include "core/random.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "test_databases.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

namespace clockko::store::testing {
namespace {

using std::chrono::milliseconds;

// Holds the store's only connection inside a transaction until `release` is set, so that a
// second caller has to wait for it.
void ExpectWaitForBusyPoolTimesOut(Store& store) {
    std::promise<void> holding;
    std::promise<void> release;
    std::thread holder([&] {
        store.Transact([&](StoreTransaction& /*transaction*/) {
            holding.set_value();
            release.get_future().wait();
        });
    });
    holding.get_future().wait();
    EXPECT_THROW(store.Ping(), core::StoreUnavailable);
    release.set_value();
    holder.join();
    EXPECT_NO_THROW(store.Ping()) << "the connection is free again";
}

struct PgCloser {
    void operator()(PGconn* connection) const { PQfinish(connection); }
};

struct PgResultClearer {
    void operator()(PGresult* result) const { PQclear(result); }
};

// Terminates every server session of `application_name`: what a database restart or failover
// does to a pool's idle connections.
int TerminateSessions(const config::DatabaseUrl& url, const std::string& application_name) {
    const std::string port = std::to_string(url.port);
    const std::vector<const char*> keys{"host", "port", "user", "password", "dbname", nullptr};
    const std::vector<const char*> values{
        url.host.c_str(),
        port.c_str(),
        url.user.c_str(),
        url.password.c_str(),
        url.database.c_str(),
        nullptr};
    const std::unique_ptr<PGconn, PgCloser> admin(PQconnectdbParams(keys.data(), values.data(), 0));
    const std::array<const char*, 1> params{application_name.c_str()};
    const std::unique_ptr<PGresult, PgResultClearer> result(PQexecParams(
        admin.get(),
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
        1,
        nullptr,
        params.data(),
        nullptr,
        nullptr,
        0
    ));
    if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
        ADD_FAILURE() << PQerrorMessage(admin.get());
        return 0;
    }
    return std::stoi(PQgetvalue(result.get(), 0, 0));
}

}  // namespace

TEST(SqliteStore, PathThatCannotBeOpenedThrowsStoreUnavailable) {
    EXPECT_THROW(
        OpenSqliteStore(SqliteOptions{.path = "/nonexistent-clockko-folder/clockko.db"}),
        core::StoreUnavailable
    );
}

TEST(SqliteStore, FileThatIsNotADatabaseIsRefused) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("clockko-not-a-db-" + core::RandomHex(*core::MakeSystemRandom(), 6));
    std::ofstream(path) << "this is not an SQLite database, it is a text file of some length";
    EXPECT_THROW(OpenSqliteStore(SqliteOptions{.path = path.string()}), core::StoreFailure);
    std::filesystem::remove(path);
}

TEST(SqliteStore, WaitingForTheMemoryConnectionTimesOut) {
    auto store =
        OpenSqliteStore(SqliteOptions{.path = ":memory:", .busy_timeout = milliseconds{100}});
    ExpectWaitForBusyPoolTimesOut(*store);
}

TEST(PostgresStore, UnreachableServerThrowsStoreUnavailableQuickly) {
    config::DatabaseUrl url;
    url.kind = config::DatabaseKind::kPostgres;
    url.host = "127.0.0.1";
    url.port = 1;
    url.user = "nobody";
    url.database = "nothing";
    auto store = OpenPostgresStore(PostgresOptions{.url = url});
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(store->Ping(), core::StoreUnavailable);
    EXPECT_THROW(
        static_cast<void>(store->FindUserById("8f14e45f-ceea-467f-a0f3-b0b2c3d4e5f6")),
        core::StoreUnavailable
    );
    EXPECT_THROW(store->Transact([](StoreTransaction& /*transaction*/) {}), core::StoreUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{3});
}

TEST(PostgresStore, UnknownUrlParameterIsRefusedBeforeConnecting) {
    config::DatabaseUrl url;
    url.kind = config::DatabaseKind::kPostgres;
    url.host = "127.0.0.1";
    url.parameters["sslmdoe"] = "require";
    EXPECT_THROW(OpenPostgresStore(PostgresOptions{.url = url}), core::StoreFailure);
    url.parameters = {{"sslmode", "disable"}, {"application_name", "clockko-test"}};
    EXPECT_NO_THROW(OpenPostgresStore(PostgresOptions{.url = url}));
}

class PostgresStoreServer : public ::testing::Test {
protected:
    void SetUp() override {
        auto url = TestPostgresUrl();
        if (!url) {
            if (PostgresRequired()) {
                GTEST_FAIL() << "CLOCKKO_REQUIRE_POSTGRES=1 but CLOCKKO_TEST_POSTGRES_URL is unset";
            }
            GTEST_SKIP(
            ) << "CLOCKKO_TEST_POSTGRES_URL is unset (run under scripts/with-postgres.sh)";
        }
        url_ = *url;
        application_name_ = "clockko-test-" + core::RandomHex(*core::MakeSystemRandom(), 6);
        url_.parameters["application_name"] = application_name_;
    }

    config::DatabaseUrl url_;
    std::string application_name_;
};

TEST_F(PostgresStoreServer, StoreRecoversWhenTheServerDropsItsConnections) {
    auto store = OpenPostgresStore(PostgresOptions{.url = url_, .pool_size = 2});
    store->Ping();
    ASSERT_EQ(TerminateSessions(url_, application_name_), 1);
    EXPECT_NO_THROW(store->Ping());
    ASSERT_EQ(TerminateSessions(url_, application_name_), 1);
    EXPECT_NO_THROW(store->Transact([](StoreTransaction& /*transaction*/) {}));
    ASSERT_EQ(TerminateSessions(url_, application_name_), 1);
    EXPECT_EQ(store->AppliedSchemaVersion(), store->AppliedSchemaVersion());
}

TEST_F(PostgresStoreServer, WaitingForAFreeConnectionTimesOut) {
    auto store = OpenPostgresStore(PostgresOptions{
        .url = url_, .pool_size = 1, .pool_wait_timeout = milliseconds{100}});
    ExpectWaitForBusyPoolTimesOut(*store);
}

TEST_F(PostgresStoreServer, PercentEncodedPasswordIsDecodedBeforeConnecting) {
    // The harness's password holds '@', '/', ':', '#' and '%'; the URL carries it encoded.
    EXPECT_NE(url_.password.find_first_of("@/:"), std::string::npos);
    auto store = OpenPostgresStore(PostgresOptions{.url = url_});
    EXPECT_NO_THROW(store->Ping());
}

}  // namespace clockko::store::testing
