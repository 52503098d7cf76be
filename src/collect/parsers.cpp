#include "collect/parsers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <ctime>
#include <set>

#include "collect/redaction.hpp"
#include "collect/support.hpp"

namespace visit::collect::parse {

namespace json = boost::json;

namespace {

constexpr std::size_t max_field_bytes = 1024;  // one name, version, path... from a file

// Calls `fn(line)` for every line of `text` (without the '\n').
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    fn(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits on runs of blanks (space, tab).
std::vector<std::string_view> fields(std::string_view line, std::size_t max_fields = 64) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size() && out.size() < max_fields) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::vector<std::string_view> split(std::string_view line, char separator) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t at = line.find(separator);
    out.push_back(line.substr(0, at));
    if (at == std::string_view::npos) break;
    line.remove_prefix(at + 1);
  }
  return out;
}

template <class T>
std::optional<T> number(std::string_view s, int base = 10) {
  s = trim(s);
  T value{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// A field from a file as a bounded, valid UTF-8 string.
std::string text_field(std::string_view s, std::size_t max = max_field_bytes) {
  return valid_utf8(s.substr(0, std::min(s.size(), max)));
}

std::string unquote_os_release(std::string_view value) {
  value = trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    char quote = value.front();
    value = value.substr(1, value.size() - 2);
    if (quote == '\'') return text_field(value);
    std::string out;
    for (std::size_t i = 0; i < value.size() && out.size() < max_field_bytes; ++i) {
      if (value[i] == '\\' && i + 1 < value.size()) ++i;
      out += value[i];
    }
    return valid_utf8(out);
  }
  return text_field(value);
}

std::string ipv4_text(std::uint32_t raw) {
  // /proc/net/route prints the address as the host-order value of network-order bytes.
  in_addr address{};
  std::memcpy(&address, &raw, sizeof raw);
  char buffer[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &address, buffer, sizeof buffer);
  return buffer;
}

std::optional<std::string> ipv6_text(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  in6_addr address{};
  for (std::size_t i = 0; i < 16; ++i) {
    auto byte = number<unsigned>(hex.substr(i * 2, 2), 16);
    if (!byte) return std::nullopt;
    address.s6_addr[i] = static_cast<unsigned char>(*byte);
  }
  char buffer[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, &address, buffer, sizeof buffer);
  return std::string(buffer);
}

// "\040" style escapes of /proc/mounts.
std::string unescape_octal(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 4 <= s.size()) {
      auto code = number<unsigned>(s.substr(i + 1, 3), 8);
      if (code && *code < 256) {
        out += static_cast<char>(*code);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

json::object os_release(std::string_view text) {
  json::object out;
  static constexpr std::string_view wanted[] = {"NAME", "PRETTY_NAME", "VERSION_ID", "ID"};
  for_each_line(text, [&](std::string_view line) {
    line = trim(line);
    if (line.empty() || line.front() == '#') return;
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) return;
    std::string_view key = line.substr(0, eq);
    if (std::find(std::begin(wanted), std::end(wanted), key) == std::end(wanted)) return;
    out[key] = unquote_os_release(line.substr(eq + 1));
  });
  return out;
}

meminfo memory(std::string_view text) {
  meminfo out;
  for_each_line(text, [&](std::string_view line) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view key = line.substr(0, colon);
    auto parts = fields(line.substr(colon + 1), 3);
    if (parts.empty()) return;
    auto value = number<std::uint64_t>(parts[0]);
    if (!value) return;
    if (parts.size() >= 2 && parts[1] == "kB") {
      if (*value > UINT64_MAX / 1024) return;
      *value *= 1024;
    }
    if (key == "MemTotal")
      out.total_bytes = value;
    else if (key == "MemAvailable")
      out.available_bytes = value;
    else if (key == "SwapTotal")
      out.swap_total_bytes = value;
    else if (key == "SwapFree")
      out.swap_free_bytes = value;
  });
  return out;
}

cpuinfo cpu(std::string_view text) {
  cpuinfo out;
  std::string fallback;
  for_each_line(text, [&](std::string_view line) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view key = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (key == "processor") {
      if (number<unsigned>(value))
        ++out.logical;
      else if (fallback.empty())
        fallback = text_field(value, 256);  // old ARM: the model
    } else if (key == "model name" && out.model.empty()) {
      out.model = text_field(value, 256);
    } else if ((key == "Processor" || key == "Hardware" || key == "cpu model" || key == "cpu") &&
               fallback.empty()) {
      fallback = text_field(value, 256);
    }
  });
  if (out.model.empty()) out.model = fallback;
  return out;
}

