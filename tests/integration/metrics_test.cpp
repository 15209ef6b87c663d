// Issue 7: the Prometheus endpoint on METRICS_PORT, scraped from the real binary and parsed.
#include "fixture.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace clockko::testing {
namespace {

/// One scrape: samples by `name{labels}` as written, and the declared type of each family.
struct Scrape {
    std::map<std::string, double> samples;
    std::map<std::string, std::string> types;
    std::string text;

    /// The value of `name{labels}`, or -1 when absent.
    [[nodiscard]] double Value(const std::string& series) const {
        const auto it = samples.find(series);
        return it == samples.end() ? -1 : it->second;
    }
};

// `name{label="value",…} value`: label values may hold any character but an unescaped quote.
const std::regex kSampleLine(
    R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? )"
    R"(([-+]?[0-9.eE+-]+|NaN|[+-]Inf)$)"
);
const std::regex kHelpLine(R"(^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
const std::regex kTypeLine(
    R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)"
);

/// Parses the text format, failing the test on any line that is neither a comment nor a sample.
Scrape Parse(const std::string& text) {
    Scrape scrape;
    scrape.text = text;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::smatch match;
        if (std::regex_match(line, match, kTypeLine)) {
            EXPECT_FALSE(scrape.types.contains(match[1])) << "TYPE declared twice: " << line;
            scrape.types[match[1]] = match[2];
        } else if (std::regex_match(line, match, kSampleLine)) {
            const std::string series = line.substr(0, line.rfind(' '));
            EXPECT_FALSE(scrape.samples.contains(series)) << "duplicate series: " << line;
            scrape.samples[series] = std::stod(match[5]);
        } else {
            EXPECT_TRUE(std::regex_match(line, kHelpLine)) << "not the text format: " << line;
        }
    }
    return scrape;
}

/// Every histogram has, per label set, cumulative _bucket lines ending at le="+Inf", a _sum and
/// a _count equal to the +Inf bucket.
void ExpectWellFormedHistograms(const Scrape& scrape) {
    for (const auto& [family, type] : scrape.types) {
        if (type != "histogram") {
            continue;
        }
        int label_sets = 0;
        for (const auto& [series, count] : scrape.samples) {
            if (!series.starts_with(family + "_count")) {
                continue;
            }
            ++label_sets;
            const std::string labels = series.substr(family.size() + 6);  // "" or "{…}"
            const std::string inner = labels.empty() ? "" : labels.substr(1, labels.size() - 2);
            const std::string infinity =
                family + "_bucket{" + (inner.empty() ? "" : inner + ",") + "le=\"+Inf\"}";
            EXPECT_EQ(scrape.Value(infinity), count) << infinity;
            EXPECT_GE(scrape.Value(family + "_sum" + labels), 0) << family << labels;
            double previous = 0;
            for (const char* le : {"0.0005", "0.001", "0.01", "0.1", "1", "10"}) {
                const std::string bucket =
                    family + "_bucket{" + (inner.empty() ? "" : inner + ",") + "le=\"" + le + "\"}";
                const double value = scrape.Value(bucket);
                EXPECT_GE(value, previous) << bucket;
                previous = value;
            }
        }
        EXPECT_GT(label_sets, 0) << "histogram without samples: " << family;
    }
}

std::string Series(const std::string& route, const std::string& method, const std::string& status) {
    return "clockko_http_requests_total{route=\"" + route + "\",method=\"" + method +
           "\",status=\"" + status + "\"}";
}

double ValueOr0(const Scrape& scrape, const std::string& series) {
    return std::max(scrape.Value(series), 0.0);
}

class Metrics : public BackendTest {
protected:
    void SetUp() override {
        if (!BackendAvailable(GetParam())) {
            GTEST_SKIP() << "no PostgreSQL (set CLOCKKO_TEST_POSTGRES_URL, or run make test)";
        }
        auto environment = *TestEnvironment(GetParam());
        metrics_port_ = ServerProcess::FreePort();
        environment["METRICS_PORT"] = std::to_string(metrics_port_);
        own_server_ = std::make_unique<ServerProcess>(environment);
        server_ = own_server_.get();
    }

