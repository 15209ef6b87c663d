#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace clockko::testing {

struct HttpResult {
    long status = 0;  ///< 0 when the connection failed
    /// Header names lower-cased; repeated headers keep their last value.
    std::map<std::string, std::string> headers;
    std::string body;

    [[nodiscard]] std::string Header(const std::string& lower_name) const {
        const auto it = headers.find(lower_name);
        return it == headers.end() ? std::string{} : it->second;
    }

    [[nodiscard]] bool HasHeader(const std::string& lower_name) const {
        return headers.contains(lower_name);
    }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// One blocking HTTP/1.1 request through libcurl (a fresh connection each time).
HttpResult Request(
    const std::string& method,
    const std::string& url,
    const HeaderList& headers = {},
    const std::string& body = {},
    long timeout_seconds = 30
);

inline HttpResult Get(const std::string& url, const HeaderList& headers = {}) {
    return Request("GET", url, headers);
}

/// POST with Content-Type: application/json.
inline HttpResult PostJson(
    const std::string& url, const std::string& json, HeaderList headers = {}
) {
    headers.emplace_back("Content-Type", "application/json");
    return Request("POST", url, headers, json);
}

}  // namespace clockko::testing
