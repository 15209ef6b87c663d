#include "config/config.hpp"

#include <gtest/gtest.h>

namespace clockko::config {
namespace {

TEST(ParseDotEnv, ReadsPlainExportedAndCommentedLines) {
    Variables vars;
    const auto problems = ParseDotEnv(
        "# a comment\n\nPORT=9000\nexport APP_ENV=development\nLOG_LEVEL=debug # trailing\n", vars
    );
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(vars["PORT"], "9000");
    EXPECT_EQ(vars["APP_ENV"], "development");
    EXPECT_EQ(vars["LOG_LEVEL"], "debug");
}

TEST(ParseDotEnv, KeepsSingleQuotedValuesLiterally) {
    Variables vars;
    EXPECT_TRUE(ParseDotEnv("SECRET_KEY='a$b\"c\\n #x'\n", vars).empty());
    EXPECT_EQ(vars["SECRET_KEY"], "a$b\"c\\n #x");
}

TEST(ParseDotEnv, UnescapesDoubleQuotedValues) {
    Variables vars;
    EXPECT_TRUE(ParseDotEnv(R"(SMTP_PASSWORD="q\"uo\\te\$x\nline2")", vars).empty());
    EXPECT_EQ(vars["SMTP_PASSWORD"], "q\"uo\\te$x\nline2");
}

TEST(ParseDotEnv, ReportsMalformedLinesWithTheirNumbers) {
    Variables vars;
    const auto problems = ParseDotEnv("GOOD=1\nnot a pair\nBAD=\"open\n", vars);
    ASSERT_EQ(problems.size(), 2U);
    EXPECT_NE(problems[0].find("line 2"), std::string::npos);
    EXPECT_NE(problems[1].find("line 3"), std::string::npos);
    EXPECT_EQ(vars["GOOD"], "1");
}

TEST(ParseDotEnv, HandlesWindowsLineEndings) {
    Variables vars;
    EXPECT_TRUE(ParseDotEnv("PORT=8001\r\nHOST=127.0.0.1\r\n", vars).empty());
    EXPECT_EQ(vars["PORT"], "8001");
    EXPECT_EQ(vars["HOST"], "127.0.0.1");
}

}  // namespace
}  // namespace clockko::config
