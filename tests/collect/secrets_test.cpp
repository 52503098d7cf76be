// Secrets never reach the payload the customer reviews: each kind of secret file on a fixture
// tree (tests/fixtures/collect/secrets), settings and gsettings keys whose name says secret
// (fake gsettings), process command lines (fixture /proc). Every secret in the fixtures holds
// "FIXTURE-SECRET"; no byte of it may be in run()'s result, and the result must say what was
// refused or redacted and why.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "collect/collect.hpp"
#include "collect/redaction.hpp"

namespace visit::collect {
namespace {

namespace json = boost::json;

constexpr std::string_view secret_bytes = "FIXTURE-SECRET";

class CollectSecrets : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/visit-secrets-XXXXXX";
    ASSERT_TRUE(::mkdtemp(pattern));
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void fake(const std::string& name, const std::string& body) {
    auto path = dir_ / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }

  context ctx() const {
    context c;
    c.root = std::string(VISIT_COLLECT_FIXTURES) + "/secrets";
    c.program_dirs = {dir_};
    return c;
  }

  // run()'s whole result, checked to hold no secret byte; its data.
  json::value payload_of(const json::object& spec) {
    auto result = run(spec, ctx(), {});
    std::string text = json::serialize(result);
    EXPECT_EQ(text.find(secret_bytes), std::string::npos) << text;
    EXPECT_EQ(result.at("status"), "ok") << text;
    return result.contains("data") ? result.at("data") : json::value();
  }

  // The config item of one file.
  json::object file_item(const std::string& path) {
    auto data = payload_of({{"id", "config"}, {"files", json::array{path.c_str()}}});
    if (!data.is_object()) return {};
    return data.at("files").at(0).as_object();
  }

