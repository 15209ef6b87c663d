// Issue 7: the Prometheus registry without a server (the integration test scrapes the binary).
#include "http/metrics.hpp"

#include "http/app.hpp"
#include "http/responses.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace clockko::http {
namespace {

HttpRequest Request(std::string method, std::string path) {
    HttpRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    return request;
}

HttpResponse Status(int status) {
    HttpResponse response;
    response.status = status;
    return response;
}

void Record(Metrics& metrics, const HttpRequest& request, const HttpResponse& response, double s) {
    metrics.Start();
    metrics.Finish(metrics.Classify(request, response), s);
}

bool Contains(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

TEST(Metrics, LabelsRoutesByPatternAndUnknownPathsAsUnmatched) {
    const Metrics metrics(ServiceRoutes(), "1.2.3");
    EXPECT_EQ(metrics.RouteLabel("/api/auth/user"), "/api/auth/user");
    EXPECT_EQ(metrics.RouteLabel("/docs/swagger-ui.css"), "/docs/");
    EXPECT_EQ(metrics.RouteLabel("/api/auth/user/123"), "unmatched");
    EXPECT_EQ(metrics.RouteLabel("/metrics"), "unmatched");
}

TEST(Metrics, CountsRequestsIntoCumulativeBuckets) {
    Metrics metrics(ServiceRoutes(), "1.2.3");
    Record(metrics, Request("GET", "/health"), Status(200), 0.0004);
    Record(metrics, Request("GET", "/health"), Status(200), 0.003);
    Record(metrics, Request("BREW", "/x/y"), Status(404), 20);
    const std::string text = metrics.Render();
    const std::string health = R"(route="/health",method="GET",status="200")";
    EXPECT_TRUE(Contains(text, "clockko_http_requests_total{" + health + "} 2")) << text;
    EXPECT_TRUE(Contains(
        text, "clockko_http_request_duration_seconds_bucket{" + health + R"(,le="0.0005"} 1)"
    ));
    EXPECT_TRUE(Contains(
        text, "clockko_http_request_duration_seconds_bucket{" + health + R"(,le="0.0025"} 1)"
    ));
    EXPECT_TRUE(Contains(
        text, "clockko_http_request_duration_seconds_bucket{" + health + R"(,le="0.005"} 2)"
    ));
    EXPECT_TRUE(Contains(
        text, "clockko_http_request_duration_seconds_bucket{" + health + R"(,le="+Inf"} 2)"
    ));
    EXPECT_TRUE(Contains(text, "clockko_http_request_duration_seconds_sum{" + health + "} 0.0034"));
    EXPECT_TRUE(Contains(text, "clockko_http_request_duration_seconds_count{" + health + "} 2"));
    // An unknown method and path are bounded labels; a 20 s answer lands only in +Inf.
    const std::string odd = R"(route="unmatched",method="other",status="404")";
    EXPECT_TRUE(
        Contains(text, "clockko_http_request_duration_seconds_bucket{" + odd + R"(,le="10"} 0)")
    );
    EXPECT_TRUE(
        Contains(text, "clockko_http_request_duration_seconds_bucket{" + odd + R"(,le="+Inf"} 1)")
    );
    EXPECT_EQ(text.find("BREW"), std::string::npos);
    EXPECT_TRUE(Contains(text, "clockko_http_requests_in_flight 0"));
    EXPECT_TRUE(Contains(text, R"(clockko_build_info{version="1.2.3"} 1)"));
}

TEST(Metrics, CountsUnauthorizedByCodeAndThrottlesByRoute) {
    Metrics metrics(ServiceRoutes(), "1");
    Record(
        metrics, Request("GET", "/api/auth/user"), ProblemResponse(401, "token_expired", "x"), 0.001
    );
    Record(
        metrics, Request("GET", "/api/auth/user"), ProblemResponse(401, "invalid_token", "x"), 0.001
    );
    Record(
        metrics,
        Request("POST", "/api/auth/login"),
        ProblemResponse(401, "invalid_credentials", "x"),
        0.3
    );
    Record(
        metrics,
        Request("POST", "/api/auth/login"),
        ProblemResponse(429, "rate_limited", "x"),
        0.001
    );
    const std::string text = metrics.Render();
    EXPECT_TRUE(
        Contains(text, R"(clockko_token_verification_failures_total{reason="token_expired"} 1)")
    ) << text;
    EXPECT_TRUE(
        Contains(text, R"(clockko_token_verification_failures_total{reason="invalid_token"} 1)")
    );
    EXPECT_TRUE(
        Contains(text, R"(clockko_token_verification_failures_total{reason="not_authenticated"} 0)")
    );
    EXPECT_TRUE(Contains(text, "clockko_login_failures_total 1"));
    EXPECT_TRUE(Contains(
        text, R"(clockko_throttle_hits_total{route="/api/auth/login",code="rate_limited"} 1)"
    ));
}

TEST(Metrics, TracksInFlightRequestsAndQueueWaits) {
    Metrics metrics(ServiceRoutes(), "1");
    metrics.Start();
    metrics.ObserveQueueWait(0.002, /*hashing=*/false);
    metrics.ObserveQueueWait(0.7, /*hashing=*/true);
    const std::string text = metrics.Render();
    EXPECT_TRUE(Contains(text, "clockko_http_requests_in_flight 1")) << text;
    EXPECT_TRUE(Contains(text, R"(clockko_worker_queue_wait_seconds_bucket{le="0.0025"} 1)"));
    EXPECT_TRUE(Contains(text, R"(clockko_hash_queue_wait_seconds_bucket{le="0.5"} 0)"));
    EXPECT_TRUE(Contains(text, R"(clockko_hash_queue_wait_seconds_bucket{le="1"} 1)"));
}

TEST(Metrics, CollectorsAppendAtEachScrape) {
    Metrics metrics(ServiceRoutes(), "1");
    int scrapes = 0;
    metrics.AddCollector([&scrapes](std::string& out) {
        ++scrapes;
        AppendMetricHeader(out, "clockko_test_value", "gauge", "A test value.");
        AppendSample(out, "clockko_test_value", "", scrapes);
    });
    EXPECT_TRUE(Contains(metrics.Render(), "clockko_test_value 1"));
    EXPECT_TRUE(Contains(metrics.Render(), "# TYPE clockko_test_value gauge"));
    EXPECT_EQ(scrapes, 2);
}

TEST(Metrics, PoolLinesAreGaugesASummaryAndACounter) {
    store::PoolCounters counters;
    counters.Acquired(std::chrono::milliseconds(3));
    counters.Acquired(std::chrono::milliseconds(1));
    counters.Failed(std::chrono::milliseconds(500));
    counters.Released();
    std::string text;
    AppendPoolMetrics(text, counters.Snapshot(/*size=*/8, /*open=*/2));
    EXPECT_TRUE(Contains(text, "# TYPE clockko_db_pool_connections_in_use gauge")) << text;
    EXPECT_TRUE(Contains(text, "clockko_db_pool_connections_max 8"));
    EXPECT_TRUE(Contains(text, "clockko_db_pool_connections_open 2"));
    EXPECT_TRUE(Contains(text, "clockko_db_pool_connections_in_use 1"));
    EXPECT_TRUE(Contains(text, "# TYPE clockko_db_pool_acquire_wait_seconds summary"));
    EXPECT_TRUE(Contains(text, "clockko_db_pool_acquire_wait_seconds_sum 0.504"));
    EXPECT_TRUE(Contains(text, "clockko_db_pool_acquire_wait_seconds_count 3"));
    EXPECT_TRUE(Contains(text, "# TYPE clockko_db_pool_acquire_failures_total counter"));
    EXPECT_TRUE(Contains(text, "clockko_db_pool_acquire_failures_total 1"));
}

}  // namespace
}  // namespace clockko::http
