// The customer's clipboard text, both ways (docs/protocol.md §9.4): set_text() makes this
// process the owner of the desktop's clipboard with the technician's text, and the customer's
// own copies (another application becoming the owner) are read and reported while watching.
// Only text, at most max_text_bytes; larger content is refused, never cut.
//
// Thread-safety: set_text() and set_watching() may be called from any thread; the callback
// runs on the clipboard's own thread and must be quick (post a message). The destructor waits
// for a running callback.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace visit::input {

struct clipboard_change {
  bool ok = false;   // text holds the new clipboard text
  std::string text;  // ok: the text as the owner gave it (UTF-8 claimed, not checked here)
  std::string why;   // !ok: why it was not read ("too large", "not text", ...)
};

class clipboard {
 public:
  using callback = std::function<void(const clipboard_change&)>;
  virtual ~clipboard() = default;
  // Owns the clipboard (X11: CLIPBOARD and PRIMARY) with `utf8` until another application
  // takes it over. Our own ownership is never reported back through the callback.
  virtual void set_text(std::string utf8) = 0;
  // While watching, every change of the clipboard's owner to another application is read and
  // reported; while not, nothing is read at all. Starts not watching.
  virtual void set_watching(bool on) = 0;
};

// Each direction's cap: protocol::max_clipboard_bytes.
inline constexpr std::size_t max_clipboard_text_bytes = 65536;

// The platform clipboard for display `display_name` (empty = $DISPLAY). Returns null with
// `error` set if there is no display or it cannot track the clipboard (X11: no XFIXES).
std::unique_ptr<clipboard> make_clipboard(const std::string& display_name,
                                          clipboard::callback on_change, std::string& error);

}  // namespace visit::input
