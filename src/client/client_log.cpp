#include "client/client_log.hpp"

#include <unistd.h>

#include <cerrno>

#include "protocol/message.hpp"

namespace visit::client {

void log_line(std::string_view text) {
  std::string line;
  line.reserve(text.size() + 16);
  line.append("visit-client: ").append(text).push_back('\n');
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr gone: nothing better to do
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  const bool cut = text.size() > max_bytes;
  if (cut) {
    text = text.substr(0, max_bytes);
    // Do not leave half a UTF-8 sequence at the cut.
    for (int i = 0; i < 3 && !text.empty() && !protocol::is_valid_utf8(text); ++i) {
      text.remove_suffix(1);
    }
  }
  const bool utf8 = protocol::is_valid_utf8(text);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
      out.push_back('?');
    } else {
      out.push_back(ch);
    }
  }
  if (cut) out.append("…");
  return out;
}

}  // namespace visit::client
