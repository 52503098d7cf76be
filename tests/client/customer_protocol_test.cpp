// The customer's protocol state on one connection: hello (code, resume), the server's hello
// with its wizard, support_request and request_filed, sequence numbers, and validation of
// everything the server sends.
#include "client/customer_protocol.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

#include "wizard/wizard.hpp"

namespace visit::client {
namespace {

using protocol::message_type;
using kind = server_event::kind;

const std::string good_id = "0123456789abcdef0123456789ABCDEF";

std::vector<std::uint8_t> json_msg(message_type t, std::uint32_t seq, const std::string& json) {
  return protocol::make_json_message(t, seq, 0, json);
}
const std::string wizard_json = boost::json::serialize(wizard::default_definition());

std::vector<std::uint8_t> server_hello(std::uint32_t seq = 1,
                                       const std::string& extra = R"(,"credit":4)",
                                       const std::string& wizard = wizard_json) {
  return json_msg(message_type::hello, seq,
                  R"({"protocol":1,"wizard_version":3,"wizard":)" + wizard + extra + "}");
}
std::vector<std::uint8_t> filed(std::uint32_t seq = 2, const std::string& id = good_id,
                                const std::string& extra = R"(,"technician":null)") {
  return json_msg(protocol::request_type::request_filed, seq,
                  R"({"request_id":")" + id + R"(","queue":"general","resume_token":")" +
                      std::string(32, 'E') + "\"" + extra + "}");
}

class customer_protocol_test : public ::testing::Test {
 protected:
  // Welcomed and filed: ready for the session's messages (the next incoming sequence is 3).
  void open_session() {
    ASSERT_EQ(p_.on_message(server_hello(1), true).what, kind::welcome);
    ASSERT_EQ(p_.on_message(filed(2), true).what, kind::filed);
  }
  customer_identity identity_{"visit-client/9.9", ""};
  customer_protocol p_{identity_};
};

TEST_F(customer_protocol_test, hello_is_the_first_message_with_the_identity) {
  const auto h = p_.hello();
  const auto m = protocol::parse_message(h);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->hdr.type, message_type::hello);
  EXPECT_EQ(m->hdr.sequence, 1u);
  const std::string json(m->payload.begin(), m->payload.end());
  EXPECT_EQ(json, R"({"protocol":1,"role":"customer","client":"visit-client/9.9"})");
}

TEST_F(customer_protocol_test, hello_carries_the_code_or_the_resume_ticket) {
  customer_identity with_code{"visit-client/9.9", "482913205"};
  customer_protocol q{with_code};
  const auto first = q.hello();  // the parsed view points into it
  auto m = protocol::parse_message(first);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(std::string(m->payload.begin(), m->payload.end()),
            R"({"protocol":1,"role":"customer","client":"visit-client/9.9","code":"482913205"})");
  // A resumed connection names its request instead; the code was used up by the first hello.
  customer_protocol r{with_code};
  const resume_ticket ticket{std::string(32, 'a'), std::string(32, 'b')};
  const auto resumed = r.hello(&ticket);
  m = protocol::parse_message(resumed);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(
      std::string(m->payload.begin(), m->payload.end()),
      R"({"protocol":1,"role":"customer","client":"visit-client/9.9","resume":{"request_id":")" +
          std::string(32, 'a') + R"(","token":")" + std::string(32, 'b') + "\"}}");
}

TEST_F(customer_protocol_test, support_request_carries_the_payload_byte_exact) {
  p_.hello();
  const std::string payload = R"({"wizard_version":3,"name":"Ada \u00e9"})";
  const auto bytes = p_.support_request(payload);
  const auto m = protocol::parse_message(bytes);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->hdr.type, protocol::request_type::support_request);
  EXPECT_EQ(m->hdr.sequence, 2u);
  EXPECT_EQ(std::string(m->payload.begin(), m->payload.end()), payload);
}

