#include "server/live/session_hub.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <vector>

#include "protocol/control.hpp"
#include "server/live/json_messages.hpp"
#include "server/live/session_hub_state.hpp"

namespace visit::server {

using protocol::message_type;
using protocol::parse_error;

namespace {

// The audit event kind of an access_state reason; empty: not recorded (`initial` starts every
// connection, `requested` repeats a control_request already recorded).
std::string_view audit_kind_for(std::optional<access_reason> reason) {
  using enum access_reason;
  if (!reason) return "access_state";  // a word this server does not know: kept in the detail
  if (reason == initial || reason == requested) return {};
  if (reason == granted) return "grant";
  if (reason == revoked) return "revoke";
  if (reason == paused) return "pause";
  if (reason == resumed) return "resume";
  return to_string(*reason);  // mouse_precedence, disconnect, timeout
}

std::string json_text(const boost::json::object& o) {
  return boost::json::serialize(o);
}

}  // namespace

session_hub::session_hub(std::size_t max_viewer_frame_payload)
    : max_viewer_frame_payload_(max_viewer_frame_payload) {}

session_hub::~session_hub() = default;

void session_hub::set_audit(audit_sink* audit) {
  std::lock_guard lock(mutex_);
  audit_ = audit;
}

// --- customer side --------------------------------------------------------------------------

void session_hub::add_customer(const std::string& request_id, std::string name,
                               std::string description, customer_sink* sink) {
  auto r = std::make_shared<request_state>();
  r->id = request_id;
  r->viewer_hello = server_hello_for_viewer(request_id, name, description);
  r->customer = sink;
  std::lock_guard lock(mutex_);
  auto old = requests_.find(request_id);
  if (old != requests_.end()) {
    auto& o = *old->second;
    for (auto& v : o.viewers) {
      if (!v->closing) {
        close_viewer_locked(o, *v, protocol::close_code::customer_left, "the customer reconnected");
      }
    }
    if (o.customer) o.customer->close(protocol::close_code::replaced, "a newer connection resumed");
    o.customer = nullptr;
  }
  requests_[request_id] = r;
  sink->send_viewers(viewers_info{});
  if (audit_) audit_->event(request_id, "", "customer_connected", "{}");
}

void session_hub::close_request(const std::string& request_id, protocol::close_code code,
                                std::string_view message) {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return;
  auto& r = *it->second;
  for (auto& v : r.viewers) {
    if (!v->closing) close_viewer_locked(r, *v, code, message);
  }
  if (r.customer) r.customer->close(code, message);
}

void session_hub::remove_customer(const std::string& request_id) {
  remove_customer(request_id, nullptr);
}

void session_hub::remove_customer(const std::string& request_id, const customer_sink* sink) {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return;
  if (sink && it->second->customer != sink) return;  // replaced by a resumed connection
  auto r = it->second;
  requests_.erase(it);
  r->customer = nullptr;
  if (audit_) {
    if (r->full_access) {
      audit_->event(request_id, r->controller_id, "disconnect",
                    R"({"by":"server","cause":"customer_left"})");
    }
    audit_->event(request_id, "", "customer_left", "{}");
  }
  for (auto& v : r->viewers) {
    if (!v->closing) {
      close_viewer_locked(*r, *v, protocol::close_code::customer_left, "the customer left");
    }
  }
  r->tiles.clear();
  r->tiles.shrink_to_fit();
}

boost::system::error_code session_hub::on_customer_message(const std::string& request_id,
                                                           const protocol::message_view& m) {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return {};  // already removed: nothing to do
  request_state& r = *it->second;
  if (m.hdr.type == message_type::access_state) return on_access_state(r, m);
  if (m.hdr.type == message_type::clipboard) return on_customer_clipboard(r, m);
  if (protocol::is_control_type(m.hdr.type)) {
    return protocol::make_error_code(parse_error::bad_value);  // viewer→customer types
  }
  switch (m.hdr.type) {
    case message_type::screen_info:
      return on_screen_info(r, m);
    case message_type::frame:
      return on_frame(r, m);
    case message_type::cursor_shape:
      if (!protocol::parse_cursor_shape(m.payload)) {
        return protocol::make_error_code(parse_error::bad_value);
      }
      r.cursor_shape.assign(m.payload.begin(), m.payload.end());
      for (auto& v : r.viewers) {
        v->cursor_shape_pending = true;
        pump(r, *v);
      }
      return {};
    case message_type::cursor_position:
      if (!protocol::parse_cursor_position(m.payload)) {
        return protocol::make_error_code(parse_error::bad_value);
      }
      r.cursor_position.assign(m.payload.begin(), m.payload.end());
      for (auto& v : r.viewers) {
        v->cursor_position_pending = true;
        pump(r, *v);
      }
      return {};
    default:
      return protocol::make_error_code(parse_error::bad_value);
  }
}

boost::system::error_code session_hub::on_screen_info(request_state& r,
                                                      const protocol::message_view& m) {
  auto size = parse_screen_info(m.payload);
  if (!size) return size.error();
  r.has_screen = true;
  r.screen = *size;
  r.grid = cell_grid{size->width, size->height};
  r.screen_info = screen_info_json(*size);
  // A new screen: the old tiles no longer describe it (the next frame covers it all).
  r.tiles.assign(r.grid.count(), {});
  for (auto& v : r.viewers) {
    v->dirty.reset(r.grid);
    v->screen_info_pending = true;
    pump(r, *v);
  }
  return {};
}

boost::system::error_code session_hub::on_frame(request_state& r, const protocol::message_view& m) {
  if (!r.has_screen) return protocol::make_error_code(parse_error::bad_value);
  auto tiles = protocol::parse_frame(m.payload, r.screen.width, r.screen.height);
  if (!tiles) return tiles.error();
  for (const auto& t : *tiles) {
    const std::size_t cell = r.grid.index_at(t.x, t.y);
    r.tiles[cell].assign(t.encoded.begin(), t.encoded.end());
    for (auto& v : r.viewers) {
      if (!v->closing) v->dirty.add(cell);
    }
  }
  for (auto& v : r.viewers) pump(r, *v);
  r.last_customer_frame = m.hdr.sequence;
  r.ack_withheld = true;
  release_customer_ack(r);
  return {};
}

boost::system::error_code session_hub::on_access_state(request_state& r,
                                                       const protocol::message_view& m) {
  auto info = parse_access_state(m.payload);
  if (!info) return info.error();
  if (audit_) audit_access_change(r, *info);
  r.access_state.assign(m.payload.begin(), m.payload.end());  // forwarded unchanged
  if (r.full_access) r.last_controller_id = r.controller_id;
  r.unlisted_controller.clear();  // the customer has spoken since
  r.full_access = info->full_access;
  r.controller_id = std::move(info->controller_id);
  for (auto& v : r.viewers) {
    v->access_state_pending = true;
    if (!r.full_access) {
      v->clipboard.clear();
      v->clipboard_pending = false;
    }
    pump(r, *v);
  }
  announce_viewers(r);  // the controller goes first in the list
  return {};
}

void session_hub::audit_access_change(request_state& r, const access_state_info& info) {
  // Who the change concerns: the new controller on a grant, else the one who held control
  // (the hub may have ended it already when the controller left: last_controller_id).
  const std::string& before = !r.controller_id.empty() ? r.controller_id : r.last_controller_id;
  const std::string& who = info.full_access ? info.controller_id : before;
  std::string_view kind = audit_kind_for(info.known_reason);
  if (!kind.empty()) {
    boost::json::object d;
    d["mode"] = info.full_access ? "full_access" : "read_only";
    if (kind == "access_state") d["reason"] = info.reason;
    if (info.full_access) d["name"] = info.controller_name;
    if (info.paused_ms > 0) d["paused_ms"] = info.paused_ms;
    audit_->event(r.id, who, kind, json_text(d));
  }
  if (info.has_released) {
    boost::json::object d;
    d["keys"] = info.released_keys;
    d["buttons"] = info.released_buttons;
    d["reason"] = info.reason;
    audit_->event(r.id, who, "released", json_text(d));
  }
}

boost::system::error_code session_hub::on_customer_clipboard(request_state& r,
                                                             const protocol::message_view& m) {
  if (m.payload.empty() || m.payload[0] != 0) {
    return protocol::make_error_code(parse_error::bad_value);  // a customer sends from_len 0
  }
  if (!r.full_access) return {};  // only while Full-Access
  bool forwarded = false;
  for (auto& v : r.viewers) {
    if (v->closing || v->technician_id != r.controller_id) continue;
    v->clipboard.assign(m.payload.begin(), m.payload.end());
    v->clipboard_pending = true;
    forwarded = true;
    pump(r, *v);
  }
  if (audit_ && forwarded) {
    audit_->count(r.id, r.controller_id, input_disposition::clipboard_to_technician,
                  count_input(message_type::clipboard, m.payload));
  }
  return {};
}

void session_hub::check_controller_present(request_state& r) {
  if (!r.full_access) return;
  bool present = std::any_of(r.viewers.begin(), r.viewers.end(), [&](const auto& v) {
    return !v->closing && v->technician_id == r.controller_id;
  });
  if (present) return;
  // The controller is gone: Read-Only until the customer says otherwise.
  if (audit_) {
    audit_->event(r.id, r.controller_id, "disconnect",
                  R"({"by":"server","cause":"controller_left"})");
  }
  r.full_access = false;
  r.unlisted_controller = r.controller_id;
  r.last_controller_id = std::move(r.controller_id);
  r.controller_id.clear();
  r.access_state = read_only_access_state_json(access_reason::disconnect);
  for (auto& v : r.viewers) {
    v->access_state_pending = true;
    v->clipboard.clear();
    v->clipboard_pending = false;
    pump(r, *v);
  }
}

boost::system::error_code session_hub::on_viewer_control(viewer_id id,
                                                         const protocol::message_view& m) {
  std::lock_guard lock(mutex_);
  auto it = viewers_.find(id);
  if (it == viewers_.end()) return {};
  request_state& r = *it->second.request;
  viewer_state& v = *it->second.viewer;
  if (v.closing || !r.customer) return {};
  if (m.hdr.type == message_type::control_request) {
    auto json = control_request_json(v.technician_id, v.technician_name);
    r.customer->send(message_type::control_request,
                     std::vector<std::uint8_t>(json.begin(), json.end()));
    if (audit_) {
      boost::json::object d;
      d["name"] = v.technician_name;
      audit_->event(r.id, v.technician_id, "control_request", json_text(d));
    }
    return {};
  }
  if (m.hdr.type != message_type::input && m.hdr.type != message_type::paste_text &&
      m.hdr.type != message_type::clipboard) {
    return protocol::make_error_code(parse_error::bad_value);
  }
  if (m.payload.empty() || m.payload[0] != 0) {
    return protocol::make_error_code(parse_error::bad_value);  // a viewer sends from_len 0
  }
  if (!r.full_access || v.technician_id != r.controller_id) {
    ++v.dropped_control;  // Read-Only, or not the controller
    if (audit_) {
      audit_->count(r.id, v.technician_id,
                    r.full_access ? input_disposition::dropped_not_controller
                                  : input_disposition::dropped_read_only,
                    count_input(m.hdr.type, m.payload));
    }
    return {};
  }
  if (audit_) {
    audit_->count(r.id, v.technician_id, input_disposition::forwarded,
                  count_input(m.hdr.type, m.payload));
  }
  std::vector<std::uint8_t> out;
  out.reserve(m.payload.size() + v.technician_id.size());
  out.push_back(static_cast<std::uint8_t>(v.technician_id.size()));
  out.insert(out.end(), v.technician_id.begin(), v.technician_id.end());
  out.insert(out.end(), m.payload.begin() + 1, m.payload.end());
  r.customer->send(m.hdr.type, std::move(out));
  return {};
}

void session_hub::announce_viewers(request_state& r) {
  if (!r.customer) return;
  viewers_info info;
  info.count = r.active_viewers();
  // Distinct technicians, the controller first, so a long list never leaves it out.
  auto listed = [&](const std::string& id) {
    return std::any_of(info.technicians.begin(), info.technicians.end(),
                       [&](const auto& t) { return t.id == id; });
  };
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& v : r.viewers) {
      if (v->closing || info.technicians.size() >= viewers_info::max_listed) continue;
      if (v->technician_id == r.unlisted_controller) continue;
      if ((pass == 0) != (r.full_access && v->technician_id == r.controller_id)) continue;
      if (!listed(v->technician_id)) {
        info.technicians.push_back({v->technician_id, v->technician_name});
      }
    }
  }
  if (info == r.announced) return;
  r.announced = info;
  r.customer->send_viewers(std::move(info));
}

