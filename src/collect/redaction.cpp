#include "collect/redaction.hpp"

#include <algorithm>
#include <array>

namespace visit::collect {

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// Characters of a setting's or an option's name: "db_password", "spring.datasource.password".
bool is_name_char(char c) {
  return is_letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

std::string_view base_name(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The replacement of `line` when it assigns a value to a secret name, else nullopt (see
// redact_settings). `blank_form`: "name value" lines count too (files, not arguments).
std::optional<std::string> redact_assignment(std::string_view line, bool blank_form) {
  std::size_t p = 0, n = line.size();
  auto skip_blanks = [&] {
    while (p < n && is_blank(line[p])) ++p;
  };
  skip_blanks();
  bool commented = false;
  while (p < n && (line[p] == '#' || line[p] == ';')) {
    commented = true;
    ++p;
  }
  skip_blanks();
  if (line.substr(p).starts_with("export ")) p += 7;
  skip_blanks();
  while (p < n && line[p] == '-') ++p;
  char quote = 0;
  if (p < n && (line[p] == '"' || line[p] == '\'')) quote = line[p++];
  std::size_t name_start = p;
  while (p < n && is_name_char(line[p])) ++p;
  if (p == name_start) return std::nullopt;
  std::string_view name = line.substr(name_start, p - name_start);
  if (quote) {
    if (p >= n || line[p] != quote) return std::nullopt;
    ++p;
  }
  std::size_t after_name = p;
  skip_blanks();
  bool by_blank = false;
  if (p < n && line[p] == '=') {
    ++p;
  } else if (p < n && line[p] == ':' && (p + 1 == n || is_blank(line[p + 1]))) {
    ++p;
  } else if (blank_form && !commented && !quote && p > after_name && p < n) {
    by_blank = true;
  } else {
    return std::nullopt;
  }
  auto secret = secret_word(name);
  if (!secret || (by_blank && !secret->strong)) return std::nullopt;
  skip_blanks();
  std::size_t value_start = p, value_end = n;
  while (value_end > value_start && (is_blank(line[value_end - 1]) || line[value_end - 1] == '\r'))
    --value_end;
  if (plain_value(line.substr(value_start, value_end - value_start))) return std::nullopt;
  return std::string(line.substr(0, value_start)) + redaction_mark(secret->word) +
         std::string(line.substr(value_end));
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  while (true) {
    std::size_t end = text.find(separator);
    out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace

std::optional<secret_name> secret_word(std::string_view name) {
  std::string l = lowered(name);
  static constexpr std::array<std::string_view, 7> strong = {
      "password", "passwd", "passphrase", "secret", "token", "credential", "psk"};
  for (auto word : strong)
    if (l.find(word) != std::string::npos) return secret_name{word, true};
  if (l.find("auth") != std::string::npos) return secret_name{"auth", false};
  for (std::size_t at = l.find("key"); at != std::string::npos; at = l.find("key", at + 1)) {
    std::string_view rest = std::string_view(l).substr(at);
    if (!rest.starts_with("keyboard") && !rest.starts_with("keymap"))
      return secret_name{"key", false};
  }
  // "pass" at the end of a word: requirepass, DB_PASS; not passthrough.
  for (std::size_t at = l.find("pass"); at != std::string::npos; at = l.find("pass", at + 1))
    if (at + 4 == l.size() || !is_letter(l[at + 4])) return secret_name{"pass", true};
  return std::nullopt;
}

std::string redaction_mark(std::string_view word) {
  return "\xC2\xAB"
         "redacted: " +
         std::string(word) + "\xC2\xBB";
}

bool plain_value(std::string_view value) {
  while (!value.empty() && is_blank(value.front())) value.remove_prefix(1);
  while (!value.empty() && (is_blank(value.back()) || value.back() == '\r')) value.remove_suffix(1);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  std::string l = lowered(value);
  for (std::string_view plain : {"", "yes", "no", "true", "false", "on", "off"})
    if (l == plain) return true;
  return false;
}

std::optional<std::string_view> secret_file_kind(std::string_view path) {
  std::string_view name = base_name(path);
  static constexpr std::array<std::string_view, 5> hashes = {
      "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/security/opasswd"};
  if (std::find(hashes.begin(), hashes.end(), path) != hashes.end() ||
      name.find("shadow") != std::string_view::npos)
    return "password hashes";

  // Private keys: any directory named "private" (/etc/ssl/private, /etc/pki/tls/private,
  // /etc/ipsec.d/private), SSH host keys, *.key, privkey*, certbot's keys and accounts.
  for (auto& part : split(path, '/'))
    if (part == "private") return "private key";
  if (path.starts_with("/etc/ssh/") && name.find("key") != std::string_view::npos &&
      !name.ends_with(".pub"))
    return "private key";
  std::string l = lowered(name);
  if (l.ends_with(".key") || l.find("privkey") != std::string::npos ||
      l.find("private_key") != std::string::npos || l.find("private-key") != std::string::npos ||
      path.starts_with("/etc/letsencrypt/keys/") || path.starts_with("/etc/letsencrypt/accounts/"))
    return "private key";

  static constexpr std::array<std::string_view, 5> network = {
      "/etc/NetworkManager/system-connections/", "/etc/netplan/", "/etc/wpa_supplicant/",
      "/etc/openvpn/", "/etc/wireguard/"};
  for (auto dir : network)
    if (path.starts_with(dir)) return "Wi-Fi and VPN secrets";

  // Credential stores: MySQL's maintenance account, kube configs, sssd's bind password,
  // PPP/IPsec secrets, Kerberos keytabs, Samba and CIFS passwords.
  static constexpr std::array<std::string_view, 3> stores = {
      "/etc/mysql/debian.cnf", "/etc/rancher/k3s/k3s.yaml", "/etc/rancher/rke2/rke2.yaml"};
  bool kube_conf = path.starts_with("/etc/kubernetes/") && name.ends_with(".conf") &&
                   path.size() == std::string_view("/etc/kubernetes/").size() + name.size();
  if (std::find(stores.begin(), stores.end(), path) != stores.end() || kube_conf ||
      path.starts_with("/etc/sssd/"))
    return "credentials";
  for (std::string_view word : {"secret", "keytab", "smbpasswd", "credential", "kubeconfig"})
    if (l.find(word) != std::string::npos) return "credentials";
  return std::nullopt;
}

bool holds_private_key(std::string_view content) {
  for (auto& line : split(content, '\n')) {
    if (line.starts_with("PuTTY-User-Key-File-")) return true;
    if (line.find("BEGIN") != std::string::npos && line.find("PRIVATE KEY") != std::string::npos)
      return true;
  }
  return false;
}

redacted_text redact_settings(std::string_view text) {
  redacted_text out;
  out.text.reserve(text.size());
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (auto replaced = redact_assignment(line, true)) {
      out.text += *replaced;
      ++out.count;
    } else {
      out.text += line;
    }
    if (end == std::string_view::npos) break;
    out.text += '\n';
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string redact_setting_value(std::string_view name, std::string_view value) {
  auto secret = secret_word(name);
  if (!secret || plain_value(value)) return std::string(value);
  return redaction_mark(secret->word);
}

std::vector<std::string> redact_arguments(std::vector<std::string> args) {
  if (args.empty()) return args;
  std::string_view program = base_name(args[0]);
  bool password_p = program.starts_with("mysql") || program.starts_with("mariadb");
  bool sshpass = program == "sshpass";
  std::optional<std::string_view> next_is;  // the previous argument was a secret option
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string& arg = args[i];
    if (next_is && !arg.starts_with('-')) {
      if (!plain_value(arg)) arg = redaction_mark(*next_is);
      next_is.reset();
      continue;
    }
    next_is.reset();
    if ((password_p || sshpass) && arg.size() > 2 && arg[0] == '-' && arg[1] == 'p') {
      arg = "-p" + redaction_mark("password");  // -pSECRET
      continue;
    }
    if (sshpass && arg == "-p") {
      next_is = "password";
      continue;
    }
    if (auto replaced = redact_assignment(arg, false)) {
      arg = *replaced;
      continue;
    }
    if (arg.starts_with('-') && arg.find('=') == std::string::npos) {
      std::string_view name = arg;
      while (name.starts_with('-')) name.remove_prefix(1);
      if (!name.empty() && std::all_of(name.begin(), name.end(), is_name_char))
        if (auto secret = secret_word(name)) next_is = secret->word;
      continue;
    }
    // A command line inside an argument ("sh -c 'mysql -pX db'"): its words in turn.
    if (arg.find(' ') != std::string::npos) {
      auto words = redact_arguments(split(arg, ' '));
      std::string joined;
      for (std::size_t k = 0; k < words.size(); ++k) joined += (k ? " " : "") + words[k];
      arg = std::move(joined);
    }
  }
  return args;
}

}  // namespace visit::collect
