// visit_wizard: every rule of docs/protocol.md §10.1, §10.2, §10.3 and the §3.4 payload has a
// refusing case with its exact message and an accepting case; hostile inputs are refused
// with clear messages and no crash.
#include "wizard/wizard.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace json = boost::json;
using visit::wizard::validation_context;
using problem_list = std::vector<std::string>;

namespace {

// The example of §10 (queue "senior").
json::object example() {
  return json::parse(R"json({"title": "Example Corp support",
 "summary_question": "summary",
 "pages": [
   {"id": "problem", "title": "Your problem", "questions": [
     {"id": "topic", "label": "What is it about?", "type": "choice", "required": true,
      "options": [{"value": "printing", "label": "Printing"},
                  {"value": "security", "label": "Security or malware", "queue": "senior"}]},
     {"id": "summary", "label": "Describe it in one line", "type": "text", "required": true,
      "max_length": 200},
     {"id": "app", "label": "Which application? (optional)", "type": "text",
      "required": false, "max_length": 100},
     {"id": "details", "label": "Anything else?", "type": "long_text", "required": false,
      "max_length": 4000}]}],
 "collectors": [
   {"id": "os"}, {"id": "hardware"}, {"id": "network"}, {"id": "processes"},
   {"id": "libraries", "process_from": "app"},
   {"id": "config", "gsettings": [["org.gnome.desktop.interface", "gtk-theme"]],
    "files": ["/etc/os-release"]},
   {"id": "packages"}, {"id": "journal", "max_entries": 100}]})json")
      .as_object();
}

validation_context with_queues() {
  validation_context c;
  c.queue_exists = [](std::string_view q) { return q == "general" || q == "senior"; };
  return c;
}

// Problems of the example after `edit`.
problem_list after(const std::function<void(json::object&)>& edit,
                   const validation_context& context = with_queues()) {
  auto d = example();
  edit(d);
  return visit::wizard::validate_definition(d, context);
}

json::object& page0(json::object& d) {
  return d["pages"].as_array()[0].as_object();
}
json::object& q(json::object& d, std::size_t i) {
  return page0(d)["questions"].as_array()[i].as_object();
}
json::object& option(json::object& d, std::size_t i) {
  return q(d, 0)["options"].as_array()[i].as_object();
}

problem_list one(std::string p) {
  return {std::move(p)};
}

}  // namespace

TEST(Definition, ExampleAndDefaultAreValid) {
  EXPECT_EQ(visit::wizard::validate_definition(example(), with_queues()), problem_list{});
  EXPECT_EQ(visit::wizard::validate_definition(example(), {}), problem_list{});
  EXPECT_EQ(visit::wizard::validate_definition(visit::wizard::default_definition(), with_queues()),
            problem_list{});
  // The default routes one topic to the senior queue.
  auto d = visit::wizard::default_definition();
  EXPECT_EQ(visit::wizard::route(d, {{"topic", "security"}}), "senior");
  EXPECT_EQ(visit::wizard::route(d, {{"topic", "printing"}}), "general");
}

TEST(Definition, NotAnObject) {
  EXPECT_EQ(visit::wizard::validate_definition(json::array{1, 2}, {}),
            one("definition: must be a JSON object"));
  EXPECT_EQ(visit::wizard::validate_definition(nullptr, {}),
            one("definition: must be a JSON object"));
}

TEST(Definition, Title) {
  EXPECT_EQ(after([](auto& d) { d.erase("title"); }), one("title: missing"));
  EXPECT_EQ(after([](auto& d) { d["title"] = ""; }), one("title: must be 1 to 200 bytes of text"));
  EXPECT_EQ(after([](auto& d) { d["title"] = std::string(201, 'x'); }),
            one("title: must be 1 to 200 bytes of text"));
  EXPECT_EQ(after([](auto& d) { d["title"] = 7; }), one("title: must be 1 to 200 bytes of text"));
  EXPECT_EQ(after([](auto& d) { d["title"] = std::string(200, 'x'); }), problem_list{});
}

