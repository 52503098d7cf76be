// check_spec: every refusal with its exact message, and the specs the wizard may use.
#include <gtest/gtest.h>

#include "collect/collect.hpp"

namespace visit::collect {
namespace {

namespace json = boost::json;

std::string refusal(std::string_view spec_text) {
  auto problem = check_spec(json::parse(spec_text).as_object());
  return problem ? *problem : std::string("(accepted)");
}

TEST(CollectSpec, KnownCollectors) {
  std::vector<std::string_view> names(known_collectors().begin(), known_collectors().end());
  EXPECT_EQ(names, (std::vector<std::string_view>{"os", "hardware", "network", "processes",
                                                  "libraries", "config", "packages", "journal"}));
  for (auto name : names) {
    if (name == "config") continue;
    EXPECT_FALSE(check_spec({{"id", name}})) << name;
  }
}

TEST(CollectSpec, ValidSpecsAccepted) {
  for (auto text : {R"({"id":"libraries","process":"firefox-esr"})",
                    R"({"id":"config","files":["/etc/hostname","/etc/./apt/sources.list"]})",
                    R"({"id":"config","gsettings":[["org.gnome.system.proxy","mode"]]})",
                    R"({"id":"config","gsettings":[],"files":[]})",
                    R"({"id":"journal","max_entries":1,"since_hours":8760})",
                    R"({"id":"journal","max_entries":1000})"})
    EXPECT_EQ(refusal(text), "(accepted)") << text;
}

TEST(CollectSpec, RefusalsHaveExactMessages) {
  std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {R"({})", "id: missing"},
      {R"({"id":7})", "id: must be a string"},
      {R"({"id":"registry"})",
       "id: unknown collector \"registry\" (known: os, hardware, network, processes, libraries, "
       "config, packages, journal)"},
      {R"({"id":"os","verbose":true})", "os.verbose: unknown parameter"},
      {R"({"id":"libraries","process":""})",
       "libraries.process: must be a program name (1 to 255 bytes, no \"/\")"},
      {R"({"id":"libraries","process":"/usr/bin/x"})",
       "libraries.process: must be a program name (1 to 255 bytes, no \"/\")"},
      {R"({"id":"libraries","process":3})",
       "libraries.process: must be a program name (1 to 255 bytes, no \"/\")"},
      {R"({"id":"config"})", "config: needs \"gsettings\" or \"files\""},
      {R"({"id":"config","files":"/etc/hostname"})", "config.files: must be a list of paths"},
      {R"({"id":"config","files":["/etc/hostname","/etc/hosts","/home/alice/.bashrc"]})",
       "config.files[2]: only paths under /etc are allowed"},
      {R"({"id":"config","files":["/etc/../root/.ssh/id_rsa"]})",
       "config.files[0]: must not contain \"..\""},
      {R"({"id":"config","files":["/etc/x/.."]})", "config.files[0]: must not contain \"..\""},
      {R"({"id":"config","files":["etc/hostname"]})", "config.files[0]: must be an absolute path"},
      {R"({"id":"config","files":["/etc"]})", "config.files[0]: only paths under /etc are allowed"},
      {R"({"id":"config","files":["/etc/"]})",
       "config.files[0]: only paths under /etc are allowed"},
      {R"({"id":"config","files":["/etcetera/x"]})",
       "config.files[0]: only paths under /etc are allowed"},
      {R"({"id":"config","files":[1]})", "config.files[0]: must be a string"},
      {R"({"id":"config","files":["/etc/shadow"]})",
       "config.files[0]: /etc/shadow may hold secrets and is never collected"},
      {R"({"id":"config","files":["//etc//./gshadow"]})",
       "config.files[0]: /etc/gshadow may hold secrets and is never collected"},
      {R"({"id":"config","files":["/etc/ssh/ssh_host_ed25519_key"]})",
       "config.files[0]: /etc/ssh/ssh_host_ed25519_key may hold secrets and is never collected"},
      {R"({"id":"config","files":["/etc/NetworkManager/system-connections/home.nmconnection"]})",
       "config.files[0]: /etc/NetworkManager/system-connections/home.nmconnection may hold "
       "secrets and is never collected"},
      {R"({"id":"config","files":["/etc/ppp/chap-secrets"]})",
       "config.files[0]: /etc/ppp/chap-secrets may hold secrets and is never collected"},
      {R"({"id":"config","files":["/etc/krb5.keytab"]})",
       "config.files[0]: /etc/krb5.keytab may hold secrets and is never collected"},
      {R"({"id":"config","files":["/etc/apache2/ssl/site.key"]})",
       "config.files[0]: /etc/apache2/ssl/site.key may hold secrets and is never collected"},
      {R"({"id":"config","gsettings":{"a":"b"}})",
       "config.gsettings: must be a list of [\"schema\", \"key\"] pairs"},
      {R"({"id":"config","gsettings":[["org.gnome.a","k"],["only-one"]]})",
       "config.gsettings[1]: must be [\"schema\", \"key\"]"},
      {R"({"id":"config","gsettings":[["org gnome","k"]]})",
       "config.gsettings[0]: \"org gnome\" is not a valid schema name"},
      {R"({"id":"config","gsettings":[["org.gnome.a","--help"]]})",
       "config.gsettings[0]: \"--help\" is not a valid key name"},
      {R"({"id":"journal","max_entries":0})",
       "journal.max_entries: must be an integer from 1 to 1000"},
      {R"({"id":"journal","max_entries":1001})",
       "journal.max_entries: must be an integer from 1 to 1000"},
      {R"({"id":"journal","max_entries":10.5})",
       "journal.max_entries: must be an integer from 1 to 1000"},
      {R"({"id":"journal","max_entries":"10"})",
       "journal.max_entries: must be an integer from 1 to 1000"},
      {R"({"id":"journal","since_hours":-1})",
       "journal.since_hours: must be an integer from 1 to 8760"},
      {R"({"id":"journal","since_hours":18446744073709551615})",
       "journal.since_hours: must be an integer from 1 to 8760"},
  };
  for (auto& [spec, message] : cases) EXPECT_EQ(refusal(spec), message) << spec;
}

TEST(CollectSpec, SecretFilesAndSettingsKeysRefused) {
  for (auto path :
       {"/etc/letsencrypt/live/example.org/privkey.pem",
        "/etc/letsencrypt/archive/example.org/privkey1.pem", "/etc/pki/tls/private/server.pem",
        "/etc/ssl/private/ssl-cert-snakeoil.key", "/etc/app/tls/site.key", "/etc/mysql/debian.cnf",
        "/etc/kubernetes/admin.conf", "/etc/netplan/50-wifi.yaml",
        "/etc/NetworkManager/system-connections/Home.nmconnection", "/etc/sssd/sssd.conf"}) {
    EXPECT_EQ(check_spec({{"id", "config"}, {"files", json::array{"/etc/hostname", path}}}),
              "config.files[1]: " + std::string(path) + " may hold secrets and is never collected");
  }
  EXPECT_EQ(
      refusal(
          R"({"id":"config","gsettings":[["org.gnome.system.proxy.http","authentication-password"]]})"),
      "config.gsettings[0]: \"authentication-password\" may hold secrets and is never collected");
  EXPECT_EQ(refusal(R"({"id":"config","gsettings":[["org.example","api-token"]]})"),
            "config.gsettings[0]: \"api-token\" may hold secrets and is never collected");
  // run() refuses such an item, not the whole collector (a wizard stored before the rule).
  context nowhere;
  nowhere.root = "/nonexistent-visit-root";
  auto result = run({{"id", "config"}, {"files", json::array{"/etc/sssd/sssd.conf"}}}, nowhere, {});
  EXPECT_EQ(result.at("status"), "ok");
  EXPECT_EQ(result.at("data").at("files").at(0).at("refused"), "credentials");
}

TEST(CollectSpec, ListLengthsBounded) {
  json::array files(65, json::value("/etc/hostname"));
  EXPECT_EQ(*check_spec({{"id", "config"}, {"files", files}}), "config.files: at most 64 entries");
  files.pop_back();
  EXPECT_FALSE(check_spec({{"id", "config"}, {"files", files}}));
  json::array keys(65, json::array{"org.gnome.a", "k"});
  EXPECT_EQ(*check_spec({{"id", "config"}, {"gsettings", keys}}),
            "config.gsettings: at most 64 entries");
}

TEST(CollectSpec, HostileNamesInMessagesAreBounded) {
  std::string key(10000, 'k');
  auto problem = check_spec({{"id", "os"}, {key, 1}});
  ASSERT_TRUE(problem);
  EXPECT_LT(problem->size(), 120u);
  auto bad_utf8 = check_spec({{"id", "\xff\xfe"}});
  ASSERT_TRUE(bad_utf8);
  EXPECT_EQ(bad_utf8->find('\xff'), std::string::npos);
}

TEST(CollectSpec, RunRefusesBadSpecWithTheSameMessage) {
  auto result = run({{"id", "config"}, {"files", json::array{"/etc/../etc/passwd"}}}, {}, {});
  EXPECT_EQ(result.at("status"), "not_collected");
  EXPECT_EQ(result.at("reason"), "config.files[0]: must not contain \"..\"");
  EXPECT_TRUE(result.at("elapsed_ms").is_int64());
}

}  // namespace
}  // namespace visit::collect
