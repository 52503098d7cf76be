// A private Xvfb for tests and benchmarks: started on a free display number, killed with the
// object. Never touches :0 or any display someone else is using.
//
// Thread-safety: none; create and destroy on one thread.
#pragma once
#include <sys/types.h>

#include <memory>
#include <string>

namespace visit::test {

class xvfb_server {
 public:
  // Starts `Xvfb :N -screen 0 {width}x{height}x24 -nolisten tcp -noreset -br` (black root)
  // on a random free N in [90, 490) and waits until it accepts connections. The binary is
  // $VISIT_XVFB, else the one found at configure time, else `Xvfb` on the PATH. Returns null
  // with `error` set after a few failed numbers or a 10 s timeout.
  static std::unique_ptr<xvfb_server> start(int width, int height, std::string& error);
  ~xvfb_server();  // SIGTERM, then SIGKILL if it lingers; always reaped
  xvfb_server(const xvfb_server&) = delete;
  xvfb_server& operator=(const xvfb_server&) = delete;

  const std::string& display() const { return display_; }  // ":N"
  // Kills the server at once (SIGKILL) and reaps it: a display that dies under its clients.
  void kill_now();

 private:
  xvfb_server(pid_t pid, std::string display) : pid_(pid), display_(std::move(display)) {}
  pid_t pid_;
  std::string display_;
};

}  // namespace visit::test
