// The X11 clipboard (input/clipboard.hpp), on its own thread and X connection.
//  - Technician -> customer: a hidden window owns CLIPBOARD and PRIMARY (ICCCM: with a real
//    server timestamp, got from a zero-length property append) and answers SelectionRequest
//    for TARGETS, TIMESTAMP, UTF8_STRING, TEXT (as UTF-8) and STRING (Latin-1; refused when
//    the text has characters beyond U+00FF). Ownership lasts until another application takes
//    the selection.
//  - Customer -> technician: XFIXES reports every new owner of CLIPBOARD; while watching, a
//    new owner other than our window is asked for UTF8_STRING (then STRING) into a property
//    of our window. INCR transfers (the owner's way to send large data) and anything over
//    max_clipboard_text_bytes are refused and reported as such, never cut.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xfixes.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "input/clipboard.hpp"
#include "x11/x11_handles.hpp"

namespace visit::input::x11 {

using namespace ::visit::x11;  // the shared Xlib plumbing (src/x11)

namespace {

// Latin-1 of a UTF-8 text, or nullopt if it has a character beyond U+00FF or is not UTF-8.
std::optional<std::string> latin1_of(const std::string& utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < utf8.size() &&
               (static_cast<unsigned char>(utf8[i + 1]) & 0xc0) == 0x80) {
      out.push_back(
          static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3f)));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string utf8_of_latin1(const unsigned char* data, std::size_t n) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = data[i];
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xc0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
  }
  return out;
}

class clipboard_x11 final : public clipboard {
 public:
  explicit clipboard_x11(callback on_change) : on_change_(std::move(on_change)) {}

  bool open(const std::string& display_name, std::string& error);
  void start() {
    thread_ = std::thread([this] { run(); });
  }

  ~clipboard_x11() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake();
    if (thread_.joinable()) thread_.join();
    if (wake_fd_ >= 0) close(wake_fd_);
  }

  void set_text(std::string utf8) override {
    {
      std::lock_guard lock(mutex_);
      pending_text_ = std::move(utf8);
    }
    wake();
  }

  void set_watching(bool on) override {
    {
      std::lock_guard lock(mutex_);
      watching_ = on;
    }
    wake();
  }

 private:
  void wake() {
    const std::uint64_t one = 1;
    if (wake_fd_ >= 0) [[maybe_unused]]
      const auto n = write(wake_fd_, &one, sizeof one);
  }
  void run();
  void handle(XEvent& event);
  void on_request(const XSelectionRequestEvent& req);
  void on_converted(const XSelectionEvent& ev);
  bool watching() {
    std::lock_guard lock(mutex_);
    return watching_;
  }

  callback on_change_;
  bool dead_ = false;  // before display_: its exit handler writes it
  unique_display display_;
  Window window_ = 0;
  int fixes_event_base_ = 0;
  Atom clipboard_ = 0, targets_ = 0, utf8_string_ = 0, text_ = 0, incr_ = 0, timestamp_ = 0,
       property_ = 0, stamp_property_ = 0;
  // Owner side (thread only).
  std::string text_owned_;
  bool owning_ = false;
  bool awaiting_stamp_ = false;
  Time owned_since_ = CurrentTime;
  // Shared with the callers.
  std::mutex mutex_;
  std::optional<std::string> pending_text_;
  bool watching_ = false;
  bool stop_ = false;
  int wake_fd_ = -1;
  std::thread thread_;
};

