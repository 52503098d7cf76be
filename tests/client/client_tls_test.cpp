// The real visit-client binary against a TLS server that records every byte it receives:
// a certificate the client cannot verify is refused with one clear log line, and the server
// then receives nothing — no HTTP upgrade, no application byte, not even after the failed
// handshake. A verified server receives the WebSocket upgrade for /ws/customer.
#include <gtest/gtest.h>

#include <csignal>
#include <memory>

#include "child_process.hpp"
#include "test_pki.hpp"
#include "tls_probe_server.hpp"
#include "xvfb_display.hpp"

namespace visit::client {
namespace {

using namespace std::chrono_literals;
using testing::child_process;
using testing::test_identity;
using testing::tls_probe_server;

const std::string refusal = "refusing server: certificate not verified (";

std::string colon_upper(const net::sha256_digest& d) {
  std::string hex = net::to_hex(d), out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (i) out += ':';
    out += static_cast<char>(std::toupper(hex[i]));
    out += static_cast<char>(std::toupper(hex[i + 1]));
  }
  return out;
}

class client_tls_test : public ::testing::Test {
 protected:
  std::unique_ptr<child_process> start_client(std::uint16_t port, std::vector<std::string> trust) {
    std::vector<std::string> argv = {VISIT_CLIENT_BIN, "--headless",
                                     "--server",       "https://127.0.0.1:" + std::to_string(port),
                                     "--name",         "Mallory",
                                     "--description",  "tls test",
                                     "--display",      x_.name()};
    argv.insert(argv.end(), trust.begin(), trust.end());
    return std::make_unique<child_process>(argv);
  }

  // The client refused every connection it made, and the server received nothing after.
  static void expect_nothing_received(const tls_probe_server& server) {
    const auto sessions = server.sessions();
    ASSERT_FALSE(sessions.empty());
    for (const auto& s : sessions) {
      EXPECT_FALSE(s.handshake_ok);
      EXPECT_EQ(s.application_bytes, "");
      EXPECT_EQ(s.raw_bytes_after_failure, 0u);
    }
  }

  // Stops the client with SIGTERM; it must exit 0.
  static void expect_clean_stop(child_process& client) {
    EXPECT_EQ(client.stop(SIGTERM, 10s), std::optional<int>(0)) << client.output();
  }

  static void expect_upgrade(const tls_probe_server::session& s, std::uint16_t port) {
    EXPECT_TRUE(s.handshake_ok);
    EXPECT_EQ(s.application_bytes.rfind("GET /ws/customer HTTP/1.1\r\n", 0), 0u)
        << s.application_bytes;
    EXPECT_NE(s.application_bytes.find("Host: 127.0.0.1:" + std::to_string(port) + "\r\n"),
              std::string::npos)
        << s.application_bytes;
    EXPECT_NE(s.application_bytes.find("Upgrade: websocket\r\n"), std::string::npos)
        << s.application_bytes;
    EXPECT_NE(s.application_bytes.find("Sec-WebSocket-Key: "), std::string::npos);
  }

