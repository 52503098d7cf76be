// Validation of wizard definitions, answers and support requests (docs/protocol.md §10, §3.4).
#include "wizard/wizard.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

namespace visit::wizard {

namespace json = boost::json;

namespace {

// Collects problems up to max_problems, then only counts.
class problems {
 public:
  void add(const std::string& path, const std::string& message) {
    if (list_.size() < max_problems)
      list_.push_back(path + ": " + message);
    else
      ++dropped_;
  }
  std::vector<std::string> take() {
    if (dropped_ > 0)
      list_.push_back("(" + std::to_string(dropped_) + " more problems not listed)");
    return std::move(list_);
  }

 private:
  std::vector<std::string> list_;
  std::size_t dropped_ = 0;
};

// A name from the input, fit for a message: at most 64 bytes, cut at a character boundary.
std::string shown(std::string_view s) {
  if (s.size() <= 64) return "\"" + std::string(s) + "\"";
  std::size_t cut = 64;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return "\"" + std::string(s.substr(0, cut)) + "...\"";
}

// `base.key`, the key quoted when it is not a plain name (hostile keys stay readable).
std::string key_path(const std::string& base, std::string_view key) {
  bool plain = !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  std::string k = plain ? std::string(key) : shown(key);
  return base.empty() ? k : base + "." + k;
}

std::string index_path(const std::string& base, std::size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

std::string member_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

bool is_id(std::string_view s) {
  return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_option_value(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool is_queue_name(std::string_view s) {
  return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::optional<std::int64_t> integer(const json::value& v) {
  if (auto* i = v.if_int64()) return *i;
  if (auto* u = v.if_uint64(); u && *u <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(*u);
  return std::nullopt;
}

// Refuses members of `object` not in `allowed`.
void only_members(const json::object& object, std::initializer_list<std::string_view> allowed,
                  const std::string& path, problems& out) {
  for (auto& member : object) {
    if (std::find(allowed.begin(), allowed.end(), member.key()) == allowed.end())
      out.add(key_path(path, member.key()), "unknown member");
  }
}

// A required (or optional) string member of `min`…`max` bytes; returns it when valid.
std::optional<std::string_view> text_member(const json::object& object, std::string_view key,
                                            const std::string& path, std::size_t min,
                                            std::size_t max, bool required, problems& out) {
  std::string where = member_path(path, key);
  auto* v = object.if_contains(key);
  if (!v) {
    if (required) out.add(where, "missing");
    return std::nullopt;
  }
  auto* s = v->if_string();
  if (!s || s->size() < min || s->size() > max) {
    out.add(where, "must be " +
                       (min == 0 ? "at most " + std::to_string(max)
                                 : std::to_string(min) + " to " + std::to_string(max)) +
                       " bytes of text");
    return std::nullopt;
  }
  return std::string_view(*s);
}

std::size_t serialized_size(const json::value& v) {
  // The serializer is iterative, so deep nesting cannot exhaust the stack here.
  json::serializer sr;
  sr.reset(&v);
  char buffer[4096];
  std::size_t total = 0;
  while (!sr.done()) total += sr.read(buffer, sizeof buffer).size();
  return total;
}

struct question_info {
  std::string type;
  std::string path;
};

void check_question(const json::value& value, const std::string& path,
                    const validation_context& context, std::map<std::string, std::string>& ids,
                    std::map<std::string, question_info>& kinds, problems& out) {
  auto* q = value.if_object();
  if (!q) return out.add(path, "must be an object");
  only_members(*q, {"id", "label", "type", "required", "help", "max_length", "options"}, path, out);
  std::optional<std::string> id;
  if (auto* v = q->if_contains("id"); !v)
    out.add(path + ".id", "missing");
  else if (auto* s = v->if_string(); !s || !is_id(*s))
    out.add(path + ".id", "must be 1 to 32 characters of [a-z0-9_]");
  else if (auto [it, fresh] = ids.emplace(std::string(*s), path + ".id"); !fresh)
    out.add(path + ".id", shown(*s) + " is already used by " + it->second);
  else
    id = std::string(*s);
  text_member(*q, "label", path, 1, 200, true, out);
  text_member(*q, "help", path, 0, 500, false, out);
  if (auto* v = q->if_contains("required"); v && !v->is_bool())
    out.add(path + ".required", "must be true or false");

  std::string type;
  if (auto* v = q->if_contains("type"); !v)
    out.add(path + ".type", "missing");
  else if (auto* s = v->if_string(); !s || (*s != "text" && *s != "long_text" && *s != "choice"))
    out.add(path + ".type", "must be one of text, long_text, choice");
  else
    type = std::string(*s);
  if (id && !type.empty()) kinds[*id] = {type, path};

  if (auto* v = q->if_contains("max_length")) {
    if (type == "choice") {
      out.add(path + ".max_length", "only for text and long_text questions");
    } else if (!type.empty()) {
      std::int64_t high = type == "text" ? 1000 : 8000;
      auto n = integer(*v);
      if (!n || *n < 1 || *n > high)
        out.add(path + ".max_length", "must be an integer from 1 to " + std::to_string(high));
    }
  }
  auto* options_value = q->if_contains("options");
  if (type == "choice" && !options_value) out.add(path + ".options", "missing");
  if (options_value && !type.empty() && type != "choice")
    out.add(path + ".options", "only for choice questions");
  if (options_value && type == "choice") {
    std::string where = path + ".options";
    auto* options = options_value->if_array();
    if (!options || options->size() < min_options || options->size() > max_options)
      return out.add(where, "must be a list of " + std::to_string(min_options) + " to " +
                                std::to_string(max_options) + " options");
    std::set<std::string, std::less<>> values;
    for (std::size_t i = 0; i < options->size(); ++i) {
      std::string at = index_path(where, i);
      auto* option = (*options)[i].if_object();
      if (!option) {
        out.add(at, "must be an object");
        continue;
      }
      only_members(*option, {"value", "label", "queue"}, at, out);
      if (auto* v = option->if_contains("value"); !v)
        out.add(at + ".value", "missing");
      else if (auto* s = v->if_string(); !s || !is_option_value(*s))
        out.add(at + ".value", "must be 1 to 64 characters of [a-z0-9_-]");
      else if (!values.emplace(*s).second)
        out.add(at + ".value", shown(*s) + " appears twice in this question");
      text_member(*option, "label", at, 1, 200, true, out);
      if (auto* v = option->if_contains("queue")) {
        auto* s = v->if_string();
        if (!s || !is_queue_name(*s))
          out.add(at + ".queue", "must be a queue name (1 to 32 characters of [a-z0-9-])");
        else if (context.queue_exists && !context.queue_exists(*s))
          out.add(at + ".queue", "no queue named " + shown(*s));
      }
    }
  }
}

void check_collectors(const json::value& value, const validation_context& context,
                      const std::map<std::string, question_info>& kinds, problems& out) {
  auto* list = value.if_array();
  if (!list || list->size() > max_collectors)
    out.add("collectors",
            "must be a list of at most " + std::to_string(max_collectors) + " collectors");
  if (!list) return;
  std::map<std::string, std::string, std::less<>> seen;
  const auto& known = known_collector_names();
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string at = index_path("collectors", i);
    auto* spec = (*list)[i].if_object();
    if (!spec) {
      out.add(at, "must be an object like {\"id\": \"os\"}");
      continue;
    }
    json::object rest = *spec;
    if (auto* from = spec->if_contains("process_from")) {
      rest.erase("process_from");
      auto* s = from->if_string();
      auto it = s ? kinds.find(std::string(*s)) : kinds.end();
      if (auto* id = spec->if_contains("id");
          !id || !id->is_string() || id->get_string() != "libraries")
        out.add(at + ".process_from", "only for the libraries collector");
      else if (!s || it == kinds.end() || it->second.type != "text")
        out.add(at + ".process_from", "must name a text question");
    }
    auto* id_value = spec->if_contains("id");
    auto* id = id_value ? id_value->if_string() : nullptr;
    if (id && !seen.emplace(std::string(*id), at).second)
      out.add(at + ".id", shown(*id) + " appears twice (each collector runs once)");
    if (context.check_collector) {
      if (auto problem = context.check_collector(rest)) out.add(at, *problem);
    } else if (!id_value) {
      out.add(at + ".id", "missing");
    } else if (!id || std::find(known.begin(), known.end(), std::string_view(*id)) == known.end()) {
      std::string names;
      for (auto name : known) names += (names.empty() ? "" : ", ") + std::string(name);
      out.add(at + ".id", "must be one of " + names);
    }
  }
}

// The question object of `id`, or null.
const json::object* find_question(const json::object& definition, std::string_view id) {
  for (auto* q : questions(definition)) {
    if (auto* v = q->if_contains("id"); v && v->is_string() && v->get_string() == id) return q;
  }
  return nullptr;
}

std::string_view string_or(const json::object& o, std::string_view key, std::string_view dflt) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return v->get_string();
  return dflt;
}

std::size_t max_length_of(const json::object& q) {
  if (auto* v = q.if_contains("max_length"))
    if (auto n = integer(*v); n && *n > 0) return static_cast<std::size_t>(*n);
  return string_or(q, "type", "") == "long_text" ? 4000 : 200;
}

bool is_required(const json::object& q) {
  auto* v = q.if_contains("required");
  return v && v->is_bool() && v->get_bool();
}

// Decodes one code point of valid UTF-8 at s[i]; advances i.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i++]);
  if (b < 0x80) return b;
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
  std::uint32_t cp = b & (0x3F >> extra);
  for (int k = 0; k < extra && i < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  return cp;
}

bool has_control(std::string_view s, bool allow_newline) {
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = next_code_point(s, i);
    if (cp == '\t' || (allow_newline && cp == '\n')) continue;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;
  }
  return false;
}

std::string option_values(const json::object& q) {
  std::string list;
  if (auto* v = q.if_contains("options"); v && v->is_array()) {
    for (auto& o : v->get_array()) {
      if (auto* opt = o.if_object())
        list += (list.empty() ? "" : ", ") + std::string(string_or(*opt, "value", ""));
    }
  }
  return list;
}

void check_answers(const json::object& definition, const json::value& value,
                   const std::string& path, problems& out) {
  auto* answers = value.if_object();
  if (!answers) return out.add(path, "must be an object of question id -> answer");
  for (auto& member : *answers) {
    std::string at = path + "." + std::string(member.key().substr(0, 64));
    const json::object* q = find_question(definition, member.key());
    if (!q) {
      out.add(key_path(path, member.key()), "no such question");
      continue;
    }
    if (!member.value().is_string()) out.add(at, "must be a string");
  }
  for (auto* q : questions(definition)) {
    std::string_view id = string_or(*q, "id", "");
    std::string at = path + "." + std::string(id);
    auto* v = answers->if_contains(id);
    auto* s = v ? v->if_string() : nullptr;
    if (v && !s) continue;  // reported above
    std::string_view type = string_or(*q, "type", "");
    std::string_view answer = s ? trim(*s) : std::string_view();
    if (answer.empty()) {
      if (is_required(*q)) out.add(at, "required");
      continue;
    }
    if (type == "choice") {
      bool found = false;
      if (auto* opts = q->if_contains("options"); opts && opts->is_array()) {
        for (auto& o : opts->get_array())
          if (auto* opt = o.if_object(); opt && string_or(*opt, "value", "") == *s) found = true;
      }
      if (!found) out.add(at, "must be one of " + option_values(*q));
      continue;
    }
    std::size_t limit = max_length_of(*q);
    if (count_characters(answer) > limit)
      out.add(at, "at most " + std::to_string(limit) + " characters");
    if (has_control(answer, type == "long_text"))
      out.add(at, type == "long_text"
                      ? "must not contain control characters (newline and tab are fine)"
                      : "must be one line without control characters (tab is fine)");
  }
}

}  // namespace

const std::vector<std::string_view>& known_collector_names() {
  static const std::vector<std::string_view> names = {
      "os", "hardware", "network", "processes", "libraries", "config", "packages", "journal"};
  return names;
}

std::size_t count_characters(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view blanks = " \t\n\r";
  auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

std::vector<const json::object*> questions(const json::object& definition) {
  std::vector<const json::object*> out;
  auto* pages = definition.if_contains("pages");
  if (!pages || !pages->is_array()) return out;
  for (auto& page : pages->get_array()) {
    auto* p = page.if_object();
    auto* qs = p ? p->if_contains("questions") : nullptr;
    if (!qs || !qs->is_array()) continue;
    for (auto& q : qs->get_array())
      if (auto* o = q.if_object()) out.push_back(o);
  }
  return out;
}

std::vector<std::string> validate_definition(const json::value& value,
                                             const validation_context& context) {
  problems out;
  auto* definition = value.if_object();
  if (!definition) {
    out.add("definition", "must be a JSON object");
    return out.take();
  }
  if (std::size_t size = serialized_size(value); size > max_definition_bytes)
    out.add("definition", "is " + std::to_string(size) + " bytes of JSON, at most " +
                              std::to_string(max_definition_bytes) + " are allowed");
  only_members(*definition, {"title", "summary_question", "pages", "collectors"}, "", out);
  text_member(*definition, "title", "", 1, 200, true, out);

  std::map<std::string, std::string> ids;  // id -> path where it was first used
  std::map<std::string, question_info> kinds;
  if (auto* v = definition->if_contains("pages"); !v) {
    out.add("pages", "missing");
  } else if (auto* pages = v->if_array(); !pages) {
    out.add("pages", "must be a list of 1 to " + std::to_string(max_pages) + " pages");
  } else {
    // Out of range counts are reported, and the elements are still checked so that the
    // other messages (summary_question, process_from) stay true.
    if (pages->empty() || pages->size() > max_pages)
      out.add("pages", "must be a list of 1 to " + std::to_string(max_pages) + " pages");
    for (std::size_t i = 0; i < pages->size(); ++i) {
      std::string at = index_path("pages", i);
      auto* page = (*pages)[i].if_object();
      if (!page) {
        out.add(at, "must be an object");
        continue;
      }
      only_members(*page, {"id", "title", "questions"}, at, out);
      if (auto* id = page->if_contains("id"); !id)
        out.add(at + ".id", "missing");
      else if (auto* s = id->if_string(); !s || !is_id(*s))
        out.add(at + ".id", "must be 1 to 32 characters of [a-z0-9_]");
      else if (auto [it, fresh] = ids.emplace(std::string(*s), at + ".id"); !fresh)
        out.add(at + ".id", shown(*s) + " is already used by " + it->second);
      text_member(*page, "title", at, 1, 200, true, out);
      std::string where = at + ".questions";
      if (auto* qv = page->if_contains("questions"); !qv) {
        out.add(where, "missing");
      } else if (auto* qs = qv->if_array(); !qs) {
        out.add(where, "must be a list of 1 to " + std::to_string(max_questions) + " questions");
      } else {
        if (qs->empty() || qs->size() > max_questions)
          out.add(where, "must be a list of 1 to " + std::to_string(max_questions) + " questions");
        for (std::size_t k = 0; k < qs->size(); ++k)
          check_question((*qs)[k], index_path(where, k), context, ids, kinds, out);
      }
    }
  }

  if (auto* v = definition->if_contains("summary_question"); !v) {
    out.add("summary_question", "missing");
  } else if (auto* s = v->if_string(); !s) {
    out.add("summary_question", "must name a text question");
  } else if (auto it = kinds.find(std::string(*s)); it == kinds.end()) {
    out.add("summary_question", "no question with id " + shown(*s));
  } else if (it->second.type != "text") {
    out.add("summary_question",
            "must name a text question (" + it->second.path + " is " + it->second.type + ")");
  }
  if (auto* v = definition->if_contains("collectors")) check_collectors(*v, context, kinds, out);
  return out.take();
}

json::object default_definition() {
  static const char* text = R"json({
 "title": "Help for your Linux desktop",
 "summary_question": "summary",
 "pages": [
  {"id": "problem", "title": "Your problem", "questions": [
   {"id": "topic", "label": "What is it about?", "type": "choice", "required": true,
    "options": [
     {"value": "login", "label": "Logging in or my account"},
     {"value": "printing", "label": "Printing or scanning"},
     {"value": "network", "label": "Network, Wi-Fi or VPN"},
     {"value": "email", "label": "Email or calendar"},
     {"value": "application", "label": "An application crashes or misbehaves"},
     {"value": "hardware", "label": "Screen, sound, keyboard or other devices"},
     {"value": "slow", "label": "The computer is slow or the disk is full"},
     {"value": "security", "label": "Security: a virus, phishing or a lost device", "queue": "senior"},
     {"value": "other", "label": "Something else"}]},
   {"id": "summary", "label": "Describe it in one line", "type": "text", "required": true,
    "max_length": 200, "help": "For example: the printer prints blank pages"},
   {"id": "app", "label": "Which application? (optional)", "type": "text", "required": false,
    "max_length": 100,
    "help": "The program's name, e.g. firefox or evince; its loaded libraries are listed"}]},
  {"id": "more", "title": "More details", "questions": [
   {"id": "details", "label": "Anything else we should know?", "type": "long_text",
    "required": false, "max_length": 4000,
    "help": "What you did, what you expected, what happened instead, error messages"},
   {"id": "phone", "label": "A phone number to call you back (optional)", "type": "text",
    "required": false, "max_length": 40}]}],
 "collectors": [
  {"id": "os"}, {"id": "hardware"}, {"id": "network"}, {"id": "processes"},
  {"id": "libraries", "process_from": "app"},
  {"id": "config", "gsettings": [["org.gnome.desktop.interface", "gtk-theme"],
                                 ["org.gnome.desktop.interface", "scaling-factor"],
                                 ["org.gnome.system.proxy", "mode"]],
   "files": ["/etc/os-release", "/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf"]},
  {"id": "packages"}, {"id": "journal", "max_entries": 100, "since_hours": 24}]
})json";
  return json::parse(text).as_object();
}

std::vector<std::string> validate_answers(const json::object& definition,
                                          const json::value& answers) {
  problems out;
  check_answers(definition, answers, "answers", out);
  return out.take();
}

json::object normalize_answers(const json::object& definition, const json::object& answers) {
  json::object out;
  for (auto* q : questions(definition)) {
    std::string_view id = string_or(*q, "id", "");
    auto* v = answers.if_contains(id);
    if (!v || !v->is_string()) continue;
    std::string_view answer = trim(v->get_string());
    if (!answer.empty()) out[id] = answer;
  }
  return out;
}

std::string route(const json::object& definition, const json::object& answers) {
  for (auto* q : questions(definition)) {
    if (string_or(*q, "type", "") != "choice") continue;
    auto* v = answers.if_contains(string_or(*q, "id", ""));
    if (!v || !v->is_string()) continue;
    auto* opts = q->if_contains("options");
    if (!opts || !opts->is_array()) continue;
    for (auto& o : opts->get_array()) {
      auto* opt = o.if_object();
      if (!opt || string_or(*opt, "value", "") != v->get_string()) continue;
      if (auto queue = string_or(*opt, "queue", ""); !queue.empty()) return std::string(queue);
    }
  }
  return "general";
}

std::string summary(const json::object& definition, const json::object& answers) {
  std::string_view id = string_or(definition, "summary_question", "");
  if (id.empty()) return {};
  auto* v = answers.if_contains(id);
  if (!v || !v->is_string()) return {};
  return std::string(trim(v->get_string()));
}

std::vector<std::string> validate_support_request(const json::object& definition,
                                                  const json::value& value) {
  problems out;
  auto* request = value.if_object();
  if (!request) {
    out.add("support_request", "must be a JSON object");
    return out.take();
  }
  if (std::size_t size = serialized_size(value); size > max_request_bytes)
    out.add("support_request", "is " + std::to_string(size) + " bytes of JSON, at most " +
                                   std::to_string(max_request_bytes) + " are allowed");
  only_members(*request, {"wizard_version", "name", "answers", "collected"}, "", out);
  if (auto* v = request->if_contains("wizard_version"); !v)
    out.add("wizard_version", "missing");
  else if (auto n = integer(*v); !n || *n < 1)
    out.add("wizard_version", "must be a positive integer");

  if (auto name = text_member(*request, "name", "", 1, max_name_bytes, true, out)) {
    if (trim(*name).empty())
      out.add("name", "must not be blank");
    else if (has_control(*name, false))
      out.add("name", "must not contain control characters");
  }
  if (auto* v = request->if_contains("answers"); !v)
    out.add("answers", "missing");
  else
    check_answers(definition, *v, "answers", out);

  auto* collected_value = request->if_contains("collected");
  if (!collected_value) {
    out.add("collected", "missing");
    return out.take();
  }
  auto* collected = collected_value->if_object();
  if (!collected) {
    out.add("collected", "must be an object of collector id -> result");
    return out.take();
  }
  std::set<std::string, std::less<>> expected;
  if (auto* list = definition.if_contains("collectors"); list && list->is_array()) {
    for (auto& c : list->get_array())
      if (auto* spec = c.if_object()) expected.emplace(string_or(*spec, "id", ""));
  }
  for (auto& member : *collected) {
    if (!expected.contains(member.key())) {
      out.add(key_path("collected", member.key()), "not a collector of this wizard");
      continue;
    }
    std::string at = "collected." + std::string(member.key());
    auto* entry = member.value().if_object();
    auto* status = entry ? entry->if_contains("status") : nullptr;
    auto* s = status ? status->if_string() : nullptr;
    if (!s || (*s != "ok" && *s != "not_collected" && *s != "left_out")) {
      out.add(at + ".status", "must be one of ok, not_collected, left_out");
      continue;
    }
    if (*s == "ok") {
      only_members(*entry, {"status", "data", "elapsed_ms", "truncated"}, at, out);
      if (!entry->contains("data")) out.add(at + ".data", "missing");
      if (auto* t = entry->if_contains("truncated"); t && !t->is_bool())
        out.add(at + ".truncated", "must be true or false");
    } else if (*s == "not_collected") {
      only_members(*entry, {"status", "reason", "elapsed_ms"}, at, out);
      text_member(*entry, "reason", at, 1, max_reason_bytes, true, out);
    } else {
      only_members(*entry, {"status"}, at, out);
    }
    if (auto* e = entry->if_contains("elapsed_ms")) {
      auto n = integer(*e);
      if (!n || *n < 0 || *n > 3'600'000)
        out.add(at + ".elapsed_ms", "must be an integer from 0 to 3600000");
    }
  }
  for (auto& id : expected)
    if (!collected->contains(id))
      out.add("collected." + id, "missing (send left_out to leave it out)");
  return out.take();
}

}  // namespace visit::wizard
