// The headless wizard with a scripted terminal and fake collectors: answers from flags, a file
// and the terminal; leave-out by flag and at the review; nothing confirmed without a terminal
// or --yes; the review shows exactly the payload.
#include "client/headless_wizard.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "collect/collect.hpp"
#include "wizard/wizard.hpp"

namespace visit::client {
namespace {

namespace json = boost::json;

struct scripted {
  explicit scripted(std::string input, bool interactive)
      : in(std::move(input)), terminal{in, out, interactive, {}, {}} {
    terminal.progress = [this](const std::string& line) { progress.push_back(line); };
    terminal.run_collector = [this](const json::object& spec) {
      specs.push_back(spec);
      const std::string id(spec.at("id").as_string());
      if (id == "journal")
        return json::object{{"status", "not_collected"},
                            {"reason", "journalctl is not installed"},
                            {"elapsed_ms", 1}};
      return json::object{{"status", "ok"},
                          {"data", {{"collector", id}, {"hostile", "\x1b[2J\xc2\x9b"}}},
                          {"elapsed_ms", 2},
                          {"truncated", false}};
    };
  }
  std::istringstream in;
  std::ostringstream out;
  wizard_terminal terminal;
  std::vector<std::string> progress;
  std::vector<json::object> specs;
};

wizard_inputs flags() {
  wizard_inputs i;
  i.name = "Ada";
  i.answers = {{"topic", "printing"}, {"summary", "  blank pages  "}, {"app", "evince"}};
  return i;
}

const json::object definition = wizard::default_definition();

TEST(headless_wizard_test, yes_sends_answers_and_every_collector) {
  auto inputs = flags();
  inputs.yes = true;
  scripted t("", false);
  const auto outcome = run_headless_wizard(definition, 7, inputs, t.terminal);
  ASSERT_EQ(outcome.exit_code, 0) << (outcome.messages.empty() ? "" : outcome.messages[0]);
  const auto request = json::parse(outcome.payload).as_object();
  EXPECT_EQ(request.at("wizard_version"), 7);
  EXPECT_EQ(request.at("name"), "Ada");
  EXPECT_EQ(request.at("answers"),
            (json::object{{"topic", "printing"}, {"summary", "blank pages"}, {"app", "evince"}}));
  EXPECT_EQ(request.at("collected").as_object().size(), 8u);
  EXPECT_EQ(request.at("collected").at("journal").at("status"), "not_collected");
  EXPECT_TRUE(wizard::validate_support_request(definition, request).empty());
  // process_from: the app's answer selects the process; the wizard's key is not passed on.
  ASSERT_EQ(t.specs.size(), 8u);
  EXPECT_EQ(t.specs[4], (json::object{{"id", "libraries"}, {"process", "evince"}}));
  // A progress line per collector, and nothing printed on the terminal (no review asked).
  EXPECT_EQ(t.progress.front(), "collecting os ...");
  EXPECT_NE(std::find(t.progress.begin(), t.progress.end(),
                      "journal: not collected (journalctl is not installed) in 1 ms"),
            t.progress.end());
  EXPECT_EQ(t.out.str(), "");
}

TEST(headless_wizard_test, empty_app_answer_lists_every_process) {
  auto inputs = flags();
  inputs.answers.pop_back();
  inputs.yes = true;
  scripted t("", false);
  ASSERT_EQ(run_headless_wizard(definition, 1, inputs, t.terminal).exit_code, 0);
  EXPECT_EQ(t.specs[4], (json::object{{"id", "libraries"}}));
}

TEST(headless_wizard_test, without_terminal_or_yes_nothing_is_collected_or_sent) {
  scripted t("y\n", false);
  const auto outcome = run_headless_wizard(definition, 1, flags(), t.terminal);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.payload, "");
  EXPECT_EQ(outcome.messages,
            (std::vector<std::string>{"nothing is sent before you confirm: run with --review on a "
                                      "terminal or with --yes"}));
  EXPECT_TRUE(t.specs.empty());
}

TEST(headless_wizard_test, review_without_terminal_prints_then_refuses) {
  auto inputs = flags();
  inputs.review = true;
  scripted t("y\n", false);
  const auto outcome = run_headless_wizard(definition, 1, inputs, t.terminal);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.payload, "");
  EXPECT_NE(t.out.str().find("=== This is exactly what will be sent"), std::string::npos);
}

