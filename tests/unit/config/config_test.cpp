#include "config/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace clockko::config {
namespace {

std::vector<std::string> Load(const Variables& vars, Config& config) {
    return LoadConfig(vars, config);
}

bool Mentions(const std::vector<std::string>& problems, const std::string& word) {
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) {
        return p.find(word) != std::string::npos;
    });
}

TEST(LoadConfig, UsesTheContractDefaults) {
    Config config;
    EXPECT_TRUE(Load({}, config).empty());
    EXPECT_EQ(config.port, 8000);
    EXPECT_EQ(config.host, "0.0.0.0");
    EXPECT_EQ(config.algorithm, "HS256");
    EXPECT_EQ(config.access_token_expire_minutes, 30);
    EXPECT_EQ(config.otp_expire_minutes, 10);
    EXPECT_EQ(config.bcrypt_rounds, 12);
    EXPECT_EQ(config.database.kind, DatabaseKind::kSqlite);
    EXPECT_EQ(config.database.sqlite_path, "./clockko.db");
    EXPECT_EQ(config.db_connect_timeout_seconds, 30);
    EXPECT_EQ(config.password_min_length, 8);
    EXPECT_EQ(config.log_format, core::LogFormat::kText);
    const std::vector<std::string> dev_origins{"http://localhost:3000", "http://localhost:5173"};
    EXPECT_EQ(config.cors_origins, dev_origins);
}

TEST(LoadConfig, ReadsEveryKindOfValue) {
    Config config;
    const auto problems = Load(
        {{"PORT", "9001"},
         {"ALGORITHM", "HS512"},
         {"CORS_ORIGINS", "https://app.clockko.io, https://admin.clockko.io"},
         {"LOG_FORMAT", "json"},
         {"LOG_LEVEL", "warning"},
         {"SMTP_TLS", "tls"},
         {"CODE_RESEND_SECONDS", "0"},
         {"DATABASE_URL", "postgres://u:p@h/d"}},
        config
    );
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(config.port, 9001);
    EXPECT_EQ(config.algorithm, "HS512");
    EXPECT_EQ(config.cors_origins.size(), 2U);
    EXPECT_EQ(config.cors_origins[1], "https://admin.clockko.io");
    EXPECT_EQ(config.log_format, core::LogFormat::kJson);
    EXPECT_EQ(config.log_level, core::LogLevel::kWarning);
    EXPECT_EQ(config.smtp_tls, SmtpTls::kImplicitTls);
    EXPECT_EQ(config.code_resend_seconds, 0);
    EXPECT_EQ(config.database.kind, DatabaseKind::kPostgres);
}

TEST(LoadConfig, NamesEachInvalidValue) {
    Config config;
    const auto problems = Load(
        {{"PORT", "abc"},
         {"ALGORITHM", "RS256"},
         {"DATABASE_URL", "mysql://x"},
         {"BCRYPT_ROUNDS", "3"},
         {"APP_ENV", "staging"},
         {"LOG_FORMAT", "xml"}},
        config
    );
    EXPECT_EQ(problems.size(), 6U);
    EXPECT_TRUE(Mentions(problems, "PORT"));
    EXPECT_TRUE(Mentions(problems, "ALGORITHM"));
    EXPECT_TRUE(Mentions(problems, "DATABASE_URL"));
    EXPECT_TRUE(Mentions(problems, "BCRYPT_ROUNDS"));
    EXPECT_TRUE(Mentions(problems, "APP_ENV"));
    EXPECT_TRUE(Mentions(problems, "LOG_FORMAT"));
}

TEST(LoadConfig, ProductionRefusesAShortSecretAndMissingMail) {
    Config config;
    const auto problems = Load({{"APP_ENV", "production"}, {"SECRET_KEY", "short"}}, config);
    EXPECT_TRUE(Mentions(problems, "SECRET_KEY"));
    EXPECT_TRUE(Mentions(problems, "SMTP_HOST"));
}

TEST(LoadConfig, ProductionStartsWithSecretAndMailAndLogsJson) {
    Config config;
    const auto problems = Load(
        {{"APP_ENV", "production"},
         {"SECRET_KEY", std::string(32, 'k')},
         {"SMTP_HOST", "email-smtp.eu-west-1.amazonaws.com"},
         {"SMTP_FROM", "no-reply@clockko.io"}},
        config
    );
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(config.log_format, core::LogFormat::kJson);
    EXPECT_TRUE(config.cors_origins.empty());
}

TEST(LoadConfig, ProductionRefusesPlainSmtp) {
    Config config;
    const auto problems = Load(
        {{"APP_ENV", "production"},
         {"SECRET_KEY", std::string(40, 'k')},
         {"SMTP_HOST", "smtp.example"},
         {"SMTP_FROM", "a@b.co"},
         {"SMTP_TLS", "off"}},
        config
    );
    EXPECT_TRUE(Mentions(problems, "SMTP_TLS"));
}

TEST(DescribeConfig, MasksSecrets) {
    Config config;
    ASSERT_TRUE(Load(
                    {{"SECRET_KEY", "super-secret-value"},
                     {"SMTP_PASSWORD", "smtp-secret"},
                     {"DATABASE_URL", "postgresql://u:db-secret@h/d"}},
                    config
    )
                    .empty());
    for (const std::string& line : DescribeConfig(config)) {
        EXPECT_EQ(line.find("secret-value"), std::string::npos) << line;
        EXPECT_EQ(line.find("smtp-secret"), std::string::npos) << line;
        EXPECT_EQ(line.find("db-secret"), std::string::npos) << line;
    }
}

}  // namespace
}  // namespace clockko::config

namespace clockko::config {
namespace {

TEST(LoadConfig, ReadsTheCodeThrottleVariablesAndRefusesZero) {
    Config defaults;
    ASSERT_TRUE(LoadConfig({}, defaults).empty());
    EXPECT_EQ(defaults.code_max_per_hour_address, 20);
    EXPECT_EQ(defaults.code_max_failures_account, 20);
    EXPECT_EQ(defaults.code_max_failures_address, 50);
    Config config;
    EXPECT_TRUE(LoadConfig(
                    {{"CODE_MAX_PER_HOUR_ADDRESS", "7"},
                     {"CODE_MAX_FAILURES_ACCOUNT", "8"},
                     {"CODE_MAX_FAILURES_ADDRESS", "9"}},
                    config
    )
                    .empty());
    EXPECT_EQ(config.code_max_per_hour_address, 7);
    EXPECT_EQ(config.code_max_failures_account, 8);
    EXPECT_EQ(config.code_max_failures_address, 9);
    Config refused;
    EXPECT_EQ(LoadConfig({{"CODE_MAX_FAILURES_ADDRESS", "0"}}, refused).size(), 1U);
}

}  // namespace
}  // namespace clockko::config