TEST(Definition, UnknownMembersAreRefused) {
  EXPECT_EQ(after([](auto& d) { d["titel"] = "typo"; }), one("titel: unknown member"));
  EXPECT_EQ(after([](auto& d) { page0(d)["colour"] = 1; }), one("pages[0].colour: unknown member"));
  EXPECT_EQ(after([](auto& d) { q(d, 1)["requird"] = true; }),
            one("pages[0].questions[1].requird: unknown member"));
  EXPECT_EQ(after([](auto& d) { option(d, 0)["x"] = 1; }),
            one("pages[0].questions[0].options[0].x: unknown member"));
  // A hostile key is quoted and cut, never pasted raw.
  auto problems = after([](auto& d) { d[std::string(300, 'k') + "\n"] = 1; });
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "\"" + std::string(64, 'k') + "...\": unknown member");
}

TEST(Definition, Pages) {
  EXPECT_EQ(after([](auto& d) { d.erase("pages"); }),
            (problem_list{"pages: missing", "summary_question: no question with id \"summary\"",
                          "collectors[4].process_from: must name a text question"}));
  EXPECT_EQ(after([](auto& d) { d["pages"] = json::array{}; }).front(),
            "pages: must be a list of 1 to 10 pages");
  EXPECT_EQ(after([](auto& d) {
              auto p = page0(d);
              for (int i = 1; i < 11; ++i) {
                json::object copy = p;
                copy["id"] = "p" + std::to_string(i);
                copy["questions"] = json::array{
                    {{"id", "q" + std::to_string(i)}, {"label", "L"}, {"type", "text"}}};
                d["pages"].as_array().push_back(copy);
              }
            }).front(),
            "pages: must be a list of 1 to 10 pages");
  EXPECT_EQ(after([](auto& d) { d["pages"].as_array().push_back(7); }),
            one("pages[1]: must be an object"));
  EXPECT_EQ(after([](auto& d) { page0(d).erase("title"); }), one("pages[0].title: missing"));
  EXPECT_EQ(after([](auto& d) { page0(d).erase("id"); }), one("pages[0].id: missing"));
  EXPECT_EQ(after([](auto& d) { page0(d)["id"] = "Bad-Id"; }),
            one("pages[0].id: must be 1 to 32 characters of [a-z0-9_]"));
  EXPECT_EQ(after([](auto& d) { page0(d)["id"] = std::string(33, 'a'); }),
            one("pages[0].id: must be 1 to 32 characters of [a-z0-9_]"));
  EXPECT_EQ(after([](auto& d) { page0(d)["id"] = std::string(32, 'a'); }), problem_list{});
  // Ten pages are fine.
  EXPECT_EQ(
      after([](auto& d) {
        for (int i = 1; i < 10; ++i)
          d["pages"].as_array().push_back(json::object{
              {"id", "p" + std::to_string(i)},
              {"title", "T"},
              {"questions",
               json::array{{{"id", "q" + std::to_string(i)}, {"label", "L"}, {"type", "text"}}}}});
      }),
      problem_list{});
}

TEST(Definition, QuestionsPerPage) {
  EXPECT_EQ(after([](auto& d) { page0(d).erase("questions"); }).front(),
            "pages[0].questions: missing");
  EXPECT_EQ(after([](auto& d) { page0(d)["questions"] = json::array{}; }).front(),
            "pages[0].questions: must be a list of 1 to 20 questions");
  auto add = [](json::object& d, int n) {
    for (int i = 0; i < n; ++i)
      page0(d)["questions"].as_array().push_back(
          json::object{{"id", "extra" + std::to_string(i)}, {"label", "L"}, {"type", "text"}});
  };
  EXPECT_EQ(after([&](auto& d) { add(d, 16); }), problem_list{});  // 4 + 16 = 20
  EXPECT_EQ(after([&](auto& d) { add(d, 17); }),
            one("pages[0].questions: must be a list of 1 to 20 questions"));
  EXPECT_EQ(after([](auto& d) { page0(d)["questions"].as_array()[1] = "x"; }).front(),
            "pages[0].questions[1]: must be an object");
}

