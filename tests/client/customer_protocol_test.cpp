// The customer's protocol state on one connection: hello, sequence numbers, and validation of
// everything the server sends.
#include "client/customer_protocol.hpp"

#include <gtest/gtest.h>

#include <string>

namespace visit::client {
namespace {

using protocol::message_type;
using kind = server_event::kind;

const std::string good_id = "0123456789abcdef0123456789ABCDEF";

std::vector<std::uint8_t> json_msg(message_type t, std::uint32_t seq, const std::string& json) {
  return protocol::make_json_message(t, seq, 0, json);
}
std::vector<std::uint8_t> server_hello(std::uint32_t seq = 1, const std::string& id = good_id,
                                       const std::string& extra = R"(,"credit":4)") {
  return json_msg(message_type::hello, seq,
                  R"({"protocol":1,"request_id":")" + id + "\"" + extra + "}");
}

class customer_protocol_test : public ::testing::Test {
 protected:
  customer_identity identity_{"Ada \"the\" customer", "printer\nbroken", "visit-client/9.9"};
  customer_protocol p_{identity_};
};

TEST_F(customer_protocol_test, hello_is_the_first_message_with_the_identity) {
  const auto h = p_.hello();
  const auto m = protocol::parse_message(h);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->hdr.type, message_type::hello);
  EXPECT_EQ(m->hdr.sequence, 1u);
  const std::string json(m->payload.begin(), m->payload.end());
  EXPECT_EQ(json, R"({"protocol":1,"role":"customer","name":"Ada \"the\" customer",)"
                  R"("description":"printer\nbroken","client":"visit-client/9.9"})");
}

TEST_F(customer_protocol_test, outgoing_sequences_increase_and_frames_enter_the_window) {
  p_.hello();
  auto a = protocol::make_cursor_position(0, 0, {1, 2, true});
  auto f = protocol::make_frame(0, 0, 1, std::vector<std::uint8_t>(17, 0));
  p_.stamp(a, false);
  p_.stamp(f, true);
  EXPECT_EQ(protocol::read_u32(a.data() + 4), 2u);
  EXPECT_EQ(protocol::read_u32(f.data() + 4), 3u);
  EXPECT_EQ(p_.window().in_flight(), 1u);
}

TEST_F(customer_protocol_test, welcome_gives_request_id_and_credit) {
  const auto e = p_.on_message(server_hello(), true);
  ASSERT_EQ(e.what, kind::welcome) << e.text;
  EXPECT_EQ(e.request_id, "0123456789abcdef0123456789abcdef");  // lower-cased
  EXPECT_EQ(e.credit, 4u);
  EXPECT_TRUE(p_.welcomed());
}

TEST_F(customer_protocol_test, credit_is_capped_at_the_protocol_window) {
  EXPECT_EQ(p_.on_message(server_hello(1, good_id, R"(,"credit":64)"), true).credit,
            protocol::credit_frames);
  customer_protocol q{identity_};
  EXPECT_EQ(q.on_message(server_hello(1, good_id, R"(,"credit":2)"), true).credit, 2u);
  customer_protocol r{identity_};
  EXPECT_EQ(r.on_message(server_hello(1, good_id, ""), true).credit, protocol::credit_frames);
}

TEST_F(customer_protocol_test, invalid_hellos_are_refused) {
  const std::vector<std::vector<std::uint8_t>> bad = {
      server_hello(1, "short"),
      server_hello(1, std::string(32, 'g')),
      server_hello(1, good_id, R"(,"credit":0)"),
      server_hello(1, good_id, R"(,"credit":"4")"),
      json_msg(message_type::hello, 1, R"({"request_id":")" + good_id + "\"}"),
      json_msg(message_type::hello, 1, R"({"protocol":1.5,"request_id":")" + good_id + "\"}"),
  };
  for (const auto& m : bad) {
    customer_protocol q{identity_};
    const auto e = q.on_message(m, true);
    EXPECT_EQ(e.what, kind::refused);
    EXPECT_EQ(e.code, protocol::close_code::protocol_error);
    EXPECT_FALSE(q.welcomed());
  }
}

TEST_F(customer_protocol_test, another_protocol_version_is_a_version_mismatch) {
  const auto e = p_.on_message(
      json_msg(message_type::hello, 1, R"({"protocol":2,"request_id":")" + good_id + "\"}"), true);
  EXPECT_EQ(e.what, kind::refused);
  EXPECT_EQ(e.code, protocol::close_code::version_mismatch);
}

TEST_F(customer_protocol_test, messages_before_hello_text_and_garbage_are_refused) {
  {
    customer_protocol q{identity_};
    EXPECT_EQ(q.on_message(json_msg(message_type::viewers, 1, R"({"count":1})"), true).what,
              kind::refused);
  }
  {
    customer_protocol q{identity_};
    EXPECT_EQ(q.on_message(server_hello(), false).what, kind::refused);  // text
  }
  {
    customer_protocol q{identity_};
    const std::vector<std::uint8_t> junk = {1, 2, 3};
    EXPECT_EQ(q.on_message(junk, true).what, kind::refused);
  }
  {
    customer_protocol q{identity_};
    auto h = server_hello();
    h[1] = 1;  // flags
    EXPECT_EQ(q.on_message(h, true).what, kind::refused);
  }
}

