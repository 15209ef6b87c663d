#include "http/client_address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace clockko::http {
namespace {

TEST(TrustedProxies, MatchesAddressesAndBlocks) {
    const TrustedProxies proxies({"10.0.0.0/8", "192.168.1.5", "fd00::/8", " 172.16.0.0/12 "});
    EXPECT_TRUE(proxies.Contains("10.200.3.4"));
    EXPECT_TRUE(proxies.Contains("192.168.1.5"));
    EXPECT_FALSE(proxies.Contains("192.168.1.6"));
    EXPECT_TRUE(proxies.Contains("172.31.255.255"));
    EXPECT_FALSE(proxies.Contains("172.32.0.0"));
    EXPECT_TRUE(proxies.Contains("fd12::1"));
    EXPECT_FALSE(proxies.Contains("fe80::1"));
    EXPECT_TRUE(proxies.Contains("::ffff:10.1.1.1"));  // v4-mapped from a dual-stack socket
    EXPECT_FALSE(proxies.Contains("not-an-ip"));
}

TEST(TrustedProxies, OddPrefixLengthsMaskBits) {
    const TrustedProxies proxies({"10.0.0.128/25", "0.0.0.0/0"});
    EXPECT_TRUE(proxies.Contains("8.8.8.8"));
    const TrustedProxies narrow({"10.0.0.128/25"});
    EXPECT_TRUE(narrow.Contains("10.0.0.200"));
    EXPECT_FALSE(narrow.Contains("10.0.0.127"));
}

TEST(TrustedProxies, InvalidEntriesAreRejected) {
    for (const std::string bad :
         {"10.0.0.0/33", "10.0.0/8", "abc", "10.0.0.0/", "10.0.0.0/x", "::/129", ""}) {
        EXPECT_TRUE(TrustedProxies::Problem(bad)) << bad;
        EXPECT_THROW((void)TrustedProxies(std::vector<std::string>{bad}), std::invalid_argument)
            << bad;
    }
    EXPECT_FALSE(TrustedProxies::Problem("::/0"));
}

TEST(ClientAddress, UntrustedPeerIgnoresForwardedFor) {
    const TrustedProxies proxies({"10.0.0.0/8"});
    EXPECT_EQ(proxies.ClientAddress("203.0.113.1", "1.2.3.4"), "203.0.113.1");
    EXPECT_EQ(TrustedProxies().ClientAddress("10.0.0.1", "1.2.3.4"), "10.0.0.1");
}

TEST(ClientAddress, TrustedPeerYieldsRightmostUntrustedHop) {
    const TrustedProxies proxies({"10.0.0.0/8"});
    // The client spoofed "6.6.6.6"; the ALB appended the real address.
    EXPECT_EQ(proxies.ClientAddress("10.0.0.1", "6.6.6.6, 203.0.113.9"), "203.0.113.9");
    EXPECT_EQ(proxies.ClientAddress("10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.7"), "203.0.113.9");
    EXPECT_EQ(proxies.ClientAddress("10.0.0.1", "203.0.113.9,10.0.0.7"), "203.0.113.9");
}

TEST(ClientAddress, AllHopsTrustedYieldsLeftmost) {
    const TrustedProxies proxies({"10.0.0.0/8"});
    EXPECT_EQ(proxies.ClientAddress("10.0.0.1", "10.0.0.3, 10.0.0.2"), "10.0.0.3");
}

TEST(ClientAddress, GarbageHopStopsTheWalk) {
    const TrustedProxies proxies({"10.0.0.0/8"});
    EXPECT_EQ(proxies.ClientAddress("10.0.0.1", "nonsense"), "10.0.0.1");
    EXPECT_EQ(proxies.ClientAddress("10.0.0.1", ""), "10.0.0.1");
    EXPECT_EQ(proxies.ClientAddress("10.0.0.1", std::nullopt), "10.0.0.1");
}

}  // namespace
}  // namespace clockko::http
