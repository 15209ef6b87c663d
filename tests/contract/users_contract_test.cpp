#include "store_contract.hpp"

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace clockko::store::testing {
namespace {

std::string Compact(std::string id) {
    std::erase(id, '-');
    return id;
}

std::string Upper(std::string text) {
    for (char& c : text) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return text;
}

}  // namespace

TEST_P(StoreContract, InsertedUserIsFoundByEmailAndByEitherIdForm) {
    Migrate();
    UserRecord user = NewUser("ada@example.com", "ada");
    user.full_name = "Ada Lovelace";
    user.phone_number = "+44 20 7946 0000";
    user.is_verified = true;
    InsertOrFail(user);

    std::optional<UserRecord> by_email;
    std::optional<UserRecord> by_compact_id;
    std::optional<UserRecord> by_upper_id;
    store().Transact([&](StoreTransaction& transaction) {
        by_email = transaction.FindUserByEmail("ada@example.com");
        by_compact_id = transaction.FindUserById(Compact(user.id));
        by_upper_id = transaction.FindUserById(Upper(user.id));
    });
    ASSERT_TRUE(by_email.has_value());
    EXPECT_EQ(by_email->id, user.id);
    EXPECT_EQ(by_email->email, "ada@example.com");
    EXPECT_EQ(by_email->username, "ada");
    EXPECT_EQ(by_email->full_name, user.full_name);
    EXPECT_EQ(by_email->phone_number, user.phone_number);
    EXPECT_EQ(by_email->hashed_password, user.hashed_password);
    EXPECT_TRUE(by_email->is_active);
    EXPECT_TRUE(by_email->is_verified);
    EXPECT_FALSE(by_email->otp_verified);
    EXPECT_EQ(by_email->created_at, T0());
    EXPECT_EQ(by_email->token_version, 0);
    ASSERT_TRUE(by_compact_id.has_value());
    EXPECT_EQ(by_compact_id->id, user.id);
    ASSERT_TRUE(by_upper_id.has_value());
    EXPECT_EQ(by_upper_id->id, user.id);

    const auto outside = store().FindUserById(user.id);
    ASSERT_TRUE(outside.has_value());
    EXPECT_EQ(outside->email, "ada@example.com");
    EXPECT_FALSE(outside->full_name == std::nullopt);
}

TEST_P(StoreContract, UnknownAndMalformedIdsFindNothingAndLeaveTheTransactionUsable) {
    Migrate();
    InsertUserOutcome outcome = InsertUserOutcome::kEmailTaken;
    store().Transact([&](StoreTransaction& transaction) {
        EXPECT_FALSE(transaction.FindUserById("not-a-uuid").has_value());
        EXPECT_FALSE(transaction.FindUserById("").has_value());
        EXPECT_FALSE(transaction.FindUserById("00000000-0000-4000-8000-000000000000").has_value());
        EXPECT_FALSE(transaction.FindUserByEmail("nobody@example.com").has_value());
        outcome = transaction.InsertUser(NewUser("after@example.com", "after"));
    });
    EXPECT_EQ(outcome, InsertUserOutcome::kInserted);
    EXPECT_FALSE(store().FindUserById("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz").has_value());
}

TEST_P(StoreContract, ConflictsAreReportedAndTheTransactionStaysUsable) {
    Migrate();
    InsertOrFail(NewUser("taken@example.com", "taken"));

    std::vector<InsertUserOutcome> outcomes;
    store().Transact([&](StoreTransaction& transaction) {
        outcomes.push_back(transaction.InsertUser(NewUser("taken@example.com", "other")));
        outcomes.push_back(transaction.InsertUser(NewUser("fresh@example.com", "taken")));
        outcomes.push_back(transaction.InsertUser(NewUser("fresh@example.com", "fresh")));
        EXPECT_TRUE(transaction.UsernameExists("fresh"));
    });
    EXPECT_EQ(
        outcomes,
        (std::vector{
            InsertUserOutcome::kEmailTaken,
            InsertUserOutcome::kUsernameTaken,
            InsertUserOutcome::kInserted,
        })
    );
    std::optional<UserRecord> fresh;
    bool other_exists = true;
    store().Transact([&](StoreTransaction& transaction) {
        fresh = transaction.FindUserByEmail("fresh@example.com");
        other_exists = transaction.UsernameExists("other");
    });
    ASSERT_TRUE(fresh.has_value());
    EXPECT_EQ(fresh->username, "fresh");
    EXPECT_FALSE(other_exists);
}

TEST_P(StoreContract, FiftyConcurrentInsertsOfOneEmailInsertExactlyOne) {
    Migrate();
    constexpr int kThreads = 50;
    std::atomic<int> inserted{0};
    std::atomic<int> email_taken{0};
    std::atomic<int> errors{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            const UserRecord user = NewUser("race@example.com", "racer" + std::to_string(i));
            while (!go.load()) {
                std::this_thread::yield();
            }
            try {
                store().Transact([&](StoreTransaction& transaction) {
                    switch (transaction.InsertUser(user)) {
                        case InsertUserOutcome::kInserted:
                            ++inserted;
                            break;
                        case InsertUserOutcome::kEmailTaken:
                            ++email_taken;
                            break;
                        case InsertUserOutcome::kUsernameTaken:
                            ++errors;
                            break;
                    }
                });
            } catch (const std::exception& error) {
                ADD_FAILURE() << error.what();
                ++errors;
            }
        });
    }
    go = true;
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(inserted.load(), 1);
    EXPECT_EQ(email_taken.load(), kThreads - 1);
    EXPECT_EQ(errors.load(), 0);
}

