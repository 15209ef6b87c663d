#pragma once

// A small, strict reader of the messages the MIME builder writes, so that tests check the
// structure from the outside rather than by comparing strings.

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace clockko::mail::testing {

using Headers = std::map<std::string, std::string>;  // lower-case name -> unfolded value

struct MimePart {
    Headers headers;
    std::string body;
};

struct MimeMessage {
    Headers headers;
    std::vector<MimePart> parts;
};

inline std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

/// Splits a CRLF header block into unfolded headers; throws on a malformed line.
inline Headers ParseHeaders(std::string_view block) {
    Headers headers;
    std::string last;
    std::size_t start = 0;
    while (start < block.size()) {
        std::size_t end = block.find("\r\n", start);
        end = end == std::string_view::npos ? block.size() : end;
        const std::string_view line = block.substr(start, end - start);
        start = end + 2;
        if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
            if (last.empty()) {
                throw std::runtime_error("continuation before any header");
            }
            headers[last] += std::string(line);  // unfolding removes only the CRLF
            continue;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            throw std::runtime_error("header line without a name: " + std::string(line));
        }
        last = Lower(line.substr(0, colon));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
        headers[last] = std::string(value);
    }
    return headers;
}

/// The boundary parameter of a multipart Content-Type (quoted or not).
inline std::string BoundaryOf(const std::string& content_type) {
    const std::size_t at = content_type.find("boundary=");
    if (at == std::string::npos) {
        throw std::runtime_error("no boundary in " + content_type);
    }
    std::string value = content_type.substr(at + 9);
    if (!value.empty() && value.front() == '"') {
        return value.substr(1, value.find('"', 1) - 1);
    }
    return value.substr(0, value.find_first_of("; "));
}

/// Parses a whole multipart message (RFC 2046 boundaries); throws when it is malformed.
inline MimeMessage ParseMime(std::string_view raw) {
    const std::size_t split = raw.find("\r\n\r\n");
    if (split == std::string_view::npos) {
        throw std::runtime_error("no blank line after the headers");
    }
    MimeMessage message;
    message.headers = ParseHeaders(raw.substr(0, split));
    const std::string boundary = BoundaryOf(message.headers.at("content-type"));
    const std::string delimiter = "\r\n--" + boundary;
    // Treat the body as if preceded by CRLF, so that a delimiter on its first line is found.
    const std::string body = "\r\n" + std::string(raw.substr(split + 4));
    std::size_t position = body.find(delimiter);
    if (position == std::string::npos) {
        throw std::runtime_error("no boundary in the body");
    }
    for (;;) {
        position += delimiter.size();
        if (body.compare(position, 2, "--") == 0) {
            return message;
        }
        if (body.compare(position, 2, "\r\n") != 0) {
            throw std::runtime_error("boundary line not followed by CRLF");
        }
        position += 2;
        const std::size_t next = body.find(delimiter, position);
        if (next == std::string::npos) {
            throw std::runtime_error("part without a closing boundary");
        }
        const std::string_view part(body.data() + position, next - position);
        const std::size_t part_split = part.find("\r\n\r\n");
        if (part_split == std::string_view::npos) {
            throw std::runtime_error("part without a blank line");
        }
        message.parts.push_back(MimePart{
            .headers = ParseHeaders(part.substr(0, part_split)),
            .body = std::string(part.substr(part_split + 4))});
        position = next;
    }
}

inline int HexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    throw std::runtime_error("bad hex digit in quoted-printable");
}

/// Decodes quoted-printable (soft breaks removed, hard CRLF kept as "\n").
inline std::string DecodeQuotedPrintable(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '=') {
            if (text.substr(i + 1, 2) == "\r\n") {
                i += 2;
                continue;
            }
            if (i + 2 >= text.size()) {
                throw std::runtime_error("truncated escape");
            }
            out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
            i += 2;
        } else if (text.substr(i, 2) == "\r\n") {
            out.push_back('\n');
            ++i;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

inline std::string DecodeBase64(std::string_view text) {
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned int buffer = 0;
    int bits = 0;
    for (const char c : text) {
        if (c == '=') {
            break;
        }
        const std::size_t value = kAlphabet.find(c);
        if (value == std::string_view::npos) {
            throw std::runtime_error("bad base64");
        }
        buffer = (buffer << 6U) | static_cast<unsigned int>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> static_cast<unsigned int>(bits)) & 0xFFU));
        }
    }
    return out;
}

/// Decodes RFC 2047 "B" encoded-words (UTF-8 only); white space between two encoded-words is
/// dropped, other text is kept. Each word's bytes are appended to `words` when given.
inline std::string DecodeEncodedWords(
    std::string_view text, std::vector<std::string>* words = nullptr
) {
    std::string out;
    std::string pending_space;
    bool after_word = false;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.substr(i, 10) == "=?UTF-8?B?") {
            const std::size_t end = text.find("?=", i + 10);
            if (end == std::string_view::npos) {
                throw std::runtime_error("unterminated encoded-word");
            }
            const std::string decoded = DecodeBase64(text.substr(i + 10, end - i - 10));
            if (words != nullptr) {
                words->push_back(decoded);
            }
            if (!after_word) {
                out += pending_space;
            }
            pending_space.clear();
            out += decoded;
            after_word = true;
            i = end + 2;
        } else if (text[i] == ' ' || text[i] == '\t') {
            pending_space.push_back(text[i++]);
        } else {
            out += pending_space;
            pending_space.clear();
            out.push_back(text[i++]);
            after_word = false;
        }
    }
    return out + pending_space;
}

/// Every line of `raw` (split at CRLF); throws on a bare CR or LF.
inline std::vector<std::string> CrlfLines(std::string_view raw) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < raw.size()) {
        const std::size_t end = raw.find("\r\n", start);
        const std::string_view line =
            raw.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (line.find_first_of("\r\n") != std::string_view::npos) {
            throw std::runtime_error("bare CR or LF");
        }
        lines.emplace_back(line);
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 2;
    }
    return lines;
}

}  // namespace clockko::mail::testing
