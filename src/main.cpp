// The composition root: parse the command line, load the configuration, build the objects,
// run, and turn the outcome into an exit code. No logic of its own beyond wiring.
#include "auth/common_passwords.hpp"
#include "auth/make_auth_service.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "http/app.hpp"
#include "http/client_address.hpp"
#include "http/metrics.hpp"
#include "http/metrics_server.hpp"
#include "http/server.hpp"
#include "mail/outbox_worker.hpp"
#include "mail/smtp/mailer_factory.hpp"
#include "mail/template_renderer.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <thread>

namespace {

using namespace clockko;

constexpr int kExitConfig = 2;
constexpr int kExitFailure = 1;

int WorkerCount(const config::Config& config) {
    if (config.worker_threads > 0) {
        return config.worker_threads;
    }
    return std::max(4, 2 * static_cast<int>(std::max(1U, std::thread::hardware_concurrency())));
}

std::unique_ptr<store::Store> OpenStore(const config::Config& config) {
    // Every thread that may touch the store holds at most one connection at a time: the workers,
    // the hash pool and (SQLite point reads, issue 7) the I/O threads, one each per core. With
    // one connection for each, an I/O thread never waits for the pool.
    const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    const auto pool_size = static_cast<std::size_t>(WorkerCount(config) + 2 * cores);
    if (config.database.kind == config::DatabaseKind::kSqlite) {
        return store::OpenSqliteStore(
            {.path = config.database.sqlite_path,
             .busy_timeout = std::chrono::seconds{5},
             .pool_size = pool_size}
        );
    }
    return store::OpenPostgresStore({
        .url = config.database,
        .pool_size = pool_size,
        .connect_timeout_seconds = std::clamp(config.db_connect_timeout_seconds, 2, 10),
        .pool_wait_timeout = std::chrono::seconds{5},
    });
}

/// Where the database is, for messages: never the password.
std::string DescribeDatabase(const config::Config& config) {
    const auto& url = config.database;
    if (url.kind == config::DatabaseKind::kSqlite) {
        return "sqlite " + url.sqlite_path;
    }
    return "postgresql " + url.host + ":" + std::to_string(url.port) + "/" + url.database;
}

/// Opens the store and applies migrations, retrying an unreachable database for up to
/// DB_CONNECT_TIMEOUT_SECONDS. Returns null after printing one line when it gives up.
std::unique_ptr<store::Store> OpenMigratedStore(const config::Config& config) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds{config.db_connect_timeout_seconds};
    std::string last_problem;
    for (bool first = true;; first = false) {
        try {
            auto store = OpenStore(config);
            const int applied = store->Migrate();
            if (applied > 0) {
                core::LogInfo("database migrated", {{"migrations_applied", std::int64_t{applied}}});
            }
            return store;
        } catch (const core::StoreUnavailable& error) {
            last_problem = error.what();
        } catch (const core::StoreFailure& error) {
            std::cerr << "clockko: cannot use the database (" << DescribeDatabase(config)
                      << "): " << error.what() << "\n";
            return nullptr;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            std::cerr << "clockko: cannot reach the database (" << DescribeDatabase(config)
                      << ") within " << config.db_connect_timeout_seconds << " s: " << last_problem
                      << "\n";
            return nullptr;
        }
        if (first) {
            core::LogWarning(
                "database not reachable yet, retrying", {{"database", DescribeDatabase(config)}}
            );
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{500});
    }
}

auth::AuthSettings MakeAuthSettings(const config::Config& config) {
    return {
        .secret_key = config.secret_key,
        .secret_key_previous = config.secret_key_previous,
        .algorithm = config.algorithm,
        .access_token_lifetime = std::chrono::minutes{config.access_token_expire_minutes},
        .otp_lifetime = std::chrono::minutes{config.otp_expire_minutes},
        .password_min_length = config.password_min_length,
        .bcrypt_cost = config.bcrypt_rounds,
        .throttle =
            {
                .login_max_failures = config.login_max_failures,
                .login_max_failures_account = config.login_max_failures_account,
                .login_max_failures_address = config.login_max_failures_address,
                .window = std::chrono::minutes{config.throttle_window_minutes},
                .code_resend = std::chrono::seconds{config.code_resend_seconds},
                .code_max_per_hour = config.code_max_per_hour,
                .code_max_per_hour_address = config.code_max_per_hour_address,
                .code_max_failures_account = config.code_max_failures_account,
                .code_max_failures_address = config.code_max_failures_address,
            },
        .refresh_token_lifetime = std::chrono::days{config.refresh_token_expire_days},
        .refresh_reuse_grace = std::chrono::seconds{config.refresh_reuse_grace_seconds},
    };
}

