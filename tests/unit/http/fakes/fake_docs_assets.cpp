// Linked only while the docs helper's clockko_http_docs library is not in the tree: a stand-in
// for docs::FindAsset with one page and the OpenAPI document.
#include "http/docs/docs_assets.hpp"

namespace clockko::http::docs {

const Asset* FindAsset(std::string_view path) {
    static const Asset open_api{
        .content_type = "application/json",
        .body = R"({"openapi":"3.1.0"})",
        .cache_control = "no-cache",
        .content_security_policy = {}};
    static const Asset page{
        .content_type = "text/html; charset=utf-8",
        .body = "<!doctype html><title>docs</title>",
        .cache_control = "no-cache",
        .content_security_policy = "default-src 'self'"};
    if (path == "/openapi.json") {
        return &open_api;
    }
    if (path == "/docs" || path == "/redoc") {
        return &page;
    }
    return nullptr;
}

}  // namespace clockko::http::docs
