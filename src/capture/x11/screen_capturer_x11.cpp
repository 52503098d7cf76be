#include "capture/x11/screen_capturer_x11.hpp"

#include <X11/extensions/XShm.h>
#include <X11/extensions/Xrandr.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "capture/cursor_convert.hpp"

namespace visit::capture {

namespace x11 {

namespace {

// Damaged row ranges closer than this are grabbed as one band: a round trip to the server
// costs about as much as copying this many rows of a 1080p screen.
constexpr int band_merge_gap = 64;

bool is_bgrx(Display* display, Visual* visual, int depth) {
  if (depth != 24 && depth != 32) return false;
  if (visual->c_class != TrueColor || visual->red_mask != 0xff0000 ||
      visual->green_mask != 0xff00 || visual->blue_mask != 0xff) {
    return false;
  }
  if (ImageByteOrder(display) != LSBFirst) return false;
  int count = 0;
  x_ptr<XPixmapFormatValues> formats(XListPixmapFormats(display, &count));
  for (int i = 0; i < count; ++i) {
    if (formats.get()[i].depth == depth) return formats.get()[i].bits_per_pixel == 32;
  }
  return false;
}

}  // namespace

screen_capturer_x11::screen_capturer_x11(const capturer_options& options) : options_(options) {}

std::unique_ptr<screen_capturer_x11> screen_capturer_x11::create(const std::string& display_name,
                                                                 const capturer_options& options,
                                                                 std::string& error) {
  std::unique_ptr<screen_capturer_x11> capturer(new screen_capturer_x11(options));
  if (!capturer->init(display_name, error)) return nullptr;
  return capturer;
}

bool screen_capturer_x11::init(const std::string& display_name, std::string& error) {
  display_ = open_display(display_name.empty() ? nullptr : display_name.c_str());
  if (!display_) {
    const char* env = display_name.empty() ? std::getenv("DISPLAY") : display_name.c_str();
    error = "cannot open X display '" + std::string(env ? env : "") + "'";
    return false;
  }
  Display* d = display_.get();
  on_connection_lost(d, &dead_);
  root_ = DefaultRootWindow(d);
  visual_ = DefaultVisual(d, DefaultScreen(d));
  depth_ = DefaultDepth(d, DefaultScreen(d));
  if (!is_bgrx(d, visual_, depth_)) {
    error = "unsupported X pixel format (need a 24/32-bit TrueColor BGRX root, depth is " +
            std::to_string(depth_) + ")";
    return false;
  }

  int error_base = 0, major = 0, minor = 0;
  if (!XFixesQueryExtension(d, &fixes_event_base_, &error_base) ||
      !XFixesQueryVersion(d, &major, &minor) || major < 2) {
    error = "X server lacks XFIXES 2";
    return false;
  }
  if (options_.use_damage) {
    if (!XDamageQueryExtension(d, &damage_event_base_, &error_base) ||
        !XDamageQueryVersion(d, &major, &minor)) {
      error = "X server lacks DAMAGE";
      return false;
    }
  }
  int randr_error_base = 0;
  if (XRRQueryExtension(d, &randr_event_base_, &randr_error_base) &&
      XRRQueryVersion(d, &major, &minor)) {
    XRRSelectInput(d, root_, RRScreenChangeNotifyMask);
    randr_monitors_ = major > 1 || (major == 1 && minor >= 5);
  } else {
    randr_event_base_ = -1;  // old server: root ConfigureNotify still tells us
  }
  if (options_.use_shm && !XShmQueryExtension(d)) options_.use_shm = false;

  x_error_trap trap(d);
  XSelectInput(d, root_, StructureNotifyMask);
  XFixesSelectCursorInput(d, root_, XFixesDisplayCursorNotifyMask);
  if (options_.use_damage) {
    damage_ = x_id<XDamageDestroy>(d, XDamageCreate(d, root_, XDamageReportNonEmpty));
    region_ = x_id<XFixesDestroyRegion>(d, XFixesCreateRegion(d, nullptr, 0));
  }
  trap.sync();
  if (trap.failed() || dead_) {
    error = "X server refused the capture set-up (error " + std::to_string(trap.error_code()) + ")";
    return false;
  }

  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    error = "eventfd failed";
    return false;
  }
  if (update_size() != capture_result::success) {
    error = "cannot create the screen image";
    return false;
  }
  return true;
}

screen_capturer_x11::~screen_capturer_x11() {
  if (dead_) {
    // The server is gone and freed everything; sending destroy requests would only raise
    // more I/O errors.
    damage_.release();
    region_.release();
  }
  image_.reset();
  damage_.reset();
  region_.reset();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void screen_capturer_x11::process_events() {
  Display* d = display_.get();
  // XPending flushes our requests and reads what the socket holds without blocking.
  while (!dead_ && XPending(d) > 0) {
    XEvent event;
    XNextEvent(d, &event);
    handle_event(event);
  }
}

void screen_capturer_x11::handle_event(XEvent& event) {
  if (options_.use_damage && event.type == damage_event_base_ + XDamageNotify) {
    damage_pending_ = true;
  } else if (event.type == fixes_event_base_ + XFixesCursorNotify) {
    cursor_dirty_ = cursor_signal_ = true;
  } else if (randr_event_base_ >= 0 && event.type == randr_event_base_ + RRScreenChangeNotify) {
    XRRUpdateConfiguration(&event);
    size_dirty_ = true;
  } else if (event.type == ConfigureNotify && event.xconfigure.window == root_) {
    if (randr_event_base_ >= 0) XRRUpdateConfiguration(&event);
    // Also without a new size: RandR announces a new monitor layout (xrandr --setmonitor) with a
    // root ConfigureNotify only; update_size() re-reads the monitors.
    size_dirty_ = true;
  }
}

bool screen_capturer_x11::wait_for_change(std::chrono::milliseconds timeout) {
  using clock = std::chrono::steady_clock;
  if (dead_) return false;
  const auto has_change = [this] {
    return (options_.use_damage && damage_pending_) || size_dirty_ || cursor_signal_;
  };
  const auto report = [this] {
    cursor_signal_ = false;
    return true;
  };
  process_events();
  if (has_change()) return report();
  const auto deadline = clock::now() + timeout;
  for (;;) {
    const auto left = deadline - clock::now();
    if (left <= clock::duration::zero()) return !options_.use_damage;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    pollfd fds[2] = {{ConnectionNumber(display_.get()), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int n = poll(fds, 2, static_cast<int>(std::min<long long>(ms, INT_MAX)));
    if (n < 0 && errno != EINTR) return false;
    bool woken = false;
    if (fds[1].revents & POLLIN) {
      std::uint64_t count = 0;
      woken = read(wake_fd_, &count, sizeof count) > 0;
    }
    // Also on POLLHUP/POLLERR: reading is what tells Xlib (and so dead_) the server left.
    if (fds[0].revents) process_events();
    if (dead_) return false;
    if (has_change()) return report();
    if (woken) return false;
  }
}

void screen_capturer_x11::wake() {
  const std::uint64_t one = 1;
  // Only fails if the counter would overflow, and then a wake is pending anyway.
  [[maybe_unused]] auto written = write(wake_fd_, &one, sizeof one);
}

void screen_capturer_x11::update_monitors() {
  monitors_.clear();
  if (!randr_monitors_) return;
  Display* d = display_.get();
  int count = 0;
  x_error_trap trap(d);
  x_ptr<XRRMonitorInfo> list(XRRGetMonitors(d, root_, True, &count));
  if (!list || trap.failed()) return;
  const rect screen{0, 0, width_, height_};
  for (int i = 0; i < count; ++i) {
    const XRRMonitorInfo& m = list.get()[i];
    const rect area = rect{m.x, m.y, m.width, m.height}.intersect(screen);
    if (area.empty()) continue;
    monitors_.push_back({area, m.primary != 0});
  }
  std::sort(monitors_.begin(), monitors_.end(), [](const monitor_area& a, const monitor_area& b) {
    return a.area.x != b.area.x ? a.area.x < b.area.x : a.area.y < b.area.y;
  });
  if (monitors_.size() > 8) monitors_.resize(8);  // protocol::max_monitors
}

capture_result screen_capturer_x11::update_size() {
  Display* d = display_.get();
  Window root_return = 0;
  int x = 0, y = 0;
  unsigned width = 0, height = 0, border = 0, depth = 0;
  x_error_trap trap(d);
  if (!XGetGeometry(d, root_, &root_return, &x, &y, &width, &height, &border, &depth)) {
    return dead_ ? capture_result::error_permanent : capture_result::error_temporary;
  }
  size_dirty_ = false;
  const bool resized = static_cast<int>(width) != width_ || static_cast<int>(height) != height_;
  const auto old_monitors = monitors_;
  width_ = static_cast<int>(width);
  height_ = static_cast<int>(height);
  update_monitors();
  // A new monitor layout is reported like a new size: the pipeline sends screen_info again.
  if (monitors_ != old_monitors) report_size_ = force_full_ = true;
  if (image_ && !resized) return capture_result::success;
  image_.reset();  // release the old segment before making the new one
  width_ = static_cast<int>(width);
  height_ = static_cast<int>(height);
  if (resized) {
    differ_.reset(width_, height_);
    report_size_ = true;
  }
  force_full_ = true;
  std::string error;
  image_ = root_image::create(d, root_, visual_, depth_, width_, height_, options_.use_shm, &dead_,
                              error);
  if (!image_) return capture_result::error_temporary;
  if (options_.use_shm && !image_->uses_shm() && !warned_no_shm_) {
    warned_no_shm_ = true;
    // A diagnostic: a failed write to stderr has nowhere else to be reported.
    (void)std::fprintf(stderr,
                       "visit capture: the X server cannot attach shared memory; grabbing "
                       "through the connection (slower)\n");
  }
  return capture_result::success;
}

bool screen_capturer_x11::take_damage() {
  damage_rects_.clear();
  if (!damage_pending_) return false;
  damage_pending_ = false;
  Display* d = display_.get();
  // Move the damage into our region and empty the server's: drawing from now on raises a new
  // DamageNotify, so nothing drawn after this point can be missed.
  XDamageSubtract(d, damage_.get(), None, region_.get());
  int count = 0;
  x_ptr<XRectangle> rects(XFixesFetchRegion(d, region_.get(), &count));
  const rect screen{0, 0, width_, height_};
  for (int i = 0; i < count; ++i) {
    const XRectangle& r = rects.get()[i];
    const rect c = rect{r.x, r.y, r.width, r.height}.intersect(screen);
    if (!c.empty()) damage_rects_.push_back(c);
  }
  return !damage_rects_.empty();
}

capture_result screen_capturer_x11::grab_failed() {
  if (dead_) return capture_result::error_permanent;
  // Most likely the screen shrank under us. The damage we took is lost, so start over with a
  // new image (and a new segment, in case the old one is what the server refused).
  image_.reset();
  size_dirty_ = true;
  force_full_ = true;
  return capture_result::error_temporary;
}

capture_result screen_capturer_x11::capture(captured_frame& out, bool full) {
  out.changed_cells.clear();
  out.size_changed = false;
  out.screen = {};
  if (dead_) return capture_result::error_permanent;
  process_events();
  if (dead_) return capture_result::error_permanent;
  if (size_dirty_ || !image_) {
    const capture_result r = update_size();
    if (r != capture_result::success) return r;
  }
  full = full || force_full_;

  Display* d = display_.get();
  x_error_trap trap(d);
  if (full || !options_.use_damage) {
    if (options_.use_damage) {
      damage_pending_ = false;
      XDamageSubtract(d, damage_.get(), None, None);
    }
    if (!image_->grab_rows(0, height_)) return grab_failed();
    damage_rects_.assign(1, rect{0, 0, width_, height_});
  } else if (take_damage()) {
    bands_.clear();
    for (const rect& r : damage_rects_) bands_.emplace_back(r.y, r.bottom());
    std::sort(bands_.begin(), bands_.end());
    std::size_t merged = 0;
    for (std::size_t i = 1; i < bands_.size(); ++i) {
      if (bands_[i].first <= bands_[merged].second + band_merge_gap) {
        bands_[merged].second = std::max(bands_[merged].second, bands_[i].second);
      } else {
        bands_[++merged] = bands_[i];
      }
    }
    bands_.resize(merged + 1);
    for (const auto& [top, bottom] : bands_) {
      if (!image_->grab_rows(top, bottom - top)) return grab_failed();
    }
  } else {
    if (dead_) return capture_result::error_permanent;
    out.screen = image_->view();
    return capture_result::success;  // nothing damaged: nothing grabbed, nothing compared
  }
  if (dead_) return capture_result::error_permanent;
  force_full_ = false;
  out.size_changed = std::exchange(report_size_, false);
  differ_.diff(image_->view(), damage_rects_, full, out.changed_cells);
  out.screen = image_->view();
  return capture_result::success;
}

std::optional<cursor_image> screen_capturer_x11::cursor_if_changed() {
  process_events();
  if (dead_ || (have_cursor_ && !cursor_dirty_)) return std::nullopt;
  cursor_dirty_ = false;
  x_error_trap trap(display_.get());
  x_ptr<XFixesCursorImage> image(XFixesGetCursorImage(display_.get()));
  if (!image || (have_cursor_ && image->cursor_serial == cursor_serial_)) return std::nullopt;
  have_cursor_ = true;
  cursor_serial_ = image->cursor_serial;
  const auto pixels = static_cast<std::size_t>(image->width) * image->height;
  return cursor_from_premultiplied_argb({image->pixels, pixels}, image->width, image->height,
                                        image->xhot, image->yhot, image->cursor_serial);
}

cursor_state screen_capturer_x11::cursor_position() {
  if (dead_) return {0, 0, false};
  Window root_return = 0, child = 0;
  int root_x = 0, root_y = 0, window_x = 0, window_y = 0;
  unsigned mask = 0;
  x_error_trap trap(display_.get());
  // False when the pointer is on another screen of a multi-screen display.
  const bool here = XQueryPointer(display_.get(), root_, &root_return, &child, &root_x, &root_y,
                                  &window_x, &window_y, &mask);
  return {root_x, root_y, here && !dead_};
}

}  // namespace x11

std::unique_ptr<screen_capturer> make_screen_capturer(const std::string& display_name,
                                                      const capturer_options& options,
                                                      std::string& error) {
  return x11::screen_capturer_x11::create(display_name, options, error);
}

std::unique_ptr<screen_capturer> make_screen_capturer(const std::string& display_name,
                                                      std::string& error) {
  return make_screen_capturer(display_name, capturer_options{}, error);
}

}  // namespace visit::capture
