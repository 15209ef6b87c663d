#include "mail/smtp/mailer_factory.hpp"

#include "core/log.hpp"
#include "mail/log_mailer.hpp"

#include <string>

namespace clockko::mail {
namespace {

std::string_view TlsName(config::SmtpTls tls) {
    switch (tls) {
        case config::SmtpTls::kStartTls:
            return "starttls";
        case config::SmtpTls::kImplicitTls:
            return "tls";
        case config::SmtpTls::kOff:
            return "off";
    }
    return "starttls";
}

}  // namespace

SmtpSettings SmtpSettingsFromConfig(const config::Config& config) {
    return SmtpSettings{
        .host = config.smtp_host,
        .port = config.smtp_port,
        .user = config.smtp_user,
        .password = config.smtp_password,
        .from = config.smtp_from,
        .from_name = config.smtp_from_name,
        .tls = config.smtp_tls,
    };
}

core::Result<std::unique_ptr<Mailer>> MakeMailer(
    const config::Config& config, core::Clock& clock, core::Random& random
) {
    if (config.smtp_host.empty()) {
        if (config.app_env == config::AppEnv::kProduction) {
            return core::MakeError(
                core::ErrorCode::kInternal, "SMTP_HOST is required in production"
            );
        }
        core::LogWarning(
            "no SMTP_HOST: emails, one-time codes included, are written to this log instead of sent"
        );
        return std::unique_ptr<Mailer>(std::make_unique<LogMailer>());
    }
    SmtpSettings settings = SmtpSettingsFromConfig(config);
    if (const auto problems = ValidateSmtpSettings(settings); !problems.empty()) {
        std::string joined;
        for (const std::string& problem : problems) {
            joined += (joined.empty() ? "" : "; ") + problem;
        }
        return core::MakeError(core::ErrorCode::kInternal, joined);
    }
    if (settings.tls == config::SmtpTls::kOff && !IsLoopbackHost(settings.host)) {
        core::LogWarning("SMTP_TLS=off: mail and SMTP credentials cross the network unencrypted");
    }
    auto mailer = std::make_unique<SmtpMailer>(std::move(settings), clock, random);
    core::LogInfo(
        "mail goes out by SMTP",
        {{"host", config.smtp_host},
         {"port", std::int64_t{config.smtp_port}},
         {"tls", std::string(TlsName(config.smtp_tls))}}
    );
    return std::unique_ptr<Mailer>(std::move(mailer));
}

}  // namespace clockko::mail