TEST(Definition, IdsUniqueAcrossTheDefinition) {
  EXPECT_EQ(after([](auto& d) { q(d, 2)["id"] = "topic"; }),
            (problem_list{"pages[0].questions[2].id: \"topic\" is already used by "
                          "pages[0].questions[0].id",
                          "collectors[4].process_from: must name a text question"}));
  EXPECT_EQ(after([](auto& d) { q(d, 3)["id"] = "problem"; }),
            one("pages[0].questions[3].id: \"problem\" is already used by pages[0].id"));
  EXPECT_EQ(after([](auto& d) { q(d, 3).erase("id"); }), one("pages[0].questions[3].id: missing"));
  EXPECT_EQ(after([](auto& d) { q(d, 3)["id"] = "déjà"; }),
            one("pages[0].questions[3].id: must be 1 to 32 characters of [a-z0-9_]"));
}

TEST(Definition, QuestionType) {
  EXPECT_EQ(after([](auto& d) { q(d, 3)["type"] = "essay"; }),
            one("pages[0].questions[3].type: must be one of text, long_text, choice"));
  EXPECT_EQ(after([](auto& d) { q(d, 3).erase("type"); }),
            one("pages[0].questions[3].type: missing"));
}

TEST(Definition, MaxLength) {
  EXPECT_EQ(after([](auto& d) { q(d, 1)["max_length"] = 0; }),
            one("pages[0].questions[1].max_length: must be an integer from 1 to 1000"));
  EXPECT_EQ(after([](auto& d) { q(d, 1)["max_length"] = 1001; }),
            one("pages[0].questions[1].max_length: must be an integer from 1 to 1000"));
  EXPECT_EQ(after([](auto& d) { q(d, 1)["max_length"] = 1000; }), problem_list{});
  EXPECT_EQ(after([](auto& d) { q(d, 1)["max_length"] = 1.5; }),
            one("pages[0].questions[1].max_length: must be an integer from 1 to 1000"));
  EXPECT_EQ(after([](auto& d) { q(d, 3)["max_length"] = 8001; }),
            one("pages[0].questions[3].max_length: must be an integer from 1 to 8000"));
  EXPECT_EQ(after([](auto& d) { q(d, 3)["max_length"] = 8000; }), problem_list{});
  EXPECT_EQ(after([](auto& d) { q(d, 0)["max_length"] = 10; }),
            one("pages[0].questions[0].max_length: only for text and long_text questions"));
}

TEST(Definition, LabelRequiredHelp) {
  EXPECT_EQ(after([](auto& d) { q(d, 1).erase("label"); }),
            one("pages[0].questions[1].label: missing"));
  EXPECT_EQ(after([](auto& d) { q(d, 1)["label"] = std::string(201, 'x'); }),
            one("pages[0].questions[1].label: must be 1 to 200 bytes of text"));
  EXPECT_EQ(after([](auto& d) { q(d, 1)["required"] = "yes"; }),
            one("pages[0].questions[1].required: must be true or false"));
  EXPECT_EQ(after([](auto& d) { q(d, 1).erase("required"); }), problem_list{});
  EXPECT_EQ(after([](auto& d) { q(d, 1)["help"] = std::string(501, 'h'); }),
            one("pages[0].questions[1].help: must be at most 500 bytes of text"));
  EXPECT_EQ(after([](auto& d) { q(d, 1)["help"] = std::string(500, 'h'); }), problem_list{});
}

