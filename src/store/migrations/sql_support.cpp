#include "store/migrations/sql_support.hpp"

#include "core/error.hpp"
#include "core/time_format.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace clockko::store::sql {
namespace {

constexpr std::size_t kUuidHexDigits = 32;
constexpr std::size_t kMaxErrorTextBytes = 500;

bool IsHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char LowerHex(char c) {
    return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool IsDashPosition(std::size_t index) {
    return index == 8 || index == 13 || index == 18 || index == 23;
}

}  // namespace

Param OptionalText(const std::optional<std::string>& value) {
    if (!value) {
        return nullptr;
    }
    return std::string_view(*value);
}

const std::optional<std::string>& Rows::Cell(std::size_t row, std::size_t column) const {
    if (column >= column_count_ || row >= Size()) {
        throw core::StoreFailure("result cell out of range");
    }
    return cells_[row * column_count_ + column];
}

std::string Rows::Text(std::size_t row, std::size_t column) const {
    const auto& cell = Cell(row, column);
    if (!cell) {
        throw core::StoreFailure("unexpected NULL in a result column");
    }
    return *cell;
}

std::int64_t Rows::Int64(std::size_t row, std::size_t column) const {
    const std::string text = Text(row, column);
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        throw core::StoreFailure("malformed integer in a result column");
    }
    return value;
}

bool Rows::Bool(std::size_t row, std::size_t column) const {
    const std::string text = Text(row, column);
    if (text == "1" || text == "t" || text == "true") {
        return true;
    }
    if (text == "0" || text == "f" || text == "false") {
        return false;
    }
    throw core::StoreFailure("malformed boolean in a result column");
}

std::optional<std::string> CompactUuid(std::string_view text) {
    std::string out;
    out.reserve(kUuidHexDigits);
    if (text.size() == kUuidHexDigits + 4) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (IsDashPosition(i)) {
                if (text[i] != '-') {
                    return std::nullopt;
                }
                continue;
            }
            if (!IsHexDigit(text[i])) {
                return std::nullopt;
            }
            out.push_back(LowerHex(text[i]));
        }
        return out;
    }
    if (text.size() != kUuidHexDigits) {
        return std::nullopt;
    }
    for (const char c : text) {
        if (!IsHexDigit(c)) {
            return std::nullopt;
        }
        out.push_back(LowerHex(c));
    }
    return out;
}

std::optional<std::string> CanonicalUuid(std::string_view text) {
    const auto compact = CompactUuid(text);
    if (!compact) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(kUuidHexDigits + 4);
    for (std::size_t i = 0; i < compact->size(); ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) {
            out.push_back('-');
        }
        out.push_back((*compact)[i]);
    }
    return out;
}

std::string FormatTimestamp(core::TimePoint time) {
    using std::chrono::floor;
    const auto micros = floor<std::chrono::microseconds>(time);
    const auto day = floor<std::chrono::days>(micros);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss clock{micros - day};
    std::array<char, 40> buffer{};
    const int length = std::snprintf(
        buffer.data(),
        buffer.size(),
        "%04d-%02u-%02u %02d:%02d:%02d.%06lld",
        static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()),
        static_cast<unsigned>(date.day()),
        static_cast<int>(clock.hours().count()),
        static_cast<int>(clock.minutes().count()),
        static_cast<int>(clock.seconds().count()),
        static_cast<long long>(clock.subseconds().count())
    );
    if (length <= 0) {
        throw core::StoreFailure("timestamp formatting failed");
    }
    return {buffer.data(), static_cast<std::size_t>(length)};
}

core::TimePoint ParseTimestamp(std::string_view text) {
    const auto parsed = core::ParseUtcTimestamp(text);
    if (!parsed) {
        throw core::StoreFailure("malformed timestamp in a result column");
    }
    return *parsed;
}

core::TimePoint FromUnixMicros(std::int64_t micros) {
    return core::TimePoint{std::chrono::microseconds{micros}};
}

const char* PurposeName(CodePurpose purpose) {
    switch (purpose) {
        case CodePurpose::kVerifyEmail:
            return "verify_email";
        case CodePurpose::kResetPassword:
            return "reset_password";
    }
    throw core::StoreFailure("unknown code purpose");
}

CodePurpose ParsePurpose(std::string_view name) {
    if (name == "verify_email") {
        return CodePurpose::kVerifyEmail;
    }
    if (name == "reset_password") {
        return CodePurpose::kResetPassword;
    }
    throw core::StoreFailure("unknown code purpose in one_time_codes");
}

std::string BoundedErrorText(std::string_view error) {
    if (error.size() <= kMaxErrorTextBytes) {
        return std::string(error);
    }
    // Cut on a UTF-8 character boundary so that the column stays valid text.
    std::size_t cut = kMaxErrorTextBytes;
    while (cut > 0 && (static_cast<unsigned char>(error[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    return std::string(error.substr(0, cut));
}

}  // namespace clockko::store::sql
