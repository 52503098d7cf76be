#include "server/cli/command_line.hpp"

#include <algorithm>
#include <charconv>

namespace visit::server {

const char* const usage_text =
    "usage:\n"
    "  visit-server --listen HOST:PORT --data-dir DIR --tls-cert FILE --tls-key FILE\n"
    "  visit-server --listen HOST:PORT --data-dir DIR --self-signed      (development only)\n"
    "      [--threads N] [--max-connections-per-address N] [--max-connections N]\n"
    "      [--idle-timeout DURATION (default 30m)] [--absolute-timeout DURATION (default 12h)]\n"
    "      (DURATION: a number of seconds, or with a unit: 90s, 30m, 12h)\n"
    "      [--code-ttl-seconds N (1..600, default 600: session codes expire within 10 minutes)]\n"
    "  visit-server user add NAME --role admin|senior|technician --data-dir DIR\n"
    "  visit-server user list --data-dir DIR\n"
    "  visit-server user set-role NAME --role admin|senior|technician --data-dir DIR\n"
    "  visit-server user disable NAME --data-dir DIR\n"
    "  visit-server user enable NAME --data-dir DIR\n"
    "  visit-server user passwd NAME --data-dir DIR\n"
    "  visit-server user reset-totp NAME --data-dir DIR\n"
    "      (add and passwd read the password, 12 to 256 bytes, from stdin: one line; on a\n"
    "      terminal it is asked twice without echo)\n"
    "  visit-server audit verify --data-dir DIR      (exit 0 intact, 1 broken: first bad seq)\n"
    "  visit-server audit list --data-dir DIR [--request ID]\n";

namespace {

int parse_int(const std::string& flag, const std::string& text, int min, int max) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < min || v > max) {
    throw usage_error(flag + " needs a number from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", not '" + text + "'");
  }
  return v;
}

void parse_listen(const std::string& text, serve_options& o) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw usage_error("--listen needs HOST:PORT (e.g. 0.0.0.0:443 or [::1]:8443), not '" + text +
                      "'");
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  o.listen_host = host;
  o.listen_port =
      static_cast<std::uint16_t>(parse_int("--listen port", text.substr(colon + 1), 0, 65535));
}

}  // namespace

std::chrono::seconds parse_duration(const std::string& flag, const std::string& text,
                                    std::chrono::seconds min, std::chrono::seconds max) {
  auto fail = [&]() -> std::chrono::seconds {
    throw usage_error(flag + " needs a duration from " + std::to_string(min.count()) + "s to " +
                      std::to_string(max.count()) + "s (e.g. 90, 90s, 30m, 12h), not '" + text +
                      "'");
  };
  if (text.empty()) return fail();
  std::int64_t unit = 1;
  std::string digits = text;
  switch (text.back()) {
    case 's':
      digits.pop_back();
      break;
    case 'm':
      unit = 60;
      digits.pop_back();
      break;
    case 'h':
      unit = 3600;
      digits.pop_back();
      break;
    default:
      break;
  }
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || v < 0 ||
      v > max.count()) {
    return fail();
  }
  std::chrono::seconds d(v * unit);
  if (d < min || d > max) return fail();
  return d;
}

bool is_valid_username(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (i == 0 && !alnum) return false;
    if (!alnum && c != '.' && c != '_' && c != '@' && c != '-') return false;
  }
  return true;
}

bool is_valid_role(std::string_view role) {
  return role == "admin" || role == "senior" || role == "technician";
}