std::vector<mount_entry> mounts(std::string_view text, std::size_t max_entries) {
  std::vector<mount_entry> out;
  for_each_line(text, [&](std::string_view line) {
    if (out.size() >= max_entries) return;
    auto parts = fields(line, 6);
    if (parts.size() < 3) return;
    mount_entry entry;
    entry.device = text_field(unescape_octal(parts[0]));
    entry.mount_point = text_field(unescape_octal(parts[1]));
    entry.fs_type = text_field(parts[2], 64);
    if (parts.size() > 3) entry.options = text_field(parts[3], 512);
    if (entry.mount_point.empty() || entry.mount_point.front() != '/') return;
    out.push_back(std::move(entry));
  });
  return out;
}

bool is_pseudo_fs(std::string_view fs_type) {
  static constexpr std::string_view pseudo[] = {
      "proc",       "sysfs",      "devtmpfs",    "devpts",      "tmpfs",           "cgroup",
      "cgroup2",    "securityfs", "pstore",      "debugfs",     "tracefs",         "mqueue",
      "hugetlbfs",  "fusectl",    "configfs",    "bpf",         "autofs",          "binfmt_misc",
      "rpc_pipefs", "nsfs",       "efivarfs",    "ramfs",       "selinuxfs",       "rootfs",
      "nfsd",       "devfs",      "usbfs",       "fuse.portal", "fuse.gvfsd-fuse", "squashfs",
      "sockfs",     "pipefs",     "anon_inodefs"};
  return std::find(std::begin(pseudo), std::end(pseudo), fs_type) != std::end(pseudo);
}

json::array routes_v4(std::string_view text, std::size_t max_entries) {
  json::array out;
  for_each_line(text, [&](std::string_view line) {
    if (out.size() >= max_entries) return;
    auto parts = fields(line, 12);
    if (parts.size() < 8 || parts[0] == "Iface") return;
    auto destination = number<std::uint32_t>(parts[1], 16);
    auto gateway = number<std::uint32_t>(parts[2], 16);
    auto flags = number<std::uint32_t>(parts[3], 16);
    auto metric = number<std::uint32_t>(parts[6]);
    auto mask = number<std::uint32_t>(parts[7], 16);
    if (!destination || !gateway || !flags || !mask || !(*flags & 0x1u)) return;
    std::string flag_text = "U";
    if (*flags & 0x2u) flag_text += 'G';
    if (*flags & 0x4u) flag_text += 'H';
    json::object route;
    route["destination"] = ipv4_text(*destination) + "/" + std::to_string(std::popcount(*mask));
    route["gateway"] = ipv4_text(*gateway);
    route["interface"] = text_field(parts[0], 64);
    route["metric"] = metric.value_or(0);
    route["flags"] = flag_text;
    out.push_back(std::move(route));
  });
  return out;
}

