// config: gsettings keys (through the gsettings program) and files under /etc.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

#include "collect/collectors.hpp"
#include "collect/redaction.hpp"
#include "collect/support.hpp"

namespace visit::collect {

namespace json = boost::json;

namespace {

constexpr std::size_t max_file_bytes = 64 * 1024;
constexpr std::chrono::milliseconds per_key{1000};

struct resolved_path {
  std::string path;  // absolute, inside root, no symlink left
  int error = 0;
};

// Resolves `path` as if `root` were "/": symbolic links are followed (an absolute target
// starts again at root) and ".." never climbs above root. The result is checked by the
// caller, so a link that leaves /etc is refused whatever it points to.
resolved_path resolve(const std::filesystem::path& root, std::string_view path) {
  std::deque<std::string> todo;
  auto push_parts = [&](std::string_view text, bool front) {
    std::vector<std::string> parts;
    while (!text.empty()) {
      std::size_t slash = text.find('/');
      std::string_view part = text.substr(0, slash);
      if (!part.empty() && part != ".") parts.emplace_back(part);
      if (slash == std::string_view::npos) break;
      text.remove_prefix(slash + 1);
    }
    if (front)
      todo.insert(todo.begin(), parts.begin(), parts.end());
    else
      todo.insert(todo.end(), parts.begin(), parts.end());
  };
  push_parts(path, false);
  std::vector<std::string> done;
  auto joined = [&] {
    std::string out;
    for (auto& part : done) out += "/" + part;
    return out.empty() ? std::string("/") : out;
  };
  int links = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    done.push_back(part);
    auto real = under_root(root, joined());
    struct stat st {};
    if (::lstat(real.c_str(), &st) != 0) return {joined(), errno};
    if (!S_ISLNK(st.st_mode)) continue;
    if (++links > 40) return {joined(), ELOOP};
    char target[4096];
    ssize_t n = ::readlink(real.c_str(), target, sizeof target - 1);
    if (n < 0) return {joined(), errno};
    std::string_view link(target, static_cast<std::size_t>(n));
    done.pop_back();
    if (!link.empty() && link.front() == '/') done.clear();
    push_parts(link, true);
  }
  return {joined(), 0};
}

json::object read_config_file(const context& ctx, std::string_view requested) {
  json::object item{{"path", valid_utf8(requested)}};
  if (auto problem = config_path_problem(requested)) {
    item["error"] = *problem;
    return item;
  }
  // Secret files are refused by their path before anything is opened, then by the path a
  // link leads to, then by a private key in what was read; the item says why.
  if (auto kind = secret_file_kind(normal_path(requested))) {
    item["refused"] = *kind;
    return item;
  }
  auto resolved = resolve(ctx.root, requested);
  if (resolved.path != requested) item["resolved"] = valid_utf8(resolved.path);
  if (auto problem = config_path_problem(resolved.path)) {
    item["error"] = "the link leads to " + valid_utf8(resolved.path) + ": " + *problem;
    return item;
  }
  if (auto kind = secret_file_kind(resolved.path)) {
    item["refused"] = *kind;
    return item;
  }
  if (resolved.error) {
    item["error"] = error_text(resolved.error);
    return item;
  }
  auto file = read_bounded(under_root(ctx.root, resolved.path), max_file_bytes, true, true);
  if (file.error) {
    item["error"] = error_text(file.error);
    return item;
  }
  struct stat st {};
  std::uint64_t size = file.content.size();
  if (file.truncated && ::stat(under_root(ctx.root, resolved.path).c_str(), &st) == 0)
    size = static_cast<std::uint64_t>(st.st_size);
  if (holds_private_key(file.content)) {
    item["refused"] = "private key";
    return item;
  }
  item["size_bytes"] = size;
  // A cut at the byte cap may split the last UTF-8 sequence (at most 3 bytes of it).
  std::string_view text = file.content;
  bool is_text_file = is_text(text);
  for (std::size_t k = 1; !is_text_file && file.truncated && k <= 3 && k <= text.size(); ++k)
    if (is_text(text.substr(0, text.size() - k))) {
      text = text.substr(0, text.size() - k);
      is_text_file = true;
    }
  if (!is_text_file) {
    item["error"] = "binary file, not shown";
    return item;
  }
  item["content"] = redact_settings(text).text;
  item["truncated"] = file.truncated;
  return item;
}

}  // namespace

outcome collect_config(const json::object& spec, const context& ctx, budget& b) {
  json::object data;
  if (auto* keys = spec.if_contains("gsettings")) {
    json::array list;
    std::optional<std::string> unavailable;
    for (auto& pair_value : keys->as_array()) {
      auto& pair = pair_value.as_array();
      std::string schema(pair[0].as_string()), key(pair[1].as_string());
      json::object item{{"schema", schema}, {"key", key}};
      if (auto secret = secret_word(key)) {
        // Never asked for: gsettings does not run for it.
        item["refused"] = "its name says \"" + std::string(secret->word) + "\"";
        list.push_back(std::move(item));
        continue;
      }
      if (!unavailable && b.expired()) unavailable = "not available: time limit reached";
      if (unavailable) {
        item["error"] = *unavailable;
        b.truncated = true;
        list.push_back(std::move(item));
        continue;
      }
      auto now = std::chrono::steady_clock::now();
      auto request = program_for(ctx, b, "gsettings", {"get", schema, key});
      request.deadline = std::min(request.deadline, now + per_key);
      request.max_stdout = 64 * 1024;
      request.extra_env = gsettings_environment();
      auto result = run_program(request);
      if (result.how == program_result::outcome::exited && result.exit_code == 0) {
        std::string_view value = result.out;
        while (!value.empty() && value.back() == '\n') value.remove_suffix(1);
        item["value"] = redact_urls_in(valid_utf8(value));
        if (result.out_truncated) item["truncated"] = true;
      } else {
        auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(request.deadline - now);
        std::string why = "not available: " + program_failure(request, result, limit);
        if (result.how == program_result::outcome::not_found) unavailable = why;
        item["error"] = why;
      }
      list.push_back(std::move(item));
    }
    data["gsettings"] = std::move(list);
  }
  if (auto* files = spec.if_contains("files")) {
    json::array list;
    for (auto& path : files->as_array()) {
      if (b.expired()) {
        list.push_back({{"path", path}, {"error", "not read: time limit reached"}});
        b.truncated = true;
        continue;
      }
      list.push_back(read_config_file(ctx, path.as_string()));
    }
    data["files"] = std::move(list);
  }
  return outcome::ok(std::move(data));
}

}  // namespace visit::collect
