#include "http/headers.hpp"

#include <algorithm>
#include <cctype>

namespace clockko::http {
namespace {

char LowerAscii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return LowerAscii(x) == LowerAscii(y);
           });
}

std::string_view TrimOws(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

void Headers::Add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::Set(std::string_view name, std::string value) {
    Remove(name);
    fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
    std::erase_if(fields_, [name](const Field& field) {
        return EqualsIgnoreCase(field.first, name);
    });
}

std::optional<std::string_view> Headers::Find(std::string_view name) const {
    for (const Field& field : fields_) {
        if (EqualsIgnoreCase(field.first, name)) {
            return std::string_view(field.second);
        }
    }
    return std::nullopt;
}

std::optional<std::string> Headers::FindJoined(std::string_view name) const {
    std::optional<std::string> joined;
    for (const Field& field : fields_) {
        if (!EqualsIgnoreCase(field.first, name)) {
            continue;
        }
        if (joined) {
            joined->append(", ").append(field.second);
        } else {
            joined = field.second;
        }
    }
    return joined;
}

std::string MediaType(std::string_view content_type) {
    std::string type(TrimOws(content_type.substr(0, content_type.find(';'))));
    std::transform(type.begin(), type.end(), type.begin(), LowerAscii);
    return type;
}

}  // namespace clockko::http
