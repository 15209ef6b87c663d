#include "store_contract.hpp"

#include "core/random.hpp"

namespace clockko::store::testing {

void StoreContract::SetUp() {
    database_ = GetParam().make();
    if (!database_) {
        if (PostgresRequired()) {
            GTEST_FAIL() << "CLOCKKO_REQUIRE_POSTGRES=1 but CLOCKKO_TEST_POSTGRES_URL is unset";
        }
        GTEST_SKIP() << "CLOCKKO_TEST_POSTGRES_URL is unset (run under scripts/with-postgres.sh)";
    }
    store_ = database_->OpenStore();
}

UserRecord StoreContract::NewUser(const std::string& email, const std::string& username) {
    UserRecord user;
    user.id = core::RandomUuid(*core::MakeSystemRandom());
    user.email = email;
    user.username = username;
    user.hashed_password = "$2b$04$abcdefghijklmnopqrstuuN0m5D3uW8m0c1d2e3f4g5h6i7j8k9l0";
    user.created_at = T0();
    return user;
}

void StoreContract::InsertOrFail(const UserRecord& user) {
    InsertUserOutcome outcome = InsertUserOutcome::kEmailTaken;
    store_->Transact([&](StoreTransaction& transaction) { outcome = transaction.InsertUser(user); }
    );
    ASSERT_EQ(outcome, InsertUserOutcome::kInserted) << user.email;
}

INSTANTIATE_TEST_SUITE_P(
    Store,
    StoreContract,
    ::testing::Values(
        Backend{"SqliteFile", MakeSqliteFileDatabase},
        Backend{"SqliteMemory", MakeSqliteMemoryDatabase},
        Backend{"Postgres", MakePostgresDatabase}
    ),
    [](const ::testing::TestParamInfo<Backend>& backend) { return backend.param.name; }
);

}  // namespace clockko::store::testing
