#include "config/config.hpp"

#include <gtest/gtest.h>

namespace clockko::config {
namespace {

DatabaseUrl ParseOk(const std::string& text) {
    std::string problem;
    auto url = ParseDatabaseUrl(text, problem);
    EXPECT_TRUE(url.has_value()) << problem;
    return url.value_or(DatabaseUrl{});
}

TEST(ParseDatabaseUrl, ReadsSqliteFileAndMemory) {
    EXPECT_EQ(ParseOk("sqlite:///./clockko.db").sqlite_path, "./clockko.db");
    EXPECT_EQ(ParseOk("sqlite:////var/lib/clockko.db").sqlite_path, "/var/lib/clockko.db");
    EXPECT_EQ(ParseOk("sqlite:///:memory:").sqlite_path, ":memory:");
    EXPECT_EQ(ParseOk("sqlite:///:memory:").kind, DatabaseKind::kSqlite);
}

TEST(ParseDatabaseUrl, DecodesPostgresPartsAndParameters) {
    const DatabaseUrl url =
        ParseOk("postgresql://clock%40ko:p%40ss%2Fw%3Ard@db.example:6543/clock%20db?sslmode=require"
        );
    EXPECT_EQ(url.kind, DatabaseKind::kPostgres);
    EXPECT_EQ(url.user, "clock@ko");
    EXPECT_EQ(url.password, "p@ss/w:rd");
    EXPECT_EQ(url.host, "db.example");
    EXPECT_EQ(url.port, 6543);
    EXPECT_EQ(url.database, "clock db");
    EXPECT_EQ(url.parameters.at("sslmode"), "require");
}

TEST(ParseDatabaseUrl, AcceptsTheOtherPostgresSchemes) {
    EXPECT_EQ(ParseOk("postgres://u:p@h/d").kind, DatabaseKind::kPostgres);
    const DatabaseUrl url = ParseOk("postgresql+psycopg2://u:p@h/d");
    EXPECT_EQ(url.port, 5432);
    EXPECT_EQ(url.database, "d");
}

TEST(ParseDatabaseUrl, ToleratesAnUnencodedAtInThePassword) {
    EXPECT_EQ(ParseOk("postgresql://u:p@ss@h:5432/d").password, "p@ss");
}

TEST(ParseDatabaseUrl, ReadsBracketedIpv6Hosts) {
    const DatabaseUrl url = ParseOk("postgresql://u@[::1]:5433/d");
    EXPECT_EQ(url.host, "::1");
    EXPECT_EQ(url.port, 5433);
}

TEST(ParseDatabaseUrl, RejectsUnsupportedAndMalformedUrls) {
    for (const char* text :
         {"mysql://u:p@h/d",
          "sqlite:///",
          "postgresql://u:p@h:99999/d",
          "postgresql://u:p@h/",
          "postgresql://u:p%zz@h/d",
          "postgresql://u:p@h:abc/d",
          "",
          "clockko.db"}) {
        std::string problem;
        EXPECT_FALSE(ParseDatabaseUrl(text, problem).has_value()) << text;
        EXPECT_FALSE(problem.empty()) << text;
    }
}

}  // namespace
}  // namespace clockko::config
