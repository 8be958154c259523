#include "http/client_address.h"

#include <gtest/gtest.h>

#include "core/ip_address.h"

namespace batuta::http {
namespace {

const std::vector<std::string> kProxies{"10.0.0.5", "10.0.0.6"};

TEST(ClientAddressTest, WithoutTrustedProxiesThePeerIsTheClient) {
  EXPECT_EQ(ClientAddress("203.0.113.9", {{"X-Forwarded-For", "1.2.3.4"}}, {}), "203.0.113.9");
}

TEST(ClientAddressTest, AnUntrustedPeerCannotClaimAnotherAddress) {
  EXPECT_EQ(ClientAddress("203.0.113.9", {{"X-Forwarded-For", "1.2.3.4"}}, kProxies),
            "203.0.113.9");
}

TEST(ClientAddressTest, BehindATrustedProxyTheForwardedClientCounts) {
  EXPECT_EQ(ClientAddress("10.0.0.5", {{"X-Forwarded-For", "198.51.100.7"}}, kProxies),
            "198.51.100.7");
}

TEST(ClientAddressTest, TheChainIsReadFromTheRightPastTrustedProxies) {
  // The client wrote "1.1.1.1" itself; the first proxy appended the real peer it saw.
  const HeaderList headers{{"X-Forwarded-For", "1.1.1.1, 198.51.100.7"},
                           {"x-forwarded-for", "10.0.0.6"}};
  EXPECT_EQ(ClientAddress("10.0.0.5", headers, kProxies), "198.51.100.7");
}

TEST(ClientAddressTest, GarbageOrOnlyProxiesFallBackToThePeer) {
  EXPECT_EQ(ClientAddress("10.0.0.5", {{"X-Forwarded-For", "not-an-ip"}}, kProxies), "10.0.0.5");
  EXPECT_EQ(ClientAddress("10.0.0.5", {{"X-Forwarded-For", "10.0.0.6"}}, kProxies), "10.0.0.5");
  EXPECT_EQ(ClientAddress("10.0.0.5", {}, kProxies), "10.0.0.5");
  EXPECT_EQ(ClientAddress("10.0.0.5", {{"X-Forwarded-For", ""}}, kProxies), "10.0.0.5");
}

TEST(ClientAddressTest, IPv6AddressesWork) {
  EXPECT_EQ(ClientAddress("::1", {{"X-Forwarded-For", "2001:db8::7"}}, {"::1"}), "2001:db8::7");
  EXPECT_TRUE(IsIpAddress("2001:db8::7"));
  EXPECT_FALSE(IsIpAddress("[::1]"));
  EXPECT_FALSE(IsIpAddress("10.0.0.1:80"));
}

}  // namespace
}  // namespace batuta::http
