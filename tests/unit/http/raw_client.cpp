#include "raw_client.hpp"

#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace clockko::http::testing {
namespace {

constexpr int kReadTimeoutMs = 5000;

int Connect(unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        throw std::runtime_error("socket() failed");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::string Lower(std::string text) {
    for (char& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

}  // namespace

RawClient::RawClient(unsigned short port) : fd_(Connect(port)) {
    if (fd_ < 0) {
        throw std::runtime_error("connection refused");
    }
}

RawClient::~RawClient() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool RawClient::CanConnect(unsigned short port) {
    const int fd = Connect(port);
    if (fd < 0) {
        return false;
    }
    ::close(fd);
    return true;
}

bool RawClient::Send(std::string_view bytes) const {
    while (!bytes.empty()) {
        const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

bool RawClient::Fill() {
    pollfd poller{.fd = fd_, .events = POLLIN, .revents = 0};
    if (::poll(&poller, 1, kReadTimeoutMs) <= 0) {
        return false;
    }
    std::array<char, 8192> chunk{};
    const ssize_t got = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (got <= 0) {
        return false;
    }
    pending_.append(chunk.data(), static_cast<std::size_t>(got));
    return true;
}

std::optional<RawClient::Response> RawClient::Read(bool head) {
    std::size_t end = 0;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
        if (!Fill()) {
            return std::nullopt;
        }
    }
    const std::string header = pending_.substr(0, end);
    pending_.erase(0, end + 4);
    Response response;
    std::size_t line_end = header.find("\r\n");
    const std::string status_line = header.substr(0, line_end);
    response.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
    while (line_end != std::string::npos) {
        const std::size_t start = line_end + 2;
        line_end = header.find("\r\n", start);
        const std::string line = header.substr(
            start, line_end == std::string::npos ? std::string::npos : line_end - start
        );
        const std::size_t colon = line.find(':');
        if (colon != std::string::npos) {
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            response.headers[Lower(line.substr(0, colon))] = value;
        }
    }
    const auto length = response.headers.find("content-length");
    const std::size_t body_size =
        (head || length == response.headers.end()) ? 0 : std::stoul(length->second);
    while (pending_.size() < body_size) {
        if (!Fill()) {
            return std::nullopt;
        }
    }
    response.body = pending_.substr(0, body_size);
    pending_.erase(0, body_size);
    return response;
}

bool RawClient::ClosedWithin(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    std::array<char, 8192> sink{};
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()
        );
        pollfd poller{.fd = fd_, .events = POLLIN, .revents = 0};
        if (::poll(&poller, 1, static_cast<int>(std::max<long long>(left.count(), 1))) <= 0) {
            continue;
        }
        const ssize_t got = ::recv(fd_, sink.data(), sink.size(), 0);
        if (got <= 0) {
            return true;
        }
    }
    return false;
}

}  // namespace clockko::http::testing
