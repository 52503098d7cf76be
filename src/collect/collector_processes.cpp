// processes and libraries: /proc/PID/{status,stat,cmdline,maps,exe}.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "collect/collectors.hpp"
#include "collect/parsers.hpp"
#include "collect/redaction.hpp"
#include "collect/support.hpp"

namespace visit::collect {

namespace json = boost::json;

namespace {

constexpr std::size_t max_cmdline_bytes = 4096;
constexpr std::size_t max_maps_bytes = 16 << 20;

std::vector<std::uint32_t> process_ids(const context& ctx) {
  std::vector<std::uint32_t> pids;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(under_root(ctx.root, "/proc"), ec), end;
       !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name.size() > 10 ||
        name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    unsigned long pid = std::strtoul(name.c_str(), nullptr, 10);
    if (pid > 0 && pid <= UINT32_MAX) pids.push_back(static_cast<std::uint32_t>(pid));
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

std::filesystem::path proc_file(const context& ctx, std::uint32_t pid, std::string_view file) {
  return under_root(ctx.root, "/proc/" + std::to_string(pid) + "/" + std::string(file));
}

// The process went away between the listing and the read: neither listed nor "unreadable".
bool vanished(int error) {
  return error == ENOENT || error == ESRCH;
}

std::map<std::uint32_t, std::string> users(const context& ctx) {
  // /etc/passwd only: NSS (LDAP, sssd) could block, and fixtures need a file.
  auto file = read_bounded(under_root(ctx.root, "/etc/passwd"), 8 << 20);
  return parse::passwd(file.content);
}

std::string base_name(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// True when the process runs the program `wanted`: its executable's name, its command name
// (the kernel keeps 15 bytes of it) or the name in argv[0].
bool runs(const context& ctx, std::uint32_t pid, const std::string& comm,
          const std::string& wanted) {
  if (comm == wanted || (comm.size() == 15 && wanted.starts_with(comm))) return true;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink(proc_file(ctx, pid, "exe"), ec);
  if (!ec) {
    std::string name = exe.filename().string();
    if (name == wanted || name == wanted + " (deleted)") return true;
  }
  auto cmdline = read_bounded(proc_file(ctx, pid, "cmdline"), 4096);
  std::string_view argv0(cmdline.content.c_str());
  return !argv0.empty() && base_name(argv0) == wanted;
}

// The command line as shown: secret values of arguments redacted (--password=X, -pX,
// --token X, key=X) before the arguments are joined, then credentials in URLs
// (--proxy=http://user:pw@host).
std::string shown_cmdline(const file_read& file) {
  std::string_view raw = file.content;
  while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  std::vector<std::string> args;
  for (std::size_t start = 0; start <= raw.size();) {
    std::size_t end = std::min(raw.find('\0', start), raw.size());
    args.emplace_back(raw.substr(start, end - start));
    start = end + 1;
  }
  if (raw.empty()) args.clear();
  args = redact_arguments(std::move(args));
  std::string joined;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i) joined += '\0';
    joined += args[i];
  }
  std::string shown = redact_urls_in(parse::cmdline(joined, max_cmdline_bytes));
  if (file.truncated && !shown.ends_with("\xE2\x80\xA6")) shown += "\xE2\x80\xA6";
  return shown;
}

}  // namespace

outcome collect_processes(const json::object&, const context& ctx, budget& b) {
  auto pids = process_ids(ctx);
  if (pids.empty()) return outcome::fail("no processes found under /proc (is /proc mounted?)");
  auto names = users(ctx);
  json::array list;
  std::size_t unreadable = 0;
  std::size_t total = 0;
  for (auto pid : pids) {
    if (b.expired()) {
      b.truncated = true;
      break;
    }
    auto status_file = read_bounded(proc_file(ctx, pid, "status"), 16 * 1024);
    if (vanished(status_file.error)) continue;
    ++total;
    if (status_file.error) {
      ++unreadable;
      continue;
    }
    if (b.full(list.size())) continue;  // keep counting
    auto status = parse::status(status_file.content);
    auto stat_file = read_bounded(proc_file(ctx, pid, "stat"), 4096);
    auto stat = parse::stat(stat_file.content);
    auto cmdline_file = read_bounded(proc_file(ctx, pid, "cmdline"), max_cmdline_bytes + 4);
    json::object entry{{"pid", pid}};
    if (auto ppid = status.ppid ? status.ppid : (stat ? stat->ppid : std::nullopt))
      entry["ppid"] = *ppid;
    entry["name"] = !status.name.empty() ? status.name : (stat ? stat->comm : std::string());
    if (status.uid) {
      auto it = names.find(*status.uid);
      entry["user"] = it != names.end() ? it->second : std::to_string(*status.uid);
    }
    if (stat) entry["state"] = std::string(1, stat->state);
    entry["rss_bytes"] = status.rss_bytes.value_or(0);
    entry["cmdline"] = shown_cmdline(cmdline_file);
    list.push_back(std::move(entry));
  }
  json::object data;
  data["processes"] = std::move(list);
  data["total"] = total;
  data["unreadable"] = unreadable;
  return outcome::ok(std::move(data));
}

outcome collect_libraries(const json::object& spec, const context& ctx, budget& b) {
  std::optional<std::string> wanted;
  if (auto* p = spec.if_contains("process")) wanted = std::string(p->as_string());
  auto pids = process_ids(ctx);
  if (pids.empty()) return outcome::fail("no processes found under /proc (is /proc mounted?)");

  struct library {
    std::size_t processes = 0;
    bool deleted = false;
  };
  std::map<std::string, library> libraries;
  json::array matched;
  std::size_t scanned = 0, unreadable = 0;
  int last_error = 0;
  for (auto pid : pids) {
    if (b.expired()) {
      b.truncated = true;
      break;
    }
    if (wanted) {
      auto status_file = read_bounded(proc_file(ctx, pid, "status"), 16 * 1024);
      if (status_file.error) continue;
      if (!runs(ctx, pid, parse::status(status_file.content).name, *wanted)) continue;
      if (matched.size() < b.lim.max_items) matched.push_back(pid);
    }
    auto maps = read_bounded(proc_file(ctx, pid, "maps"), max_maps_bytes);
    if (vanished(maps.error)) continue;
    if (maps.error) {
      ++unreadable;
      last_error = maps.error;
      continue;
    }
    ++scanned;
    for (auto& lib : parse::shared_libraries(maps.content)) {
      auto it = libraries.find(lib.path);
      if (it == libraries.end()) {
        if (libraries.size() >= b.lim.max_items) {
          b.truncated = true;
          continue;
        }
        it = libraries.emplace(lib.path, library{}).first;
      }
      ++it->second.processes;
      it->second.deleted = it->second.deleted || lib.deleted;
    }
  }
  if (wanted && matched.empty() && !b.truncated)
    return outcome::fail("no running process named \"" + valid_utf8(*wanted) + "\"");
  if (wanted && scanned == 0 && unreadable > 0)
    return outcome::fail("the memory maps of \"" + valid_utf8(*wanted) +
                         "\" are not readable: " + error_text(last_error));

  std::vector<std::pair<std::string, library>> sorted(libraries.begin(), libraries.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) {
    return x.second.processes > y.second.processes;
  });
  json::array list;
  for (auto& [path, lib] : sorted) {
    json::object entry{{"path", path}, {"process_count", lib.processes}};
    if (lib.deleted) entry["deleted"] = true;
    list.push_back(std::move(entry));
  }
  json::object data;
  if (wanted) {
    data["process"] = valid_utf8(*wanted);
    data["pids"] = std::move(matched);
  }
  data["libraries"] = std::move(list);
  data["processes_scanned"] = scanned;
  data["unreadable"] = unreadable;
  return outcome::ok(std::move(data));
}

}  // namespace visit::collect
