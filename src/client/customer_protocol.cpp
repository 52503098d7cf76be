#include "client/customer_protocol.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "wizard/wizard.hpp"

namespace visit::client {
namespace {

namespace json = boost::json;
using protocol::close_code;
using protocol::message_type;

constexpr int max_viewers = 1'000'000;
constexpr std::size_t max_listed_technicians = 64;  // the server lists at most 16
constexpr std::size_t request_id_length = 32;

server_event refuse(close_code code, std::string text) {
  server_event e;
  e.what = server_event::kind::refused;
  e.code = code;
  e.text = std::move(text);
  return e;
}

// The payload as a JSON object; parse_message already checked UTF-8 and object shape.
bool parse_object(std::span<const std::uint8_t> payload, json::value& out) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  out = json::parse(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()),
                    ec, {}, opts);
  return !ec && out.is_object();
}

// An integer member, if present and integral.
std::optional<std::int64_t> int_member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

const json::string* string_member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

void put_sequence(std::vector<std::uint8_t>& message, std::uint32_t seq) {
  for (int i = 0; i < 4; ++i) message[4 + i] = static_cast<std::uint8_t>(seq >> (8 * i));
}

}  // namespace

std::vector<std::uint8_t> customer_protocol::hello(const resume_ticket* resume) {
  json::object o;
  o["protocol"] = protocol::version;
  o["role"] = "customer";
  o["client"] = identity_.client;
  if (resume != nullptr) {
    o["resume"] = {{"request_id", resume->request_id}, {"token", resume->token}};
  } else if (!identity_.code.empty()) {
    o["code"] = identity_.code;
  }
  return protocol::make_json_message(message_type::hello, next_out_++, protocol::now_us(),
                                     json::serialize(o));
}

std::vector<std::uint8_t> customer_protocol::support_request(std::string_view json) {
  return protocol::make_json_message(message_type::support_request, next_out_++, protocol::now_us(),
                                     json);
}

void customer_protocol::stamp(std::vector<std::uint8_t>& message, bool is_frame) {
  const std::uint32_t seq = next_out_++;
  if (message.size() >= protocol::header_size) put_sequence(message, seq);
  if (is_frame) window_.sent(seq);
}

std::vector<std::uint8_t> customer_protocol::close_reason(close_code code, std::string_view text) {
  json::object o;
  o["code"] = protocol::to_string(code);
  o["message"] = text;
  return protocol::make_json_message(message_type::close_reason, next_out_++, protocol::now_us(),
                                     json::serialize(o));
}

server_event customer_protocol::on_message(std::span<const std::uint8_t> bytes, bool binary) {
  if (!binary) return refuse(close_code::protocol_error, "text WebSocket message");
  const auto parsed = protocol::parse_message(bytes);
  if (!parsed) {
    const auto e = protocol::as_parse_error(parsed.error());
    return refuse(e ? protocol::close_code_for(*e) : close_code::protocol_error,
                  "invalid message: " + parsed.error().message());
  }
  const protocol::message_view& m = *parsed;
  if (m.hdr.sequence != next_in_) {
    return refuse(close_code::protocol_error, "sequence " + std::to_string(m.hdr.sequence) +
                                                  " where " + std::to_string(next_in_) +
                                                  " was due");
  }
  ++next_in_;
  if (m.hdr.type == message_type::close_reason) return on_close_reason(m.payload);
  if (!welcomed_ && m.hdr.type != message_type::hello) {
    return refuse(close_code::protocol_error, "message before the server's hello");
  }
  if (m.hdr.type == message_type::request_filed) return on_request_filed(m.payload);
  if (!filed_ && m.hdr.type != message_type::hello) {
    return refuse(
        close_code::protocol_error,
        "message type " + std::to_string(static_cast<int>(m.hdr.type)) + " before request_filed");
  }
  switch (m.hdr.type) {
    case message_type::hello:
      return on_hello(m.payload);
    case message_type::viewers:
      return on_viewers(m.payload);
    case message_type::frame_ack:
      return on_frame_ack(m.payload);
    case message_type::control_request:
      return on_control_request(m.payload);
    case message_type::input:
    case message_type::paste_text:
    case message_type::clipboard:
      return on_remote(m);
    default:
      return refuse(close_code::protocol_error, "message type " +
                                                    std::to_string(static_cast<int>(m.hdr.type)) +
                                                    " is not sent to customers");
  }
}

std::vector<std::uint8_t> customer_protocol::access_state(std::string_view json) {
  return protocol::make_json_message(message_type::access_state, 0, protocol::now_us(), json);
}

