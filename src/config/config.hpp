#pragma once

#include "core/log.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clockko::config {

enum class AppEnv { kDevelopment, kProduction };
enum class SmtpTls { kStartTls, kImplicitTls, kOff };
enum class DatabaseKind { kSqlite, kPostgres };

/// A parsed DATABASE_URL.
struct DatabaseUrl {
    DatabaseKind kind = DatabaseKind::kSqlite;
    /// SQLite: the file path, or ":memory:".
    std::string sqlite_path;
    /// PostgreSQL: decoded parts and the query parameters (sslmode, …) passed through to libpq.
    std::string host;
    int port = 5432;
    std::string user;
    std::string password;
    std::string database;
    std::map<std::string, std::string> parameters;
};

/// Every setting of the service, with the contract's defaults. Plain data: built by LoadConfig.
struct Config {
    std::string database_url_text = "sqlite:///./clockko.db";
    DatabaseUrl database;
    std::string secret_key;  ///< empty in development means "generate one at start"
    std::string secret_key_previous;
    std::string algorithm = "HS256";
    int access_token_expire_minutes = 30;
    int otp_expire_minutes = 10;
    int bcrypt_rounds = 12;
    std::string smtp_host;
    int smtp_port = 587;
    std::string smtp_user;
    std::string smtp_password;
    std::string smtp_from;
    std::string smtp_from_name = "ClockKo";
    SmtpTls smtp_tls = SmtpTls::kStartTls;
    std::string frontend_url = "http://localhost:3000";
    std::vector<std::string> cors_origins;
    std::string host = "0.0.0.0";
    int port = 8000;
    AppEnv app_env = AppEnv::kDevelopment;
    core::LogLevel log_level = core::LogLevel::kInfo;
    core::LogFormat log_format = core::LogFormat::kText;
    int metrics_port = 0;  ///< 0: metrics off
    int refresh_token_expire_days = 30;
    int refresh_reuse_grace_seconds = 10;
    int shutdown_delay_seconds = 0;
    int db_connect_timeout_seconds = 30;
    int password_min_length = 8;
    int login_max_failures = 10;
    int login_max_failures_account = 50;
    int login_max_failures_address = 100;
    int throttle_window_minutes = 15;
    int code_resend_seconds = 60;
    int code_max_per_hour = 5;
    int code_max_per_hour_address = 20;  ///< code requests per client address per hour
    int code_max_failures_account = 20;  ///< wrong codes per account per throttle window
    int code_max_failures_address = 50;  ///< wrong codes per client address per window
    std::vector<std::string> trusted_proxies;
    /// Worker threads for blocking work (bcrypt, database); 0 means "derive from the core count".
    int worker_threads = 0;
    /// Jobs that may wait for a worker before the server answers 503.
    int worker_queue_limit = 1024;
    /// Open connections beyond this are answered 503 and closed.
    int max_connections = 10000;
    /// In-flight requests are given this long to finish after SIGTERM.
    int shutdown_grace_seconds = 10;
};

/// Names and values as read from the environment and the .env file.
using Variables = std::map<std::string, std::string>;

/// Parses the text of a .env file: `KEY=value`, `export KEY=value`, `#` comments, blank lines,
/// single-quoted (literal) and double-quoted (with \n, \", \\ escapes) values.
/// Returns the problems found (one line each, with the line number); an empty list means success.
std::vector<std::string> ParseDotEnv(const std::string& text, Variables& out);

/// Parses DATABASE_URL. Accepts sqlite:///path, sqlite:///:memory:, postgresql://, postgres://,
/// postgresql+psycopg2:// (percent-decoding user, password and database).
/// Returns nullopt and sets `problem` when the URL is unsupported or malformed.
std::optional<DatabaseUrl> ParseDatabaseUrl(const std::string& text, std::string& problem);

/// Builds a Config from variables (the environment merged over the .env file by the caller).
/// Pure: no I/O. Returns the problems (one clear line each); empty means valid, including the
/// production refusals of the contract.
std::vector<std::string> LoadConfig(const Variables& variables, Config& out);

/// Reads the process environment and, if present, the .env file at `env_file` (environment wins),
/// then LoadConfig. `env_file_required` makes a missing file a problem (for --env-file).
std::vector<std::string> LoadConfigFromProcess(
    const std::string& env_file, bool env_file_required, Config& out
);

/// The effective configuration as `KEY=value` lines with secrets masked, for the start-up log.
std::vector<std::string> DescribeConfig(const Config& config);

}  // namespace clockko::config
