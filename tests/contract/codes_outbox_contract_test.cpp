#include "store_contract.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace clockko::store::testing {
namespace {

using std::chrono::seconds;

CodeRecord Code(const UserRecord& user, CodePurpose purpose, std::string hash, core::TimePoint at) {
    CodeRecord code;
    code.user_id = user.id;
    code.purpose = purpose;
    code.code_hash = std::move(hash);
    code.created_at = at;
    code.expires_at = at + std::chrono::minutes{10};
    return code;
}

OutgoingMail Mail(const std::string& recipient) {
    return OutgoingMail{
        .recipient = recipient,
        .template_name = "verify_email",
        .parameters_json = R"({"code":"123456"})",
    };
}

std::vector<std::int64_t> Ids(const std::vector<OutboxEntry>& entries) {
    std::vector<std::int64_t> ids;
    ids.reserve(entries.size());
    for (const auto& entry : entries) {
        ids.push_back(entry.id);
    }
    return ids;
}

}  // namespace

TEST_P(StoreContract, ReplaceCodeVoidsOlderCodesOfThatPurposeOnly) {
    Migrate();
    const UserRecord user = NewUser("codes@example.com", "codes");
    InsertOrFail(user);
    store().Transact([&](StoreTransaction& transaction) {
        transaction.ReplaceCode(Code(user, CodePurpose::kVerifyEmail, "verify-1", T0()));
        transaction.ReplaceCode(Code(user, CodePurpose::kResetPassword, "reset-1", T0()));
        transaction.ReplaceCode(Code(user, CodePurpose::kVerifyEmail, "verify-2", T0() + seconds{1})
        );
    });
    std::optional<CodeRecord> verify;
    std::optional<CodeRecord> reset;
    store().Transact([&](StoreTransaction& transaction) {
        verify = transaction.FindCurrentCode(user.id, CodePurpose::kVerifyEmail);
        reset = transaction.FindCurrentCode(user.id, CodePurpose::kResetPassword);
    });
    ASSERT_TRUE(verify.has_value());
    EXPECT_EQ(verify->code_hash, "verify-2");
    EXPECT_EQ(verify->user_id, user.id);
    EXPECT_EQ(verify->purpose, CodePurpose::kVerifyEmail);
    EXPECT_EQ(verify->created_at, T0() + seconds{1});
    EXPECT_EQ(verify->expires_at, T0() + seconds{1} + std::chrono::minutes{10});
    EXPECT_EQ(verify->failed_attempts, 0);
    ASSERT_TRUE(reset.has_value());
    EXPECT_EQ(reset->code_hash, "reset-1");
    EXPECT_NE(reset->id, verify->id);
}

TEST_P(StoreContract, FailedAttemptsAreCountedAndAConsumedCodeNeverMatchesAgain) {
    Migrate();
    const UserRecord user = NewUser("attempts@example.com", "attempts");
    InsertOrFail(user);
    store().Transact([&](StoreTransaction& transaction) {
        transaction.ReplaceCode(Code(user, CodePurpose::kVerifyEmail, "old", T0()));
        transaction.ReplaceCode(Code(user, CodePurpose::kVerifyEmail, "current", T0()));
    });
    store().Transact([&](StoreTransaction& transaction) {
        const auto code = transaction.FindCurrentCode(user.id, CodePurpose::kVerifyEmail);
        ASSERT_TRUE(code.has_value());
        transaction.RecordFailedAttempt(code->id);
        transaction.RecordFailedAttempt(code->id);
    });
    std::optional<CodeRecord> counted;
    store().Transact([&](StoreTransaction& transaction) {
        counted = transaction.FindCurrentCode(user.id, CodePurpose::kVerifyEmail);
        ASSERT_TRUE(counted.has_value());
        transaction.ConsumeCode(counted->id, T0() + seconds{5});
    });
    ASSERT_TRUE(counted.has_value());
    EXPECT_EQ(counted->code_hash, "current");
    EXPECT_EQ(counted->failed_attempts, 2);

    std::optional<CodeRecord> after;
    store().Transact([&](StoreTransaction& transaction) {
        after = transaction.FindCurrentCode(user.id, CodePurpose::kVerifyEmail);
    });
    EXPECT_FALSE(after.has_value()) << "neither the consumed nor the voided code may come back";
}

