// Every collector on this machine, checked against facts the test finds out by itself.
#include <gtest/gtest.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <thread>

#include "collect/collect.hpp"
#include "collect/program.hpp"

namespace visit::collect {
namespace {

namespace json = boost::json;

json::object run_live(const json::object& spec, const limits& lim = {}) {
  auto result = run(spec, {}, lim);
  EXPECT_LE(result.at("elapsed_ms").as_int64(), lim.time.count() + 200) << result.at("status");
  return result;
}

json::value live_data(const json::object& spec) {
  auto result = run_live(spec);
  EXPECT_EQ(result.at("status"), "ok") << result;
  return result.contains("data") ? result.at("data") : json::value{};
}

std::string own_hostname() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

std::string own_comm() {
  std::ifstream in("/proc/self/comm");
  std::string comm;
  std::getline(in, comm);
  return comm;
}

bool has_library(const json::value& data, std::string_view name) {
  for (auto& lib : data.at("libraries").as_array()) {
    std::string_view path = lib.at("path").as_string();
    // libstdc++.so.6 is mapped under its real name, libstdc++.so.6.0.30.
    std::string_view file = path.substr(path.rfind('/') + 1);
    if (file.starts_with(name) && lib.at("process_count").to_number<std::int64_t>() >= 1)
      return true;
  }
  return false;
}

TEST(CollectLive, OsMatchesUnameAndHostname) {
  auto data = live_data({{"id", "os"}});
  struct utsname u {};
  ASSERT_EQ(::uname(&u), 0);
  EXPECT_EQ(data.at("uname").at("release"), u.release);
  EXPECT_EQ(data.at("uname").at("machine"), u.machine);
  EXPECT_EQ(data.at("hostname").as_string(), own_hostname());
  EXPECT_FALSE(data.at("os_release").at("PRETTY_NAME").as_string().empty());
  struct sysinfo info {};
  ASSERT_EQ(::sysinfo(&info), 0);
  EXPECT_NEAR(static_cast<double>(data.at("uptime_seconds").as_uint64()),
              static_cast<double>(info.uptime), 2.0);
}

TEST(CollectLive, EmptyRootMeansTheLiveSystem) {
  context c;
  c.root = "";
  auto result = run({{"id", "os"}}, c, {});
  ASSERT_EQ(result.at("status"), "ok");
  EXPECT_EQ(result.at("data").at("hostname").as_string(), own_hostname());
}

TEST(CollectLive, HardwareMatchesSysinfoAndStatvfs) {
  auto data = live_data({{"id", "hardware"}});
  EXPECT_EQ(data.at("cpu").at("logical_cpus").to_number<long>(), ::sysconf(_SC_NPROCESSORS_CONF));
  EXPECT_FALSE(data.at("cpu").at("model").as_string().empty());
  struct sysinfo info {};
  ASSERT_EQ(::sysinfo(&info), 0);
  EXPECT_EQ(data.at("memory").at("total_bytes").to_number<std::uint64_t>() / 1024,
            static_cast<std::uint64_t>(info.totalram) * info.mem_unit / 1024);
  struct statvfs root {};
  ASSERT_EQ(::statvfs("/", &root), 0);
  bool found_root = false;
  for (auto& disk : data.at("disks").as_array()) {
    if (disk.at("mount_point") != "/") continue;
    found_root = true;
    EXPECT_EQ(disk.at("size_bytes").to_number<std::uint64_t>(),
              static_cast<std::uint64_t>(root.f_blocks) * root.f_frsize);
  }
  EXPECT_TRUE(found_root) << data.at("disks");
  for (auto& disk : data.at("disks").as_array())
    EXPECT_NE(disk.at("fs_type"), "proc") << disk;  // pseudo file systems are left out
}

TEST(CollectLive, NetworkHasLoopbackAndRedactsProxyPasswords) {
  ::setenv("https_proxy", "http://bob:hunter2@proxy.corp:3128", 1);
  auto data = live_data({{"id", "network"}});
  ::unsetenv("https_proxy");
  bool loopback = false;
  for (auto& interface : data.at("interfaces").as_array()) {
    if (interface.at("name") != "lo") continue;
    EXPECT_EQ(interface.at("up"), true);
    for (auto& address : interface.at("addresses").as_array())
      loopback = loopback || address.at("address") == "127.0.0.1";
  }
  EXPECT_TRUE(loopback) << data.at("interfaces");
  EXPECT_EQ(data.at("proxy").at("environment").at("https_proxy"), "http://***@proxy.corp:3128");
  EXPECT_EQ(serialize(data).find("hunter2"), std::string::npos);
  EXPECT_TRUE(data.at("dns").is_object());
  // GNOME's proxy settings: read when gsettings knows the schema, else a reason.
  auto& gnome = data.at("proxy").at("gnome");
  if (gnome.is_object()) {
    EXPECT_TRUE(gnome.as_object().contains("org.gnome.system.proxy"));
  } else {
    EXPECT_TRUE(gnome.as_string().starts_with("not available: ")) << gnome;
  }
}

TEST(CollectLive, ProcessesContainThisTest) {
  auto data = live_data({{"id", "processes"}});
  bool self = false;
  for (auto& p : data.at("processes").as_array()) {
    if (p.at("pid").to_number<pid_t>() != ::getpid()) continue;
    self = true;
    EXPECT_EQ(p.at("name").as_string(), own_comm());
    EXPECT_NE(p.at("cmdline").as_string().find("collect_test"), std::string::npos);
    EXPECT_GT(p.at("rss_bytes").to_number<std::int64_t>(), 0);
    EXPECT_EQ(p.at("ppid").to_number<pid_t>(), ::getppid());
  }
  EXPECT_TRUE(self);
  EXPECT_GE(data.at("total").to_number<std::int64_t>(),
            static_cast<std::int64_t>(data.at("processes").as_array().size()));
}

TEST(CollectLive, LibrariesOfThisProcessAndOfTheSystemContainLibc) {
  auto mine = live_data({{"id", "libraries"}, {"process", own_comm()}});
  auto& pids = mine.at("pids").as_array();
  EXPECT_NE(std::find(pids.begin(), pids.end(), json::value(::getpid())), pids.end()) << pids;
  EXPECT_TRUE(has_library(mine, "libc.so.6"));
  EXPECT_TRUE(has_library(mine, "libstdc++.so.6"));
  auto all = live_data({{"id", "libraries"}});
  EXPECT_TRUE(has_library(all, "libc.so.6"));
  EXPECT_GE(all.at("processes_scanned").to_number<std::int64_t>(), 2);
}

TEST(CollectLive, ConfigReadsEtcHostname) {
  if (!std::filesystem::exists("/etc/hostname")) GTEST_SKIP() << "no /etc/hostname here";
  auto data =
      live_data({{"id", "config"}, {"files", json::array{"/etc/hostname", "/etc/no-such.conf"}}});
  // The file as the test reads it itself (it may be empty or differ from gethostname() in a
  // container, so the comparison is with the file, not with the host name).
  std::ifstream in("/etc/hostname", std::ios::binary);
  std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(data.at("files").at(0).at("content").as_string(), expected);
  EXPECT_EQ(data.at("files").at(1).at("error"), "no such file or directory");
}

TEST(CollectLive, PackagesContainLibc6WhereDpkgExists) {
  auto result = run_live({{"id", "packages"}});
  if (find_program("dpkg-query", context{}.program_dirs).empty()) {
    EXPECT_EQ(result.at("status"), "not_collected");
    return;
  }
  ASSERT_EQ(result.at("status"), "ok") << result;
  auto& packages = result.at("data").at("packages").as_array();
  EXPECT_GT(packages.size(), 50u);
  EXPECT_NE(std::find_if(packages.begin(), packages.end(),
                         [](const json::value& p) { return p.at("name") == "libc6"; }),
            packages.end());
}

TEST(CollectLive, JournalIsOkOrClearlyNotCollected) {
  auto result = run_live({{"id", "journal"}, {"max_entries", 5}});
  if (result.at("status") == "ok") {
    EXPECT_LE(result.at("data").at("entries").as_array().size(), 5u);
  } else {
    EXPECT_FALSE(result.at("reason").as_string().empty());
  }
}

TEST(CollectLive, CollectorsRunInParallel) {
  std::vector<std::thread> threads;
  std::vector<json::object> results(known_collectors().size());
  for (std::size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] {
      json::object spec{{"id", known_collectors()[i]}};
      if (known_collectors()[i] == "config") spec["files"] = json::array{"/etc/os-release"};
      results[i] = run(spec, {}, {});
    });
  for (auto& t : threads) t.join();
  for (auto& r : results) EXPECT_LE(r.at("elapsed_ms").as_int64(), 3200) << r;
}

// Not a check of correctness: prints the median wall time of each collector over 5 runs (the
// figures of docs/collectors.md) and checks each stays well inside the default limit.
TEST(CollectLive, MedianTimes) {
  std::string table;
  for (auto id : known_collectors()) {
    json::object spec{{"id", id}};
    if (id == "config")
      spec = {{"id", id},
              {"files", json::array{"/etc/os-release", "/etc/hostname"}},
              {"gsettings", json::array{json::array{"org.gnome.system.proxy", "mode"}}}};
    std::vector<std::int64_t> times;
    std::string status;
    std::size_t bytes = 0;
    for (int i = 0; i < 5; ++i) {
      auto start = std::chrono::steady_clock::now();
      auto result = run(spec, {}, {});
      times.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count());
      status = std::string(result.at("status").as_string());
      bytes = result.contains("data") ? serialize(result.at("data")).size() : 0;
    }
    std::sort(times.begin(), times.end());
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", static_cast<double>(times[2]) / 1000.0);
    table +=
        std::string(id) + " " + ms + " ms, " + std::to_string(bytes) + " bytes (" + status + ")\n";
    EXPECT_LT(times[2], 3000 * 1000) << id;
  }
  std::cout << table;
}

}  // namespace
}  // namespace visit::collect
