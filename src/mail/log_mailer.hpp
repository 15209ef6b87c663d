#pragma once

#include "mail/mailer.hpp"

namespace clockko::mail {

/// Development only (no SMTP_HOST): "delivers" each message by writing it whole to the log,
/// one-time code included, so that a developer can go through every flow with `make run`.
/// Never use it in production: the log would then hold codes.
/// @par Thread safety: Send may be called from several threads at once.
class LogMailer final : public Mailer {
public:
    /// Always kDelivered.
    [[nodiscard]] SendOutcome Send(const MailMessage& message) override;
};

}  // namespace clockko::mail
