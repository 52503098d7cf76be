#include "server/store/audit_log.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "protocol/control.hpp"
#include "server/log.hpp"
#include "server/store/sqlite_db.hpp"

namespace visit::server {

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr std::size_t hash_bytes = crypto_auth_hmacsha256_BYTES;
static_assert(hash_bytes == 32);
constexpr std::int64_t head_log_every = 1000;  // log the chain head every this many records

std::int64_t real_now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::uint64_t utf8_code_points(std::string_view s) {
  std::uint64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_field(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

std::string errno_text() {
  return std::strerror(errno);
}

audit_record read_row(const statement& st) {
  audit_record r;
  r.seq = st.column<std::int64_t>(0);
  r.at_us = st.column<std::int64_t>(1);
  r.request_id = st.column<std::string>(2);
  r.technician = st.column<std::string>(3);
  r.kind = st.column<std::string>(4);
  r.detail = st.column<std::string>(5);
  r.hash = st.column<std::string>(6);
  return r;
}

#define AUDIT_SELECT \
  "SELECT seq, at_us, request_id, technician, kind, detail, hash FROM audit_events "
constexpr const char* insert_sql =
    "INSERT INTO audit_events(seq, at_us, request_id, technician, kind, detail, hash) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";

// A one-off query of the command line's read-only connection; throws when it cannot run.
statement read_query(sqlite_db& db, const char* sql) {
  auto st = db.prepare(sql);
  if (!st) throw std::runtime_error("cannot read audit_events: " + db.error_message());
  return st;
}

}  // namespace

// --- counting -----------------------------------------------------------------------------------

input_counts& input_counts::operator+=(const input_counts& o) {
  messages += o.messages;
  pointer_moves += o.pointer_moves;
  button_presses += o.button_presses;
  wheel_notches += o.wheel_notches;
  key_presses += o.key_presses;
  specials += o.specials;
  paste_chars += o.paste_chars;
  clipboard_bytes += o.clipboard_bytes;
  return *this;
}

input_counts count_input(protocol::message_type type, std::span<const std::uint8_t> payload) {
  namespace ct = protocol::control_type;
  input_counts c;
  if (type == ct::input) {
    auto batch = protocol::parse_input(payload);
    if (!batch) return c;
    c.messages = 1;
    for (const auto& e : batch->events) {
      switch (e.kind) {
        case protocol::input_kind::pointer_move:
          ++c.pointer_moves;
          break;
        case protocol::input_kind::button:
          c.button_presses += e.pressed ? 1 : 0;
          break;
        case protocol::input_kind::wheel:
          c.wheel_notches += static_cast<std::uint64_t>(std::abs(e.dx) + std::abs(e.dy));
          break;
        case protocol::input_kind::key:
          c.key_presses += e.pressed ? 1 : 0;
          break;
        case protocol::input_kind::special:
          ++c.specials;
          break;
      }
    }
  } else if (type == ct::paste_text) {
    auto t = protocol::parse_paste_text(payload);
    if (!t) return c;
    c.messages = 1;
    c.paste_chars = utf8_code_points(t->text);
  } else if (type == ct::clipboard) {
    auto t = protocol::parse_clipboard(payload);
    if (!t) return c;
    c.messages = 1;
    c.clipboard_bytes = t->text.size();
  }
  return c;
}

// --- key and chain ------------------------------------------------------------------------------

audit_key load_audit_key(const fs::path& file, bool create) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
  int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && create) {
    audit_key fresh;
    randombytes_buf(fresh.data(), fresh.size());
    int w = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (w < 0 && errno != EEXIST) {
      throw std::runtime_error("cannot create audit key " + file.string() + ": " + errno_text());
    }
    if (w >= 0) {
      bool ok = ::write(w, fresh.data(), fresh.size()) == static_cast<ssize_t>(fresh.size()) &&
                ::fsync(w) == 0;
      std::string why = ok ? std::string() : errno_text();
      ::close(w);
      sodium_memzero(fresh.data(), fresh.size());
      if (!ok) {
        ::unlink(file.c_str());
        throw std::runtime_error("cannot write audit key " + file.string() + ": " + why);
      }
      // The key must survive a crash together with the records it signs.
      int dir = ::open(file.parent_path().empty() ? "." : file.parent_path().c_str(),
                       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
      }
      log_line("audit key created " + log_quote(file.string(), 256) +
               " (back it up: without it the audit log cannot be verified)");
    }
    fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0)
    throw std::runtime_error("cannot open audit key " + file.string() + ": " + errno_text());
  struct stat st {};
  std::string problem;
  if (::fstat(fd, &st) != 0) {
    problem = "cannot stat it: " + errno_text();
  } else if (!S_ISREG(st.st_mode)) {
    problem = "it is not a regular file";
  } else if ((st.st_mode & 0077) != 0) {
    problem = "it is accessible by group or others (chmod 600 it)";
  } else if (st.st_size != static_cast<off_t>(sizeof(audit_key))) {
    problem = "it must hold exactly 32 bytes, not " + std::to_string(st.st_size);
  }
  audit_key key{};
  if (problem.empty() && ::read(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size())) {
    problem = "cannot read it: " + errno_text();
  }
  ::close(fd);
  if (!problem.empty()) {
    throw std::runtime_error("refusing audit key " + file.string() + ": " + problem);
  }
  return key;
}

