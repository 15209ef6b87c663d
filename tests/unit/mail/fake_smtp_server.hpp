#pragma once

// A scripted SMTP server on 127.0.0.1 for one connection at a time, so that tests can make the
// server answer what real ones answer on bad days (4xx, 5xx, no STARTTLS, silence).

#include <arpa/inet.h>
#include <array>
#include <atomic>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace clockko::mail::testing {

class Socket {
public:
    explicit Socket(int fd = -1) : fd_(fd) {}

    ~Socket() { Reset(); }

    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    Socket(Socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

    Socket& operator=(Socket&& other) noexcept {
        if (this != &other) {
            Reset();
            fd_ = other.fd_;
            other.fd_ = -1;
        }
        return *this;
    }

    [[nodiscard]] int Get() const { return fd_; }

    void Reset() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

private:
    int fd_;
};

/// A loopback TCP port with nothing listening on it (bound, then closed).
inline int ClosedLoopbackPort() {
    Socket socket(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (socket.Get() < 0 ||
        ::bind(socket.Get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(socket.Get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("cannot bind a loopback port");
    }
    return ntohs(address.sin_port);
}

struct SmtpScript {
    std::string ehlo = "250-fake.test\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n";
    std::string starttls = "502 5.5.1 STARTTLS not supported\r\n";
    std::string auth = "235 2.7.0 Authentication successful\r\n";
    std::string mail = "250 2.1.0 OK\r\n";
    std::string rcpt = "250 2.1.5 OK\r\n";
    std::string data_end = "250 2.0.0 queued\r\n";
    bool silent = false;  ///< accept, then never say anything
};

class FakeSmtpServer {
public:
    explicit FakeSmtpServer(SmtpScript script) : script_(std::move(script)) {
        listener_ = Socket(::socket(AF_INET, SOCK_STREAM, 0));
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (listener_.Get() < 0 ||
            ::bind(listener_.Get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listener_.Get(), 4) != 0 ||
            ::getsockname(listener_.Get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("fake SMTP server cannot listen");
        }
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { Serve(); });
    }

    ~FakeSmtpServer() {
        stop_ = true;
        thread_.join();
    }

    FakeSmtpServer(const FakeSmtpServer&) = delete;
    FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;
    FakeSmtpServer(FakeSmtpServer&&) = delete;
    FakeSmtpServer& operator=(FakeSmtpServer&&) = delete;

    [[nodiscard]] int Port() const { return port_; }

    /// The command lines received (without CRLF), DATA content excluded.
    [[nodiscard]] std::vector<std::string> Commands() const {
        const std::scoped_lock lock(mutex_);
        return commands_;
    }

    [[nodiscard]] std::string Data() const {
        const std::scoped_lock lock(mutex_);
        return data_;
    }

private:
    // Waits up to 100 ms for `fd` to be readable; false on timeout.
    static bool Readable(int fd) {
        pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
        return ::poll(&entry, 1, 100) > 0;
    }

    void Serve() {
        while (!stop_) {
            if (!Readable(listener_.Get())) {
                continue;
            }
            Socket client(::accept(listener_.Get(), nullptr, nullptr));
            if (client.Get() >= 0) {
                Converse(client.Get());
            }
        }
    }

    bool Write(int fd, const std::string& text) const {
        return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(text.size());
    }

    // Reads until `terminator` has arrived; false when the peer closed or the test is ending.
    bool ReadUntil(int fd, std::string& buffer, std::string_view terminator) const {
        while (buffer.find(terminator) == std::string::npos) {
            if (stop_) {
                return false;
            }
            if (!Readable(fd)) {
                continue;
            }
            std::array<char, 4096> chunk{};
            const ssize_t got = ::recv(fd, chunk.data(), chunk.size(), 0);
            if (got <= 0) {
                return false;
            }
            buffer.append(chunk.data(), static_cast<std::size_t>(got));
        }
        return true;
    }

    std::string ReplyTo(const std::string& command) const {
        const std::string verb = command.substr(0, command.find(' '));
        if (verb == "EHLO" || verb == "HELO") {
            return script_.ehlo;
        }
        if (verb == "STARTTLS") {
            return script_.starttls;
        }
        if (verb == "AUTH") {
            return script_.auth;
        }
        if (verb == "MAIL") {
            return script_.mail;
        }
        if (verb == "RCPT") {
            return script_.rcpt;
        }
        if (verb == "DATA") {
            return "354 go ahead\r\n";
        }
        if (verb == "QUIT") {
            return "221 bye\r\n";
        }
        return "502 5.5.2 unknown command\r\n";
    }

    void Converse(int fd) {
        std::string buffer;
        if (script_.silent) {
            ReadUntil(fd, buffer, "never arrives");
            return;
        }
        if (!Write(fd, "220 fake.test ESMTP\r\n")) {
            return;
        }
        for (;;) {
            if (!ReadUntil(fd, buffer, "\r\n")) {
                return;
            }
            const std::size_t end = buffer.find("\r\n");
            const std::string command = buffer.substr(0, end);
            buffer.erase(0, end + 2);
            {
                const std::scoped_lock lock(mutex_);
                commands_.push_back(command);
            }
            const std::string reply = ReplyTo(command);
            if (!Write(fd, reply)) {
                return;
            }
            if (command == "DATA") {
                if (!ReadUntil(fd, buffer, "\r\n.\r\n")) {
                    return;
                }
                const std::size_t data_end = buffer.find("\r\n.\r\n");
                {
                    const std::scoped_lock lock(mutex_);
                    data_ = buffer.substr(0, data_end + 2);
                }
                buffer.erase(0, data_end + 5);
                if (!Write(fd, script_.data_end)) {
                    return;
                }
            }
            if (command == "QUIT") {
                return;
            }
        }
    }

    SmtpScript script_;
    Socket listener_;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> commands_;
    std::string data_;
    std::thread thread_;
};

}  // namespace clockko::mail::testing
