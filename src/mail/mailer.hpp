#pragma once

#include <string>
#include <utility>

namespace clockko::mail {

/// A rendered message, ready to be turned into MIME. Every text is UTF-8.
struct MailMessage {
    std::string recipient{};  ///< a bare address: "user@example.com"
    std::string subject{};
    std::string text{};  ///< the text/plain part
    std::string html{};  ///< the text/html part
};

enum class SendStatus {
    kDelivered,
    /// Worth retrying later: connection refused, timeout, TLS or login trouble, SMTP 4xx.
    kTemporaryFailure,
    /// Retrying cannot help: SMTP 5xx for this message, or a message that cannot be built.
    kPermanentFailure,
};

/// What became of one Send. `reason` is safe to log: it never holds the body or a code.
struct SendOutcome {
    SendStatus status = SendStatus::kTemporaryFailure;
    std::string reason{};

    static SendOutcome Delivered() { return {SendStatus::kDelivered, {}}; }

    static SendOutcome Temporary(std::string why) {
        return {SendStatus::kTemporaryFailure, std::move(why)};
    }

    static SendOutcome Permanent(std::string why) {
        return {SendStatus::kPermanentFailure, std::move(why)};
    }
};

/// Delivers one message. Implementations never throw for a delivery problem: they report it in
/// the outcome (they may throw std::bad_alloc and the like).
/// @par Thread safety: implementations may be called from several threads at once.
class Mailer {
public:
    virtual ~Mailer() = default;
    /// Blocks until the message is handed over (or the attempt failed); bounded by the
    /// implementation's timeouts.
    [[nodiscard]] virtual SendOutcome Send(const MailMessage& message) = 0;
};

}  // namespace clockko::mail