TEST_P(StoreContract, WorkThatThrowsRollsBackItsInserts) {
    Migrate();
    const UserRecord user = NewUser("rolled@example.com", "rolled");
    EXPECT_THROW(
        store().Transact([&](StoreTransaction& transaction) {
            ASSERT_EQ(transaction.InsertUser(user), InsertUserOutcome::kInserted);
            throw std::runtime_error("the use case failed");
        }),
        std::runtime_error
    );
    EXPECT_FALSE(store().FindUserById(user.id).has_value());
    InsertOrFail(user);  // nothing of the first attempt is left behind
}

TEST_P(StoreContract, PasswordResetRaisesTokenVersionAndVerifies) {
    Migrate();
    const UserRecord user = NewUser("reset@example.com", "reset");
    InsertOrFail(user);

    store().Transact([&](StoreTransaction& transaction) {
        transaction.ResetPassword(user.id, "$2b$04$new-hash");
    });
    auto after_reset = store().FindUserById(user.id);
    ASSERT_TRUE(after_reset.has_value());
    EXPECT_EQ(after_reset->hashed_password, "$2b$04$new-hash");
    EXPECT_EQ(after_reset->token_version, 1);
    EXPECT_TRUE(after_reset->is_verified);
    EXPECT_TRUE(after_reset->otp_verified);

    store().Transact([&](StoreTransaction& transaction) {
        transaction.UpdatePasswordHash(user.id, "$2b$13$upgraded-hash");
        transaction.ResetPassword(Compact(user.id), "$2b$04$second-reset");
    });
    EXPECT_EQ(store().FindUserById(user.id)->token_version, 2);

    store().Transact([&](StoreTransaction& transaction) {
        transaction.UpdatePasswordHash(user.id, "$2b$13$upgraded-hash");
    });
    const auto upgraded = store().FindUserById(user.id);
    EXPECT_EQ(upgraded->hashed_password, "$2b$13$upgraded-hash");
    EXPECT_EQ(upgraded->token_version, 2);
}

TEST_P(StoreContract, MarkVerifiedSetsBothFlagsOfThatUserOnly) {
    Migrate();
    const UserRecord first = NewUser("first@example.com", "first");
    const UserRecord second = NewUser("second@example.com", "second");
    InsertOrFail(first);
    InsertOrFail(second);
    store().Transact([&](StoreTransaction& transaction) { transaction.MarkVerified(first.id); });
    EXPECT_TRUE(store().FindUserById(first.id)->is_verified);
    EXPECT_TRUE(store().FindUserById(first.id)->otp_verified);
    EXPECT_FALSE(store().FindUserById(second.id)->is_verified);
    EXPECT_EQ(store().FindUserById(first.id)->token_version, 0);
}

TEST_P(StoreContract, PingAnswersWhenTheDatabaseIsThere) {
    EXPECT_NO_THROW(store().Ping());
}

}  // namespace clockko::store::testing
