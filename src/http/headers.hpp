#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clockko::http {

/// ASCII case-insensitive equality, for header names, schemes and media types.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
std::string_view TrimOws(std::string_view text);

/// HTTP header fields in arrival order. Names compare case-insensitively; repeated names are kept.
/// @par Thread safety: a plain value; no internal synchronisation.
class Headers final {
public:
    using Field = std::pair<std::string, std::string>;

    /// Appends a field (a repeated name is kept as a second field).
    void Add(std::string name, std::string value);
    /// Replaces every field called `name` by one with `value`.
    void Set(std::string_view name, std::string value);
    /// Removes every field called `name`.
    void Remove(std::string_view name);
    /// The first value of `name`, or nullopt.
    [[nodiscard]] std::optional<std::string_view> Find(std::string_view name) const;
    /// Every value of `name` joined by ", " (RFC 9110 §5.3), or nullopt when absent.
    [[nodiscard]] std::optional<std::string> FindJoined(std::string_view name) const;

    [[nodiscard]] bool Contains(std::string_view name) const { return Find(name).has_value(); }

    // Lower-case begin/end so that range-for works.
    // NOLINTNEXTLINE(readability-identifier-naming)
    [[nodiscard]] std::vector<Field>::const_iterator begin() const { return fields_.begin(); }

    // NOLINTNEXTLINE(readability-identifier-naming)
    [[nodiscard]] std::vector<Field>::const_iterator end() const { return fields_.end(); }

    [[nodiscard]] std::size_t Size() const { return fields_.size(); }

private:
    std::vector<Field> fields_;
};

/// The media type of a Content-Type value, lower-cased, without parameters:
/// "Application/JSON; charset=utf-8" -> "application/json".
std::string MediaType(std::string_view content_type);

}  // namespace clockko::http
