#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace clockko::core {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

/// A value attached to a log line: text or a number.
using LogValue = std::variant<std::string, std::int64_t, double>;

struct LogField {
    std::string_view key;
    LogValue value;
};

/// Parses "debug", "info", "warning" (or "warn"), "error", any case. Returns false when unknown.
bool ParseLogLevel(std::string_view text, LogLevel& level);

/// The process-wide logger: one line per call on stdout (JSON object per line, or text).
/// Configured once at start by `main`; before that it logs text at info.
/// @par Thread safety: every function may be called from any thread; lines never interleave.
/// Callers must never pass a password, one-time code or token in `message` or `fields`.
void ConfigureLogging(LogLevel level, LogFormat format);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
/// Log with a field list built at run time (the start-up configuration line).
void LogFields(LogLevel level, std::string_view message, std::span<const LogField> fields);

inline void LogDebug(std::string_view message, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kDebug, message, fields);
}

inline void LogInfo(std::string_view message, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kInfo, message, fields);
}

inline void LogWarning(std::string_view message, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kWarning, message, fields);
}

inline void LogError(std::string_view message, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kError, message, fields);
}

/// Appends `text` to `out` as the inside of a JSON string (quotes not included).
void AppendJsonEscaped(std::string& out, std::string_view text);

}  // namespace clockko::core
