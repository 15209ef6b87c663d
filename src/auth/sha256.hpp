#pragma once

#include <string>
#include <string_view>

namespace clockko::auth {

/// The SHA-256 digest of `text` as 64 lower-case hex digits (refresh-token hashes, throttle
/// keys). Throws std::runtime_error if OpenSSL fails.
[[nodiscard]] std::string Sha256Hex(std::string_view text);

}  // namespace clockko::auth
