#include "auth/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace clockko::auth {

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

}  // namespace clockko::auth
