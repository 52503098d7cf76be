// The hub's access control (docs/protocol.md §3.3, §9): Read-Only by default; input, paste and
// clipboard reach the customer only from the controller while Full-Access.
#include <gtest/gtest.h>

#include "hub_fakes.hpp"
#include "protocol/control.hpp"
#include "server/live/session_hub.hpp"

namespace visit::server {
namespace {

using namespace visit::server::testing;
namespace ct = protocol::control_type;
using protocol::message_type;

const std::string id = "fedcba9876543210fedcba9876543210";

std::string full_access_for(const std::string& tech) {
  return R"({"mode":"full_access","controller":{"id":")" + tech + R"(","name":")" + tech +
         R"("},"reason":"granted"})";
}
const std::string read_only = R"({"mode":"read_only","controller":null,"reason":"revoked"})";

std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class access_test : public ::testing::Test {
 protected:
  access_test() : feed(hub, id) {
    hub.add_customer(id, "Ada", "", &customer);
    EXPECT_FALSE(feed.screen(128, 128));
    alice_id = *hub.add_viewer(id, &alice, "alice", "alice");
    bob_id = *hub.add_viewer(id, &bob, "bob", "bob");
    alice.drain(hub, alice_id);
    bob.drain(hub, bob_id);
  }
  // A viewer's message, as its WebSocket session hands it to the hub.
  boost::system::error_code from_viewer(session_hub::viewer_id v, std::vector<std::uint8_t> msg) {
    auto m = protocol::parse_message(msg);
    EXPECT_TRUE(m);
    if (!m) return m.error();
    return hub.on_viewer_control(v, *m);
  }
  std::vector<std::uint8_t> click() {
    protocol::input_event e;
    e.kind = protocol::input_kind::button;
    e.button = 1;
    e.pressed = true;
    e.x = 10;
    e.y = 20;
    return protocol::make_input(1, 0, "", std::span(&e, 1));
  }
  std::size_t forwarded(protocol::message_type t) {
    std::size_t n = 0;
    for (auto& [type, p] : customer.forwarded) n += type == t;
    return n;
  }
  std::vector<decoded> received(fake_viewer& v, session_hub::viewer_id vid, message_type type) {
    v.drain(hub, vid);
    std::vector<decoded> out;
    for (auto& m : v.sent) {
      auto d = decode(m);
      if (d.type == type) out.push_back(d);
    }
    return out;
  }

  session_hub hub;
  fake_customer customer;
  customer_feed feed;
  fake_viewer alice, bob;
  session_hub::viewer_id alice_id{}, bob_id{};
};

TEST_F(access_test, read_only_by_default_nothing_reaches_the_customer) {
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(from_viewer(alice_id, click()));
  ASSERT_FALSE(from_viewer(bob_id, protocol::make_paste_text(1, 0, "", "rm -rf /")));
  ASSERT_FALSE(from_viewer(bob_id, protocol::make_clipboard(1, 0, "", "secret")));
  EXPECT_EQ(customer.forwarded.size(), 0u);
  EXPECT_EQ(hub.stats(alice_id)->dropped_control, 1000u);
}

TEST_F(access_test, control_request_goes_to_the_customer_with_the_login_identity) {
  ASSERT_FALSE(from_viewer(
      bob_id,
      protocol::make_json_message(ct::control_request, 1, 0, R"({"technician":{"id":"admin"}})")));
  ASSERT_EQ(customer.forwarded.size(), 1u);
  EXPECT_EQ(customer.forwarded[0].first, ct::control_request);
  std::string json(customer.forwarded[0].second.begin(), customer.forwarded[0].second.end());
  EXPECT_EQ(json, R"({"technician":{"id":"bob","name":"bob"}})");
}

TEST_F(access_test, only_the_controller_reaches_the_customer_and_from_is_filled_in) {
  ASSERT_FALSE(feed.send(ct::access_state, bytes(full_access_for("alice"))));
  // Every viewer hears the new state, unchanged.
  auto states = received(bob, bob_id, ct::access_state);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(std::string(states[0].payload.begin(), states[0].payload.end()),
            full_access_for("alice"));
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(from_viewer(bob_id, click()));
  EXPECT_EQ(forwarded(ct::input), 0u) << "bob is not the controller";
  ASSERT_FALSE(from_viewer(alice_id, click()));
  ASSERT_FALSE(from_viewer(alice_id, protocol::make_paste_text(1, 0, "", "hello")));
  ASSERT_EQ(forwarded(ct::input), 1u);
  ASSERT_EQ(forwarded(ct::paste_text), 1u);
  auto batch = protocol::parse_input(customer.forwarded[0].second);
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->from, "alice");
  EXPECT_EQ(batch->events.size(), 1u);
  auto paste = protocol::parse_paste_text(customer.forwarded[1].second);
  ASSERT_TRUE(paste);
  EXPECT_EQ(paste->from, "alice");
  EXPECT_EQ(paste->text, "hello");
  // Revoked: the next event is dropped.
  ASSERT_FALSE(feed.send(ct::access_state, bytes(read_only)));
  ASSERT_FALSE(from_viewer(alice_id, click()));
  EXPECT_EQ(forwarded(ct::input), 1u);
}

