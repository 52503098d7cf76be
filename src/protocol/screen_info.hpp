// The screen_info payload (docs/protocol.md §3.1, §3.7): the screen size and, optionally, the
// monitors it is made of and the scope of what the customer shares — the whole desktop or one
// application window.
// Thread-safety: all functions are pure.
#pragma once
#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace visit::protocol {

// The title of a shared window: customer-provided text, valid UTF-8, at most this many bytes.
inline constexpr std::size_t max_scope_title_bytes = 256;

enum class scope_kind { desktop, window };
enum class window_state { visible, minimised, closed };

struct screen_scope {
  scope_kind kind = scope_kind::desktop;
  std::string title;                           // window only
  window_state state = window_state::visible;  // window only
  bool operator==(const screen_scope&) const = default;
};

// One monitor of the customer's screen, inside the screen.
struct screen_monitor {
  int x = 0, y = 0, width = 0, height = 0;
  bool primary = false;
  bool operator==(const screen_monitor&) const = default;
};

struct screen_info {
  screen_info() = default;
  screen_info(int w, int h, std::optional<screen_scope> s = std::nullopt)
      : width(w), height(h), scope(std::move(s)) {}
  int width = 0;
  int height = 0;
  // Absent: the whole desktop (what every client before scopes sent).
  std::optional<screen_scope> scope;
  // Empty: one monitor, the whole screen. At most max_monitors (message.hpp).
  std::vector<screen_monitor> monitors{};
};

std::string_view to_string(window_state s);

// {"width": 1..8192, "height": 1..8192, "cell": 64[, "monitors": [...]][, "scope": SCOPE]}
// where each monitor is {"x", "y", "width", "height", "primary"?} inside the screen (at most
// max_monitors) and SCOPE is {"kind": "desktop"} or {"kind": "window", "title": 0..256 bytes,
// "state": "visible" | "minimised" | "closed"}. Unknown members are ignored. Errors:
// bad_json, bad_value.
boost::system::result<screen_info> parse_screen_info(std::span<const std::uint8_t> payload);
// The canonical JSON of `info` (members in the order above; scope only when set).
std::string screen_info_json(const screen_info& info);

// `text` as a valid title: invalid UTF-8 sequences become '?', control characters spaces, and
// the result is cut at a character boundary to at most `max` bytes.
std::string bounded_title(std::string_view text, std::size_t max = max_scope_title_bytes);

}  // namespace visit::protocol
