#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "mail/mailer.hpp"
#include "mail/smtp/smtp_mailer.hpp"

#include <memory>

namespace clockko::mail {

/// The SMTP_* part of the configuration.
SmtpSettings SmtpSettingsFromConfig(const config::Config& config);

/// The mailer `main` hands to the outbox worker. With SMTP_HOST: an SmtpMailer (fails with the
/// problems of ValidateSmtpSettings, joined by "; "). Without SMTP_HOST: the LogMailer in
/// development (with a warning that codes go to the log) and an error in production, where no
/// code may ever be logged. `clock` and `random` must outlive the mailer.
[[nodiscard]] core::Result<std::unique_ptr<Mailer>> MakeMailer(
    const config::Config& config, core::Clock& clock, core::Random& random
);

}  // namespace clockko::mail
