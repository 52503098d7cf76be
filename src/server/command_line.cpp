#include "server/command_line.hpp"

#include <charconv>

namespace visit::server {

const char* const usage_text =
    "usage:\n"
    "  visit-server --listen HOST:PORT --data-dir DIR --tls-cert FILE --tls-key FILE\n"
    "  visit-server --listen HOST:PORT --data-dir DIR --self-signed      (development only)\n"
    "      [--threads N] [--max-connections-per-address N] [--max-connections N]\n"
    "  visit-server user add NAME --role admin|senior|technician --data-dir DIR\n"
    "      (reads the password, at least 8 bytes, from stdin: one line)\n"
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
    if (args.size() < 3 || args[1] != "add") throw usage_error("expected: user add NAME ...");
    user_add_options u;
    u.username = args[2];
    if (!is_valid_username(u.username)) {
      throw usage_error(
          "user name must be 1-64 of A-Z a-z 0-9 . _ @ -, starting with a letter "
          "or digit");
    }
    for (i = 3; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--role") {
        u.role = value(a);
      } else if (a == "--data-dir") {
        u.data_dir = value(a);
      } else {
        throw usage_error("unknown argument '" + a + "'");
      }
    }
    if (!is_valid_role(u.role)) throw usage_error("--role must be admin, senior or technician");
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
