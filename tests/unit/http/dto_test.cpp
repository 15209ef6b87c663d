#include "http/dto.hpp"

#include "fakes/fake_auth_service.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

namespace clockko::http::testing {
namespace {

boost::json::value Detail(const HttpResponse& response) {
    return boost::json::parse(response.body).at("detail");
}

TEST(DecodeRegister, ReadsEveryField) {
    const auto input = DecodeRegister(
        R"({"email":" A@B.com ","password":"Password123","username":"al","full_name":"Al B","phone_number":"+44 1"})"
    );
    ASSERT_TRUE(input);
    EXPECT_EQ(input->email, " A@B.com ");  // normalisation is the domain's job
    EXPECT_EQ(input->password, "Password123");
    EXPECT_EQ(input->username, "al");
    EXPECT_EQ(input->full_name, "Al B");
    EXPECT_EQ(input->phone_number, "+44 1");
}

TEST(DecodeRegister, NameIsAnAliasOfFullName) {
    const auto input = DecodeRegister(R"({"email":"a@b.co","password":"p","name":"Alias"})");
    ASSERT_TRUE(input);
    EXPECT_EQ(input->full_name, "Alias");
}

TEST(DecodeRegister, FullNameWinsOverName) {
    const auto input =
        DecodeRegister(R"({"email":"a@b.co","password":"p","name":"Alias","full_name":"Full"})");
    ASSERT_TRUE(input);
    EXPECT_EQ(input->full_name, "Full");
}

TEST(DecodeRegister, NullCountsAsAbsent) {
    const auto input = DecodeRegister(
        R"({"email":"a@b.co","password":"p","username":null,"full_name":null,"name":"N","phone_number":null})"
    );
    ASSERT_TRUE(input);
    EXPECT_FALSE(input->username);
    EXPECT_EQ(input->full_name, "N");
    EXPECT_FALSE(input->phone_number);
}

TEST(DecodeRegister, UnknownMembersAreIgnored) {
    EXPECT_TRUE(
        DecodeRegister(R"({"email":"a@b.co","password":"p","is_active":false,"extra":{"x":[1]}})")
    );
}

TEST(DecodeRegister, WrongTypesAreStringTypeErrors) {
    const auto input = DecodeRegister(R"({"email":5,"password":null,"username":["x"]})");
    ASSERT_FALSE(input);
    EXPECT_EQ(input.error().status, 422);
    EXPECT_EQ(
        boost::json::serialize(Detail(input.error())),
        R"([{"loc":["body","email"],"msg":"Input should be a valid string","type":"string_type"},)"
        R"({"loc":["body","password"],"msg":"Input should be a valid string","type":"string_type"},)"
        R"({"loc":["body","username"],"msg":"Input should be a valid string","type":"string_type"}])"
    );
    EXPECT_EQ(
        boost::json::parse(input.error().body).at("message"),
        "email: Input should be a valid string"
    );
}

TEST(DecodeRegister, UnicodeEscapesAreDecoded) {
    const auto input = DecodeRegister(R"({"email":"a@b.co","password":"p\u00e4ss\ud83d\ude00"})");
    ASSERT_TRUE(input);
    EXPECT_EQ(input->password, "p\xC3\xA4ss\xF0\x9F\x98\x80");
}

TEST(DecodeRegister, EmbeddedNulIsPassedToTheDomain) {
    const auto input = DecodeRegister(R"({"email":"a@b.co","password":"pass\u0000word"})");
    ASSERT_TRUE(input);
    EXPECT_EQ(input->password, std::string("pass\0word", 9));
}

TEST(DecodeJson, MalformedInputIsInvalidJson) {
    for (const std::string body :
         {"",
          " ",
          "{",
          R"({"email":"a")",
          "{'email':'a'}",
          R"({"a":1,})",
          "[1] [2]",
          "{\"a\":\"\xC3\"}",
          "NaN"}) {
        const auto input = DecodeEmailBody(body);
        ASSERT_FALSE(input) << body;
        EXPECT_EQ(boost::json::parse(input.error().body).at("code"), "invalid_json") << body;
    }
}

TEST(DecodeJson, DeepNestingIsRefusedNotRecursedInto) {
    const std::string body =
        R"({"email":"a@b.co","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    const auto input = DecodeEmailBody(body);
    ASSERT_FALSE(input);
    EXPECT_EQ(input.error().status, 422);
}

TEST(DecodeJson, NonObjectIsAModelAttributesError) {
    const auto input = DecodeVerifyEmail("[]");
    ASSERT_FALSE(input);
    EXPECT_EQ(
        boost::json::serialize(Detail(input.error())),
        R"([{"loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from",)"
        R"("type":"model_attributes_type"}])"
    );
}

TEST(DecodeResetPassword, ReportsEachMissingField) {
    const auto input = DecodeResetPassword(R"({"otp":"1"})");
    ASSERT_FALSE(input);
    const auto detail = Detail(input.error()).as_array();
    ASSERT_EQ(detail.size(), 2U);
    EXPECT_EQ(detail[0].at("loc"), (boost::json::array{"body", "email"}));
    EXPECT_EQ(detail[1].at("loc"), (boost::json::array{"body", "new_password"}));
}

TEST(DecodeLoginForm, DecodesPercentAndPlus) {
    const auto input = DecodeLoginForm("username=a%2Bb%40c.co&password=%25+x%3D&scope=");
    ASSERT_TRUE(input);
    EXPECT_EQ(input->email, "a+b@c.co");
    EXPECT_EQ(input->password, "% x=");
}

TEST(DecodeLoginForm, FirstOccurrenceWins) {
    const auto input = DecodeLoginForm("username=first&username=second&password=p");
    ASSERT_TRUE(input);
    EXPECT_EQ(input->email, "first");
}

TEST(DecodeLoginForm, MissingFieldsAreReported) {
    const auto input = DecodeLoginForm("grant_type=password");
    ASSERT_FALSE(input);
    EXPECT_EQ(Detail(input.error()).as_array().size(), 2U);
}

TEST(DecodeLoginJson, DoesNotAcceptUsernameForEmail) {
    EXPECT_FALSE(DecodeLoginJson(R"({"username":"a@b.co","password":"p"})"));
}

TEST(EncodeUser, MatchesTheContract) {
    auth::UserProfile user = SampleUser();
    user.full_name = "Test User";
    user.phone_number = "+1 555";
    user.is_verified = true;
    user.otp_verified = true;
    EXPECT_EQ(
        EncodeUser(user),
        R"({"id":"3f1c2b7e-0000-4000-8000-000000000001","email":"test@example.com","username":"test",)"
        R"("full_name":"Test User","name":"Test User","phone_number":"+1 555","is_active":true,)"
        R"("is_verified":true,"otp_verified":true,"created_at":"2026-11-29T16:21:29Z"})"
    );
}

TEST(EncodeUser, EscapesText) {
    auth::UserProfile user = SampleUser();
    user.full_name = "Quote \" and </script>";
    EXPECT_EQ(boost::json::parse(EncodeUser(user)).at("name"), "Quote \" and </script>");
}

TEST(TokenResponse, CarriesNoStore) {
    const HttpResponse response = TokenResponse(
        {.access_token = "a.b.c",
         .token_type = "bearer",
         .expires_in_seconds = 60,
         .refresh_token = {}}
    );
    EXPECT_EQ(response.body, R"({"access_token":"a.b.c","token_type":"bearer","expires_in":60})");
    EXPECT_EQ(response.headers.Find("Cache-Control"), "no-store");
    EXPECT_EQ(response.headers.Find("Pragma"), "no-cache");
}

TEST(TokenResponse, CarriesTheRefreshTokenWhenTheGrantHasOne) {
    const HttpResponse response = TokenResponse(
        {.access_token = "a.b.c",
         .token_type = "bearer",
         .expires_in_seconds = 60,
         .refresh_token = "r"}
    );
    EXPECT_EQ(
        response.body,
        R"({"access_token":"a.b.c","token_type":"bearer","expires_in":60,"refresh_token":"r"})"
    );
}

TEST(DecodeRefreshToken, RequiresAStringRefreshToken) {
    const auto good = DecodeRefreshToken(R"({"refresh_token":"abc","extra":1})");
    ASSERT_TRUE(good);
    EXPECT_EQ(good->refresh_token, "abc");
    for (const char* body : {R"({})", R"({"refresh_token":null})", R"({"refresh_token":5})"}) {
        const auto bad = DecodeRefreshToken(body);
        ASSERT_FALSE(bad) << body;
        EXPECT_EQ(bad.error().status, 422) << body;
    }
    EXPECT_FALSE(DecodeRefreshToken("["));
}

TEST(MessageResponse, HasDetailAndMessage) {
    EXPECT_EQ(MessageResponse("Done.").body, R"({"detail":"Done.","message":"Done."})");
}

TEST(Decoded, ValueOnARejectionThrows) {
    const auto input = DecodeEmailBody("{");
    EXPECT_THROW((void)input.value(), UndecodedBody);
}

}  // namespace
}  // namespace clockko::http::testing
