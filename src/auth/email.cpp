#include "auth/email.hpp"

#include "auth/utf8.hpp"

#include <algorithm>

namespace clockko::auth {
namespace {

core::Error Invalid(std::string_view field, std::string_view why) {
    return core::ValidationError(
        std::string(field), "value is not a valid email address: " + std::string(why), "value_error"
    );
}

// Spaces and control characters, including the Unicode ones a pasted address may carry
// (no-break space, zero-width space, line separators, byte order mark).
bool IsForbiddenCodePoint(char32_t c) {
    return c <= 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool HasEmptyLabel(std::string_view domain) {
    return domain.front() == '.' || domain.back() == '.' ||
           domain.find("..") != std::string_view::npos;
}

}  // namespace

std::string NormalizeEmail(std::string_view email) {
    return ToLowerAscii(TrimAscii(email));
}

core::Result<core::Done> ValidateEmail(std::string_view normalized_email, std::string_view field) {
    if (normalized_email.empty()) {
        return Invalid(field, "it is empty");
    }
    if (normalized_email.size() > kMaxEmailBytes) {
        return Invalid(field, "it is longer than 254 bytes");
    }
    const std::optional<std::u32string> code_points = DecodeUtf8(normalized_email);
    if (!code_points) {
        return Invalid(field, "it is not valid UTF-8");
    }
    if (std::any_of(code_points->begin(), code_points->end(), IsForbiddenCodePoint)) {
        return Invalid(field, "it must not contain spaces or control characters");
    }
    const std::size_t at = normalized_email.find('@');
    if (at == std::string_view::npos ||
        normalized_email.find('@', at + 1) != std::string_view::npos) {
        return Invalid(field, "it must have exactly one @-sign");
    }
    if (at == 0) {
        return Invalid(field, "there must be something before the @-sign");
    }
    const std::string_view domain = normalized_email.substr(at + 1);
    if (domain.find('.') == std::string_view::npos) {
        return Invalid(field, "the part after the @-sign must contain a dot");
    }
    if (HasEmptyLabel(domain)) {
        return Invalid(field, "the part after the @-sign is not a valid domain");
    }
    return core::Done{};
}

core::Result<std::string> NormalizeAndValidateEmail(
    std::string_view email, std::string_view field
) {
    std::string normalized = NormalizeEmail(email);
    if (auto valid = ValidateEmail(normalized, field); !valid) {
        return valid.error();
    }
    return normalized;
}

}  // namespace clockko::auth
