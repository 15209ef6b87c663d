#include "core/time_format.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace clockko::core {
namespace {

std::tm ToUtc(TimePoint time) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    return parts;
}

// The patterns are the literals of this file only; the warning cannot see through the parameter.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

std::string Format(TimePoint time, const char* pattern) {
    const std::tm parts = ToUtc(time);
    std::array<char, 64> buffer{};
    const std::size_t length = std::strftime(buffer.data(), buffer.size(), pattern, &parts);
    return {buffer.data(), length};
}

#pragma GCC diagnostic pop

bool ReadNumber(std::string_view text, std::size_t pos, std::size_t width, int& out) {
    if (pos + width > text.size()) {
        return false;
    }
    const char* first = text.data() + pos;
    const char* last = first + width;
    const auto [end, error] = std::from_chars(first, last, out);
    return error == std::errc{} && end == last;
}

}  // namespace

std::string FormatRfc3339(TimePoint time) {
    return Format(time, "%Y-%m-%dT%H:%M:%SZ");
}

std::string FormatRfc3339Millis(TimePoint time) {
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() %
        1000;
    std::string out = Format(time, "%Y-%m-%dT%H:%M:%S");
    std::array<char, 8> fraction{};
    std::snprintf(fraction.data(), fraction.size(), ".%03lldZ", static_cast<long long>(millis));
    out.append(fraction.data());
    return out;
}

std::string FormatRfc5322(TimePoint time) {
    return Format(time, "%a, %d %b %Y %H:%M:%S +0000");
}

std::optional<TimePoint> ParseUtcTimestamp(std::string_view text) {
    std::tm parts{};
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
        (text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':' ||
        !ReadNumber(text, 0, 4, year) || !ReadNumber(text, 5, 2, month) ||
        !ReadNumber(text, 8, 2, day) || !ReadNumber(text, 11, 2, hour) ||
        !ReadNumber(text, 14, 2, minute) || !ReadNumber(text, 17, 2, second)) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    long long micros = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        long long scale = 100000;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            micros += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
    }
    const std::string_view zone = text.substr(pos);
    if (!zone.empty() && zone != "Z" && zone != "+00" && zone != "+00:00") {
        return std::nullopt;
    }
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    const std::time_t seconds = timegm(&parts);
    return std::chrono::system_clock::from_time_t(seconds) + std::chrono::microseconds{micros};
}

}  // namespace clockko::core
