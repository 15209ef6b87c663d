#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace clockko::testing {

/// The ports of the MailDev that scripts/with-maildev.sh started for the whole run.
struct MaildevPorts {
    int smtp_port = 0;
    int web_port = 0;
};

/// CLOCKKO_TEST_MAILDEV_SMTP_PORT and CLOCKKO_TEST_MAILDEV_WEB_PORT, or nullopt when unset.
std::optional<MaildevPorts> SharedMaildevPorts();

/// True when CLOCKKO_REQUIRE_MAILDEV=1: a missing MailDev is then a failure, not a skip.
bool MaildevRequired();

/// One message as MailDev parsed it (GET /api/email).
struct ReceivedMail {
    std::string id;
    std::string subject;  ///< decoded by MailDev (RFC 2047)
    std::string text;
    std::string html;
    std::string from_name;
    std::string from_address;
    std::vector<std::string> to;  ///< addresses of the To header
    boost::json::object json;     ///< everything MailDev reported
};

/// A client of MailDev's REST API on 127.0.0.1. Read-only: it never deletes messages, since
/// other tests share the same MailDev at the same time.
class MaildevClient final {
public:
    explicit MaildevClient(int web_port);

    /// Every message MailDev holds whose To includes `recipient`, in arrival order.
    /// Fails the test (and returns what it has) when MailDev does not answer.
    [[nodiscard]] std::vector<ReceivedMail> MessagesTo(const std::string& recipient) const;

    /// Polls until at least `count` messages to `recipient` whose subject contains
    /// `subject_part` are held; returns them in arrival order, or nullopt at the deadline.
    [[nodiscard]] std::optional<std::vector<ReceivedMail>> WaitForMessages(
        const std::string& recipient,
        const std::string& subject_part,
        std::size_t count,
        std::chrono::milliseconds patience = std::chrono::seconds{20}
    ) const;

    /// Polls for `duration` and returns the most messages to `recipient` seen at any time:
    /// for "no (further) mail arrives" checks.
    [[nodiscard]] std::size_t MostMessagesDuring(
        const std::string& recipient, std::chrono::milliseconds duration
    ) const;

    /// The raw message as MailDev received it (GET /api/email/<id>/source), CRLF line ends.
    [[nodiscard]] std::optional<std::string> Source(const std::string& id) const;

    /// GET /api/healthz answers 200.
    [[nodiscard]] bool Healthy() const;

private:
    [[nodiscard]] std::optional<std::vector<ReceivedMail>> AllMessages() const;

    std::string base_url_;
};

/// The one-time code of a message text: the first line that holds exactly six digits (the
/// templates put the code on a line of its own). Nullopt when there is none.
std::optional<std::string> ExtractCode(const std::string& text);

/// A MailDev of the test's own, started as a child process on the given loopback ports with a
/// private mail folder; stopped (SIGTERM, then SIGKILL) and its folder removed on destruction.
class OwnMaildev final {
public:
    /// Starts it; throws std::runtime_error when the binary cannot be started.
    OwnMaildev(int smtp_port, int web_port);
    ~OwnMaildev();
    OwnMaildev(const OwnMaildev&) = delete;
    OwnMaildev& operator=(const OwnMaildev&) = delete;

    /// Waits until its REST API answers; false (with its output in `log`) at the deadline.
    [[nodiscard]] bool WaitUntilHealthy(std::chrono::seconds patience, std::string& log);

    [[nodiscard]] MaildevClient Client() const { return MaildevClient(web_port_); }

private:
    int web_port_;
    int pid_ = -1;
    std::string folder_;
};

/// Path of node_modules/.bin/maildev (set by CMake).
std::string MaildevBinary();

}  // namespace clockko::testing
