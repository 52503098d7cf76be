// Notices the end of the display's server (X11: the session's logout, an X server crash)
// whatever the rest of the client is doing: the capture thread sleeps while nobody watches,
// and the input monitor runs only in Full-Access, so neither can be relied on to see it.
//
// Its own connection selecting no events: its descriptor becomes readable only for the few
// events every client gets (MappingNotify) and when the server closes the connection.
// Thread-safety: one thread (the client's network thread) calls everything.
#pragma once
#include <memory>
#include <string>

namespace visit::capture {

class display_watch {
 public:
  virtual ~display_watch() = default;
  // Wait on this for reading (owned by the watch: never read or close it).
  virtual int fd() const = 0;
  // Reads what arrived; false once the server is gone (and from then on). Call it whenever
  // fd() is readable.
  virtual bool alive() = 0;
};

// Null with `error` set when the display cannot be opened (or without X11).
std::unique_ptr<display_watch> make_display_watch(const std::string& display_name,
                                                  std::string& error);

}  // namespace visit::capture
