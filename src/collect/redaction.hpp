// Secrets in what the collectors gather: which files under /etc are never read, which setting
// names hold a secret, and the redaction of their values in files, gsettings output and
// process command lines. Internal to visit_collect (tests use it too); docs/collectors.md
// "Secrets" states the rules.
//
// Every function is pure and thread-safe. A redacted value becomes "«redacted: WORD»", WORD
// being the part of the name that made it secret, so the customer's review says what was
// hidden and why.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace visit::collect {

struct secret_name {
  std::string_view word;  // "password", "token", "key", ... (lower case)
  bool strong;            // not "key" or "auth": also counts in "name value" lines
};

// The word that makes `name` (a setting, option or gsettings key) secret, or nullopt. Case is
// ignored. Secret: the name contains password, passwd, passphrase, secret, token, credential,
// psk, auth or key (but not the key of keyboard or keymap), or ends in pass.
std::optional<secret_name> secret_word(std::string_view name);

// "«redacted: WORD»".
std::string redaction_mark(std::string_view word);

// True when `value` shows nothing worth hiding: empty, or yes/no/true/false/on/off (any case,
// maybe in quotes), so "PasswordAuthentication no" and gsettings' "false" stay visible.
bool plain_value(std::string_view value);

// Why the file at `path` (absolute, normalized, under /etc) is never read, for the customer:
// "password hashes", "private key", "Wi-Fi and VPN secrets" or "credentials"; nullopt when
// the path does not say.
std::optional<std::string_view> secret_file_kind(std::string_view path);

// True when `content` holds a private key: a PEM "-----BEGIN ... PRIVATE KEY-----" block
// (PKCS#1/#8, EC, DSA, OpenSSH, encrypted), a PGP private key block or a PuTTY key file.
bool holds_private_key(std::string_view content);

// `text` (a configuration file) with the value of every secret setting replaced by the mark:
// lines "name = value", "name=value" and "name: value" (also commented out with # or ;,
// after "export ", the name maybe quoted), and "name value" for the strong words. `count`:
// how many values were replaced.
struct redacted_text {
  std::string text;
  std::size_t count = 0;
};
redacted_text redact_settings(std::string_view text);

// One setting's value, e.g. a gsettings value: the mark when `name` is secret and the value
// not plain, else the value unchanged.
std::string redact_setting_value(std::string_view name, std::string_view value);

// A process's arguments (argv[0] first) with secret values replaced: "--password=X",
// "key=X", "Authorization: X", the argument after "--token" or "-auth" (any secret option
// without "="), "-pX" of mysql*/mariadb* and sshpass, and "sshpass -p X".
std::vector<std::string> redact_arguments(std::vector<std::string> args);

}  // namespace visit::collect