  testing::xvfb_display x_{VISIT_XVFB_PATH};
  testing::test_pki pki_;
};

TEST_F(client_tls_test, wrong_pin_is_refused_and_the_server_receives_nothing) {
  const test_identity leaf = pki_.make_leaf("server", {"IP:127.0.0.1"}, nullptr);
  tls_probe_server server(leaf);
  auto client = start_client(server.port(), {"--pin", std::string(64, '0')});
  ASSERT_TRUE(client->wait_for_output(refusal +
                                          "pin mismatch: the server's certificate has sha256 " +
                                          net::to_hex(leaf.fingerprint) + ")",
                                      10s))
      << client->output();
  // It retries like after any failed connection, and refuses again.
  ASSERT_TRUE(server.wait_for_sessions(2, 10s)) << client->output();
  EXPECT_TRUE(client->wait_for_output("reconnecting in ", 1s));
  expect_clean_stop(*client);
  expect_nothing_received(server);
  EXPECT_EQ(client->count_output("support request"), 0);
}

TEST_F(client_tls_test, unrelated_ca_is_refused_and_the_server_receives_nothing) {
  const test_identity ca = pki_.make_ca("server-ca");
  const test_identity other_ca = pki_.make_ca("other-ca");
  const test_identity leaf = pki_.make_leaf("server", {"IP:127.0.0.1", "DNS:localhost"}, &ca);
  tls_probe_server server(leaf);
  auto client = start_client(server.port(), {"--ca", other_ca.cert_file});
  ASSERT_TRUE(client->wait_for_output(refusal, 10s)) << client->output();
  ASSERT_TRUE(server.wait_for_sessions(1, 5s));
  expect_clean_stop(*client);
  expect_nothing_received(server);
}

TEST_F(client_tls_test, right_ca_but_another_address_is_refused) {
  const test_identity ca = pki_.make_ca("server-ca");
  const test_identity leaf = pki_.make_leaf("server", {"IP:10.9.8.7", "DNS:localhost"}, &ca);
  tls_probe_server server(leaf);
  auto client = start_client(server.port(), {"--ca", ca.cert_file});
  ASSERT_TRUE(client->wait_for_output(refusal + "IP address mismatch", 10s)) << client->output();
  ASSERT_TRUE(server.wait_for_sessions(1, 5s));
  expect_clean_stop(*client);
  expect_nothing_received(server);
}

TEST_F(client_tls_test, self_signed_server_is_refused_by_the_system_store) {
  const test_identity leaf = pki_.make_leaf("server", {"IP:127.0.0.1"}, nullptr);
  tls_probe_server server(leaf);
  auto client = start_client(server.port(), {});
  ASSERT_TRUE(client->wait_for_output(refusal, 10s)) << client->output();
  ASSERT_TRUE(server.wait_for_sessions(1, 5s));
  expect_clean_stop(*client);
  expect_nothing_received(server);
}

TEST_F(client_tls_test, correct_pin_sends_the_websocket_upgrade_for_ws_customer) {
  const test_identity leaf = pki_.make_leaf("server", {"DNS:unrelated.example"}, nullptr);
  tls_probe_server server(leaf);
  // The pin alone decides: no name check, no chain; colons and upper case are accepted.
  auto client = start_client(server.port(), {"--pin", colon_upper(leaf.fingerprint)});
  ASSERT_TRUE(server.wait_for_sessions(1, 10s)) << client->output();
  expect_upgrade(server.sessions()[0], server.port());
  EXPECT_EQ(client->count_output(refusal), 0) << client->output();
  expect_clean_stop(*client);
}

TEST_F(client_tls_test, right_ca_and_address_sends_the_websocket_upgrade) {
  const test_identity ca = pki_.make_ca("server-ca");
  const test_identity leaf = pki_.make_leaf("server", {"IP:127.0.0.1"}, &ca);
  tls_probe_server server(leaf);
  auto client = start_client(server.port(), {"--ca", ca.cert_file});
  ASSERT_TRUE(server.wait_for_sessions(1, 10s)) << client->output();
  expect_upgrade(server.sessions()[0], server.port());
  expect_clean_stop(*client);
}

TEST_F(client_tls_test, after_a_refusal_a_verified_server_is_accepted_on_retry) {
  const test_identity impostor = pki_.make_leaf("impostor", {"IP:127.0.0.1"}, nullptr);
  const test_identity real = pki_.make_leaf("server", {"IP:127.0.0.1"}, nullptr);
  tls_probe_server server(impostor);
  auto client = start_client(server.port(), {"--pin", net::to_hex(real.fingerprint)});
  ASSERT_TRUE(server.wait_for_sessions(1, 10s)) << client->output();
  server.present(real);
  ASSERT_TRUE(client->wait_for_output(
      "connecting to https://127.0.0.1:" + std::to_string(server.port()) + " (attempt 2)", 10s))
      << client->output();
  ASSERT_TRUE(server.wait_for_sessions(2, 10s)) << client->output();
  const auto sessions = server.sessions();
  EXPECT_FALSE(sessions[0].handshake_ok);
  EXPECT_EQ(sessions[0].raw_bytes_after_failure, 0u);
  expect_upgrade(sessions[1], server.port());
  expect_clean_stop(*client);
}

TEST_F(client_tls_test, servers_below_tls_1_2_are_refused_and_receive_nothing) {
  const test_identity leaf = pki_.make_leaf("server", {"IP:127.0.0.1"}, nullptr);
  tls_probe_server server(leaf, /*tls11_only=*/true);
  auto client = start_client(server.port(), {"--pin", net::to_hex(leaf.fingerprint)});
  ASSERT_TRUE(client->wait_for_output("connection failed: TLS handshake failed", 10s))
      << client->output();
  ASSERT_TRUE(server.wait_for_sessions(1, 5s));
  expect_clean_stop(*client);
  expect_nothing_received(server);
}

TEST_F(client_tls_test, unreadable_ca_file_is_a_start_up_error) {
  auto client = start_client(9, {"--ca", pki_.dir() + "/missing.pem"});
  EXPECT_EQ(client->stop(0, 10s), std::optional<int>(2)) << client->output();
  EXPECT_NE(client->output().find("cannot load CA file"), std::string::npos);
}

}  // namespace
}  // namespace visit::client
