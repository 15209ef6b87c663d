#pragma once

#include "http/request.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace clockko::http {

struct HandlerContext;

/// Turns a request into a response. Handlers decode, call one use case and encode; they may
/// throw only the adapters' exceptions (App answers those).
using Handler = HttpResponse (*)(const HttpRequest&, HandlerContext&);

/// What a route reads from the body; App answers 415 for any other content type.
enum class BodyKind {
    kNone,
    kJson,
    kJsonOrForm,  ///< JSON or application/x-www-form-urlencoded (the OAuth2 password form)
};

/// Where a route runs: inline on the I/O thread (it touches nothing that blocks) or on a
/// worker (use cases: database). Issue 7 added two:
/// - kHashing: the use case computes bcrypt (register, login, reset): it runs on the hash pool
///   (one thread per core, at a lower CPU priority), so that password work never occupies the
///   workers nor takes the CPU from token checks;
/// - kPointRead: one indexed read and no bcrypt (GET /api/auth/user): inline when the store's
///   reads do not wait on the network (SQLite in WAL mode: readers never wait for writers), on
///   a worker otherwise (App::Prepare decides).
enum class Execution { kInline, kWorker, kHashing, kPointRead };

struct Route {
    std::string_view method;  ///< "GET", "POST", …; a GET route also answers HEAD
    std::string_view path;    ///< exact path, or a prefix (ending in '/') when `prefix`
    bool prefix = false;
    Execution execution = Execution::kInline;
    BodyKind body = BodyKind::kNone;
    Handler handler = nullptr;
};

/// Finds the route of a request. Routes are few, so a linear scan is plenty.
/// @par Thread safety: immutable after construction.
class Router final {
public:
    explicit Router(std::vector<Route> routes);

    struct Match {
        const Route* route = nullptr;  ///< the route for this path and method, if any
        bool path_known = false;       ///< false: 404
        std::string allow;  ///< the path's methods for `Allow`, e.g. "GET, HEAD, OPTIONS"
    };

    /// The route for `method` and `path`. HEAD matches GET routes; OPTIONS matches none (App
    /// answers it for every known path).
    [[nodiscard]] Match Find(std::string_view method, std::string_view path) const;

    [[nodiscard]] const std::vector<Route>& Routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace clockko::http
