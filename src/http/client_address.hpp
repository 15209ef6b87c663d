#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clockko::http {

/// The proxies (the load balancer's addresses) whose `X-Forwarded-For` is believed
/// (TRUSTED_PROXIES): IPv4/IPv6 addresses or CIDR blocks.
/// @par Thread safety: immutable after construction; safe to share between threads.
class TrustedProxies final {
public:
    TrustedProxies() = default;
    /// Throws std::invalid_argument naming the first entry that is not an address or block.
    explicit TrustedProxies(const std::vector<std::string>& entries);

    /// Why `entry` is not a valid address or CIDR block, or nullopt when it is (for config
    /// validation).
    static std::optional<std::string> Problem(std::string_view entry);

    /// Whether `address` (textual IPv4 or IPv6; v4-mapped IPv6 counts as IPv4) is trusted.
    [[nodiscard]] bool Contains(std::string_view address) const;

    /// The contract's client address: the peer, or when the peer is trusted, the rightmost
    /// address of `forwarded_for` that is not itself trusted (the leftmost when all are).
    /// A spoofed header from an untrusted peer changes nothing.
    [[nodiscard]] std::string ClientAddress(
        std::string_view peer, std::optional<std::string_view> forwarded_for
    ) const;

private:
    struct Block {
        std::array<std::uint8_t, 16> bytes{};
        bool is_v4 = false;
        int prefix_bits = 0;
    };

    std::vector<Block> blocks_;
};

}  // namespace clockko::http
