#include "http/docs/docs_assets.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace clockko::http::docs {
namespace {

using Operation = std::pair<std::string, std::string>;  // method (lower case), path

// The operations of ../shared/API-CONTRACT.md that the server has today (issues 2 and 3) and
// the documentation routes. Issue 4 adds refresh, logout and logout-all: add them here and to
// openapi.json together.
std::set<Operation> ContractOperations() {
    return {
        {"post", "/api/auth/register"},
        {"post", "/api/auth/login"},
        {"get", "/api/auth/user"},
        {"post", "/api/auth/send-verification-email"},
        {"post", "/api/auth/verify-email"},
        {"post", "/api/auth/forgot-password"},
        {"post", "/api/auth/reset-password"},
        {"post", "/api/auth/refresh"},
        {"post", "/api/auth/logout"},
        {"post", "/api/auth/logout-all"},
        {"get", "/"},
        {"get", "/health"},
        {"get", "/health/ready"},
        {"get", "/openapi.json"},
        {"get", "/docs"},
        {"get", "/redoc"},
    };
}

const Asset& Get(std::string_view path) {
    const Asset* asset = FindAsset(path);
    if (asset == nullptr) {
        throw std::runtime_error("no asset at " + std::string(path));
    }
    return *asset;
}

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

boost::json::object OpenApi() {
    return boost::json::parse(Get("/openapi.json").body).as_object();
}

// Every src="..." and href="..." of a page.
std::vector<std::string> LinkedUrls(std::string_view html) {
    static const std::regex attribute_pattern(R"re((?:src|href)="([^"]*)")re");
    std::vector<std::string> urls;
    const std::string text(html);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), attribute_pattern);
         it != std::sregex_iterator();
         ++it) {
        urls.push_back((*it)[1].str());
    }
    return urls;
}

std::string Sha256Hex(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("EVP_Digest failed");
    }
    std::ostringstream hex;
    for (unsigned int i = 0; i < length; ++i) {
        constexpr std::string_view kDigits = "0123456789abcdef";
        hex << kDigits[digest[i] >> 4U] << kDigits[digest[i] & 0xFU];
    }
    return hex.str();
}

std::string ExpectedContentType(const std::string& url) {
    if (url.ends_with(".js")) {
        return "application/javascript; charset=utf-8";
    }
    if (url.ends_with(".css")) {
        return "text/css; charset=utf-8";
    }
    if (url.ends_with(".png")) {
        return "image/png";
    }
    return "?";
}

TEST(DocsAssets, OpenApiDocumentIsServedAsUncachedJson) {
    const Asset& asset = Get("/openapi.json");
    EXPECT_EQ(asset.content_type, "application/json");
    EXPECT_EQ(asset.cache_control, "no-cache");
    EXPECT_TRUE(asset.content_security_policy.empty());
    const boost::json::object document = OpenApi();
    EXPECT_TRUE(document.at("openapi").as_string().starts_with("3.1."));
    // The document describes this release: bump info.version with project(VERSION).
    EXPECT_EQ(document.at("info").at("version").as_string(), CLOCKKO_VERSION);
}

TEST(DocsAssets, OpenApiDocumentIsTheRepositoryFileByteForByte) {
    EXPECT_EQ(Get("/openapi.json").body, ReadFile(CLOCKKO_OPENAPI_SOURCE));
}

TEST(DocsAssets, OpenApiDocumentListsExactlyTheContractOperations) {
    const boost::json::object document = OpenApi();
    std::set<Operation> documented;
    for (const auto& [path, item] : document.at("paths").as_object()) {
        for (const auto& [method, operation] : item.as_object()) {
            documented.emplace(std::string(method), std::string(path));
            EXPECT_TRUE(operation.as_object().contains("operationId")) << method << " " << path;
            EXPECT_FALSE(operation.at("responses").as_object().empty()) << method << " " << path;
        }
    }
    EXPECT_EQ(documented, ContractOperations());
}

TEST(DocsAssets, OpenApiDocumentHasBearerAndAnOAuth2PasswordFlowOnTheLoginUrl) {
    const boost::json::object document = OpenApi();
    const auto& schemes = document.at("components").at("securitySchemes").as_object();
    EXPECT_EQ(schemes.at("HTTPBearer").at("scheme").as_string(), "bearer");
    EXPECT_EQ(
        schemes.at("OAuth2PasswordBearer").at("flows").at("password").at("tokenUrl").as_string(),
        "/api/auth/login"
    );
    const auto& login_body = document.at("paths")
                                 .at("/api/auth/login")
                                 .at("post")
                                 .at("requestBody")
                                 .at("content")
                                 .as_object();
    EXPECT_TRUE(login_body.contains("application/json"));
    EXPECT_TRUE(login_body.contains("application/x-www-form-urlencoded"));
}

