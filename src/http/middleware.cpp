#include "http/middleware.hpp"

#include <algorithm>

namespace clockko::http {
namespace {

constexpr std::string_view kAllowedRequestHeaders =
    "Accept, Accept-Language, Authorization, Content-Language, Content-Type, X-Request-ID, "
    "X-Requested-With";
constexpr std::string_view kExposedHeaders = "X-Request-ID, Retry-After, WWW-Authenticate";
constexpr std::string_view kPreflightMaxAgeSeconds = "600";

bool IsRequestIdChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
}

}  // namespace

bool IsValidRequestId(std::string_view id) {
    return !id.empty() && id.size() <= kMaxRequestIdLength &&
           std::all_of(id.begin(), id.end(), IsRequestIdChar);
}

std::string ChooseRequestId(std::optional<std::string_view> incoming, core::Random& random) {
    if (incoming && IsValidRequestId(*incoming)) {
        return std::string(*incoming);
    }
    return core::RandomUuid(random);
}

CorsPolicy::CorsPolicy(const std::vector<std::string>& origins) {
    for (const std::string& origin : origins) {
        std::string_view trimmed = TrimOws(origin);
        while (!trimmed.empty() && trimmed.back() == '/') {
            trimmed.remove_suffix(1);
        }
        if (trimmed == "*") {
            any_origin_ = true;
        } else if (!trimmed.empty()) {
            origins_.emplace_back(trimmed);
        }
    }
}

bool CorsPolicy::Allows(std::string_view origin) const {
    return any_origin_ || std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void CorsPolicy::Decorate(const HttpRequest& request, HttpResponse& response) const {
    // The answer depends on Origin, so caches must key on it even when it is absent.
    response.headers.Set("Vary", "Origin");
    const auto origin = request.headers.Find("Origin");
    if (!origin || !Allows(*origin)) {
        return;
    }
    if (any_origin_) {
        response.headers.Set("Access-Control-Allow-Origin", "*");
    } else {
        response.headers.Set("Access-Control-Allow-Origin", std::string(*origin));
        response.headers.Set("Access-Control-Allow-Credentials", "true");
    }
    response.headers.Set("Access-Control-Expose-Headers", std::string(kExposedHeaders));
}

HttpResponse CorsPolicy::Options(const HttpRequest& request, std::string_view allow) {
    HttpResponse response;
    response.status = 204;
    response.headers.Set("Allow", std::string(allow));
    if (request.headers.Contains("Access-Control-Request-Method")) {
        response.headers.Set("Access-Control-Allow-Methods", std::string(allow));
        response.headers.Set("Access-Control-Allow-Headers", std::string(kAllowedRequestHeaders));
        response.headers.Set("Access-Control-Max-Age", std::string(kPreflightMaxAgeSeconds));
    }
    return response;
}

}  // namespace clockko::http
