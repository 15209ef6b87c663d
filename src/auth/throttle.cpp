#include "auth/throttle.hpp"

#include "core/log.hpp"
#include "store/records.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace clockko::auth {
namespace {

constexpr std::chrono::seconds kHour{3600};

std::string Sha256Hex(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string hex;
    hex.reserve(std::size_t{length} * 2);
    for (unsigned int index = 0; index < length; ++index) {
        hex.push_back(kHex[digest[index] >> 4U]);
        hex.push_back(kHex[digest[index] & 0x0FU]);
    }
    return hex;
}

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
    std::vector<Rule> rules{
        {"login_account",
         ThrottleKey("login_account", email),
         settings_.login_max_failures_account}};
    if (!address.empty()) {
        rules.push_back(
            {"login_account_address",
             ThrottleKey("login_account_address", email, address),
             settings_.login_max_failures}
        );
        rules.push_back(
            {"login_address",
             ThrottleKey("login_address", address),
             settings_.login_max_failures_address}
        );
    }
    std::optional<ThrottleRefusal> refusal;
    for (const Rule& rule : rules) {
        if (rule.limit <= 0) {
            continue;
        }
        const std::optional<store::ThrottleCount> count = store_.ReadThrottle(rule.key, now);
        if (count && count->hits >= rule.limit) {
            KeepLongest(refusal, {rule.name, RetryAfter(*count, now)});
        }
    }
    return refusal;
}

void Throttle::CountLoginFailure(
    std::string_view email, std::string_view address, core::TimePoint now
) const {
    const std::chrono::seconds window = settings_.window;
    (void)store_.HitThrottle(ThrottleKey("login_account", email), now, window);
    if (!address.empty()) {
        (void)store_.HitThrottle(ThrottleKey("login_account_address", email, address), now, window);
        (void)store_.HitThrottle(ThrottleKey("login_address", address), now, window);
    }
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
    std::vector<Rule> rules{
        {"code_failures_account",
         ThrottleKey("code_failures_account", email),
         settings_.code_max_failures_account}};
    if (!address.empty()) {
        rules.push_back(
            {"code_failures_address",
             ThrottleKey("code_failures_address", address),
             settings_.code_max_failures_address}
        );
    }
    std::optional<ThrottleRefusal> refusal;
    for (const Rule& rule : rules) {
        if (rule.limit <= 0) {
            continue;
        }
        const std::optional<store::ThrottleCount> count = store_.ReadThrottle(rule.key, now);
        if (count && count->hits >= rule.limit) {
            KeepLongest(refusal, {rule.name, RetryAfter(*count, now)});
        }
    }
    return refusal;
}

void Throttle::CountCodeFailure(
    std::string_view email, std::string_view address, core::TimePoint now
) const {
    const std::chrono::seconds window = settings_.window;
    (void)store_.HitThrottle(ThrottleKey("code_failures_account", email), now, window);
    if (!address.empty()) {
        (void)store_.HitThrottle(ThrottleKey("code_failures_address", address), now, window);
    }
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
