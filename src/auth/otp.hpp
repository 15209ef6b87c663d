#pragma once

#include "core/random.hpp"
#include "store/records.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace clockko::auth {

inline constexpr std::size_t kCodeDigits = 6;

/// A new one-time code: kCodeDigits decimal digits, uniform (UniformBelow has no modulo bias).
[[nodiscard]] std::string GenerateCode(core::Random& random);

/// True when `code` is exactly kCodeDigits ASCII digits.
[[nodiscard]] bool IsWellFormedCode(std::string_view code);

/// Keyed hashes of one-time codes: HMAC-SHA256 under a key derived from SECRET_KEY, over the
/// purpose, the user id and the code, so that a stored hash is useless without the key and a
/// code matches only its own user and purpose.
/// @par Thread safety: immutable after construction; safe to share.
class CodeHasher final {
public:
    /// `previous_secret_key` (SECRET_KEY_PREVIOUS, may be empty) keeps codes issued just before a
    /// key rotation working. Throws std::invalid_argument when `secret_key` is empty.
    CodeHasher(std::string_view secret_key, std::string_view previous_secret_key);

    /// Lower-case hex of the MAC under the current key. Throws std::runtime_error if OpenSSL fails.
    [[nodiscard]] std::string Hash(
        std::string_view user_id, store::CodePurpose purpose, std::string_view code
    ) const;

    /// True when `code` is well formed and `code_hash` is its hash for this user and purpose under
    /// the current or the previous key (constant-time comparison).
    [[nodiscard]] bool Matches(
        std::string_view user_id,
        store::CodePurpose purpose,
        std::string_view code,
        std::string_view code_hash
    ) const;

private:
    using Key = std::array<unsigned char, 32>;
    [[nodiscard]] static std::string Mac(
        const Key& key, std::string_view user_id, store::CodePurpose purpose, std::string_view code
    );

    Key key_{};
    Key previous_key_{};
    bool has_previous_ = false;
};

}  // namespace clockko::auth
