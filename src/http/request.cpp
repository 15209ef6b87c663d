#include "http/request.hpp"

#include <string_view>

namespace clockko::http {

void SplitTarget(const std::string& target, std::string& path, std::string& query) {
    std::string_view rest(target);
    // RFC 9112 §3.2.2: a server must accept the absolute form, which proxies send.
    for (const std::string_view scheme : {"http://", "https://"}) {
        if (rest.size() >= scheme.size() &&
            EqualsIgnoreCase(rest.substr(0, scheme.size()), scheme)) {
            rest.remove_prefix(scheme.size());
            const auto slash = rest.find_first_of("/?");
            rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
            break;
        }
    }
    const auto question = rest.find('?');
    path = rest.substr(0, question);
    query =
        question == std::string_view::npos ? std::string{} : std::string(rest.substr(question + 1));
    if (path.empty()) {
        // Not `path = "/"`: GCC 12 at -O3 (Release) reports a false -Wrestrict on it.
        path.push_back('/');
    }
}

}  // namespace clockko::http
