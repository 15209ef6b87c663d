#include "core/log.hpp"

#include "core/time_format.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <mutex>

namespace clockko::core {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kText};
std::mutex g_write_mutex;

std::string_view LevelName(LogLevel level) {
    switch (level) {
        case LogLevel::kDebug:
            return "debug";
        case LogLevel::kInfo:
            return "info";
        case LogLevel::kWarning:
            return "warning";
        case LogLevel::kError:
            return "error";
    }
    return "info";
}

void AppendValue(std::string& out, const LogValue& value, bool quote_strings) {
    if (const auto* text = std::get_if<std::string>(&value)) {
        if (quote_strings) {
            out.push_back('"');
            AppendJsonEscaped(out, *text);
            out.push_back('"');
        } else {
            out.append(*text);
        }
    } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        out.append(std::to_string(*integer));
    } else {
        char buffer[32];
        const int length = std::snprintf(buffer, sizeof buffer, "%.3f", std::get<double>(value));
        out.append(buffer, static_cast<std::size_t>(std::max(length, 0)));
    }
}

std::string JsonLine(LogLevel level, std::string_view message, std::span<const LogField> fields) {
    std::string line = R"({"ts":")" + FormatRfc3339Millis(std::chrono::system_clock::now());
    line.append(R"(","level":")").append(LevelName(level)).append(R"(","msg":")");
    AppendJsonEscaped(line, message);
    line.push_back('"');
    for (const LogField& field : fields) {
        line.append(",\"");
        AppendJsonEscaped(line, field.key);
        line.append("\":");
        AppendValue(line, field.value, true);
    }
    line.append("}\n");
    return line;
}

std::string TextLine(LogLevel level, std::string_view message, std::span<const LogField> fields) {
    std::string line = FormatRfc3339Millis(std::chrono::system_clock::now());
    line.append(" ").append(LevelName(level)).append(" ").append(message);
    for (const LogField& field : fields) {
        line.append(" ").append(field.key).append("=");
        AppendValue(line, field.value, false);
    }
    line.push_back('\n');
    return line;
}

}  // namespace

bool ParseLogLevel(std::string_view text, LogLevel& level) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    if (lower == "debug") {
        level = LogLevel::kDebug;
    } else if (lower == "info") {
        level = LogLevel::kInfo;
    } else if (lower == "warning" || lower == "warn") {
        level = LogLevel::kWarning;
    } else if (lower == "error") {
        level = LogLevel::kError;
    } else {
        return false;
    }
    return true;
}

void ConfigureLogging(LogLevel level, LogFormat format) {
    g_level.store(level);
    g_format.store(format);
}

bool LogEnabled(LogLevel level) {
    return level >= g_level.load(std::memory_order_relaxed);
}

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
    LogFields(level, message, std::span<const LogField>(fields.begin(), fields.size()));
}

void LogFields(LogLevel level, std::string_view message, std::span<const LogField> fields) {
    if (!LogEnabled(level)) {
        return;
    }
    const std::string line = g_format.load(std::memory_order_relaxed) == LogFormat::kJson
                                 ? JsonLine(level, message, fields)
                                 : TextLine(level, message, fields);
    const std::lock_guard lock(g_write_mutex);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
    constexpr std::string_view kHex = "0123456789abcdef";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out.append("\\\"");
                break;
            case '\\':
                out.append("\\\\");
                break;
            case '\n':
                out.append("\\n");
                break;
            case '\r':
                out.append("\\r");
                break;
            case '\t':
                out.append("\\t");
                break;
            default:
                if (byte < 0x20U) {
                    out.append("\\u00");
                    out.push_back(kHex[byte >> 4U]);
                    out.push_back(kHex[byte & 0x0FU]);
                } else {
                    out.push_back(c);
                }
        }
    }
}

}  // namespace clockko::core
