#include "auth/username.hpp"

#include "memory_store.hpp"
#include "seeded_random.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace clockko::auth {
namespace {

store::UserRecord NewUser(std::string email, std::string id) {
    store::UserRecord user;
    user.id = std::move(id);
    user.email = std::move(email);
    user.hashed_password = "fake$4$x";
    return user;
}

// Inserts a user under a derived username and returns the name it got.
std::string InsertDerived(
    fakes::MemoryStore& store, core::Random& random, const std::string& email, const std::string& id
) {
    std::string username;
    store.Transact([&](store::StoreTransaction& transaction) {
        store::UserRecord user = NewUser(email, id);
        EXPECT_EQ(
            InsertWithDerivedUsername(transaction, user, UsernameBaseFromEmail(email), random),
            store::InsertUserOutcome::kInserted
        );
        username = user.username;
    });
    return username;
}

TEST(UsernameBaseFromEmail, KeepsLettersDigitsAndDotUnderscoreDash) {
    EXPECT_EQ(UsernameBaseFromEmail("test@example.com"), "test");
    EXPECT_EQ(UsernameBaseFromEmail("first.last_x-1@example.com"), "first.last_x-1");
    EXPECT_EQ(UsernameBaseFromEmail("a+tag@example.com"), "atag");
    EXPECT_EQ(UsernameBaseFromEmail("j\xC3\xBCrgen@example.de"), "jrgen");
}

TEST(UsernameBaseFromEmail, FallsBackToUser) {
    EXPECT_EQ(UsernameBaseFromEmail("+++@example.com"), "user");
    EXPECT_EQ(UsernameBaseFromEmail("\xC3\xBC@example.com"), "user");
}

TEST(UsernameBaseFromEmail, CutsToFiftyCharacters) {
    EXPECT_EQ(UsernameBaseFromEmail(std::string(60, 'a') + "@example.com"), std::string(50, 'a'));
}

TEST(UsernameCandidate, AddsNumericSuffixesWithinTheLimit) {
    EXPECT_EQ(UsernameCandidate("test", 1), "test");
    EXPECT_EQ(UsernameCandidate("test", 2), "test2");
    EXPECT_EQ(UsernameCandidate("test", 13), "test13");
    EXPECT_EQ(UsernameCandidate(std::string(50, 'a'), 2), std::string(49, 'a') + "2");
    EXPECT_EQ(UsernameCandidate(std::string(50, 'a'), 100).size(), 50U);
}

TEST(InsertWithDerivedUsername, SuffixesTakenNames) {
    fakes::MemoryStore store;
    fakes::SeededRandom random;
    EXPECT_EQ(
        InsertDerived(store, random, "test@example.com", "00000000-0000-4000-8000-000000000001"),
        "test"
    );
    EXPECT_EQ(
        InsertDerived(store, random, "test@example.org", "00000000-0000-4000-8000-000000000002"),
        "test2"
    );
    EXPECT_EQ(
        InsertDerived(store, random, "test@example.net", "00000000-0000-4000-8000-000000000003"),
        "test3"
    );
}

TEST(InsertWithDerivedUsername, ReportsATakenEmail) {
    fakes::MemoryStore store;
    fakes::SeededRandom random;
    InsertDerived(store, random, "test@example.com", "00000000-0000-4000-8000-000000000001");
    store.Transact([&](store::StoreTransaction& transaction) {
        store::UserRecord user =
            NewUser("test@example.com", "00000000-0000-4000-8000-000000000002");
        EXPECT_EQ(
            InsertWithDerivedUsername(transaction, user, "other", random),
            store::InsertUserOutcome::kEmailTaken
        );
    });
}

// A store where every username the probe checks looks free but the insert finds it taken, as
// when concurrent registrations race for the same name.
class RacingTransaction final : public store::StoreTransaction {
public:
    int inserts = 0;

    std::optional<store::UserRecord> FindUserByEmail(std::string_view /*email*/) override {
        return {};
    }

    std::optional<store::UserRecord> FindUserById(std::string_view /*id*/) override { return {}; }

    bool UsernameExists(std::string_view /*username*/) override { return false; }

    store::InsertUserOutcome InsertUser(const store::UserRecord& /*user*/) override {
        return ++inserts < 3 ? store::InsertUserOutcome::kUsernameTaken
                             : store::InsertUserOutcome::kInserted;
    }

    void UpdatePasswordHash(std::string_view /*user_id*/, std::string_view /*hash*/) override {}

    void MarkVerified(std::string_view /*user_id*/) override {}

    void ResetPassword(std::string_view /*user_id*/, std::string_view /*hash*/) override {}

    void ReplaceCode(const store::CodeRecord& /*code*/) override {}

    std::optional<store::CodeRecord>
    FindCurrentCode(std::string_view /*user_id*/, store::CodePurpose /*purpose*/) override {
        return {};
    }

    void RecordFailedAttempt(std::int64_t /*code_id*/) override {}

    void ConsumeCode(std::int64_t /*code_id*/, core::TimePoint /*now*/) override {}

    void EnqueueMail(const store::OutgoingMail& /*mail*/, core::TimePoint /*now*/) override {}

    store::SessionOperations& Sessions() override {
        throw std::logic_error("username derivation touches no session");
    }
};

TEST(InsertWithDerivedUsername, SkipsANameTakenByAConcurrentInsert) {
    RacingTransaction transaction;
    fakes::SeededRandom random;
    store::UserRecord user = NewUser("test@example.com", "00000000-0000-4000-8000-000000000001");
    EXPECT_EQ(
        InsertWithDerivedUsername(transaction, user, "test", random),
        store::InsertUserOutcome::kInserted
    );
    EXPECT_EQ(user.username, "test3");
}

TEST(ValidateUsername, TrimsAndChecksTheCharset) {
    EXPECT_EQ(*ValidateUsername("  alice_01 "), "alice_01");
    EXPECT_EQ(*ValidateUsername("A.b-C"), "A.b-C");
    EXPECT_FALSE(ValidateUsername("   "));
    EXPECT_FALSE(ValidateUsername("al ice"));
    EXPECT_FALSE(ValidateUsername("alice@home"));
    EXPECT_FALSE(ValidateUsername("j\xC3\xBCrgen"));
}

TEST(ValidateUsername, AcceptsAtMostFiftyCharacters) {
    EXPECT_TRUE(ValidateUsername(std::string(50, 'a')));
    const auto result = ValidateUsername(std::string(51, 'a'));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().fields.at(0).field, "username");
    EXPECT_EQ(result.error().fields.at(0).type, "string_too_long");
}

}  // namespace
}  // namespace clockko::auth
