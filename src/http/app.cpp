#include "http/app.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "http/responses.hpp"

#include <exception>

namespace clockko::http {
namespace {

// How long a client should wait when the database is down (it usually comes back quickly).
constexpr int kStoreRetryAfterSeconds = 5;
constexpr int kOverloadRetryAfterSeconds = 1;

bool IsJson(const std::string& media_type) {
    // RFC 6839 structured syntax suffix: application/problem+json and the like are JSON too.
    constexpr std::string_view kSuffix = "+json";
    return media_type == kJsonContentType ||
           (media_type.starts_with("application/") && media_type.ends_with(kSuffix));
}

bool AcceptsContentType(BodyKind kind, const HttpRequest& request) {
    if (kind == BodyKind::kNone) {
        return true;
    }
    const std::string type = MediaType(request.headers.Find("Content-Type").value_or(""));
    return IsJson(type) ||
           (kind == BodyKind::kJsonOrForm && type == "application/x-www-form-urlencoded");
}

HttpResponse BodyTooLarge() {
    HttpResponse response = ProblemResponse(
        413,
        "payload_too_large",
        "Request body is larger than " + std::to_string(kMaxBodyBytes) + " bytes"
    );
    response.close_connection = true;
    return response;
}

}  // namespace

std::vector<Route> ServiceRoutes() {
    using enum Execution;
    using enum BodyKind;
    return {
        {"POST", "/api/auth/register", false, kHashing, kJson, HandleRegister},
        {"POST", "/api/auth/login", false, kHashing, kJsonOrForm, HandleLogin},
        {"GET", "/api/auth/user", false, kPointRead, kNone, HandleCurrentUser},
        {"POST",
         "/api/auth/send-verification-email",
         false,
         kWorker,
         kJson,
         HandleSendVerificationEmail},
        {"POST", "/api/auth/verify-email", false, kWorker, kJson, HandleVerifyEmail},
        {"POST", "/api/auth/forgot-password", false, kWorker, kJson, HandleForgotPassword},
        {"POST", "/api/auth/reset-password", false, kHashing, kJson, HandleResetPassword},
        {"POST", "/api/auth/refresh", false, kWorker, kJson, HandleRefresh},
        {"POST", "/api/auth/logout", false, kWorker, kJson, HandleLogout},
        {"POST", "/api/auth/logout-all", false, kWorker, kNone, HandleLogoutAll},
        {"GET", "/", false, kInline, kNone, HandleRoot},
        {"GET", "/health", false, kInline, kNone, HandleHealth},
        {"GET", "/health/ready", false, kWorker, kNone, HandleReady},
        {"GET", "/openapi.json", false, kInline, kNone, HandleDocs},
        {"GET", "/docs", false, kInline, kNone, HandleDocs},
        {"GET", "/docs/", true, kInline, kNone, HandleDocs},
        {"GET", "/redoc", false, kInline, kNone, HandleDocs},
        {"GET", "/redoc/", true, kInline, kNone, HandleDocs},
    };
}

App::App(
    const config::Config& config,
    auth::AuthService& auth,
    ReadinessProbe readiness,
    core::Random& random
)
    : router_(ServiceRoutes()),
      context_{.auth = auth, .readiness = std::move(readiness)},
      cors_(config.cors_origins),
      trusted_proxies_(config.trusted_proxies),
      random_(random),
      point_reads_inline_(config.database.kind == config::DatabaseKind::kSqlite) {}

Execution App::Prepare(HttpRequest& request) const {
    SplitTarget(request.target, request.path, request.query);
    request.request_id = ChooseRequestId(request.headers.Find("X-Request-ID"), random_);
    const auto forwarded_for = request.headers.FindJoined("X-Forwarded-For");
    request.client_address = trusted_proxies_.ClientAddress(
        request.peer_address,
        forwarded_for ? std::optional<std::string_view>(*forwarded_for) : std::nullopt
    );
    const Router::Match match = router_.Find(request.method, request.path);
    if (match.route == nullptr) {
        return Execution::kInline;  // 404, 405, OPTIONS: answered without blocking
    }
    if (match.route->execution == Execution::kPointRead) {
        return point_reads_inline_ ? Execution::kInline : Execution::kWorker;
    }
    return match.route->execution;
}

HttpResponse App::Handle(const HttpRequest& request) {
    HttpResponse response;
    // The one place exceptions are caught: adapters throw for outages and bugs only.
    try {
        response = Dispatch(request);
    } catch (const core::StoreUnavailable& failure) {
        response = UnavailableResponse("Service temporarily unavailable", kStoreRetryAfterSeconds);
        response.log_note = failure.what();
    } catch (const std::exception& failure) {
        response = ProblemResponse(500, "internal_error", "Internal Server Error");
        response.log_note = failure.what();
    } catch (...) {
        response = ProblemResponse(500, "internal_error", "Internal Server Error");
        response.log_note = "unknown exception";
    }
    Finish(request, response);
    return response;
}

HttpResponse App::Reject(const HttpRequest& request, Rejection why) const {
    HttpResponse response;
    switch (why) {
        case Rejection::kBadRequest:
            response = ProblemResponse(400, "bad_request", "Malformed HTTP request");
            break;
        case Rejection::kHeadersTooLarge:
            response = ProblemResponse(
                431, "request_header_fields_too_large", "Request line and headers are too large"
            );
            break;
        case Rejection::kBodyTooLarge:
            response = BodyTooLarge();
            break;
        case Rejection::kOverloaded:
            response =
                UnavailableResponse("Server is busy; try again later", kOverloadRetryAfterSeconds);
            break;
        case Rejection::kTooManyConnections:
            response = UnavailableResponse(
                "Too many connections; try again later", kOverloadRetryAfterSeconds
            );
            break;
    }
    response.close_connection = why != Rejection::kOverloaded;
    if (request.request_id.empty()) {
        HttpRequest prepared = request;
        prepared.request_id = ChooseRequestId(request.headers.Find("X-Request-ID"), random_);
        Finish(prepared, response);
    } else {
        Finish(request, response);
    }
    return response;
}

HttpResponse App::Dispatch(const HttpRequest& request) {
    const Router::Match match = router_.Find(request.method, request.path);
    if (!match.path_known) {
        return ProblemResponse(404, "not_found", "Not Found");
    }
    if (request.method == "OPTIONS") {
        return CorsPolicy::Options(request, match.allow);
    }
    if (match.route == nullptr) {
        HttpResponse response = ProblemResponse(405, "method_not_allowed", "Method Not Allowed");
        response.headers.Set("Allow", match.allow);
        return response;
    }
    if (request.body.size() > kMaxBodyBytes) {
        return BodyTooLarge();
    }
    if (!AcceptsContentType(match.route->body, request)) {
        return ProblemResponse(
            415,
            "unsupported_media_type",
            match.route->body == BodyKind::kJsonOrForm
                ? "Content-Type must be application/json or application/x-www-form-urlencoded"
                : "Content-Type must be application/json"
        );
    }
    return match.route->handler(request, context_);
}

void App::Finish(const HttpRequest& request, HttpResponse& response) const {
    if (response.status >= 500 && !response.log_note.empty()) {
        // The client sees a generic body; operators get the cause, tied to the request id.
        core::LogError(
            "request failed",
            {{"request_id", request.request_id},
             {"status", std::int64_t{response.status}},
             {"error", response.log_note}}
        );
    }
    response.headers.Set("X-Request-ID", request.request_id);
    response.headers.Set("X-Content-Type-Options", "nosniff");
    cors_.Decorate(request, response);
}

}  // namespace clockko::http
