#include "memory_store.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace clockko::fakes {
namespace {

store::UserRecord User(std::string id, std::string email, std::string username) {
    store::UserRecord user;
    user.id = std::move(id);
    user.email = std::move(email);
    user.username = std::move(username);
    return user;
}

constexpr std::string_view kId = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
constexpr core::TimePoint kNow{std::chrono::seconds{1'800'000'000}};

TEST(MemoryStore, RollsBackWhenTheCallbackThrows) {
    MemoryStore store;
    EXPECT_THROW(
        store.Transact([](store::StoreTransaction& transaction) {
            EXPECT_EQ(
                transaction.InsertUser(User(std::string(kId), "a@example.com", "a")),
                store::InsertUserOutcome::kInserted
            );
            throw std::runtime_error("boom");
        }),
        std::runtime_error
    );
    EXPECT_TRUE(store.Snapshot().users.empty());
}

TEST(MemoryStore, ReportsConflictsWithoutAbortingTheTransaction) {
    MemoryStore store;
    store.PutUser(User(std::string(kId), "a@example.com", "a"));
    store.Transact([](store::StoreTransaction& transaction) {
        EXPECT_EQ(
            transaction.InsertUser(
                User("00000000-0000-4000-8000-000000000001", "a@example.com", "b")
            ),
            store::InsertUserOutcome::kEmailTaken
        );
        EXPECT_EQ(
            transaction.InsertUser(
                User("00000000-0000-4000-8000-000000000001", "b@example.com", "a")
            ),
            store::InsertUserOutcome::kUsernameTaken
        );
        EXPECT_EQ(
            transaction.InsertUser(
                User("00000000-0000-4000-8000-000000000001", "b@example.com", "b")
            ),
            store::InsertUserOutcome::kInserted
        );
    });
    EXPECT_EQ(store.Snapshot().users.size(), 2U);
}

TEST(MemoryStore, FindsUsersByEitherIdForm) {
    MemoryStore store;
    store.PutUser(User(std::string(kId), "a@example.com", "a"));
    EXPECT_TRUE(store.FindUserById(kId));
    EXPECT_TRUE(store.FindUserById("3F1C2A4E5B6D4E7F8A9B0C1D2E3F4A5B"));
    EXPECT_FALSE(store.FindUserById("00000000-0000-4000-8000-000000000000"));
}

TEST(MemoryStore, RefusesStoreCallsFromInsideACallback) {
    MemoryStore store;
    store.Transact([&](store::StoreTransaction&) {
        EXPECT_THROW((void)store.FindUserById(kId), std::logic_error);
        EXPECT_THROW(store.Transact([](store::StoreTransaction&) {}), std::logic_error);
    });
    EXPECT_NO_THROW((void)store.FindUserById(kId));
}

TEST(MemoryStore, ReplaceCodeVoidsOlderCodesOfThatPurposeOnly) {
    MemoryStore store;
    store.Transact([](store::StoreTransaction& transaction) {
        store::CodeRecord code{
            .id = 0,
            .user_id = std::string(kId),
            .purpose = store::CodePurpose::kVerifyEmail,
            .code_hash = "h1",
            .created_at = kNow,
            .expires_at = kNow,
            .failed_attempts = 0};
        transaction.ReplaceCode(code);
        code.purpose = store::CodePurpose::kResetPassword;
        code.code_hash = "r1";
        transaction.ReplaceCode(code);
        code.purpose = store::CodePurpose::kVerifyEmail;
        code.code_hash = "h2";
        transaction.ReplaceCode(code);
        EXPECT_EQ(
            transaction.FindCurrentCode(kId, store::CodePurpose::kVerifyEmail)->code_hash, "h2"
        );
        EXPECT_EQ(
            transaction.FindCurrentCode(kId, store::CodePurpose::kResetPassword)->code_hash, "r1"
        );
        const std::int64_t id =
            transaction.FindCurrentCode(kId, store::CodePurpose::kVerifyEmail)->id;
        transaction.RecordFailedAttempt(id);
        EXPECT_EQ(
            transaction.FindCurrentCode(kId, store::CodePurpose::kVerifyEmail)->failed_attempts, 1
        );
        transaction.ConsumeCode(id, kNow);
        EXPECT_FALSE(transaction.FindCurrentCode(kId, store::CodePurpose::kVerifyEmail));
    });
}

TEST(MemoryStore, RunsRetriedCallbacksOnDiscardedCopies) {
    MemoryStore store;
    store.SetRetries(2);
    int runs = 0;
    store.Transact([&](store::StoreTransaction& transaction) {
        ++runs;
        transaction.EnqueueMail(
            {.recipient = "a@example.com", .template_name = "welcome", .parameters_json = "{}"},
            kNow
        );
    });
    EXPECT_EQ(runs, 3);
    EXPECT_EQ(store.Mails().size(), 1U);
}

TEST(MemoryStore, LeasesClaimedMailUntilMarked) {
    MemoryStore store;
    store.Transact([](store::StoreTransaction& transaction) {
        transaction.EnqueueMail(
            {.recipient = "a@example.com",
             .template_name = "welcome",
             .parameters_json = R"({"code":"1"})"},
            kNow
        );
    });
    const auto claimed = store.ClaimMail(10, kNow, std::chrono::seconds{30});
    ASSERT_EQ(claimed.size(), 1U);
    EXPECT_TRUE(
        store.ClaimMail(10, kNow + std::chrono::seconds{29}, std::chrono::seconds{30}).empty()
    );
    store.MarkMailRetry(claimed[0].id, kNow + std::chrono::seconds{60}, "421");
    EXPECT_TRUE(
        store.ClaimMail(10, kNow + std::chrono::seconds{59}, std::chrono::seconds{30}).empty()
    );
    const auto again =
        store.ClaimMail(10, kNow + std::chrono::seconds{60}, std::chrono::seconds{30});
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again[0].attempts, 1);
    store.MarkMailSent(again[0].id, kNow);
    EXPECT_EQ(store.PendingMailCount(), 0);
    EXPECT_TRUE(store.Mails()[0].parameters_json.empty()) << "a sent code is erased";
}

TEST(MemoryStore, ThrowsStoreUnavailableWhenSetSo) {
    MemoryStore store;
    store.SetUnavailable(true);
    EXPECT_THROW(store.Ping(), core::StoreUnavailable);
    EXPECT_THROW(store.Transact([](store::StoreTransaction&) {}), core::StoreUnavailable);
}

}  // namespace
}  // namespace clockko::fakes
