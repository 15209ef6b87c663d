#include "config/config.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX name

namespace clockko::config {
namespace {

struct IntSetting {
    const char* name;
    int Config::*field;
    int min;
    int max;
};

constexpr int kMaxInt = 1'000'000'000;

// Every numeric variable with its accepted range; 0 where the contract lets it turn a feature off.
const IntSetting kIntSettings[] = {
    {"ACCESS_TOKEN_EXPIRE_MINUTES", &Config::access_token_expire_minutes, 1, 525600},
    {"OTP_EXPIRE_MINUTES", &Config::otp_expire_minutes, 1, 1440},
    {"BCRYPT_ROUNDS", &Config::bcrypt_rounds, 4, 31},
    {"SMTP_PORT", &Config::smtp_port, 1, 65535},
    {"PORT", &Config::port, 0, 65535},
    {"METRICS_PORT", &Config::metrics_port, 0, 65535},
    {"REFRESH_TOKEN_EXPIRE_DAYS", &Config::refresh_token_expire_days, 1, 3650},
    {"REFRESH_REUSE_GRACE_SECONDS", &Config::refresh_reuse_grace_seconds, 0, 3600},
    {"SHUTDOWN_DELAY_SECONDS", &Config::shutdown_delay_seconds, 0, 3600},
    {"DB_CONNECT_TIMEOUT_SECONDS", &Config::db_connect_timeout_seconds, 0, 3600},
    {"PASSWORD_MIN_LENGTH", &Config::password_min_length, 1, 72},
    {"LOGIN_MAX_FAILURES", &Config::login_max_failures, 1, kMaxInt},
    {"LOGIN_MAX_FAILURES_ACCOUNT", &Config::login_max_failures_account, 1, kMaxInt},
    {"LOGIN_MAX_FAILURES_ADDRESS", &Config::login_max_failures_address, 1, kMaxInt},
    {"THROTTLE_WINDOW_MINUTES", &Config::throttle_window_minutes, 1, 1440},
    {"CODE_RESEND_SECONDS", &Config::code_resend_seconds, 0, 86400},
    {"CODE_MAX_PER_HOUR", &Config::code_max_per_hour, 1, kMaxInt},
    {"CODE_MAX_PER_HOUR_ADDRESS", &Config::code_max_per_hour_address, 1, kMaxInt},
    {"CODE_MAX_FAILURES_ACCOUNT", &Config::code_max_failures_account, 1, kMaxInt},
    {"CODE_MAX_FAILURES_ADDRESS", &Config::code_max_failures_address, 1, kMaxInt},
    {"WORKER_THREADS", &Config::worker_threads, 0, 256},
    {"WORKER_QUEUE_LIMIT", &Config::worker_queue_limit, 1, kMaxInt},
    {"SHUTDOWN_GRACE_SECONDS", &Config::shutdown_grace_seconds, 0, 3600},
    {"MAX_CONNECTIONS", &Config::max_connections, 1, 1'000'000},
};

const char* const kDevelopmentCorsOrigins = "http://localhost:3000,http://localhost:5173";
constexpr std::size_t kMinProductionSecretBytes = 32;

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return text;
}

std::vector<std::string> SplitList(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        const auto first = item.find_first_not_of(" \t");
        const auto last = item.find_last_not_of(" \t");
        if (first != std::string::npos) {
            items.push_back(item.substr(first, last - first + 1));
        }
    }
    return items;
}

const std::string* Find(const Variables& variables, const char* name) {
    const auto it = variables.find(name);
    return it == variables.end() ? nullptr : &it->second;
}

void LoadIntegers(const Variables& variables, Config& out, std::vector<std::string>& problems) {
    for (const IntSetting& setting : kIntSettings) {
        const std::string* text = Find(variables, setting.name);
        if (text == nullptr || text->empty()) {
            continue;
        }
        int value = 0;
        const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
        if (error != std::errc{} || end != text->data() + text->size() || value < setting.min ||
            value > setting.max) {
            problems.push_back(
                std::string(setting.name) + " must be a whole number from " +
                std::to_string(setting.min) + " to " + std::to_string(setting.max) + ", got '" +
                *text + "'"
            );
            continue;
        }
        out.*setting.field = value;
    }
}