    [[nodiscard]] std::string MetricsUrl(const std::string& path = "/metrics") const {
        return "http://127.0.0.1:" + std::to_string(metrics_port_) + path;
    }

    Scrape ScrapeNow() {
        const HttpResult result = Get(MetricsUrl());
        EXPECT_EQ(result.status, 200) << result.body;
        EXPECT_EQ(result.Header("content-type").rfind("text/plain; version=0.0.4", 0), 0U)
            << result.Header("content-type");
        return Parse(result.body);
    }

    int metrics_port_ = 0;
    std::unique_ptr<ServerProcess> own_server_;
};

TEST_P(Metrics, ScrapeIsTheTextFormatAndCountsTheRequestsMade) {
    const Scrape before = ScrapeNow();
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(Get(Url("/")).status, 200);
    }
    ASSERT_EQ(Get(Url("/no/such/path-1234")).status, 404);
    ASSERT_EQ(Get(Url("/no/such/path-5678")).status, 404);
    ASSERT_EQ(Get(Url("/api/auth/user")).status, 401);
    ASSERT_EQ(CurrentUser("not-a-token").status, 401);
    const std::string email = UniqueEmail("metrics");
    const std::string token = RegisterAndLogin(email);
    ASSERT_EQ(CurrentUser(token).status, 200);
    ASSERT_EQ(Login(email, "Wrong-Password-1").status, 401);
    const Scrape after = ScrapeNow();
    ExpectWellFormedHistograms(after);

    const auto delta = [&](const std::string& series) {
        return ValueOr0(after, series) - ValueOr0(before, series);
    };
    EXPECT_EQ(delta(Series("/", "GET", "200")), 3);
    EXPECT_EQ(delta(Series("unmatched", "GET", "404")), 2);
    EXPECT_EQ(delta(Series("/api/auth/user", "GET", "401")), 2);
    EXPECT_EQ(delta(Series("/api/auth/user", "GET", "200")), 1);
    EXPECT_EQ(delta(Series("/api/auth/register", "POST", "201")), 1);
    EXPECT_EQ(delta(Series("/api/auth/login", "POST", "200")), 1);
    EXPECT_EQ(delta(Series("/api/auth/login", "POST", "401")), 1);
    EXPECT_EQ(
        delta("clockko_http_request_duration_seconds_count{route=\"/\",method=\"GET\","
              "status=\"200\"}"),
        3
    );
    EXPECT_EQ(delta("clockko_token_verification_failures_total{reason=\"not_authenticated\"}"), 1);
    EXPECT_EQ(delta("clockko_token_verification_failures_total{reason=\"invalid_token\"}"), 1);
    EXPECT_EQ(delta("clockko_login_failures_total"), 1);
    // Register and both logins ran on the hash pool (GET /user: inline on SQLite, a worker on
    // PostgreSQL).
    EXPECT_EQ(delta("clockko_hash_queue_wait_seconds_count"), 3);
    EXPECT_EQ(
        delta("clockko_worker_queue_wait_seconds_count"), GetParam() == Backend::kPostgres ? 3 : 0
    );
    // Raw paths never become labels.
    EXPECT_EQ(after.text.find("path-1234"), std::string::npos);

    std::string version_output;
    ASSERT_EQ(ServerProcess::RunToCompletion({"version"}, {}, version_output), 0);
    const std::string version = version_output.substr(version_output.find(' ') + 1);
    EXPECT_EQ(
        after.Value(
            "clockko_build_info{version=\"" + version.substr(0, version.find('\n')) + "\"}"
        ),
        1
    ) << version_output;
    EXPECT_EQ(after.types.at("clockko_http_requests_total"), "counter");
    EXPECT_EQ(after.types.at("clockko_http_request_duration_seconds"), "histogram");
    EXPECT_EQ(after.types.at("clockko_http_requests_in_flight"), "gauge");
    EXPECT_GE(after.Value("clockko_http_requests_in_flight"), 0);
    EXPECT_GE(after.Value("clockko_worker_threads"), 1);
    EXPECT_GE(after.Value("clockko_worker_queue_depth"), 0);
    EXPECT_GE(after.Value("clockko_http_open_connections"), 0);
    // The welcome email of the registration is pending, sent or being retried.
    EXPECT_GE(after.Value("clockko_outbox_pending"), 0);
    EXPECT_GE(after.Value("clockko_outbox_sent_total"), 0);
    EXPECT_GE(after.Value("clockko_outbox_failed_total"), 0);
    EXPECT_EQ(after.Value("clockko_database_up"), 1);
    EXPECT_EQ(after.types.at("clockko_db_pool_acquire_wait_seconds"), "summary");
    EXPECT_GE(after.Value("clockko_db_pool_connections_max"), 1);
    EXPECT_GE(after.Value("clockko_db_pool_connections_open"), 1);
    EXPECT_GE(after.Value("clockko_db_pool_connections_in_use"), 0);
    // Register (a transaction), two logins and one user read each took a connection at least.
    EXPECT_GE(delta("clockko_db_pool_acquire_wait_seconds_count"), 4);
    EXPECT_EQ(after.Value("clockko_db_pool_acquire_failures_total"), 0);
    EXPECT_GT(after.Value("process_resident_memory_bytes"), 0);
}

