// The wizard's collector specs: which collectors exist and which parameters each accepts.
#include <algorithm>
#include <array>

#include "collect/collect.hpp"
#include "collect/collectors.hpp"
#include "collect/redaction.hpp"
#include "collect/support.hpp"

namespace visit::collect {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 8> names = {"os",        "hardware", "network",  "processes",
                                                   "libraries", "config",   "packages", "journal"};
constexpr std::size_t max_config_entries = 64;

std::optional<std::int64_t> integer(const json::value& v) {
  if (auto* i = v.if_int64()) return *i;
  if (auto* u = v.if_uint64(); u && *u <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(*u);
  return std::nullopt;
}

bool valid_schema(std::string_view s) {
  if (s.empty() || s.size() > 255 || s.front() == '.' || s.front() == '-' || s.back() == '.')
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

bool valid_key(std::string_view s) {
  if (s.empty() || s.size() > 255 || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// A name from the spec, fit for a message: at most 64 bytes, valid UTF-8.
std::string bounded(std::string_view s) {
  std::string out = valid_utf8(s.substr(0, std::min<std::size_t>(s.size(), 64)));
  if (s.size() > 64) out += "...";
  return out;
}

std::string quoted(std::string_view s) {
  return "\"" + bounded(s) + "\"";
}

std::optional<std::string> check_range(const json::object& spec, std::string_view id,
                                       std::string_view key, std::int64_t low, std::int64_t high) {
  auto* v = spec.if_contains(key);
  if (!v) return std::nullopt;
  auto n = integer(*v);
  if (!n || *n < low || *n > high)
    return std::string(id) + "." + std::string(key) + ": must be an integer from " +
           std::to_string(low) + " to " + std::to_string(high);
  return std::nullopt;
}

std::optional<std::string> check_config(const json::object& spec, bool refuse_secrets) {
  auto* gsettings = spec.if_contains("gsettings");
  auto* files = spec.if_contains("files");
  if (!gsettings && !files) return "config: needs \"gsettings\" or \"files\"";
  if (gsettings) {
    auto* list = gsettings->if_array();
    if (!list) return "config.gsettings: must be a list of [\"schema\", \"key\"] pairs";
    if (list->size() > max_config_entries)
      return "config.gsettings: at most " + std::to_string(max_config_entries) + " entries";
    for (std::size_t i = 0; i < list->size(); ++i) {
      std::string where = "config.gsettings[" + std::to_string(i) + "]: ";
      auto* pair = (*list)[i].if_array();
      if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string())
        return where + "must be [\"schema\", \"key\"]";
      std::string_view schema = (*pair)[0].get_string(), key = (*pair)[1].get_string();
      if (!valid_schema(schema)) return where + quoted(schema) + " is not a valid schema name";
      if (!valid_key(key)) return where + quoted(key) + " is not a valid key name";
      if (refuse_secrets && secret_word(key))
        return where + quoted(key) + " may hold secrets and is never collected";
    }
  }
  if (files) {
    auto* list = files->if_array();
    if (!list) return "config.files: must be a list of paths";
    if (list->size() > max_config_entries)
      return "config.files: at most " + std::to_string(max_config_entries) + " entries";
    for (std::size_t i = 0; i < list->size(); ++i) {
      std::string where = "config.files[" + std::to_string(i) + "]: ";
      auto* path = (*list)[i].if_string();
      if (!path) return where + "must be a string";
      if (auto problem = config_path_problem(*path)) return where + *problem;
      // A technician's wizard must not be able to ask for secrets even if the customer's
      // account could read them (a client run as root could).
      if (std::string normal = normal_path(*path); refuse_secrets && secret_file_kind(normal))
        return where + normal + " may hold secrets and is never collected";
    }
  }
  return std::nullopt;
}

}  // namespace

std::span<const std::string_view> known_collectors() {
  return names;
}

std::optional<std::string> config_path_problem(std::string_view path) {
  if (path.size() > 4096) return "path too long";
  if (path.find('\0') != std::string_view::npos) return "path must not contain NUL";
  if (path.empty() || path.front() != '/') return "must be an absolute path";
  for (std::string_view rest = path; !rest.empty();) {
    std::size_t slash = rest.find('/');
    if (rest.substr(0, slash) == "..") return "must not contain \"..\"";
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  std::string_view inside = path.substr(1);
  while (inside.starts_with("./") || inside.starts_with("/")) inside.remove_prefix(1);
  if (!inside.starts_with("etc/") || inside.find_first_not_of("/.", 4) == std::string_view::npos)
    return "only paths under /etc are allowed";
  return std::nullopt;
}

std::string normal_path(std::string_view path) {
  std::string normal = "/";
  for (std::string_view rest = path; !rest.empty();) {
    std::size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (!part.empty() && part != ".") {
      if (normal.size() > 1) normal += '/';
      normal += part;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return normal;
}

std::optional<std::string> check_spec(const json::object& spec) {
  return check_spec(spec, true);
}

std::optional<std::string> check_spec(const json::object& spec, bool refuse_secrets) {
  auto* id_value = spec.if_contains("id");
  if (!id_value) return "id: missing";
  auto* id_string = id_value->if_string();
  if (!id_string) return "id: must be a string";
  std::string_view id = *id_string;
  if (std::find(names.begin(), names.end(), id) == names.end()) {
    std::string known;
    for (auto name : names) known += (known.empty() ? "" : ", ") + std::string(name);
    return "id: unknown collector " + quoted(id) + " (known: " + known + ")";
  }
  std::vector<std::string_view> allowed;
  if (id == "libraries") allowed = {"process"};
  if (id == "config") allowed = {"gsettings", "files"};
  if (id == "journal") allowed = {"max_entries", "since_hours"};
  for (auto& entry : spec) {
    if (entry.key() == "id") continue;
    if (std::find(allowed.begin(), allowed.end(), entry.key()) == allowed.end())
      return std::string(id) + "." + bounded(entry.key()) + ": unknown parameter";
  }
  if (id == "libraries") {
    if (auto* p = spec.if_contains("process")) {
      auto* name = p->if_string();
      if (!name || name->empty() || name->size() > 255 ||
          std::string_view(*name).find_first_of(std::string_view("/\0", 2)) !=
              std::string_view::npos)
        return "libraries.process: must be a program name (1 to 255 bytes, no \"/\")";
    }
  }
  if (id == "config") return check_config(spec, refuse_secrets);
  if (id == "journal") {
    if (auto problem = check_range(spec, id, "max_entries", 1, 1000)) return problem;
    if (auto problem = check_range(spec, id, "since_hours", 1, 8760)) return problem;
  }
  return std::nullopt;
}

}  // namespace visit::collect