std::string audit_hash(const audit_key& key, std::string_view previous_hash,
                       const audit_record& r) {
  // Canonical encoding: the previous hash as 32 raw bytes (zeros before seq 1), then seq and
  // at_us as little-endian 64-bit integers, then each text field as a little-endian u32 length
  // and its bytes. Lengths make the encoding unambiguous: no two records encode alike.
  std::array<std::uint8_t, hash_bytes> prev{};
  if (previous_hash.size() == 2 * hash_bytes) {
    std::size_t bin_len = 0;
    if (sodium_hex2bin(prev.data(), prev.size(), previous_hash.data(), previous_hash.size(),
                       nullptr, &bin_len, nullptr) != 0 ||
        bin_len != hash_bytes) {
      prev.fill(0xFF);  // a malformed stored hash can never verify the next record
    }
  } else if (!previous_hash.empty()) {
    prev.fill(0xFF);
  }
  std::string enc;
  enc.reserve(64 + r.request_id.size() + r.technician.size() + r.kind.size() + r.detail.size());
  enc.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  put_u64(enc, static_cast<std::uint64_t>(r.seq));
  put_u64(enc, static_cast<std::uint64_t>(r.at_us));
  put_field(enc, r.request_id);
  put_field(enc, r.technician);
  put_field(enc, r.kind);
  put_field(enc, r.detail);
  std::array<std::uint8_t, hash_bytes> mac{};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(enc.data()),
                                enc.size());
  crypto_auth_hmacsha256_final(&st, mac.data());
  sodium_memzero(&st, sizeof st);
  std::string hex(2 * hash_bytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();
  return hex;
}

bool audit_chain_verifier::add(const audit_record& r) {
  if (first_bad_) return false;
  if (r.seq != next_seq_) {
    first_bad_ = next_seq_;
    why_ = r.seq > next_seq_ ? "record " + std::to_string(next_seq_) + " is missing (next is " +
                                   std::to_string(r.seq) + ")"
                             : "record " + std::to_string(r.seq) + " is out of place";
    return false;
  }
  std::string want = audit_hash(key_, previous_, r);
  // The size first: a tampered hash may be shorter than the one computed (even empty).
  if (r.hash.size() != want.size() || sodium_memcmp(want.data(), r.hash.data(), want.size()) != 0) {
    first_bad_ = r.seq;
    why_ = "record " + std::to_string(r.seq) +
           " does not match its hash (altered, moved, or written with another key)";
    return false;
  }
  previous_ = r.hash;
  ++next_seq_;
  ++checked_;
  return true;
}

audit_verify_result verify_audit_chain(const fs::path& db_path, const audit_key& key) {
  sqlite_db db(db_path, sqlite_db::mode::read_only);
  auto st = read_query(db, AUDIT_SELECT "ORDER BY seq");
  audit_chain_verifier v(key);
  while (st.step()) {
    if (!v.add(read_row(st))) break;
  }
  if (st.failed()) throw std::runtime_error("cannot read audit_events: " + db.error_message());
  audit_verify_result out;
  out.intact = v.intact();
  out.checked = v.checked();
  out.first_bad_seq = v.first_bad_seq();
  out.why = v.why();
  out.last_seq = v.last_seq();
  out.last_hash = v.last_hash();
  return out;
}

std::vector<audit_record> read_audit_records(const fs::path& db_path, std::string_view request_id) {
  sqlite_db db(db_path, sqlite_db::mode::read_only);
  auto st = read_query(db, AUDIT_SELECT "WHERE ?1 = '' OR request_id = ?1 ORDER BY seq");
  st.bind(request_id);
  std::vector<audit_record> out;
  while (st.step()) out.push_back(read_row(st));
  if (!st.done()) throw std::runtime_error("cannot read audit_events: " + db.error_message());
  return out;
}

