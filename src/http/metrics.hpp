#pragma once

#include "http/request.hpp"
#include "http/router.hpp"
#include "store/pool_stats.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace clockko::http {

/// A Prometheus histogram with fixed buckets (seconds), updated with relaxed atomics only.
/// @par Thread safety: Observe and AppendTo may be called concurrently.
class Histogram final {
public:
    /// Upper bounds in seconds, from 0.5 ms (a token check) to 10 s (a queue at its limit).
    static constexpr std::array<double, 14> kBounds{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    void Observe(double seconds);

    /// Appends `name_bucket{labels,le=…}` lines, `name_sum` and `name_count`; `labels` is
    /// `key="value",…` without braces (may be empty). Returns the count written.
    std::uint64_t AppendTo(std::string& out, std::string_view name, std::string_view labels) const;

    /// Observations so far.
    [[nodiscard]] std::uint64_t Count() const;

private:
    std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  ///< last: +Inf
    std::atomic<std::uint64_t> sum_nanoseconds_{0};
};

/// Appends `# HELP` and `# TYPE` lines.
void AppendMetricHeader(
    std::string& out, std::string_view name, std::string_view type, std::string_view help
);

/// Appends one sample `name{labels} value` (`labels` without braces; empty for none).
void AppendSample(std::string& out, std::string_view name, std::string_view labels, double value);

/// The database pool's families: connections (max, open, in use) as gauges, the time callers
/// spent acquiring a connection as a summary (`_sum` seconds, `_count` acquisitions), and the
/// acquisitions that failed as a counter.
void AppendPoolMetrics(std::string& out, const store::PoolStats& stats);

/// The service's metrics, rendered in the Prometheus text format (version 0.0.4).
///
/// Requests are counted by route pattern (the route table's path, never the raw path: unknown
/// paths are "unmatched", so clients cannot create series), a bounded method label and the
/// status; 401 answers by their `code` (token verification failures and wrong passwords) and
/// 429 answers by route and code (throttle hits). Other parts of the process add their own
/// lines through collectors, run at each scrape.
/// @par Thread safety: every member function may be called concurrently, except AddCollector,
/// which must happen before the first Render.
class Metrics final {
public:
    /// `routes`: the route table (App::GetRouter().Routes()); `version`: for clockko_build_info.
    Metrics(const std::vector<Route>& routes, std::string version);

    /// Where one request is counted: computed before the response body is sent (it reads the
    /// `code` of 401 and 429 bodies), recorded after.
    struct Cell {
        std::uint16_t route = 0;
        std::uint8_t method = 0;
        std::uint8_t status = 0;
        std::uint8_t code = 0;
        bool unauthorized = false;
        bool throttled = false;
    };

    [[nodiscard]] Cell Classify(const HttpRequest& request, const HttpResponse& response) const;

    /// A request began (in flight until Finish).
    void Start() { in_flight_.fetch_add(1, std::memory_order_relaxed); }

    /// The request of `cell` was answered after `seconds`.
    void Finish(const Cell& cell, double seconds);

    /// A job waited `seconds` in its queue before a thread took it: a worker's, or (`hashing`)
    /// the hash pool's.
    void ObserveQueueWait(double seconds, bool hashing) {
        (hashing ? hash_wait_ : worker_wait_).Observe(seconds);
    }

    /// Appends lines (with their HELP/TYPE) at each scrape; runs on the scraping thread.
    using Collector = std::function<void(std::string& out)>;
    void AddCollector(Collector collector);

    /// Every metric, as the body of GET /metrics.
    [[nodiscard]] std::string Render() const;

    /// The label of a path: its route pattern or "unmatched".
    [[nodiscard]] std::string_view RouteLabel(std::string_view path) const;

private:
    [[nodiscard]] std::size_t RouteIndex(std::string_view path) const;
    [[nodiscard]] std::size_t CellIndex(const Cell& cell) const;
    void RenderRequests(std::string& out) const;
    void RenderCodes(std::string& out) const;

    struct RoutePattern {
        std::string path;
        bool prefix = false;
    };

    std::vector<RoutePattern> routes_;  ///< distinct paths; index routes_.size() is "unmatched"
    std::string version_;
    std::vector<Histogram> requests_;                       ///< per (route, method, status)
    std::vector<std::atomic<std::uint64_t>> unauthorized_;  ///< per code
    std::vector<std::atomic<std::uint64_t>> throttled_;     ///< per (route, code)
    std::atomic<std::int64_t> in_flight_{0};
    Histogram worker_wait_;
    Histogram hash_wait_;
    std::vector<Collector> collectors_;
    std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
};

}  // namespace clockko::http
