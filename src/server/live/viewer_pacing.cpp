// Per-viewer pacing (session_hub.hpp): what each viewer is sent next from the screen model, its
// credit window and write in flight, and the customer's acks that depend on them.
#include <span>
#include <vector>

#include "protocol/control.hpp"
#include "server/live/session_hub.hpp"
#include "server/live/session_hub_state.hpp"

namespace visit::server {

using protocol::message_type;
using protocol::parse_error;

boost::system::error_code session_hub::on_viewer_frame_ack(viewer_id id, std::uint32_t acked) {
  std::lock_guard lock(mutex_);
  auto it = viewers_.find(id);
  if (it == viewers_.end()) return {};
  request_state& r = *it->second.request;
  viewer_state& v = *it->second.viewer;
  if (acked > v.last_sent_sequence) return protocol::make_error_code(parse_error::bad_value);
  while (!v.unacked.empty() && v.unacked.front() <= acked) v.unacked.pop_front();
  release_customer_ack(r);
  pump(r, v);
  return {};
}

void session_hub::on_viewer_write_done(viewer_id id) {
  std::lock_guard lock(mutex_);
  auto it = viewers_.find(id);
  if (it == viewers_.end()) return;
  viewer_state& v = *it->second.viewer;
  v.in_flight = false;
  v.in_flight_bytes = 0;
  pump(*it->second.request, v);
}

void session_hub::release_customer_ack(request_state& r) {
  if (!r.ack_withheld || !r.customer) return;
  if (r.active_viewers() > 0 && !r.any_viewer_with_credit()) return;  // every viewer saturated
  r.ack_withheld = false;
  r.customer->send_frame_ack(r.last_customer_frame);
}

void session_hub::pump(request_state& r, viewer_state& v) {
  if (v.in_flight || v.closing) return;
  shared_message m = next_message(r, v);
  if (!m) return;
  v.in_flight = true;
  v.in_flight_bytes = m->size();
  v.bytes_sent += m->size();
  v.sink->send(std::move(m));
}

shared_message session_hub::next_message(request_state& r, viewer_state& v) {
  auto now = protocol::now_us();
  if (v.hello_pending) {
    v.hello_pending = false;
    v.last_sent_sequence = v.next_sequence;
    return share(
        protocol::make_json_message(message_type::hello, v.next_sequence++, now, r.viewer_hello));
  }
  if (v.screen_info_pending && r.has_screen) {
    v.screen_info_pending = false;
    v.last_sent_sequence = v.next_sequence;
    return share(protocol::make_json_message(message_type::screen_info, v.next_sequence++, now,
                                             r.screen_info));
  }
  if (v.access_state_pending && !r.access_state.empty()) {
    v.access_state_pending = false;
    v.last_sent_sequence = v.next_sequence;
    return share(protocol::make_json_message(message_type::access_state, v.next_sequence++, now,
                                             r.access_state));
  }
  if (v.clipboard_pending) {
    v.clipboard_pending = false;
    v.last_sent_sequence = v.next_sequence;
    auto m =
        share(protocol::make_message(message_type::clipboard, v.next_sequence++, now, v.clipboard));
    v.clipboard.clear();
    return m;
  }
  bool cursor_ready = v.cursor_shape_pending || v.cursor_position_pending;
  bool frame_ready = r.has_screen && !v.screen_info_pending && !v.dirty.empty() && v.has_credit();
  if (cursor_ready && (!frame_ready || !v.last_was_cursor)) {
    v.last_was_cursor = true;
    v.last_sent_sequence = v.next_sequence;
    if (v.cursor_shape_pending) {
      v.cursor_shape_pending = false;
      return share(protocol::make_message(message_type::cursor_shape, v.next_sequence++, now,
                                          r.cursor_shape));
    }
    v.cursor_position_pending = false;
    return share(protocol::make_message(message_type::cursor_position, v.next_sequence++, now,
                                        r.cursor_position));
  }
  if (frame_ready) {
    v.last_was_cursor = false;
    return build_frame(r, v);
  }
  return nullptr;
}

shared_message session_hub::build_frame(request_state& r, viewer_state& v) {
  // The dirty cells in row-major order, as many as fit the payload limit (at least one); the
  // rest stay dirty for the next frame.
  std::vector<std::span<const std::uint8_t>> tiles;
  tiles.reserve(v.dirty.size());
  std::size_t payload = protocol::frame_header_size;
  for (std::size_t c = v.dirty.first(); c < v.dirty.capacity(); c = v.dirty.next(c + 1)) {
    const auto& tile = r.tiles[c];
    if (payload + tile.size() > max_viewer_frame_payload_ && !tiles.empty()) break;
    payload += tile.size();
    tiles.emplace_back(tile);
    v.dirty.erase(c);
  }
  if (tiles.empty()) return nullptr;
  std::uint32_t seq = v.next_sequence++;
  v.last_sent_sequence = seq;
  v.unacked.push_back(seq);
  ++v.frames_sent;
  return share(protocol::make_frame(seq, protocol::now_us(), tiles));
}

std::optional<session_hub::viewer_stats> session_hub::stats(viewer_id id) const {
  std::lock_guard lock(mutex_);
  auto it = viewers_.find(id);
  if (it == viewers_.end()) return std::nullopt;
  const request_state& r = *it->second.request;
  const viewer_state& v = *it->second.viewer;
  viewer_stats s;
  s.dirty_cells = v.dirty.size();
  s.unacked_frames = v.unacked.size();
  s.write_in_flight = v.in_flight;
  s.queued_bytes = v.in_flight_bytes;
  if (v.hello_pending) s.queued_bytes += r.viewer_hello.size() + protocol::header_size;
  if (v.screen_info_pending) s.queued_bytes += r.screen_info.size() + protocol::header_size;
  if (v.cursor_shape_pending) s.queued_bytes += r.cursor_shape.size() + protocol::header_size;
  if (v.cursor_position_pending) s.queued_bytes += r.cursor_position.size() + protocol::header_size;
  if (v.access_state_pending) s.queued_bytes += r.access_state.size() + protocol::header_size;
  if (v.clipboard_pending) s.queued_bytes += v.clipboard.size() + protocol::header_size;
  s.dropped_control = v.dropped_control;
  s.frames_sent = v.frames_sent;
  s.bytes_sent = v.bytes_sent;
  return s;
}

}  // namespace visit::server
