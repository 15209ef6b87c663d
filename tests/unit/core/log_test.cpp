#include "core/log.hpp"

#include <gtest/gtest.h>

namespace clockko::core {
namespace {

TEST(AppendJsonEscaped, EscapesQuotesBackslashesAndControlCharacters) {
    std::string out;
    AppendJsonEscaped(out, "a\"b\\c\nd\x01");
    EXPECT_EQ(out, "a\\\"b\\\\c\\nd\\u0001");
}

TEST(ParseLogLevel, AcceptsKnownNamesInAnyCase) {
    LogLevel level = LogLevel::kInfo;
    EXPECT_TRUE(ParseLogLevel("DEBUG", level));
    EXPECT_EQ(level, LogLevel::kDebug);
    EXPECT_TRUE(ParseLogLevel("warn", level));
    EXPECT_EQ(level, LogLevel::kWarning);
    EXPECT_FALSE(ParseLogLevel("loud", level));
}

}  // namespace
}  // namespace clockko::core
