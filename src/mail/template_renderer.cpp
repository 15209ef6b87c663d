#include "mail/template_renderer.hpp"

#include "mail/embedded_templates.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace clockko::mail {
namespace {

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";
constexpr char kFilterSeparator = '|';

core::Error TemplateError(std::string log) {
    // Clients never see mail errors; `detail` stays generic all the same.
    core::Error error = core::MakeError(core::ErrorCode::kInternal, "mail could not be rendered");
    error.log = std::move(log);
    return error;
}

bool IsUnreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

core::Result<std::string> ApplyFilter(
    std::string_view filter, std::string_view key, const std::string& value
) {
    if (filter.empty()) {
        return value;
    }
    if (filter == "url") {
        return PercentEncode(value);
    }
    return TemplateError(
        "unknown filter '" + std::string(filter) + "' on parameter '" + std::string(key) + "'"
    );
}

const detail::EmbeddedTemplate* FindTemplate(std::string_view name) {
    const auto& templates = detail::EmbeddedTemplates();
    const auto found = std::find_if(templates.begin(), templates.end(), [name](const auto& entry) {
        return entry.name == name;
    });
    return found == templates.end() ? nullptr : &*found;
}

core::Result<TemplateParameters> ParseParameters(std::string_view json) {
    boost::system::error_code ec;
    const boost::json::value parsed = boost::json::parse(json, ec);
    if (ec || !parsed.is_object()) {
        return TemplateError("mail parameters are not a JSON object");
    }
    TemplateParameters parameters;
    for (const auto& [key, value] : parsed.as_object()) {
        if (value.is_string()) {
            parameters.emplace(key, value.as_string().c_str());
        } else if (value.is_int64()) {
            parameters.emplace(key, std::to_string(value.as_int64()));
        } else if (value.is_uint64()) {
            parameters.emplace(key, std::to_string(value.as_uint64()));
        } else {
            return TemplateError(
                "mail parameter '" + std::string(key) + "' is neither a string nor an integer"
            );
        }
    }
    return parameters;
}

}  // namespace

std::string PercentEncode(std::string_view text) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (IsUnreserved(byte)) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[byte >> 4U]);
            out.push_back(kHex[byte & 0x0FU]);
        }
    }
    return out;
}

void AppendHtmlEscaped(std::string& out, std::string_view text) {
    for (const char c : text) {
        switch (c) {
            case '&':
                out.append("&amp;");
                break;
            case '<':
                out.append("&lt;");
                break;
            case '>':
                out.append("&gt;");
                break;
            case '"':
                out.append("&quot;");
                break;
            case '\'':
                out.append("&#39;");
                break;
            default:
                out.push_back(c);
        }
    }
}

core::Result<std::string> ExpandTemplate(
    std::string_view text, const TemplateParameters& parameters, Escaping escaping
) {
    std::string out;
    out.reserve(text.size());
    std::size_t position = 0;
    for (;;) {
        const std::size_t open = text.find(kOpen, position);
        out.append(text.substr(position, open - position));
        if (open == std::string_view::npos) {
            return out;
        }
        const std::size_t close = text.find(kClose, open + kOpen.size());
        if (close == std::string_view::npos) {
            return TemplateError("unterminated placeholder in mail template");
        }
        const std::string_view inner =
            text.substr(open + kOpen.size(), close - open - kOpen.size());
        const std::size_t bar = inner.find(kFilterSeparator);
        const std::string_view key = inner.substr(0, bar);
        const std::string_view filter =
            bar == std::string_view::npos ? std::string_view{} : inner.substr(bar + 1);
        const auto found = parameters.find(key);
        if (found == parameters.end()) {
            return TemplateError("mail template needs parameter '" + std::string(key) + "'");
        }
        auto value = ApplyFilter(filter, key, found->second);
        if (!value) {
            return value.error();
        }
        if (escaping == Escaping::kHtml) {
            AppendHtmlEscaped(out, *value);
        } else {
            out.append(*value);
        }
        position = close + kClose.size();
    }
}

MailRenderer::MailRenderer(RenderSettings settings) : settings_(std::move(settings)) {
    while (!settings_.frontend_url.empty() && settings_.frontend_url.back() == '/') {
        settings_.frontend_url.pop_back();
    }
}

core::Result<MailMessage> MailRenderer::Render(const store::OutgoingMail& mail) const {
    const detail::EmbeddedTemplate* found = FindTemplate(mail.template_name);
    if (found == nullptr) {
        return TemplateError("unknown mail template '" + mail.template_name + "'");
    }
    auto parameters = ParseParameters(mail.parameters_json);
    if (!parameters) {
        return parameters.error();
    }
    (*parameters)["frontend_url"] = settings_.frontend_url;
    parameters->try_emplace("email", mail.recipient);
    if (const auto username = parameters->find("username"); username != parameters->end()) {
        parameters->try_emplace("name", username->second);
    }
    const std::array<std::pair<std::string_view, Escaping>, 3> parts{{
        {found->subject, Escaping::kNone},
        {found->text, Escaping::kNone},
        {found->html, Escaping::kHtml},
    }};
    std::array<std::string, 3> expanded;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        auto part = ExpandTemplate(parts[i].first, *parameters, parts[i].second);
        if (!part) {
            core::Error error = part.error();
            error.log = "template '" + mail.template_name + "': " + error.log;
            return error;
        }
        expanded[i] = std::move(*part);
    }
    return MailMessage{
        .recipient = mail.recipient,
        .subject = std::move(expanded[0]),
        .text = std::move(expanded[1]),
        .html = std::move(expanded[2]),
    };
}

std::vector<std::string_view> TemplateNames() {
    std::vector<std::string_view> names;
    for (const auto& entry : detail::EmbeddedTemplates()) {
        names.push_back(entry.name);
    }
    return names;
}

}  // namespace clockko::mail
