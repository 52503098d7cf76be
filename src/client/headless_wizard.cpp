#include "client/headless_wizard.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <fstream>
#include <istream>
#include <ostream>
#include <set>
#include <sstream>

#include "wizard/wizard.hpp"

namespace visit::client {

namespace json = boost::json;

namespace {

constexpr std::size_t max_answers_file_bytes = 1 << 20;
// Room kept under the 4 MiB limit for the message header and rounding.
constexpr std::size_t payload_budget = wizard::max_request_bytes - 1024;

std::string_view str(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return v->get_string();
  return {};
}

// snprintf results are cast to void here: each buffer fits the longest value formatted into it.
std::string size_text(std::size_t bytes) {
  char buf[48];
  if (bytes < 1024) {
    (void)std::snprintf(buf, sizeof buf, "%zu bytes", bytes);
  } else if (bytes < std::size_t{1024} * 1024) {
    (void)std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  } else {
    (void)std::snprintf(buf, sizeof buf, "%.1f MiB",
                        static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return buf;
}

std::vector<std::string> collector_ids(const json::object& definition) {
  std::vector<std::string> ids;
  if (auto* list = definition.if_contains("collectors"); list && list->is_array()) {
    for (auto& c : list->get_array())
      if (auto* spec = c.if_object()) ids.emplace_back(str(*spec, "id"));
  }
  return ids;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// Splits "a, b,c" into ids.
std::vector<std::string> split_ids(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto part = wizard::trim(text.substr(0, comma));
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

void escape_into(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    char buf[8];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      (void)std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      // C1 controls (U+0080..U+009F): some terminals act on them.
      (void)std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(s[i + 1]));
      out += buf;
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void pretty_into(std::string& out, const json::value& v, int indent) {
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  if (auto* o = v.if_object()) {
    if (o->empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    std::size_t n = 0;
    for (auto& m : *o) {
      out += pad + "  ";
      escape_into(out, m.key());
      out += ": ";
      pretty_into(out, m.value(), indent + 1);
      out += ++n < o->size() ? ",\n" : "\n";
    }
    out += pad + "}";
  } else if (auto* a = v.if_array()) {
    if (a->empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < a->size(); ++i) {
      out += pad + "  ";
      pretty_into(out, (*a)[i], indent + 1);
      out += i + 1 < a->size() ? ",\n" : "\n";
    }
    out += pad + "]";
  } else if (auto* s = v.if_string()) {
    escape_into(out, *s);
  } else {
    out += json::serialize(v);
  }
}

// A text shown indented by `pad` on every line (answers may have several lines).
std::string indented(std::string_view text, const std::string& pad) {
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

std::string option_label(const json::object& q, std::string_view value) {
  if (auto* opts = q.if_contains("options"); opts && opts->is_array()) {
    for (auto& o : opts->get_array())
      if (auto* opt = o.if_object(); opt && str(*opt, "value") == value)
        return std::string(str(*opt, "label"));
  }
  return {};
}

// Asks one question on the terminal until the answer is valid; false on end of input.
bool ask(const json::object& definition, const json::object& q, json::object& answers,
         wizard_terminal& t) {
  const std::string id(str(q, "id"));
  const bool choice = str(q, "type") == "choice";
  for (;;) {
    t.out << "\n" << str(q, "label") << "\n";
    if (auto help = str(q, "help"); !help.empty()) t.out << "  (" << help << ")\n";
    std::vector<std::string> values;
    if (choice) {
      for (auto& o : q.at("options").as_array()) {
        auto& opt = o.as_object();
        values.emplace_back(str(opt, "value"));
        t.out << "  " << values.size() << ") " << str(opt, "label") << "\n";
      }
      t.out << "Choose 1-" << values.size() << ": ";
    } else {
      t.out << (str(q, "type") == "long_text" ? "(one line here; use --answers for more) " : "")
            << "> ";
    }
    t.out.flush();
    std::string line;
    if (!std::getline(t.in, line)) return false;
    std::string answer(wizard::trim(line));
    if (choice) {
      std::size_t n = 0;
      if (!answer.empty() && answer.find_first_not_of("0123456789") == std::string::npos &&
          answer.size() < 4)
        n = std::stoul(answer);
      if (n >= 1 && n <= values.size()) answer = values[n - 1];
    }
    answers[id] = answer;
    auto problems = wizard::validate_answers(definition, answers);
    std::erase_if(problems,
                  [&](const std::string& p) { return !p.starts_with("answers." + id + ": "); });
    if (problems.empty()) return true;
    for (auto& p : problems) t.out << "  " << p.substr(p.find(": ") + 2) << "\n";
  }
}

}  // namespace

std::string pretty_json(const json::value& v, int indent) {
  std::string out;
  pretty_into(out, v, indent);
  return out;
}

json::object merge_answers(const json::object& definition, const wizard_inputs& inputs,
                           std::vector<std::string>& problems) {
  json::object answers;
  if (!inputs.answers_file.empty()) {
    std::ifstream file(inputs.answers_file, std::ios::binary);
    std::string text;
    if (file) {
      text.resize(max_answers_file_bytes + 1);
      file.read(text.data(), static_cast<std::streamsize>(text.size()));
      text.resize(static_cast<std::size_t>(file.gcount()));
    }
    if (!file && !file.eof()) {
      problems.push_back("--answers " + inputs.answers_file + ": cannot be read");
    } else if (text.size() > max_answers_file_bytes) {
      problems.push_back("--answers " + inputs.answers_file + ": larger than 1 MiB");
    } else {
      boost::system::error_code ec;
      json::value v = json::parse(text, ec);
      if (ec || !v.is_object()) {
        problems.push_back("--answers " + inputs.answers_file +
                           ": must be a JSON object of question id -> text");
      } else {
        for (auto& m : v.get_object()) {
          if (!m.value().is_string())
            problems.push_back("--answers " + inputs.answers_file + ": " + std::string(m.key()) +
                               " must be a string");
          else
            answers[m.key()] = m.value();
        }
      }
    }
  }
  if (!inputs.description.empty()) {
    if (auto id = str(definition, "summary_question"); !id.empty())
      answers[id] = inputs.description;
  }
  for (auto& [id, value] : inputs.answers) answers[id] = value;
  return answers;
}

json::object build_request(std::int64_t wizard_version, const std::string& name,
                           const json::object& answers, json::object collected) {
  json::object request{{"wizard_version", wizard_version},
                       {"name", name},
                       {"answers", answers},
                       {"collected", json::object{}}};
  // Drop the largest data until the whole fits the limit.
  for (;;) {
    request["collected"] = collected;
    const std::size_t size = json::serialize(request).size();
    if (size <= payload_budget) break;
    json::string_view largest;
    std::size_t largest_size = 0;
    for (auto& m : collected) {
      auto* entry = m.value().if_object();
      if (!entry || str(*entry, "status") != "ok") continue;
      std::size_t s = json::serialize(m.value()).size();
      if (s > largest_size) largest_size = s, largest = m.key();
    }
    if (largest_size == 0) break;  // nothing more to drop; validation reports the size
    collected[largest] = json::object{
        {"status", "not_collected"},
        {"reason", "too large to send with the rest (" + size_text(largest_size) + ")"}};
  }
  return request;
}

std::string render_review(const json::object& definition, const json::object& request) {
  std::ostringstream out;
  const std::string payload = json::serialize(request);
  out << "=== This is exactly what will be sent to " << str(definition, "title") << " ===\n";
  out << "Your name: " << str(request, "name") << "\n\nAnswers:\n";
  const json::object empty;
  const json::object& answers = request.contains("answers") && request.at("answers").is_object()
                                    ? request.at("answers").get_object()
                                    : empty;
  for (auto* q : wizard::questions(definition)) {
    auto id = str(*q, "id");
    auto* v = answers.if_contains(id);
    if (!v || !v->is_string()) continue;
    out << "  " << str(*q, "label") << " [" << id << "]\n";
    std::string value(v->get_string());
    if (str(*q, "type") == "choice") {
      if (auto label = option_label(*q, value); !label.empty()) value += " (" + label + ")";
    }
    out << indented(value, "    ") << "\n";
  }
  if (answers.empty()) out << "  (none)\n";
  out << "\nSystem information:\n";
  const json::object& collected =
      request.contains("collected") && request.at("collected").is_object()
          ? request.at("collected").get_object()
          : empty;
  for (auto& m : collected) {
    const json::object* entry = m.value().if_object();
    if (!entry) continue;
    auto status = str(*entry, "status");
    std::string head = "  [" + std::string(m.key()) + "] ";
    if (status == "ok") {
      const std::size_t bytes =
          json::serialize(entry->contains("data") ? entry->at("data") : json::value()).size();
      out << head << "collected, " << size_text(bytes);
      if (auto* t = entry->if_contains("truncated"); t && t->is_bool() && t->get_bool())
        out << " (cut to the size limit)";
      out << ":\n    ";
      out << pretty_json(entry->contains("data") ? entry->at("data") : json::value(), 2) << "\n";
    } else if (status == "not_collected") {
      std::string reason;
      escape_into(reason, str(*entry, "reason"));
      out << head << "not collected: " << reason << "\n";
    } else {
      out << head << "left out (not sent)\n";
    }
  }
  if (collected.empty()) out << "  (none)\n";
  out << "\nIn all: " << size_text(payload.size()) << " (" << payload.size()
      << " bytes of JSON, wizard version ";
  if (auto* v = request.if_contains("wizard_version")) out << json::serialize(*v);
  out << ")\n=== end of what will be sent ===\n";
  return out.str();
}

wizard_outcome run_headless_wizard(const json::object& definition, std::int64_t wizard_version,
                                   const wizard_inputs& inputs, wizard_terminal& t) {
  wizard_outcome outcome;
  const auto fail = [&](int code, std::vector<std::string> messages) {
    outcome.exit_code = code;
    outcome.messages = std::move(messages);
    return outcome;
  };

  // --leave-out names collectors of this definition.
  const auto ids = collector_ids(definition);
  std::set<std::string> left_out;
  for (auto& id : inputs.leave_out) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end())
      return fail(exit_usage,
                  {"--leave-out: \"" + id + "\" is not a collector of this wizard (" +
                   (ids.empty() ? std::string("it has none") : "it has " + join(ids)) + ")"});
    left_out.insert(id);
  }

  // Answers: file, --description, --answer; then the terminal for what is still missing.
  std::vector<std::string> problems;
  json::object answers = merge_answers(definition, inputs, problems);
  if (!problems.empty()) return fail(exit_usage, problems);
  problems = wizard::validate_answers(definition, answers);
  if (!problems.empty() && t.interactive) {
    bool unfixable = false;
    for (auto& p : problems) {
      auto colon = p.find(": ");
      auto id = p.starts_with("answers.") && colon != std::string::npos ? p.substr(8, colon - 8)
                                                                        : std::string();
      unfixable = unfixable || p.ends_with(": no such question") || id.empty();
    }
    if (!unfixable) {
      t.out << "A few answers are still needed for " << str(definition, "title") << ":\n";
      for (auto* q : wizard::questions(definition)) {
        const std::string prefix = "answers." + std::string(str(*q, "id")) + ": ";
        if (std::none_of(problems.begin(), problems.end(),
                         [&](const std::string& p) { return p.starts_with(prefix); }))
          continue;
        if (!ask(definition, *q, answers, t))
          return fail(exit_usage, {"no answer given: nothing was sent"});
      }
      problems = wizard::validate_answers(definition, answers);
    }
  }
  if (!problems.empty()) {
    problems.insert(problems.begin(), "these answers are missing or invalid:");
    return fail(exit_usage, problems);
  }
  answers = wizard::normalize_answers(definition, answers);

  if (!inputs.yes && !inputs.review && !t.interactive) {
    return fail(exit_usage, {"nothing is sent before you confirm: run with --review on a terminal "
                             "or with --yes"});
  }

  // Collectors, one after the other on this thread (each bounded by the collector library).
  json::object collected;
  if (auto* list = definition.if_contains("collectors"); list && list->is_array()) {
    for (auto& c : list->get_array()) {
      json::object spec = c.as_object();
      const std::string id(str(spec, "id"));
      if (left_out.contains(id)) {
        t.progress(id + ": left out (--leave-out), not collected");
        collected[id] = json::object{{"status", "left_out"}};
        continue;
      }
      if (auto* from = spec.if_contains("process_from")) {
        const std::string question(from->is_string() ? std::string(from->get_string()) : "");
        spec.erase("process_from");
        if (auto app = str(answers, question); !app.empty()) spec["process"] = app;
      }
      t.progress("collecting " + id + " ...");
      json::object result = t.run_collector(spec);
      const auto status = str(result, "status");
      std::string ms;
      if (auto* e = result.if_contains("elapsed_ms")) ms = " in " + json::serialize(*e) + " ms";
      if (status == "ok") {
        t.progress(
            id + ": ok, " +
            size_text(json::serialize(result.contains("data") ? result.at("data") : json::value())
                          .size()) +
            ms);
      } else {
        t.progress(id + ": not collected (" + std::string(str(result, "reason")) + ")" + ms);
      }
      collected[id] = std::move(result);
    }
  }

  json::object request = build_request(wizard_version, inputs.name, answers, collected);

  // Review and confirmation.
  const bool show = inputs.review || (t.interactive && !inputs.yes);
  for (;;) {
    if (show) {
      t.out << render_review(definition, request);
      t.out.flush();
    }
    if (inputs.yes) break;
    if (!t.interactive) {
      return fail(exit_usage, {"nothing is sent before you confirm: run with --review on a "
                               "terminal or with --yes"});
    }
    t.out << "Send this? [y]es / [n]o / [l]eave out items: ";
    t.out.flush();
    std::string line;
    if (!std::getline(t.in, line)) return fail(exit_declined, {"not confirmed: nothing was sent"});
    auto answer = wizard::trim(line);
    if (answer == "y" || answer == "yes") break;
    if (answer == "n" || answer == "no")
      return fail(exit_declined, {"you said no: nothing was sent"});
    if (answer != "l" && answer != "leave") continue;
    std::vector<std::string> present;
    for (auto& m : request.at("collected").as_object())
      if (str(m.value().as_object(), "status") != "left_out") present.emplace_back(m.key());
    if (present.empty()) {
      t.out << "Nothing left to leave out.\n";
      continue;
    }
    t.out << "Which items should not be sent? (" << join(present) << ", separated by commas): ";
    t.out.flush();
    if (!std::getline(t.in, line)) return fail(exit_declined, {"not confirmed: nothing was sent"});
    auto& c = request.at("collected").as_object();
    for (auto& id : split_ids(line)) {
      if (c.contains(id))
        c[id] = json::object{{"status", "left_out"}};
      else
        t.out << "  no item \"" << id << "\" (items: " << join(ids) << ")\n";
    }
  }

  if (auto bad = wizard::validate_support_request(definition, request); !bad.empty()) {
    bad.insert(bad.begin(), "the request cannot be sent:");
    return fail(exit_usage, bad);
  }
  outcome.payload = json::serialize(request);
  return outcome;
}

}  // namespace visit::client