TEST(Definition, ChoiceOptions) {
  EXPECT_EQ(after([](auto& d) { q(d, 0).erase("options"); }),
            one("pages[0].questions[0].options: missing"));
  EXPECT_EQ(after([](auto& d) { q(d, 0)["options"].as_array().pop_back(); }),
            one("pages[0].questions[0].options: must be a list of 2 to 50 options"));
  EXPECT_EQ(after([](auto& d) {
              for (int i = 0; i < 49; ++i)
                q(d, 0)["options"].as_array().push_back(
                    {{"value", "v" + std::to_string(i)}, {"label", "L"}});
            }),
            one("pages[0].questions[0].options: must be a list of 2 to 50 options"));
  EXPECT_EQ(after([](auto& d) {
              for (int i = 0; i < 48; ++i)
                q(d, 0)["options"].as_array().push_back(
                    {{"value", "v" + std::to_string(i)}, {"label", "L"}});
            }),
            problem_list{});
  EXPECT_EQ(after([](auto& d) { q(d, 1)["options"] = json::array{}; }),
            one("pages[0].questions[1].options: only for choice questions"));
  EXPECT_EQ(after([](auto& d) { option(d, 1)["value"] = "printing"; }),
            one("pages[0].questions[0].options[1].value: \"printing\" appears twice in this "
                "question"));
  EXPECT_EQ(after([](auto& d) { option(d, 1)["value"] = "Bad Value"; }),
            one("pages[0].questions[0].options[1].value: must be 1 to 64 characters of "
                "[a-z0-9_-]"));
  EXPECT_EQ(after([](auto& d) { option(d, 1)["value"] = "a-b_c-9"; }), problem_list{});
  EXPECT_EQ(after([](auto& d) { option(d, 1).erase("value"); }),
            one("pages[0].questions[0].options[1].value: missing"));
  EXPECT_EQ(after([](auto& d) { option(d, 1)["label"] = ""; }),
            one("pages[0].questions[0].options[1].label: must be 1 to 200 bytes of text"));
  EXPECT_EQ(after([](auto& d) { q(d, 0)["options"].as_array()[0] = "printing"; }),
            one("pages[0].questions[0].options[0]: must be an object"));
}

TEST(Definition, OptionQueue) {
  EXPECT_EQ(after([](auto& d) { option(d, 1)["queue"] = "nowhere"; }),
            one("pages[0].questions[0].options[1].queue: no queue named \"nowhere\""));
  EXPECT_EQ(after([](auto& d) { option(d, 1)["queue"] = "Senior Team"; }),
            one("pages[0].questions[0].options[1].queue: must be a queue name (1 to 32 "
                "characters of [a-z0-9-])"));
  // Without a queue list any well-formed name passes.
  EXPECT_EQ(after([](auto& d) { option(d, 1)["queue"] = "nowhere"; }, {}), problem_list{});
}

TEST(Definition, SummaryQuestion) {
  EXPECT_EQ(after([](auto& d) { d.erase("summary_question"); }), one("summary_question: missing"));
  EXPECT_EQ(after([](auto& d) { d["summary_question"] = "nothing"; }),
            one("summary_question: no question with id \"nothing\""));
  EXPECT_EQ(after([](auto& d) { d["summary_question"] = "details"; }),
            one("summary_question: must name a text question (pages[0].questions[3] is "
                "long_text)"));
  EXPECT_EQ(after([](auto& d) { d["summary_question"] = 3; }),
            one("summary_question: must name a text question"));
  EXPECT_EQ(after([](auto& d) { d["summary_question"] = "app"; }), problem_list{});
}

TEST(Definition, Collectors) {
  EXPECT_EQ(after([](auto& d) { d.erase("collectors"); }), problem_list{});
  EXPECT_EQ(after([](auto& d) { d["collectors"] = json::array{}; }), problem_list{});
  EXPECT_EQ(after([](auto& d) { d["collectors"] = "os"; }),
            one("collectors: must be a list of at most 16 collectors"));
  EXPECT_EQ(after([](auto& d) {
              auto& list = d["collectors"].as_array();
              for (int i = 0; i < 9; ++i) list.push_back(json::object{{"id", "os"}});
            }).front(),
            "collectors: must be a list of at most 16 collectors");
  EXPECT_EQ(after([](auto& d) {
              auto& list = d["collectors"].as_array();
              for (int i = 0; i < 9; ++i) list.push_back(json::object{{"id", "os"}});
            }).size(),
            10u);  // 17 entries: the count and each duplicate
  EXPECT_EQ(after([](auto& d) {
              d["collectors"].as_array().push_back(json::object{{"id", "os"}});
            }),
            one("collectors[8].id: \"os\" appears twice (each collector runs once)"));
  EXPECT_EQ(after([](auto& d) {
              d["collectors"].as_array().push_back(json::object{{"id", "webcam"}});
            }),
            one("collectors[8].id: must be one of os, hardware, network, processes, libraries, "
                "config, packages, journal"));
  EXPECT_EQ(after([](auto& d) {
              d["collectors"].as_array().push_back(json::object{{"name", "os"}});
            }),
            one("collectors[8].id: missing"));
  EXPECT_EQ(after([](auto& d) { d["collectors"].as_array().push_back(3); }),
            one("collectors[8]: must be an object like {\"id\": \"os\"}"));
}

