#include "auth/otp.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <stdexcept>

namespace clockko::auth {
namespace {

constexpr std::uint32_t kCodeRange = 1000000;
static_assert(kCodeDigits == 6);
constexpr std::string_view kKeyLabel = "clockko-otp-v1";
constexpr std::string_view kHexDigits = "0123456789abcdef";

std::string_view PurposeName(store::CodePurpose purpose) {
    switch (purpose) {
        case store::CodePurpose::kVerifyEmail:
            return "verify_email";
        case store::CodePurpose::kResetPassword:
            return "reset_password";
    }
    throw std::invalid_argument("unknown code purpose");
}

std::array<unsigned char, 32> HmacSha256(std::string_view key, std::string_view message) {
    std::array<unsigned char, 32> out{};
    unsigned int length = 0;
    if (HMAC(
            EVP_sha256(),
            key.data(),
            static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()),
            message.size(),
            out.data(),
            &length
        ) == nullptr ||
        length != out.size()) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return out;
}

std::string_view AsText(const std::array<unsigned char, 32>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::string GenerateCode(core::Random& random) {
    std::string code = std::to_string(core::UniformBelow(random, kCodeRange));
    code.insert(0, kCodeDigits - code.size(), '0');
    return code;
}

bool IsWellFormedCode(std::string_view code) {
    return code.size() == kCodeDigits &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

CodeHasher::CodeHasher(std::string_view secret_key, std::string_view previous_secret_key) {
    if (secret_key.empty()) {
        throw std::invalid_argument("code hasher needs a secret key");
    }
    // A key of its own, so that a code hash can never be confused with a JWT signature.
    key_ = HmacSha256(secret_key, kKeyLabel);
    if (!previous_secret_key.empty()) {
        previous_key_ = HmacSha256(previous_secret_key, kKeyLabel);
        has_previous_ = true;
    }
}

std::string CodeHasher::Mac(
    const Key& key, std::string_view user_id, store::CodePurpose purpose, std::string_view code
) {
    // No field can contain '\n' (a fixed name, a UUID, digits), so the message is unambiguous.
    std::string message(PurposeName(purpose));
    message.append("\n").append(user_id).append("\n").append(code);
    const auto mac = HmacSha256(AsText(key), message);
    std::string hex;
    hex.reserve(mac.size() * 2);
    for (const unsigned char byte : mac) {
        hex.push_back(kHexDigits[byte >> 4U]);
        hex.push_back(kHexDigits[byte & 0x0FU]);
    }
    return hex;
}

std::string CodeHasher::Hash(
    std::string_view user_id, store::CodePurpose purpose, std::string_view code
) const {
    return Mac(key_, user_id, purpose, code);
}

bool CodeHasher::Matches(
    std::string_view user_id,
    store::CodePurpose purpose,
    std::string_view code,
    std::string_view code_hash
) const {
    if (!IsWellFormedCode(code) || user_id.find('\n') != std::string_view::npos) {
        return false;
    }
    const auto equal = [&](const std::string& expected) {
        return expected.size() == code_hash.size() &&
               CRYPTO_memcmp(expected.data(), code_hash.data(), expected.size()) == 0;
    };
    bool matched = equal(Mac(key_, user_id, purpose, code));
    if (has_previous_) {
        matched = equal(Mac(previous_key_, user_id, purpose, code)) || matched;
    }
    return matched;
}

}  // namespace clockko::auth
