// The X11 clipboard against a real Xvfb, with ordinary X clients on their own connections as
// the customer's applications: one reads CLIPBOARD / PRIMARY as a paste does, one copies
// (owns CLIPBOARD and serves the text).
#include <gtest/gtest.h>

// After gtest: Xlib defines None, which gtest uses as a name.
#include <X11/Xatom.h>
#include <X11/Xlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../capture/xvfb_server.hpp"
#include "input/clipboard.hpp"

namespace visit::input {
namespace {

using namespace std::chrono_literals;

struct read_result {
  bool ok = false;  // the owner answered with data
  std::string bytes;
  std::vector<std::string> targets;
};

// A paste in another application: converts `selection` to `target` and reads the answer.
read_result read_selection(const std::string& display, const char* selection, const char* target) {
  read_result r;
  Display* d = XOpenDisplay(display.c_str());
  if (!d) return r;
  const Atom sel = XInternAtom(d, selection, False);
  const Atom tgt = XInternAtom(d, target, False);
  const Atom prop = XInternAtom(d, "TEST_PASTE", False);
  const Window w = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, 0, 0);
  XConvertSelection(d, sel, tgt, prop, w, CurrentTime);
  XFlush(d);
  XEvent ev;
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  bool got = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (XCheckTypedWindowEvent(d, w, SelectionNotify, &ev)) {
      got = true;
      break;
    }
    std::this_thread::sleep_for(2ms);
  }
  if (got && ev.xselection.property != None) {
    Atom type = None;
    int format = 0;
    unsigned long items = 0, after = 0;
    unsigned char* data = nullptr;
    XGetWindowProperty(d, w, prop, 0, 1 << 20, True, AnyPropertyType, &type, &format, &items,
                       &after, &data);
    r.ok = true;
    if (format == 32) {
      for (unsigned long i = 0; i < items; ++i) {
        char* n = XGetAtomName(d, reinterpret_cast<Atom*>(data)[i]);
        r.targets.emplace_back(n ? n : "?");
        if (n) XFree(n);
      }
    } else if (data) {
      r.bytes.assign(reinterpret_cast<char*>(data), items);
    }
    if (data) XFree(data);
  }
  XCloseDisplay(d);
  return r;
}

// A copy in another application: owns CLIPBOARD with `text` (UTF8_STRING) until destroyed.
class x_copier {
 public:
  x_copier(const std::string& display, std::string text) : text_(std::move(text)) {
    d_ = XOpenDisplay(display.c_str());
    if (!d_) return;
    clipboard_ = XInternAtom(d_, "CLIPBOARD", False);
    utf8_ = XInternAtom(d_, "UTF8_STRING", False);
    w_ = XCreateSimpleWindow(d_, DefaultRootWindow(d_), 0, 0, 1, 1, 0, 0, 0);
    XSetSelectionOwner(d_, clipboard_, w_, CurrentTime);
    XSync(d_, False);
    thread_ = std::thread([this] { serve(); });
  }
  ~x_copier() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (d_) XCloseDisplay(d_);
  }
  bool owns() const { return d_ != nullptr; }

 private:
  void serve() {
    while (!stop_) {
      while (XPending(d_) > 0) {
        XEvent ev;
        XNextEvent(d_, &ev);
        if (ev.type != SelectionRequest) continue;
        const XSelectionRequestEvent& req = ev.xselectionrequest;
        XEvent out{};
        out.xselection.type = SelectionNotify;
        out.xselection.requestor = req.requestor;
        out.xselection.selection = req.selection;
        out.xselection.target = req.target;
        out.xselection.time = req.time;
        out.xselection.property = None;
        if (req.target == utf8_) {
          XChangeProperty(d_, req.requestor, req.property, utf8_, 8, PropModeReplace,
                          reinterpret_cast<const unsigned char*>(text_.data()),
                          static_cast<int>(text_.size()));
          out.xselection.property = req.property;
        }
        XSendEvent(d_, req.requestor, False, NoEventMask, &out);
        XFlush(d_);
      }
      std::this_thread::sleep_for(2ms);
    }
  }

  std::string text_;
  Display* d_ = nullptr;
  Atom clipboard_ = 0, utf8_ = 0;
  Window w_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class clipboard_x11 : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    xvfb_ = test::xvfb_server::start(320, 240, error);
    ASSERT_TRUE(xvfb_) << error;
    clip_ = make_clipboard(
        xvfb_->display(),
        [this](const clipboard_change& c) {
          std::lock_guard lock(mutex_);
          changes_.push_back(c);
          cv_.notify_all();
        },
        error);
    ASSERT_TRUE(clip_) << error;
  }

  std::optional<clipboard_change> next_change(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, wait, [this] { return !changes_.empty(); })) return std::nullopt;
    auto c = changes_.front();
    changes_.erase(changes_.begin());
    return c;
  }

  // Polls until a paste of CLIPBOARD as UTF8_STRING gives `want`.
  bool clipboard_becomes(const std::string& want) {
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = read_selection(xvfb_->display(), "CLIPBOARD", "UTF8_STRING");
      if (r.ok && r.bytes == want) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  std::unique_ptr<test::xvfb_server> xvfb_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<clipboard_change> changes_;
  std::unique_ptr<clipboard> clip_;  // last: destroyed first, before what its callback uses
};

