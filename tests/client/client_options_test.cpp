// visit-client's command line.
#include "client/client_options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace visit::client {
namespace {

const std::string pin = std::string(64, 'a');

parse_outcome parse(std::vector<std::string> args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  return parse_client_options(views);
}

TEST(client_options_test, full_command_line) {
  const auto out = parse({"--headless", "--server", "https://127.0.0.1:8443", "--pin", pin,
                          "--name", "Ada", "--description", "printer", "--display", ":7"});
  ASSERT_TRUE(out.options.has_value()) << out.error;
  EXPECT_TRUE(out.options->headless);
  EXPECT_EQ(out.options->server.port, 8443);
  EXPECT_EQ(out.options->trust.mode, net::trust_mode::pinned);
  EXPECT_EQ(out.options->trust.pin[0], 0xaa);
  EXPECT_EQ(out.options->name, "Ada");
  EXPECT_EQ(out.options->wizard.description, "printer");
  EXPECT_EQ(out.options->wizard.name, "Ada");
  EXPECT_EQ(out.options->display, ":7");
  EXPECT_EQ(out.options->code, "");
  EXPECT_FALSE(out.options->wizard.yes);
  EXPECT_FALSE(out.options->wizard.review);
}

TEST(client_options_test, wizard_faces) {
  const auto out =
      parse({"--headless", "--server", "https://a", "--name", "Ada", "--code", "482-913 205",
             "--answers", "/tmp/a.json", "--answer", "topic=printing", "--answer=summary=a=b",
             "--leave-out", "packages,journal", "--leave-out=os", "--review", "--yes"});
  ASSERT_TRUE(out.options.has_value()) << out.error;
  EXPECT_EQ(out.options->code, "482913205");
  EXPECT_EQ(out.options->wizard.answers_file, "/tmp/a.json");
  using answer = std::pair<std::string, std::string>;
  EXPECT_EQ(out.options->wizard.answers,
            (std::vector<answer>{{"topic", "printing"}, {"summary", "a=b"}}));
  EXPECT_EQ(out.options->wizard.leave_out, (std::vector<std::string>{"packages", "journal", "os"}));
  EXPECT_TRUE(out.options->wizard.review);
  EXPECT_TRUE(out.options->wizard.yes);
}

TEST(client_options_test, code_must_be_nine_digits) {
  for (const std::string code : {"48291320", "4829132055", "482-913-20a", "", "---------"}) {
    const auto out = parse({"--headless", "--server", "https://a", "--name", "A", "--code", code});
    EXPECT_FALSE(out.options.has_value()) << code;
    EXPECT_EQ(out.error,
              "--code must be 9 digits (spaces and dashes are ignored), e.g. 482-913-205");
  }
  const auto bad_answer =
      parse({"--headless", "--server", "https://a", "--name", "A", "--answer", "topic"});
  EXPECT_EQ(bad_answer.error, "--answer takes ID=VALUE, e.g. --answer topic=printing");
  for (const std::string name : {"A\x1b[2J", "A\nB", "A\x7f"}) {
    EXPECT_EQ(parse({"--headless", "--server", "https://a", "--name", name}).error,
              "--name must not contain control characters");
  }
}

TEST(client_options_test, default_trust_is_the_system_store_and_ca_file_is_taken) {
  auto out = parse({"--headless", "--server=https://a.example", "--name=Ada"});
  ASSERT_TRUE(out.options.has_value()) << out.error;
  EXPECT_EQ(out.options->trust.mode, net::trust_mode::system_store);
  out = parse({"--headless", "--server", "https://a.example", "--name", "Ada", "--ca", "/x.pem"});
  ASSERT_TRUE(out.options.has_value()) << out.error;
  EXPECT_EQ(out.options->trust.mode, net::trust_mode::ca_file);
  EXPECT_EQ(out.options->trust.ca_file, "/x.pem");
}

TEST(client_options_test, no_input_keeps_the_logging_sink) {
  auto out = parse({"--headless", "--server=https://a.example", "--name=Ada"});
  ASSERT_TRUE(out.options.has_value()) << out.error;
  EXPECT_FALSE(out.options->no_input);
  out = parse({"--headless", "--server=https://a.example", "--name=Ada", "--no-input"});
  ASSERT_TRUE(out.options.has_value()) << out.error;
  EXPECT_TRUE(out.options->no_input);
  EXPECT_FALSE(
      parse({"--headless", "--server=https://a.example", "--name=Ada", "--no-input=1"}).options);
}

TEST(client_options_test, errors) {
  const std::vector<std::vector<std::string>> bad = {
      {"--server", "https://a", "--name", "Ada"},               // not headless
      {"--headless", "--name", "Ada"},                          // no server
      {"--headless", "--server", "https://a"},                  // no name
      {"--headless", "--server", "http://a", "--name", "Ada"},  // scheme
      {"--headless", "--server", "https://a", "--name", ""},    // empty name
      {"--headless", "--server", "https://a", "--name", std::string(129, 'x')},
      {"--headless", "--server", "https://a", "--name", "\xff"},  // not UTF-8
      {"--headless", "--server", "https://a", "--name", "A", "--description",
       std::string(2049, 'x')},
      {"--headless", "--server", "https://a", "--name", "A", "--pin", "abc"},
      {"--headless", "--server", "https://a", "--name", "A", "--pin", pin, "--ca", "f"},
      {"--headless", "--server", "https://a", "--name", "A", "--bogus"},
      {"--headless", "--server"},
  };
  for (const auto& args : bad) {
    const auto out = parse(args);
    EXPECT_FALSE(out.options.has_value());
    EXPECT_FALSE(out.error.empty());
  }
}

TEST(client_options_test, help_and_version) {
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"--version"}).version);
}

}  // namespace
}  // namespace visit::client
