#include "client/frame_pipeline.hpp"

#include <algorithm>
#include <string>

#include "client/client_log.hpp"

namespace visit::client {
namespace {

using protocol::max_cursor_dimension;

std::uint16_t clamp_u16(int v, int hi) {
  return static_cast<std::uint16_t>(std::clamp(v, 0, hi));
}

// The cursor as the protocol allows it: at most 128x128 (the top-left part of a larger one),
// hot spot inside. Nullopt for an image that is empty or whose pixels do not match its size.
std::optional<capture::cursor_image> fit_cursor(capture::cursor_image img) {
  if (img.width <= 0 || img.height <= 0 ||
      img.rgba.size() != static_cast<std::size_t>(img.width) * img.height * 4) {
    return std::nullopt;
  }
  const int w = std::min(img.width, max_cursor_dimension);
  const int h = std::min(img.height, max_cursor_dimension);
  if (w != img.width || h != img.height) {
    std::vector<std::uint8_t> cropped(static_cast<std::size_t>(w) * h * 4);
    for (int y = 0; y < h; ++y) {
      std::copy_n(img.rgba.begin() + static_cast<std::ptrdiff_t>(y) * img.width * 4, w * 4,
                  cropped.begin() + static_cast<std::ptrdiff_t>(y) * w * 4);
    }
    img.rgba = std::move(cropped);
    img.width = w;
    img.height = h;
  }
  img.hot_x = std::clamp(img.hot_x, 0, w - 1);
  img.hot_y = std::clamp(img.hot_y, 0, h - 1);
  return img;
}

// The screen_info message: the optional "monitors" member (protocol.md §3.7) is left out when
// the platform cannot tell or there is one monitor covering the whole screen; "scope" only
// while a window is shared.
std::vector<std::uint8_t> screen_info_message(int width, int height,
                                              const std::vector<capture::monitor_area>& monitors,
                                              const std::optional<protocol::screen_scope>& scope) {
  protocol::screen_info info{width, height, scope};
  const bool whole = monitors.size() == 1 && monitors[0].area == rect{0, 0, width, height};
  if (!whole && monitors.size() <= protocol::max_monitors) {
    for (const auto& m : monitors) {
      info.monitors.push_back({m.area.x, m.area.y, m.area.w, m.area.h, m.primary});
    }
  }
  const std::string json = protocol::screen_info_json(info);
  return protocol::make_json_message(protocol::message_type::screen_info, 0, protocol::now_us(),
                                     json);
}

bool inside(const std::vector<rect>& region, int x, int y) {
  return std::any_of(region.begin(), region.end(), [&](const rect& r) {
    return x >= r.x && y >= r.y && x < r.right() && y < r.bottom();
  });
}

bool same_position(const protocol::cursor_position& a, const protocol::cursor_position& b) {
  return a.x == b.x && a.y == b.y && a.visible == b.visible;
}

}  // namespace

frame_pipeline::frame_pipeline(capture::screen_capturer& capturer, uplink& link,
                               pipeline_settings settings)
    : capturer_(capturer), link_(link), settings_(settings) {}

bool frame_pipeline::run() {
  for (;;) {
    const step_result r = step(clock::now());
    if (r.kind == step_kind::stop) return true;
    if (r.kind == step_kind::failed) return false;
    block(r);
  }
}

void frame_pipeline::block(const step_result& r) {
  switch (r.kind) {
    case step_kind::wait_for_screen: {
      const auto left = r.deadline - clock::now();
      const auto ms = std::max(std::chrono::milliseconds(0),
                               std::chrono::ceil<std::chrono::milliseconds>(left));
      damage_ = capturer_.wait_for_change(ms) || damage_;
      break;
    }
    case step_kind::wait_for_link:
      link_.wait(r.seen, r.deadline);
      break;
    case step_kind::again:
    case step_kind::stop:
    case step_kind::failed:
      break;
  }
}

frame_pipeline::step_result frame_pipeline::step(clock::time_point now) {
  const link_status st = link_.status();
  if (st.stopping) return {step_kind::stop, {}, st};
  // No one to send to: capture nothing, poll nothing, sleep until the link changes.
  if (st.connection == 0 || st.viewers <= 0)
    return {step_kind::wait_for_link, clock::time_point::max(), st};

  sync(st);
  sync_scope(now);
  poll_cursor(now, st.connection);

  if (!st.frame_slot_free) {
    // Out of credit (or the last frame not yet taken): leave the damage in the capturer.
    return {step_kind::wait_for_link, next_cursor_poll_, st};
  }
  if (now < next_frame_at_) {
    return {step_kind::wait_for_link, std::min(next_frame_at_, next_cursor_poll_), st};
  }
  if (force_full_ || damage_ || mask_dirty_ || !pending_.empty()) {
    switch (capture_and_send(st.connection)) {
      case send_outcome::failed:
        return {step_kind::failed, {}, st};
      case send_outcome::retry:
        next_frame_at_ = now + settings_.retry_interval;
        return {step_kind::again, {}, st};
      case send_outcome::sent:
        next_frame_at_ = now + settings_.min_frame_interval;
        return {step_kind::again, {}, st};
      case send_outcome::nothing:
        return {step_kind::again, {}, st};
    }
  }
  return {step_kind::wait_for_screen, next_cursor_poll_, st};
}

void frame_pipeline::sync(const link_status& st) {
  if (st.connection != connection_) {
    // A new connection knows nothing: screen_info, the whole screen, the cursor.
    connection_ = st.connection;
    refresh_ = st.refresh;
    pending_.clear();
    force_full_ = true;
    send_screen_info_ = true;
    cursor_dirty_ = true;
    last_position_.reset();
    next_frame_at_ = {};
    next_cursor_poll_ = {};
  } else if (st.refresh != refresh_) {
    // Someone started watching after nobody did: the screen the server holds is stale.
    refresh_ = st.refresh;
    force_full_ = true;
    cursor_dirty_ = true;
    last_position_.reset();
    next_cursor_poll_ = {};
  }
}

void frame_pipeline::sync_scope(clock::time_point now) {
  if (share_ == nullptr) return;
  window_share::view v = share_->current(now);
  if (v.generation == scope_.generation) {
    scope_.events = v.events;  // looked again and found the same region: valid until now
    return;
  }
  if (v.scope != scope_.scope) {
    // A new scope, or the window's state changed: the viewers hear it, then see it all anew.
    send_screen_info_ = true;
    force_full_ = true;
    last_position_.reset();
  }
  if (!v.scope) mask_.reset();
  mask_dirty_ = v.scope.has_value();
  scope_ = std::move(v);
}

void frame_pipeline::poll_cursor(clock::time_point now, std::uint64_t connection) {
  if (auto img = capturer_.cursor_if_changed()) {
    if (auto fitted = fit_cursor(std::move(*img))) {
      cursor_ = std::move(fitted);
      cursor_dirty_ = true;
    }
  }
  if (cursor_dirty_ && cursor_) {
    cursor_dirty_ = false;
    link_.offer_cursor_shape(
        connection,
        protocol::make_cursor_shape(
            0, protocol::now_us(), static_cast<std::uint16_t>(cursor_->width),
            static_cast<std::uint16_t>(cursor_->height), static_cast<std::uint16_t>(cursor_->hot_x),
            static_cast<std::uint16_t>(cursor_->hot_y), cursor_->rgba));
    ++stats_.cursor_shapes;
  }
  if (now < next_cursor_poll_) return;
  next_cursor_poll_ = now + settings_.cursor_poll_interval;
  const capture::cursor_state s = capturer_.cursor_position();
  protocol::cursor_position p;
  p.x = clamp_u16(s.x, 0xffff);
  p.y = clamp_u16(s.y, 0xffff);
  p.visible = s.visible;
  // Where the pointer is outside the shared window is not the technician's business.
  if (scope_.scope && !inside(scope_.visible, s.x, s.y)) p.visible = false;
  if (last_position_ && same_position(*last_position_, p)) return;
  last_position_ = p;
  link_.offer_cursor_position(connection, protocol::make_cursor_position(0, protocol::now_us(), p));
  ++stats_.cursor_positions;
}

frame_pipeline::send_outcome frame_pipeline::capture_and_send(std::uint64_t connection) {
  const bool full = force_full_;
  const capture::capture_result r = capturer_.capture(frame_, full || regrab_);
  damage_ = false;
  ++stats_.captures;
  if (r == capture::capture_result::error_permanent) {
    log_line("capture failed: the display is gone");
    return send_outcome::failed;
  }
  if (r == capture::capture_result::error_temporary) {
    damage_ = true;  // look again after the retry interval
    return send_outcome::retry;
  }
  const frame_view& screen = frame_.screen;
  if (screen.data == nullptr || screen.width <= 0 || screen.height <= 0 ||
      screen.width > protocol::max_screen_dimension ||
      screen.height > protocol::max_screen_dimension) {
    if (screen.data != nullptr) {
      log_line("capture: screen size " + std::to_string(screen.width) + "x" +
               std::to_string(screen.height) + " is outside the protocol's limits");
    }
    force_full_ = true;
    return send_outcome::retry;
  }
  std::span<const rect> changed = frame_.changed_cells;
  screen_ = screen;
  if (scope_.scope) {
    // Only what is visible of the shared window, as it was when the grab was made: if the
    // window moved, or something covered or uncovered it, since the region was computed, the
    // grab may show another window where the region says ours is. Drop it and look again;
    // the whole mask is recomputed next time, so no change is lost.
    if (!share_->still_valid(scope_)) {
      ++stats_.stale_captures;
      mask_dirty_ = true;
      regrab_ = true;  // the next grab takes every row, after the new region is known
      return send_outcome::retry;
    }
    const bool all = full || mask_dirty_ || frame_.size_changed;
    screen_ = mask_.apply(screen, scope_.visible, changed, all, masked_cells_);
    mask_dirty_ = false;
    regrab_ = false;
    changed = masked_cells_;
  }
  force_full_ = false;
  if (frame_.size_changed || screen.width != pending_.width() ||
      screen.height != pending_.height()) {
    // A new grid: every cell is new, and the server must hear the size first.
    pending_.reset(screen.width, screen.height);
    pending_.add_all();
    send_screen_info_ = true;
  }
  if (full) pending_.add_all();
  for (const rect& c : changed) pending_.add(c);
  if (pending_.empty()) return send_outcome::nothing;
  if (!send_pending(connection)) return send_outcome::nothing;
  if (full) ++stats_.full_frames;
  return send_outcome::sent;
}

bool frame_pipeline::send_pending(std::uint64_t connection) {
  const frame_view& screen = screen_;
  const std::size_t tile_budget = settings_.max_frame_payload - protocol::frame_header_size;
  batch_.clear();
  tiles_.clear();
  for (std::size_t i = pending_.first(); i < pending_.capacity() && batch_.size() < 0xffff;
       i = pending_.next(i + 1)) {
    const std::size_t before = tiles_.size();
    const rect cell = pending_.cell_rect(i);
    encoder_.encode(screen, cell.x, cell.y, tiles_);
    if (tiles_.size() > tile_budget) {
      // Does not fit: this cell and the rest wait for the next frame.
      tiles_.resize(before);
      break;
    }
    batch_.push_back(i);
  }
  if (batch_.empty()) return false;

  outgoing_frame out;
  if (send_screen_info_) {
    out.screen_info =
        screen_info_message(screen.width, screen.height, capturer_.monitors(), scope_.scope);
  }
  out.frame = protocol::make_frame(0, protocol::now_us(), static_cast<std::uint16_t>(batch_.size()),
                                   tiles_);
  const std::size_t bytes = out.frame.size();
  if (!link_.offer_frame(connection, std::move(out))) return false;

  send_screen_info_ = false;
  for (const std::size_t i : batch_) pending_.erase(i);
  ++stats_.frames;
  stats_.tiles += batch_.size();
  stats_.frame_bytes += bytes;
  return true;
}

}  // namespace visit::client
