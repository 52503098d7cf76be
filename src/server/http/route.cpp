#include "server/http/route.hpp"

#include "server/auth/crypto_helpers.hpp"
#include "server/cli/command_line.hpp"

namespace visit::server {

namespace {

constexpr std::size_t max_target_bytes = 1024;

bool allowed_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '/';
}

}  // namespace

std::string canonical_path(std::string_view target, bool& bad) {
  bad = false;
  if (target.empty() || target.front() != '/' || target.size() > max_target_bytes) {
    bad = true;
    return {};
  }
  std::string_view path = target.substr(0, target.find('?'));
  for (char c : path) {
    if (c == '%' || c == '#') {
      bad = true;
      return {};
    }
    if (!allowed_byte(c)) return {};
  }
  if (path == "/") return std::string(path);
  // Segments between slashes: none empty, none starting with '.'.
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(pos, end - pos);
    if (seg.empty() || seg.front() == '.') return {};
    pos = end + 1;
  }
  return std::string(path);
}

route_match route_request(std::string_view method, std::string_view target,
                          const std::function<bool(std::string_view)>& asset_exists) {
  route_match m;
  bool bad = false;
  std::string path = canonical_path(target, bad);
  if (bad) {
    m.kind = route_kind::bad_request;
    return m;
  }
  if (path.empty()) return m;  // not_found

  auto only = [&](std::string_view wanted, route_kind k) {
    if (method == wanted) {
      m.kind = k;
      m.changes_state = method == "POST" && k != route_kind::login;
    } else {
      m.kind = route_kind::method_not_allowed;
      m.allow = wanted;
    }
    return m;
  };

  if (path == "/api/login") return only("POST", route_kind::login);
  if (path == "/api/logout") return only("POST", route_kind::logout);
  if (path == "/api/me") return only("GET", route_kind::me);
  if (path == "/api/me/password") return only("POST", route_kind::me_password);
  if (path == "/api/me/totp/setup") return only("POST", route_kind::me_totp_setup);
  if (path == "/api/me/totp/enable") return only("POST", route_kind::me_totp_enable);
  if (path == "/api/me/totp/disable") return only("POST", route_kind::me_totp_disable);
  if (path == "/api/admin/users") {
    if (method == "GET" || method == "POST") {
      m.kind = route_kind::admin_users;
      m.changes_state = method == "POST";
    } else {
      m.kind = route_kind::method_not_allowed;
      m.allow = "GET, POST";
    }
    return m;
  }
  constexpr std::string_view user_prefix = "/api/admin/users/";
  if (path.starts_with(user_prefix)) {
    std::string_view name = std::string_view(path).substr(user_prefix.size());
    if (!is_valid_username(name)) return m;  // not_found
    m.username = std::string(name);
    return only("POST", route_kind::admin_user);
  }
  if (path == "/ws/customer") return only("GET", route_kind::ws_customer);
  if (path == "/ws/console") return only("GET", route_kind::ws_console);
  // The front door (§8.1 queue and wizard rows, §8.2).
  using act = std::optional<front_door_action>;
  auto action = [&](act get, act post) {
    if (method == "GET" && get) {
      m.kind = route_kind::front_door;
      m.what = *get;
    } else if (method == "POST" && post) {
      m.kind = route_kind::front_door;
      m.what = *post;
      m.changes_state = true;
    } else {
      m.kind = route_kind::method_not_allowed;
      m.allow = !get ? "POST" : !post ? "GET" : "GET, POST";
    }
    if (m.kind == route_kind::front_door) m.action = std::string(to_string(m.what));
    return m;
  };
  using enum front_door_action;
  if (path == "/api/requests") return action(list, {});
  constexpr std::string_view requests_prefix = "/api/requests/";
  if (path.starts_with(requests_prefix)) {
    std::string_view rest = std::string_view(path).substr(requests_prefix.size());
    std::string_view id = rest.substr(0, rest.find('/'));
    if (!is_lower_hex(id, 32)) return m;  // not_found
    m.request_id = std::string(id);
    if (rest.size() == id.size()) return action(get, {});
    std::string_view verb = rest.substr(id.size() + 1);
    for (front_door_action known : {take, transfer, invite, notes, resolve, reopen}) {
      if (verb == to_string(known)) return action({}, known);
    }
    m.request_id.clear();
    return m;  // not_found
  }
  if (path == "/api/codes") return action(codes_list, codes_create);
  if (path == "/api/admin/queues") return action(queues_list, queues_create);
  constexpr std::string_view queues_prefix = "/api/admin/queues/";
  if (path.starts_with(queues_prefix)) {
    std::string_view name = std::string_view(path).substr(queues_prefix.size());
    if (name.empty() || name.size() > 32) return m;
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return m;
    }
    m.name = std::string(name);
    return action({}, queue_update);
  }
  if (path == "/api/admin/wizard") return action(wizard_get, wizard_set);
  constexpr std::string_view view_prefix = "/ws/view/";
  if (path.starts_with(view_prefix)) {
    std::string_view id = std::string_view(path).substr(view_prefix.size());
    if (!is_lower_hex(id, 32)) return m;  // not_found
    m.request_id = std::string(id);
    return only("GET", route_kind::ws_view);
  }
  // Everything else under /api/ and /ws/ is unknown, whatever the console ships.
  if (path.starts_with("/api/") || path.starts_with("/ws/") || path == "/api" || path == "/ws") {
    return m;
  }
  std::string asset = path == "/" ? std::string("/index.html") : path;
  if (!asset_exists(asset)) return m;
  m.asset = std::move(asset);
  return only("GET", route_kind::static_file);
}

