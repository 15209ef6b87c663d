#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace clockko::compat {

/// One message as MailDev's REST API reports it.
struct MailMessage {
    std::string to;  ///< the first recipient's address, lower-cased
    std::string subject;
    std::string text;
};

/// The MailDev that scripts/with-maildev.sh started (CLOCKKO_TEST_MAILDEV_SMTP_PORT and
/// CLOCKKO_TEST_MAILDEV_WEB_PORT). It is shared by every test of the run, so callers look only
/// at recipients of their own.
class Maildev final {
public:
    /// nullopt when the variables are unset. Read it on the main thread.
    static std::optional<Maildev> FromEnvironment();

    [[nodiscard]] int SmtpPort() const { return smtp_port_; }

    /// Every message MailDev holds now, grouped by recipient; nullopt when it does not answer.
    [[nodiscard]] std::optional<std::map<std::string, std::vector<MailMessage>>> ByRecipient(
    ) const;

    /// Waits (bounded by `patience`) until every address in `recipients` has at least
    /// `count` messages; returns what MailDev holds for them then (complete or not).
    [[nodiscard]] std::map<std::string, std::vector<MailMessage>> WaitFor(
        const std::set<std::string>& recipients,
        std::size_t count,
        std::chrono::milliseconds patience
    ) const;

private:
    Maildev(int smtp_port, int web_port) : smtp_port_(smtp_port), web_port_(web_port) {}

    int smtp_port_;
    int web_port_;
};

/// True under CLOCKKO_REQUIRE_MAILDEV=1: a missing MailDev fails instead of skipping.
bool MaildevRequired();

/// The one-time code in a message of our templates: the line that holds six digits alone.
std::optional<std::string> FindCode(const std::string& text);

}  // namespace clockko::compat
