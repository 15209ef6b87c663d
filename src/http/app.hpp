#pragma once

#include "auth/auth_service.hpp"
#include "config/config.hpp"
#include "core/random.hpp"
#include "http/client_address.hpp"
#include "http/handlers/handlers.hpp"
#include "http/middleware.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

namespace clockko::http {

/// Largest request body accepted (the server enforces it while reading; App checks it again).
inline constexpr std::size_t kMaxBodyBytes = std::size_t{64} * 1024;

/// Failures the server detects before a request reaches App::Handle.
enum class Rejection {
    kBadRequest,          ///< 400: malformed request line, headers or framing
    kHeadersTooLarge,     ///< 431: request line and headers over the limit
    kBodyTooLarge,        ///< 413: body over kMaxBodyBytes
    kOverloaded,          ///< 503 + Retry-After: the worker queue is full
    kTooManyConnections,  ///< 503 + Retry-After: the connection cap is reached
};

/// The whole request policy of the service as one synchronous function (Beast's
/// handle_request): routing, 404/405/413/415, CORS, X-Request-ID, nosniff, error bodies,
/// exceptions to 500/503. The server only moves bytes.
///
/// Use: `Prepare(request)` (cheap, on the I/O thread) says whether `Handle` blocks; then run
/// `Handle` inline or on a worker. A HEAD request is handled as GET: the server drops the body.
/// @par Thread safety: every member function may be called concurrently (the AuthService, the
/// probe and the Random must be thread-safe, as their interfaces require).
class App final {
public:
    /// Throws std::invalid_argument for an invalid TRUSTED_PROXIES entry. Keeps references to
    /// `auth` and `random`, which must outlive the App; copies what it needs of `config`.
    App(const config::Config& config,
        auth::AuthService& auth,
        ReadinessProbe readiness,
        core::Random& random);

    /// Sets `request_id` (X-Request-ID rule), `path`/`query` (from `target`) and
    /// `client_address` (TRUSTED_PROXIES rule). Returns where Handle must run: kInline (on the
    /// I/O thread), kWorker (it blocks on the database) or kHashing (it computes bcrypt); never
    /// kPointRead, which is resolved for the configured database.
    Execution Prepare(HttpRequest& request) const;

    /// The response to a prepared request, with every middleware header. Never throws:
    /// core::StoreUnavailable becomes 503, any other exception 500 (logged with the request id).
    HttpResponse Handle(const HttpRequest& request);

    /// The response to a request refused by the server, with the middleware headers. `request`
    /// may be partial (no headers when the request line was malformed). Sets close_connection
    /// except for kOverloaded.
    [[nodiscard]] HttpResponse Reject(const HttpRequest& request, Rejection why) const;

    [[nodiscard]] const Router& GetRouter() const { return router_; }

private:
    HttpResponse Dispatch(const HttpRequest& request);
    void Finish(const HttpRequest& request, HttpResponse& response) const;

    Router router_;
    HandlerContext context_;
    CorsPolicy cors_;
    TrustedProxies trusted_proxies_;
    core::Random& random_;
    bool point_reads_inline_;  ///< Execution::kPointRead routes run inline (SQLite)
};

/// The service's route table: every endpoint of the contract and the docs routes.
std::vector<Route> ServiceRoutes();

}  // namespace clockko::http