server_event customer_protocol::on_control_request(std::span<const std::uint8_t> payload) {
  json::value v;
  if (!parse_object(payload, v))
    return refuse(close_code::protocol_error, "control_request: bad JSON");
  const json::value* t = v.get_object().if_contains("technician");
  const json::object* o = t != nullptr ? t->if_object() : nullptr;
  const json::string* id = o != nullptr ? string_member(*o, "id") : nullptr;
  const json::string* name = o != nullptr ? string_member(*o, "name") : nullptr;
  if (id == nullptr || name == nullptr || !protocol::is_valid_technician_id(*id) || name->empty() ||
      name->size() > protocol::max_technician_name_bytes || !protocol::is_valid_utf8(*name)) {
    return refuse(close_code::protocol_error, "control_request: bad technician");
  }
  server_event e;
  e.what = server_event::kind::control_request;
  e.technician_id = std::string(id->data(), id->size());
  e.technician_name = std::string(name->data(), name->size());
  return e;
}

server_event customer_protocol::on_remote(const protocol::message_view& m) {
  server_event e;
  std::string_view from;
  if (m.hdr.type == message_type::input) {
    auto batch = protocol::parse_input(m.payload);
    if (!batch) return refuse(close_code::protocol_error, "input: bad payload");
    from = batch->from;
    e.what = server_event::kind::input;
    e.events = std::move(batch->events);
  } else {
    const bool paste = m.hdr.type == message_type::paste_text;
    auto t = paste ? protocol::parse_paste_text(m.payload) : protocol::parse_clipboard(m.payload);
    if (!t) return refuse(close_code::protocol_error, "text: bad payload");
    from = t->from;
    e.what = paste ? server_event::kind::paste_text : server_event::kind::clipboard;
    e.text = std::string(t->text);
  }
  // The server always names the technician; an anonymous one can never be the controller.
  if (from.empty()) return refuse(close_code::protocol_error, "remote input without a sender");
  e.technician_id = std::string(from);
  return e;
}

server_event customer_protocol::on_hello(std::span<const std::uint8_t> payload) {
  if (welcomed_) return refuse(close_code::protocol_error, "second hello");
  json::value v;
  if (!parse_object(payload, v)) return refuse(close_code::protocol_error, "hello: bad JSON");
  const json::object& o = v.get_object();
  const auto version = int_member(o, "protocol");
  if (!version) return refuse(close_code::protocol_error, "hello: no protocol version");
  if (*version != protocol::version) {
    return refuse(close_code::version_mismatch,
                  "server speaks protocol " + std::to_string(*version));
  }
  std::uint32_t credit = protocol::credit_frames;
  if (o.contains("credit")) {
    const auto c = int_member(o, "credit");
    if (!c || *c < 1 || *c > 1'000'000) {
      return refuse(close_code::protocol_error, "hello: credit out of range");
    }
    credit = std::min<std::uint32_t>(static_cast<std::uint32_t>(*c), protocol::credit_frames);
  }
  const auto wizard_version = int_member(o, "wizard_version");
  if (!wizard_version || *wizard_version < 1) {
    return refuse(close_code::protocol_error, "hello: wizard_version is not a positive integer");
  }
  const json::value* wizard = o.if_contains("wizard");
  if (wizard == nullptr) return refuse(close_code::protocol_error, "hello: no wizard definition");
  server_event e;
  if (const json::value* paired = o.if_contains("paired_with")) {
    const json::object* p = paired->if_object();
    const json::string* pid = p != nullptr ? string_member(*p, "id") : nullptr;
    const json::string* pname = p != nullptr ? string_member(*p, "name") : nullptr;
    if (pid == nullptr || pname == nullptr || !protocol::is_valid_technician_id(*pid) ||
        pname->empty() || pname->size() > protocol::max_technician_name_bytes) {
      return refuse(close_code::protocol_error, "hello: bad paired_with technician");
    }
    e.technician_id = std::string(pid->data(), pid->size());
    e.technician_name = std::string(pname->data(), pname->size());
  }
  welcomed_ = true;
  // The customer only answers a definition that makes sense (the server should never send
  // another); queues are the server's business, so any well-formed queue name passes here.
  auto problems = wizard::validate_definition(*wizard, {});
  if (!problems.empty()) {
    server_event bad;
    bad.what = server_event::kind::bad_wizard;
    bad.problems = std::move(problems);
    return bad;
  }
  e.what = server_event::kind::welcome;
  const json::value* ac = o.if_contains("access_control");
  e.access_control = ac != nullptr && ac->is_bool() && ac->get_bool();
  e.wizard = wizard->get_object();
  e.wizard_version = *wizard_version;
  e.credit = credit;
  return e;
}

