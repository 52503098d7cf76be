// The X11 local input monitor. Method (details and limits in input/README.md):
//  1. XInput2 raw events (motion, key press, button press) from every device, read on the
//     root window. A source device other than the XTEST slaves is a real local device.
//  2. A press from an XTEST slave is the injector's only if the ledger holds an unmatched
//     injected press; otherwise another X client synthesised it on the customer's behalf.
//  3. The pointer position, read after every raw motion and every `pointer_poll`, must be
//     one the injector set; XWarpPointer from another client sends no raw event, so the poll
//     is what catches it.
#include <X11/Xlib.h>
#include <X11/extensions/XInput2.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "input/injection_ledger.hpp"
#include "input/local_input_monitor.hpp"
#include "x11/x11_handles.hpp"

namespace visit::input::x11 {

using namespace ::visit::x11;  // the shared Xlib plumbing (src/x11)

namespace {

using clock = std::chrono::steady_clock;

class local_input_monitor_x11 final : public local_input_monitor {
 public:
  local_input_monitor_x11(injection_ledger& ledger, callback on_input, monitor_options options)
      : ledger_(ledger), on_input_(std::move(on_input)), options_(options) {}

  bool open(const std::string& display_name, std::string& error);
  void start() {
    thread_ = std::thread([this] { run(); });
  }

  ~local_input_monitor_x11() override {
    if (thread_.joinable()) {
      const std::uint64_t one = 1;
      [[maybe_unused]] const auto n = write(wake_fd_, &one, sizeof one);
      thread_.join();
    }
    if (wake_fd_ >= 0) close(wake_fd_);
  }

 private:
  void run();
  void find_xtest_devices();
  void handle(XGenericEventCookie& cookie);
  void check_pointer();
  void report(local_input_kind kind, local_input_evidence evidence) {
    on_input_({kind, evidence, clock::now()});
  }
  bool is_xtest(int device) const {
    return std::find(xtest_devices_.begin(), xtest_devices_.end(), device) != xtest_devices_.end();
  }

