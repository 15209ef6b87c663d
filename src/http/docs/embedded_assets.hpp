#pragma once

#include "http/docs/docs_assets.hpp"

#include <span>
#include <string_view>

namespace clockko::http::docs::detail {

/// One embedded file and the path it is served at.
struct EmbeddedAsset {
    std::string_view path;
    Asset asset;
};

/// Every embedded file (generated at configure time by src/http/docs/CMakeLists.txt).
/// @par Thread safety: safe from any thread (immutable after the first call).
std::span<const EmbeddedAsset> EmbeddedAssets();

}  // namespace clockko::http::docs::detail
