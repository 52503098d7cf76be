// Small helpers shared by the collectors: bounded file reads, UTF-8 repair, URL redaction,
// fitting a JSON value into a byte budget. Internal to visit_collect (tests use them too).
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace visit::collect {

// The result of reading at most `cap` bytes of a file. `error` is 0 on success, else errno.
struct file_read {
  std::string content;
  bool truncated = false;  // the file had more than `cap` bytes
  int error = 0;
};

// Reads up to `cap` bytes; refuses (ELOOP) to follow a final symlink when `no_follow`, and
// refuses anything but a regular file when `regular_only` (then error is EINVAL).
// Opens non-blocking so a FIFO cannot hold the caller.
file_read read_bounded(const std::filesystem::path& path, std::size_t cap, bool no_follow = false,
                       bool regular_only = false);

// "permission denied", "no such file or directory", ... for an errno value.
std::string error_text(int error);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD, so the JSON stays valid.
std::string valid_utf8(std::string_view text);

// True when `text` is valid UTF-8 without NUL bytes (a text file, not a binary one).
bool is_text(std::string_view text);

// The URL with any user information (user:password@) replaced by "***@". Works with or
// without a scheme ("user:pw@host:3128").
std::string redact_url(std::string_view url);

// `text` with redact_url applied to every blank-separated word that contains "://"
// ("--proxy=http://u:p@h" -> "--proxy=http://***@h"); for command lines.
std::string redact_urls_in(std::string_view text);

// root / path-without-leading-slash: "/proc/meminfo" under "/tmp/fix" -> "/tmp/fix/proc/meminfo".
std::filesystem::path under_root(const std::filesystem::path& root, std::string_view absolute);

// Shrinks `value` until its serialized size is at most `max_bytes`: drops trailing entries of
// the largest arrays first, then cuts the longest strings. Returns true when anything was cut.
bool fit_to_size(boost::json::value& value, std::size_t max_bytes);

// Serialized size of a JSON value in bytes.
std::size_t serialized_size(const boost::json::value& value);

}  // namespace visit::collect
