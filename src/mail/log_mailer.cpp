#include "mail/log_mailer.hpp"

#include "core/log.hpp"

namespace clockko::mail {

SendOutcome LogMailer::Send(const MailMessage& message) {
    // The text part carries everything the HTML part does (code, expiry, link), readably.
    core::LogInfo(
        "development mail (not sent: no SMTP_HOST)",
        {{"to", message.recipient}, {"subject", message.subject}, {"body", "\n" + message.text}}
    );
    return SendOutcome::Delivered();
}

}  // namespace clockko::mail
