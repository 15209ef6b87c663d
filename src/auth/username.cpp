#include "auth/username.hpp"

#include "auth/utf8.hpp"

#include <algorithm>

namespace clockko::auth {
namespace {

// Sequential probing keeps names readable (test, test2, …); past this many it would cost one
// query per existing namesake, so random suffixes take over.
constexpr std::uint32_t kSequentialCandidates = 100;
constexpr std::uint32_t kRandomCandidates = 20;
constexpr std::uint32_t kRandomSuffixRange = 900000;

bool IsUsernameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

}  // namespace

std::string UsernameBaseFromEmail(std::string_view normalized_email) {
    const std::string_view local = normalized_email.substr(0, normalized_email.find('@'));
    std::string base;
    for (const char c : local) {
        if (IsUsernameChar(c) && base.size() < kMaxUsernameLength) {
            base.push_back(c);
        }
    }
    return base.empty() ? std::string("user") : base;
}

std::string UsernameCandidate(std::string_view base, std::uint32_t attempt) {
    if (attempt <= 1) {
        return std::string(base.substr(0, kMaxUsernameLength));
    }
    const std::string suffix = std::to_string(attempt);
    const std::size_t room = kMaxUsernameLength - std::min(suffix.size(), kMaxUsernameLength);
    return std::string(base.substr(0, room)) + suffix;
}

core::Result<std::string> ValidateUsername(std::string_view username) {
    const std::string_view trimmed = TrimAscii(username);
    if (trimmed.empty()) {
        return core::ValidationError("username", "must not be empty", "string_too_short");
    }
    if (trimmed.size() > kMaxUsernameLength) {
        return core::ValidationError(
            "username", "must be at most 50 characters", "string_too_long"
        );
    }
    if (!std::all_of(trimmed.begin(), trimmed.end(), IsUsernameChar)) {
        return core::ValidationError(
            "username", "may contain only letters, digits and . _ -", "value_error"
        );
    }
    return std::string(trimmed);
}

store::InsertUserOutcome InsertWithDerivedUsername(
    store::StoreTransaction& transaction,
    store::UserRecord& user,
    std::string_view base,
    core::Random& random
) {
    const auto try_candidate = [&](std::uint32_t attempt) {
        std::string candidate = UsernameCandidate(base, attempt);
        if (transaction.UsernameExists(candidate)) {
            return store::InsertUserOutcome::kUsernameTaken;
        }
        user.username = std::move(candidate);
        return transaction.InsertUser(user);
    };
    for (std::uint32_t attempt = 1; attempt <= kSequentialCandidates; ++attempt) {
        if (const auto outcome = try_candidate(attempt);
            outcome != store::InsertUserOutcome::kUsernameTaken) {
            return outcome;
        }
    }
    for (std::uint32_t i = 0; i < kRandomCandidates; ++i) {
        const std::uint32_t attempt =
            kSequentialCandidates + 1 + core::UniformBelow(random, kRandomSuffixRange);
        if (const auto outcome = try_candidate(attempt);
            outcome != store::InsertUserOutcome::kUsernameTaken) {
            return outcome;
        }
    }
    return store::InsertUserOutcome::kUsernameTaken;
}

}  // namespace clockko::auth
