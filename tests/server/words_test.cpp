// The server's typed words: every value of technician_role, request_state, front_door_action
// and access_reason survives to_string -> parse, the wire words are the documented ones,
// unknown words are refused; the routes declare which calls change state (the CSRF gate).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/auth/roles.hpp"
#include "server/http/route.hpp"
#include "server/live/json_messages.hpp"
#include "server/store/request_state.hpp"

namespace visit::server {
namespace {

TEST(words, technician_role_round_trips_and_refuses_unknown_words) {
  const std::vector<std::pair<technician_role, std::string>> all = {
      {technician_role::technician, "technician"},
      {technician_role::senior, "senior"},
      {technician_role::admin, "admin"}};
  for (const auto& [role, word] : all) {
    EXPECT_EQ(to_string(role), word);
    EXPECT_EQ(parse_role(to_string(role)), role) << word;
  }
  for (std::string_view bad : {"", "Admin", "root", "admin ", "technicians"}) {
    EXPECT_EQ(parse_role(bad), std::nullopt) << bad;
  }
  EXPECT_TRUE(role_at_least(technician_role::admin, technician_role::senior));
  EXPECT_TRUE(role_at_least(technician_role::senior, technician_role::senior));
  EXPECT_FALSE(role_at_least(technician_role::technician, technician_role::senior));
  static_assert(parse_role("senior") == technician_role::senior);
}

TEST(words, request_state_round_trips_and_refuses_unknown_words) {
  const std::vector<std::pair<request_state, std::string>> all = {
      {request_state::waiting, "waiting"},
      {request_state::in_session, "in_session"},
      {request_state::resolved, "resolved"},
      {request_state::abandoned, "abandoned"}};
  for (const auto& [state, word] : all) {
    EXPECT_EQ(to_string(state), word);
    EXPECT_EQ(parse_request_state(to_string(state)), state) << word;
  }
  for (std::string_view bad : {"", "ended", "Waiting", "open"}) {
    EXPECT_EQ(parse_request_state(bad), std::nullopt) << bad;
  }
  EXPECT_FALSE(is_final(request_state::waiting));
  EXPECT_FALSE(is_final(request_state::in_session));
  EXPECT_TRUE(is_final(request_state::resolved));
  EXPECT_TRUE(is_final(request_state::abandoned));
}

TEST(words, front_door_action_round_trips_and_refuses_unknown_words) {
  using enum front_door_action;
  const std::vector<std::pair<front_door_action, std::string>> all = {
      {list, "list"},
      {get, "get"},
      {take, "take"},
      {transfer, "transfer"},
      {invite, "invite"},
      {notes, "notes"},
      {resolve, "resolve"},
      {reopen, "reopen"},
      {codes_list, "codes_list"},
      {codes_create, "codes_create"},
      {queues_list, "queues_list"},
      {queues_create, "queues_create"},
      {queue_update, "queue_update"},
      {wizard_get, "wizard_get"},
      {wizard_set, "wizard_set"}};
  for (const auto& [action, word] : all) {
    EXPECT_EQ(to_string(action), word);
    EXPECT_EQ(parse_front_door_action(to_string(action)), action) << word;
    EXPECT_EQ(is_admin_action(action), word.starts_with("queue") || word.starts_with("wizard"))
        << word;
  }
  for (std::string_view bad : {"", "delete", "Take", "note"}) {
    EXPECT_EQ(parse_front_door_action(bad), std::nullopt) << bad;
  }
}

TEST(words, access_reason_round_trips_and_refuses_unknown_words) {
  using enum access_reason;
  const std::vector<std::pair<access_reason, std::string>> all = {
      {initial, "initial"},
      {requested, "requested"},
      {granted, "granted"},
      {revoked, "revoked"},
      {mouse_precedence, "mouse_precedence"},
      {paused, "paused"},
      {resumed, "resumed"},
      {disconnect, "disconnect"},
      {timeout, "timeout"}};
  for (const auto& [reason, word] : all) {
    EXPECT_EQ(to_string(reason), word);
    EXPECT_EQ(parse_access_reason(to_string(reason)), reason) << word;
  }
  EXPECT_EQ(parse_access_reason("teleported"), std::nullopt);
  EXPECT_EQ(read_only_access_state_json(disconnect),
            R"({"mode":"read_only","controller":null,"reason":"disconnect"})");
}

TEST(words, routes_declare_their_state_changes) {
  const std::string id = "0123456789abcdef0123456789abcdef";
  auto changes = [](std::string_view method, const std::string& target) {
    return route_request(method, target, [](std::string_view) { return true; }).changes_state;
  };
  for (std::string t : std::vector<std::string>{
           "/api/logout", "/api/me/password", "/api/me/totp/setup", "/api/me/totp/enable",
           "/api/me/totp/disable", "/api/admin/users", "/api/admin/users/bob",
           "/api/requests/" + id + "/take", "/api/requests/" + id + "/notes", "/api/codes",
           "/api/admin/queues", "/api/admin/queues/general", "/api/admin/wizard"}) {
    EXPECT_TRUE(changes("POST", t)) << t;
  }
  EXPECT_FALSE(changes("POST", "/api/login")) << "no session yet: its Origin is checked by login";
  for (std::string t : std::vector<std::string>{"/api/me", "/api/admin/users", "/api/requests",
                                                "/api/requests/" + id, "/api/codes",
                                                "/api/admin/queues", "/api/admin/wizard", "/"}) {
    EXPECT_FALSE(changes("GET", t)) << t;
  }
  EXPECT_FALSE(changes("GET", "/api/logout")) << "method_not_allowed runs no handler";
  auto m = route_request("POST", "/api/requests/" + id + "/take",
                         [](std::string_view) { return false; });
  EXPECT_EQ(m.what, front_door_action::take);
  EXPECT_EQ(m.action, "take");
}

}  // namespace
}  // namespace visit::server
