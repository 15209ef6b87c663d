#pragma once

#include "core/error.hpp"
#include "mail/mailer.hpp"
#include "store/records.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace clockko::mail {

/// Values substituted for placeholders, by key.
using TemplateParameters = std::map<std::string, std::string, std::less<>>;

enum class Escaping { kNone, kHtml };

/// Replaces each `{{key}}` in `text` by the parameter's value and each `{{key|url}}` by its
/// percent-encoded UTF-8 (RFC 3986 unreserved characters kept). With kHtml every substituted
/// value is then HTML-escaped (& < > " '); the template text itself is copied as it is.
/// Fails (ErrorCode::kInternal) on a missing parameter, an unknown filter or an unterminated
/// placeholder; the error's log names the key, never a value.
[[nodiscard]] core::Result<std::string> ExpandTemplate(
    std::string_view text, const TemplateParameters& parameters, Escaping escaping
);

/// Percent-encodes every byte except the RFC 3986 unreserved characters.
std::string PercentEncode(std::string_view text);

/// Appends `text` to `out` with & < > " ' replaced by character references.
void AppendHtmlEscaped(std::string& out, std::string_view text);

struct RenderSettings {
    /// FRONTEND_URL, for links; a trailing '/' is dropped.
    std::string frontend_url{};
};

/// Turns an outbox row into a message, from the templates compiled into the binary
/// (src/mail/templates/<name>.subject.txt, <name>.txt, <name>.html).
/// @par Thread safety: Render may be called from several threads at once.
class MailRenderer final {
public:
    explicit MailRenderer(RenderSettings settings);

    /// `mail.parameters_json` must be a JSON object whose values are strings or integers.
    /// Besides those, `frontend_url` comes from the settings, and when absent `email` defaults to
    /// the recipient and `name` to `username`. Fails (a permanent failure: retrying cannot help)
    /// on an unknown template, parameters that are not such an object, or a missing parameter.
    [[nodiscard]] core::Result<MailMessage> Render(const store::OutgoingMail& mail) const;

private:
    RenderSettings settings_;
};

/// The names of the templates compiled in: welcome, verify_code, reset_code, password_changed.
std::vector<std::string_view> TemplateNames();

}  // namespace clockko::mail
