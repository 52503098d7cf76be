// network: interfaces (getifaddrs on the live system, /sys and /proc under another root),
// routes, DNS, proxy settings from the environment and from GNOME's settings.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>

#include <bit>
#include <cstdlib>
#include <map>

#include "collect/collectors.hpp"
#include "collect/parsers.hpp"
#include "collect/support.hpp"

namespace visit::collect {

namespace json = boost::json;

namespace {

struct interface_info {
  std::string mac;
  bool up = false;
  std::optional<unsigned> mtu;
  json::array addresses;
};

std::string mac_text(const unsigned char* bytes, std::size_t length) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    if (i) out += ':';
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 0xF];
  }
  return out;
}

unsigned prefix_length(const sockaddr* mask) {
  if (!mask) return 0;
  unsigned bits = 0;
  if (mask->sa_family == AF_INET) {
    bits = static_cast<unsigned>(
        std::popcount(reinterpret_cast<const sockaddr_in*>(mask)->sin_addr.s_addr));
  } else if (mask->sa_family == AF_INET6) {
    for (unsigned char byte : reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr.s6_addr)
      bits += static_cast<unsigned>(std::popcount(byte));
  }
  return bits;
}

std::optional<std::string> first_line(const context& ctx, const std::string& path) {
  auto file = read_bounded(under_root(ctx.root, path), 256);
  if (file.error) return std::nullopt;
  std::string_view text = file.content;
  return valid_utf8(text.substr(0, text.find('\n')));
}

void live_interfaces(std::map<std::string, interface_info>& out, std::size_t max_items) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return;
  for (ifaddrs* ifa = list; ifa; ifa = ifa->ifa_next) {
    if (!ifa->ifa_name) continue;
    std::string name = valid_utf8(ifa->ifa_name);
    if (!out.contains(name) && out.size() >= max_items) continue;
    auto& info = out[name];
    info.up = info.up || (ifa->ifa_flags & IFF_UP);
    if (!ifa->ifa_addr) continue;
    int family = ifa->ifa_addr->sa_family;
    if (family == AF_PACKET) {
      auto* ll = reinterpret_cast<const sockaddr_ll*>(ifa->ifa_addr);
      if (ll->sll_halen > 0 && ll->sll_halen <= sizeof ll->sll_addr)
        info.mac = mac_text(ll->sll_addr, ll->sll_halen);
    } else if (family == AF_INET || family == AF_INET6) {
      char text[INET6_ADDRSTRLEN] = {};
      const void* raw = family == AF_INET
                            ? static_cast<const void*>(
                                  &reinterpret_cast<const sockaddr_in*>(ifa->ifa_addr)->sin_addr)
                            : static_cast<const void*>(
                                  &reinterpret_cast<const sockaddr_in6*>(ifa->ifa_addr)->sin6_addr);
      if (!::inet_ntop(family, raw, text, sizeof text)) continue;
      if (info.addresses.size() < max_items)
        info.addresses.push_back({{"family", family == AF_INET ? "ipv4" : "ipv6"},
                                  {"address", text},
                                  {"prefix_length", prefix_length(ifa->ifa_netmask)}});
    }
  }
  ::freeifaddrs(list);
}

void file_interfaces(const context& ctx, std::map<std::string, interface_info>& out,
                     std::size_t max_items) {
  // /sys/class/net/<name>/{address,flags}; IPv6 addresses from /proc/net/if_inet6. IPv4
  // addresses are not in a simple file and stay out.
  std::error_code ec;
  for (std::filesystem::directory_iterator it(under_root(ctx.root, "/sys/class/net"), ec), end;
       !ec && it != end; it.increment(ec)) {
    if (out.size() >= max_items) break;
    std::string name = valid_utf8(it->path().filename().string());
    auto& info = out[name];
    std::string base = "/sys/class/net/" + it->path().filename().string();
    if (auto mac = first_line(ctx, base + "/address")) info.mac = *mac;
    if (auto flags = first_line(ctx, base + "/flags"))
      info.up = (std::strtoul(flags->c_str(), nullptr, 16) & IFF_UP) != 0;
  }
  auto inet6 = read_bounded(under_root(ctx.root, "/proc/net/if_inet6"), 1 << 20);
  for (auto& a : parse::if_inet6(inet6.content, max_items * 4)) {
    auto it = out.find(a.interface);
    if (it == out.end() || it->second.addresses.size() >= max_items) continue;
    it->second.addresses.push_back(
        {{"family", "ipv6"}, {"address", a.address}, {"prefix_length", a.prefix_length}});
  }
}