json::array routes_v6(std::string_view text, std::size_t max_entries) {
  json::array out;
  for_each_line(text, [&](std::string_view line) {
    if (out.size() >= max_entries) return;
    auto parts = fields(line, 12);
    if (parts.size() < 10 || parts[9] == "lo") return;
    auto destination = ipv6_text(parts[0]);
    auto prefix = number<unsigned>(parts[1], 16);
    auto next_hop = ipv6_text(parts[4]);
    auto metric = number<std::uint32_t>(parts[5], 16);
    auto flags = number<std::uint32_t>(parts[8], 16);
    if (!destination || !prefix || *prefix > 128 || !next_hop || !flags || !(*flags & 0x1u)) return;
    json::object route;
    route["destination"] = *destination + "/" + std::to_string(*prefix);
    route["gateway"] = *next_hop;
    route["interface"] = text_field(parts[9], 64);
    route["metric"] = metric.value_or(0);
    route["flags"] = (*flags & 0x2u) ? "UG" : "U";
    out.push_back(std::move(route));
  });
  return out;
}

json::object resolv_conf(std::string_view text) {
  constexpr std::size_t max_entries = 64;
  json::array nameservers, search, options;
  for_each_line(text, [&](std::string_view line) {
    auto parts = fields(line, max_entries + 1);
    if (parts.empty() || parts[0].front() == '#' || parts[0].front() == ';') return;
    if (parts[0] == "nameserver" && parts.size() >= 2) {
      if (nameservers.size() < max_entries)
        nameservers.push_back(json::string(text_field(parts[1], 256)));
    } else if (parts[0] == "search" || parts[0] == "domain") {
      search.clear();  // the last search or domain line wins
      for (std::size_t i = 1; i < parts.size() && search.size() < max_entries; ++i)
        search.push_back(json::string(text_field(parts[i], 256)));
    } else if (parts[0] == "options") {
      for (std::size_t i = 1; i < parts.size() && options.size() < max_entries; ++i)
        options.push_back(json::string(text_field(parts[i], 256)));
    }
  });
  return {{"nameservers", std::move(nameservers)},
          {"search", std::move(search)},
          {"options", std::move(options)}};
}

std::vector<inet6_address> if_inet6(std::string_view text, std::size_t max_entries) {
  std::vector<inet6_address> out;
  for_each_line(text, [&](std::string_view line) {
    if (out.size() >= max_entries) return;
    auto parts = fields(line, 7);
    if (parts.size() < 6) return;
    auto address = ipv6_text(parts[0]);
    auto prefix = number<unsigned>(parts[2], 16);
    if (!address || !prefix || *prefix > 128) return;
    out.push_back({text_field(parts[5], 64), *address, *prefix});
  });
  return out;
}

bool is_shared_library(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  for (std::size_t at = name.find(".so"); at != std::string_view::npos;
       at = name.find(".so", at + 1)) {
    if (at == 0) continue;
    if (at + 3 == name.size() || name[at + 3] == '.') return true;
  }
  return false;
}

std::vector<mapped_file> shared_libraries(std::string_view maps) {
  std::vector<mapped_file> out;
  std::set<std::string, std::less<>> seen;
  constexpr std::string_view deleted_suffix = " (deleted)";
  for_each_line(maps, [&](std::string_view line) {
    // address perms offset dev inode [pathname]; the path may contain spaces.
    std::size_t i = 0;
    for (int field = 0; field < 5; ++field) {
      while (i < line.size() && line[i] == ' ') ++i;
      while (i < line.size() && line[i] != ' ') ++i;
    }
    while (i < line.size() && line[i] == ' ') ++i;
    std::string_view path = line.substr(std::min(i, line.size()));
    if (path.empty() || path.front() != '/' || path.size() > 4096) return;
    bool deleted = path.ends_with(deleted_suffix);
    if (deleted) path.remove_suffix(deleted_suffix.size());
    if (!is_shared_library(path)) return;
    std::string clean = valid_utf8(path);
    if (!seen.insert(clean).second) {
      if (deleted)
        for (auto& entry : out)
          if (entry.path == clean) entry.deleted = true;
      return;
    }
    out.push_back({std::move(clean), deleted});
  });
  return out;
}

