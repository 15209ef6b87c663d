#include "auth/password_policy.hpp"

#include "auth/email.hpp"
#include "auth/utf8.hpp"

#include <algorithm>

namespace clockko::auth {

CommonPasswords::CommonPasswords(std::vector<std::string> passwords)
    : sorted_(std::move(passwords)) {
    std::sort(sorted_.begin(), sorted_.end());
    sorted_.erase(std::unique(sorted_.begin(), sorted_.end()), sorted_.end());
}

bool CommonPasswords::Contains(std::string_view password) const {
    return std::binary_search(sorted_.begin(), sorted_.end(), password, std::less<>{});
}

PasswordPolicy::PasswordPolicy(int min_length, std::shared_ptr<const CommonPasswords> common)
    : min_length_(std::max(min_length, 1)), common_(std::move(common)) {}

core::Result<core::Done> PasswordPolicy::Check(
    std::string_view password, std::string_view normalized_email, std::string_view field
) const {
    const std::string name(field);
    // bcrypt reads a C string: everything after a NUL would be silently ignored.
    if (password.find('\0') != std::string_view::npos) {
        return core::ValidationError(name, "must not contain a NUL character", "value_error");
    }
    const std::optional<std::u32string> code_points = DecodeUtf8(password);
    if (!code_points) {
        return core::ValidationError(name, "must be valid UTF-8 text", "value_error");
    }
    if (code_points->size() < static_cast<std::size_t>(min_length_)) {
        return core::ValidationError(
            name,
            "must be at least " + std::to_string(min_length_) + " characters",
            "string_too_short"
        );
    }
    if (password.size() > kMaxPasswordBytes) {
        return core::ValidationError(name, "must be at most 72 bytes in UTF-8", "string_too_long");
    }
    if (!normalized_email.empty() && NormalizeEmail(password) == normalized_email) {
        return core::ValidationError(name, "must not be the same as the email", "value_error");
    }
    if (common_ && common_->Contains(password)) {
        return core::ValidationError(name, "is too common", "value_error");
    }
    return core::Done{};
}

}  // namespace clockko::auth
