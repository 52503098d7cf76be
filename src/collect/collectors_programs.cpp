// packages (dpkg-query or rpm) and journal (journalctl): collectors that are one program run.
#include "collect/collectors.hpp"
#include "collect/parsers.hpp"
#include "collect/support.hpp"

namespace visit::collect {

namespace json = boost::json;

namespace {

bool clean_exit(const program_result& r) {
  return r.how == program_result::outcome::exited && r.exit_code == 0;
}

}  // namespace

outcome collect_packages(const json::object&, const context& ctx, budget& b) {
  bool dpkg = !find_program("dpkg-query", ctx.program_dirs).empty();
  bool rpm = !dpkg && !find_program("rpm", ctx.program_dirs).empty();
  if (!dpkg && !rpm)
    return outcome::fail("no package manager found (dpkg-query and rpm not installed)");
  auto request =
      dpkg ? program_for(
                 ctx, b, "dpkg-query",
                 {"-W", "-f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n"})
           : program_for(ctx, b, "rpm",
                         {"-qa", "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n"});
  auto result = run_program(request);
  if (!clean_exit(result)) return outcome::fail(program_failure(request, result, b.lim.time));
  bool truncated = result.out_truncated;
  auto packages =
      dpkg ? parse::dpkg_packages(result.out, b.lim.max_items, result.out_truncated, truncated)
           : parse::rpm_packages(result.out, b.lim.max_items, result.out_truncated, truncated);
  if (truncated) b.truncated = true;
  json::object data;
  data["manager"] = dpkg ? "dpkg" : "rpm";
  data["count"] = packages.size();
  data["packages"] = std::move(packages);
  return outcome::ok(std::move(data));
}

outcome collect_journal(const json::object& spec, const context& ctx, budget& b) {
  std::int64_t max_entries = 100, since_hours = 24;
  if (auto* v = spec.if_contains("max_entries")) max_entries = v->to_number<std::int64_t>();
  if (auto* v = spec.if_contains("since_hours")) since_hours = v->to_number<std::int64_t>();
  auto request = program_for(
      ctx, b, "journalctl",
      {"--no-pager", "--quiet", "--priority=err", "--since=-" + std::to_string(since_hours) + "h",
       "--reverse", "--lines=" + std::to_string(max_entries), "--output=json"});
  auto result = run_program(request);
  if (!clean_exit(result)) return outcome::fail(program_failure(request, result, b.lim.time));
  std::size_t skipped = 0;
  std::string_view text = result.out;
  if (result.out_truncated) {
    text = text.substr(0, text.rfind('\n') == std::string_view::npos ? 0 : text.rfind('\n') + 1);
    b.truncated = true;
  }
  auto limit = std::min<std::size_t>(static_cast<std::size_t>(max_entries), b.lim.max_items);
  auto entries = parse::journal(text, limit, 4096, skipped);
  if (entries.size() >= b.lim.max_items && static_cast<std::size_t>(max_entries) > b.lim.max_items)
    b.truncated = true;
  json::object data;
  data["since_hours"] = since_hours;
  data["entries"] = std::move(entries);
  if (skipped) data["skipped"] = skipped;
  if (text.empty())
    data["note"] = "no entries: none logged, or the journal is not readable by this user";
  return outcome::ok(std::move(data));
}

}  // namespace visit::collect
