// The tamper-evident audit log (docs/security.md, "Audit log"): every access-control event of
// a support request and the technicians' input counted per second, in the append-only table
// audit_events of DATA_DIR/visit.db. Never the contents of keys, pastes or clipboards.
//
// Chain: each record's hash is HMAC-SHA256(key, previous hash || canonical encoding of the
// record) with the key in DATA_DIR/audit.key (32 random bytes, 0600); the first record's
// previous hash is 32 zero bytes. verify_audit_chain() walks the chain in seq order and names
// the first record that is missing, altered, out of place or hashed with another key.
// Deleting the newest records (the tail) leaves a shorter valid chain: the server logs the
// chain head ("audit head seq=N hash=H") so an operator can compare (docs/operations.md).
//
// Writing: audit_log queues records (bounded, never blocks its callers: a full queue drops and
// counts, and the writer logs the loss and appends an audit_overflow record) and one writer
// thread appends them, in batches, on its own SQLite connection. Input counts are summed per
// (request, technician, disposition) and second by input_aggregator and written once that
// second is over, or before the next event of the same request.
#pragma once
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "protocol/message.hpp"

namespace visit::server {

// One technician's input in one second, by kind. Counts only: never key codes or text.
struct input_counts {
  std::uint64_t messages = 0;
  std::uint64_t pointer_moves = 0;
  std::uint64_t button_presses = 0;
  std::uint64_t wheel_notches = 0;  // |dx| + |dy|
  std::uint64_t key_presses = 0;
  std::uint64_t specials = 0;
  std::uint64_t paste_chars = 0;      // Unicode code points
  std::uint64_t clipboard_bytes = 0;  // technician -> customer, or customer -> technician
  input_counts& operator+=(const input_counts& o);
  bool operator==(const input_counts&) const = default;
};

// What one viewer message of type input, paste_text or clipboard (already checked by
// parse_message) counts; a customer's clipboard counts its bytes. Other types count nothing.
input_counts count_input(protocol::message_type type, std::span<const std::uint8_t> payload);

// What became of counted input.
enum class input_disposition {
  forwarded,               // viewer -> customer, from the controller in Full-Access
  dropped_read_only,       // refused: the request is Read-Only
  dropped_not_controller,  // refused: Full-Access belongs to another technician
  clipboard_to_technician  // the customer's clipboard, forwarded to the controller
};

// Where the session hub reports. Implementations must not block or do I/O in these calls (the
// hub calls them with its mutex held) and must keep the order of the calls.
class audit_sink {
 public:
  // A discrete event; `detail` is a JSON object, stored as given.
  virtual void event(std::string_view request_id, std::string_view technician,
                     std::string_view kind, std::string detail) = 0;
  // Input to be counted per second.
  virtual void count(std::string_view request_id, std::string_view technician,
                     input_disposition what, const input_counts& counts) = 0;

 protected:
  ~audit_sink() = default;
};

struct audit_record {
  std::int64_t seq = 0;    // 1, 2, 3, ... without gaps
  std::int64_t at_us = 0;  // Unix time, microseconds (a counted second: its start)
  std::string request_id;
  std::string technician;  // may be empty (the customer's own events)
  std::string kind;
  std::string detail;  // JSON object
  std::string hash;    // 64 lowercase hex
};

using audit_key = std::array<std::uint8_t, 32>;

// Reads the key file; with `create`, makes it first when absent (32 bytes from the CSPRNG,
// mode 0600, never replacing a file). Throws std::runtime_error when it is absent (without
// `create`), not a regular file, not exactly 32 bytes, or readable or writable by group or
// others.
audit_key load_audit_key(const std::filesystem::path& file, bool create);

// The record's hash (64 lowercase hex) given the previous one (empty for seq 1).
std::string audit_hash(const audit_key& key, std::string_view previous_hash,
                       const audit_record& record);

// Checks records in the order given; the first failure sticks.
class audit_chain_verifier {
 public:
  explicit audit_chain_verifier(const audit_key& key) : key_(key) {}
  // False once a record fails: a seq other than the next one (a record deleted, added or
  // moved), or a hash that does not match (a field altered, records swapped, another key).
  bool add(const audit_record& r);
  bool intact() const { return !first_bad_; }
  std::optional<std::int64_t> first_bad_seq() const { return first_bad_; }
  const std::string& why() const { return why_; }
  std::int64_t checked() const { return checked_; }  // records that verified
  std::int64_t last_seq() const { return next_seq_ - 1; }
  const std::string& last_hash() const { return previous_; }

