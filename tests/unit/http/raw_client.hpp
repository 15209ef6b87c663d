#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace clockko::http::testing {

/// A blocking TCP client on 127.0.0.1 that speaks HTTP/1.1 by hand, so that the session tests
/// can send malformed, partial and oversized requests. Reads time out after `kReadTimeout`.
class RawClient final {
public:
    struct Response {
        int status = 0;
        std::map<std::string, std::string> headers;  ///< lower-case names
        std::string body;

        [[nodiscard]] std::string Header(const std::string& lower_name) const {
            const auto found = headers.find(lower_name);
            return found == headers.end() ? "<absent>" : found->second;
        }
    };

    /// Connects; throws std::runtime_error when the connection is refused.
    explicit RawClient(unsigned short port);
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;
    RawClient(RawClient&&) = delete;
    RawClient& operator=(RawClient&&) = delete;

    /// Sends every byte (false when the peer is gone).
    bool Send(std::string_view bytes) const;
    /// Reads one response (Content-Length framing; `head`: no body follows). nullopt when the
    /// connection closed or the read timed out before a whole response arrived.
    std::optional<Response> Read(bool head = false);
    /// True when the server closes the connection (EOF or reset) within `wait`, discarding data.
    bool ClosedWithin(std::chrono::milliseconds wait);

    /// Whether a new connection to `port` is accepted now.
    static bool CanConnect(unsigned short port);

private:
    bool Fill();

    int fd_ = -1;
    std::string pending_;
};

}  // namespace clockko::http::testing
