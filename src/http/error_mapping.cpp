#include "http/error_mapping.hpp"

#include "http/responses.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <string>

namespace clockko::http {
namespace {

using core::ErrorCode;

constexpr std::string_view kBearer = "Bearer";
constexpr std::string_view kBearerInvalidToken = R"(Bearer error="invalid_token")";

// FastAPI's 422 shape: every field error as {"loc": ["body", field], "msg", "type"}.
HttpResponse ValidationResponse(const core::Error& error, std::string_view message) {
    boost::json::array detail;
    for (const core::FieldError& field : error.fields) {
        boost::json::array loc{"body"};
        if (!field.field.empty()) {
            loc.emplace_back(field.field);
        }
        detail.push_back(boost::json::object{
            {"loc", std::move(loc)}, {"msg", field.message}, {"type", field.type}});
    }
    if (detail.empty()) {
        detail.push_back(boost::json::object{
            {"loc", boost::json::array{"body"}}, {"msg", message}, {"type", "value_error"}});
    }
    const boost::json::object body{
        {"detail", std::move(detail)}, {"code", "validation_error"}, {"message", message}};
    return JsonResponse(422, boost::json::serialize(body));
}

}  // namespace

ErrorSpec SpecFor(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidCredentials:
            return {401, "invalid_credentials", "Incorrect email or password"};
        case ErrorCode::kEmailTaken:
            return {409, "email_taken", "Email already registered"};
        case ErrorCode::kAccountDisabled:
            return {403, "account_disabled", "Account is disabled"};
        case ErrorCode::kInvalidOtp:
            return {400, "invalid_otp", "Invalid or expired code"};
        case ErrorCode::kTooManyAttempts:
            return {429, "too_many_attempts", "Too many attempts; request a new code"};
        case ErrorCode::kRateLimited:
            return {429, "rate_limited", "Too many requests; try again later"};
        case ErrorCode::kNotAuthenticated:
            return {401, "not_authenticated", "Not authenticated"};
        case ErrorCode::kInvalidToken:
            return {401, "invalid_token", "Could not validate credentials"};
        case ErrorCode::kTokenExpired:
            return {401, "token_expired", "Token has expired"};
        case ErrorCode::kValidation:
            return {422, "validation_error", "Invalid request"};
        case ErrorCode::kUnavailable:
            return {503, "service_unavailable", "Service temporarily unavailable"};
        case ErrorCode::kInternal:
            break;
    }
    return {500, "internal_error", "Internal Server Error"};
}

HttpResponse ErrorResponse(const core::Error& error, bool bearer_token_sent) {
    const ErrorSpec spec = SpecFor(error.code);
    const bool show_detail = error.code != ErrorCode::kInternal && !error.detail.empty();
    const std::string_view message = show_detail ? error.detail : spec.default_message;
    HttpResponse response = error.code == ErrorCode::kValidation
                                ? ValidationResponse(error, message)
                                : ProblemResponse(spec.status, spec.code, message);
    switch (error.code) {
        case ErrorCode::kInvalidCredentials:
            response.headers.Set("WWW-Authenticate", std::string(kBearer));
            break;
        case ErrorCode::kNotAuthenticated:
            response.headers.Set(
                "WWW-Authenticate", std::string(bearer_token_sent ? kBearerInvalidToken : kBearer)
            );
            break;
        case ErrorCode::kInvalidToken:
        case ErrorCode::kTokenExpired:
            response.headers.Set("WWW-Authenticate", std::string(kBearerInvalidToken));
            break;
        case ErrorCode::kTooManyAttempts:
        case ErrorCode::kRateLimited:
        case ErrorCode::kUnavailable:
            response.headers.Set(
                "Retry-After", std::to_string(std::max(error.retry_after_seconds, 1))
            );
            break;
        default:
            break;
    }
    if (spec.status >= 500) {
        response.log_note = error.log.empty() ? error.detail : error.log;
    }
    return response;
}

}  // namespace clockko::http
