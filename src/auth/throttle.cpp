#include "auth/throttle.hpp"

#include "auth/sha256.hpp"
#include "core/log.hpp"
#include "store/records.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace clockko::auth {
namespace {

constexpr std::chrono::seconds kHour{3600};

// Whole seconds until the window ends, at least one (a 429 always asks for a wait).
std::chrono::seconds RetryAfter(const store::ThrottleCount& count, core::TimePoint now) {
    const auto remaining = std::chrono::ceil<std::chrono::seconds>(count.window_ends_at - now);
    return std::max(remaining, std::chrono::seconds{1});
}

// The refusal with the longest wait: the client must wait out every limit it reached.
void KeepLongest(std::optional<ThrottleRefusal>& kept, const ThrottleRefusal& candidate) {
    if (!kept || candidate.retry_after > kept->retry_after) {
        kept = candidate;
    }
}

struct Rule {
    std::string_view name;
    std::string key;
    int limit;
};

// Reads every rule's counter; refuses (with the longest wait) when any reached its limit.
std::optional<ThrottleRefusal> LongestRefusal(
    store::Store& store, const std::vector<Rule>& rules, core::TimePoint now
) {
    std::optional<ThrottleRefusal> refusal;
    for (const Rule& rule : rules) {
        if (rule.limit <= 0) {
            continue;
        }
        const std::optional<store::ThrottleCount> count = store.ReadThrottle(rule.key, now);
        if (count && count->hits >= rule.limit) {
            KeepLongest(refusal, {rule.name, RetryAfter(*count, now)});
        }
    }
    return refusal;
}

// Counts one failure on every rule's counter (a rule turned off still counts, so that turning
// it on later sees the recent past).
void CountOnEvery(
    store::Store& store,
    const std::vector<Rule>& rules,
    core::TimePoint now,
    std::chrono::seconds window
) {
    for (const Rule& rule : rules) {
        (void)store.HitThrottle(rule.key, now, window);
    }
}

// Failed logins: per account everywhere, and (when the address is known) per account and
// address and per address over all accounts.
std::vector<Rule> LoginRules(
    const ThrottleSettings& settings, std::string_view email, std::string_view address
) {
    std::vector<Rule> rules{
        {"login_account",
         ThrottleKey("login_account", email),
         settings.login_max_failures_account}};
    if (!address.empty()) {
        rules.push_back(
            {"login_account_address",
             ThrottleKey("login_account_address", email, address),
             settings.login_max_failures}
        );
        rules.push_back(
            {"login_address",
             ThrottleKey("login_address", address),
             settings.login_max_failures_address}
        );
    }
    return rules;
}

// Wrong codes: per account, and per address when it is known.
std::vector<Rule> CodeFailureRules(
    const ThrottleSettings& settings, std::string_view email, std::string_view address
) {
    std::vector<Rule> rules{
        {"code_failures_account",
         ThrottleKey("code_failures_account", email),
         settings.code_max_failures_account}};
    if (!address.empty()) {
        rules.push_back(
            {"code_failures_address",
             ThrottleKey("code_failures_address", address),
             settings.code_max_failures_address}
        );
    }
    return rules;
}

}  // namespace

std::string ThrottleKey(std::string_view name, std::string_view first, std::string_view second) {
    std::string material(first);
    material.push_back('\n');  // cannot occur in a normalised email or an address
    material.append(second);
    return std::string(name) + ":" + Sha256Hex(material);
}

std::optional<ThrottleRefusal> Throttle::LoginRefusal(
    std::string_view email, std::string_view address, core::TimePoint now
) const {
    return LongestRefusal(store_, LoginRules(settings_, email, address), now);
}

void Throttle::CountLoginFailure(
    std::string_view email, std::string_view address, core::TimePoint now
) const {
    CountOnEvery(store_, LoginRules(settings_, email, address), now, settings_.window);
}

void Throttle::ClearLoginFailures(std::string_view email, std::string_view address) const {
    if (!address.empty()) {
        store_.ClearThrottle(ThrottleKey("login_account_address", email, address));
    }
}

std::optional<ThrottleRefusal> Throttle::CountCodeRequest(
    store::CodePurpose purpose,
    std::string_view email,
    std::string_view address,
    core::TimePoint now
) const {
    const std::string_view purpose_name =
        purpose == store::CodePurpose::kVerifyEmail ? "verify" : "reset";

    // The address first: a sprayer of many emails is counted even when each email is new. The
    // first limit reached stops the request, so a refused one uses up no later counter.
    struct Window {
        std::string_view rule;
        std::string key;
        std::chrono::seconds length;
        int limit;
    };

    std::vector<Window> windows;
    if (!address.empty()) {
        windows.push_back(
            {"code_address",
             ThrottleKey("code_address", address),
             kHour,
             settings_.code_max_per_hour_address}
        );
    }
    if (settings_.code_resend.count() > 0) {
        windows.push_back(
            {"code_resend",
             ThrottleKey("code_resend", purpose_name, email),
             settings_.code_resend,
             1}
        );
    }
    windows.push_back(
        {"code_hourly", ThrottleKey("code_hourly", email), kHour, settings_.code_max_per_hour}
    );
    for (const Window& window : windows) {
        if (window.limit <= 0) {
            continue;
        }
        const store::ThrottleCount count = store_.HitThrottle(window.key, now, window.length);
        if (count.hits > window.limit) {
            return ThrottleRefusal{window.rule, RetryAfter(count, now)};
        }
    }
    return std::nullopt;
}

std::optional<ThrottleRefusal> Throttle::CodeCheckRefusal(
    std::string_view email, std::string_view address, core::TimePoint now
) const {
    return LongestRefusal(store_, CodeFailureRules(settings_, email, address), now);
}

void Throttle::CountCodeFailure(
    std::string_view email, std::string_view address, core::TimePoint now
) const {
    CountOnEvery(store_, CodeFailureRules(settings_, email, address), now, settings_.window);
}

core::Error Throttled(
    const ThrottleRefusal& refusal, std::string_view user_id, std::string_view address
) {
    core::LogInfo(
        "security event",
        {{"event", std::string("throttled")},
         {"rule", std::string(refusal.rule)},
         {"user_id", std::string(user_id)},
         {"client_ip", std::string(address)},
         {"retry_after", std::int64_t{refusal.retry_after.count()}}}
    );
    core::Error error =
        core::MakeError(core::ErrorCode::kRateLimited, "Too many requests; try again later");
    error.log = "throttled: " + std::string(refusal.rule);
    error.retry_after_seconds = static_cast<int>(refusal.retry_after.count());
    return error;
}

void LogCodeFailure(
    store::CodePurpose purpose,
    const core::Error& failure,
    std::string_view user_id,
    std::string_view address
) {
    core::LogInfo(
        "security event",
        {{"event", std::string("code_failed")},
         {"purpose",
          std::string(
              purpose == store::CodePurpose::kVerifyEmail ? "verify_email" : "reset_password"
          )},
         {"reason", failure.log},
         {"user_id", std::string(user_id)},
         {"client_ip", std::string(address)}}
    );
}

}  // namespace clockko::auth