TEST_F(clipboard_x11, set_text_is_pasted_exactly_from_clipboard_and_primary) {
  const std::string text = "Grüße ✓";
  clip_->set_text(text);
  ASSERT_TRUE(clipboard_becomes(text));
  EXPECT_EQ(read_selection(xvfb_->display(), "PRIMARY", "UTF8_STRING").bytes, text);
  EXPECT_EQ(read_selection(xvfb_->display(), "CLIPBOARD", "TEXT").bytes, text);
  // Latin-1 cannot hold ✓: refused, not mangled.
  EXPECT_FALSE(read_selection(xvfb_->display(), "CLIPBOARD", "STRING").ok);
  const auto targets = read_selection(xvfb_->display(), "CLIPBOARD", "TARGETS").targets;
  for (const char* t : {"TARGETS", "TIMESTAMP", "UTF8_STRING", "TEXT", "STRING"}) {
    EXPECT_NE(std::find(targets.begin(), targets.end(), t), targets.end()) << t;
  }
  clip_->set_text("Grüße");
  ASSERT_TRUE(clipboard_becomes("Grüße"));
  EXPECT_EQ(read_selection(xvfb_->display(), "CLIPBOARD", "STRING").bytes,
            "Gr\xfc\xdf"
            "e");
}

TEST_F(clipboard_x11, copies_are_read_only_while_watching_and_never_our_own) {
  {
    x_copier copy(xvfb_->display(), "not while not watching");
    ASSERT_TRUE(copy.owns());
    EXPECT_FALSE(next_change(300ms)) << "read while not watching";
  }
  clip_->set_watching(true);
  std::this_thread::sleep_for(50ms);
  {
    x_copier copy(xvfb_->display(), "vom Kunden: Ünïcödé ✓");
    auto c = next_change(2s);
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->ok) << c->why;
    EXPECT_EQ(c->text, "vom Kunden: Ünïcödé ✓");
  }
  // Our own text is not reported back.
  clip_->set_text("from the technician");
  ASSERT_TRUE(clipboard_becomes("from the technician"));
  EXPECT_FALSE(next_change(300ms));
}

TEST_F(clipboard_x11, the_64_KiB_cap_passes_exactly_and_refuses_one_byte_more_whole) {
  clip_->set_watching(true);
  std::this_thread::sleep_for(50ms);
  const std::string at_cap(max_clipboard_text_bytes, 'x');
  {
    x_copier copy(xvfb_->display(), at_cap);
    auto c = next_change(2s);
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->ok) << c->why;
    EXPECT_EQ(c->text.size(), max_clipboard_text_bytes);
  }
  {
    x_copier copy(xvfb_->display(), at_cap + "y");
    auto c = next_change(2s);
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->ok);
    EXPECT_TRUE(c->text.empty());
    EXPECT_NE(c->why.find("too large (65537 bytes"), std::string::npos) << c->why;
  }
}

}  // namespace
}  // namespace visit::input
