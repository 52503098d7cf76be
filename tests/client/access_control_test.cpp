// access_control: who may inject input, with an injected clock and a recording sink.
#include "client/access_control.hpp"

#include <gtest/gtest.h>

namespace visit::client {
namespace {

using namespace std::chrono_literals;

struct recording_sink final : input_sink {
  void pointer_move(std::uint16_t, std::uint16_t) override { ++events; }
  void button(std::uint8_t, bool, std::uint16_t, std::uint16_t) override { ++events; }
  void wheel(std::int16_t, std::int16_t) override { ++events; }
  void key(std::uint16_t, bool) override { ++events; }
  void special(protocol::special_key) override { ++events; }
  void paste_text(std::string_view) override { ++events; }
  released_input release_all() override {
    ++releases;
    return held;
  }
  int events = 0;
  int releases = 0;
  released_input held{2, 1};  // what release_all() reports
};

class access_control_test : public ::testing::Test {
 protected:
  explicit access_control_test(local_input_policy policy = {}) : ac_(make(policy)) {}
  access_control make(local_input_policy policy) {
    return access_control(
        sink_, policy, [this] { return now_; },
        [this](const std::string& j) { published_.push_back(j); },
        [this](const std::string& l) { logs_.push_back(l); });
  }
  // Sends n events from `id`; returns how many were accepted, in order.
  int send(const std::string& id, int n) {
    int ok = 0;
    for (int i = 0; i < n; ++i) ok += ac_.accept_input(id) ? 1 : 0;
    return ok;
  }
  const std::string& last() const { return published_.back(); }

  recording_sink sink_;
  std::chrono::steady_clock::time_point now_{};
  std::vector<std::string> published_, logs_;
  access_control ac_;
  const technician grace_{"tech-7", "Grace"};
  const technician alan_{"tech-9", "Alan"};
};

TEST_F(access_control_test, starts_read_only_and_a_read_only_viewer_gets_nothing) {
  ac_.on_connected();
  EXPECT_EQ(last(), R"({"mode":"read_only","controller":null,"reason":"initial"})");
  EXPECT_EQ(send("tech-7", 1000), 0);
  EXPECT_EQ(ac_.dropped(), 1000u);
}

TEST_F(access_control_test, request_then_grant_then_revoke) {
  ac_.on_connected();
  ac_.on_control_request(grace_);
  EXPECT_EQ(ac_.mode(), access_mode::requested);
  EXPECT_EQ(logs_.back(), "access: requested (requested)");
  EXPECT_EQ(logs_[logs_.size() - 2],
            "technician Grace asks for control; run: visit-client ctl grant");
  EXPECT_NE(last().find(R"("pending":[{"id":"tech-7","name":"Grace"}])"), std::string::npos);
  EXPECT_EQ(send("tech-7", 10), 0);  // asking is not having

  const auto r = ac_.grant();
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_EQ(
      last(),
      R"({"mode":"full_access","controller":{"id":"tech-7","name":"Grace"},"reason":"granted"})");
  EXPECT_EQ(send("tech-7", 1000), 1000);
  EXPECT_EQ(send("tech-9", 1000), 0);  // a second technician
  EXPECT_EQ(sink_.releases, 0);

  EXPECT_TRUE(ac_.revoke());
  EXPECT_EQ(last(), R"({"mode":"read_only","controller":null,"reason":"revoked",)"
                    R"("released":{"keys":2,"buttons":1}})");
  EXPECT_EQ(logs_.back(), "access: read_only (revoked); released 2 keys, 1 buttons");
  EXPECT_EQ(sink_.releases, 1);
  EXPECT_FALSE(ac_.accept_input("tech-7"));  // the very next event is dropped
  EXPECT_EQ(ac_.accepted(), 1000u);
  EXPECT_EQ(ac_.dropped(), 10u + 1000u + 1u);
  EXPECT_FALSE(ac_.revoke());
}

TEST_F(access_control_test, grant_refuses_when_nobody_or_several_asked) {
  ac_.on_connected();
  auto r = ac_.grant();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.message, "nobody asked for control");
  ac_.on_control_request(grace_);
  ac_.on_control_request(alan_);
  r = ac_.grant();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("tech-7 tech-9"), std::string::npos) << r.message;
  EXPECT_FALSE(ac_.grant("tech-1").ok);
  r = ac_.grant("tech-9");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(ac_.controller(), alan_);
  EXPECT_EQ(send("tech-9", 5), 5);
  EXPECT_EQ(send("tech-7", 5), 0);
  // Hand-over to the other one releases what the first held.
  EXPECT_TRUE(ac_.grant("tech-7").ok);
  EXPECT_EQ(sink_.releases, 1);
  EXPECT_EQ(send("tech-9", 5), 0);
  EXPECT_EQ(send("tech-7", 5), 5);
}

TEST_F(access_control_test, disconnect_ends_full_access_and_reconnect_does_not_restore_it) {
  ac_.on_connected();
  ac_.on_control_request(grace_);
  ASSERT_TRUE(ac_.grant().ok);
  ac_.on_disconnected();
  EXPECT_EQ(ac_.mode(), access_mode::read_only);
  EXPECT_EQ(last(), R"({"mode":"read_only","controller":null,"reason":"disconnect",)"
                    R"("released":{"keys":2,"buttons":1}})");
  EXPECT_EQ(sink_.releases, 1);
  ac_.on_connected();
  EXPECT_EQ(ac_.mode(), access_mode::read_only);
  EXPECT_TRUE(ac_.pending().empty());
  EXPECT_EQ(send("tech-7", 100), 0);
  EXPECT_FALSE(ac_.grant().ok);  // the old request does not survive either
  ac_.on_disconnected(access_reason::timeout);
  EXPECT_NE(last().find(R"("reason":"timeout")"), std::string::npos);
  EXPECT_EQ(sink_.releases, 1);  // not in Full-Access: nothing to release
}

