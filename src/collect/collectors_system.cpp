// os and hardware: /etc/os-release, uname, /proc/{uptime,cpuinfo,meminfo,mounts}, statvfs.
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "collect/collectors.hpp"
#include "collect/parsers.hpp"
#include "collect/support.hpp"

namespace visit::collect {

namespace json = boost::json;

namespace {

constexpr std::size_t small_file = 64 * 1024;

std::string first_line(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  return valid_utf8(text.substr(0, std::min<std::size_t>(text.size(), 1024)));
}

std::optional<std::string> read_line(const context& ctx, std::string_view path) {
  auto file = read_bounded(under_root(ctx.root, path), 4096);
  if (file.error) return std::nullopt;
  return first_line(file.content);
}

}  // namespace

outcome collect_os(const json::object&, const context& ctx, budget&) {
  json::object data;
  auto release = read_bounded(under_root(ctx.root, "/etc/os-release"), small_file);
  if (release.error)
    release = read_bounded(under_root(ctx.root, "/usr/lib/os-release"), small_file);
  data["os_release"] = release.error ? json::object{} : parse::os_release(release.content);

  json::object uname_fields;
  if (is_live(ctx)) {
    struct utsname u {};
    if (::uname(&u) == 0) {
      uname_fields["sysname"] = valid_utf8(u.sysname);
      uname_fields["release"] = valid_utf8(u.release);
      uname_fields["version"] = valid_utf8(u.version);
      uname_fields["machine"] = valid_utf8(u.machine);
    }
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) data["hostname"] = valid_utf8(host);
  } else {
    // The same strings the kernel gives uname(), as files; the machine is not among them.
    if (auto v = read_line(ctx, "/proc/sys/kernel/ostype")) uname_fields["sysname"] = *v;
    if (auto v = read_line(ctx, "/proc/sys/kernel/osrelease")) uname_fields["release"] = *v;
    if (auto v = read_line(ctx, "/proc/sys/kernel/version")) uname_fields["version"] = *v;
    if (auto v = read_line(ctx, "/proc/sys/kernel/hostname"))
      data["hostname"] = *v;
    else if (auto h = read_line(ctx, "/etc/hostname"))
      data["hostname"] = *h;
  }
  data["uname"] = std::move(uname_fields);

  auto uptime = read_bounded(under_root(ctx.root, "/proc/uptime"), 256);
  if (!uptime.error) {
    std::string seconds = uptime.content.substr(0, uptime.content.find_first_of(". \n"));
    char* end = nullptr;
    unsigned long long value = std::strtoull(seconds.c_str(), &end, 10);
    if (!seconds.empty() && end && *end == '\0') data["uptime_seconds"] = value;
  }
  return outcome::ok(std::move(data));
}

outcome collect_hardware(const json::object&, const context& ctx, budget& b) {
  json::object data;
  auto cpuinfo = read_bounded(under_root(ctx.root, "/proc/cpuinfo"), 4 << 20);
  auto cpu = parse::cpu(cpuinfo.content);
  if (cpu.logical == 0 && is_live(ctx)) {
    long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    if (online > 0) cpu.logical = static_cast<unsigned>(online);
  }
  json::object cpu_fields{{"model", cpu.model}};
  if (cpu.logical > 0) cpu_fields["logical_cpus"] = cpu.logical;
  data["cpu"] = std::move(cpu_fields);

  auto meminfo = read_bounded(under_root(ctx.root, "/proc/meminfo"), small_file);
  auto mem = parse::memory(meminfo.content);
  json::object memory;
  if (mem.total_bytes) memory["total_bytes"] = *mem.total_bytes;
  if (mem.available_bytes) memory["available_bytes"] = *mem.available_bytes;
  if (mem.swap_total_bytes) memory["swap_total_bytes"] = *mem.swap_total_bytes;
  if (mem.swap_free_bytes) memory["swap_free_bytes"] = *mem.swap_free_bytes;
  data["memory"] = std::move(memory);

  json::array disks;
  auto mounts_file = read_bounded(under_root(ctx.root, "/proc/mounts"), 4 << 20);
  for (auto& m : parse::mounts(mounts_file.content, 100000)) {
    if (parse::is_pseudo_fs(m.fs_type)) continue;
    if (b.full(disks.size())) break;
    // statvfs can block on a dead network mount: stop at the deadline (run()'s worker thread
    // protects the caller from the one call that does not return).
    if (b.expired()) {
      b.truncated = true;
      break;
    }
    json::object disk{{"device", m.device}, {"mount_point", m.mount_point}, {"fs_type", m.fs_type}};
    if (is_live(ctx)) {
      struct statvfs st {};
      if (::statvfs(m.mount_point.c_str(), &st) == 0) {
        auto unit = static_cast<std::uint64_t>(st.f_frsize ? st.f_frsize : st.f_bsize);
        disk["size_bytes"] = static_cast<std::uint64_t>(st.f_blocks) * unit;
        disk["free_bytes"] = static_cast<std::uint64_t>(st.f_bfree) * unit;
        disk["available_bytes"] = static_cast<std::uint64_t>(st.f_bavail) * unit;
      } else {
        disk["error"] = error_text(errno);
      }
    }
    disks.push_back(std::move(disk));
  }
  data["disks"] = std::move(disks);

  if (ctx.displays) {
    try {
      data["displays"] = ctx.displays();
    } catch (const std::exception& e) {
      data["displays_error"] = valid_utf8(e.what());
    } catch (...) {
      data["displays_error"] = "the display query failed";
    }
  }
  return outcome::ok(std::move(data));
}

}  // namespace visit::collect
