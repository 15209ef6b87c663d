// POST /api/auth/register, on every backend, against the real binary.
#include "fixture.hpp"

#include <future>
#include <random>
#include <vector>

namespace clockko::testing {
namespace {

namespace json = boost::json;

class RegisterEndpoint : public BackendTest {};

TEST_P(RegisterEndpoint, AnswersCreatedWithTheUserObject) {
    const std::string email = UniqueEmail("fresh");
    const HttpResult result = Register(email);
    ASSERT_EQ(result.status, 201) << result.body;
    const json::object user = ParseJson(result.body).as_object();
    for (const char* key :
         {"id",
          "email",
          "username",
          "full_name",
          "name",
          "phone_number",
          "is_active",
          "is_verified",
          "otp_verified",
          "created_at"}) {
        EXPECT_TRUE(user.contains(key)) << key;
    }
    EXPECT_EQ(user.at("email"), email.c_str());
    EXPECT_EQ(user.at("id").as_string().size(), 36U);
    EXPECT_TRUE(user.at("full_name").is_null());
    EXPECT_EQ(user.at("name"), user.at("username"));
    EXPECT_EQ(user.at("is_active"), true);
    EXPECT_EQ(user.at("is_verified"), false);
    EXPECT_EQ(user.at("otp_verified"), false);
    const std::string created(user.at("created_at").as_string());
    EXPECT_EQ(created.size(), 20U) << created;
    EXPECT_EQ(created.back(), 'Z');
    for (const char* secret : {"password", "hashed_password", "otp", "token"}) {
        EXPECT_FALSE(user.contains(secret)) << secret;
    }
    EXPECT_EQ(result.body.find("$2b$"), std::string::npos);
}

TEST_P(RegisterEndpoint, NormalisesTheEmailAndRefusesItTwice) {
    const std::string email = UniqueEmail("Mixed.Case");
    std::string shouted = email;
    for (char& c : shouted) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const HttpResult first = Register("  " + shouted + " ");
    ASSERT_EQ(first.status, 201) << first.body;
    std::string lower = email;
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(ParseJson(first.body).at("email"), lower.c_str());
    ExpectErrorBody(Register(lower), 409, "email_taken");
}

TEST_P(RegisterEndpoint, DerivesTheUsernameAndAddsASuffixWhenTaken) {
    const std::string local = "sam+tag" + std::to_string(std::random_device{}());
    const HttpResult first = Register(local + "@one.example.com");
    const HttpResult second = Register(local + "@two.example.com");
    ASSERT_EQ(first.status, 201) << first.body;
    ASSERT_EQ(second.status, 201) << second.body;
    const std::string expected = "samtag" + local.substr(7);
    EXPECT_EQ(ParseJson(first.body).at("username"), expected.c_str());
    EXPECT_EQ(ParseJson(second.body).at("username"), (expected + "2").c_str());
}

TEST_P(RegisterEndpoint, TakesNameAsAnAliasOfFullNameAndFullNameWins) {
    json::object alias{{"email", UniqueEmail()}, {"password", "Password123"}, {"name", "Ada L"}};
    const HttpResult aliased = PostJson(Url("/api/auth/register"), json::serialize(alias));
    ASSERT_EQ(aliased.status, 201) << aliased.body;
    EXPECT_EQ(ParseJson(aliased.body).at("full_name"), "Ada L");
    EXPECT_EQ(ParseJson(aliased.body).at("name"), "Ada L");

    json::object both{
        {"email", UniqueEmail()},
        {"password", "Password123"},
        {"name", "Alias"},
        {"full_name", "Real Name"},
        {"phone_number", "+44 20 7946 0958"},
        {"username", "chosen" + std::to_string(std::random_device{}())}};

    const HttpResult result = PostJson(Url("/api/auth/register"), json::serialize(both));
    ASSERT_EQ(result.status, 201) << result.body;
    const json::value user = ParseJson(result.body);
    EXPECT_EQ(user.at("full_name"), "Real Name");
    EXPECT_EQ(user.at("name"), "Real Name");
    EXPECT_EQ(user.at("phone_number"), "+44 20 7946 0958");
    EXPECT_EQ(user.at("username"), both.at("username"));
}

TEST_P(RegisterEndpoint, RejectsWeakPasswordsWithFastApiShapedErrors) {
    const std::string email = UniqueEmail("weak");
    const std::vector<std::string> weak = {
        "Short7!", std::string(73, 'a'), email, std::string("Pass\0word123", 12)};
    for (const std::string& password : weak) {
        const HttpResult result = Register(email, password);
        ExpectErrorBody(result, 422, "validation_error");
        const json::value body = ParseJson(result.body);
        ASSERT_TRUE(body.at("detail").is_array()) << result.body;
        const json::object& first = body.at("detail").as_array().at(0).as_object();
        EXPECT_EQ(first.at("loc"), (json::array{"body", "password"})) << result.body;
        EXPECT_TRUE(first.at("msg").is_string());
        EXPECT_TRUE(first.at("type").is_string());
        EXPECT_NE(std::string(body.at("message").as_string()).find("password"), std::string::npos);
    }
    EXPECT_EQ(Register(email, std::string(72, 'a')).status, 201);
}

TEST_P(RegisterEndpoint, RejectsImplausibleEmails) {
    for (const std::string& email : std::vector<std::string>{
             "plain",
             "@example.com",
             "a@nodot",
             "a b@example.com",
             "a@@example.com",
             std::string(250, 'a') + "@example.com",
             "tab\t@example.com"}) {
        const HttpResult result = Register(email);
        ExpectErrorBody(result, 422, "validation_error");
        EXPECT_NE(result.body.find("email"), std::string::npos) << result.body;
    }
}

TEST_P(RegisterEndpoint, NamesMissingAndMistypedFields) {
    const HttpResult missing = PostJson(Url("/api/auth/register"), R"({"password":"Password123"})");
    ExpectErrorBody(missing, 422, "validation_error");
    const json::object detail = ParseJson(missing.body).at("detail").as_array().at(0).as_object();
    EXPECT_EQ(detail.at("loc"), (json::array{"body", "email"}));
    EXPECT_EQ(detail.at("type"), "missing");

    const HttpResult mistyped =
        PostJson(Url("/api/auth/register"), R"({"email":5,"password":"Password123"})");
    ExpectErrorBody(mistyped, 422, "validation_error");
}

TEST_P(RegisterEndpoint, GivesExactlyOneAccountToFiftyRacingRegistrations) {
    const std::string email = UniqueEmail("race");
    std::vector<std::future<long>> answers;
    answers.reserve(50);
    for (int i = 0; i < 50; ++i) {
        answers.push_back(std::async(std::launch::async, [this, email] {
            return Register(email).status;
        }));
    }
    int created = 0;
    int conflicts = 0;
    for (auto& answer : answers) {
        const long status = answer.get();
        created += status == 201 ? 1 : 0;
        conflicts += status == 409 ? 1 : 0;
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(conflicts, 49);
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(RegisterEndpoint);

}  // namespace
}  // namespace clockko::testing
