#include "auth/mail_templates.hpp"

#include "core/log.hpp"

#include <string>

namespace clockko::auth {
namespace {

void AppendString(std::string& json, std::string_view text) {
    json.push_back('"');
    core::AppendJsonEscaped(json, text);
    json.push_back('"');
}

void AppendMember(
    std::string& json,
    std::string_view key,
    const std::variant<std::string_view, std::int64_t>& value
) {
    if (json.size() > 1) {
        json.push_back(',');
    }
    AppendString(json, key);
    json.push_back(':');
    if (const auto* text = std::get_if<std::string_view>(&value)) {
        AppendString(json, *text);
    } else {
        json.append(std::to_string(std::get<std::int64_t>(value)));
    }
}

}  // namespace

store::OutgoingMail MakeUserMail(
    const store::UserRecord& user,
    std::string_view template_name,
    std::initializer_list<MailParameter> extra
) {
    std::string json = "{";
    AppendMember(json, "email", std::string_view(user.email));
    AppendMember(json, "username", std::string_view(user.username));
    AppendMember(json, "name", std::string_view(user.full_name ? *user.full_name : user.username));
    for (const MailParameter& parameter : extra) {
        AppendMember(json, parameter.key, parameter.value);
    }
    json.push_back('}');
    return store::OutgoingMail{
        .recipient = user.email,
        .template_name = std::string(template_name),
        .parameters_json = std::move(json),
    };
}

}  // namespace clockko::auth
