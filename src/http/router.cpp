#include "http/router.hpp"

#include <algorithm>

namespace clockko::http {
namespace {

bool PathMatches(const Route& route, std::string_view path) {
    if (!route.prefix) {
        return path == route.path;
    }
    return path.size() > route.path.size() && path.substr(0, route.path.size()) == route.path;
}

void AppendMethod(std::vector<std::string_view>& methods, std::string_view method) {
    if (std::find(methods.begin(), methods.end(), method) == methods.end()) {
        methods.push_back(method);
    }
}

}  // namespace

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
    Match match;
    std::vector<std::string_view> methods;
    const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
    for (const Route& route : routes_) {
        if (!PathMatches(route, path)) {
            continue;
        }
        match.path_known = true;
        AppendMethod(methods, route.method);
        if (route.method == "GET") {
            AppendMethod(methods, "HEAD");
        }
        if (route.method == wanted && match.route == nullptr) {
            match.route = &route;
        }
    }
    if (!match.path_known) {
        return match;
    }
    AppendMethod(methods, "OPTIONS");
    for (const std::string_view name : methods) {
        if (!match.allow.empty()) {
            match.allow.append(", ");
        }
        match.allow.append(name);
    }
    return match;
}

}  // namespace clockko::http
