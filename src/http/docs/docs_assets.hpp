#pragma once

#include <string_view>

namespace clockko::http::docs {

/// A file served by the documentation routes, compiled into the binary at build time.
struct Asset {
    std::string_view content_type;
    std::string_view body;
    /// Cache-Control value: `no-cache` for the OpenAPI document and pages, a year (immutable) for
    /// the assets, whose names carry a hash of their content.
    std::string_view cache_control;
    /// Content-Security-Policy value for the HTML pages (everything from this origin only, no
    /// inline script); empty for the other files.
    std::string_view content_security_policy = {};
};

/// The asset served at `path` ("/openapi.json", "/docs", "/redoc", "/docs/<file>",
/// "/redoc/<file>"), or nullptr when there is none. `path` excludes the query string.
/// @par Thread safety: safe from any thread (immutable data).
const Asset* FindAsset(std::string_view path);

}  // namespace clockko::http::docs