TEST(DocsAssets, PagesAreUncachedHtmlWithAStrictPolicy) {
    for (const std::string_view path : {"/docs", "/redoc"}) {
        const Asset& page = Get(path);
        EXPECT_EQ(page.content_type, "text/html; charset=utf-8") << path;
        EXPECT_EQ(page.cache_control, "no-cache") << path;
        EXPECT_TRUE(page.body.starts_with("<!DOCTYPE html>")) << path;
        const std::string_view policy = page.content_security_policy;
        EXPECT_NE(policy.find("default-src 'none'"), std::string_view::npos) << path;
        EXPECT_NE(policy.find("script-src 'self';"), std::string_view::npos) << path;
        EXPECT_NE(policy.find("connect-src 'self';"), std::string_view::npos) << path;
        EXPECT_EQ(policy.find("unsafe-eval"), std::string_view::npos) << path;
        EXPECT_EQ(policy.find("http"), std::string_view::npos) << path;
    }
}

TEST(DocsAssets, PagesLoadOnlyFilesThisServerServes) {
    for (const std::string_view path : {"/docs", "/redoc"}) {
        const std::vector<std::string> urls = LinkedUrls(Get(path).body);
        EXPECT_GE(urls.size(), 3U) << path;
        for (const std::string& url : urls) {
            ASSERT_TRUE(url.starts_with("/") && !url.starts_with("//")) << path << ": " << url;
            if (url == "/openapi.json") {
                continue;
            }
            const Asset* asset = FindAsset(url);
            ASSERT_NE(asset, nullptr) << path << " links " << url;
            EXPECT_EQ(asset->content_type, ExpectedContentType(url)) << url;
            EXPECT_EQ(asset->cache_control, "public, max-age=31536000, immutable") << url;
            EXPECT_TRUE(asset->content_security_policy.empty()) << url;
            EXPECT_FALSE(asset->body.empty()) << url;
        }
    }
}

TEST(DocsAssets, AssetNamesCarryTheHashOfTheirContent) {
    static const std::regex hashed_name(R"re(/(?:docs|redoc)/[^/]+\.([0-9a-f]{12})\.[a-z]+)re");
    int checked = 0;
    for (const std::string_view page : {"/docs", "/redoc"}) {
        for (const std::string& url : LinkedUrls(Get(page).body)) {
            std::smatch match;
            if (url == "/openapi.json") {
                continue;
            }
            ASSERT_TRUE(std::regex_match(url, match, hashed_name)) << url;
            EXPECT_EQ(match[1].str(), Sha256Hex(Get(url).body).substr(0, 12)) << url;
            ++checked;
        }
    }
    EXPECT_GE(checked, 5);
}

TEST(DocsAssets, BundlesAreTheNpmPackagesFiles) {
    const std::string modules = CLOCKKO_NODE_MODULES;
    const std::vector<std::pair<std::string, std::string>> expected{
        {"/docs", modules + "/swagger-ui-dist/swagger-ui-bundle.js"},
        {"/docs", modules + "/swagger-ui-dist/swagger-ui.css"},
        {"/redoc", modules + "/redoc/bundles/redoc.standalone.js"},
    };
    for (const auto& [page, file] : expected) {
        const std::string content = ReadFile(file);
        bool found = false;
        for (const std::string& url : LinkedUrls(Get(page).body)) {
            if (const Asset* asset = FindAsset(url); asset != nullptr && asset->body == content) {
                found = true;
            }
        }
        EXPECT_TRUE(found) << page << " does not serve " << file;
    }
}

TEST(DocsAssets, InitialisersLoadTheLocalDocumentOnly) {
    for (const std::string_view page : {"/docs", "/redoc"}) {
        const std::vector<std::string> urls = LinkedUrls(Get(page).body);
        ASSERT_FALSE(urls.empty());
        // The last script of each page is ours: it starts the UI.
        const std::string_view script = Get(urls.back()).body;
        EXPECT_NE(script.find("'/openapi.json'"), std::string_view::npos) << page;
        EXPECT_EQ(script.find("http:"), std::string_view::npos) << page;
        EXPECT_EQ(script.find("https:"), std::string_view::npos) << page;
    }
    const std::string_view swagger = Get(LinkedUrls(Get("/docs").body).back()).body;
    EXPECT_NE(swagger.find("validatorUrl: null"), std::string_view::npos);
}

TEST(DocsAssets, UnknownPathsAreNotServed) {
    for (const std::string_view path :
         {"",
          "/",
          "/docs/",
          "/redoc/",
          "/DOCS",
          "/docs/swagger-ui-bundle.js",
          "/docs/../openapi.json",
          "/openapi.yaml",
          "/openapi.json/",
          "/docs?x=1"}) {
        EXPECT_EQ(FindAsset(path), nullptr) << path;
    }
}

}  // namespace
}  // namespace clockko::http::docs