TEST(Definition, CollectorParametersGoToTheCollectorCheck) {
  std::vector<json::object> seen;
  validation_context c = with_queues();
  c.check_collector = [&](const json::object& spec) -> std::optional<std::string> {
    seen.push_back(spec);
    if (auto* files = spec.if_contains("files"))
      if (files->as_array().size() > 1) return "config.files[1]: only paths under /etc are allowed";
    return std::nullopt;
  };
  EXPECT_EQ(after([](auto&) {}, c), problem_list{});
  ASSERT_EQ(seen.size(), 8u);
  // process_from belongs to the wizard and is not passed on.
  EXPECT_EQ(seen[4], (json::object{{"id", "libraries"}}));
  EXPECT_EQ(after(
                [](auto& d) {
                  d["collectors"].as_array()[5].as_object()["files"].as_array().push_back("/x");
                },
                c),
            one("collectors[5]: config.files[1]: only paths under /etc are allowed"));
}

TEST(Definition, ProcessFrom) {
  EXPECT_EQ(
      after([](auto& d) { d["collectors"].as_array()[4].as_object()["process_from"] = "topic"; }),
      one("collectors[4].process_from: must name a text question"));
  EXPECT_EQ(
      after([](auto& d) { d["collectors"].as_array()[4].as_object()["process_from"] = "nope"; }),
      one("collectors[4].process_from: must name a text question"));
  EXPECT_EQ(
      after([](auto& d) { d["collectors"].as_array()[0].as_object()["process_from"] = "app"; }),
      one("collectors[0].process_from: only for the libraries collector"));
  EXPECT_EQ(
      after([](auto& d) { d["collectors"].as_array()[4].as_object()["process_from"] = "summary"; }),
      problem_list{});
}

TEST(Definition, HostileSizes) {
  // 10 000 questions: refused by size and count, a bounded list, no crash.
  auto problems = after([](auto& d) {
    auto& list = page0(d)["questions"].as_array();
    for (int i = 0; i < 10000; ++i)
      list.push_back({{"id", "q" + std::to_string(i)}, {"label", "L"}, {"type", "text"}});
  });
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_TRUE(problems[0].starts_with("definition: is ")) << problems[0];
  EXPECT_TRUE(problems[0].ends_with(" bytes of JSON, at most 49152 are allowed")) << problems[0];
  EXPECT_EQ(problems[1], "pages[0].questions: must be a list of 1 to 20 questions");

  // Many bad things: at most max_problems listed plus a count.
  problems = after([](auto& d) {
    for (int i = 0; i < 500; ++i) d["bad" + std::to_string(i)] = 1;
  });
  ASSERT_EQ(problems.size(), visit::wizard::max_problems + 1);
  EXPECT_EQ(problems.back(), "(400 more problems not listed)");

  // Overlong strings.
  auto big = example();
  q(big, 1)["label"] = std::string(1 << 20, 'x');
  EXPECT_EQ(visit::wizard::validate_definition(big, {}),
            (problem_list{"definition: is " + std::to_string(json::serialize(big).size()) +
                              " bytes of JSON, at most 49152 are allowed",
                          "pages[0].questions[1].label: must be 1 to 200 bytes of text"}));

  // Deep nesting in an unknown member: refused as unknown, never walked.
  json::value deep = json::array{};
  for (int i = 0; i < 10000; ++i) {
    json::array wrap;
    wrap.push_back(std::move(deep));
    deep = std::move(wrap);
  }
  auto d = example();
  d["deep"] = std::move(deep);
  problems = visit::wizard::validate_definition(d, {});
  EXPECT_EQ(problems.back(), "deep: unknown member");
}

