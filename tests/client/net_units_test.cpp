// visit_net's pure parts: pin parsing, server URLs, the backoff schedule.
#include <gtest/gtest.h>

#include "net/backoff.hpp"
#include "net/certificate_pin.hpp"
#include "net/server_address.hpp"

namespace visit::net {
namespace {

using namespace std::chrono_literals;

const std::string hex64 = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";

TEST(pin_test, plain_hex_upper_and_lower_case) {
  const auto pin = parse_pin(hex64);
  ASSERT_TRUE(pin.has_value());
  EXPECT_EQ((*pin)[0], 0x00);
  EXPECT_EQ((*pin)[1], 0x11);
  EXPECT_EQ((*pin)[15], 0xff);
  EXPECT_EQ((*pin)[31], 0xff);
  EXPECT_EQ(to_hex(*pin), "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
}

TEST(pin_test, colon_separated_pairs_and_sha256_prefix) {
  std::string paired;
  for (std::size_t i = 0; i < 64; i += 2) {
    if (i) paired += ':';
    paired += hex64.substr(i, 2);
  }
  EXPECT_EQ(parse_pin(paired), parse_pin(hex64));
  EXPECT_EQ(parse_pin("sha256:" + hex64), parse_pin(hex64));
  EXPECT_EQ(parse_pin("SHA256:" + paired), parse_pin(hex64));
}

TEST(pin_test, malformed_pins_are_refused) {
  EXPECT_FALSE(parse_pin(""));
  EXPECT_FALSE(parse_pin(hex64.substr(0, 63)));
  EXPECT_FALSE(parse_pin(hex64 + "0"));
  EXPECT_FALSE(parse_pin("g" + hex64.substr(1)));
  EXPECT_FALSE(parse_pin(" " + hex64.substr(1)));
  EXPECT_FALSE(parse_pin(":" + hex64.substr(1)));
  std::string bad_pairs = hex64.substr(0, 2) + "::" + hex64.substr(2, 60);  // wrong shape
  EXPECT_FALSE(parse_pin(bad_pairs));
  std::string misplaced;  // right length, colons in the wrong places
  for (std::size_t i = 0; i < 64; i += 2) {
    if (i) misplaced += ':';
    misplaced += hex64.substr(i, 2);
  }
  std::swap(misplaced[2], misplaced[3]);
  EXPECT_FALSE(parse_pin(misplaced));
}

TEST(pin_test, sha256_of_known_input) {
  const std::string abc = "abc";
  const auto d = sha256({reinterpret_cast<const std::uint8_t*>(abc.data()), abc.size()});
  EXPECT_EQ(to_hex(d), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(server_url_test, host_port_and_ip_literals) {
  std::string error;
  auto a = parse_server_url("https://support.example.com:8443", error);
  ASSERT_TRUE(a.has_value()) << error;
  EXPECT_EQ(a->host, "support.example.com");
  EXPECT_EQ(a->port, 8443);
  EXPECT_FALSE(a->host_is_ip);
  EXPECT_EQ(a->authority(), "support.example.com:8443");

  a = parse_server_url("HTTPS://Support.Example.com/", error);
  ASSERT_TRUE(a.has_value()) << error;
  EXPECT_EQ(a->host, "support.example.com");
  EXPECT_EQ(a->port, 443);

  a = parse_server_url("https://127.0.0.1:9", error);
  ASSERT_TRUE(a.has_value()) << error;
  EXPECT_TRUE(a->host_is_ip);

  a = parse_server_url("https://[::1]:8443", error);
  ASSERT_TRUE(a.has_value()) << error;
  EXPECT_EQ(a->host, "::1");
  EXPECT_TRUE(a->host_is_ip);
  EXPECT_EQ(a->authority(), "[::1]:8443");
}

TEST(server_url_test, bad_urls_are_refused) {
  for (const char* url : {"http://example.com", "example.com:443", "https://", "https://:443",
                          "https://a:0", "https://a:65536", "https://a:", "https://a:12x",
                          "https://user@a", "https://a/path", "https://a?q", "https://[::1",
                          "https://[zz]:1", "https://a b", "https://-a.com", "wss://a"}) {
    std::string error;
    EXPECT_FALSE(parse_server_url(url, error).has_value()) << url;
    EXPECT_FALSE(error.empty()) << url;
  }
}

TEST(backoff_test, doubles_from_half_a_second_to_thirty_seconds) {
  backoff b(backoff::settings{}, [] { return 0.0; });  // no jitter drawn
  std::vector<long> got;
  for (int i = 0; i < 10; ++i) got.push_back(static_cast<long>(b.next().count()));
  EXPECT_EQ(got,
            (std::vector<long>{500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000}));
  EXPECT_EQ(b.failures(), 10);
  b.reset();
  EXPECT_EQ(b.next(), 500ms);
}

TEST(backoff_test, jitter_shortens_each_delay_by_up_to_a_fifth) {
  backoff b(backoff::settings{}, [] { return 0.999999; });
  EXPECT_GE(b.next(), 400ms);
  EXPECT_LE(b.next(), 1000ms);
  backoff r;  // the real random source stays within the bounds
  for (int i = 0; i < 50; ++i) {
    const auto base = std::min<std::chrono::milliseconds>(500ms * (1 << std::min(i, 10)), 30s);
    const auto d = r.next();
    EXPECT_GE(d, base * 4 / 5 - 1ms);
    EXPECT_LE(d, base);
  }
}

}  // namespace
}  // namespace visit::net
