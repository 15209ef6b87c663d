#include "http/app.hpp"
#include "http/docs/docs_assets.hpp"
#include "http/router.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

namespace clockko::http {
namespace {

using Operation = std::pair<std::string, std::string>;  // method (lower case), path

std::string Lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return lower;
}

boost::json::object OpenApi() {
    const docs::Asset* asset = docs::FindAsset("/openapi.json");
    if (asset == nullptr) {
        throw std::runtime_error("no /openapi.json");
    }
    return boost::json::parse(asset->body).as_object();
}

// The route table is what the server answers; the document must say exactly the same.
TEST(DocsRouteTable, EveryRouteIsDocumentedAndEveryOperationIsRouted) {
    std::set<Operation> routed;
    for (const Route& route : ServiceRoutes()) {
        if (!route.prefix) {
            routed.emplace(Lower(route.method), std::string(route.path));
        }
    }
    const boost::json::object document = OpenApi();
    std::set<Operation> documented;
    for (const auto& [path, item] : document.at("paths").as_object()) {
        for (const auto& entry : item.as_object()) {
            documented.emplace(std::string(entry.key()), std::string(path));
        }
    }
    EXPECT_EQ(routed, documented);
}

// Prefix routes serve only the pages' static files, which the docs tests check one by one.
TEST(DocsRouteTable, PrefixRoutesAreTheDocsAssetFolders) {
    for (const Route& route : ServiceRoutes()) {
        if (route.prefix) {
            EXPECT_TRUE(route.path == "/docs/" || route.path == "/redoc/") << route.path;
            EXPECT_EQ(route.method, "GET") << route.path;
        }
    }
}

// A route's accepted body types are the document's request media types.
TEST(DocsRouteTable, RequestBodiesMatchTheRoutesMediaTypes) {
    const boost::json::object document = OpenApi();
    for (const Route& route : ServiceRoutes()) {
        if (route.prefix) {
            continue;
        }
        const auto& operation =
            document.at("paths").at(route.path).at(Lower(route.method)).as_object();
        std::set<std::string> media_types;
        if (const auto* body = operation.if_contains("requestBody"); body != nullptr) {
            EXPECT_TRUE(body->at("required").as_bool()) << route.path;
            for (const auto& entry : body->at("content").as_object()) {
                media_types.emplace(entry.key());
            }
        }
        std::set<std::string> expected;
        if (route.body != BodyKind::kNone) {
            expected.emplace("application/json");
        }
        if (route.body == BodyKind::kJsonOrForm) {
            expected.emplace("application/x-www-form-urlencoded");
        }
        EXPECT_EQ(media_types, expected) << route.method << " " << route.path;
        // Every route that decodes a body can refuse it: too large, wrong type, invalid.
        const auto& responses = operation.at("responses").as_object();
        for (const char* status : {"413", "415", "422"}) {
            EXPECT_EQ(responses.contains(status), route.body != BodyKind::kNone)
                << route.method << " " << route.path << " " << status;
        }
    }
}

}  // namespace
}  // namespace clockko::http
