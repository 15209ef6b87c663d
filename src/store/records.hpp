#pragma once

#include "core/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace clockko::store {

/// A row of `users`. `id` is the canonical 36-character UUID whatever the backend stores.
struct UserRecord {
    std::string id;
    std::string email;  ///< trimmed and lower-cased on insert
    std::string username;
    std::optional<std::string> full_name;
    std::optional<std::string> phone_number;
    std::string hashed_password;
    bool is_active = true;
    bool is_verified = false;
    bool otp_verified = false;
    core::TimePoint created_at;
    /// Raised by a password reset (and later logout-all): access tokens carrying an older
    /// version are rejected.
    std::int64_t token_version = 0;
};

enum class InsertUserOutcome { kInserted, kEmailTaken, kUsernameTaken };

/// What a one-time code is for. A code of one purpose never serves the other.
enum class CodePurpose { kVerifyEmail, kResetPassword };

/// A one-time code as stored: only its keyed hash.
struct CodeRecord {
    std::int64_t id = 0;
    std::string user_id;
    CodePurpose purpose = CodePurpose::kVerifyEmail;
    std::string code_hash;
    core::TimePoint created_at;
    core::TimePoint expires_at;
    int failed_attempts = 0;
};

/// A message waiting in the outbox. `template_name` and `parameters_json` are rendered by the
/// mailer when the message is sent (the store treats the parameters as opaque text).
struct OutgoingMail {
    std::string recipient;
    std::string template_name;
    std::string parameters_json;
};

/// An outbox row claimed for delivery.
struct OutboxEntry {
    std::int64_t id = 0;
    OutgoingMail mail;
    int attempts = 0;  ///< delivery attempts made before this one
};

}  // namespace clockko::store