  injection_ledger& ledger_;  // outlives the monitor
  callback on_input_;
  monitor_options options_;
  bool dead_ = false;  // before display_: its exit handler writes it
  unique_display display_;
  Window root_ = 0;
  int xi_opcode_ = 0;
  std::vector<int> xtest_devices_;
  int last_x_ = 0, last_y_ = 0;
  int wake_fd_ = -1;
  std::thread thread_;
};

bool local_input_monitor_x11::open(const std::string& display_name, std::string& error) {
  display_ = open_display(display_name.c_str());
  if (display_) on_connection_lost(display_.get(), &dead_);
  Display* d = display_.get();
  if (!d) {
    error = "cannot open display " + display_name;
    return false;
  }
  int event = 0, err = 0;
  if (!XQueryExtension(d, "XInputExtension", &xi_opcode_, &event, &err)) {
    error = "the X server has no XInputExtension";
    return false;
  }
  int major = 2, minor = 2;
  if (XIQueryVersion(d, &major, &minor) != Success || (major * 10 + minor) < 22) {
    error = "the X server lacks XInput 2.2";
    return false;
  }
  root_ = DefaultRootWindow(d);
  find_xtest_devices();

  unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {};
  XISetMask(bits, XI_RawMotion);
  XISetMask(bits, XI_RawKeyPress);
  XISetMask(bits, XI_RawButtonPress);
  XISetMask(bits, XI_HierarchyChanged);
  XIEventMask mask{XIAllDevices, sizeof bits, bits};
  // Raw events go to the root window only; XIAllDevices gives each slave's own events with
  // the slave as sourceid (masters repeat them; those are skipped in handle()).
  x_error_trap trap(d);
  XISelectEvents(d, root_, &mask, 1);
  trap.sync();
  if (trap.failed()) {
    error = "cannot select XInput2 raw events";
    return false;
  }
  Window child = 0, root = 0;
  int wx = 0, wy = 0;
  unsigned buttons = 0;
  XQueryPointer(d, root_, &root, &child, &last_x_, &last_y_, &wx, &wy, &buttons);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    error = "eventfd failed";
    return false;
  }
  return true;
}

void local_input_monitor_x11::find_xtest_devices() {
  xtest_devices_.clear();
  int count = 0;
  XIDeviceInfo* devices = XIQueryDevice(display_.get(), XIAllDevices, &count);
  for (int i = 0; i < count; ++i) {
    const bool slave = devices[i].use == XISlavePointer || devices[i].use == XISlaveKeyboard;
    // The server names them "Virtual core XTEST pointer" / "... keyboard".
    if (slave && devices[i].name && std::strstr(devices[i].name, "XTEST"))
      xtest_devices_.push_back(devices[i].deviceid);
  }
  if (devices) XIFreeDeviceInfo(devices);
}

void local_input_monitor_x11::check_pointer() {
  Window child = 0, root = 0;
  int x = 0, y = 0, wx = 0, wy = 0;
  unsigned buttons = 0;
  if (!XQueryPointer(display_.get(), root_, &root, &child, &x, &y, &wx, &wy, &buttons)) return;
  if (x == last_x_ && y == last_y_) return;
  last_x_ = x;
  last_y_ = y;
  if (!ledger_.explains_pointer(x, y))
    report(local_input_kind::pointer_motion, local_input_evidence::pointer_moved);
}

void local_input_monitor_x11::handle(XGenericEventCookie& cookie) {
  if (cookie.evtype == XI_HierarchyChanged) {
    find_xtest_devices();
    return;
  }
  const auto* raw = static_cast<const XIRawEvent*>(cookie.data);
  // With XIAllDevices each event comes from the slave (deviceid == sourceid) and again from
  // its master; count the slave's copy only.
  if (raw->deviceid != raw->sourceid) return;
  const bool xtest = is_xtest(raw->sourceid);
  switch (cookie.evtype) {
    case XI_RawKeyPress:
      if (!xtest)
        report(local_input_kind::key, local_input_evidence::other_device);
      else if (!ledger_.take_key_press())
        report(local_input_kind::key, local_input_evidence::unexplained_press);
      break;
    case XI_RawButtonPress:
      if (!xtest)
        report(local_input_kind::button, local_input_evidence::other_device);
      else if (!ledger_.take_button_press())
        report(local_input_kind::button, local_input_evidence::unexplained_press);
      break;
    case XI_RawMotion:
      if (!xtest) report(local_input_kind::pointer_motion, local_input_evidence::other_device);
      break;
    default:
      break;
  }
}

void local_input_monitor_x11::run() {
  Display* d = display_.get();
  pollfd fds[2] = {{ConnectionNumber(d), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  auto next_poll = clock::now() + options_.pointer_poll;
  while (!dead_) {
    bool moved = false;
    while (!dead_ && XPending(d) > 0) {
      XEvent event;
      XNextEvent(d, &event);
      XGenericEventCookie& cookie = event.xcookie;
      if (cookie.type != GenericEvent || cookie.extension != xi_opcode_) continue;
      if (!XGetEventData(d, &cookie)) continue;
      if (cookie.evtype == XI_RawMotion) moved = true;
      handle(cookie);
      XFreeEventData(d, &cookie);
    }
    if (dead_) break;
    const auto now = clock::now();
    if (moved || now >= next_poll) {
      check_pointer();
      next_poll = clock::now() + options_.pointer_poll;
    }
    XFlush(d);
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_poll - clock::now());
    if (poll(fds, 2, static_cast<int>(std::max<std::int64_t>(0, wait.count()) + 1)) < 0 &&
        errno != EINTR)
      break;
    if (fds[1].revents & POLLIN) break;
    if (fds[0].revents & (POLLERR | POLLHUP)) break;
  }
}

}  // namespace

}  // namespace visit::input::x11

namespace visit::input {

std::unique_ptr<local_input_monitor> make_local_input_monitor(
    const std::string& display_name, injection_ledger& ledger,
    local_input_monitor::callback on_input, std::string& error, monitor_options options) {
  auto monitor =
      std::make_unique<x11::local_input_monitor_x11>(ledger, std::move(on_input), options);
  if (!monitor->open(display_name, error)) return nullptr;
  monitor->start();
  return monitor;
}

}  // namespace visit::input