/// The embedded common-password list (issue 4), with one line saying what was loaded.
std::shared_ptr<const auth::CommonPasswords> LoadCommonPasswords() {
    auto list = auth::EmbeddedCommonPasswords();
    core::LogInfo(
        "common passwords loaded",
        {
            {"count", static_cast<std::int64_t>(list->Size())},
            {"source", std::string(auth::EmbeddedCommonPasswordsSource())},
        }
    );
    return list;
}

/// The effective configuration (secrets masked) as one structured line.
void LogConfiguration(const config::Config& config) {
    const std::vector<std::string> settings = config::DescribeConfig(config);
    std::vector<core::LogField> fields;
    for (const std::string& setting : settings) {
        const std::size_t equals = setting.find('=');
        fields.push_back({std::string_view(setting).substr(0, equals), setting.substr(equals + 1)});
    }
    core::LogFields(core::LogLevel::kInfo, "configuration", fields);
}

/// Issue 7: the database pool, and the outbox totals and backlog, at each scrape (one COUNT
/// query per scrape, on the metrics thread).
void AddServiceMetrics(
    http::Metrics& metrics, const mail::OutboxWorker& outbox, store::Store& store
) {
    metrics.AddCollector([&outbox, &store](std::string& out) {
        const auto sample =
            [&out](
                std::string_view name, std::string_view type, std::string_view help, double value
            ) {
                http::AppendMetricHeader(out, name, type, help);
                http::AppendSample(out, name, "", value);
            };
        http::AppendPoolMetrics(out, store.ConnectionPoolStats());
        const mail::OutboxStats stats = outbox.Stats();
        sample(
            "clockko_outbox_sent_total",
            "counter",
            "Emails delivered.",
            static_cast<double>(stats.sent)
        );
        sample(
            "clockko_outbox_retried_total",
            "counter",
            "Delivery attempts to be retried.",
            static_cast<double>(stats.retried)
        );
        sample(
            "clockko_outbox_failed_total",
            "counter",
            "Emails given up on.",
            static_cast<double>(stats.failed)
        );
        constexpr std::string_view kUpHelp = "1 when the database answered this scrape.";
        try {
            const auto pending = static_cast<double>(store.PendingMailCount());
            sample("clockko_outbox_pending", "gauge", "Emails neither sent nor failed.", pending);
            sample("clockko_database_up", "gauge", kUpHelp, 1);
        } catch (const core::StoreUnavailable&) {
            sample("clockko_database_up", "gauge", kUpHelp, 0);
        }
    });
}

/// Blocks SIGTERM and SIGINT in every thread started after this, so that the main thread alone
/// receives them through sigwait.
sigset_t BlockStopSignals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

// The config layer does not parse addresses (the HTTP layer does), so TRUSTED_PROXIES is checked
// here, before anything starts, and refused like every other invalid value.
void AddProxyProblems(const config::Config& config, std::vector<std::string>& problems) {
    for (const std::string& entry : config.trusted_proxies) {
        if (const auto problem = http::TrustedProxies::Problem(entry)) {
            problems.push_back("TRUSTED_PROXIES: " + *problem);
            return;
        }
    }
}

