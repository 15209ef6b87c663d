#include "http/router.hpp"

#include "http/request.hpp"

#include <gtest/gtest.h>

namespace clockko::http {
namespace {

HttpResponse Nothing(const HttpRequest& /*request*/, HandlerContext& /*context*/) {
    return {};
}

Router MakeRouter() {
    return Router({
        {"GET", "/a", false, Execution::kInline, BodyKind::kNone, Nothing},
        {"POST", "/a", false, Execution::kWorker, BodyKind::kJson, Nothing},
        {"GET", "/files/", true, Execution::kInline, BodyKind::kNone, Nothing},
    });
}

TEST(Router, FindsByMethodAndPath) {
    const Router router = MakeRouter();
    EXPECT_EQ(router.Find("GET", "/a").route, router.Routes().data());
    EXPECT_EQ(router.Find("POST", "/a").route, &router.Routes()[1]);
    EXPECT_EQ(router.Find("HEAD", "/a").route, router.Routes().data());
}

TEST(Router, KnownPathWithOtherMethodListsAllow) {
    const Router::Match match = MakeRouter().Find("DELETE", "/a");
    EXPECT_TRUE(match.path_known);
    EXPECT_EQ(match.route, nullptr);
    EXPECT_EQ(match.allow, "GET, HEAD, POST, OPTIONS");
}

TEST(Router, PrefixNeedsSomethingAfterIt) {
    const Router router = MakeRouter();
    EXPECT_TRUE(router.Find("GET", "/files/x.js").path_known);
    EXPECT_FALSE(router.Find("GET", "/files/").path_known);
    EXPECT_FALSE(router.Find("GET", "/files").path_known);
    EXPECT_FALSE(router.Find("GET", "/filesx").path_known);
}

TEST(Router, UnknownPath) {
    const Router::Match match = MakeRouter().Find("GET", "/b");
    EXPECT_FALSE(match.path_known);
    EXPECT_TRUE(match.allow.empty());
}

TEST(SplitTarget, SeparatesPathAndQuery) {
    std::string path;
    std::string query;
    SplitTarget("/x/y?a=1&b=2", path, query);
    EXPECT_EQ(path, "/x/y");
    EXPECT_EQ(query, "a=1&b=2");
    SplitTarget("HTTP://Host:8000/health?q", path, query);
    EXPECT_EQ(path, "/health");
    EXPECT_EQ(query, "q");
    SplitTarget("http://host", path, query);
    EXPECT_EQ(path, "/");
    SplitTarget("*", path, query);
    EXPECT_EQ(path, "*");
}

}  // namespace
}  // namespace clockko::http