process_status status(std::string_view text) {
  process_status out;
  for_each_line(text, [&](std::string_view line) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view key = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    if (key == "Name") {
      out.name = text_field(trim(value), 64);
    } else if (key == "Uid") {
      auto parts = fields(value, 4);
      if (!parts.empty()) out.uid = number<std::uint32_t>(parts[0]);
    } else if (key == "PPid") {
      out.ppid = number<std::uint32_t>(value);
    } else if (key == "VmRSS") {
      auto parts = fields(value, 2);
      if (parts.size() == 2 && parts[1] == "kB")
        if (auto kb = number<std::uint64_t>(parts[0]); kb && *kb <= UINT64_MAX / 1024)
          out.rss_bytes = *kb * 1024;
    }
  });
  return out;
}

std::optional<process_stat> stat(std::string_view text) {
  std::size_t open = text.find('(');
  std::size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  process_stat out;
  out.comm = text_field(text.substr(open + 1, close - open - 1), 64);
  auto rest = fields(text.substr(close + 1), 3);
  if (rest.size() < 2 || rest[0].size() != 1) return std::nullopt;
  out.state = rest[0][0];
  out.ppid = number<std::uint32_t>(rest[1]);
  return out;
}

std::string cmdline(std::string_view raw, std::size_t max_bytes) {
  while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  std::string joined(raw);
  std::replace(joined.begin(), joined.end(), '\0', ' ');
  bool cut = joined.size() > max_bytes;
  if (cut) {
    std::size_t keep = max_bytes;
    while (keep > 0 && (static_cast<unsigned char>(joined[keep]) & 0xC0u) == 0x80u) --keep;
    joined.resize(keep);
  }
  std::string out = valid_utf8(joined);
  if (cut) out += "\xE2\x80\xA6";
  return out;
}

std::map<std::uint32_t, std::string> passwd(std::string_view text) {
  std::map<std::uint32_t, std::string> out;
  for_each_line(text, [&](std::string_view line) {
    auto parts = split(line, ':');
    if (parts.size() < 3 || parts[0].empty()) return;
    if (auto uid = number<std::uint32_t>(parts[2]); uid && !out.contains(*uid))
      out.emplace(*uid, text_field(parts[0], 64));
  });
  return out;
}

namespace {

template <class Row>
json::array package_lines(std::string_view text, std::size_t max_items, bool last_line_cut,
                          bool& truncated, Row&& row) {
  json::array out;
  if (last_line_cut) {
    std::size_t end = text.rfind('\n');
    text = end == std::string_view::npos ? std::string_view{} : text.substr(0, end + 1);
  }
  for_each_line(text, [&](std::string_view line) {
    auto parts = split(line, '\t');
    auto package = row(parts);
    if (!package) return;
    if (out.size() >= max_items) {
      truncated = true;
      return;
    }
    out.push_back(std::move(*package));
  });
  return out;
}

json::object package(std::string_view name, std::string_view version, std::string_view arch) {
  return {{"name", text_field(name, 256)},
          {"version", text_field(version, 256)},
          {"arch", text_field(arch, 64)}};
}

}  // namespace

json::array dpkg_packages(std::string_view text, std::size_t max_items, bool last_line_cut,
                          bool& truncated) {
  return package_lines(
      text, max_items, last_line_cut, truncated,
      [](const std::vector<std::string_view>& parts) -> std::optional<json::object> {
        if (parts.size() < 3 || trim(parts[0]).empty()) return std::nullopt;
        // Status-Abbrev "ii ": the second letter says "installed".
        if (parts.size() >= 4 && (parts[3].size() < 2 || parts[3][1] != 'i')) return std::nullopt;
        return package(trim(parts[0]), trim(parts[1]), trim(parts[2]));
      });
}

json::array rpm_packages(std::string_view text, std::size_t max_items, bool last_line_cut,
                         bool& truncated) {
  return package_lines(
      text, max_items, last_line_cut, truncated,
      [](const std::vector<std::string_view>& parts) -> std::optional<json::object> {
        if (parts.size() < 3 || trim(parts[0]).empty()) return std::nullopt;
        return package(trim(parts[0]), trim(parts[1]), trim(parts[2]));
      });
}