// --- per-second counts --------------------------------------------------------------------------

void input_aggregator::add(std::int64_t now_us, std::string_view request_id,
                           std::string_view technician, input_disposition what,
                           const input_counts& counts) {
  const std::int64_t second = now_us >= 0 ? now_us / 1'000'000 : 0;
  buckets_[key{second, std::string(request_id), std::string(technician), static_cast<int>(what)}] +=
      counts;
}

input_aggregator::pending_record input_aggregator::make_record(const key& k,
                                                               const input_counts& c) {
  pending_record r;
  r.at_us = std::get<0>(k) * 1'000'000;
  r.request_id = std::get<1>(k);
  r.technician = std::get<2>(k);
  json::object d;
  switch (static_cast<input_disposition>(std::get<3>(k))) {
    case input_disposition::forwarded:
      r.kind = "input";
      break;
    case input_disposition::dropped_read_only:
      r.kind = "input_dropped";
      d["reason"] = "read_only";
      break;
    case input_disposition::dropped_not_controller:
      r.kind = "input_dropped";
      d["reason"] = "not_controller";
      break;
    case input_disposition::clipboard_to_technician:
      r.kind = "clipboard_to_technician";
      break;
  }
  d["messages"] = c.messages;
  auto put = [&](const char* name, std::uint64_t v) {
    if (v != 0) d[name] = v;
  };
  put("pointer_moves", c.pointer_moves);
  put("button_presses", c.button_presses);
  put("wheel_notches", c.wheel_notches);
  put("key_presses", c.key_presses);
  put("specials", c.specials);
  put("paste_chars", c.paste_chars);
  put("clipboard_bytes", c.clipboard_bytes);
  r.detail = json::serialize(d);
  return r;
}

std::vector<input_aggregator::pending_record> input_aggregator::take_due(std::int64_t now_us) {
  const std::int64_t current = now_us >= 0 ? now_us / 1'000'000 : 0;
  std::vector<pending_record> out;
  auto it = buckets_.begin();
  while (it != buckets_.end() && std::get<0>(it->first) < current) {
    out.push_back(make_record(it->first, it->second));
    it = buckets_.erase(it);
  }
  return out;
}

