#pragma once

#include "http/request.hpp"

namespace clockko::http {

/// One info line per request: method, path, status, duration_ms, request_id, client_ip, and
/// user_id / trace_id (X-Amzn-Trace-Id) when known. Never a body, query or Authorization.
void LogAccess(const HttpRequest& request, const HttpResponse& response, double duration_ms);

}  // namespace clockko::http