// --- viewer side ----------------------------------------------------------------------------

std::optional<session_hub::viewer_id> session_hub::add_viewer(const std::string& request_id,
                                                              viewer_sink* sink,
                                                              std::string technician_id,
                                                              std::string technician_name) {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return std::nullopt;
  auto r = it->second;
  auto v = std::make_unique<viewer_state>();
  v->id = next_viewer_id_++;
  v->sink = sink;
  v->technician_id = std::move(technician_id);
  v->technician_name = std::move(technician_name);
  v->access_state_pending = !r->access_state.empty();
  if (r->has_screen) {
    v->screen_info_pending = true;
    v->dirty.reset(r->grid);
    for (std::size_t c = 0; c < r->tiles.size(); ++c) {
      if (!r->tiles[c].empty()) v->dirty.add(c);
    }
  }
  v->cursor_shape_pending = !r->cursor_shape.empty();
  v->cursor_position_pending = !r->cursor_position.empty();
  viewer_state& ref = *v;
  r->viewers.push_back(std::move(v));
  viewers_[ref.id] = viewer_ref{r, &ref};
  if (audit_) {
    audit_->event(request_id, ref.technician_id, "viewer_joined",
                  "{\"viewer\":" + std::to_string(ref.id) + "}");
  }
  announce_viewers(*r);
  release_customer_ack(*r);  // the newcomer has credit
  pump(*r, ref);
  return ref.id;
}

