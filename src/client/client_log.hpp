// The client's log: one line per event on stderr, prefixed "visit-client: ". Each line is
// written with a single write(2), so lines from the capture and network threads never
// interleave. Text that came from the server is passed through printable() first.
// Thread-safety: log_line() may be called from any thread.
#pragma once
#include <string>
#include <string_view>

namespace visit::client {

void log_line(std::string_view text);

// `text` made safe for one log line: control characters and invalid UTF-8 become '?', and
// at most `max_bytes` bytes are kept ("…" marks a cut).
std::string printable(std::string_view text, std::size_t max_bytes = 200);

}  // namespace visit::client
