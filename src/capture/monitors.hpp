// The monitors of an X display as RandR describes them, for the customer's "displays"
// system information (visit_collect's hardware collector hook). Read-only; one short-lived
// connection per call.
// Thread-safety: any thread (its own Display connection).
#pragma once
#include <string>
#include <vector>

namespace visit::capture {

struct monitor_info {
  std::string name;  // RandR output name, e.g. "HDMI-1" (may be empty)
  int x = 0, y = 0;
  int width = 0, height = 0;        // pixels
  int width_mm = 0, height_mm = 0;  // physical size, 0 when unknown
  bool primary = false;
};

// Empty with `error` set when the display cannot be opened or has no RandR 1.5.
std::vector<monitor_info> list_monitors(const std::string& display_name, std::string& error);

}  // namespace visit::capture