void LoadStrings(const Variables& variables, Config& out) {
    const std::pair<const char*, std::string Config::*> strings[] = {
        {"DATABASE_URL", &Config::database_url_text},
        {"SECRET_KEY", &Config::secret_key},
        {"SECRET_KEY_PREVIOUS", &Config::secret_key_previous},
        {"SMTP_HOST", &Config::smtp_host},
        {"SMTP_USER", &Config::smtp_user},
        {"SMTP_PASSWORD", &Config::smtp_password},
        {"SMTP_FROM", &Config::smtp_from},
        {"SMTP_FROM_NAME", &Config::smtp_from_name},
        {"FRONTEND_URL", &Config::frontend_url},
        {"HOST", &Config::host},
    };
    for (const auto& [name, field] : strings) {
        if (const std::string* text = Find(variables, name); text != nullptr && !text->empty()) {
            out.*field = *text;
        }
    }
}

void LoadChoices(const Variables& variables, Config& out, std::vector<std::string>& problems) {
    if (const std::string* text = Find(variables, "APP_ENV"); text != nullptr && !text->empty()) {
        const std::string value = Lower(*text);
        if (value == "production" || value == "prod") {
            out.app_env = AppEnv::kProduction;
        } else if (value != "development" && value != "dev") {
            problems.push_back("APP_ENV must be development or production, got '" + *text + "'");
        }
    }
    // JSON logs by default in production (CloudWatch), text elsewhere.
    out.log_format =
        out.app_env == AppEnv::kProduction ? core::LogFormat::kJson : core::LogFormat::kText;
    if (const std::string* text = Find(variables, "LOG_FORMAT");
        text != nullptr && !text->empty()) {
        const std::string value = Lower(*text);
        if (value == "json") {
            out.log_format = core::LogFormat::kJson;
        } else if (value == "text") {
            out.log_format = core::LogFormat::kText;
        } else {
            problems.push_back("LOG_FORMAT must be text or json, got '" + *text + "'");
        }
    }
    if (const std::string* text = Find(variables, "LOG_LEVEL");
        text != nullptr && !text->empty() && !core::ParseLogLevel(*text, out.log_level)) {
        problems.push_back("LOG_LEVEL must be debug, info, warning or error, got '" + *text + "'");
    }
    if (const std::string* text = Find(variables, "ALGORITHM"); text != nullptr && !text->empty()) {
        out.algorithm = *text;
        if (out.algorithm != "HS256" && out.algorithm != "HS384" && out.algorithm != "HS512") {
            problems.push_back("ALGORITHM must be HS256, HS384 or HS512, got '" + *text + "'");
        }
    }
    if (const std::string* text = Find(variables, "SMTP_TLS"); text != nullptr && !text->empty()) {
        const std::string value = Lower(*text);
        if (value == "starttls") {
            out.smtp_tls = SmtpTls::kStartTls;
        } else if (value == "tls" || value == "ssl") {
            out.smtp_tls = SmtpTls::kImplicitTls;
        } else if (value == "off" || value == "none") {
            out.smtp_tls = SmtpTls::kOff;
        } else {
            problems.push_back("SMTP_TLS must be starttls, tls or off, got '" + *text + "'");
        }
    } else if (Find(variables, "SMTP_PORT") != nullptr && out.smtp_port == 465) {
        out.smtp_tls = SmtpTls::kImplicitTls;
    }
}

void CheckProduction(const Config& config, std::vector<std::string>& problems) {
    if (config.app_env != AppEnv::kProduction) {
        return;
    }
    if (config.secret_key.size() < kMinProductionSecretBytes) {
        problems.emplace_back("APP_ENV=production needs a SECRET_KEY of at least 32 bytes");
    }
    if (config.smtp_host.empty() || config.smtp_from.empty()) {
        problems.emplace_back("APP_ENV=production needs SMTP_HOST and SMTP_FROM");
    }
    if (!config.smtp_host.empty() && config.smtp_tls == SmtpTls::kOff) {
        problems.emplace_back("APP_ENV=production refuses SMTP_TLS=off: use starttls or tls");
    }
}

}  // namespace

