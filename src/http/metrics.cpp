#include "http/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <unistd.h>

namespace clockko::http {
namespace {

// Bounded label values: anything else is "other", so a client cannot create series.
constexpr std::array<std::string_view, 5> kMethods{"GET", "HEAD", "POST", "OPTIONS", "other"};
constexpr std::array<int, 24> kStatuses{200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 405,
                                        408, 409, 410, 413, 415, 422, 429, 431, 500, 502, 503, 504};
constexpr std::size_t kOtherStatus = kStatuses.size();
constexpr std::array<std::string_view, 8> kCodes{
    "not_authenticated",
    "invalid_token",
    "token_expired",
    "invalid_credentials",
    "rate_limited",
    "too_many_attempts",
    "account_disabled",
    "other"};
// The first three are the token verification failures; the rest of the 401s are logins.
constexpr std::size_t kTokenCodes = 3;
constexpr std::string_view kCodeKey = R"("code":")";

std::size_t IndexOf(std::string_view value, const auto& names) {
    const auto found = std::find(names.begin(), names.end() - 1, value);
    return static_cast<std::size_t>(found - names.begin());
}

std::size_t StatusIndex(int status) {
    const auto* found = std::find(kStatuses.begin(), kStatuses.end(), status);
    return static_cast<std::size_t>(found - kStatuses.begin());
}

// The `code` of our error bodies ({"detail":…,"code":"…",…}), or "other".
std::size_t CodeIndex(std::string_view body) {
    const auto start = body.find(kCodeKey);
    if (start == std::string_view::npos) {
        return kCodes.size() - 1;
    }
    const std::string_view rest = body.substr(start + kCodeKey.size());
    return IndexOf(rest.substr(0, rest.find('"')), kCodes);
}

void AppendNumber(std::string& out, double value) {
    std::array<char, 32> buffer{};
    // general: "0.0005" rather than the shorter "5e-04", as Prometheus clients write bounds.
    const auto result = std::to_chars(
        buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::general
    );
    out.append(buffer.data(), result.ptr);
}

void AppendLabelValue(std::string& out, std::string_view value) {
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out.append("\\n");
        } else {
            out.push_back(c);
        }
    }
}

std::string Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
    std::string labels;
    for (const auto& [key, value] : pairs) {
        if (!labels.empty()) {
            labels.push_back(',');
        }
        labels.append(key).append("=\"");
        AppendLabelValue(labels, value);
        labels.push_back('"');
    }
    return labels;
}

void AppendProcessMetrics(std::string& out, std::chrono::system_clock::time_point started) {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size_pages = 0;
    std::uint64_t resident_pages = 0;
    if (statm >> size_pages >> resident_pages) {
        AppendMetricHeader(out, "process_resident_memory_bytes", "gauge", "Resident memory size.");
        AppendSample(
            out,
            "process_resident_memory_bytes",
            "",
            static_cast<double>(
                resident_pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE))
            )
        );
    }
    AppendMetricHeader(
        out, "process_start_time_seconds", "gauge", "Start time of the process since the epoch."
    );
    AppendSample(
        out,
        "process_start_time_seconds",
        "",
        static_cast<double>(
            std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count()
        )
    );
}

}  // namespace

void Histogram::Observe(double seconds) {
    const auto* bound = std::lower_bound(kBounds.begin(), kBounds.end(), seconds);
    buckets_[static_cast<std::size_t>(bound - kBounds.begin())].fetch_add(
        1, std::memory_order_relaxed
    );
    sum_nanoseconds_.fetch_add(
        static_cast<std::uint64_t>(std::llround(std::max(seconds, 0.0) * 1e9)),
        std::memory_order_relaxed
    );
}

std::uint64_t Histogram::AppendTo(std::string& out, std::string_view name, std::string_view labels)
    const {
    const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        std::string le = prefix + "le=\"";
        if (i < kBounds.size()) {
            AppendNumber(le, kBounds[i]);
        } else {
            le.append("+Inf");
        }
        le.push_back('"');
        AppendSample(out, std::string(name) + "_bucket", le, static_cast<double>(cumulative));
    }
    const double sum = static_cast<double>(sum_nanoseconds_.load(std::memory_order_relaxed)) / 1e9;
    AppendSample(out, std::string(name) + "_sum", labels, sum);
    AppendSample(out, std::string(name) + "_count", labels, static_cast<double>(cumulative));
    return cumulative;
}

std::uint64_t Histogram::Count() const {
    std::uint64_t count = 0;
    for (const auto& bucket : buckets_) {
        count += bucket.load(std::memory_order_relaxed);
    }
    return count;
}