TEST_P(Metrics, CountsTooManyAttemptsAsThrottleHits) {
    const std::string email = UniqueEmail("throttle");
    ASSERT_EQ(Register(email).status, 201);
    const Scrape before = ScrapeNow();
    long last = 0;
    for (int attempt = 0; attempt < 6; ++attempt) {
        last = PostJson(
                   Url("/api/auth/verify-email"), R"({"email":")" + email + R"(","otp":"000000"})"
        )
                   .status;
    }
    ASSERT_EQ(last, 429);
    const Scrape after = ScrapeNow();
    double hits = 0;
    for (const auto& [series, value] : after.samples) {
        if (series.starts_with("clockko_throttle_hits_total{route=\"/api/auth/verify-email\"")) {
            hits += value - ValueOr0(before, series);
        }
    }
    EXPECT_GE(hits, 1) << after.text;
}

TEST_P(Metrics, PublicPortAnswers404AndMetricsPortServesOnlyMetrics) {
    ExpectErrorBody(Get(Url("/metrics")), 404, "not_found");
    EXPECT_EQ(Get(MetricsUrl("/")).status, 404);
    EXPECT_EQ(Get(MetricsUrl("/api/auth/user")).status, 404);
    const HttpResult post = Request("POST", MetricsUrl(), {}, "x");
    EXPECT_EQ(post.status, 405);
    EXPECT_EQ(post.Header("allow"), "GET, HEAD");
    // A scrape through the public port's path is never counted as a metrics route.
    EXPECT_EQ(ScrapeNow().Value(Series("unmatched", "GET", "404")), 1);
}

CLOCKKO_INSTANTIATE_ON_EVERY_BACKEND(Metrics);

TEST(MetricsOff, WithoutMetricsPortThePublicPortStillAnswers404) {
    auto environment = *TestEnvironment(Backend::kSqlite);
    environment.erase("METRICS_PORT");
    ServerProcess server(environment);
    ExpectErrorBody(Get(server.BaseUrl() + "/metrics"), 404, "not_found");
    server.StopWith(SIGTERM);
    EXPECT_EQ(server.Output().find("metrics listening"), std::string::npos);
}

}  // namespace
}  // namespace clockko::testing
