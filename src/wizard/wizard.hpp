// The wizard definition and the customer's answers (docs/protocol.md §10, §3.4): validation
// of a definition (§10.1), of answers (§10.2) and of a whole support_request, routing (§10.3)
// and the summary line. Shared by the server (refuses bad definitions and requests) and the
// client (checks the server's definition and its own answers before sending anything).
//
// Contract: every function is pure, never throws on any JSON input (hostile sizes and
// nesting included) and reports problems as sentences prefixed by the JSON path of the thing
// at fault, e.g. "pages[0].questions[2].type: must be one of text, long_text, choice".
// An empty problem list means valid. At most `max_problems` problems are listed; the last
// entry then says how many more there were.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace visit::wizard {

// Limits of §10.1 / §3.4 / §7.
inline constexpr std::size_t max_definition_bytes = 48 * 1024;
inline constexpr std::size_t max_request_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t max_pages = 10;
inline constexpr std::size_t max_questions = 20;
inline constexpr std::size_t max_collectors = 16;
inline constexpr std::size_t min_options = 2;
inline constexpr std::size_t max_options = 50;
inline constexpr std::size_t max_name_bytes = 128;
inline constexpr std::size_t max_reason_bytes = 1024;
inline constexpr std::size_t max_problems = 100;

struct validation_context {
  // Checks one collector spec (the server passes visit::collect::check_spec; `process_from`
  // is removed before the call, it belongs to the wizard). nullopt = fine, else a message.
  // Empty: only `id` is checked against the known collector names.
  std::function<std::optional<std::string>(const boost::json::object&)> check_collector;
  // True when a queue of that name exists. Empty: any well-formed queue name is accepted.
  std::function<bool(std::string_view)> queue_exists;
};

// Collector names of docs/collectors.md, for the check without a collector library.
const std::vector<std::string_view>& known_collector_names();

// §10.1: the problems of a definition; empty = valid.
std::vector<std::string> validate_definition(const boost::json::value& definition,
                                             const validation_context& context);

// A good default for Linux desktops (valid under an empty context whose queues include
// "senior").
boost::json::object default_definition();

// §10.2: problems of an answers object, each prefixed "answers.ID: ". `definition` must be
// valid (validate_definition); an invalid one gives no crash but meaningless results.
std::vector<std::string> validate_answers(const boost::json::object& definition,
                                          const boost::json::value& answers);

// The answers as they are sent and stored: text trimmed, empty optional answers dropped,
// unknown members and non-strings dropped. Valid answers stay valid.
boost::json::object normalize_answers(const boost::json::object& definition,
                                      const boost::json::object& answers);

// §10.3: the queue of a request with these (valid) answers: "general" unless a choice answer
// names an option with a `queue`.
std::string route(const boost::json::object& definition, const boost::json::object& answers);

// The trimmed answer to the definition's summary_question, or "" when there is none.
std::string summary(const boost::json::object& definition, const boost::json::object& answers);

// §3.4: problems of a whole support_request payload against a (valid) definition: members
// wizard_version, name, answers, collected; collected keys = the definition's collector ids,
// each {"status":"ok","data",...} | {"status":"not_collected","reason",...} |
// {"status":"left_out"}; at most 4 MiB serialized.
std::vector<std::string> validate_support_request(const boost::json::object& definition,
                                                  const boost::json::value& request);

// Every question of a definition in order (pointers into `definition`, which must outlive
// the result). Skips anything that is not an object.
std::vector<const boost::json::object*> questions(const boost::json::object& definition);

// Counts Unicode characters of valid UTF-8 (bytes that do not continue a sequence).
std::size_t count_characters(std::string_view utf8);

// `text` without leading and trailing spaces, tabs, newlines and carriage returns.
std::string_view trim(std::string_view text);

}  // namespace visit::wizard