std::vector<std::string> LoadConfig(const Variables& variables, Config& out) {
    std::vector<std::string> problems;
    LoadStrings(variables, out);
    LoadIntegers(variables, out, problems);
    LoadChoices(variables, out, problems);
    const std::string* cors = Find(variables, "CORS_ORIGINS");
    out.cors_origins = SplitList(cors != nullptr ? *cors : "");
    if (cors == nullptr && out.app_env == AppEnv::kDevelopment) {
        out.cors_origins = SplitList(kDevelopmentCorsOrigins);
    }
    if (const std::string* proxies = Find(variables, "TRUSTED_PROXIES"); proxies != nullptr) {
        out.trusted_proxies = SplitList(*proxies);
    }
    std::string problem;
    if (auto url = ParseDatabaseUrl(out.database_url_text, problem)) {
        out.database = std::move(*url);
    } else {
        problems.push_back(problem);
    }
    if (!out.smtp_from.empty() && out.smtp_from.find('@') == std::string::npos) {
        problems.push_back("SMTP_FROM must be an email address, got '" + out.smtp_from + "'");
    }
    CheckProduction(out, problems);
    return problems;
}

std::vector<std::string> LoadConfigFromProcess(
    const std::string& env_file, bool env_file_required, Config& out
) {
    Variables variables;
    std::vector<std::string> problems;
    std::ifstream file(env_file);
    if (file) {
        std::stringstream text;
        text << file.rdbuf();
        problems = ParseDotEnv(text.str(), variables);
    } else if (env_file_required) {
        problems.push_back("cannot read the env file '" + env_file + "'");
    }
    // The environment wins over the file.
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view pair(*entry);
        const std::size_t equals = pair.find('=');
        if (equals != std::string_view::npos) {
            variables[std::string(pair.substr(0, equals))] = std::string(pair.substr(equals + 1));
        }
    }
    auto load_problems = LoadConfig(variables, out);
    problems.insert(problems.end(), load_problems.begin(), load_problems.end());
    return problems;
}

std::vector<std::string> DescribeConfig(const Config& config) {
    const auto mask = [](const std::string& secret) {
        return secret.empty() ? std::string("(unset)") : std::string("(set, masked)");
    };
    std::string database = config.database_url_text;
    if (config.database.kind == DatabaseKind::kPostgres) {
        database = "postgresql://" + config.database.user + ":" + mask(config.database.password) +
                   "@" + config.database.host + ":" + std::to_string(config.database.port) + "/" +
                   config.database.database;
    }
    std::string cors;
    for (const auto& origin : config.cors_origins) {
        cors += (cors.empty() ? "" : ",") + origin;
    }
    return {
        "APP_ENV=" +
            std::string(config.app_env == AppEnv::kProduction ? "production" : "development"),
        "DATABASE_URL=" + database,
        "SECRET_KEY=" + mask(config.secret_key),
        "SECRET_KEY_PREVIOUS=" + mask(config.secret_key_previous),
        "ALGORITHM=" + config.algorithm,
        "ACCESS_TOKEN_EXPIRE_MINUTES=" + std::to_string(config.access_token_expire_minutes),
        "OTP_EXPIRE_MINUTES=" + std::to_string(config.otp_expire_minutes),
        "BCRYPT_ROUNDS=" + std::to_string(config.bcrypt_rounds),
        "SMTP_HOST=" + (config.smtp_host.empty() ? std::string("(unset: mail goes to the log)")
                                                 : config.smtp_host),
        "SMTP_PORT=" + std::to_string(config.smtp_port),
        "SMTP_USER=" + config.smtp_user,
        "SMTP_PASSWORD=" + mask(config.smtp_password),
        "SMTP_FROM=" + config.smtp_from,
        "FRONTEND_URL=" + config.frontend_url,
        "CORS_ORIGINS=" + cors,
        "HOST=" + config.host,
        "PORT=" + std::to_string(config.port),
        "METRICS_PORT=" + std::to_string(config.metrics_port),
    };
}

}  // namespace clockko::config
