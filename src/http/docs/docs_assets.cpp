#include "http/docs/docs_assets.hpp"

#include "http/docs/embedded_assets.hpp"

namespace clockko::http::docs {

const Asset* FindAsset(std::string_view path) {
    // About ten entries: a linear scan beats building any index.
    for (const detail::EmbeddedAsset& entry : detail::EmbeddedAssets()) {
        if (entry.path == path) {
            return &entry.asset;
        }
    }
    return nullptr;
}

}  // namespace clockko::http::docs
