#include "http/docs/docs_assets.hpp"
#include "http/handlers/handlers.hpp"
#include "http/responses.hpp"

namespace clockko::http {

HttpResponse HandleDocs(const HttpRequest& request, HandlerContext& /*context*/) {
    const docs::Asset* asset = docs::FindAsset(request.path);
    if (asset == nullptr) {
        return ProblemResponse(404, "not_found", "Not Found");
    }
    HttpResponse response;
    response.content_type = asset->content_type;
    response.body = asset->body;
    if (!asset->cache_control.empty()) {
        response.headers.Set("Cache-Control", std::string(asset->cache_control));
    }
    if (!asset->content_security_policy.empty()) {
        response.headers.Set(
            "Content-Security-Policy", std::string(asset->content_security_policy)
        );
    }
    return response;
}

}  // namespace clockko::http