// ---- answers (§10.2) ----

TEST(Answers, Valid) {
  auto d = example();
  EXPECT_EQ(visit::wizard::validate_answers(
                d, json::object{{"topic", "printing"}, {"summary", "blank pages"}}),
            problem_list{});
  EXPECT_EQ(visit::wizard::validate_answers(d, json::object{{"topic", "security"},
                                                            {"summary", "  x  "},
                                                            {"app", ""},
                                                            {"details", "line 1\nline\t2"}}),
            problem_list{});
}

TEST(Answers, Required) {
  auto d = example();
  EXPECT_EQ(visit::wizard::validate_answers(d, json::object{{"summary", "x"}}),
            one("answers.topic: required"));
  EXPECT_EQ(
      visit::wizard::validate_answers(d, json::object{{"topic", "printing"}, {"summary", "   "}}),
      one("answers.summary: required"));
  EXPECT_EQ(visit::wizard::validate_answers(d, json::object{}),
            (problem_list{"answers.topic: required", "answers.summary: required"}));
}

TEST(Answers, ChoiceValues) {
  auto d = example();
  EXPECT_EQ(
      visit::wizard::validate_answers(d, json::object{{"topic", "Printing"}, {"summary", "x"}}),
      one("answers.topic: must be one of printing, security"));
}

TEST(Answers, LengthInCharactersNotBytes) {
  auto d = example();  // app: max 100
  std::string hundred_e_acute;
  for (int i = 0; i < 100; ++i) hundred_e_acute += "é";  // 200 bytes, 100 characters
  json::object a{{"topic", "printing"}, {"summary", "x"}, {"app", hundred_e_acute}};
  EXPECT_EQ(visit::wizard::validate_answers(d, a), problem_list{});
  a["app"] = hundred_e_acute + "é";
  EXPECT_EQ(visit::wizard::validate_answers(d, a), one("answers.app: at most 100 characters"));
  // Trimmed before counting.
  a["app"] = "   " + hundred_e_acute + "   ";
  EXPECT_EQ(visit::wizard::validate_answers(d, a), problem_list{});
  // Default max_length of text is 200.
  q(d, 2).erase("max_length");
  a["app"] = std::string(201, 'a');
  EXPECT_EQ(visit::wizard::validate_answers(d, a), one("answers.app: at most 200 characters"));
}

TEST(Answers, ControlCharacters) {
  auto d = example();
  json::object a{{"topic", "printing"}, {"summary", "a\nb"}};
  EXPECT_EQ(visit::wizard::validate_answers(d, a),
            one("answers.summary: must be one line without control characters (tab is fine)"));
  a["summary"] = "a\tb";
  EXPECT_EQ(visit::wizard::validate_answers(d, a), problem_list{});
  a["summary"] = std::string("a\0b", 3);
  EXPECT_EQ(visit::wizard::validate_answers(d, a),
            one("answers.summary: must be one line without control characters (tab is fine)"));
  a["summary"] = "x";
  a["details"] = "esc \x1b[31m red";
  EXPECT_EQ(visit::wizard::validate_answers(d, a),
            one("answers.details: must not contain control characters (newline and tab are "
                "fine)"));
  a["details"] = "C1 \xc2\x85 next line";
  EXPECT_EQ(visit::wizard::validate_answers(d, a).size(), 1u);
  a["details"] = "del \x7f";
  EXPECT_EQ(visit::wizard::validate_answers(d, a).size(), 1u);
  a["details"] = "one\ntwo";
  EXPECT_EQ(visit::wizard::validate_answers(d, a), problem_list{});
}

TEST(Answers, UnknownAndNonString) {
  auto d = example();
  EXPECT_EQ(visit::wizard::validate_answers(
                d, json::object{{"topic", "printing"}, {"summary", "x"}, {"colour", "red"}}),
            one("answers.colour: no such question"));
  EXPECT_EQ(visit::wizard::validate_answers(d, json::object{{"topic", "printing"}, {"summary", 5}}),
            one("answers.summary: must be a string"));
  EXPECT_EQ(visit::wizard::validate_answers(d, json::array{}),
            one("answers: must be an object of question id -> answer"));
  // A flood of unknown answers gives a bounded list.
  json::object flood{{"topic", "printing"}, {"summary", "x"}};
  for (int i = 0; i < 10000; ++i) flood["u" + std::to_string(i)] = "v";
  auto problems = visit::wizard::validate_answers(d, flood);
  EXPECT_EQ(problems.size(), visit::wizard::max_problems + 1);
}