TEST(headless_wizard_test, the_review_shows_what_the_collectors_refused_and_redacted) {
  // The real config and processes collectors on the fixture tree of secrets
  // (tests/fixtures/collect/secrets): --review prints no byte of a secret, and says why.
  auto inputs = flags();
  inputs.review = true;
  scripted t("", false);
  collect::context fixture;
  fixture.root = std::string(VISIT_COLLECT_FIXTURES) + "/secrets";
  fixture.program_dirs = {};
  t.terminal.run_collector = [&](const json::object& spec) {
    const std::string id(spec.at("id").as_string());
    if (id == "config")
      return collect::run({{"id", "config"},
                           {"files", json::array{"/etc/app/bundle.pem", "/etc/app/settings.conf"}}},
                          fixture, {});
    if (id == "processes") return collect::run(spec, fixture, {});
    return json::object{{"status", "not_collected"}, {"reason", "not in this test"}};
  };
  run_headless_wizard(definition, 1, inputs, t.terminal);
  const std::string review = t.out.str();
  EXPECT_NE(review.find("=== This is exactly what will be sent"), std::string::npos);
  EXPECT_EQ(review.find("FIXTURE-SECRET"), std::string::npos) << review;
  EXPECT_NE(review.find("\"path\": \"/etc/app/bundle.pem\",\n"
                        "          \"refused\": \"private key\""),
            std::string::npos)
      << review;
  EXPECT_NE(review.find("db_password = \xC2\xAB"
                        "redacted: password\xC2\xBB\\n"),
            std::string::npos);
  EXPECT_NE(review.find("mysql -uroot -p\xC2\xAB"
                        "redacted: password\xC2\xBB shop"),
            std::string::npos);
}

TEST(headless_wizard_test, invalid_answers_without_terminal_list_each_problem) {
  wizard_inputs inputs;
  inputs.name = "Ada";
  inputs.yes = true;
  inputs.answers = {{"topic", "fax"}, {"colour", "red"}, {"summary", "two\nlines"}};
  scripted t("", false);
  const auto outcome = run_headless_wizard(definition, 1, inputs, t.terminal);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.messages,
            (std::vector<std::string>{
                "these answers are missing or invalid:", "answers.colour: no such question",
                "answers.topic: must be one of login, printing, network, email, application, "
                "hardware, slow, security, other",
                "answers.summary: must be one line without control characters (tab is fine)"}));
  EXPECT_TRUE(t.specs.empty());
}

TEST(headless_wizard_test, terminal_asks_for_missing_answers_then_reviews) {
  wizard_inputs inputs;
  inputs.name = "Ada";
  // topic: "99" is refused, then 2 = printing; summary: empty refused, then text; then yes.
  scripted t("99\n2\n\nthe printer is silent\ny\n", true);
  const auto outcome = run_headless_wizard(definition, 1, inputs, t.terminal);
  ASSERT_EQ(outcome.exit_code, 0) << t.out.str();
  const auto request = json::parse(outcome.payload).as_object();
  EXPECT_EQ(request.at("answers"),
            (json::object{{"topic", "printing"}, {"summary", "the printer is silent"}}));
  const std::string shown = t.out.str();
  EXPECT_NE(shown.find("What is it about?\n  1) Logging in or my account\n  2) Printing or "
                       "scanning\n"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find("  must be one of login, printing"), std::string::npos);
  EXPECT_NE(shown.find("  required\n"), std::string::npos);
  // The review shown is the review of exactly the payload sent.
  EXPECT_NE(shown.find(render_review(definition, request)), std::string::npos);
  EXPECT_NE(shown.find("Send this? [y]es / [n]o / [l]eave out items: "), std::string::npos);
}

TEST(headless_wizard_test, leaving_out_at_the_review_and_by_flag) {
  auto inputs = flags();
  inputs.leave_out = {"packages"};
  scripted t("l\nos, journal ,nope\ny\n", true);
  const auto outcome = run_headless_wizard(definition, 1, inputs, t.terminal);
  ASSERT_EQ(outcome.exit_code, 0) << t.out.str();
  const auto collected = json::parse(outcome.payload).at("collected").as_object();
  for (auto id : {"packages", "os", "journal"})
    EXPECT_EQ(collected.at(id), (json::object{{"status", "left_out"}})) << id;
  EXPECT_EQ(collected.at("hardware").at("status"), "ok");
  // --leave-out: never run at all.
  for (auto& spec : t.specs) EXPECT_NE(spec.at("id"), "packages");
  EXPECT_NE(t.out.str().find("  no item \"nope\""), std::string::npos);
  EXPECT_NE(t.out.str().find("  [os] left out (not sent)\n"), std::string::npos);
}

TEST(headless_wizard_test, no_at_the_review_sends_nothing) {
  scripted t("n\n", true);
  const auto outcome = run_headless_wizard(definition, 1, flags(), t.terminal);
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.payload, "");
  scripted eof("", true);
  EXPECT_EQ(run_headless_wizard(definition, 1, flags(), eof.terminal).exit_code, 1);
}

