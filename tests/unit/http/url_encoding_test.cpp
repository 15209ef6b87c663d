#include "http/url_encoding.hpp"

#include <gtest/gtest.h>

namespace clockko::http {
namespace {

TEST(FormComponent, PlusIsSpaceAndEscapesAreBytes) {
    EXPECT_EQ(DecodeFormComponent("a+b%20c%2Bd"), "a b c+d");
    EXPECT_EQ(DecodeFormComponent("%C3%A9%c3%a9"), "\xC3\xA9\xC3\xA9");
    EXPECT_EQ(DecodeFormComponent("%00"), std::string(1, '\0'));
}

TEST(FormComponent, MalformedEscapesStayLiteral) {
    EXPECT_EQ(DecodeFormComponent("100%"), "100%");
    EXPECT_EQ(DecodeFormComponent("%4"), "%4");
    EXPECT_EQ(DecodeFormComponent("%zz%4g"), "%zz%4g");
    EXPECT_EQ(DecodeFormComponent("%%41"), "%A");
}

TEST(Form, SplitsPairsInOrder) {
    const auto pairs = ParseForm("a=1&&b=&c&d=x=y&e%3D=%26");
    const std::vector<std::pair<std::string, std::string>> expected{
        {"a", "1"}, {"b", ""}, {"c", ""}, {"d", "x=y"}, {"e=", "&"}};
    EXPECT_EQ(pairs, expected);
}

TEST(Form, EmptyBodyHasNoPairs) {
    EXPECT_TRUE(ParseForm("").empty());
}

}  // namespace
}  // namespace clockko::http
