#include "auth_harness.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace clockko::testing {
namespace {

TEST(Register, CreatesAnUnverifiedUserWithADerivedUsername) {
    AuthHarness harness;
    const auth::UserProfile user = harness.Register(" Test@Example.com ");
    EXPECT_EQ(user.email, "test@example.com");
    EXPECT_EQ(user.username, "test");
    EXPECT_EQ(user.Name(), "test");
    EXPECT_FALSE(user.full_name);
    EXPECT_TRUE(user.is_active);
    EXPECT_FALSE(user.is_verified);
    EXPECT_FALSE(user.otp_verified);
    EXPECT_EQ(user.id.size(), 36U);
    EXPECT_EQ(user.created_at, std::chrono::floor<std::chrono::seconds>(harness.clock.Now()));
    const auto stored = harness.store.UserByEmail("test@example.com");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->id, user.id);
}

TEST(Register, StoresOnlyAHashOfThePassword) {
    AuthHarness harness;
    harness.Register("test@example.com");
    const auto stored = harness.store.UserByEmail("test@example.com");
    ASSERT_TRUE(stored);
    EXPECT_NE(stored->hashed_password, kPassword);
    EXPECT_TRUE(harness.hasher->Verify(kPassword, stored->hashed_password));
}

TEST(Register, QueuesAWelcomeMailWithAVerificationCode) {
    AuthHarness harness;
    const auth::UserProfile user = harness.Register("test@example.com");
    const auto mails = harness.MailsTo("test@example.com", "welcome");
    ASSERT_EQ(mails.size(), 1U);
    const boost::json::object parameters = boost::json::parse(mails[0].parameters_json).as_object();
    const std::string code(parameters.at("code").as_string());
    EXPECT_TRUE(auth::IsWellFormedCode(code)) << code;
    EXPECT_EQ(parameters.at("expires_minutes").as_int64(), 10);
    EXPECT_EQ(parameters.at("username").as_string(), "test");
    EXPECT_EQ(parameters.at("name").as_string(), "test");
    EXPECT_EQ(parameters.at("email").as_string(), "test@example.com");

    const fakes::MemoryState state = harness.store.Snapshot();
    ASSERT_EQ(state.codes.size(), 1U);
    const store::CodeRecord& stored = state.codes[0].record;
    EXPECT_EQ(stored.user_id, user.id);
    EXPECT_EQ(stored.purpose, store::CodePurpose::kVerifyEmail);
    EXPECT_EQ(stored.code_hash.find(code), std::string::npos) << "only a keyed hash is stored";
    EXPECT_EQ(stored.expires_at - stored.created_at, std::chrono::minutes{10});
}

TEST(Register, AnswersEmailTakenForTheSameEmailInAnyCase) {
    AuthHarness harness;
    harness.Register("test@example.com");
    const auto again =
        harness.service->Register({.email = " TEST@example.com ", .password = "Another123"});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, core::ErrorCode::kEmailTaken);
    EXPECT_EQ(harness.store.Snapshot().users.size(), 1U);
    EXPECT_EQ(harness.store.Mails().size(), 1U);
}

TEST(Register, SuffixesADerivedUsernameThatIsTaken) {
    AuthHarness harness;
    EXPECT_EQ(harness.Register("test@example.com").username, "test");
    EXPECT_EQ(harness.Register("test@example.org").username, "test2");
    EXPECT_EQ(harness.Register("te+st@example.net").username, "test3");
}

TEST(Register, KeepsAChosenUsernameAndRefusesATakenOne) {
    AuthHarness harness;
    const auto chosen = harness.service->Register(
        {.email = "a@example.com", .password = "Password123", .username = " alice "}
    );
    ASSERT_TRUE(chosen);
    EXPECT_EQ(chosen->username, "alice");
    const auto taken = harness.service->Register(
        {.email = "b@example.com", .password = "Password123", .username = "alice"}
    );
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code, core::ErrorCode::kValidation);
    ASSERT_EQ(taken.error().fields.size(), 1U);
    EXPECT_EQ(taken.error().fields[0].field, "username");
    EXPECT_EQ(taken.error().fields[0].message, "is already taken");
    EXPECT_FALSE(harness.store.UserByEmail("b@example.com"));
}

TEST(Register, ReportsEveryInvalidFieldAtOnce) {
    AuthHarness harness;
    const auto result = harness.service->Register(
        {.email = "not-an-email", .password = "short", .username = "bad name"}
    );
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
    ASSERT_EQ(result.error().fields.size(), 3U);
    EXPECT_EQ(result.error().fields[0].field, "email");
    EXPECT_EQ(result.error().fields[1].field, "password");
    EXPECT_EQ(result.error().fields[2].field, "username");
    EXPECT_EQ(result.error().detail.rfind("email: ", 0), 0U);
    EXPECT_EQ(harness.hasher->HashCount(), 0) << "no hash for an invalid request";
}

TEST(Register, RefusesAPasswordEqualToTheEmail) {
    AuthHarness harness;
    const auto result =
        harness.service->Register({.email = "Test@Example.com", .password = "test@example.com"});
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().fields.at(0).field, "password");
    EXPECT_EQ(result.error().detail, "password: must not be the same as the email");
}

TEST(Register, RefusesAnInjectedCommonPassword) {
    AuthHarness harness;
    harness.common_passwords =
        std::make_shared<const auth::CommonPasswords>(std::vector<std::string>{"iloveyou123"});
    harness.Rebuild();
    const auto result =
        harness.service->Register({.email = "a@example.com", .password = "iloveyou123"});
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().fields.at(0).message, "is too common");
    EXPECT_TRUE(harness.service->Register({.email = "a@example.com", .password = "Password123"}));
}

TEST(Register, KeepsFullNameAndPhoneNumber) {
    AuthHarness harness;
    const auto user = harness.service->Register({
        .email = "ada@example.com",
        .password = "Password123",
        .username = std::nullopt,
        .full_name = "Ada \"Countess\" Lovelace",
        .phone_number = "+44 20 7946 0000",
    });
    ASSERT_TRUE(user);
    EXPECT_EQ(user->Name(), "Ada \"Countess\" Lovelace");
    EXPECT_EQ(user->phone_number, "+44 20 7946 0000");
    const auto mails = harness.MailsTo("ada@example.com", "welcome");
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_EQ(
        boost::json::parse(mails[0].parameters_json).at("name").as_string(),
        "Ada \"Countess\" Lovelace"
    );
}

TEST(Register, IsSafeWhenTheStoreRetriesTheTransaction) {
    AuthHarness harness;
    harness.store.SetRetries(2);
    harness.Register("test@example.com");
    const fakes::MemoryState state = harness.store.Snapshot();
    EXPECT_EQ(state.users.size(), 1U);
    EXPECT_EQ(state.codes.size(), 1U);
    EXPECT_EQ(state.outbox.size(), 1U);
    EXPECT_EQ(harness.hasher->HashCount(), 1);
}

TEST(Register, LetsAnUnreachableStoreThrow) {
    AuthHarness harness;
    harness.store.SetUnavailable(true);
    EXPECT_THROW(
        (void)harness.service->Register({.email = "a@example.com", .password = "Password123"}),
        core::StoreUnavailable
    );
}

}  // namespace
}  // namespace clockko::testing
