#pragma once

#include "core/clock.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace clockko::core {

/// RFC 3339 in UTC with whole seconds: "2026-11-29T16:21:29Z".
std::string FormatRfc3339(TimePoint time);

/// RFC 3339 in UTC with milliseconds: "2026-11-29T16:21:29.123Z" (for logs).
std::string FormatRfc3339Millis(TimePoint time);

/// RFC 5322 date for mail headers: "Sun, 29 Nov 2026 16:21:29 +0000".
std::string FormatRfc5322(TimePoint time);

/// Parses "YYYY-MM-DD HH:MM:SS[.ffffff]" or with 'T', optional 'Z' or "+00"/"+00:00" suffix,
/// as UTC. Returns nullopt when malformed.
std::optional<TimePoint> ParseUtcTimestamp(std::string_view text);

}  // namespace clockko::core