TEST_P(StoreContract, MailEnqueuedInARolledBackTransactionIsNeverSeen) {
    Migrate();
    EXPECT_THROW(
        store().Transact([&](StoreTransaction& transaction) {
            transaction.EnqueueMail(Mail("lost@example.com"), T0());
            throw std::runtime_error("the use case failed after queueing");
        }),
        std::runtime_error
    );
    EXPECT_EQ(store().PendingMailCount(), 0);
    EXPECT_TRUE(store().ClaimMail(10, T0() + seconds{60}, seconds{30}).empty());

    store().Transact([&](StoreTransaction& transaction) {
        transaction.EnqueueMail(Mail("kept@example.com"), T0());
    });
    EXPECT_EQ(store().PendingMailCount(), 1);
    const auto claimed = store().ClaimMail(10, T0(), seconds{30});
    ASSERT_EQ(claimed.size(), 1U);
    EXPECT_EQ(claimed[0].mail.recipient, "kept@example.com");
    EXPECT_EQ(claimed[0].mail.template_name, "verify_email");
    EXPECT_EQ(claimed[0].mail.parameters_json, R"({"code":"123456"})");
    EXPECT_EQ(claimed[0].attempts, 0);
}

TEST_P(StoreContract, ClaimedMailIsLeasedUntilTheLeaseEnds) {
    Migrate();
    store().Transact([&](StoreTransaction& transaction) {
        transaction.EnqueueMail(Mail("a@example.com"), T0());
        transaction.EnqueueMail(Mail("b@example.com"), T0());
        transaction.EnqueueMail(Mail("c@example.com"), T0());
    });
    const auto first = store().ClaimMail(2, T0(), seconds{60});
    ASSERT_EQ(first.size(), 2U);
    EXPECT_EQ(first[0].mail.recipient, "a@example.com");
    EXPECT_EQ(first[1].mail.recipient, "b@example.com");

    const auto second = store().ClaimMail(10, T0() + seconds{30}, seconds{60});
    ASSERT_EQ(second.size(), 1U);
    EXPECT_EQ(second[0].mail.recipient, "c@example.com");

    EXPECT_TRUE(store().ClaimMail(10, T0() + seconds{59}, seconds{60}).empty());
    const auto expired = store().ClaimMail(10, T0() + seconds{60}, seconds{60});
    EXPECT_EQ(Ids(expired), Ids(first)) << "a lease that ran out makes the message claimable";
    EXPECT_EQ(store().PendingMailCount(), 3);
}

TEST_P(StoreContract, ReleasedMailIsClaimableAtOnceWithItsAttemptsUnchanged) {
    Migrate();
    store().Transact([&](StoreTransaction& transaction) {
        transaction.EnqueueMail(Mail("a@example.com"), T0());
        transaction.EnqueueMail(Mail("b@example.com"), T0());
    });
    const auto claimed = store().ClaimMail(10, T0(), seconds{60});
    ASSERT_EQ(claimed.size(), 2U);
    store().ReleaseMail(claimed[1].id);
    const auto again = store().ClaimMail(10, T0() + seconds{1}, seconds{60});
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again[0].id, claimed[1].id);
    EXPECT_EQ(again[0].attempts, 0);
    // Releasing a message already sent changes nothing.
    store().MarkMailSent(claimed[0].id, T0());
    store().ReleaseMail(claimed[0].id);
    EXPECT_TRUE(store().ClaimMail(10, T0() + seconds{2}, seconds{60}).empty());
    EXPECT_EQ(store().PendingMailCount(), 1);
}