void AppendMetricHeader(
    std::string& out, std::string_view name, std::string_view type, std::string_view help
) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void AppendSample(std::string& out, std::string_view name, std::string_view labels, double value) {
    out.append(name);
    if (!labels.empty()) {
        out.append("{").append(labels).append("}");
    }
    out.push_back(' ');
    AppendNumber(out, value);
    out.push_back('\n');
}

void AppendPoolMetrics(std::string& out, const store::PoolStats& stats) {
    const auto gauge = [&out](std::string_view name, std::string_view help, std::size_t value) {
        AppendMetricHeader(out, name, "gauge", help);
        AppendSample(out, name, "", static_cast<double>(value));
    };
    gauge("clockko_db_pool_connections_max", "Most connections the pool opens.", stats.size);
    gauge("clockko_db_pool_connections_open", "Connections open now.", stats.open);
    gauge("clockko_db_pool_connections_in_use", "Connections lent now.", stats.in_use);
    constexpr std::string_view kWait = "clockko_db_pool_acquire_wait_seconds";
    AppendMetricHeader(
        out, kWait, "summary", "Time spent waiting for (or opening) a pooled connection."
    );
    AppendSample(out, std::string(kWait) + "_sum", "", stats.acquire_seconds_total);
    // Failed requests waited too: they are observations of the summary.
    AppendSample(
        out,
        std::string(kWait) + "_count",
        "",
        static_cast<double>(stats.acquisitions + stats.failures)
    );
    constexpr std::string_view kFailures = "clockko_db_pool_acquire_failures_total";
    AppendMetricHeader(
        out, kFailures, "counter", "Connection requests that failed (none free in time, or down)."
    );
    AppendSample(out, kFailures, "", static_cast<double>(stats.failures));
}

Metrics::Metrics(const std::vector<Route>& routes, std::string version)
    : version_(std::move(version)) {
    for (const Route& route : routes) {
        const bool known =
            std::any_of(routes_.begin(), routes_.end(), [&](const auto& known_route) {
                return known_route.path == route.path && known_route.prefix == route.prefix;
            });
        if (!known) {
            routes_.push_back({std::string(route.path), route.prefix});
        }
    }
    requests_ = std::vector<Histogram>((routes_.size() + 1) * kMethods.size() * (kOtherStatus + 1));
    unauthorized_ = std::vector<std::atomic<std::uint64_t>>(kCodes.size());
    throttled_ = std::vector<std::atomic<std::uint64_t>>((routes_.size() + 1) * kCodes.size());
}

std::size_t Metrics::RouteIndex(std::string_view path) const {
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const RoutePattern& route = routes_[i];
        if (route.prefix ? path.size() > route.path.size() && path.starts_with(route.path)
                         : path == route.path) {
            return i;
        }
    }
    return routes_.size();
}

std::string_view Metrics::RouteLabel(std::string_view path) const {
    const std::size_t index = RouteIndex(path);
    return index < routes_.size() ? std::string_view(routes_[index].path) : "unmatched";
}

Metrics::Cell Metrics::Classify(const HttpRequest& request, const HttpResponse& response) const {
    Cell cell;
    cell.route = static_cast<std::uint16_t>(RouteIndex(request.path));
    cell.method = static_cast<std::uint8_t>(IndexOf(request.method, kMethods));
    cell.status = static_cast<std::uint8_t>(StatusIndex(response.status));
    cell.unauthorized = response.status == 401;
    cell.throttled = response.status == 429;
    if (cell.unauthorized || cell.throttled) {
        cell.code = static_cast<std::uint8_t>(CodeIndex(response.body));
    }
    return cell;
}

std::size_t Metrics::CellIndex(const Cell& cell) const {
    return (std::size_t{cell.route} * kMethods.size() + cell.method) * (kOtherStatus + 1) +
           cell.status;
}

void Metrics::Finish(const Cell& cell, double seconds) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    requests_[CellIndex(cell)].Observe(seconds);
    if (cell.unauthorized) {
        unauthorized_[cell.code].fetch_add(1, std::memory_order_relaxed);
    }
    if (cell.throttled) {
        throttled_[std::size_t{cell.route} * kCodes.size() + cell.code].fetch_add(
            1, std::memory_order_relaxed
        );
    }
}

void Metrics::AddCollector(Collector collector) {
    collectors_.push_back(std::move(collector));
}

