// run() against a fixture root: the collectors read /proc, /sys and /etc under it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "collect/collect.hpp"

namespace visit::collect {
namespace {

namespace json = boost::json;

context fixture_context() {
  context c;
  c.root = std::string(VISIT_COLLECT_FIXTURES) + "/root";
  c.program_dirs = {};  // no external program in fixture runs
  return c;
}

json::value data_of(const json::object& spec, const context& c = fixture_context(),
                    const limits& lim = {}) {
  auto result = run(spec, c, lim);
  EXPECT_EQ(result.at("status"), "ok") << result;
  EXPECT_EQ(result.at("truncated"), false) << result;
  return result.at("data");
}

TEST(CollectFixture, Os) {
  auto data = data_of({{"id", "os"}});
  EXPECT_EQ(data.at("os_release").at("ID"), "debian");
  EXPECT_EQ(data.at("uname"),
            (json::object{{"sysname", "Linux"},
                          {"release", "6.1.0-13-amd64"},
                          {"version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)"}}));
  EXPECT_EQ(data.at("hostname"), "fixture-host");
  EXPECT_EQ(data.at("uptime_seconds"), 12345);
}

TEST(CollectFixture, HardwareWithDisplaysHook) {
  auto c = fixture_context();
  c.displays = [] { return json::array{{{"name", "HDMI-1"}, {"width", 1920}, {"height", 1080}}}; };
  auto data = data_of({{"id", "hardware"}}, c);
  EXPECT_EQ(data.at("cpu").at("logical_cpus"), 4);
  EXPECT_EQ(data.at("memory").at("available_bytes"), 9876543ull * 1024);
  auto& disks = data.at("disks").as_array();
  ASSERT_EQ(disks.size(), 4u);
  EXPECT_EQ(
      disks[0],
      (json::object{{"device", "/dev/nvme0n1p2"}, {"mount_point", "/"}, {"fs_type", "ext4"}}));
  EXPECT_EQ(disks[2].at("mount_point"), "/media/alice/My Disk");
  EXPECT_EQ(data.at("displays").at(0).at("name"), "HDMI-1");
  EXPECT_FALSE(data_of({{"id", "hardware"}}).as_object().contains("displays"));
}

TEST(CollectFixture, DisplaysHookThatThrowsIsContained) {
  auto c = fixture_context();
  c.displays = []() -> json::array { throw std::runtime_error("cannot open display"); };
  auto data = data_of({{"id", "hardware"}}, c);
  EXPECT_EQ(data.at("displays_error"), "cannot open display");
}

TEST(CollectFixture, BlockedCollectorIsAbandonedAtTheTimeLimit) {
  // A hook (like a system call on a dead network mount) that does not return in time: run()
  // answers at the limit and leaves the worker thread to finish on its own.
  auto c = fixture_context();
  auto release = std::make_shared<std::atomic<bool>>(false);
  c.displays = [release] {
    for (int i = 0; i < 200 && !*release; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return json::array{};
  };
  limits lim;
  lim.time = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto result = run({{"id", "hardware"}}, c, lim);
  auto took = std::chrono::steady_clock::now() - start;
  *release = true;
  EXPECT_EQ(result.at("status"), "not_collected");
  EXPECT_EQ(result.at("reason"), "timed out after 300 ms");
  EXPECT_LE(took, std::chrono::milliseconds(300 + 200));
  EXPECT_GE(took, std::chrono::milliseconds(300));
}

TEST(CollectFixture, Network) {
  auto data = data_of({{"id", "network"}});
  auto& interfaces = data.at("interfaces").as_array();
  ASSERT_EQ(interfaces.size(), 2u);
  EXPECT_EQ(interfaces[0].at("name"), "eth0");
  EXPECT_EQ(interfaces[0].at("mac"), "52:54:00:12:34:56");
  EXPECT_EQ(interfaces[0].at("up"), true);
  EXPECT_EQ(interfaces[0].at("mtu"), 1500);
  EXPECT_EQ(interfaces[0].at("addresses").as_array().size(), 2u);
  EXPECT_EQ(interfaces[0].at("addresses").at(0),
            (json::object{{"family", "ipv6"}, {"address", "fd00::10"}, {"prefix_length", 64}}));
  EXPECT_EQ(interfaces[1].at("name"), "lo");
  EXPECT_EQ(data.at("routes").at(0).at("gateway"), "10.0.2.2");
  EXPECT_EQ(data.at("routes6").as_array().size(), 2u);
  EXPECT_EQ(data.at("dns").at("nameservers").at(0), "10.0.2.3");
  EXPECT_EQ(data.at("proxy").at("gnome"), "not available: gsettings not installed");
}

TEST(CollectFixture, Processes) {
  auto result = run({{"id", "processes"}}, fixture_context(), {});
  ASSERT_EQ(result.at("status"), "ok") << result;
  auto& data = result.at("data");
  EXPECT_EQ(data.at("total"), 3);
  EXPECT_EQ(data.at("unreadable"), 1);  // pid 77
  auto& list = data.at("processes").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], (json::object{{"pid", 1},
                                   {"ppid", 0},
                                   {"name", "systemd"},
                                   {"user", "root"},
                                   {"state", "S"},
                                   {"rss_bytes", 12800 * 1024},
                                   {"cmdline", "/sbin/init splash"}}));
  EXPECT_EQ(list[1].at("name"), "my) app");
  EXPECT_EQ(list[1].at("user"), "alice");
  EXPECT_EQ(list[1].at("cmdline"),
            "/opt/app/bin/my-app --flag value with space --proxy=http://***@proxy:3128");
  limits one;
  one.max_items = 1;
  auto cut = run({{"id", "processes"}}, fixture_context(), one);
  EXPECT_EQ(cut.at("truncated"), true);
  EXPECT_EQ(cut.at("data").at("processes").as_array().size(), 1u);
  EXPECT_EQ(cut.at("data").at("total"), 3);
}

TEST(CollectFixture, LibrariesOfEveryProcess) {
  auto data = data_of({{"id", "libraries"}});
  auto& libs = data.at("libraries").as_array();
  ASSERT_EQ(libs.size(), 4u);
  EXPECT_EQ(libs[0], (json::object{{"path", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"},
                                   {"process_count", 2}}));
  EXPECT_EQ(libs[1].at("path"), "/usr/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(libs[1].at("process_count"), 2);
  EXPECT_EQ(libs[2], (json::object{{"path", "/opt/app/lib/libfoo bar.so.1"},
                                   {"process_count", 1},
                                   {"deleted", true}}));
  EXPECT_EQ(data.at("processes_scanned"), 2);
  EXPECT_EQ(data.at("unreadable"), 0);  // pid 77 has no maps at all: it is gone
}

TEST(CollectFixture, LibrariesOfOneApplication) {
  // By executable name, by command name and by argv[0].
  for (auto name : {"my-app", "my) app"}) {
    auto data = data_of({{"id", "libraries"}, {"process", name}});
    EXPECT_EQ(data.at("pids"), json::array{4242}) << name;
    EXPECT_EQ(data.at("libraries").as_array().size(), 3u);
  }
  EXPECT_EQ(data_of({{"id", "libraries"}, {"process", "init"}}).at("pids"), json::array{1});
  auto none = run({{"id", "libraries"}, {"process", "firefox"}}, fixture_context(), {});
  EXPECT_EQ(none.at("status"), "not_collected");
  EXPECT_EQ(none.at("reason"), "no running process named \"firefox\"");
}

TEST(CollectFixture, ConfigFiles) {
  auto data = data_of(
      {{"id", "config"},
       {"files", json::array{"/etc/app/app.conf", "/etc/app-link.conf", "/etc/absolute-link",
                             "/etc/escape-relative", "/etc/escape-absolute", "/etc/loop-a",
                             "/etc/missing.conf", "/etc/binary.db", "/etc/big.conf", "/etc/app"}}});
  auto& files = data.at("files").as_array();
  ASSERT_EQ(files.size(), 10u);
  // A setting named "key" is redacted (docs/collectors.md, Secrets); size_bytes is the file's.
  const std::string app_conf =
      "key = \xC2\xAB"
      "redacted: key\xC2\xBB\nsecond line\n";
  EXPECT_EQ(files[0], (json::object{{"path", "/etc/app/app.conf"},
                                    {"size_bytes", 24},
                                    {"content", app_conf},
                                    {"truncated", false}}));
  EXPECT_EQ(files[1].at("resolved"), "/etc/app/app.conf");
  EXPECT_EQ(files[1].at("content").as_string(), app_conf);
  EXPECT_EQ(files[2].at("resolved"), "/etc/hostname");  // an absolute link stays in the root
  EXPECT_EQ(files[2].at("content"), "fixture-host\n");
  EXPECT_EQ(files[3].at("error"),
            "the link leads to /root/secret: only paths under /etc are allowed");
  EXPECT_EQ(files[4].at("error"),
            "the link leads to /root/secret: only paths under /etc are allowed");
  EXPECT_FALSE(files[3].as_object().contains("content"));
  EXPECT_EQ(files[5].at("error"), "too many symbolic links");
  EXPECT_EQ(files[6],
            (json::object{{"path", "/etc/missing.conf"}, {"error", "no such file or directory"}}));
  EXPECT_EQ(files[7].at("error"), "binary file, not shown");
  EXPECT_EQ(files[8].at("truncated"), true);
  EXPECT_EQ(files[8].at("size_bytes"), 70001);
  EXPECT_EQ(files[8].at("content").as_string().size(), 64u * 1024);
  EXPECT_EQ(files[9].at("error"), "not a regular file");
}

TEST(CollectFixture, MaxBytesBoundsTheData) {
  limits lim;
  lim.max_bytes = 2000;
  auto result =
      run({{"id", "config"}, {"files", json::array{"/etc/big.conf"}}}, fixture_context(), lim);
  ASSERT_EQ(result.at("status"), "ok");
  EXPECT_EQ(result.at("truncated"), true);
  EXPECT_LE(serialize(result.at("data")).size(), 2000u);
}

TEST(CollectFixture, MissingRootGivesClearReasons) {
  context c;
  c.root = "/nonexistent-visit-root";
  c.program_dirs = {};
  EXPECT_EQ(run({{"id", "processes"}}, c, {}).at("reason"),
            "no processes found under /proc (is /proc mounted?)");
  auto os = run({{"id", "os"}}, c, {});
  EXPECT_EQ(os.at("status"), "ok");  // nothing to read is an empty answer, not a crash
  EXPECT_TRUE(os.at("data").at("os_release").as_object().empty());
}

}  // namespace
}  // namespace visit::collect
