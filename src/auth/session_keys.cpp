#include "auth/session_keys.hpp"

#include "auth/sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace clockko::auth {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenChars = 43;  // base64 of 32 bytes without the one '=' of padding
constexpr std::size_t kTokenIdBytes = 16;
constexpr std::string_view kSuccessorLabel = "clockko-refresh-successor:";
constexpr std::string_view kTokenIdLabel = "clockko-refresh-access-jti:";

using Digest = std::array<unsigned char, 32>;

Digest Mac(std::string_view key, std::string_view label, std::string_view message) {
    const std::string input = std::string(label) + std::string(message);
    Digest digest{};
    unsigned int length = 0;
    if (HMAC(
            EVP_sha256(),
            key.data(),
            static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(input.data()),
            input.size(),
            digest.data(),
            &length
        ) == nullptr ||
        length != digest.size()) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return digest;
}

// Base64url (RFC 4648 §5) without padding, from OpenSSL's standard base64.
std::string Base64Url(const unsigned char* bytes, std::size_t size) {
    std::string text(4 * ((size + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(text.data()), bytes, static_cast<int>(size)
    );
    text.resize(static_cast<std::size_t>(written));
    while (!text.empty() && text.back() == '=') {
        text.pop_back();
    }
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    return text;
}

std::string Hex(const unsigned char* bytes, std::size_t size) {
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string text;
    text.reserve(2 * size);
    for (std::size_t i = 0; i < size; ++i) {
        text.push_back(kDigits[bytes[i] >> 4U]);
        text.push_back(kDigits[bytes[i] & 0x0FU]);
    }
    return text;
}

bool IsBase64UrlChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool SameHash(std::string_view left, std::string_view right) {
    return left.size() == right.size() &&
           CRYPTO_memcmp(left.data(), right.data(), left.size()) == 0;
}

}  // namespace

SessionKeys::SessionKeys(std::string_view secret_key, std::string_view previous_secret_key)
    : key_(secret_key), previous_key_(previous_secret_key) {
    if (key_.empty()) {
        throw std::invalid_argument("refresh tokens need a secret key");
    }
}

std::string SessionKeys::NewToken(core::Random& random) {
    std::array<std::uint8_t, kTokenBytes> bytes{};
    random.Fill(bytes);
    std::string token = Base64Url(bytes.data(), bytes.size());
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return token;
}

std::string SessionKeys::Hash(std::string_view token) {
    return Sha256Hex(token);
}

std::string SessionKeys::Successor(std::string_view token) const {
    const Digest digest = Mac(key_, kSuccessorLabel, token);
    return Base64Url(digest.data(), digest.size());
}

std::optional<std::string> SessionKeys::FindSuccessor(
    std::string_view token, std::string_view successor_hash
) const {
    std::string successor = Successor(token);
    if (SameHash(Hash(successor), successor_hash)) {
        return successor;
    }
    if (!previous_key_.empty()) {
        const Digest digest = Mac(previous_key_, kSuccessorLabel, token);
        successor = Base64Url(digest.data(), digest.size());
        if (SameHash(Hash(successor), successor_hash)) {
            return successor;
        }
    }
    return std::nullopt;
}

std::string SessionKeys::AccessTokenId(std::string_view token) const {
    const Digest digest = Mac(key_, kTokenIdLabel, token);
    return Hex(digest.data(), kTokenIdBytes);
}

bool IsRefreshTokenShape(std::string_view token) {
    return token.size() == kTokenChars && std::all_of(token.begin(), token.end(), IsBase64UrlChar);
}

}  // namespace clockko::auth
