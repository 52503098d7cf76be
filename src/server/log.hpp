// One-line logs to stderr for operators (docs/operations.md lists every line).
// Thread-safety: any thread; each line goes out with one write(2), so lines never interleave.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace visit::server {

// Writes "<UTC time, ms> <text>\n", e.g. "2026-11-29T09:30:00.123Z login ok user=alice".
void log_line(std::string_view text);

// Writes `text` and a newline with no prefix: the lines that tools grep for
// ("listening on https://HOST:PORT", "fingerprint sha256:<hex>").
void log_plain(std::string_view text);

// A string from the network made safe for one log line: in double quotes, with `"`, `\` and
// every byte outside printable ASCII escaped as \xNN, cut to `max` input bytes ("..." marks a
// cut). Hostile names and paths can neither break a line nor forge one.
std::string log_quote(std::string_view s, std::size_t max = 80);

}  // namespace visit::server
