#include "collect/support.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace visit::collect {

namespace json = boost::json;

file_read read_bounded(const std::filesystem::path& path, std::size_t cap, bool no_follow,
                       bool regular_only) {
  file_read result;
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  if (no_follow) flags |= O_NOFOLLOW;
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) {
    result.error = errno;
    return result;
  }
  if (regular_only) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      result.error = EINVAL;
      ::close(fd);
      return result;
    }
  }
  // Reads one byte more than the cap to know whether the file was longer.
  std::string buffer;
  buffer.resize(cap + 1 < 65536 ? cap + 1 : 65536);
  while (true) {
    if (result.content.size() > cap) break;
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      result.error = errno;
      break;
    }
    if (n == 0) break;
    result.content.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (result.content.size() > cap) {
    result.content.resize(cap);
    result.truncated = true;
  }
  return result;
}

std::string error_text(int error) {
  switch (error) {
    case ENOENT:
      return "no such file or directory";
    case EACCES:
    case EPERM:
      return "permission denied";
    case ELOOP:
      return "too many symbolic links";
    case EISDIR:
      return "is a directory";
    case EINVAL:
      return "not a regular file";
    case ESRCH:
      return "process has exited";
    default: {
      char buffer[128];
      // GNU strerror_r returns the message (maybe not in buffer).
      const char* text = ::strerror_r(error, buffer, sizeof buffer);
      return text ? std::string(text) : "error " + std::to_string(error);
    }
  }
}

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when invalid.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned min = 0;
  unsigned code = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
    code = c & 0x1Fu;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    code = c & 0x0Fu;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    code = c & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = utf8_sequence(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

bool is_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\0') return false;
    std::size_t length = utf8_sequence(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string redact_url(std::string_view url) {
  std::size_t authority = 0;
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) authority = scheme + 3;
  std::size_t end = url.find_first_of("/?#", authority);
  if (end == std::string_view::npos) end = url.size();
  std::size_t at = url.rfind('@', end == 0 ? 0 : end - 1);
  if (at == std::string_view::npos || at < authority || at >= end) return std::string(url);
  std::string out(url.substr(0, authority));
  out += "***";
  out += url.substr(at);
  return out;
}

std::string redact_urls_in(std::string_view text) {
  if (text.find("://") == std::string_view::npos) return std::string(text);
  std::string out;
  while (!text.empty()) {
    std::size_t end = text.find(' ');
    std::string_view word = text.substr(0, end);
    out += word.find("://") != std::string_view::npos ? redact_url(word) : std::string(word);
    if (end == std::string_view::npos) break;
    out += ' ';
    text.remove_prefix(end + 1);
  }
  return out;
}

std::filesystem::path under_root(const std::filesystem::path& root, std::string_view absolute) {
  while (!absolute.empty() && absolute.front() == '/') absolute.remove_prefix(1);
  return root / std::filesystem::path(absolute);
}

std::size_t serialized_size(const json::value& value) {
  // boost::json has no size-only serializer; a serializer with a fixed buffer counts chunks.
  json::serializer serializer;
  serializer.reset(&value);
  char buffer[4096];
  std::size_t total = 0;
  while (!serializer.done()) total += serializer.read(buffer, sizeof buffer).size();
  return total;
}

namespace {

// The non-empty array with the largest serialized size inside `value`.
void largest_array(json::value& value, json::array*& best, std::size_t& best_size) {
  if (auto* array = value.if_array()) {
    if (!array->empty()) {
      std::size_t size = serialized_size(value);
      if (size > best_size) {
        best = array;
        best_size = size;
      }
    }
    for (auto& element : *array) largest_array(element, best, best_size);
  } else if (auto* object = value.if_object()) {
    for (auto& entry : *object) largest_array(entry.value(), best, best_size);
  }
}

void longest_string(json::value& value, json::string*& best) {
  if (auto* string = value.if_string()) {
    if (!best || string->size() > best->size()) best = string;
  } else if (auto* array = value.if_array()) {
    for (auto& element : *array) longest_string(element, best);
  } else if (auto* object = value.if_object()) {
    for (auto& entry : *object) longest_string(entry.value(), best);
  }
}

}  // namespace

bool fit_to_size(json::value& value, std::size_t max_bytes) {
  bool cut = false;
  for (int round = 0; round < 10000; ++round) {
    std::size_t size = serialized_size(value);
    if (size <= max_bytes) return cut;
    std::size_t excess = size - max_bytes;
    json::array* array = nullptr;
    std::size_t array_size = 0;
    largest_array(value, array, array_size);
    if (array) {
      std::size_t removed = 0;
      while (!array->empty() && removed < excess) {
        removed += serialized_size(array->back()) + 1;
        array->pop_back();
      }
      cut = true;
      continue;
    }
    json::string* string = nullptr;
    longest_string(value, string);
    if (!string || string->empty()) return cut;
    std::size_t keep = string->size() > excess + 3 ? string->size() - excess - 3 : 0;
    // Never end inside a UTF-8 sequence.
    while (keep > 0 && (static_cast<unsigned char>((*string)[keep]) & 0xC0u) == 0x80u) --keep;
    string->resize(keep);
    cut = true;
  }
  return cut;
}

}  // namespace visit::collect