TEST(Answers, NormalizeTrimsAndDropsEmpty) {
  auto d = example();
  auto n = visit::wizard::normalize_answers(d, json::object{{"topic", "printing"},
                                                            {"summary", "  blank pages \n"},
                                                            {"app", "  "},
                                                            {"colour", "red"},
                                                            {"details", 5}});
  EXPECT_EQ(n, (json::object{{"topic", "printing"}, {"summary", "blank pages"}}));
  EXPECT_EQ(visit::wizard::validate_answers(d, n), problem_list{});
}

TEST(Routing, FirstChoiceWithQueue) {
  auto d = example();
  EXPECT_EQ(visit::wizard::route(d, {{"topic", "security"}}), "senior");
  EXPECT_EQ(visit::wizard::route(d, {{"topic", "printing"}}), "general");
  EXPECT_EQ(visit::wizard::route(d, {}), "general");
  // Two choice questions: the first whose option names a queue wins.
  auto& qs = page0(d)["questions"].as_array();
  qs.push_back({{"id", "urgency"},
                {"label", "How urgent?"},
                {"type", "choice"},
                {"options", json::array{{{"value", "now"}, {"label", "Now"}, {"queue", "urgent"}},
                                        {{"value", "later"}, {"label", "Later"}}}}});
  EXPECT_EQ(visit::wizard::route(d, {{"topic", "printing"}, {"urgency", "now"}}), "urgent");
  EXPECT_EQ(visit::wizard::route(d, {{"topic", "security"}, {"urgency", "now"}}), "senior");
}

TEST(Summary, TrimmedAnswer) {
  auto d = example();
  EXPECT_EQ(visit::wizard::summary(d, {{"summary", "  blank pages "}}), "blank pages");
  EXPECT_EQ(visit::wizard::summary(d, {}), "");
}

// ---- support_request (§3.4) ----

namespace {
json::object good_request() {
  json::object collected;
  for (auto id :
       {"os", "hardware", "network", "processes", "libraries", "config", "packages", "journal"})
    collected[id] = json::object{{"status", "left_out"}};
  collected["os"] = json::object{
      {"status", "ok"}, {"data", {{"name", "Debian"}}}, {"elapsed_ms", 3}, {"truncated", false}};
  collected["libraries"] = json::object{
      {"status", "not_collected"}, {"reason", "timed out after 3000 ms"}, {"elapsed_ms", 3000}};
  return {{"wizard_version", 3},
          {"name", "Ada Lovelace"},
          {"answers", {{"topic", "printing"}, {"summary", "blank pages"}}},
          {"collected", collected}};
}
problem_list request_after(const std::function<void(json::object&)>& edit) {
  auto r = good_request();
  edit(r);
  return visit::wizard::validate_support_request(example(), r);
}
}  // namespace

TEST(SupportRequest, Valid) {
  EXPECT_EQ(request_after([](auto&) {}), problem_list{});
  EXPECT_EQ(visit::wizard::validate_support_request(example(), json::array{}),
            one("support_request: must be a JSON object"));
}

TEST(SupportRequest, Members) {
  EXPECT_EQ(request_after([](auto& r) { r["extra"] = 1; }), one("extra: unknown member"));
  EXPECT_EQ(request_after([](auto& r) { r.erase("wizard_version"); }),
            one("wizard_version: missing"));
  EXPECT_EQ(request_after([](auto& r) { r["wizard_version"] = 0; }),
            one("wizard_version: must be a positive integer"));
  EXPECT_EQ(request_after([](auto& r) { r["wizard_version"] = "3"; }),
            one("wizard_version: must be a positive integer"));
}

