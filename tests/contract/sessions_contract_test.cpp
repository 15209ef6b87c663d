#include "store_contract.hpp"

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace clockko::store::testing {
namespace {

using std::chrono::seconds;

constexpr std::string_view kFamily = "0f8fad5b-d9cb-469f-a165-70867728950e";
constexpr std::string_view kOtherFamily = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

SessionRecord Session(
    const UserRecord& user, std::string_view family, std::string hash, core::TimePoint at
) {
    SessionRecord session;
    session.family_id = std::string(family);
    session.user_id = user.id;
    session.token_hash = std::move(hash);
    session.created_at = at;
    session.expires_at = at + std::chrono::days{30};
    return session;
}

class SessionContract : public StoreContract {
protected:
    void SetUp() override {
        StoreContract::SetUp();
        Migrate();
        user_ = NewUser("sessions@example.com", "sessions");
        InsertOrFail(user_);
    }

    std::int64_t Insert(const SessionRecord& session) {
        std::int64_t id = 0;
        store().Transact([&](StoreTransaction& transaction) {
            id = transaction.Sessions().InsertSession(session);
        });
        return id;
    }

    std::optional<SessionRecord> ByHash(std::string_view hash) {
        std::optional<SessionRecord> found;
        store().Transact([&](StoreTransaction& transaction) {
            found = transaction.Sessions().FindSessionByTokenHash(hash);
        });
        return found;
    }

    UserRecord user_;
};

}  // namespace

TEST_P(SessionContract, InsertedSessionsRoundTripExactly) {
    const std::int64_t id = Insert(Session(user_, kFamily, "hash-1", T0()));
    EXPECT_GT(id, 0);
    const auto found = ByHash("hash-1");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, id);
    EXPECT_EQ(found->family_id, kFamily);
    EXPECT_EQ(found->user_id, user_.id);
    EXPECT_EQ(found->token_hash, "hash-1");
    EXPECT_EQ(found->created_at, T0());
    EXPECT_EQ(found->expires_at, T0() + std::chrono::days{30});
    EXPECT_FALSE(found->rotated_at);
    EXPECT_FALSE(found->successor_id);
    EXPECT_FALSE(found->revoked_at);
    EXPECT_FALSE(ByHash("hash-2"));
}

TEST_P(SessionContract, ADuplicateTokenHashIsAStoreFailure) {
    Insert(Session(user_, kFamily, "same", T0()));
    EXPECT_THROW(Insert(Session(user_, kOtherFamily, "same", T0())), core::StoreFailure);
}

TEST_P(SessionContract, RotationRecordsTheSuccessorAndTheTime) {
    const std::int64_t first = Insert(Session(user_, kFamily, "first", T0()));
    std::int64_t second = 0;
    store().Transact([&](StoreTransaction& transaction) {
        SessionOperations& sessions = transaction.Sessions();
        second = sessions.InsertSession(Session(user_, kFamily, "second", T0()));
        sessions.MarkSessionRotated(first, second, T0() + seconds{5});
    });
    const auto rotated = ByHash("first");
    ASSERT_TRUE(rotated.has_value());
    EXPECT_EQ(rotated->rotated_at, T0() + seconds{5});
    EXPECT_EQ(rotated->successor_id, second);
    std::optional<SessionRecord> successor;
    store().Transact([&](StoreTransaction& transaction) {
        successor = transaction.Sessions().FindSessionById(second);
    });
    ASSERT_TRUE(successor.has_value());
    EXPECT_EQ(successor->token_hash, "second");
    EXPECT_FALSE(successor->rotated_at);
}

TEST_P(SessionContract, RevokingAFamilyLeavesOtherFamiliesAlone) {
    Insert(Session(user_, kFamily, "a1", T0()));
    Insert(Session(user_, kFamily, "a2", T0()));
    Insert(Session(user_, kOtherFamily, "b1", T0()));
    std::int64_t revoked = 0;
    store().Transact([&](StoreTransaction& transaction) {
        revoked = transaction.Sessions().RevokeSessionFamily(kFamily, T0() + seconds{1});
    });
    EXPECT_EQ(revoked, 2);
    EXPECT_EQ(ByHash("a1")->revoked_at, T0() + seconds{1});
    EXPECT_EQ(ByHash("a2")->revoked_at, T0() + seconds{1});
    EXPECT_FALSE(ByHash("b1")->revoked_at);
    store().Transact([&](StoreTransaction& transaction) {
        revoked = transaction.Sessions().RevokeSessionFamily(kFamily, T0() + seconds{2});
    });
    EXPECT_EQ(revoked, 0);  // already revoked rows keep their first revocation time
    EXPECT_EQ(ByHash("a1")->revoked_at, T0() + seconds{1});
}