 private:
  audit_key key_;
  std::int64_t next_seq_ = 1;
  std::string previous_;
  std::int64_t checked_ = 0;
  std::optional<std::int64_t> first_bad_;
  std::string why_;
};

struct audit_verify_result {
  bool intact = false;
  std::int64_t checked = 0;
  std::optional<std::int64_t> first_bad_seq;
  std::string why;
  std::int64_t last_seq = 0;
  std::string last_hash;
};
// Walks audit_events of the database at `db_path` (opened read-only). Throws
// std::runtime_error when the database cannot be read.
audit_verify_result verify_audit_chain(const std::filesystem::path& db_path, const audit_key& key);
// The records of one request (all when empty), in seq order. Throws like verify_audit_chain.
std::vector<audit_record> read_audit_records(const std::filesystem::path& db_path,
                                             std::string_view request_id);

// Sums input counts per (request, technician, disposition) and second. Pure: the caller
// gives the time; not thread-safe.
class input_aggregator {
 public:
  // A record without seq and hash: what audit_log appends.
  using pending_record = audit_record;

  void add(std::int64_t now_us, std::string_view request_id, std::string_view technician,
           input_disposition what, const input_counts& counts);
  // Records of every second that ended before now_us's second, oldest second first.
  std::vector<pending_record> take_due(std::int64_t now_us);
  // Records of one request (every second, the current one too), oldest first.
  std::vector<pending_record> take_request(std::string_view request_id);
  std::vector<pending_record> take_all();
  bool empty() const { return buckets_.empty(); }

 private:
  using key = std::tuple<std::int64_t, std::string, std::string, int>;  // second, req, tech, what
  std::map<key, input_counts> buckets_;
  static pending_record make_record(const key& k, const input_counts& c);
};

class audit_log final : public audit_sink {
 public:
  struct options {
    std::size_t queue_capacity = 16384;   // records waiting for the writer
    std::chrono::milliseconds tick{200};  // how often the writer looks for ended seconds
  };
  using clock_us = std::function<std::int64_t()>;  // Unix time in microseconds

  // Opens its own connection to `db_path` (the store has created audit_events) and starts the
  // writer, which continues the chain from the newest record. Throws std::runtime_error at
  // start-up when the database or its table cannot be used.
  audit_log(const std::filesystem::path& db_path, const audit_key& key, options o,
            clock_us now = {});
  // Writes everything queued and every count (the current second too), then stops the writer.
  ~audit_log();
  audit_log(const audit_log&) = delete;
  audit_log& operator=(const audit_log&) = delete;

  // audit_sink: any thread; never blocks on the database.
  void event(std::string_view request_id, std::string_view technician, std::string_view kind,
             std::string detail) override;
  void count(std::string_view request_id, std::string_view technician, input_disposition what,
             const input_counts& counts) override;

  // Blocks until everything queued so far is written; with `all_counts`, the counts of the
  // current second too (tests, shutdown).
  void flush(bool all_counts = false);

  struct stats {
    std::uint64_t written = 0;  // records appended
    std::uint64_t lost = 0;     // dropped: queue full or a failed write
    std::int64_t last_seq = 0;
    std::string last_hash;
  };
  stats current_stats() const;

 private:
  void run();
  void write_batch(std::vector<audit_record>& batch);
  void enqueue_locked(audit_record r);

  struct db_handle;
  std::unique_ptr<db_handle> db_;
  audit_key key_;
  options options_;
  clock_us now_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_cv_;
  std::deque<audit_record> queue_;
  input_aggregator aggregator_;
  std::uint64_t lost_ = 0;           // total, reported in stats
  std::uint64_t lost_unlogged_ = 0;  // not yet logged and recorded by the writer
  std::uint64_t enqueued_ = 0;       // records ever queued
  std::uint64_t done_ = 0;           // records ever taken and handled by the writer
  bool flush_all_counts_ = false;
  bool stopping_ = false;
  stats stats_;
  std::thread writer_;  // last: started when everything else exists
};

}  // namespace visit::server