TEST(SupportRequest, Name) {
  EXPECT_EQ(request_after([](auto& r) { r.erase("name"); }), one("name: missing"));
  EXPECT_EQ(request_after([](auto& r) { r["name"] = ""; }),
            one("name: must be 1 to 128 bytes of text"));
  EXPECT_EQ(request_after([](auto& r) { r["name"] = std::string(129, 'n'); }),
            one("name: must be 1 to 128 bytes of text"));
  EXPECT_EQ(request_after([](auto& r) { r["name"] = std::string(128, 'n'); }), problem_list{});
  EXPECT_EQ(request_after([](auto& r) { r["name"] = "  "; }), one("name: must not be blank"));
  EXPECT_EQ(request_after([](auto& r) { r["name"] = "Ada\r\nX-Injected: 1"; }),
            one("name: must not contain control characters"));
  EXPECT_EQ(request_after([](auto& r) { r["name"] = "<script>alert(1)</script> Ω"; }),
            problem_list{});
}

TEST(SupportRequest, Answers) {
  EXPECT_EQ(request_after([](auto& r) { r.erase("answers"); }), one("answers: missing"));
  EXPECT_EQ(request_after([](auto& r) { r["answers"].as_object().erase("topic"); }),
            one("answers.topic: required"));
}

TEST(SupportRequest, Collected) {
  EXPECT_EQ(request_after([](auto& r) { r.erase("collected"); }), one("collected: missing"));
  EXPECT_EQ(request_after([](auto& r) { r["collected"] = 1; }),
            one("collected: must be an object of collector id -> result"));
  EXPECT_EQ(request_after([](auto& r) { r["collected"].as_object().erase("journal"); }),
            one("collected.journal: missing (send left_out to leave it out)"));
  EXPECT_EQ(request_after([](auto& r) {
              r["collected"].as_object()["webcam"] = json::object{{"status", "left_out"}};
            }),
            one("collected.webcam: not a collector of this wizard"));
  EXPECT_EQ(request_after([](auto& r) {
              r["collected"].as_object()["os"] = json::object{{"status", "fine"}};
            }),
            one("collected.os.status: must be one of ok, not_collected, left_out"));
  EXPECT_EQ(request_after([](auto& r) {
              r["collected"].as_object()["os"] = json::object{{"status", "ok"}};
            }),
            one("collected.os.data: missing"));
  EXPECT_EQ(request_after(
                [](auto& r) { r["collected"].as_object()["os"].as_object()["truncated"] = "no"; }),
            one("collected.os.truncated: must be true or false"));
  EXPECT_EQ(request_after(
                [](auto& r) { r["collected"].as_object()["os"].as_object()["elapsed_ms"] = -1; }),
            one("collected.os.elapsed_ms: must be an integer from 0 to 3600000"));
  EXPECT_EQ(request_after([](auto& r) {
              r["collected"].as_object()["libraries"].as_object().erase("reason");
            }),
            one("collected.libraries.reason: missing"));
  EXPECT_EQ(request_after([](auto& r) {
              r["collected"].as_object()["libraries"].as_object()["reason"] =
                  std::string(1025, 'r');
            }),
            one("collected.libraries.reason: must be 1 to 1024 bytes of text"));
  EXPECT_EQ(request_after([](auto& r) {
              r["collected"].as_object()["packages"].as_object()["data"] = json::array{};
            }),
            one("collected.packages.data: unknown member"));
}

TEST(SupportRequest, Size) {
  auto problems = request_after([](auto& r) {
    r["collected"].as_object()["os"].as_object()["data"] = std::string(5 << 20, 'x');
  });
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(problems[0].starts_with("support_request: is 524")) << problems[0];
  EXPECT_TRUE(problems[0].ends_with(" bytes of JSON, at most 4194304 are allowed")) << problems[0];
}

TEST(Text, CountAndTrim) {
  EXPECT_EQ(visit::wizard::count_characters("héllo €𝄞"), 8u);
  EXPECT_EQ(visit::wizard::trim(" \t\r\nx y\n "), "x y");
  EXPECT_EQ(visit::wizard::trim("   "), "");
}