std::vector<input_aggregator::pending_record> input_aggregator::take_request(
    std::string_view request_id) {
  std::vector<pending_record> out;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (std::get<1>(it->first) == request_id) {
      out.push_back(make_record(it->first, it->second));
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<input_aggregator::pending_record> input_aggregator::take_all() {
  std::vector<pending_record> out;
  out.reserve(buckets_.size());
  for (const auto& [k, c] : buckets_) out.push_back(make_record(k, c));
  buckets_.clear();
  return out;
}

// --- the writer ---------------------------------------------------------------------------------

struct audit_log::db_handle {
  explicit db_handle(const fs::path& path) : db(path, sqlite_db::mode::read_write) {}
  sqlite_db db;
  std::int64_t seq = 0;  // the chain's newest record (writer thread only after start-up)
  std::string hash;
};

audit_log::audit_log(const fs::path& db_path, const audit_key& key, options o, clock_us now)
    : key_(key), options_(o), now_(now ? std::move(now) : clock_us(real_now_us)) {
  try {
    db_ = std::make_unique<db_handle>(db_path);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("audit log " + db_path.string() + ": " + e.what());
  }
  auto fail = [&](const std::string& what) {
    throw std::runtime_error("audit log " + db_path.string() + ": " + what + ": " +
                             db_->db.error_message());
  };
  if (!db_->db.try_exec("PRAGMA synchronous=FULL")) fail("cannot set synchronous=FULL");
  if (!db_->db.get(insert_sql)) fail("no audit_events table");
  // Continue the chain from its newest record, and say when that record does not verify with
  // this key (a replaced key file, or tampering): `audit verify` will name the first bad seq.
  std::vector<audit_record> tail;
  {
    auto st = db_->db.prepare(AUDIT_SELECT "ORDER BY seq DESC LIMIT 2");
    if (!st) fail("cannot read audit_events");
    while (st.step()) tail.push_back(read_row(st));
  }
  if (!tail.empty()) {
    db_->seq = tail[0].seq;
    db_->hash = tail[0].hash;
    std::string previous = tail.size() > 1 ? tail[1].hash : std::string();
    if (audit_hash(key_, previous, tail[0]) != tail[0].hash) {
      log_line("WARNING: the newest audit record (seq=" + std::to_string(tail[0].seq) +
               ") does not verify with the audit key; run: visit-server audit verify");
    }
  }
  log_line("audit log continues at seq=" + std::to_string(db_->seq + 1));
  stats_.last_seq = db_->seq;
  stats_.last_hash = db_->hash;
  writer_ = std::thread([this] { run(); });
}

audit_log::~audit_log() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  log_line("audit head seq=" + std::to_string(db_->seq) + " hash=" + db_->hash);
}

void audit_log::enqueue_locked(audit_record r) {
  if (queue_.size() >= options_.queue_capacity) {
    ++lost_;
    ++lost_unlogged_;
    return;
  }
  queue_.push_back(std::move(r));
  ++enqueued_;
}

void audit_log::event(std::string_view request_id, std::string_view technician,
                      std::string_view kind, std::string detail) {
  std::lock_guard lock(mutex_);
  // The request's counts so far go first, so the log reads in the order things happened.
  for (auto& r : aggregator_.take_request(request_id)) enqueue_locked(std::move(r));
  audit_record r;
  r.at_us = now_();
  r.request_id = request_id;
  r.technician = technician;
  r.kind = kind;
  r.detail = std::move(detail);
  enqueue_locked(std::move(r));
  wake_.notify_one();
}

void audit_log::count(std::string_view request_id, std::string_view technician,
                      input_disposition what, const input_counts& counts) {
  std::lock_guard lock(mutex_);
  aggregator_.add(now_(), request_id, technician, what, counts);
}

void audit_log::flush(bool all_counts) {
  std::unique_lock lock(mutex_);
  if (all_counts) {
    for (auto& r : aggregator_.take_all()) enqueue_locked(std::move(r));
  }
  const std::uint64_t target = enqueued_;
  wake_.notify_one();
  written_cv_.wait(lock, [&] { return done_ >= target || !writer_.joinable(); });
}

audit_log::stats audit_log::current_stats() const {
  std::lock_guard lock(mutex_);
  stats s = stats_;
  s.lost = lost_;
  return s;
}

void audit_log::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, options_.tick, [&] { return stopping_ || !queue_.empty(); });
    const bool last_round = stopping_;
    for (auto& r : last_round ? aggregator_.take_all() : aggregator_.take_due(now_())) {
      queue_.push_back(std::move(r));  // counts are bounded by the live viewers, not the queue
      ++enqueued_;
    }
    std::vector<audit_record> batch(std::make_move_iterator(queue_.begin()),
                                    std::make_move_iterator(queue_.end()));
    queue_.clear();
    const std::uint64_t taken = batch.size();
    const std::uint64_t lost = std::exchange(lost_unlogged_, 0);
    const std::int64_t now = now_();
    lock.unlock();

    if (lost > 0) {
      log_line("WARNING: audit queue full: " + std::to_string(lost) +
               " audit records lost (recorded as audit_overflow)");
      audit_record r;
      r.at_us = now;
      r.kind = "audit_overflow";
      r.detail = "{\"lost\":" + std::to_string(lost) + "}";
      batch.push_back(std::move(r));
    }
    if (!batch.empty()) write_batch(batch);

    lock.lock();
    done_ += taken;
    stats_.last_seq = db_->seq;
    stats_.last_hash = db_->hash;
    written_cv_.notify_all();
    if (last_round && queue_.empty() && lost_unlogged_ == 0) return;
  }
}

void audit_log::write_batch(std::vector<audit_record>& batch) {
  // One transaction per batch: one fsync for many records, and a batch is in the chain whole
  // or not at all.
  std::int64_t seq = db_->seq;
  std::string hash = db_->hash;
  bool ok = db_->db.try_exec("BEGIN IMMEDIATE");
  for (auto& r : batch) {
    if (!ok) break;
    r.seq = seq + 1;
    r.hash = audit_hash(key_, hash, r);
    ok = db_->db.get(insert_sql)
             .run(r.seq, r.at_us, r.request_id, r.technician, r.kind, r.detail, r.hash);
    seq = r.seq;
    hash = r.hash;
  }
  if (ok) ok = db_->db.try_exec("COMMIT");
  if (!ok) {
    std::string why = db_->db.error_message();
    db_->db.try_exec("ROLLBACK");
    log_line("audit write failed (" + why + "): " + std::to_string(batch.size()) +
             " audit records lost");
    std::lock_guard lock(mutex_);
    lost_ += batch.size();
    return;
  }
  const bool crossed = seq / head_log_every != db_->seq / head_log_every;
  db_->seq = seq;
  db_->hash = hash;
  if (crossed) log_line("audit head seq=" + std::to_string(seq) + " hash=" + hash);
}

}  // namespace visit::server
