#include "http/middleware.hpp"

#include "fakes/counting_random.hpp"

#include <gtest/gtest.h>

namespace clockko::http::testing {
namespace {

TEST(RequestId, AcceptsTheAllowedAlphabet) {
    EXPECT_TRUE(IsValidRequestId("a"));
    EXPECT_TRUE(IsValidRequestId("AZaz09._:-"));
    EXPECT_TRUE(IsValidRequestId(std::string(128, '9')));
}

TEST(RequestId, RejectsEmptyLongAndForeignCharacters) {
    EXPECT_FALSE(IsValidRequestId(""));
    EXPECT_FALSE(IsValidRequestId(std::string(129, '9')));
    for (const char c : std::string(" /\\\"'<>,;=\t\r\n\x7f\x80")) {
        EXPECT_FALSE(IsValidRequestId(std::string("ab") + c)) << static_cast<int>(c);
    }
    EXPECT_FALSE(IsValidRequestId("caf\xC3\xA9"));
}

TEST(RequestId, ChooseKeepsValidAndReplacesInvalid) {
    CountingRandom random;
    EXPECT_EQ(ChooseRequestId(std::string_view("req-1"), random), "req-1");
    const std::string fresh = ChooseRequestId(std::string_view("bad id"), random);
    EXPECT_EQ(fresh.size(), 36U);
    EXPECT_TRUE(IsValidRequestId(fresh));
    EXPECT_NE(ChooseRequestId(std::nullopt, random), fresh);
}

}  // namespace
}  // namespace clockko::http::testing