std::string_view to_string(front_door_action a) {
  switch (a) {
    case front_door_action::list:
      return "list";
    case front_door_action::get:
      return "get";
    case front_door_action::take:
      return "take";
    case front_door_action::transfer:
      return "transfer";
    case front_door_action::invite:
      return "invite";
    case front_door_action::notes:
      return "notes";
    case front_door_action::resolve:
      return "resolve";
    case front_door_action::reopen:
      return "reopen";
    case front_door_action::codes_list:
      return "codes_list";
    case front_door_action::codes_create:
      return "codes_create";
    case front_door_action::queues_list:
      return "queues_list";
    case front_door_action::queues_create:
      return "queues_create";
    case front_door_action::queue_update:
      return "queue_update";
    case front_door_action::wizard_get:
      return "wizard_get";
    case front_door_action::wizard_set:
      return "wizard_set";
  }
  return "list";
}

std::optional<front_door_action> parse_front_door_action(std::string_view word) {
  for (int i = 0; i <= static_cast<int>(front_door_action::wizard_set); ++i) {
    auto a = static_cast<front_door_action>(i);
    if (to_string(a) == word) return a;
  }
  return std::nullopt;
}

bool is_admin_action(front_door_action a) {
  switch (a) {
    case front_door_action::queues_list:
    case front_door_action::queues_create:
    case front_door_action::queue_update:
    case front_door_action::wizard_get:
    case front_door_action::wizard_set:
      return true;
    default:
      return false;
  }
}

std::string_view to_string(route_kind k) {
  switch (k) {
    case route_kind::static_file:
      return "static_file";
    case route_kind::login:
      return "login";
    case route_kind::logout:
      return "logout";
    case route_kind::me:
      return "me";
    case route_kind::me_password:
      return "me_password";
    case route_kind::me_totp_setup:
      return "me_totp_setup";
    case route_kind::me_totp_enable:
      return "me_totp_enable";
    case route_kind::me_totp_disable:
      return "me_totp_disable";
    case route_kind::admin_users:
      return "admin_users";
    case route_kind::admin_user:
      return "admin_user";
    case route_kind::ws_customer:
      return "ws_customer";
    case route_kind::ws_view:
      return "ws_view";
    case route_kind::ws_console:
      return "ws_console";
    case route_kind::front_door:
      return "front_door";
    case route_kind::method_not_allowed:
      return "method_not_allowed";
    case route_kind::not_found:
      return "not_found";
    case route_kind::bad_request:
      return "bad_request";
  }
  return "not_found";
}

}  // namespace visit::server
