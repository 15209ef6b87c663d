#include "auth/utf8.hpp"

#include <gtest/gtest.h>

namespace clockko::auth {
namespace {

TEST(DecodeUtf8, DecodesEveryLength) {
    const auto decoded = DecodeUtf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, (std::u32string{U'a', U'\u00E9', U'\u20AC', U'\U0001F600'}));
}

TEST(DecodeUtf8, RefusesMalformedSequences) {
    EXPECT_FALSE(DecodeUtf8("\x80"));              // lone continuation byte
    EXPECT_FALSE(DecodeUtf8("\xC3"));              // truncated
    EXPECT_FALSE(DecodeUtf8("\xE2\x82"));          // truncated
    EXPECT_FALSE(DecodeUtf8("\xC1\xBF"));          // overlong
    EXPECT_FALSE(DecodeUtf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(DecodeUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(DecodeUtf8("\xFF"));
}

TEST(TrimAscii, RemovesOnlyOuterAsciiWhitespace) {
    EXPECT_EQ(TrimAscii(" \t a b \r\n"), "a b");
    EXPECT_EQ(TrimAscii("   "), "");
    EXPECT_EQ(ToLowerAscii("AbC\xC3\x89"), "abc\xC3\x89");
}

}  // namespace
}  // namespace clockko::auth
