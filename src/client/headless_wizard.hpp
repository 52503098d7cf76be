// The headless face of the wizard (docs/protocol.md §3.1 step 3, §10): answers from a file,
// flags or the terminal, the definition's collectors, the review of exactly what will be sent,
// and the customer's confirmation. Nothing leaves this module but the confirmed payload; the
// session sends it byte-exact (and again, unchanged, after a reconnect).
//
// Thread-safety: run_headless_wizard() blocks (collectors, the terminal) and runs on a
// worker thread of its own; it touches only its arguments.
#pragma once
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace visit::client {

// What the command line said (client_options.hpp).
struct wizard_inputs {
  std::string name;
  std::string description;   // --description: fills the summary question unless --answer does
  std::string answers_file;  // --answers FILE: a JSON object id -> string
  std::vector<std::pair<std::string, std::string>> answers;  // --answer ID=VALUE, in order
  std::vector<std::string> leave_out;                        // --leave-out collector ids
  bool review = false;                                       // --review
  bool yes = false;                                          // --yes
};

struct wizard_terminal {
  std::istream& in;   // the customer's answers (a terminal when `interactive`)
  std::ostream& out;  // review and questions
  bool interactive;   // stdin is a terminal
  std::function<void(const std::string&)> progress;  // one log line per step
  // Runs one collector spec (process_from already resolved); visit::collect::run in the app.
  std::function<boost::json::object(const boost::json::object& spec)> run_collector;
};

struct wizard_outcome {
  int exit_code = 0;                  // 0: payload is confirmed; else exit with this code
  std::string payload;                // the support_request JSON, exactly as confirmed
  std::vector<std::string> messages;  // why not (each a line for stderr)
};

// Exit codes (README): 2 answers or confirmation missing, 1 the customer said no.
inline constexpr int exit_usage = 2;
inline constexpr int exit_declined = 1;

wizard_outcome run_headless_wizard(const boost::json::object& definition,
                                   std::int64_t wizard_version, const wizard_inputs& inputs,
                                   wizard_terminal& terminal);

// Pieces, for tests and for the review text:

// The answers from the file, --description and --answer flags (flags win), not yet validated.
// Problems reading the file go to `problems`.
boost::json::object merge_answers(const boost::json::object& definition,
                                  const wizard_inputs& inputs, std::vector<std::string>& problems);

// The request payload {"wizard_version","name","answers","collected"}; entries too large for
// 4 MiB in all are replaced by not_collected with a reason.
boost::json::object build_request(std::int64_t wizard_version, const std::string& name,
                                  const boost::json::object& answers,
                                  boost::json::object collected);

// The review: every answer with its label, every collector's data (indented JSON, control
// characters escaped) or its reason, with sizes. Deterministic for a given payload.
std::string render_review(const boost::json::object& definition,
                          const boost::json::object& request);

// Pretty JSON with two-space indents; strings escaped so nothing reaches a terminal raw.
std::string pretty_json(const boost::json::value& v, int indent = 0);

}  // namespace visit::client