TEST_F(access_control_test, local_input_takes_precedence) {
  ac_.on_connected();
  ac_.on_local_input();  // Read-Only: nothing happens
  EXPECT_EQ(ac_.mode(), access_mode::read_only);
  ac_.on_control_request(grace_);
  ASSERT_TRUE(ac_.grant().ok);
  ac_.on_local_input();
  EXPECT_EQ(ac_.mode(), access_mode::read_only);
  EXPECT_EQ(last(), R"({"mode":"read_only","controller":null,"reason":"mouse_precedence",)"
                    R"("released":{"keys":2,"buttons":1}})");
  EXPECT_EQ(sink_.releases, 1);
  EXPECT_EQ(send("tech-7", 3), 0);
}

class access_control_pause_test : public access_control_test {
 protected:
  access_control_pause_test() : access_control_test(local_input_policy{2000ms}) {}
};

TEST_F(access_control_pause_test, local_input_pauses_remote_input_for_a_while) {
  ac_.on_connected();
  ac_.on_control_request(grace_);
  ASSERT_TRUE(ac_.grant().ok);
  ac_.on_local_input();
  EXPECT_EQ(ac_.mode(), access_mode::full_access);
  EXPECT_EQ(sink_.releases, 1);
  EXPECT_NE(last().find(R"("reason":"paused","paused_ms":2000,"released":{"keys":2,"buttons":1})"),
            std::string::npos)
      << last();
  EXPECT_EQ(send("tech-7", 10), 0);
  now_ += 1500ms;
  ac_.on_local_input();  // extends the pause, no second release
  EXPECT_EQ(sink_.releases, 1);
  now_ += 1999ms;
  EXPECT_EQ(send("tech-7", 1), 0);
  now_ += 1ms;
  EXPECT_EQ(send("tech-7", 10), 10);
  EXPECT_NE(last().find(R"("reason":"resumed")"), std::string::npos) << last();
  EXPECT_TRUE(ac_.revoke());
  EXPECT_EQ(sink_.releases, 2);
}

TEST_F(access_control_pause_test, a_pause_ends_on_time_without_input) {
  ac_.on_connected();
  ac_.on_control_request(grace_);
  ASSERT_TRUE(ac_.grant().ok);
  ac_.on_local_input();
  ASSERT_TRUE(ac_.pause_ends());
  EXPECT_EQ(*ac_.pause_ends(), now_ + 2000ms);
  const auto published = published_.size();
  now_ += 1999ms;
  ac_.on_tick();
  EXPECT_EQ(published_.size(), published);
  now_ += 1ms;
  ac_.on_tick();  // the console sends nothing while paused: the timer ends the pause
  EXPECT_EQ(
      last(),
      R"({"mode":"full_access","controller":{"id":"tech-7","name":"Grace"},"reason":"resumed"})");
  EXPECT_FALSE(ac_.pause_ends());
  ac_.on_tick();
  EXPECT_EQ(published_.size(), published + 1);
}

TEST_F(access_control_test, controller_leaving_while_others_watch_ends_full_access) {
  ac_.on_connected();
  ac_.on_technicians({"tech-7", "tech-9"});
  ac_.on_control_request(grace_);
  ASSERT_TRUE(ac_.grant().ok);
  ac_.on_technicians({"tech-9", "tech-7"});  // same people: nothing changes
  EXPECT_EQ(ac_.mode(), access_mode::full_access);
  EXPECT_EQ(sink_.releases, 0);
  sink_.held = {1, 0};             // Grace holds Shift
  ac_.on_technicians({"tech-9"});  // Grace's browser closed, Alan still watches
  EXPECT_EQ(ac_.mode(), access_mode::read_only);
  EXPECT_EQ(sink_.releases, 1);
  EXPECT_EQ(last(), R"({"mode":"read_only","controller":null,"reason":"disconnect",)"
                    R"("released":{"keys":1,"buttons":0}})");
  EXPECT_EQ(send("tech-7", 5), 0);
  ac_.on_technicians({"tech-9", "tech-7"});  // back: still Read-Only
  EXPECT_EQ(ac_.mode(), access_mode::read_only);
}

TEST_F(access_control_test, grant_goes_only_to_a_technician_still_watching) {
  ac_.on_connected();
  ac_.on_technicians({"tech-9"});
  // A request may arrive before the viewers list that names its sender.
  ac_.on_control_request(grace_);
  ac_.on_control_request(alan_);
  ac_.on_technicians({"tech-7"});  // Alan left: his request is forgotten
  ASSERT_EQ(ac_.pending().size(), 1u);
  EXPECT_EQ(ac_.pending()[0], grace_);
  ac_.on_technicians({});  // Grace left too: nobody asks any more
  EXPECT_EQ(ac_.mode(), access_mode::read_only);
  EXPECT_FALSE(ac_.grant().ok);
  ac_.on_control_request(grace_);
  auto r = ac_.grant();
  EXPECT_TRUE(r.ok) << r.message;
}

TEST_F(access_control_test, a_server_without_technician_lists_changes_nothing) {
  ac_.on_connected();  // no on_technicians: every requester counts as watching
  ac_.on_control_request(grace_);
  EXPECT_TRUE(ac_.grant().ok);
  EXPECT_EQ(send("tech-7", 3), 3);
}

TEST(access_control_names, strings) {
  EXPECT_EQ(to_string(access_reason::mouse_precedence), "mouse_precedence");
  EXPECT_EQ(to_string(access_mode::full_access), "full_access");
}

}  // namespace
}  // namespace visit::client
