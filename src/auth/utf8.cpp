#include "auth/utf8.hpp"

#include <cstdint>

namespace clockko::auth {
namespace {

struct Lead {
    std::size_t continuation_bytes;
    char32_t initial;
    char32_t minimum;  ///< smaller values would be overlong forms
};

std::optional<Lead> ReadLead(unsigned char byte) {
    if (byte < 0x80U) {
        return Lead{0, byte, 0};
    }
    if ((byte & 0xE0U) == 0xC0U) {
        return Lead{1, byte & 0x1FU, 0x80};
    }
    if ((byte & 0xF0U) == 0xE0U) {
        return Lead{2, byte & 0x0FU, 0x800};
    }
    if ((byte & 0xF8U) == 0xF0U) {
        return Lead{3, byte & 0x07U, 0x10000};
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::u32string> DecodeUtf8(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const std::optional<Lead> lead = ReadLead(static_cast<unsigned char>(text[i]));
        if (!lead || lead->continuation_bytes >= text.size() - i) {
            return std::nullopt;
        }
        char32_t value = lead->initial;
        for (std::size_t k = 1; k <= lead->continuation_bytes; ++k) {
            const auto byte = static_cast<unsigned char>(text[i + k]);
            if ((byte & 0xC0U) != 0x80U) {
                return std::nullopt;
            }
            value = (value << 6U) | (byte & 0x3FU);
        }
        const bool surrogate = value >= 0xD800 && value <= 0xDFFF;
        if (value < lead->minimum || surrogate || value > 0x10FFFF) {
            return std::nullopt;
        }
        out.push_back(value);
        i += lead->continuation_bytes + 1;
    }
    return out;
}

std::string_view TrimAscii(std::string_view text) {
    while (!text.empty() && IsAsciiSpace(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && IsAsciiSpace(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::string ToLowerAscii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

}  // namespace clockko::auth