TEST_P(SessionContract, RevokingAUsersSessionsAndRaisingItsTokenVersion) {
    const UserRecord other = NewUser("other@example.com", "other");
    InsertOrFail(other);
    Insert(Session(user_, kFamily, "mine-1", T0()));
    Insert(Session(user_, kOtherFamily, "mine-2", T0()));
    Insert(Session(other, "9b2d3c4e-0000-4000-8000-000000000001", "theirs", T0()));
    std::int64_t revoked = 0;
    store().Transact([&](StoreTransaction& transaction) {
        revoked = transaction.Sessions().RevokeUserSessions(user_.id, T0());
        transaction.Sessions().RaiseTokenVersion(user_.id);
    });
    EXPECT_EQ(revoked, 2);
    EXPECT_TRUE(ByHash("mine-1")->revoked_at);
    EXPECT_TRUE(ByHash("mine-2")->revoked_at);
    EXPECT_FALSE(ByHash("theirs")->revoked_at);
    EXPECT_EQ(store().FindUserById(user_.id)->token_version, 1);
    EXPECT_EQ(store().FindUserById(other.id)->token_version, 0);
}

TEST_P(SessionContract, PurgingDeletesOnlyTheUsersExpiredSessions) {
    const UserRecord other = NewUser("purge-other@example.com", "purgeother");
    InsertOrFail(other);
    SessionRecord expired = Session(user_, kFamily, "expired", T0() - std::chrono::days{31});
    SessionRecord live = Session(user_, kFamily, "live", T0());
    SessionRecord theirs =
        Session(other, kOtherFamily, "theirs-expired", T0() - std::chrono::days{31});
    const std::int64_t expired_id = Insert(expired);
    const std::int64_t live_id = Insert(live);
    Insert(theirs);
    std::int64_t purged = 0;
    store().Transact([&](StoreTransaction& transaction) {
        transaction.Sessions().MarkSessionRotated(
            expired_id, live_id, T0() - std::chrono::days{30}
        );
        purged = transaction.Sessions().PurgeExpiredSessions(user_.id, T0());
    });
    EXPECT_EQ(purged, 1);
    EXPECT_FALSE(ByHash("expired"));
    EXPECT_TRUE(ByHash("live"));
    EXPECT_TRUE(ByHash("theirs-expired"));
}

TEST_P(SessionContract, AWorkThatThrowsLeavesNoSession) {
    EXPECT_THROW(
        store().Transact([&](StoreTransaction& transaction) {
            (void)transaction.Sessions().InsertSession(Session(user_, kFamily, "rolled-back", T0())
            );
            throw std::runtime_error("abort");
        }),
        std::runtime_error
    );
    EXPECT_FALSE(ByHash("rolled-back"));
}

// Two refreshes racing with one token: the row lock (FOR UPDATE, or SQLite's write lock) lets
// exactly one of them see the token unrotated.
TEST_P(SessionContract, ConcurrentRotationsOfOneTokenAreSerialised) {
    const std::int64_t first = Insert(Session(user_, kFamily, "raced", T0()));
    constexpr int kRacers = 8;
    std::atomic<int> rotations{0};
    std::vector<std::thread> racers;
    for (int racer = 0; racer < kRacers; ++racer) {
        racers.emplace_back([&, racer] {
            store().Transact([&](StoreTransaction& transaction) {
                SessionOperations& sessions = transaction.Sessions();
                const auto current = sessions.FindSessionByTokenHash("raced");
                if (!current || current->rotated_at) {
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds{300});  // widen the window
                const std::int64_t next = sessions.InsertSession(
                    Session(user_, kFamily, "successor-" + std::to_string(racer), T0())
                );
                sessions.MarkSessionRotated(first, next, T0());
                rotations.fetch_add(1);
            });
        });
    }
    for (std::thread& racer : racers) {
        racer.join();
    }
    EXPECT_EQ(rotations.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Store,
    SessionContract,
    ::testing::Values(
        Backend{"SqliteFile", MakeSqliteFileDatabase},
        Backend{"SqliteMemory", MakeSqliteMemoryDatabase},
        Backend{"Postgres", MakePostgresDatabase}
    ),
    [](const ::testing::TestParamInfo<Backend>& backend) { return backend.param.name; }
);

}  // namespace clockko::store::testing