json::object proxy_environment() {
  json::object out;
  static constexpr const char* names[] = {"http_proxy", "https_proxy", "ftp_proxy",   "all_proxy",
                                          "no_proxy",   "HTTP_PROXY",  "HTTPS_PROXY", "FTP_PROXY",
                                          "ALL_PROXY",  "NO_PROXY"};
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (!value) continue;
    std::string_view text(value);
    out[name] = redact_url(valid_utf8(text.substr(0, std::min<std::size_t>(text.size(), 4096))));
  }
  return out;
}

}  // namespace

// The session variables gsettings needs to find the customer's settings (dconf database,
// schemas); nothing else of the client's environment reaches the program.
std::vector<std::string> gsettings_environment() {
  std::vector<std::string> out;
  for (const char* name :
       {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_DIRS", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"})
    if (const char* value = std::getenv(name)) out.push_back(std::string(name) + "=" + value);
  return out;
}

outcome collect_network(const json::object&, const context& ctx, budget& b) {
  json::object data;
  std::map<std::string, interface_info> interfaces;
  if (is_live(ctx))
    live_interfaces(interfaces, b.lim.max_items);
  else
    file_interfaces(ctx, interfaces, b.lim.max_items);
  json::array list;
  for (auto& [name, info] : interfaces) {
    if (b.full(list.size())) break;
    json::object entry{{"name", name}, {"mac", info.mac}, {"up", info.up}};
    if (!info.mtu) {
      if (auto mtu = first_line(ctx, "/sys/class/net/" + name + "/mtu"))
        if (unsigned long v = std::strtoul(mtu->c_str(), nullptr, 10); v > 0 && v < 1u << 20)
          info.mtu = static_cast<unsigned>(v);
    }
    if (info.mtu) entry["mtu"] = *info.mtu;
    entry["addresses"] = std::move(info.addresses);
    list.push_back(std::move(entry));
  }
  data["interfaces"] = std::move(list);

  auto route = read_bounded(under_root(ctx.root, "/proc/net/route"), 4 << 20);
  data["routes"] = parse::routes_v4(route.content, b.lim.max_items);
  auto route6 = read_bounded(under_root(ctx.root, "/proc/net/ipv6_route"), 4 << 20);
  data["routes6"] = parse::routes_v6(route6.content, b.lim.max_items);

  auto resolv = read_bounded(under_root(ctx.root, "/etc/resolv.conf"), 64 * 1024);
  if (resolv.error)
    data["dns"] = {{"error", "/etc/resolv.conf: " + error_text(resolv.error)}};
  else
    data["dns"] = parse::resolv_conf(resolv.content);

  json::object proxy{{"environment", proxy_environment()}};
  // GNOME's proxy settings; leave a quarter of the budget for the rest.
  auto now = std::chrono::steady_clock::now();
  auto request = program_for(ctx, b, "gsettings", {"list-recursively", "org.gnome.system.proxy"});
  request.deadline = std::min(request.deadline, now + (b.deadline - now) * 3 / 4);
  request.max_stdout = 64 * 1024;
  request.extra_env = gsettings_environment();
  auto result = run_program(request);
  if (result.how == program_result::outcome::exited && result.exit_code == 0)
    proxy["gnome"] = parse::gsettings_list(result.out, 256);
  else
    proxy["gnome"] =
        "not available: " + program_failure(request, result,
                                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                                request.deadline - now));
  data["proxy"] = std::move(proxy);
  return outcome::ok(std::move(data));
}

}  // namespace visit::collect