bool clipboard_x11::open(const std::string& display_name, std::string& error) {
  display_ = open_display(display_name.c_str());
  if (display_) on_connection_lost(display_.get(), &dead_);
  Display* d = display_.get();
  if (!d) {
    error = "cannot open display " + display_name;
    return false;
  }
  int fixes_error_base = 0;
  if (!XFixesQueryExtension(d, &fixes_event_base_, &fixes_error_base)) {
    error = "the X server has no XFIXES extension";
    return false;
  }
  int major = 1, minor = 0;
  XFixesQueryVersion(d, &major, &minor);
  clipboard_ = XInternAtom(d, "CLIPBOARD", False);
  targets_ = XInternAtom(d, "TARGETS", False);
  utf8_string_ = XInternAtom(d, "UTF8_STRING", False);
  text_ = XInternAtom(d, "TEXT", False);
  incr_ = XInternAtom(d, "INCR", False);
  timestamp_ = XInternAtom(d, "TIMESTAMP", False);
  property_ = XInternAtom(d, "VISIT_CLIPBOARD", False);
  stamp_property_ = XInternAtom(d, "VISIT_TIMESTAMP", False);
  XSetWindowAttributes attrs{};
  attrs.event_mask = PropertyChangeMask;
  window_ = XCreateWindow(d, DefaultRootWindow(d), -10, -10, 1, 1, 0, CopyFromParent, InputOnly,
                          CopyFromParent, CWEventMask, &attrs);
  XStoreName(d, window_, "visit clipboard");
  XFixesSelectSelectionInput(d, window_, clipboard_, XFixesSetSelectionOwnerNotifyMask);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    error = "eventfd failed";
    return false;
  }
  XSync(d, False);
  return true;
}

