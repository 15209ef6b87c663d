#include "store_contract.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace clockko::store::testing {

TEST_P(StoreContract, MigratingTwiceIsANoOp) {
    EXPECT_EQ(store().AppliedSchemaVersion(), 0);
    const int expected = store().ExpectedSchemaVersion();
    ASSERT_GE(expected, 2);
    EXPECT_EQ(store().Migrate(), expected);
    EXPECT_EQ(store().AppliedSchemaVersion(), expected);
    EXPECT_EQ(store().Migrate(), 0);
    EXPECT_EQ(store().AppliedSchemaVersion(), expected);
}

TEST_P(StoreContract, ConcurrentMigrationsApplyEachMigrationOnce) {
    constexpr int kInstances = 4;
    std::vector<std::shared_ptr<Store>> stores;
    stores.reserve(kInstances);
    for (int i = 0; i < kInstances; ++i) {
        stores.push_back(database().OpenStore());  // separate instances where the backend can
    }
    std::atomic<int> applied{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    threads.reserve(kInstances);
    for (const auto& instance : stores) {
        threads.emplace_back([&, instance] {
            while (!go.load()) {
                std::this_thread::yield();
            }
            try {
                applied += instance->Migrate();
            } catch (const std::exception& error) {
                ADD_FAILURE() << error.what();
            }
        });
    }
    go = true;
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(applied.load(), store().ExpectedSchemaVersion());
    EXPECT_EQ(store().AppliedSchemaVersion(), store().ExpectedSchemaVersion());
    InsertOrFail(NewUser("after-migration@example.com", "after"));
}

// Issue 8: a database made by the original FastAPI backend is adopted without losing a row.
TEST_P(StoreContract, OriginalBackendDatabaseIsAdoptedWithoutLosingRows) {
    if (!database().SupportsRawAccess()) {
        GTEST_SKIP() << "a :memory: database cannot be prepared from outside its store";
    }
    database().ExecuteRaw(ReadFixture(database().OriginalSchemaFixture()));
    EXPECT_EQ(store().Migrate(), store().ExpectedSchemaVersion());

    std::optional<UserRecord> old_user;
    std::optional<UserRecord> by_compact_id;
    InsertUserOutcome duplicate = InsertUserOutcome::kInserted;
    store().Transact([&](StoreTransaction& transaction) {
        old_user = transaction.FindUserByEmail("old.user@example.com");
        by_compact_id = transaction.FindUserById("8f14e45fceea467fa0f3b0b2c3d4e5f6");
        duplicate = transaction.InsertUser(NewUser("old.user@example.com", "newcomer"));
    });
    ASSERT_TRUE(old_user.has_value()) << "the login lookup must find the capitalised email";
    EXPECT_EQ(old_user->id, "8f14e45f-ceea-467f-a0f3-b0b2c3d4e5f6");
    EXPECT_EQ(old_user->email, "Old.User@Example.COM ") << "the stored row is not rewritten";
    EXPECT_EQ(old_user->username, "olduser");
    EXPECT_EQ(old_user->full_name, "Old User");
    EXPECT_EQ(old_user->phone_number, "+2348000000000");
    EXPECT_EQ(
        old_user->hashed_password, "$2b$12$KIXQJ8b6h9mJz6Q8m1m3UeT1m2y3c4b5n6m7a8s9d0f1g2h3j4k5l"
    );
    EXPECT_TRUE(old_user->is_active);
    EXPECT_FALSE(old_user->is_verified);
    EXPECT_FALSE(old_user->otp_verified);
    EXPECT_EQ(old_user->created_at, *core::ParseUtcTimestamp("2024-02-29 23:59:58.654321"));
    EXPECT_EQ(old_user->token_version, 0);
    ASSERT_TRUE(by_compact_id.has_value());
    EXPECT_EQ(by_compact_id->username, "olduser");
    EXPECT_EQ(duplicate, InsertUserOutcome::kEmailTaken);

    const auto second = store().FindUserById("0b9d6c9a-2f5e-4d3c-8b7a-695847362514");
    ASSERT_TRUE(second.has_value());
    EXPECT_TRUE(second->is_active) << "a NULL is_active reads as the old model's default";
    EXPECT_FALSE(second->is_verified);

    EXPECT_EQ(database().QueryRaw("SELECT COUNT(*) FROM users"), "2");
    EXPECT_EQ(
        database().QueryRaw(
            "SELECT COUNT(*) FROM users WHERE otp IS NOT NULL OR reset_token IS NOT NULL "
            "OR verification_token IS NOT NULL OR otp_expires_at IS NOT NULL "
            "OR reset_token_expires_at IS NOT NULL"
        ),
        "0"
    ) << "plaintext codes and tokens are cleared";
    EXPECT_EQ(database().QueryRaw("SELECT title FROM tasks"), "Ship it") << "other tables stay";
    EXPECT_EQ(store().Migrate(), 0);
}

}  // namespace clockko::store::testing