TEST_F(access_test, a_viewer_may_not_claim_an_identity) {
  ASSERT_FALSE(feed.send(ct::access_state, bytes(full_access_for("alice"))));
  protocol::input_event e;
  EXPECT_TRUE(from_viewer(bob_id, protocol::make_input(1, 0, "alice", std::span(&e, 1))));
  EXPECT_EQ(forwarded(ct::input), 0u);
}

TEST_F(access_test, late_joiner_gets_the_access_state) {
  ASSERT_FALSE(feed.send(ct::access_state, bytes(full_access_for("alice"))));
  fake_viewer carol;
  auto cid = *hub.add_viewer(id, &carol, "carol", "carol");
  auto states = received(carol, cid, ct::access_state);
  ASSERT_EQ(states.size(), 1u);
}

TEST_F(access_test, the_controller_leaving_returns_to_read_only) {
  ASSERT_FALSE(feed.send(ct::access_state, bytes(full_access_for("alice"))));
  hub.remove_viewer(alice_id);
  auto states = received(bob, bob_id, ct::access_state);
  ASSERT_EQ(states.size(), 2u);
  std::string last(states.back().payload.begin(), states.back().payload.end());
  EXPECT_EQ(last, R"({"mode":"read_only","controller":null,"reason":"disconnect"})");
  // alice again, on a new connection: still Read-Only until the customer grants again.
  fake_viewer again;
  auto aid = *hub.add_viewer(id, &again, "alice", "alice");
  again.drain(hub, aid);
  ASSERT_FALSE(from_viewer(aid, click()));
  EXPECT_EQ(forwarded(ct::input), 0u);
}

TEST_F(access_test, customer_clipboard_goes_to_the_controller_only_in_full_access) {
  auto clip = protocol::make_clipboard(1, 0, "", "copied text");
  auto payload = protocol::parse_message(clip)->payload;
  ASSERT_FALSE(feed.send(ct::clipboard, payload));  // read-only: dropped
  EXPECT_TRUE(received(alice, alice_id, ct::clipboard).empty());
  ASSERT_FALSE(feed.send(ct::access_state, bytes(full_access_for("alice"))));
  ASSERT_FALSE(feed.send(ct::clipboard, payload));
  EXPECT_EQ(received(alice, alice_id, ct::clipboard).size(), 1u);
  EXPECT_TRUE(received(bob, bob_id, ct::clipboard).empty());
  // And the controller's clipboard reaches the customer.
  ASSERT_FALSE(from_viewer(alice_id, protocol::make_clipboard(1, 0, "", "from alice")));
  EXPECT_EQ(forwarded(ct::clipboard), 1u);
}

TEST_F(access_test, malformed_access_states_are_refused) {
  for (std::string bad :
       {R"({"mode":"full_access","controller":null,"reason":"granted"})",
        R"({"mode":"read_only","controller":{"id":"a","name":"a"},"reason":"x"})",
        R"({"mode":"root","controller":null,"reason":"x"})",
        R"({"mode":"read_only","controller":null})",
        R"({"mode":"full_access","controller":{"id":"a b","name":"a"},"reason":"x"})",
        R"({"mode":"read_only","controller":null,"reason":"x","paused_ms":0})",
        R"({"mode":"read_only","controller":null,"reason":"x","released":1})",
        R"({"mode":"read_only","controller":null,"reason":"x","released":{"keys":1}})",
        R"({"mode":"read_only","controller":null,"reason":"x","released":{"keys":-1,"buttons":0}})",
        R"({"mode":"read_only","controller":null,"reason":"x",)"
        R"("released":{"keys":1,"buttons":65536}})"}) {
    EXPECT_TRUE(feed.send(ct::access_state, bytes(bad))) << bad;
  }
  EXPECT_FALSE(feed.send(ct::access_state,
                         bytes(R"({"mode":"read_only","controller":null,"reason":"new","x":1})")));
  EXPECT_FALSE(feed.send(ct::access_state, bytes(R"({"mode":"read_only","controller":null,)"
                                                 R"("reason":"revoked","released":{"keys":2,)"
                                                 R"("buttons":65535}})")));
}

}  // namespace
}  // namespace visit::server