int Serve(config::Config config) {
    const sigset_t stop_signals = BlockStopSignals();
    auto random = core::MakeSystemRandom();
    if (config.secret_key.empty()) {
        config.secret_key = core::RandomHex(*random, 32);
        core::LogWarning("SECRET_KEY is not set: using a random key, tokens end with this process");
    }
    LogConfiguration(config);
    auto store = OpenMigratedStore(config);
    if (!store) {
        return kExitFailure;
    }
    core::SystemClock clock;
    auto mailer = mail::MakeMailer(config, clock, *random);
    if (!mailer) {
        std::cerr << "clockko: " << mailer.error().log << "\n";
        return kExitConfig;
    }
    mail::OutboxWorker outbox(
        *store, **mailer, mail::MailRenderer({.frontend_url = config.frontend_url}), clock, *random
    );
    auto auth_service = auth::MakeAuthService({
        .store = *store,
        .clock = clock,
        .random = *random,
        .settings = MakeAuthSettings(config),
        .hasher = nullptr,
        .tokens = nullptr,
        .common_passwords = LoadCommonPasswords(),
    });

    std::atomic<bool> draining{false};
    store::Store& store_ref = *store;
    http::App app(
        config,
        *auth_service,
        [&store_ref, &draining] {
            if (draining.load()) {
                return false;
            }
            try {
                store_ref.Ping();
                return store_ref.AppliedSchemaVersion() >= store_ref.ExpectedSchemaVersion();
            } catch (const core::StoreUnavailable&) {
                return false;
            } catch (const core::StoreFailure&) {
                return false;
            }
        },
        *random
    );
    http::Metrics metrics(app.GetRouter().Routes(), CLOCKKO_VERSION);
    http::ServerOptions server_options = http::ServerOptions::FromConfig(config);
    server_options.metrics = config.metrics_port > 0 ? &metrics : nullptr;
    http::HttpServer server(server_options, app);
    std::optional<http::MetricsServer> metrics_server;
    try {
        server.Start();
        if (config.metrics_port > 0) {
            AddServiceMetrics(metrics, outbox, *store);
            metrics_server.emplace(
                config.host,
                static_cast<unsigned short>(config.metrics_port),
                [&metrics] { return metrics.Render(); }
            );
            metrics_server->Start();
        }
    } catch (const std::runtime_error& error) {
        std::cerr << "clockko: " << error.what() << "\n";
        return kExitFailure;
    }
    outbox.Start();
    core::LogInfo(
        "clockko listening",
        {{"url", "http://" + config.host + ":" + std::to_string(server.BoundPort())}}
    );
    if (metrics_server) {
        const std::string port = std::to_string(metrics_server->BoundPort());
        core::LogInfo(
            "metrics listening", {{"url", "http://" + config.host + ":" + port + "/metrics"}}
        );
    }

    int received = 0;
    sigwait(&stop_signals, &received);
    core::LogInfo("stopping", {{"signal", std::int64_t{received}}});
    // The load balancer sees /health/ready fail and stops sending before the listener closes.
    draining.store(true);
    std::this_thread::sleep_for(std::chrono::seconds{config.shutdown_delay_seconds});
    server.Stop();
    server.Wait();
    outbox.Stop();
    core::LogInfo("stopped");
    return 0;
}

int Migrate(const config::Config& config) {
    auto store = OpenMigratedStore(config);
    if (!store) {
        return kExitFailure;
    }
    std::cout << "database at schema version " << store->AppliedSchemaVersion() << "\n";
    return 0;
}

int Healthcheck(const config::Config& config) {
    return http::ProbeHealth(
               config.host, static_cast<unsigned short>(config.port), std::chrono::seconds{3}
           )
               ? 0
               : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"ClockKo auth service", "clockko"};
    cli.require_subcommand(0, 1);
    std::string env_file = ".env";
    bool env_file_given = false;
    const auto add_env_option = [&](CLI::App& command) {
        command.add_option_function<std::string>(
            "--env-file",
            [&](const std::string& path) {
                env_file = path;
                env_file_given = true;
            },
            "Read settings from this file instead of ./.env (the environment still wins)"
        );
    };
    add_env_option(cli);
    auto* serve = cli.add_subcommand("serve", "Run the HTTP server (the default)");
    auto* migrate = cli.add_subcommand("migrate", "Apply database migrations, then exit");
    auto* healthcheck = cli.add_subcommand(
        "healthcheck", "GET /health on the configured port: exit 0 if up, 1 if not"
    );
    auto* version = cli.add_subcommand("version", "Print the version");
    for (auto* command : {serve, migrate, healthcheck}) {
        add_env_option(*command);
    }
    CLI11_PARSE(cli, argc, argv);
    if (version->parsed()) {
        std::cout << "clockko " << CLOCKKO_VERSION << "\n";
        return 0;
    }
    config::Config config;
    auto problems = config::LoadConfigFromProcess(env_file, env_file_given, config);
    AddProxyProblems(config, problems);
    if (!problems.empty()) {
        for (const std::string& problem : problems) {
            std::cerr << "clockko: " << problem << "\n";
        }
        return kExitConfig;
    }
    core::ConfigureLogging(config.log_level, config.log_format);
    if (healthcheck->parsed()) {
        return Healthcheck(config);
    }
    if (migrate->parsed()) {
        return Migrate(config);
    }
    return Serve(std::move(config));
}