  std::string log() const {
    std::ifstream in(dir_ / "calls.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
};

TEST_F(CollectSecrets, LetsencryptPrivateKeysAreRefused) {
  EXPECT_EQ(file_item("/etc/letsencrypt/live/example.org/privkey.pem"),
            (json::object{{"path", "/etc/letsencrypt/live/example.org/privkey.pem"},
                          {"refused", "private key"}}));
  EXPECT_EQ(file_item("/etc/letsencrypt/archive/example.org/privkey1.pem").at("refused"),
            "private key");
  // The certificate next to it is not a secret.
  auto cert = file_item("/etc/letsencrypt/live/example.org/cert.pem");
  EXPECT_NE(cert.at("content").as_string().find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST_F(CollectSecrets, PrivateDirectoriesAreRefused) {
  EXPECT_EQ(file_item("/etc/pki/tls/private/server.pem").at("refused"), "private key");
  EXPECT_EQ(file_item("/etc/ssl/private/ssl-cert-snakeoil.key").at("refused"), "private key");
}

TEST_F(CollectSecrets, DotKeyFilesAreRefused) {
  // No PEM header: refused by the name alone.
  EXPECT_EQ(file_item("/etc/app/tls/site.key"),
            (json::object{{"path", "/etc/app/tls/site.key"}, {"refused", "private key"}}));
}

TEST_F(CollectSecrets, AnyFileWithAPrivateKeyBlockIsRefused) {
  auto bundle = file_item("/etc/app/bundle.pem");  // a certificate followed by its key
  EXPECT_EQ(bundle, (json::object{{"path", "/etc/app/bundle.pem"}, {"refused", "private key"}}));
  EXPECT_EQ(file_item("/etc/app/deploy_identity").at("refused"), "private key");
}

TEST_F(CollectSecrets, LinksToSecretFilesAreRefused) {
  EXPECT_EQ(file_item("/etc/cert-link.pem"),
            (json::object{{"path", "/etc/cert-link.pem"},
                          {"resolved", "/etc/ssl/private/ssl-cert-snakeoil.key"},
                          {"refused", "private key"}}));
}

TEST_F(CollectSecrets, MysqlMaintenanceAccountIsRefused) {
  EXPECT_EQ(file_item("/etc/mysql/debian.cnf"),
            (json::object{{"path", "/etc/mysql/debian.cnf"}, {"refused", "credentials"}}));
}

TEST_F(CollectSecrets, KubeConfigsAreRefusedOrRedacted) {
  EXPECT_EQ(file_item("/etc/kubernetes/admin.conf").at("refused"), "credentials");
  // ~/.kube/config is outside /etc, also through a link.
  EXPECT_EQ(file_item("/etc/kube-link").at("error"),
            "the link leads to /root/.kube/config: only paths under /etc are allowed");
  // A kube config elsewhere under /etc: its keys and tokens are redacted line by line.
  auto other = file_item("/etc/app/cluster.yaml");
  std::string content(other.at("content").as_string());
  EXPECT_NE(content.find("    client-key-data: \xC2\xAB"
                         "redacted: key\xC2\xBB\n"),
            std::string::npos)
      << content;
  EXPECT_NE(content.find("    token: \xC2\xAB"
                         "redacted: token\xC2\xBB\n"),
            std::string::npos)
      << content;
  EXPECT_NE(content.find("client-certificate-data: public-certificate-data"), std::string::npos);
  EXPECT_NE(content.find("server: https://10.0.0.1:6443"), std::string::npos);
}

TEST_F(CollectSecrets, NetplanAndNetworkManagerWifiSecretsAreRefused) {
  EXPECT_EQ(file_item("/etc/netplan/50-wifi.yaml").at("refused"), "Wi-Fi and VPN secrets");
  EXPECT_EQ(file_item("/etc/NetworkManager/system-connections/Home.nmconnection").at("refused"),
            "Wi-Fi and VPN secrets");
}

TEST_F(CollectSecrets, SssdConfIsRefused) {
  EXPECT_EQ(file_item("/etc/sssd/sssd.conf"),
            (json::object{{"path", "/etc/sssd/sssd.conf"}, {"refused", "credentials"}}));
}

TEST_F(CollectSecrets, SecretSettingsInFilesAreRedactedAndTheRestShown) {
  auto item = file_item("/etc/app/settings.conf");
  auto mark = [](std::string_view word) { return redaction_mark(word); };
  EXPECT_EQ(item.at("content").as_string(),
            "# Settings of the app: only the secret values are hidden.\n"
            "name = visible-name\n"
            "db_password = " +
                mark("password") +
                "\n"
                "API_KEY=" +
                mark("key") +
                "\n"
                "export AUTH_TOKEN=" +
                mark("token") +
                "\n"
                "#client_secret: " +
                mark("secret") +
                "\n"
                "proxy_auth = " +
                mark("auth") +
                "\n"
                "  \"credentials\": " +
                mark("credential") +
                "\n"
                "requirepass " +
                mark("pass") +
                "\n"
                "PasswordAuthentication no\n"
                "keyboard = us\n");
  EXPECT_EQ(item.at("truncated"), false);
}

TEST_F(CollectSecrets, SecretGsettingsKeysAreRefusedWithoutAsking) {
  fake("gsettings",
       "echo \"$*\" >> \"$(dirname \"$0\")/calls.log\"\n"
       "case \"$3\" in\n"
       "  autoconfig-url) echo \"'http://bob:FIXTURE-SECRET-pac@proxy.corp/proxy.pac'\" ;;\n"
       "  *) echo \"'FIXTURE-SECRET-$3'\" ;;\n"
       "esac");
  auto data = payload_of(
      {{"id", "config"},
       {"gsettings",
        json::array{json::array{"org.gnome.system.proxy.http", "authentication-password"},
                    json::array{"org.gnome.system.proxy.http", "authentication-user"},
                    json::array{"org.example.app", "api-token"},
                    json::array{"org.gnome.system.proxy", "autoconfig-url"}}}});
  auto& items = data.at("gsettings").as_array();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0], (json::object{{"schema", "org.gnome.system.proxy.http"},
                                    {"key", "authentication-password"},
                                    {"refused", "its name says \"password\""}}));
  EXPECT_EQ(items[1].at("refused"), "its name says \"auth\"");
  EXPECT_EQ(items[2].at("refused"), "its name says \"token\"");
  EXPECT_EQ(items[3].at("value"), "'http://***@proxy.corp/proxy.pac'");
  EXPECT_EQ(log(), "get org.gnome.system.proxy autoconfig-url\n");  // the only one asked
}

TEST_F(CollectSecrets, ProxySettingsListRedactsSecretKeys) {
  fake("gsettings",
       "printf '%s\\n'"
       " \"org.gnome.system.proxy mode 'manual'\""
       " \"org.gnome.system.proxy autoconfig-url 'http://bob:FIXTURE-SECRET-url@proxy.corp/pac'\""
       " \"org.gnome.system.proxy.http host 'proxy.corp'\""
       " \"org.gnome.system.proxy.http use-authentication true\""
       " \"org.gnome.system.proxy.http authentication-user 'FIXTURE-SECRET-user'\""
       " \"org.gnome.system.proxy.http authentication-password 'FIXTURE-SECRET-password'\"");
  auto gnome = payload_of({{"id", "network"}}).at("proxy").at("gnome");
  EXPECT_EQ(gnome, (json::object{
                       {"org.gnome.system.proxy",
                        {{"mode", "'manual'"}, {"autoconfig-url", "'http://***@proxy.corp/pac'"}}},
                       {"org.gnome.system.proxy.http",
                        {{"host", "'proxy.corp'"},
                         {"use-authentication", "true"},
                         {"authentication-user", redaction_mark("auth")},
                         {"authentication-password", redaction_mark("password")}}}}));
}

TEST_F(CollectSecrets, SecretArgumentsOfProcessesAreRedacted) {
  auto list = payload_of({{"id", "processes"}}).at("processes").as_array();
  ASSERT_EQ(list.size(), 5u);
  std::vector<std::string> shown;
  for (auto& p : list) shown.emplace_back(p.at("cmdline").as_string());
  auto mark = [](std::string_view word) { return redaction_mark(word); };
  EXPECT_EQ(shown, (std::vector<std::string>{
                       "mysql -uroot -p" + mark("password") + " shop",
                       "/usr/bin/app --password=" + mark("password") + " --token " + mark("token") +
                           " key=" + mark("key") + " -v name=visible",
                       "sshpass -p " + mark("password") + " ssh backup@host",
                       "curl -H Authorization: " + mark("auth") +
                           " --proxy http://***@proxy:3128 https://example.org/",
                       "/bin/sh -c mysqldump -p" + mark("password") + " shop > /tmp/shop.sql"}));
  EXPECT_EQ(list[0].at("user"), "alice");
}

TEST(CollectRedact, SecretWords) {
  auto word = [](std::string_view name) {
    auto secret = secret_word(name);
    return secret ? std::string(secret->word) : std::string("-");
  };
  EXPECT_EQ(word("authentication-password"), "password");
  EXPECT_EQ(word("DB_PASSWD"), "passwd");
  EXPECT_EQ(word("ssl_passphrase"), "passphrase");
  EXPECT_EQ(word("client_secret"), "secret");
  EXPECT_EQ(word("AuthToken"), "token");
  EXPECT_EQ(word("aws_credentials"), "credential");
  EXPECT_EQ(word("wpa-psk"), "psk");
  EXPECT_EQ(word("masterauth"), "auth");
  EXPECT_EQ(word("ApiKey"), "key");
  EXPECT_EQ(word("requirepass"), "pass");
  EXPECT_EQ(word("DB_PASS"), "pass");
  for (auto name : {"mode", "host", "keyboard", "KEYMAP", "passthrough", "name", "gtk-theme"})
    EXPECT_EQ(word(name), "-") << name;
}

TEST(CollectRedact, PlainValuesStayVisible) {
  for (auto value : {"", "  ", "yes", "No", "TRUE", "false", "'on'", "\"off\""})
    EXPECT_TRUE(plain_value(value)) << value;
  for (auto value : {"1234", "hunter2", "''x''", "yes please"})
    EXPECT_FALSE(plain_value(value)) << value;
}

TEST(CollectRedact, SettingLines) {
  auto shown = [](std::string_view text) { return redact_settings(text).text; };
  auto mark = [](std::string_view word) { return redaction_mark(word); };
  EXPECT_EQ(shown("password=x\r\n"), "password=" + mark("password") + "\r\n");
  EXPECT_EQ(shown("  'token' : abc  "), "  'token' : " + mark("token") + "  ");
  EXPECT_EQ(shown("; smtp_password = x"), "; smtp_password = " + mark("password"));
  EXPECT_EQ(shown("password:"), "password:");              // no value
  EXPECT_EQ(shown("api_key: yes"), "api_key: yes");        // a switch
  EXPECT_EQ(shown("key_file /etc/x"), "key_file /etc/x");  // "name value" only for strong words
  EXPECT_EQ(shown("# requirepass x"), "# requirepass x");  // nor commented out
  EXPECT_EQ(shown("url: http://x"), "url: http://x");
  EXPECT_EQ(shown("[password]\nsecret\n"), "[password]\nsecret\n");
  EXPECT_EQ(redact_settings("a=1\ntoken=2\nsecret=3").count, 2u);
}

TEST(CollectRedact, Arguments) {
  using args = std::vector<std::string>;
  auto mark = [](std::string_view word) { return redaction_mark(word); };
  EXPECT_EQ(redact_arguments({"psql", "--password", "--dbname", "shop"}),
            (args{"psql", "--password", "--dbname", "shop"}));  // a switch before an option
  EXPECT_EQ(redact_arguments({"tool", "-auth", "/run/x", "--api-key", "k1", "PGPASSWORD=p"}),
            (args{"tool", "-auth", mark("auth"), "--api-key", mark("key"),
                  "PGPASSWORD=" + mark("password")}));
  EXPECT_EQ(redact_arguments({"gcc", "-pipe", "-p", "x.c"}), (args{"gcc", "-pipe", "-p", "x.c"}));
  EXPECT_EQ(redact_arguments({"/usr/bin/mariadb-dump", "-ps3", "-p"}),
            (args{"/usr/bin/mariadb-dump", "-p" + mark("password"), "-p"}));
  EXPECT_EQ(redact_arguments({"sh", "-c", "app  --token t x"}),
            (args{"sh", "-c", "app  --token " + mark("token") + " x"}));
  EXPECT_EQ(redact_arguments({}), args{});
}

TEST(CollectRedact, PrivateKeyBlocks) {
  for (auto text :
       {"-----BEGIN PRIVATE KEY-----\n", "x\n-----BEGIN RSA PRIVATE KEY-----\n",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----",
        "PuTTY-User-Key-File-3: ssh-ed25519\n"})
    EXPECT_TRUE(holds_private_key(text)) << text;
  for (auto text : {"-----BEGIN CERTIFICATE-----\n", "-----BEGIN PUBLIC KEY-----\n", "key = value"})
    EXPECT_FALSE(holds_private_key(text)) << text;
}

TEST(CollectRedact, SecretFileKinds) {
  auto kind = [](std::string_view path) {
    auto k = secret_file_kind(path);
    return k ? std::string(*k) : std::string("-");
  };
  EXPECT_EQ(kind("/etc/shadow"), "password hashes");
  EXPECT_EQ(kind("/etc/letsencrypt/live/a/privkey.pem"), "private key");
  EXPECT_EQ(kind("/etc/letsencrypt/accounts/x/private_key.json"), "private key");
  EXPECT_EQ(kind("/etc/pki/CA/private/cakey.pem"), "private key");
  EXPECT_EQ(kind("/etc/ipsec.d/private/a.der"), "private key");
  EXPECT_EQ(kind("/etc/ssh/ssh_host_rsa_key"), "private key");
  EXPECT_EQ(kind("/etc/nginx/site.KEY"), "private key");
  EXPECT_EQ(kind("/etc/netplan/01-netcfg.yaml"), "Wi-Fi and VPN secrets");
  EXPECT_EQ(kind("/etc/wireguard/wg0.conf"), "Wi-Fi and VPN secrets");
  EXPECT_EQ(kind("/etc/mysql/debian.cnf"), "credentials");
  EXPECT_EQ(kind("/etc/kubernetes/kubelet.conf"), "credentials");
  EXPECT_EQ(kind("/etc/rancher/k3s/k3s.yaml"), "credentials");
  EXPECT_EQ(kind("/etc/sssd/conf.d/corp.conf"), "credentials");
  EXPECT_EQ(kind("/etc/samba/smbpasswd"), "credentials");
  EXPECT_EQ(kind("/etc/cifs-credentials"), "credentials");
  for (auto path : {"/etc/hostname", "/etc/ssh/sshd_config", "/etc/ssh/ssh_host_rsa_key.pub",
                    "/etc/mysql/my.cnf", "/etc/kubernetes/manifests/etcd.yaml",
                    "/etc/letsencrypt/live/a/fullchain.pem", "/etc/default/keyboard"})
    EXPECT_EQ(kind(path), "-") << path;
}

}  // namespace
}  // namespace visit::collect
