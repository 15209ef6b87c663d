#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace clockko::auth {

/// The throttling variables of the contract (and this service's additions). A limit of 0 is
/// off; the configuration only allows 0 for CODE_RESEND_SECONDS.
struct ThrottleSettings {
    int login_max_failures = 10;           ///< LOGIN_MAX_FAILURES, per account and address
    int login_max_failures_account = 50;   ///< LOGIN_MAX_FAILURES_ACCOUNT, all addresses
    int login_max_failures_address = 100;  ///< LOGIN_MAX_FAILURES_ADDRESS, all accounts
    std::chrono::minutes window{15};       ///< THROTTLE_WINDOW_MINUTES
    std::chrono::seconds code_resend{60};  ///< CODE_RESEND_SECONDS, per purpose and email
    int code_max_per_hour = 5;             ///< CODE_MAX_PER_HOUR, per email, both purposes
    int code_max_per_hour_address = 20;    ///< CODE_MAX_PER_HOUR_ADDRESS, all emails
    int code_max_failures_account = 20;    ///< CODE_MAX_FAILURES_ACCOUNT, per window
    int code_max_failures_address = 50;    ///< CODE_MAX_FAILURES_ADDRESS, per window
};

/// A request a throttle refused: which rule (for the security log) and when to come back.
struct ThrottleRefusal {
    std::string_view rule;
    std::chrono::seconds retry_after{1};
};

/// Counters kept in the store, shared by every instance on the database. Keys are namespaced
/// SHA-256 digests of the normalised email and/or client address: bounded in length, and no
/// address or email is stored in clear. An empty client address (unknown) skips the rules that
/// involve one.
/// @par Thread safety: as the store's; holds no state of its own.
class Throttle final {
public:
    Throttle(store::Store& store, const ThrottleSettings& settings)
        : store_(store), settings_(settings) {}

    /// Reads the three login counters; refuses once any reached its limit.
    [[nodiscard]] std::optional<ThrottleRefusal> LoginRefusal(
        std::string_view email, std::string_view address, core::TimePoint now
    ) const;
    /// Counts a failed login on the three counters.
    void CountLoginFailure(std::string_view email, std::string_view address, core::TimePoint now)
        const;
    /// A successful login forgets the account-and-address counter only (an attacker's failures
    /// from elsewhere still count on the account).
    void ClearLoginFailures(std::string_view email, std::string_view address) const;

    /// Counts a code request (whether or not the account exists) and refuses it when over the
    /// per-address, resend or hourly limit.
    [[nodiscard]] std::optional<ThrottleRefusal> CountCodeRequest(
        store::CodePurpose purpose,
        std::string_view email,
        std::string_view address,
        core::TimePoint now
    ) const;

    /// Refuses a code check once the account or the address reached its failure limit.
    [[nodiscard]] std::optional<ThrottleRefusal> CodeCheckRefusal(
        std::string_view email, std::string_view address, core::TimePoint now
    ) const;
    /// Counts a failed code check (wrong, expired, unknown email…) on both counters.
    void CountCodeFailure(std::string_view email, std::string_view address, core::TimePoint now)
        const;

private:
    store::Store& store_;
    const ThrottleSettings& settings_;
};

/// The 429 rate_limited answer for `refusal`, after one security-event log line (the rule,
/// the user id when known, the client address; never a password, code or token).
[[nodiscard]] core::Error Throttled(
    const ThrottleRefusal& refusal, std::string_view user_id, std::string_view address
);

/// One security-event log line for a failed code check: why (`failure.log`), the purpose, the
/// user id when known and the client address, never the code.
void LogCodeFailure(
    store::CodePurpose purpose,
    const core::Error& failure,
    std::string_view user_id,
    std::string_view address
);

/// The namespaced digest key of `parts` (exposed for tests).
[[nodiscard]] std::string ThrottleKey(
    std::string_view name, std::string_view first, std::string_view second = {}
);

}  // namespace clockko::auth
