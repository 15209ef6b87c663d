#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "mail/mailer.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace clockko::mail {

/// How to reach the SMTP server (the SMTP_* settings).
struct SmtpSettings {
    std::string host{};
    int port = 587;
    std::string user{};  ///< empty: no AUTH
    std::string password{};
    std::string from{};  ///< envelope sender and From address
    std::string from_name{};
    /// kStartTls: STARTTLS is required, and a server that does not offer it fails the send (the
    /// only mode for production: AWS SES and Gmail on 587). kImplicitTls: smtps:// (465).
    /// kOff: plain text, for a loopback test server such as MailDev.
    config::SmtpTls tls = config::SmtpTls::kStartTls;
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
    /// The whole transfer, connection included.
    std::chrono::milliseconds transfer_timeout{std::chrono::seconds{30}};
};

/// True for "localhost", an address in 127.0.0.0/8, and ::1 (with or without brackets): the
/// hosts where SMTP_TLS=off does not expose anything to the network.
bool IsLoopbackHost(std::string_view host);

/// The problems of `settings`, one clear line each, naming the variable; empty when usable.
std::vector<std::string> ValidateSmtpSettings(const SmtpSettings& settings);

/// Sends mail through libcurl's SMTP client: builds the MIME message (mime_builder.hpp), then
/// connects, upgrades to TLS as configured (certificates verified, TLS 1.2 at least), logs in
/// when a user is set, and hands the message over. One connection per message.
/// Outcomes: SMTP 5xx for this message (550 mailbox unknown, 554 rejected, …) is permanent;
/// everything else is temporary: no connection, timeouts, 4xx, and failures that concern the
/// server or the account rather than the message (STARTTLS missing, TLS errors, 530/535 login
/// problems), so that mail survives until an operator fixes the configuration.
/// @par Thread safety: Send may be called from several threads at once.
class SmtpMailer final : public Mailer {
public:
    /// Throws std::invalid_argument when ValidateSmtpSettings finds a problem, and
    /// std::runtime_error when libcurl cannot be initialised. `clock` and `random` (for the
    /// Message-ID and MIME boundary) must outlive the mailer.
    SmtpMailer(SmtpSettings settings, core::Clock& clock, core::Random& random);

    [[nodiscard]] SendOutcome Send(const MailMessage& message) override;

    /// The URL given to libcurl: smtp://host:port/ehlo-domain or smtps://…
    [[nodiscard]] const std::string& Url() const { return url_; }

private:
    SmtpSettings settings_;
    core::Clock& clock_;
    core::Random& random_;
    std::string url_;
};

}  // namespace clockko::mail
