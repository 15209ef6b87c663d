#include "core/log.hpp"
#include "http/handlers/handlers.hpp"
#include "http/responses.hpp"

#include <exception>

namespace clockko::http {

// Readiness failures are retried soon by the load balancer; one interval is enough.
constexpr int kNotReadyRetryAfterSeconds = 5;

HttpResponse HandleRoot(const HttpRequest& /*request*/, HandlerContext& /*context*/) {
    return JsonResponse(200, R"({"message":"ClockKo API is running"})");
}

HttpResponse HandleHealth(const HttpRequest& /*request*/, HandlerContext& /*context*/) {
    // Liveness: the process answers. It must touch no dependency, or a database outage
    // would make the orchestrator kill every healthy task.
    return JsonResponse(200, R"({"status":"ok"})");
}

HttpResponse HandleReady(const HttpRequest& request, HandlerContext& context) {
    bool ready = false;
    try {
        ready = context.readiness && context.readiness();
    } catch (const std::exception& failure) {
        // A probe that throws is the very answer being asked for: not ready.
        core::LogWarning(
            "readiness probe failed",
            {{"request_id", request.request_id}, {"error", failure.what()}}
        );
    }
    if (ready) {
        return JsonResponse(200, R"({"status":"ok","database":"ok"})");
    }
    HttpResponse response = JsonResponse(
        503,
        R"({"detail":"Service Unavailable","code":"service_unavailable",)"
        R"("message":"Service Unavailable","status":"unavailable"})"
    );
    response.headers.Set("Retry-After", std::to_string(kNotReadyRetryAfterSeconds));
    return response;
}

}  // namespace clockko::http
