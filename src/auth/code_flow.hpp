#pragma once

#include "auth/auth_context.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace clockko::auth {

/// Wrong tries after which a code is void (then kTooManyAttempts until a new one is issued).
inline constexpr int kMaxCodeAttempts = 5;

/// Makes a new code for `user` and `purpose`, stores only its keyed hash (voiding the user's
/// older codes of that purpose) and returns the code, for the mail queued in the same
/// transaction.
[[nodiscard]] std::string IssueCode(
    const AuthContext& context,
    store::StoreTransaction& transaction,
    const store::UserRecord& user,
    store::CodePurpose purpose,
    core::TimePoint now
);

/// Checks `code` (trimmed of ASCII whitespace) against the user's current code of `purpose`.
/// A wrong code counts a failed attempt (the caller must let the transaction commit).
/// Errors: kTooManyAttempts once kMaxCodeAttempts wrong tries were made; kInvalidOtp when there
/// is no current code, it expired, or it does not match. Returns the matching code's record;
/// the caller consumes it.
[[nodiscard]] core::Result<store::CodeRecord> CheckCode(
    const AuthContext& context,
    store::StoreTransaction& transaction,
    const store::UserRecord& user,
    store::CodePurpose purpose,
    std::string_view code,
    core::TimePoint now
);

/// Counts a code request on the throttles (before the account is looked up, so an unknown
/// email is treated exactly like a known one); the 429 when one refuses it.
[[nodiscard]] core::Result<core::Done> ThrottleCodeRequest(
    const AuthContext& context,
    store::CodePurpose purpose,
    std::string_view email,
    std::string_view client_address,
    core::TimePoint now
);

/// Runs `check` (a code check of `purpose` that reports the user id it found, if any) behind
/// the code-failure throttles: refused with 429 once a limit is reached; every failure is
/// counted and logged as a security event.
[[nodiscard]] core::Result<core::Done> ThrottledCodeCheck(
    const AuthContext& context,
    store::CodePurpose purpose,
    std::string_view email,
    std::string_view client_address,
    core::TimePoint now,
    const std::function<core::Result<core::Done>(std::string& user_id)>& check
);

/// The one answer for every code failure that is not kTooManyAttempts.
[[nodiscard]] core::Error InvalidOtp(std::string log);

/// Whole seconds: what every backend stores and every client sees.
[[nodiscard]] core::TimePoint FloorToSeconds(core::TimePoint time);

}  // namespace clockko::auth