void clipboard_x11::run() {
  Display* d = display_.get();
  pollfd fds[2] = {{ConnectionNumber(d), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (!dead_) {
    std::optional<std::string> text;
    {
      std::lock_guard lock(mutex_);
      if (stop_) break;
      text = std::exchange(pending_text_, std::nullopt);
    }
    if (text) {
      // A server timestamp for the ownership: the PropertyNotify of an empty append.
      text_owned_ = std::move(*text);
      XChangeProperty(d, window_, stamp_property_, XA_STRING, 8, PropModeAppend, nullptr, 0);
      awaiting_stamp_ = true;
    }
    while (!dead_ && XPending(d) > 0) {
      XEvent event;
      XNextEvent(d, &event);
      handle(event);
    }
    XFlush(d);
    if (dead_) break;
    fds[0].revents = fds[1].revents = 0;
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (fds[1].revents & POLLIN) {
      std::uint64_t n = 0;
      [[maybe_unused]] const auto r = read(wake_fd_, &n, sizeof n);
    }
  }
  if (!dead_ && window_) XDestroyWindow(d, window_);
}

void clipboard_x11::handle(XEvent& event) {
  Display* d = display_.get();
  if (event.type == PropertyNotify && event.xproperty.window == window_ &&
      event.xproperty.atom == stamp_property_ && awaiting_stamp_) {
    awaiting_stamp_ = false;
    owned_since_ = event.xproperty.time;
    XSetSelectionOwner(d, clipboard_, window_, owned_since_);
    XSetSelectionOwner(d, XA_PRIMARY, window_, owned_since_);
    owning_ = XGetSelectionOwner(d, clipboard_) == window_;
    if (!owning_) (void)std::fprintf(stderr, "visit clipboard: could not own CLIPBOARD\n");
  } else if (event.type == SelectionRequest) {
    on_request(event.xselectionrequest);
  } else if (event.type == SelectionClear) {
    // Another application owns it now; PRIMARY alone going (a text selection) keeps CLIPBOARD.
    if (event.xselectionclear.selection == clipboard_) owning_ = false;
  } else if (event.type == SelectionNotify) {
    on_converted(event.xselection);
  } else if (event.type == fixes_event_base_ + XFixesSelectionNotify) {
    const auto& ev = reinterpret_cast<const XFixesSelectionNotifyEvent&>(event);
    if (ev.selection != clipboard_ || ev.owner == None || ev.owner == window_) return;
    if (!watching()) return;  // not even read while the customer's clipboard is not shared
    XDeleteProperty(d, window_, property_);
    XConvertSelection(d, clipboard_, utf8_string_, property_, window_, ev.selection_timestamp);
  }
}

void clipboard_x11::on_request(const XSelectionRequestEvent& req) {
  Display* d = display_.get();
  XSelectionEvent reply{};
  reply.type = SelectionNotify;
  reply.display = d;
  reply.requestor = req.requestor;
  reply.selection = req.selection;
  reply.target = req.target;
  reply.time = req.time;
  reply.property = None;  // refused unless answered below
  // Obsolete requestors give no property: use the target's name (ICCCM).
  const Atom property = req.property != None ? req.property : req.target;
  const bool ours =
      owning_ && (req.selection == clipboard_ || req.selection == XA_PRIMARY) &&
      (req.time == CurrentTime || owned_since_ == CurrentTime || req.time >= owned_since_);
  const long max_bytes = std::max(XExtendedMaxRequestSize(d), XMaxRequestSize(d)) * 4 - 256;
  x_error_trap trap(d);  // the requestor's window may be gone already
  if (ours && req.target == targets_) {
    const Atom list[] = {targets_, timestamp_, utf8_string_, text_, XA_STRING};
    XChangeProperty(d, req.requestor, property, XA_ATOM, 32, PropModeReplace,
                    reinterpret_cast<const unsigned char*>(list), std::size(list));
    reply.property = property;
  } else if (ours && req.target == timestamp_) {
    const long stamp = static_cast<long>(owned_since_);
    XChangeProperty(d, req.requestor, property, XA_INTEGER, 32, PropModeReplace,
                    reinterpret_cast<const unsigned char*>(&stamp), 1);
    reply.property = property;
  } else if (ours && (req.target == utf8_string_ || req.target == text_)) {
    if (static_cast<long>(text_owned_.size()) <= max_bytes) {
      XChangeProperty(d, req.requestor, property, utf8_string_, 8, PropModeReplace,
                      reinterpret_cast<const unsigned char*>(text_owned_.data()),
                      static_cast<int>(text_owned_.size()));
      reply.property = property;
    }
  } else if (ours && req.target == XA_STRING) {
    if (auto latin1 = latin1_of(text_owned_);
        latin1 && static_cast<long>(latin1->size()) <= max_bytes) {
      XChangeProperty(d, req.requestor, property, XA_STRING, 8, PropModeReplace,
                      reinterpret_cast<const unsigned char*>(latin1->data()),
                      static_cast<int>(latin1->size()));
      reply.property = property;
    }
  }
  XEvent out{};
  out.xselection = reply;
  XSendEvent(d, req.requestor, False, NoEventMask, &out);
  trap.sync();
}

void clipboard_x11::on_converted(const XSelectionEvent& ev) {
  Display* d = display_.get();
  if (ev.requestor != window_ || ev.selection != clipboard_) return;
  if (!watching()) {
    XDeleteProperty(d, window_, property_);
    return;
  }
  if (ev.property == None) {
    // No UTF-8 from this owner: ask once more for Latin-1.
    if (ev.target == utf8_string_) {
      XConvertSelection(d, clipboard_, XA_STRING, property_, window_, ev.time);
    } else {
      on_change_({false, {}, "the clipboard holds no text"});
    }
    return;
  }
  Atom type = None;
  int format = 0;
  unsigned long items = 0, after = 0;
  unsigned char* raw = nullptr;
  // One byte more than the cap, so that "exactly the cap" and "over it" differ.
  const long longs = static_cast<long>(max_clipboard_text_bytes / 4 + 1);
  x_error_trap trap(d);
  const int status = XGetWindowProperty(d, window_, property_, 0, longs, False, AnyPropertyType,
                                        &type, &format, &items, &after, &raw);
  x_ptr<unsigned char> data(raw);
  XDeleteProperty(d, window_, property_);
  if (status != Success || trap.failed()) {
    on_change_({false, {}, "the clipboard could not be read"});
    return;
  }
  if (type == incr_) {
    on_change_({false, {}, "too large (over 64 KiB, sent incrementally)"});
    return;
  }
  if (format != 8 || (type != utf8_string_ && type != XA_STRING)) {
    on_change_({false, {}, "the clipboard holds no text"});
    return;
  }
  const std::size_t size = items + after;
  if (size > max_clipboard_text_bytes) {
    on_change_({false, {}, "too large (" + std::to_string(size) + " bytes, over 64 KiB)"});
    return;
  }
  const auto* bytes = data.get();
  if (type == XA_STRING) {
    on_change_({true, utf8_of_latin1(bytes, items), {}});
  } else {
    on_change_({true, std::string(reinterpret_cast<const char*>(bytes), items), {}});
  }
}

}  // namespace

}  // namespace visit::input::x11

namespace visit::input {

std::unique_ptr<clipboard> make_clipboard(const std::string& display_name,
                                          clipboard::callback on_change, std::string& error) {
  auto c = std::make_unique<x11::clipboard_x11>(std::move(on_change));
  if (!c->open(display_name, error)) return nullptr;
  c->start();
  return c;
}

}  // namespace visit::input
