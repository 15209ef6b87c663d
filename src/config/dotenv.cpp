#include "config/config.hpp"

#include <cctype>
#include <string_view>

namespace clockko::config {
namespace {

std::string_view Trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    return text;
}

bool IsValidKey(std::string_view key) {
    if (key.empty() || std::isdigit(static_cast<unsigned char>(key.front())) != 0) {
        return false;
    }
    for (const char c : key) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') {
            return false;
        }
    }
    return true;
}

char Unescape(char c) {
    switch (c) {
        case 'n':
            return '\n';
        case 'r':
            return '\r';
        case 't':
            return '\t';
        default:
            return c;  // \" \\ \$ and anything else stand for themselves
    }
}

/// Reads a double-quoted value starting after the opening quote; false if it never closes.
bool ReadDoubleQuoted(std::string_view text, std::string& out, std::string_view& rest) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            out.push_back(Unescape(text[++i]));
        } else if (text[i] == '"') {
            rest = text.substr(i + 1);
            return true;
        } else {
            out.push_back(text[i]);
        }
    }
    return false;
}

/// Parses the value part of one line; returns a problem text, or empty on success.
std::string ParseValue(std::string_view raw, std::string& value) {
    raw = Trim(raw);
    std::string_view rest;
    if (!raw.empty() && raw.front() == '\'') {
        const std::size_t close = raw.find('\'', 1);
        if (close == std::string_view::npos) {
            return "unterminated single quote";
        }
        value.assign(raw.substr(1, close - 1));
        rest = raw.substr(close + 1);
    } else if (!raw.empty() && raw.front() == '"') {
        if (!ReadDoubleQuoted(raw.substr(1), value, rest)) {
            return "unterminated double quote";
        }
    } else {
        // Unquoted: a " #" starts a comment, as in shells and python-dotenv.
        const std::size_t comment = raw.find(" #");
        value.assign(Trim(raw.substr(0, comment)));
        return {};
    }
    rest = Trim(rest);
    if (!rest.empty() && rest.front() != '#') {
        return "unexpected text after the closing quote";
    }
    return {};
}

}  // namespace

std::vector<std::string> ParseDotEnv(const std::string& text, Variables& out) {
    std::vector<std::string> problems;
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = Trim(std::string_view(text).substr(start, end - start));
        start = end + 1;
        ++line_number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (line.starts_with("export ")) {
            line = Trim(line.substr(7));
        }
        const std::size_t equals = line.find('=');
        const std::string_view key = Trim(line.substr(0, equals));
        if (equals == std::string_view::npos || !IsValidKey(key)) {
            problems.push_back(".env line " + std::to_string(line_number) + ": expected KEY=value");
            continue;
        }
        std::string value;
        const std::string problem = ParseValue(line.substr(equals + 1), value);
        if (!problem.empty()) {
            problems.push_back(".env line " + std::to_string(line_number) + ": " + problem);
            continue;
        }
        out[std::string(key)] = std::move(value);
    }
    return problems;
}

}  // namespace clockko::config
