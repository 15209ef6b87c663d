#include "core/time_format.hpp"

#include <gtest/gtest.h>

namespace clockko::core {
namespace {

TEST(TimeFormat, FormatsRfc3339InUtc) {
    EXPECT_EQ(FormatRfc3339(FromUnixSeconds(1796919689)), "2026-12-10T16:21:29Z");
}

TEST(TimeFormat, FormatsMailDates) {
    EXPECT_EQ(FormatRfc5322(FromUnixSeconds(0)), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(TimeFormat, ParsesDatabaseTimestampsWithFractions) {
    const auto parsed = ParseUtcTimestamp("2026-12-10 16:21:29.250000");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(ToUnixSeconds(*parsed), 1796919689);
    EXPECT_EQ(FormatRfc3339Millis(*parsed), "2026-12-10T16:21:29.250Z");
}

TEST(TimeFormat, ParsesIsoFormWithZoneAndRejectsOtherZones) {
    EXPECT_TRUE(ParseUtcTimestamp("2026-12-10T16:21:29Z").has_value());
    EXPECT_TRUE(ParseUtcTimestamp("2026-12-10 16:21:29+00").has_value());
    EXPECT_FALSE(ParseUtcTimestamp("2026-12-10 16:21:29+02").has_value());
    EXPECT_FALSE(ParseUtcTimestamp("yesterday").has_value());
}

}  // namespace
}  // namespace clockko::core
