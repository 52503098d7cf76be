// Parsers for the text the collectors read: /proc and /etc files and the output of
// dpkg-query, rpm, journalctl and gsettings. Pure functions of their input; hostile or
// garbled input gives fewer fields, never an exception or an unbounded result. Every string
// they return is valid UTF-8.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace visit::collect::parse {

// os-release: NAME, PRETTY_NAME, VERSION_ID, ID (only those present), unquoted.
boost::json::object os_release(std::string_view text);

struct meminfo {
  std::optional<std::uint64_t> total_bytes, available_bytes, swap_total_bytes, swap_free_bytes;
};
meminfo memory(std::string_view text);  // /proc/meminfo

struct cpuinfo {
  std::string model;     // "model name" (x86), else "Processor"/"Hardware"/"cpu model"
  unsigned logical = 0;  // "processor" entries
};
cpuinfo cpu(std::string_view text);  // /proc/cpuinfo

struct mount_entry {
  std::string device, mount_point, fs_type, options;
};
std::vector<mount_entry> mounts(std::string_view text, std::size_t max_entries);  // /proc/mounts
// Pseudo and virtual file systems that are not disks (proc, sysfs, tmpfs, cgroup, ...).
bool is_pseudo_fs(std::string_view fs_type);

// /proc/net/route: [{"destination":"0.0.0.0/0","gateway":"10.0.0.1","interface":"eth0",
// "metric":N,"flags":"UG"}]; only routes that are up.
boost::json::array routes_v4(std::string_view text, std::size_t max_entries);
// /proc/net/ipv6_route, same shape with IPv6 addresses; loopback routes left out.
boost::json::array routes_v6(std::string_view text, std::size_t max_entries);

// resolv.conf: {"nameservers":[...],"search":[...],"options":[...]}.
boost::json::object resolv_conf(std::string_view text);

struct inet6_address {
  std::string interface, address;
  unsigned prefix_length = 0;
};
std::vector<inet6_address> if_inet6(std::string_view text, std::size_t max_entries);

struct mapped_file {
  std::string path;
  bool deleted = false;  // the file was replaced or removed after it was mapped
};
// /proc/PID/maps: the distinct shared libraries (files named *.so or *.so.*), in map order.
std::vector<mapped_file> shared_libraries(std::string_view maps);
bool is_shared_library(std::string_view path);

struct process_status {
  std::string name;
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> ppid;
  std::optional<std::uint64_t> rss_bytes;
};
process_status status(std::string_view text);  // /proc/PID/status

struct process_stat {
  std::string comm;
  char state = '?';
  std::optional<std::uint32_t> ppid;
};
// /proc/PID/stat; the command name may itself contain spaces and parentheses.
std::optional<process_stat> stat(std::string_view text);

// /proc/PID/cmdline: arguments joined by spaces, at most `max_bytes` bytes (+ "…" when cut).
std::string cmdline(std::string_view raw, std::size_t max_bytes);

// /etc/passwd: uid -> user name.
std::map<std::uint32_t, std::string> passwd(std::string_view text);

// Output of dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\n':
// installed packages only, [{"name","version","arch"}]; `truncated` set when more than
// max_items were present. The last line is dropped when `last_line_cut`.
boost::json::array dpkg_packages(std::string_view text, std::size_t max_items, bool last_line_cut,
                                 bool& truncated);
// Output of rpm -qa --qf '%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}\n'.
boost::json::array rpm_packages(std::string_view text, std::size_t max_items, bool last_line_cut,
                                bool& truncated);

// Output of journalctl -o json (one object per line): [{"time","priority","identifier",
// "unit","pid","message"}]; lines that are not journal objects are counted in `skipped`.
boost::json::array journal(std::string_view text, std::size_t max_entries,
                           std::size_t max_message_bytes, std::size_t& skipped);

// Output of `gsettings list-recursively SCHEMA`: {"schema.child": {"key": "value"}}.
boost::json::object gsettings_list(std::string_view text, std::size_t max_items);

}  // namespace visit::collect::parse