TEST(headless_wizard_test, unknown_leave_out_id_is_refused) {
  auto inputs = flags();
  inputs.yes = true;
  inputs.leave_out = {"webcam"};
  scripted t("", false);
  const auto outcome = run_headless_wizard(definition, 1, inputs, t.terminal);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.messages[0],
            "--leave-out: \"webcam\" is not a collector of this wizard (it has os, hardware, "
            "network, processes, libraries, config, packages, journal)");
}

TEST(headless_wizard_test, answers_file_flags_win_and_description_fills_the_summary) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("visit-answers-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << R"({"topic": "network", "summary": "from the file", "details": "a\nb"})";
  wizard_inputs inputs;
  inputs.answers_file = path.string();
  inputs.answers = {{"topic", "email"}};
  std::vector<std::string> problems;
  EXPECT_EQ(merge_answers(definition, inputs, problems),
            (json::object{{"topic", "email"}, {"summary", "from the file"}, {"details", "a\nb"}}));
  EXPECT_TRUE(problems.empty());
  inputs.description = "from --description";
  inputs.answers_file.clear();
  EXPECT_EQ(merge_answers(definition, inputs, problems),
            (json::object{{"summary", "from --description"}, {"topic", "email"}}));
  std::ofstream(path) << R"(["not", "an object"])";
  inputs.answers_file = path.string();
  merge_answers(definition, inputs, problems);
  EXPECT_EQ(problems, (std::vector<std::string>{"--answers " + path.string() +
                                                ": must be a JSON object of question id -> text"}));
  std::filesystem::remove(path);
  problems.clear();
  merge_answers(definition, inputs, problems);
  EXPECT_EQ(problems,
            (std::vector<std::string>{"--answers " + path.string() + ": cannot be read"}));
}

TEST(headless_wizard_test, review_escapes_control_characters_and_shows_sizes) {
  auto inputs = flags();
  inputs.yes = true;
  inputs.review = true;
  scripted t("", false);
  const auto outcome = run_headless_wizard(definition, 1, inputs, t.terminal);
  ASSERT_EQ(outcome.exit_code, 0);
  const std::string shown = t.out.str();
  EXPECT_EQ(shown.find('\x1b'), std::string::npos);
  EXPECT_EQ(shown.find("\xc2\x9b"), std::string::npos);
  EXPECT_NE(shown.find(R"("hostile": "\u001b[2J\u009b")"), std::string::npos) << shown;
  EXPECT_NE(shown.find("  What is it about? [topic]\n    printing (Printing or scanning)\n"),
            std::string::npos);
  EXPECT_NE(shown.find("  [journal] not collected: \"journalctl is not installed\"\n"),
            std::string::npos);
  EXPECT_NE(shown.find("In all: "), std::string::npos);
  EXPECT_NE(shown.find(std::to_string(outcome.payload.size()) + " bytes of JSON"),
            std::string::npos);
}

TEST(headless_wizard_test, oversized_collections_are_cut_to_fit_4_mib) {
  json::object collected{
      {"os", {{"status", "ok"}, {"data", std::string(3 << 20, 'a')}}},
      {"packages", {{"status", "ok"}, {"data", std::string(2 << 20, 'b')}}},
  };
  const auto request = build_request(1, "Ada", {}, collected);
  EXPECT_LE(json::serialize(request).size(), wizard::max_request_bytes);
  EXPECT_EQ(request.at("collected").at("os").at("status"), "not_collected");
  EXPECT_EQ(request.at("collected").at("os").at("reason"),
            "too large to send with the rest (3.0 MiB)");
  EXPECT_EQ(request.at("collected").at("packages").at("status"), "ok");
}

}  // namespace
}  // namespace visit::client