TEST_F(customer_protocol_test, welcome_gives_the_wizard_and_filed_the_request) {
  auto e = p_.on_message(
      server_hello(1, R"(,"credit":4,"paired_with":{"id":"t-1","name":"Grace"})"), true);
  ASSERT_EQ(e.what, kind::welcome) << e.text;
  EXPECT_EQ(e.wizard_version, 3);
  EXPECT_EQ(e.wizard, wizard::default_definition());
  EXPECT_EQ(e.technician_name, "Grace");
  EXPECT_TRUE(p_.welcomed());
  EXPECT_FALSE(p_.filed());
  // Nothing but request_filed (or close_reason) before request_filed.
  customer_protocol q{identity_};
  ASSERT_EQ(q.on_message(server_hello(1), true).what, kind::welcome);
  EXPECT_EQ(q.on_message(json_msg(message_type::viewers, 2, R"({"count":1})"), true).what,
            kind::refused);
  e = p_.on_message(filed(2, good_id, R"(,"technician":{"id":"t-1","name":"Grace"})"), true);
  ASSERT_EQ(e.what, kind::filed) << e.text;
  EXPECT_EQ(e.request_id, "0123456789abcdef0123456789abcdef");  // lower-cased
  EXPECT_EQ(e.resume_token, std::string(32, 'e'));
  EXPECT_EQ(e.queue, "general");
  EXPECT_EQ(e.technician_id, "t-1");
  EXPECT_TRUE(p_.filed());
  EXPECT_EQ(p_.on_message(filed(3), true).what, kind::refused);  // only once
}

TEST_F(customer_protocol_test, invalid_request_filed_is_refused) {
  const std::vector<std::vector<std::uint8_t>> bad = {
      filed(2, "short"),
      filed(2, std::string(32, 'g')),
      filed(2, good_id, R"(,"technician":{"id":"bad id","name":"X"})"),
      filed(2, good_id, R"(,"technician":"Grace")"),
      json_msg(protocol::request_type::request_filed, 2,
               R"({"request_id":")" + good_id + R"("})"),  // no queue
  };
  for (const auto& m : bad) {
    customer_protocol q{identity_};
    ASSERT_EQ(q.on_message(server_hello(1), true).what, kind::welcome);
    EXPECT_EQ(q.on_message(m, true).what, kind::refused);
    EXPECT_FALSE(q.filed());
  }
}

