#pragma once

#include "core/error.hpp"
#include "core/random.hpp"
#include "store/store.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace clockko::auth {

inline constexpr std::size_t kMaxUsernameLength = 50;

/// The username a new account gets by default: the email's local part with only ASCII letters,
/// digits and `._-` kept (every other byte dropped), cut to kMaxUsernameLength; "user" when
/// nothing is left.
[[nodiscard]] std::string UsernameBaseFromEmail(std::string_view normalized_email);

/// Candidate `attempt` (1-based) for `base`: the base itself, then base2, base3, … with the base
/// shortened so that the whole stays within kMaxUsernameLength.
[[nodiscard]] std::string UsernameCandidate(std::string_view base, std::uint32_t attempt);

/// Checks a username the client chose, trimmed of ASCII whitespace: not empty, at most
/// kMaxUsernameLength characters, only ASCII letters, digits and `._-`. Returns it trimmed.
/// Errors: kValidation on field "username".
[[nodiscard]] core::Result<std::string> ValidateUsername(std::string_view username);

/// Inserts `user` under the first free candidate derived from `base` (setting user.username):
/// sequential suffixes first, then random numeric ones. A username taken by a concurrent
/// insert is skipped like one seen by UsernameExists.
/// Returns kInserted, kEmailTaken, or kUsernameTaken when every candidate tried was taken.
/// Throws what the store throws.
[[nodiscard]] store::InsertUserOutcome InsertWithDerivedUsername(
    store::StoreTransaction& transaction,
    store::UserRecord& user,
    std::string_view base,
    core::Random& random
);

}  // namespace clockko::auth
