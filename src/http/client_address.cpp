#include "http/client_address.hpp"

#include "http/headers.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>
#include <stdexcept>

namespace clockko::http {
namespace {

struct Address {
    std::array<std::uint8_t, 16> bytes{};
    bool is_v4 = false;
};

std::optional<Address> ParseAddress(std::string_view text) {
    const std::string copy(text);
    Address address;
    if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) {
        address.is_v4 = true;
        return address;
    }
    if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) != 1) {
        return std::nullopt;
    }
    // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d.
    constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), address.bytes.begin())) {
        std::memmove(address.bytes.data(), address.bytes.data() + 12, 4);
        std::fill(address.bytes.begin() + 4, address.bytes.end(), std::uint8_t{0});
        address.is_v4 = true;
    }
    return address;
}

bool PrefixMatches(const Address& address, const std::array<std::uint8_t, 16>& block, int bits) {
    std::size_t index = 0;
    for (; bits >= 8; bits -= 8, ++index) {
        if (address.bytes.at(index) != block.at(index)) {
            return false;
        }
    }
    if (bits == 0) {
        return true;
    }
    const auto mask = static_cast<std::uint8_t>(0xFFU << static_cast<unsigned>(8 - bits));
    return (address.bytes.at(index) & mask) == (block.at(index) & mask);
}

}  // namespace

std::optional<std::string> TrustedProxies::Problem(std::string_view entry) {
    const std::string_view trimmed = TrimOws(entry);
    const auto slash = trimmed.find('/');
    const auto address = ParseAddress(trimmed.substr(0, slash));
    if (!address) {
        return "not an IP address: \"" + std::string(entry) + "\"";
    }
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view bits = trimmed.substr(slash + 1);
    const int max_bits = address->is_v4 ? 32 : 128;
    const bool digits =
        !bits.empty() && bits.size() <= 3 &&
        std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(bits)) > max_bits) {
        return "not a CIDR block: \"" + std::string(entry) + "\"";
    }
    return std::nullopt;
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
    for (const std::string& entry : entries) {
        if (auto problem = Problem(entry)) {
            throw std::invalid_argument("TRUSTED_PROXIES: " + *problem);
        }
        const std::string_view trimmed = TrimOws(entry);
        const auto slash = trimmed.find('/');
        const Address address = *ParseAddress(trimmed.substr(0, slash));
        Block block{
            .bytes = address.bytes,
            .is_v4 = address.is_v4,
            .prefix_bits = address.is_v4 ? 32 : 128};
        if (slash != std::string_view::npos) {
            block.prefix_bits = std::stoi(std::string(trimmed.substr(slash + 1)));
        }
        blocks_.push_back(block);
    }
}

bool TrustedProxies::Contains(std::string_view address) const {
    const auto parsed = ParseAddress(TrimOws(address));
    if (!parsed) {
        return false;
    }
    return std::any_of(blocks_.begin(), blocks_.end(), [&](const Block& block) {
        return block.is_v4 == parsed->is_v4 &&
               PrefixMatches(*parsed, block.bytes, block.prefix_bits);
    });
}

std::string TrustedProxies::ClientAddress(
    std::string_view peer, std::optional<std::string_view> forwarded_for
) const {
    if (!forwarded_for || !Contains(peer)) {
        return std::string(peer);
    }
    std::string_view hops = *forwarded_for;
    std::string_view leftmost;
    while (!hops.empty()) {
        const auto comma = hops.rfind(',');
        const std::string_view hop =
            TrimOws(comma == std::string_view::npos ? hops : hops.substr(comma + 1));
        hops = comma == std::string_view::npos ? std::string_view{} : hops.substr(0, comma);
        if (hop.empty()) {
            continue;
        }
        if (!ParseAddress(hop)) {
            // A trusted proxy appends real addresses; anything else was written by the client.
            break;
        }
        if (!Contains(hop)) {
            return std::string(hop);
        }
        leftmost = hop;
    }
    return leftmost.empty() ? std::string(peer) : std::string(leftmost);
}

}  // namespace clockko::http