TEST_F(customer_protocol_test, a_bad_wizard_is_reported_with_its_problems) {
  auto bad = wizard::default_definition();
  bad["pages"].as_array()[0].as_object()["questions"].as_array()[0].as_object()["type"] = "essay";
  const auto e = p_.on_message(server_hello(1, "", boost::json::serialize(bad)), true);
  ASSERT_EQ(e.what, kind::bad_wizard);
  ASSERT_FALSE(e.problems.empty());
  EXPECT_EQ(e.problems[0], "pages[0].questions[0].type: must be one of text, long_text, choice");
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

TEST_F(customer_protocol_test, welcome_gives_the_credit) {
  const auto e = p_.on_message(server_hello(), true);
  ASSERT_EQ(e.what, kind::welcome) << e.text;
  EXPECT_EQ(e.credit, 4u);
  EXPECT_TRUE(p_.welcomed());
}

TEST_F(customer_protocol_test, credit_is_capped_at_the_protocol_window) {
  EXPECT_EQ(p_.on_message(server_hello(1, R"(,"credit":64)"), true).credit,
            protocol::credit_frames);
  customer_protocol q{identity_};
  EXPECT_EQ(q.on_message(server_hello(1, R"(,"credit":2)"), true).credit, 2u);
  customer_protocol r{identity_};
  EXPECT_EQ(r.on_message(server_hello(1, ""), true).credit, protocol::credit_frames);
}

TEST_F(customer_protocol_test, invalid_hellos_are_refused) {
  const std::vector<std::vector<std::uint8_t>> bad = {
      server_hello(1, R"(,"credit":0)"),
      server_hello(1, R"(,"credit":"4")"),
      server_hello(1, R"(,"paired_with":{"id":"","name":"X"})"),
      json_msg(message_type::hello, 1, R"({"protocol":1,"wizard_version":3})"),  // no wizard
      json_msg(message_type::hello, 1, R"({"protocol":1,"wizard":)" + wizard_json + "}"),
      json_msg(message_type::hello, 1,
               R"({"protocol":1,"wizard_version":0,"wizard":)" + wizard_json + "}"),
      json_msg(message_type::hello, 1, R"({"wizard_version":3})"),
      json_msg(message_type::hello, 1, R"({"protocol":1.5})"),
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
  const auto e = p_.on_message(json_msg(message_type::hello, 1, R"({"protocol":2})"), true);
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
  open_session();
  EXPECT_EQ(p_.on_message(json_msg(message_type::viewers, 4, R"({"count":1})"), true).what,
            kind::refused);
}

TEST_F(customer_protocol_test, second_hello_is_refused) {
  ASSERT_EQ(p_.on_message(server_hello(1), true).what, kind::welcome);
  EXPECT_EQ(p_.on_message(server_hello(2), true).what, kind::refused);
}

TEST_F(customer_protocol_test, viewers_count_is_checked) {
  open_session();
  auto e = p_.on_message(json_msg(message_type::viewers, 3, R"({"count":3})"), true);
  ASSERT_EQ(e.what, kind::viewers);
  EXPECT_EQ(e.viewers, 3);
  EXPECT_EQ(p_.on_message(json_msg(message_type::viewers, 4, R"({"count":-1})"), true).what,
            kind::refused);
  customer_protocol q{identity_};
  q.on_message(server_hello(1), true);
  q.on_message(filed(2), true);
  EXPECT_EQ(q.on_message(json_msg(message_type::viewers, 3, R"({"n":1})"), true).what,
            kind::refused);
}

TEST_F(customer_protocol_test, viewers_may_list_the_technicians) {
  ASSERT_EQ(p_.on_message(server_hello(1), true).what, kind::welcome);
  ASSERT_EQ(p_.on_message(filed(2), true).what, kind::filed);
  auto e = p_.on_message(json_msg(message_type::viewers, 3, R"({"count":1})"), true);
  EXPECT_FALSE(e.technicians_listed);  // an older server
  e = p_.on_message(
      json_msg(message_type::viewers, 4,
               R"({"count":3,"technicians":[{"id":"alice","name":"A"},{"id":"bob","name":"B"}]})"),
      true);
  ASSERT_EQ(e.what, kind::viewers) << e.text;
  EXPECT_TRUE(e.technicians_listed);
  EXPECT_EQ(e.technicians, (std::vector<std::string>{"alice", "bob"}));
  e = p_.on_message(json_msg(message_type::viewers, 5, R"({"count":0,"technicians":[]})"), true);
  EXPECT_TRUE(e.technicians_listed);
  EXPECT_TRUE(e.technicians.empty());
  for (const char* bad : {R"({"count":1,"technicians":{}})", R"({"count":1,"technicians":[1]})",
                          R"({"count":1,"technicians":[{"name":"x"}]})",
                          R"({"count":1,"technicians":[{"id":"a b","name":"x"}]})"}) {
    customer_protocol q{identity_};
    q.on_message(server_hello(1), true);
    q.on_message(filed(2), true);
    EXPECT_EQ(q.on_message(json_msg(message_type::viewers, 3, bad), true).what, kind::refused)
        << bad;
  }
}

TEST_F(customer_protocol_test, frame_acks_release_frames_and_unknown_acks_are_refused) {
  p_.hello();  // 1
  open_session();
  std::vector<std::vector<std::uint8_t>> frames;
  for (int i = 0; i < 3; ++i) {
    auto f = protocol::make_frame(0, 0, 1, std::vector<std::uint8_t>(17, 0));
    p_.stamp(f, true);  // 2, 3, 4
  }
  auto e = p_.on_message(protocol::make_frame_ack(3, 0, 3), true);
  ASSERT_EQ(e.what, kind::acked);
  EXPECT_EQ(e.released, 2u);
  e = p_.on_message(protocol::make_frame_ack(4, 0, 3), true);  // repeat
  ASSERT_EQ(e.what, kind::acked);
  EXPECT_EQ(e.released, 0u);
  e = p_.on_message(protocol::make_frame_ack(5, 0, 9), true);  // never sent
  EXPECT_EQ(e.what, kind::refused);
}

TEST_F(customer_protocol_test, frames_from_the_server_are_refused) {
  open_session();
  EXPECT_EQ(p_.on_message(protocol::make_cursor_position(3, 0, {1, 1, true}), true).what,
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
