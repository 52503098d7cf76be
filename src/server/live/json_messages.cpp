#include "server/live/json_messages.hpp"

#include <boost/json.hpp>

#include "protocol/control.hpp"

namespace visit::server {

namespace json = boost::json;
using protocol::parse_error;

namespace {

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

boost::system::result<json::object> parse_object(std::span<const std::uint8_t> payload) {
  boost::system::error_code ec;
  json::parse_options opt;
  opt.max_depth = 32;
  json::value v = json::parse(as_text(payload), ec, {}, opt);
  if (ec || !v.is_object()) return protocol::make_error_code(parse_error::bad_json);
  return std::move(v.as_object());
}

// The integer value of `key`, or nullopt (absent, not an integer).
std::optional<std::int64_t> int_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64() && it->value().as_uint64() <= INT64_MAX) {
    return static_cast<std::int64_t>(it->value().as_uint64());
  }
  return std::nullopt;
}

// A string field within [min, max] bytes of valid UTF-8; nullopt when absent/out of bounds.
std::optional<std::string> string_field(const json::object& o, std::string_view key,
                                        std::size_t min, std::size_t max) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  const json::string& s = it->value().as_string();
  std::string_view sv(s.data(), s.size());
  if (sv.size() < min || sv.size() > max || !protocol::is_valid_utf8(sv)) return std::nullopt;
  return std::string(sv);
}

}  // namespace

boost::system::result<customer_hello_result> parse_customer_hello(
    std::span<const std::uint8_t> payload) {
  auto obj = parse_object(payload);
  if (!obj) return obj.error();
  customer_hello_result out;
  auto version = int_field(*obj, "protocol");
  if (!version || *version != protocol::version) {
    out.wrong_version = true;
    return out;
  }
  auto role = obj->find("role");
  if (role == obj->end() || !role->value().is_string() || role->value().as_string() != "customer") {
    return protocol::make_error_code(parse_error::bad_value);
  }
  if (obj->contains("name")) {
    auto name = string_field(*obj, "name", 1, protocol::max_name_bytes);
    if (!name) return protocol::make_error_code(parse_error::bad_value);
    out.hello.name = std::move(*name);
  }
  if (obj->contains("code")) {
    auto code = string_field(*obj, "code", 1, 32);
    if (!code) return protocol::make_error_code(parse_error::bad_value);
    out.hello.code = std::move(*code);
  }
  if (auto* r = obj->if_contains("resume")) {
    if (!r->is_object()) return protocol::make_error_code(parse_error::bad_value);
    auto id = string_field(r->as_object(), "request_id", 32, 32);
    auto token = string_field(r->as_object(), "token", 32, 32);
    if (!id || !token) return protocol::make_error_code(parse_error::bad_value);
    out.hello.resume_id = std::move(*id);
    out.hello.resume_token = std::move(*token);
  }
  if (obj->contains("description")) {
    auto d = string_field(*obj, "description", 0, protocol::max_description_bytes);
    if (!d) return protocol::make_error_code(parse_error::bad_value);
    out.hello.description = std::move(*d);
  }
  if (obj->contains("client")) {
    auto c = string_field(*obj, "client", 0, 128);
    if (!c) return protocol::make_error_code(parse_error::bad_value);
    out.hello.client = std::move(*c);
  }
  return out;
}

boost::system::error_code check_viewer_hello(std::span<const std::uint8_t> payload) {
  auto obj = parse_object(payload);
  if (!obj) return obj.error();
  if (obj->contains("protocol")) {
    auto v = int_field(*obj, "protocol");
    if (!v || *v != protocol::version) return protocol::make_error_code(parse_error::bad_value);
  }
  return {};
}

boost::system::result<access_state_info> parse_access_state(std::span<const std::uint8_t> payload) {
  auto obj = parse_object(payload);
  if (!obj) return obj.error();
  auto bad = protocol::make_error_code(parse_error::bad_value);
  auto mode = obj->find("mode");
  auto controller = obj->find("controller");
  auto reason = obj->find("reason");
  if (mode == obj->end() || !mode->value().is_string()) return bad;
  if (reason == obj->end() || !reason->value().is_string()) return bad;
  access_state_info out;
  const auto& m = mode->value().as_string();
  if (m == "full_access") {
    out.full_access = true;
  } else if (m != "read_only") {
    return bad;
  }
  bool has_controller = controller != obj->end() && !controller->value().is_null();
  if (has_controller != out.full_access) return bad;
  if (has_controller) {
    if (!controller->value().is_object()) return bad;
    const auto& c = controller->value().as_object();
    auto id = string_field(c, "id", 1, protocol::max_technician_id_bytes);
    auto name = string_field(c, "name", 1, protocol::max_technician_name_bytes);
    if (!id || !name || !protocol::is_valid_technician_id(*id)) return bad;
    out.controller_id = std::move(*id);
    out.controller_name = std::move(*name);
  }
  const auto& r = reason->value().as_string();  // bounded by the message's 1 KiB
  out.reason.assign(r.data(), r.size());
  out.known_reason = parse_access_reason(out.reason);
  if (obj->contains("paused_ms")) {
    auto p = int_field(*obj, "paused_ms");
    if (!p || *p < 1 || *p > 600000) return bad;
    out.paused_ms = *p;
  }
  if (auto released = obj->find("released"); released != obj->end()) {
    if (!released->value().is_object()) return bad;
    const auto& o = released->value().as_object();
    auto keys = int_field(o, "keys");
    auto buttons = int_field(o, "buttons");
    if (!keys || !buttons || *keys < 0 || *keys > 65535 || *buttons < 0 || *buttons > 65535) {
      return bad;
    }
    out.has_released = true;
    out.released_keys = *keys;
    out.released_buttons = *buttons;
  }
  return out;
}

