#include "http/access_log.hpp"

#include "core/log.hpp"

#include <algorithm>

namespace clockko::http {
namespace {

constexpr std::size_t kMaxTraceIdLength = 256;

// The ALB's trace header: "Root=1-…;Parent=…;Sampled=1". Anything else is not logged, so that
// a client cannot write arbitrary text into the log.
bool IsPlausibleTraceId(std::string_view text) {
    return !text.empty() && text.size() <= kMaxTraceIdLength &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '=' || c == ';' || c == '-' || c == '.' || c == ':' || c == '_';
           });
}

}  // namespace

void LogAccess(const HttpRequest& request, const HttpResponse& response, double duration_ms) {
    const std::string trace = std::string(request.headers.Find("X-Amzn-Trace-Id").value_or(""));
    const bool has_trace = IsPlausibleTraceId(trace);
    const bool has_user = !response.log_user_id.empty();
    const core::LogField method{"method", request.method};
    const core::LogField path{"path", request.path};
    const core::LogField status{"status", std::int64_t{response.status}};
    const core::LogField duration{"duration_ms", duration_ms};
    const core::LogField id{"request_id", request.request_id};
    const core::LogField client{"client_ip", request.client_address};
    // The logger takes a fixed list, so each combination of optional fields is spelled out.
    if (has_user && has_trace) {
        core::LogInfo(
            "request",
            {method,
             path,
             status,
             duration,
             id,
             client,
             {"user_id", response.log_user_id},
             {"trace_id", trace}}
        );
    } else if (has_user) {
        core::LogInfo(
            "request",
            {method, path, status, duration, id, client, {"user_id", response.log_user_id}}
        );
    } else if (has_trace) {
        core::LogInfo("request", {method, path, status, duration, id, client, {"trace_id", trace}});
    } else {
        core::LogInfo("request", {method, path, status, duration, id, client});
    }
}

}  // namespace clockko::http