server_event customer_protocol::on_request_filed(std::span<const std::uint8_t> payload) {
  if (filed_) return refuse(close_code::protocol_error, "second request_filed");
  json::value v;
  if (!parse_object(payload, v))
    return refuse(close_code::protocol_error, "request_filed: bad JSON");
  const json::object& o = v.get_object();
  const auto hex_id = [&](std::string_view key) -> std::optional<std::string> {
    const json::string* s = string_member(o, key);
    if (s == nullptr || s->size() != request_id_length || !is_hex(*s)) return std::nullopt;
    std::string out(s->data(), s->size());
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
      return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
  };
  const auto id = hex_id("request_id");
  if (!id)
    return refuse(close_code::protocol_error, "request_filed: request_id is not 32 hex digits");
  server_event e;
  e.what = server_event::kind::filed;
  e.request_id = *id;
  if (o.contains("resume_token")) {
    const auto token = hex_id("resume_token");
    if (!token) return refuse(close_code::protocol_error, "request_filed: bad resume_token");
    e.resume_token = *token;
  }
  const json::string* queue = string_member(o, "queue");
  if (queue == nullptr || queue->empty() || queue->size() > 32 || !protocol::is_valid_utf8(*queue))
    return refuse(close_code::protocol_error, "request_filed: bad queue");
  e.queue = std::string(queue->data(), queue->size());
  if (const json::value* t = o.if_contains("technician"); t != nullptr && !t->is_null()) {
    const json::object* to = t->if_object();
    const json::string* tid = to != nullptr ? string_member(*to, "id") : nullptr;
    const json::string* tname = to != nullptr ? string_member(*to, "name") : nullptr;
    if (tid == nullptr || tname == nullptr || !protocol::is_valid_technician_id(*tid) ||
        tname->empty() || tname->size() > protocol::max_technician_name_bytes) {
      return refuse(close_code::protocol_error, "request_filed: bad technician");
    }
    e.technician_id = std::string(tid->data(), tid->size());
    e.technician_name = std::string(tname->data(), tname->size());
  }
  filed_ = true;
  return e;
}

server_event customer_protocol::on_viewers(std::span<const std::uint8_t> payload) {
  json::value v;
  if (!parse_object(payload, v)) return refuse(close_code::protocol_error, "viewers: bad JSON");
  const auto count = int_member(v.get_object(), "count");
  if (!count || *count < 0 || *count > max_viewers) {
    return refuse(close_code::protocol_error, "viewers: count out of range");
  }
  server_event e;
  e.what = server_event::kind::viewers;
  e.viewers = static_cast<int>(*count);
  // Optional (older servers): the distinct technicians watching, [{"id", "name"}, ...].
  if (const json::value* list = v.get_object().if_contains("technicians")) {
    if (!list->is_array() || list->get_array().size() > max_listed_technicians) {
      return refuse(close_code::protocol_error, "viewers: technicians is not a short array");
    }
    for (const json::value& t : list->get_array()) {
      const json::string* id = t.is_object() ? string_member(t.get_object(), "id") : nullptr;
      if (id == nullptr || !protocol::is_valid_technician_id(*id)) {
        return refuse(close_code::protocol_error, "viewers: bad technician id");
      }
      e.technicians.emplace_back(id->data(), id->size());
    }
    e.technicians_listed = true;
  }
  return e;
}

server_event customer_protocol::on_close_reason(std::span<const std::uint8_t> payload) {
  json::value v;
  server_event e;
  e.what = server_event::kind::closing;
  if (!parse_object(payload, v)) {
    e.text = "(unreadable close_reason)";
    return e;
  }
  const json::object& o = v.get_object();
  if (const json::string* code = string_member(o, "code")) {
    e.code_text = std::string(code->data(), code->size());
    if (auto known = protocol::close_code_from_string(e.code_text)) e.code = *known;
  }
  if (const json::string* text = string_member(o, "message")) {
    e.text = std::string(text->data(), text->size());
  }
  return e;
}

server_event customer_protocol::on_frame_ack(std::span<const std::uint8_t> payload) {
  const auto acked = protocol::parse_frame_ack(payload);
  if (!acked) return refuse(close_code::protocol_error, "frame_ack: bad payload");
  const auto released = window_.acked(*acked);
  if (!released) {
    return refuse(close_code::protocol_error,
                  "frame_ack for frame " + std::to_string(*acked) + ", which was never sent");
  }
  server_event e;
  e.what = server_event::kind::acked;
  e.released = *released;
  return e;
}

}  // namespace visit::client