TEST_P(StoreContract, ConcurrentClaimersNeverGetTheSameMessage) {
    Migrate();
    constexpr int kMessages = 60;
    constexpr int kClaimers = 4;
    store().Transact([&](StoreTransaction& transaction) {
        for (int i = 0; i < kMessages; ++i) {
            transaction.EnqueueMail(Mail("m" + std::to_string(i) + "@example.com"), T0());
        }
    });
    std::vector<std::shared_ptr<Store>> stores;
    stores.reserve(kClaimers);
    for (int i = 0; i < kClaimers; ++i) {
        stores.push_back(database().OpenStore());  // one instance each, where the backend can
    }
    std::vector<std::vector<std::int64_t>> claimed(kClaimers);
    std::vector<std::thread> threads;
    threads.reserve(kClaimers);
    for (int i = 0; i < kClaimers; ++i) {
        threads.emplace_back([&, i] {
            for (;;) {
                const auto batch =
                    stores[static_cast<std::size_t>(i)]->ClaimMail(3, T0(), seconds{300});
                if (batch.empty()) {
                    return;
                }
                const auto ids = Ids(batch);
                auto& mine = claimed[static_cast<std::size_t>(i)];
                mine.insert(mine.end(), ids.begin(), ids.end());
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::vector<std::int64_t> all;
    for (const auto& ids : claimed) {
        all.insert(all.end(), ids.begin(), ids.end());
    }
    const std::set<std::int64_t> distinct(all.begin(), all.end());
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kMessages));
    EXPECT_EQ(distinct.size(), all.size()) << "a message was claimed twice";
}

TEST_P(StoreContract, RetriedMailWaitsForItsNextAttempt) {
    Migrate();
    store().Transact([&](StoreTransaction& transaction) {
        transaction.EnqueueMail(Mail("retry@example.com"), T0());
    });
    const auto claimed = store().ClaimMail(1, T0(), seconds{60});
    ASSERT_EQ(claimed.size(), 1U);
    store().MarkMailRetry(claimed[0].id, T0() + seconds{120}, "421 4.7.0 try again later");

    EXPECT_TRUE(store().ClaimMail(10, T0() + seconds{119}, seconds{60}).empty());
    const auto again = store().ClaimMail(10, T0() + seconds{120}, seconds{60});
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again[0].id, claimed[0].id);
    EXPECT_EQ(again[0].attempts, 1);
    EXPECT_EQ(again[0].mail.parameters_json, R"({"code":"123456"})");
    EXPECT_EQ(store().PendingMailCount(), 1);
    if (database().SupportsRawAccess()) {
        EXPECT_EQ(
            database().QueryRaw(
                "SELECT last_error FROM outbox WHERE id = " + std::to_string(again[0].id)
            ),
            "421 4.7.0 try again later"
        );
    }
}

TEST_P(StoreContract, SentAndFailedMailLeaveThePendingCountAndLoseTheirParameters) {
    Migrate();
    store().Transact([&](StoreTransaction& transaction) {
        transaction.EnqueueMail(Mail("sent@example.com"), T0());
        transaction.EnqueueMail(Mail("failed@example.com"), T0());
        transaction.EnqueueMail(Mail("waiting@example.com"), T0());
    });
    EXPECT_EQ(store().PendingMailCount(), 3);
    const auto claimed = store().ClaimMail(2, T0(), seconds{60});
    ASSERT_EQ(claimed.size(), 2U);
    store().MarkMailSent(claimed[0].id, T0() + seconds{1});
    store().MarkMailFailed(claimed[1].id, "550 5.1.1 no such mailbox");
    EXPECT_EQ(store().PendingMailCount(), 1);

    const auto later = store().ClaimMail(10, T0() + std::chrono::hours{24}, seconds{60});
    ASSERT_EQ(later.size(), 1U);
    EXPECT_EQ(later[0].mail.recipient, "waiting@example.com");

    if (database().SupportsRawAccess()) {
        const auto column = [&](const std::string& name, std::int64_t id) {
            return database().QueryRaw(
                "SELECT " + name + " FROM outbox WHERE id = " + std::to_string(id)
            );
        };
        EXPECT_EQ(column("status", claimed[0].id), "sent");
        EXPECT_EQ(column("parameters_json", claimed[0].id), std::nullopt);
        EXPECT_EQ(column("status", claimed[1].id), "failed");
        EXPECT_EQ(column("parameters_json", claimed[1].id), std::nullopt);
        EXPECT_EQ(column("last_error", claimed[1].id), "550 5.1.1 no such mailbox");
        EXPECT_EQ(column("parameters_json", later[0].id), R"({"code":"123456"})");
    }
}

TEST_P(StoreContract, CodeForAnUnknownUserIsRefusedByTheForeignKey) {
    Migrate();
    const UserRecord ghost = NewUser("ghost@example.com", "ghost");  // never inserted
    EXPECT_THROW(
        store().Transact([&](StoreTransaction& transaction) {
            transaction.ReplaceCode(Code(ghost, CodePurpose::kVerifyEmail, "hash", T0()));
        }),
        core::StoreFailure
    );
}

}  // namespace clockko::store::testing
