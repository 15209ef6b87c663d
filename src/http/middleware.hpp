#pragma once

#include "core/random.hpp"
#include "http/request.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clockko::http {

inline constexpr std::size_t kMaxRequestIdLength = 128;

/// Whether a caller's X-Request-ID may be echoed: 1–128 characters of `A-Za-z0-9._:-`
/// (anything else could forge log lines or headers).
bool IsValidRequestId(std::string_view id);

/// The caller's id when valid, else a new random UUID.
std::string ChooseRequestId(std::optional<std::string_view> incoming, core::Random& random);

/// CORS for the browser clients listed in CORS_ORIGINS ("*" allows any origin, without
/// credentials). Origins are compared exactly, ignoring a trailing '/' in the configuration.
/// @par Thread safety: immutable after construction.
class CorsPolicy final {
public:
    explicit CorsPolicy(const std::vector<std::string>& origins);

    [[nodiscard]] bool Allows(std::string_view origin) const;

    /// Adds `Vary: Origin` to every response, and for a listed Origin
    /// Access-Control-Allow-Origin, -Allow-Credentials and -Expose-Headers.
    void Decorate(const HttpRequest& request, HttpResponse& response) const;

    /// The 204 answer to OPTIONS on a known path: `Allow` and, for a preflight,
    /// Access-Control-Allow-Methods/-Headers/-Max-Age (Decorate adds the origin part).
    [[nodiscard]] static HttpResponse Options(const HttpRequest& request, std::string_view allow);

private:
    std::vector<std::string> origins_;
    bool any_origin_ = false;
};

}  // namespace clockko::http