command parse_command_line(const std::vector<std::string>& args) {
  std::size_t i = 0;
  auto value = [&](const std::string& flag) -> const std::string& {
    if (i + 1 >= args.size()) throw usage_error(flag + " needs a value");
    return args[++i];
  };

  if (!args.empty() && args[0] == "user") {
    static const std::vector<std::string> actions = {"add",    "list",   "set-role",  "disable",
                                                     "enable", "passwd", "reset-totp"};
    if (args.size() < 2 || std::find(actions.begin(), actions.end(), args[1]) == actions.end()) {
      throw usage_error(
          "expected: user add|list|set-role|disable|enable|passwd|reset-totp ... (see below)");
    }
    user_options u;
    u.action = args[1];
    i = 2;
    if (u.action != "list") {
      if (args.size() < 3 || args[2].starts_with("--")) {
        throw usage_error("user " + u.action + " needs a user NAME");
      }
      u.username = args[2];
      if (!is_valid_username(u.username)) {
        throw usage_error(
            "user name must be 1-64 of A-Z a-z 0-9 . _ @ -, starting with a letter "
            "or digit");
      }
      i = 3;
    }
    for (; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--role") {
        u.role = value(a);
      } else if (a == "--data-dir") {
        u.data_dir = value(a);
      } else {
        throw usage_error("unknown argument '" + a + "'");
      }
    }
    bool wants_role = u.action == "add" || u.action == "set-role";
    if (wants_role && !is_valid_role(u.role)) {
      throw usage_error("--role must be admin, senior or technician");
    }
    if (!wants_role && !u.role.empty()) {
      throw usage_error("user " + u.action + " takes no --role");
    }
    if (u.data_dir.empty()) throw usage_error("--data-dir DIR is required");
    return u;
  }

  if (!args.empty() && args[0] == "audit") {
    audit_options a;
    if (args.size() < 2 || (args[1] != "verify" && args[1] != "list")) {
      throw usage_error("expected: audit verify|list --data-dir DIR");
    }
    a.what = args[1] == "verify" ? audit_options::action::verify : audit_options::action::list;
    for (i = 2; i < args.size(); ++i) {
      const std::string& f = args[i];
      if (f == "--data-dir" || f == "--data") {
        a.data_dir = value(f);
      } else if (f == "--request" && a.what == audit_options::action::list) {
        a.request_id = value(f);
        bool hex = a.request_id.size() == 32 &&
                   a.request_id.find_first_not_of("0123456789abcdef") == std::string::npos;
        if (!hex) throw usage_error("--request needs a request id (32 lowercase hex)");
      } else {
        throw usage_error("unknown argument '" + f + "'");
      }
    }
    if (a.data_dir.empty()) throw usage_error("--data-dir DIR is required");
    return a;
  }

  serve_options o;
  for (i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") return help_request{};
    if (a == "--listen") {
      parse_listen(value(a), o);
    } else if (a == "--data-dir") {
      o.data_dir = value(a);
    } else if (a == "--tls-cert") {
      o.tls_cert = value(a);
    } else if (a == "--tls-key") {
      o.tls_key = value(a);
    } else if (a == "--self-signed") {
      o.self_signed = true;
    } else if (a == "--threads") {
      o.threads = parse_int(a, value(a), 1, 64);
    } else if (a == "--max-connections-per-address") {
      o.max_connections_per_address = parse_int(a, value(a), 1, 100000);
    } else if (a == "--max-connections") {
      o.max_connections = parse_int(a, value(a), 1, 1000000);
    } else if (a == "--idle-timeout") {
      o.idle_timeout = parse_duration(a, value(a), std::chrono::seconds(1), std::chrono::hours(24));
    } else if (a == "--code-ttl-seconds") {
      o.code_ttl_seconds = parse_int(a, value(a), 1, 600);
    } else if (a == "--absolute-timeout") {
      o.absolute_timeout =
          parse_duration(a, value(a), std::chrono::seconds(1), std::chrono::hours(24 * 30));
    } else {
      throw usage_error("unknown argument '" + a + "'");
    }
  }
  if (o.data_dir.empty()) throw usage_error("--data-dir DIR is required");
  if (o.self_signed && (!o.tls_cert.empty() || !o.tls_key.empty())) {
    throw usage_error("use either --tls-cert FILE --tls-key FILE or --self-signed, not both");
  }
  if (!o.self_signed && (o.tls_cert.empty() || o.tls_key.empty())) {
    throw usage_error(
        "refusing to start without TLS keys: give --tls-cert FILE and --tls-key FILE "
        "(or, for development only, --self-signed to generate a self-signed certificate in "
        "DATA_DIR/tls/)");
  }
  return o;
}

}  // namespace visit::server
