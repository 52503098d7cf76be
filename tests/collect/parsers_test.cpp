// The parsers against fixture files and hostile or garbled input.
#include "collect/parsers.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "collect/support.hpp"

namespace visit::collect {
namespace {

namespace json = boost::json;

std::string fixture(const std::string& relative) {
  std::ifstream in(std::string(VISIT_COLLECT_FIXTURES) + "/" + relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(in.good() || in.eof()) << relative;
  return text.str();
}

TEST(CollectParse, OsReleaseFixture) {
  auto fields = parse::os_release(fixture("root/etc/os-release"));
  EXPECT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields.at("PRETTY_NAME"), "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(fields.at("NAME"), "Debian GNU/Linux");
  EXPECT_EQ(fields.at("VERSION_ID"), "12");
  EXPECT_EQ(fields.at("ID"), "debian");
}

TEST(CollectParse, OsReleaseHostile) {
  std::string text =
      "NAME='single quoted'\nID=\"esc\\\"aped\\\\\"\n=novalue\nPRETTY_NAME\n"
      "VERSION_ID=\"\xff\xfe\"\n" +
      std::string("PRETTY_NAME=\"") + std::string(100000, 'A') + "\"\n";
  auto fields = parse::os_release(text);
  EXPECT_EQ(fields.at("NAME"), "single quoted");
  EXPECT_EQ(fields.at("ID"), "esc\"aped\\");
  EXPECT_EQ(fields.at("VERSION_ID"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // repaired, not dropped
  EXPECT_LE(fields.at("PRETTY_NAME").as_string().size(), 1024u);
  EXPECT_TRUE(parse::os_release(std::string("\0\0\0", 3)).empty());
}

TEST(CollectParse, MeminfoFixtureAndGarbage) {
  auto m = parse::memory(fixture("root/proc/meminfo"));
  EXPECT_EQ(m.total_bytes, 16315504ull * 1024);
  EXPECT_EQ(m.available_bytes, 9876543ull * 1024);
  EXPECT_EQ(m.swap_total_bytes, 2097148ull * 1024);
  EXPECT_EQ(m.swap_free_bytes, 2000000ull * 1024);
  auto bad = parse::memory(
      "MemTotal: 99999999999999999999 kB\nMemAvailable: -5 kB\n"
      "SwapTotal: 18446744073709551615 kB\nSwapFree:\n:::\n");
  EXPECT_FALSE(bad.total_bytes);       // does not fit 64 bits
  EXPECT_FALSE(bad.available_bytes);   // negative
  EXPECT_FALSE(bad.swap_total_bytes);  // overflows when turned into bytes
  EXPECT_FALSE(bad.swap_free_bytes);
}

TEST(CollectParse, CpuinfoX86ArmAndGarbage) {
  auto x86 = parse::cpu(fixture("root/proc/cpuinfo"));
  EXPECT_EQ(x86.model, "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz");
  EXPECT_EQ(x86.logical, 4u);
  auto arm = parse::cpu(
      "processor\t: 0\nBogoMIPS\t: 108.00\n\nprocessor\t: 1\n\n"
      "Hardware\t: BCM2835\nModel\t: Raspberry Pi 4\n");
  EXPECT_EQ(arm.logical, 2u);
  EXPECT_EQ(arm.model, "BCM2835");
  auto garbage = parse::cpu("processor: x\nprocessor: -1\n\xff\xff: \xff\n");
  EXPECT_EQ(garbage.logical, 0u);
}

TEST(CollectParse, MountsEscapesAndPseudo) {
  auto all = parse::mounts(fixture("root/proc/mounts"), 1000);
  ASSERT_EQ(all.size(), 9u);  // "garbage" dropped
  std::vector<std::string> real;
  for (auto& m : all)
    if (!parse::is_pseudo_fs(m.fs_type)) real.push_back(m.mount_point);
  EXPECT_EQ(real, (std::vector<std::string>{"/", "/boot/efi", "/media/alice/My Disk", "/mnt/nfs"}));
  EXPECT_EQ(parse::mounts(fixture("root/proc/mounts"), 2).size(), 2u);
  auto hostile =
      parse::mounts("a relative ext4 rw 0 0\n/dev/x /ok\\0 ext4\n/dev/y /e\\777x ext4\n", 10);
  ASSERT_EQ(hostile.size(), 2u);  // a mount point must be absolute
  EXPECT_EQ(hostile[0].mount_point, "/ok\\0");
  EXPECT_EQ(hostile[1].mount_point, "/e\\777x");  // out of range: kept as written
}

TEST(CollectParse, RoutesV4) {
  auto routes = parse::routes_v4(fixture("root/proc/net/route"), 100);
  ASSERT_EQ(routes.size(), 2u);  // eth1's route is not up
  EXPECT_EQ(routes[0].at("destination"), "0.0.0.0/0");
  EXPECT_EQ(routes[0].at("gateway"), "10.0.2.2");
  EXPECT_EQ(routes[0].at("interface"), "eth0");
  EXPECT_EQ(routes[0].at("flags"), "UG");
  EXPECT_EQ(routes[0].at("metric"), 100);
  EXPECT_EQ(routes[1].at("destination"), "10.0.2.0/24");
  EXPECT_EQ(parse::routes_v4(fixture("root/proc/net/route"), 1).size(), 1u);
  EXPECT_TRUE(parse::routes_v4("eth0 ZZZZ 0 1 0 0 0 0\neth0\n\n", 10).empty());
}

TEST(CollectParse, RoutesV6) {
  auto routes = parse::routes_v6(fixture("root/proc/net/ipv6_route"), 100);
  ASSERT_EQ(routes.size(), 2u);  // loopback left out
  EXPECT_EQ(routes[0].at("destination"), "fd00::/64");
  EXPECT_EQ(routes[1].at("destination"), "::/0");
  EXPECT_EQ(routes[1].at("gateway"), "fe80::1");
  EXPECT_EQ(routes[1].at("flags"), "UG");
  EXPECT_EQ(routes[1].at("metric"), 1024);
  EXPECT_TRUE(parse::routes_v6("abc 99 x y z 1 1 1 1 eth0\n", 10).empty());
}

TEST(CollectParse, ResolvConf) {
  auto dns = parse::resolv_conf(fixture("root/etc/resolv.conf"));
  EXPECT_EQ(dns.at("nameservers"), (json::array{"10.0.2.3", "fd00::3"}));
  EXPECT_EQ(dns.at("search"), (json::array{"corp.example", "lab.example"}));
  EXPECT_EQ(dns.at("options"), (json::array{"edns0", "timeout:2"}));
  std::string many;
  for (int i = 0; i < 500; ++i) many += "nameserver 10.0.0." + std::to_string(i) + "\n";
  EXPECT_EQ(parse::resolv_conf(many).at("nameservers").as_array().size(), 64u);
  EXPECT_TRUE(
      parse::resolv_conf("nameserver\n#nameserver 1.1.1.1\n").at("nameservers").as_array().empty());
}

TEST(CollectParse, IfInet6) {
  auto addresses = parse::if_inet6(fixture("root/proc/net/if_inet6"), 100);
  ASSERT_EQ(addresses.size(), 3u);
  EXPECT_EQ(addresses[1].interface, "eth0");
  EXPECT_EQ(addresses[1].address, "fd00::10");
  EXPECT_EQ(addresses[1].prefix_length, 64u);
  EXPECT_EQ(addresses[2].address, "fe80::211:22ff:fe33:4455");
}

TEST(CollectParse, MapsLibraries) {
  auto libs = parse::shared_libraries(fixture("root/proc/4242/maps"));
  ASSERT_EQ(libs.size(), 3u);
  EXPECT_EQ(libs[0].path, "/opt/app/lib/libfoo bar.so.1");  // a space in the path
  EXPECT_TRUE(libs[0].deleted);
  EXPECT_EQ(libs[1].path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_FALSE(libs[1].deleted);
  EXPECT_EQ(libs[2].path, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
  auto init = parse::shared_libraries(fixture("root/proc/1/maps"));
  EXPECT_EQ(init.size(), 3u);  // libc mapped twice counts once; LC_CTYPE is not a library
  EXPECT_TRUE(parse::is_shared_library("/lib/libx.so"));
  EXPECT_TRUE(parse::is_shared_library("/lib/libx.so.1.2"));
  EXPECT_FALSE(parse::is_shared_library("/lib/libx.socket"));
  EXPECT_FALSE(parse::is_shared_library("/lib/.so"));
  EXPECT_TRUE(parse::shared_libraries("\n\n   \n00-11 r-xp 0 0 0 relative/libx.so\n").empty());
}

TEST(CollectParse, StatusAndStatWithHostileNames) {
  auto status = parse::status(fixture("root/proc/4242/status"));
  EXPECT_EQ(status.name, "my) app");
  EXPECT_EQ(status.uid, 1000u);
  EXPECT_EQ(status.ppid, 1u);
  EXPECT_EQ(status.rss_bytes, 2048u * 1024);
  auto stat = parse::stat(fixture("root/proc/4242/stat"));
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->comm, "my) app");  // the last ')' ends the name
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->ppid, 1u);
  EXPECT_FALSE(parse::stat("1 (unterminated S 0"));
  EXPECT_FALSE(parse::stat(")( S 1"));
  EXPECT_FALSE(parse::stat("1 (x) SS 1"));
  auto kernel_thread = parse::status("Name:\tkthreadd\nUid:\t0\t0\t0\t0\nPPid:\t0\n");
  EXPECT_FALSE(kernel_thread.rss_bytes);
}

TEST(CollectParse, CmdlineJoinedBoundedRepaired) {
  EXPECT_EQ(parse::cmdline(fixture("root/proc/4242/cmdline"), 4096),
            "/opt/app/bin/my-app --flag value with space --proxy=http://bob:pw@proxy:3128");
  EXPECT_EQ(parse::cmdline(std::string("a\0b\xff\0\0", 6), 100), "a b\xEF\xBF\xBD");
  std::string cut = parse::cmdline(std::string(10000, 'x'), 100);
  EXPECT_EQ(cut, std::string(100, 'x') + "\xE2\x80\xA6");
  // A cut inside a two-byte character does not leave half of it.
  EXPECT_EQ(parse::cmdline("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9\xE2\x80\xA6");
}

TEST(CollectParse, Passwd) {
  auto users = parse::passwd(fixture("root/etc/passwd"));
  EXPECT_EQ(users.size(), 3u);
  EXPECT_EQ(users.at(1000), "alice");
  EXPECT_EQ(users.at(0), "root");
}

TEST(CollectParse, DpkgQueryOutput) {
  bool truncated = false;
  auto packages = parse::dpkg_packages(fixture("dpkg-query.txt"), 100, false, truncated);
  EXPECT_FALSE(truncated);
  ASSERT_EQ(packages.size(), 5u);  // "rc" (removed), nameless and tab-less lines dropped
  EXPECT_EQ(packages[1],
            (json::object{{"name", "libc6"}, {"version", "2.36-9+deb12u4"}, {"arch", "amd64"}}));
  EXPECT_EQ(packages[3].at("name"), "held-package");
  EXPECT_EQ(packages[4].at("version"), "1:1.2.13.dfsg-1");
  truncated = false;
  EXPECT_EQ(parse::dpkg_packages(fixture("dpkg-query.txt"), 2, false, truncated).size(), 2u);
  EXPECT_TRUE(truncated);
  truncated = false;
  // When the output was cut, the last, partial line is not trusted.
  auto cut = parse::dpkg_packages("a\t1\tall\tii \nb\t2\ta", 10, true, truncated);
  EXPECT_EQ(cut.size(), 1u);
}

TEST(CollectParse, RpmOutput) {
  bool truncated = false;
  auto packages =
      parse::rpm_packages("bash\t5.2.15-3.fc39\tx86_64\nbroken\n", 10, false, truncated);
  ASSERT_EQ(packages.size(), 1u);
  EXPECT_EQ(packages[0].at("arch"), "x86_64");
}

TEST(CollectParse, JournalJsonGarbled) {
  std::size_t skipped = 0;
  auto entries = parse::journal(fixture("journal.json"), 100, 4096, skipped);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(skipped, 5u);
  EXPECT_EQ(entries[0].at("time"), "2025-11-29T12:00:00.123Z");
  EXPECT_EQ(entries[0].at("priority"), 3);
  EXPECT_EQ(entries[0].at("identifier"), "kernel");
  EXPECT_EQ(entries[1].at("message").as_string(),
            std::string_view("hi\xEF\xBF\xBD\0!", 7));  // bytes, repaired
  EXPECT_EQ(entries[1].at("identifier"), "sshd");
  EXPECT_EQ(entries[1].at("unit"), "ssh.service");
  EXPECT_EQ(entries[1].at("pid"), 812);
  EXPECT_FALSE(entries[2].as_object().contains("priority"));
  EXPECT_EQ(entries[2].at("message"), "<script>alert(1)</script>");  // data, stored as is
  skipped = 0;
  EXPECT_EQ(parse::journal(fixture("journal.json"), 1, 4096, skipped).size(), 1u);
  std::string deep(100000, '[');
  skipped = 0;
  EXPECT_TRUE(parse::journal(deep, 10, 4096, skipped).empty());
  EXPECT_EQ(skipped, 1u);
  std::string long_message =
      R"({"__REALTIME_TIMESTAMP":"1","MESSAGE":")" + std::string(9000, 'm') + "\"}";
  auto cut = parse::journal(long_message, 10, 100, skipped);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].at("message").as_string(), std::string(100, 'm') + "\xE2\x80\xA6");
}

TEST(CollectParse, GsettingsListRedactsPasswords) {
  auto settings = parse::gsettings_list(
      "org.gnome.system.proxy mode 'manual'\n"
      "org.gnome.system.proxy.http host 'proxy.corp'\n"
      "org.gnome.system.proxy.http authentication-password 'hunter2'\n"
      "garbage\n",
      100);
  EXPECT_EQ(settings.at("org.gnome.system.proxy").at("mode"), "'manual'");
  EXPECT_EQ(settings.at("org.gnome.system.proxy.http").at("host"), "'proxy.corp'");
  EXPECT_EQ(settings.at("org.gnome.system.proxy.http").at("authentication-password"),
            "\xC2\xAB"
            "redacted: password\xC2\xBB");
}

TEST(CollectSupport, RedactUrl) {
  EXPECT_EQ(redact_url("http://bob:s3cret@proxy.corp:3128/"), "http://***@proxy.corp:3128/");
  EXPECT_EQ(redact_url("bob:s3cret@proxy.corp:3128"), "***@proxy.corp:3128");
  EXPECT_EQ(redact_url("socks5h://u:p@w@h:1080"), "socks5h://***@h:1080");  // '@' in password
  EXPECT_EQ(redact_url("http://proxy.corp:3128/a@b"), "http://proxy.corp:3128/a@b");
  EXPECT_EQ(redact_url("localhost,127.0.0.1,.corp"), "localhost,127.0.0.1,.corp");
  EXPECT_EQ(redact_url(""), "");
}

TEST(CollectSupport, RedactUrlsInCommandLine) {
  EXPECT_EQ(redact_urls_in("curl --proxy=http://u:pw@p:3128 https://a:b@example.com/x@y"),
            "curl --proxy=http://***@p:3128 https://***@example.com/x@y");
  EXPECT_EQ(redact_urls_in("mail user@example.com"), "mail user@example.com");
}

TEST(CollectSupport, Utf8Repair) {
  EXPECT_EQ(valid_utf8("plain"), "plain");
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(valid_utf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
  EXPECT_TRUE(is_text("key = value\n"));
  EXPECT_FALSE(is_text(std::string("a\0b", 3)));
  EXPECT_FALSE(is_text("\xff"));
}

TEST(CollectSupport, FitToSize) {
  json::value big = {{"list", json::array(1000, json::value("0123456789"))}, {"name", "kept"}};
  EXPECT_TRUE(fit_to_size(big, 500));
  EXPECT_LE(serialized_size(big), 500u);
  EXPECT_GT(big.at("list").as_array().size(), 30u);  // cut near the limit, not to nothing
  EXPECT_EQ(big.at("name"), "kept");
  json::value one_string = {{"content", std::string(10000, 'c')}};
  EXPECT_TRUE(fit_to_size(one_string, 1000));
  EXPECT_LE(serialized_size(one_string), 1000u);
  json::value small = {{"a", 1}};
  EXPECT_FALSE(fit_to_size(small, 1000));
}

}  // namespace
}  // namespace visit::collect