void Metrics::RenderRequests(std::string& out) const {
    std::string counts;
    std::string histograms;
    for (std::size_t route = 0; route <= routes_.size(); ++route) {
        const std::string_view route_label =
            route < routes_.size() ? std::string_view(routes_[route].path) : "unmatched";
        for (std::size_t method = 0; method < kMethods.size(); ++method) {
            for (std::size_t status = 0; status <= kOtherStatus; ++status) {
                const Histogram& histogram =
                    requests_[(route * kMethods.size() + method) * (kOtherStatus + 1) + status];
                if (histogram.Count() == 0) {
                    continue;
                }
                const std::string status_text =
                    status < kOtherStatus ? std::to_string(kStatuses[status]) : "other";
                const std::string labels = Labels(
                    {{"route", route_label}, {"method", kMethods[method]}, {"status", status_text}}
                );
                std::string lines;
                const std::uint64_t count =
                    histogram.AppendTo(lines, "clockko_http_request_duration_seconds", labels);
                if (count > 0) {
                    histograms.append(lines);
                    AppendSample(
                        counts, "clockko_http_requests_total", labels, static_cast<double>(count)
                    );
                }
            }
        }
    }
    AppendMetricHeader(
        out,
        "clockko_http_requests_total",
        "counter",
        "HTTP requests answered, by route pattern, method and status."
    );
    out.append(counts);
    AppendMetricHeader(
        out,
        "clockko_http_request_duration_seconds",
        "histogram",
        "Time from the first byte of a request to the end of its answer."
    );
    out.append(histograms);
}

void Metrics::RenderCodes(std::string& out) const {
    AppendMetricHeader(
        out,
        "clockko_token_verification_failures_total",
        "counter",
        "401 answers to a missing, invalid or expired access token, by reason."
    );
    for (std::size_t code = 0; code < kTokenCodes; ++code) {
        AppendSample(
            out,
            "clockko_token_verification_failures_total",
            Labels({{"reason", kCodes[code]}}),
            static_cast<double>(unauthorized_[code].load(std::memory_order_relaxed))
        );
    }
    std::uint64_t other_401 = 0;
    for (std::size_t code = kTokenCodes; code < kCodes.size(); ++code) {
        other_401 += unauthorized_[code].load(std::memory_order_relaxed);
    }
    AppendMetricHeader(
        out,
        "clockko_login_failures_total",
        "counter",
        "401 answers other than token failures (wrong email or password)."
    );
    AppendSample(out, "clockko_login_failures_total", "", static_cast<double>(other_401));
    AppendMetricHeader(
        out, "clockko_throttle_hits_total", "counter", "429 answers, by route pattern and code."
    );
    for (std::size_t route = 0; route <= routes_.size(); ++route) {
        for (std::size_t code = 0; code < kCodes.size(); ++code) {
            const std::uint64_t hits =
                throttled_[route * kCodes.size() + code].load(std::memory_order_relaxed);
            if (hits > 0) {
                const std::string_view label =
                    route < routes_.size() ? std::string_view(routes_[route].path) : "unmatched";
                AppendSample(
                    out,
                    "clockko_throttle_hits_total",
                    Labels({{"route", label}, {"code", kCodes[code]}}),
                    static_cast<double>(hits)
                );
            }
        }
    }
}

std::string Metrics::Render() const {
    std::string out;
    AppendMetricHeader(out, "clockko_build_info", "gauge", "The running build; always 1.");
    AppendSample(out, "clockko_build_info", Labels({{"version", version_}}), 1);
    RenderRequests(out);
    AppendMetricHeader(
        out, "clockko_http_requests_in_flight", "gauge", "Requests read and not yet answered."
    );
    AppendSample(
        out,
        "clockko_http_requests_in_flight",
        "",
        static_cast<double>(in_flight_.load(std::memory_order_relaxed))
    );
    RenderCodes(out);
    AppendMetricHeader(
        out,
        "clockko_worker_queue_wait_seconds",
        "histogram",
        "Time a blocking job (database) waited for a worker thread."
    );
    worker_wait_.AppendTo(out, "clockko_worker_queue_wait_seconds", "");
    AppendMetricHeader(
        out,
        "clockko_hash_queue_wait_seconds",
        "histogram",
        "Time a password job (register, login, reset) waited for a hash thread."
    );
    hash_wait_.AppendTo(out, "clockko_hash_queue_wait_seconds", "");
    for (const Collector& collector : collectors_) {
        collector(out);
    }
    AppendProcessMetrics(out, started_);
    return out;
}

}  // namespace clockko::http
