#pragma once

#include "http/headers.hpp"

#include <string>

namespace clockko::http {

/// One parsed HTTP request, independent of Boost.Beast so that the request policy (App, router,
/// handlers) compiles and is tested without Asio.
struct HttpRequest {
    std::string method;  ///< as sent, e.g. "GET" (methods are case-sensitive)
    std::string target;  ///< the request-target as sent: "/api/auth/user?x=1"
    std::string path;    ///< the path of `target`, without the query
    std::string query;   ///< after '?', raw; empty when none
    Headers headers;
    std::string body;
    std::string peer_address;    ///< the TCP peer's IP address
    std::string client_address;  ///< the peer, or the trusted proxies' client (App::Prepare)
    std::string request_id;      ///< chosen by App::Prepare (the X-Request-ID rule)
};

/// One response. The server adds Content-Length, Connection and the HTTP version.
struct HttpResponse {
    int status = 200;
    std::string content_type;  ///< empty: no Content-Type header (204, HEAD of nothing)
    std::string body;
    Headers headers;
    /// Ask the server to close the connection after this response (413, 400, …).
    bool close_connection = false;
    /// For the access log only, never sent: the authenticated user, when known.
    std::string log_user_id;
    /// For the error log only, never sent: an operator-facing note about a 5xx.
    std::string log_note;
};

/// Splits a request-target into path and query. An absolute-form target
/// ("http://host/path?q") is reduced to its path; an empty path becomes "/".
void SplitTarget(const std::string& target, std::string& path, std::string& query);

}  // namespace clockko::http