TEST_F(customer_protocol_test, incoming_sequences_must_follow_each_other) {
  ASSERT_EQ(p_.on_message(server_hello(1), true).what, kind::welcome);
  EXPECT_EQ(p_.on_message(json_msg(message_type::viewers, 3, R"({"count":1})"), true).what,
            kind::refused);
}

TEST_F(customer_protocol_test, second_hello_is_refused) {
  ASSERT_EQ(p_.on_message(server_hello(1), true).what, kind::welcome);
  EXPECT_EQ(p_.on_message(server_hello(2), true).what, kind::refused);
}

TEST_F(customer_protocol_test, viewers_count_is_checked) {
  ASSERT_EQ(p_.on_message(server_hello(1), true).what, kind::welcome);
  auto e = p_.on_message(json_msg(message_type::viewers, 2, R"({"count":3})"), true);
  ASSERT_EQ(e.what, kind::viewers);
  EXPECT_EQ(e.viewers, 3);
  EXPECT_EQ(p_.on_message(json_msg(message_type::viewers, 3, R"({"count":-1})"), true).what,
            kind::refused);
  customer_protocol q{identity_};
  q.on_message(server_hello(1), true);
  EXPECT_EQ(q.on_message(json_msg(message_type::viewers, 2, R"({"n":1})"), true).what,
            kind::refused);
}

TEST_F(customer_protocol_test, viewers_may_list_the_technicians) {
  ASSERT_EQ(p_.on_message(server_hello(1), true).what, kind::welcome);
  auto e = p_.on_message(json_msg(message_type::viewers, 2, R"({"count":1})"), true);
  EXPECT_FALSE(e.technicians_listed);  // an older server
  e = p_.on_message(
      json_msg(message_type::viewers, 3,
               R"({"count":3,"technicians":[{"id":"alice","name":"A"},{"id":"bob","name":"B"}]})"),
      true);
  ASSERT_EQ(e.what, kind::viewers) << e.text;
  EXPECT_TRUE(e.technicians_listed);
  EXPECT_EQ(e.technicians, (std::vector<std::string>{"alice", "bob"}));
  e = p_.on_message(json_msg(message_type::viewers, 4, R"({"count":0,"technicians":[]})"), true);
  EXPECT_TRUE(e.technicians_listed);
  EXPECT_TRUE(e.technicians.empty());
  for (const char* bad : {R"({"count":1,"technicians":{}})", R"({"count":1,"technicians":[1]})",
                          R"({"count":1,"technicians":[{"name":"x"}]})",
                          R"({"count":1,"technicians":[{"id":"a b","name":"x"}]})"}) {
    customer_protocol q{identity_};
    q.on_message(server_hello(1), true);
    EXPECT_EQ(q.on_message(json_msg(message_type::viewers, 2, bad), true).what, kind::refused)
        << bad;
  }
}

TEST_F(customer_protocol_test, frame_acks_release_frames_and_unknown_acks_are_refused) {
  p_.hello();  // 1
  ASSERT_EQ(p_.on_message(server_hello(1), true).what, kind::welcome);
  std::vector<std::vector<std::uint8_t>> frames;
  for (int i = 0; i < 3; ++i) {
    auto f = protocol::make_frame(0, 0, 1, std::vector<std::uint8_t>(17, 0));
    p_.stamp(f, true);  // 2, 3, 4
  }
  auto e = p_.on_message(protocol::make_frame_ack(2, 0, 3), true);
  ASSERT_EQ(e.what, kind::acked);
  EXPECT_EQ(e.released, 2u);
  e = p_.on_message(protocol::make_frame_ack(3, 0, 3), true);  // repeat
  ASSERT_EQ(e.what, kind::acked);
  EXPECT_EQ(e.released, 0u);
  e = p_.on_message(protocol::make_frame_ack(4, 0, 9), true);  // never sent
  EXPECT_EQ(e.what, kind::refused);
}

TEST_F(customer_protocol_test, frames_from_the_server_are_refused) {
  ASSERT_EQ(p_.on_message(server_hello(1), true).what, kind::welcome);
  EXPECT_EQ(p_.on_message(protocol::make_cursor_position(2, 0, {1, 1, true}), true).what,
            kind::refused);
}

TEST_F(customer_protocol_test, close_reason_is_reported_before_and_after_hello) {
  const auto e = p_.on_message(
      json_msg(message_type::close_reason, 1, R"({"code":"server_shutdown","message":"bye"})"),
      true);
  ASSERT_EQ(e.what, kind::closing);
  EXPECT_EQ(e.code, protocol::close_code::server_shutdown);
  EXPECT_EQ(e.code_text, "server_shutdown");
  EXPECT_EQ(e.text, "bye");
}

TEST_F(customer_protocol_test, close_reason_message_is_well_formed) {
  p_.hello();
  const auto m = p_.close_reason(protocol::close_code::protocol_error, "bad \"thing\"");
  const auto v = protocol::parse_message(m);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->hdr.type, message_type::close_reason);
  EXPECT_EQ(v->hdr.sequence, 2u);
  EXPECT_EQ(std::string(v->payload.begin(), v->payload.end()),
            R"({"code":"protocol_error","message":"bad \"thing\""})");
}

}  // namespace
}  // namespace visit::client
