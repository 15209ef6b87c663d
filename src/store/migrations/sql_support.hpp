#pragma once

#include "core/clock.hpp"
#include "store/records.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace clockko::store::sql {

/// A statement of a store backend: `name` identifies it in logs and caches (PostgreSQL
/// prepared-statement name), `text` is the SQL with placeholders only, never values.
struct Statement {
    const char* name;
    const char* text;
};

/// A bound parameter: NULL, an integer or text.
using Param = std::variant<std::nullptr_t, std::int64_t, std::string_view>;

/// `value` as a parameter, NULL when absent.
Param OptionalText(const std::optional<std::string>& value);

/// Result rows copied out of the engine's buffers, so that no C type leaves an adapter's .cpp.
/// The typed getters throw core::StoreFailure on NULL or malformed values (a schema bug).
class Rows final {
public:
    explicit Rows(std::size_t column_count) : column_count_(column_count) {}

    void Append(std::optional<std::string> cell) { cells_.push_back(std::move(cell)); }

    [[nodiscard]] std::size_t Size() const {
        return column_count_ == 0 ? 0 : cells_.size() / column_count_;
    }

    [[nodiscard]] bool Empty() const { return cells_.empty(); }

    [[nodiscard]] const std::optional<std::string>& Cell(std::size_t row, std::size_t column) const;
    [[nodiscard]] std::string Text(std::size_t row, std::size_t column) const;
    [[nodiscard]] std::int64_t Int64(std::size_t row, std::size_t column) const;
    /// Accepts SQLite's 1/0 and PostgreSQL's t/f.
    [[nodiscard]] bool Bool(std::size_t row, std::size_t column) const;

private:
    std::size_t column_count_;
    std::vector<std::optional<std::string>> cells_;
};

/// The canonical lower-case 36-character UUID for `text` given in that form (any case) or as 32
/// hex digits; nullopt when `text` is neither.
std::optional<std::string> CanonicalUuid(std::string_view text);

/// The 32 hex digits without dashes that SQLAlchemy stores in SQLite's CHAR(32) column; nullopt
/// when `text` is not a UUID in either form.
std::optional<std::string> CompactUuid(std::string_view text);

/// UTC as "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's SQLite DateTime text, and a literal
/// PostgreSQL reads as `timestamp`). Truncates to microseconds.
std::string FormatTimestamp(core::TimePoint time);

/// Parses FormatTimestamp's form (fraction optional); throws core::StoreFailure when malformed.
core::TimePoint ParseTimestamp(std::string_view text);

/// Microseconds since the Unix epoch, as PostgreSQL's adapter reads timestamps.
core::TimePoint FromUnixMicros(std::int64_t micros);

/// The stored name of a purpose ('verify_email' / 'reset_password'), and back (StoreFailure on
/// an unknown name).
const char* PurposeName(CodePurpose purpose);
CodePurpose ParsePurpose(std::string_view name);

/// Error texts kept for the outbox's last_error are bounded (a chatty SMTP server).
std::string BoundedErrorText(std::string_view error);

}  // namespace clockko::store::sql
