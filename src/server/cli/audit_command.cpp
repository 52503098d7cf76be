#include "server/cli/audit_command.hpp"

#include <sodium.h>

#include <ctime>
#include <exception>
#include <string>

#include "server/store/audit_log.hpp"

namespace visit::server {

namespace {

// "2026-11-29T09:30:00.123456Z"
std::string utc_time(std::int64_t at_us) {
  std::time_t secs = static_cast<std::time_t>(at_us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(at_us % 1'000'000));
  return std::string(buf) + frac;
}

// Stored text printed on one line: control bytes escaped, so a record cannot forge another.
std::string one_line(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F || c == '\\') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

int run_audit(const audit_options& o, std::ostream& out, std::ostream& err) {
  const auto db = o.data_dir / "visit.db";
  try {
    if (o.what == audit_options::action::list) {
      for (const auto& r : read_audit_records(db, o.request_id)) {
        out << r.seq << '\t' << utc_time(r.at_us) << '\t' << one_line(r.request_id) << '\t'
            << (r.technician.empty() ? "-" : one_line(r.technician)) << '\t' << one_line(r.kind)
            << '\t' << one_line(r.detail) << '\n';
      }
      return 0;
    }
    audit_key key = load_audit_key(o.data_dir / "audit.key", false);
    audit_verify_result v = verify_audit_chain(db, key);
    sodium_memzero(key.data(), key.size());
    if (v.intact) {
      out << "audit log intact: " << v.checked << " records, head seq=" << v.last_seq
          << " hash=" << (v.last_hash.empty() ? "-" : v.last_hash) << '\n';
      return 0;
    }
    out << "audit log BROKEN at seq " << *v.first_bad_seq << ": " << v.why << " (" << v.checked
        << " records verified before it)\n";
    return 1;
  } catch (const std::exception& e) {
    err << "visit-server: " << e.what() << '\n';
    return 2;
  }
}

}  // namespace visit::server
