#include "auth/common_passwords.hpp"

#include "auth/common_passwords/embedded_text.hpp"

#include <string>
#include <vector>

namespace clockko::auth {
namespace {

std::vector<std::string> SplitLines(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        if (!line.empty()) {
            lines.emplace_back(line);
        }
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
    return lines;
}

}  // namespace

std::shared_ptr<const CommonPasswords> EmbeddedCommonPasswords() {
    static const auto list =
        std::make_shared<const CommonPasswords>(SplitLines(detail::EmbeddedCommonPasswordsText()));
    return list;
}

std::string_view EmbeddedCommonPasswordsSource() {
    return detail::EmbeddedCommonPasswordsSource();
}

}  // namespace clockko::auth
