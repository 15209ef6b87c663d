#pragma once

#include "http/request.hpp"

#include <string>
#include <string_view>

namespace clockko::http {

inline constexpr std::string_view kJsonContentType = "application/json";

/// A response with a JSON body (already serialised).
HttpResponse JsonResponse(int status, std::string json);

/// The contract's error body `{"detail": message, "code": code, "message": message}`, for
/// failures produced by the HTTP layer itself (404, 405, 413, 415, invalid_json, …).
HttpResponse ProblemResponse(int status, std::string_view code, std::string_view message);

/// 503 `service_unavailable` with `Retry-After: retry_after_seconds` (at least 1).
HttpResponse UnavailableResponse(std::string_view message, int retry_after_seconds);

}  // namespace clockko::http