std::size_t session_hub::remove_viewer(viewer_id id) {
  std::lock_guard lock(mutex_);
  auto it = viewers_.find(id);
  if (it == viewers_.end()) return 0;
  auto r = it->second.request;
  if (audit_) {
    audit_->event(r->id, it->second.viewer->technician_id, "viewer_left",
                  "{\"viewer\":" + std::to_string(id) + "}");
  }
  viewers_.erase(it);
  std::erase_if(r->viewers, [id](const auto& v) { return v->id == id; });
  check_controller_present(*r);
  announce_viewers(*r);
  release_customer_ack(*r);
  return r->active_viewers();
}

void session_hub::close_viewer(viewer_id id, protocol::close_code code, std::string_view message) {
  std::lock_guard lock(mutex_);
  auto it = viewers_.find(id);
  if (it == viewers_.end() || it->second.viewer->closing) return;
  close_viewer_locked(*it->second.request, *it->second.viewer, code, message);
  check_controller_present(*it->second.request);
  announce_viewers(*it->second.request);
  release_customer_ack(*it->second.request);
}

void session_hub::close_viewer_locked(request_state&, viewer_state& v, protocol::close_code code,
                                      std::string_view message) {
  v.closing = true;
  v.dirty.clear();
  v.hello_pending = v.screen_info_pending = v.cursor_shape_pending = v.cursor_position_pending =
      v.access_state_pending = v.clipboard_pending = false;
  std::uint32_t seq = v.next_sequence++;
  v.last_sent_sequence = seq;
  v.sink->close(share(protocol::make_json_message(
      message_type::close_reason, seq, protocol::now_us(), close_reason_json(code, message))));
}

void session_hub::close_all(protocol::close_code code, std::string_view message) {
  std::lock_guard lock(mutex_);
  for (auto& [id, r] : requests_) {
    for (auto& v : r->viewers) {
      if (!v->closing) close_viewer_locked(*r, *v, code, message);
    }
    if (r->customer) r->customer->close(code, message);
  }
}

// --- queries --------------------------------------------------------------------------------

bool session_hub::is_online(std::string_view request_id) const {
  std::lock_guard lock(mutex_);
  return requests_.count(std::string(request_id)) > 0;
}

std::size_t session_hub::viewer_count(std::string_view request_id) const {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(std::string(request_id));
  return it == requests_.end() ? 0 : it->second->active_viewers();
}

}  // namespace visit::server
