// Just enough of RFC 5322 and RFC 2045–2047 to check what MailDev received.
#include "raw_message.hpp"

#include <algorithm>
#include <cctype>

namespace clockko::testing {
namespace {

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return text;
}

// The value of `name="value"` or `name=value` in a header's parameters.
std::string HeaderParameter(const std::string& header, const std::string& name) {
    const std::string lowered = Lower(header);
    const std::size_t at = lowered.find(name + "=");
    if (at == std::string::npos) {
        return {};
    }
    std::size_t start = at + name.size() + 1;
    if (start < header.size() && header[start] == '"') {
        const std::size_t end = header.find('"', start + 1);
        return header.substr(start + 1, end == std::string::npos ? end : end - start - 1);
    }
    const std::size_t end = header.find_first_of("; \t", start);
    return header.substr(start, end == std::string::npos ? end : end - start);
}

// Parses a header block (lines without their CRLF) into lower-cased names and unfolded values.
std::map<std::string, std::string> ParseHeaders(const std::vector<std::string>& lines) {
    std::map<std::string, std::string> headers;
    std::string last;
    for (const std::string& line : lines) {
        if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !last.empty()) {
            headers[last] += line;  // folded: the line break goes, the white space stays
            continue;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        last = Lower(line.substr(0, colon));
        const std::size_t value = line.find_first_not_of(" \t", colon + 1);
        headers[last] = value == std::string::npos ? std::string{} : line.substr(value);
    }
    return headers;
}

std::vector<std::string> SplitCrlf(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find("\r\n", start);
        if (end == std::string::npos) {
            lines.push_back(text.substr(start));
            return lines;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
}

RawMessage::Part ParsePart(const std::vector<std::string>& lines) {
    RawMessage::Part part;
    const auto blank = std::find(lines.begin(), lines.end(), std::string{});
    part.headers = ParseHeaders({lines.begin(), blank});
    std::string body;
    for (auto it = blank == lines.end() ? blank : blank + 1; it != lines.end(); ++it) {
        body += *it;
        body += "\r\n";
    }
    // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    if (body.ends_with("\r\n")) {
        body.resize(body.size() - 2);
    }
    part.body = body;
    return part;
}

}  // namespace

RawMessage ParseRawMessage(const std::string& source) {
    const std::vector<std::string> lines = SplitCrlf(source);
    const auto blank = std::find(lines.begin(), lines.end(), std::string{});
    RawMessage message;
    message.headers = ParseHeaders({lines.begin(), blank});
    const std::string boundary = HeaderParameter(message.headers["content-type"], "boundary");
    if (boundary.empty() || blank == lines.end()) {
        return message;
    }
    std::vector<std::string> current;
    bool inside = false;
    for (auto it = blank + 1; it != lines.end(); ++it) {
        if (*it == "--" + boundary || *it == "--" + boundary + "--") {
            if (inside) {
                message.parts.push_back(ParsePart(current));
            }
            current.clear();
            inside = *it == "--" + boundary;
            continue;
        }
        if (inside) {
            current.push_back(*it);
        }
    }
    return message;
}

std::string DecodeQuotedPrintable(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '=') {
            out.push_back(text[i]);
            continue;
        }
        if (text.compare(i + 1, 2, "\r\n") == 0) {
            i += 2;  // soft line break
            continue;
        }
        if (i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0 &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0) {
            out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
            i += 2;
            continue;
        }
        out.push_back('=');
    }
    return out;
}

}  // namespace clockko::testing