namespace {

std::optional<std::string> journal_string(const json::object& entry, std::string_view key,
                                          std::size_t max_bytes) {
  auto* value = entry.if_contains(key);
  if (!value) return std::nullopt;
  std::string raw;
  if (auto* s = value->if_string()) {
    raw.assign(s->data(), std::min(s->size(), max_bytes));
  } else if (auto* bytes = value->if_array()) {
    // Binary or non-UTF-8 fields arrive as an array of byte values.
    for (auto& b : *bytes) {
      if (raw.size() >= max_bytes) break;
      auto* n = b.if_int64();
      if (!n || *n < 0 || *n > 255) return std::nullopt;
      raw += static_cast<char>(*n);
    }
  } else {
    return std::nullopt;
  }
  bool cut = raw.size() >= max_bytes;
  std::string out = valid_utf8(raw);
  if (cut && (value->is_array() ? value->as_array().size() > max_bytes
                                : value->as_string().size() > max_bytes))
    out += "\xE2\x80\xA6";
  return out;
}

std::optional<std::string> iso_time(std::string_view microseconds) {
  auto us = number<std::uint64_t>(microseconds);
  if (!us) return std::nullopt;
  std::time_t seconds = static_cast<std::time_t>(*us / 1000000);
  std::tm tm{};
  if (!::gmtime_r(&seconds, &tm)) return std::nullopt;
  char buffer[64];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  if (n == 0) return std::nullopt;
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03uZ", static_cast<unsigned>((*us / 1000) % 1000));
  return std::string(buffer, n) + millis;
}

}  // namespace

json::array journal(std::string_view text, std::size_t max_entries, std::size_t max_message_bytes,
                    std::size_t& skipped) {
  json::array out;
  json::parse_options options;
  options.max_depth = 8;
  for_each_line(text, [&](std::string_view line) {
    if (trim(line).empty()) return;
    if (out.size() >= max_entries) return;
    boost::system::error_code ec;
    json::value value = json::parse(line, ec, {}, options);
    auto* entry = ec ? nullptr : value.if_object();
    std::optional<std::string> time, message;
    if (entry) {
      if (auto stamp = journal_string(*entry, "__REALTIME_TIMESTAMP", 32)) time = iso_time(*stamp);
      message = journal_string(*entry, "MESSAGE", max_message_bytes);
    }
    if (!entry || !time || !message) {
      ++skipped;
      return;
    }
    json::object row;
    row["time"] = *time;
    if (auto p = journal_string(*entry, "PRIORITY", 8))
      if (auto n = number<int>(*p)) row["priority"] = *n;
    if (auto s = journal_string(*entry, "SYSLOG_IDENTIFIER", 128))
      row["identifier"] = *s;
    else if (auto c = journal_string(*entry, "_COMM", 128))
      row["identifier"] = *c;
    if (auto u = journal_string(*entry, "_SYSTEMD_UNIT", 256)) row["unit"] = *u;
    if (auto p = journal_string(*entry, "_PID", 16))
      if (auto n = number<std::uint32_t>(*p)) row["pid"] = *n;
    row["message"] = *message;
    out.push_back(std::move(row));
  });
  return out;
}

json::object gsettings_list(std::string_view text, std::size_t max_items) {
  json::object out;
  std::size_t items = 0;
  for_each_line(text, [&](std::string_view line) {
    if (items >= max_items) return;
    std::size_t first = line.find(' ');
    if (first == std::string_view::npos) return;
    std::size_t second = line.find(' ', first + 1);
    if (second == std::string_view::npos) return;
    std::string schema = text_field(line.substr(0, first), 256);
    std::string key = text_field(line.substr(first + 1, second - first - 1), 256);
    std::string value = text_field(line.substr(second + 1), 4096);
    value = redact_urls_in(redact_setting_value(key, value));
    auto& group = out[schema];
    if (!group.is_object()) group = json::object{};
    group.as_object()[key] = value;
    ++items;
  });
  return out;
}

}  // namespace visit::collect::parse