std::string_view to_string(access_reason r) {
  switch (r) {
    case access_reason::initial:
      return "initial";
    case access_reason::requested:
      return "requested";
    case access_reason::granted:
      return "granted";
    case access_reason::revoked:
      return "revoked";
    case access_reason::mouse_precedence:
      return "mouse_precedence";
    case access_reason::paused:
      return "paused";
    case access_reason::resumed:
      return "resumed";
    case access_reason::disconnect:
      return "disconnect";
    case access_reason::timeout:
      return "timeout";
  }
  return "initial";
}

std::optional<access_reason> parse_access_reason(std::string_view word) {
  for (int i = 0; i <= static_cast<int>(access_reason::timeout); ++i) {
    auto r = static_cast<access_reason>(i);
    if (to_string(r) == word) return r;
  }
  return std::nullopt;
}

std::string read_only_access_state_json(access_reason reason) {
  json::object o;
  o["mode"] = "read_only";
  o["controller"] = nullptr;
  o["reason"] = to_string(reason);
  return json::serialize(o);
}

std::string control_request_json(std::string_view technician_id, std::string_view name) {
  json::object t;
  t["id"] = technician_id;
  t["name"] = name;
  json::object o;
  o["technician"] = std::move(t);
  return json::serialize(o);
}

std::string server_hello_for_customer(std::string_view request_id) {
  json::object o;
  o["protocol"] = protocol::version;
  o["request_id"] = request_id;
  o["credit"] = protocol::credit_frames;
  // This hub enforces access control (protocol.md §3.3): the customer may send access_state.
  o["access_control"] = true;
  return json::serialize(o);
}

std::string server_hello_for_customer(std::string_view wizard_json, std::int64_t wizard_version,
                                      std::string_view paired_id, std::string_view paired_name) {
  json::object o;
  o["protocol"] = protocol::version;
  o["credit"] = protocol::credit_frames;
  o["access_control"] = true;
  boost::system::error_code ec;
  o["wizard"] = json::parse(wizard_json, ec);
  if (ec) o["wizard"] = json::object();
  o["wizard_version"] = wizard_version;
  if (!paired_id.empty()) {
    json::object p;
    p["id"] = paired_id;
    p["name"] = paired_name;
    o["paired_with"] = std::move(p);
  }
  return json::serialize(o);
}

std::string request_filed_json(std::string_view request_id, std::string_view queue,
                               std::string_view technician, std::string_view resume_token) {
  json::object o;
  o["request_id"] = request_id;
  o["queue"] = queue;
  if (technician.empty()) {
    o["technician"] = nullptr;
  } else {
    json::object t;
    t["id"] = technician;
    t["name"] = technician;
    o["technician"] = std::move(t);
  }
  o["resume_token"] = resume_token;
  return json::serialize(o);
}

std::string server_hello_for_viewer(std::string_view request_id, std::string_view name,
                                    std::string_view description) {
  json::object customer;
  customer["name"] = name;
  customer["description"] = description;
  json::object o;
  o["protocol"] = protocol::version;
  o["request_id"] = request_id;
  o["customer"] = std::move(customer);
  return json::serialize(o);
}

std::string viewers_json(const viewers_info& info) {
  json::object o;
  o["count"] = info.count;
  json::array a;
  for (const auto& t : info.technicians) {
    json::object e;
    e["id"] = t.id;
    e["name"] = t.name;
    a.push_back(std::move(e));
  }
  o["technicians"] = std::move(a);
  return json::serialize(o);
}

std::string close_reason_json(protocol::close_code code, std::string_view message) {
  json::object o;
  o["code"] = protocol::to_string(code);
  o["message"] = message;
  return json::serialize(o);
}

}  // namespace visit::server
