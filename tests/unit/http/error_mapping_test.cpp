#include "http/error_mapping.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <map>

namespace clockko::http {
namespace {

using core::ErrorCode;

struct Expected {
    int status;
    std::string_view code;
    std::string_view www_authenticate;  ///< empty: none
    bool retry_after;
};

// One row per enumerator; the test below fails if an enumerator has no row.
const std::map<ErrorCode, Expected>& Table() {
    static const std::map<ErrorCode, Expected> table{
        {ErrorCode::kInvalidCredentials, {401, "invalid_credentials", "Bearer", false}},
        {ErrorCode::kEmailTaken, {409, "email_taken", "", false}},
        {ErrorCode::kAccountDisabled, {403, "account_disabled", "", false}},
        {ErrorCode::kInvalidOtp, {400, "invalid_otp", "", false}},
        {ErrorCode::kTooManyAttempts, {429, "too_many_attempts", "", true}},
        {ErrorCode::kRateLimited, {429, "rate_limited", "", true}},
        {ErrorCode::kNotAuthenticated, {401, "not_authenticated", "Bearer", false}},
        {ErrorCode::kInvalidToken,
         {401, "invalid_token", R"(Bearer error="invalid_token")", false}},
        {ErrorCode::kTokenExpired,
         {401, "token_expired", R"(Bearer error="invalid_token")", false}},
        {ErrorCode::kValidation, {422, "validation_error", "", false}},
        {ErrorCode::kUnavailable, {503, "service_unavailable", "", true}},
        {ErrorCode::kInternal, {500, "internal_error", "", false}},
    };
    return table;
}

TEST(ErrorMapping, EveryEnumeratorHasItsStatusCodeAndHeaders) {
    for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
        const auto code = static_cast<ErrorCode>(i);
        ASSERT_TRUE(Table().contains(code)) << "no expectation for enumerator " << i;
        const Expected& expected = Table().at(code);
        const HttpResponse response = ErrorResponse(core::MakeError(code, "Something happened"));
        SCOPED_TRACE(std::string(expected.code));
        EXPECT_EQ(SpecFor(code).status, expected.status);
        EXPECT_EQ(SpecFor(code).code, expected.code);
        EXPECT_EQ(response.status, expected.status);
        EXPECT_EQ(response.content_type, "application/json");
        const auto body = boost::json::parse(response.body).as_object();
        EXPECT_EQ(body.at("code").as_string(), expected.code);
        EXPECT_TRUE(body.contains("detail"));
        EXPECT_TRUE(body.at("message").is_string());
        EXPECT_EQ(
            std::string(response.headers.Find("WWW-Authenticate").value_or("")),
            expected.www_authenticate
        );
        EXPECT_EQ(response.headers.Contains("Retry-After"), expected.retry_after);
    }
}

TEST(ErrorMapping, DetailIsTheErrorsClientMessage) {
    const auto body = boost::json::parse(
        ErrorResponse(core::MakeError(ErrorCode::kEmailTaken, "Email already registered")).body
    );
    EXPECT_EQ(body.at("detail"), "Email already registered");
    EXPECT_EQ(body.at("message"), "Email already registered");
}

TEST(ErrorMapping, EmptyDetailFallsBackToTheDefaultMessage) {
    const auto body =
        boost::json::parse(ErrorResponse(core::MakeError(ErrorCode::kInvalidOtp, "")).body);
    EXPECT_EQ(body.at("detail").as_string(), SpecFor(ErrorCode::kInvalidOtp).default_message);
}

TEST(ErrorMapping, InternalNeverShowsItsDetail) {
    core::Error error =
        core::MakeError(ErrorCode::kInternal, "libpq: FATAL password authentication failed");
    const HttpResponse response = ErrorResponse(error);
    EXPECT_EQ(response.body.find("libpq"), std::string::npos);
    EXPECT_EQ(boost::json::parse(response.body).at("detail"), "Internal Server Error");
    EXPECT_EQ(response.log_note, "libpq: FATAL password authentication failed");
}

TEST(ErrorMapping, RetryAfterIsAtLeastOneSecond) {
    for (const int seconds : {-5, 0, 1, 3600}) {
        core::Error error = core::MakeError(ErrorCode::kRateLimited, "");
        error.retry_after_seconds = seconds;
        EXPECT_EQ(
            std::string(ErrorResponse(error).headers.Find("Retry-After").value_or("")),
            std::to_string(std::max(seconds, 1))
        );
    }
}

TEST(ErrorMapping, NotAuthenticatedWithASentTokenNamesInvalidToken) {
    const HttpResponse response = ErrorResponse(
        core::MakeError(ErrorCode::kNotAuthenticated, ""), /*bearer_token_sent=*/true
    );
    EXPECT_EQ(
        std::string(response.headers.Find("WWW-Authenticate").value_or("")),
        R"(Bearer error="invalid_token")"
    );
}

TEST(ErrorMapping, ValidationKeepsFastApiShape) {
    core::Error error =
        core::ValidationError("email", "value is not a valid email address", "value_error");
    error.fields.push_back({.field = "password", .message = "too short", .type = "string_too_short"}
    );
    const auto body = boost::json::parse(ErrorResponse(error).body).as_object();
    EXPECT_EQ(
        boost::json::serialize(body.at("detail")),
        R"([{"loc":["body","email"],"msg":"value is not a valid email address","type":"value_error"},)"
        R"({"loc":["body","password"],"msg":"too short","type":"string_too_short"}])"
    );
    EXPECT_EQ(body.at("message"), "email: value is not a valid email address");
}

TEST(ErrorMapping, ValidationWithoutFieldsStillHasADetailList) {
    const auto body =
        boost::json::parse(ErrorResponse(core::MakeError(ErrorCode::kValidation, "bad input")).body)
            .as_object();
    ASSERT_TRUE(body.at("detail").is_array());
    EXPECT_EQ(body.at("detail").at(0).at("msg"), "bad input");
    EXPECT_EQ(body.at("message"), "bad input");
}

}  // namespace
}  // namespace clockko::http
