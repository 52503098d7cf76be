// A SAX pass with boost::json::basic_parser: it validates syntax and UTF-8 without building a
// DOM, so refusing a hostile payload costs no allocation.
#include "protocol/json_check.hpp"

#include <boost/json/basic_parser_impl.hpp>

namespace visit::protocol::detail {
namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

// Accepts everything except a top-level value that is not an object. The structural bounds
// are sized for the largest JSON message, a support_request (4 MiB: process and package lists
// of up to 65536 entries, configuration files of up to 1 MiB); each receiver bounds its own
// fields further.
struct object_only_handler {
  static constexpr std::size_t max_object_size = 65536;
  static constexpr std::size_t max_array_size = 65536;
  static constexpr std::size_t max_key_size = 4096;
  static constexpr std::size_t max_string_size = 1u << 20;

  int depth = 0;

  bool top_level_scalar(error_code& ec) {
    if (depth == 0) {
      ec = json::error::syntax;
      return false;
    }
    return true;
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code& ec) {
    if (!top_level_scalar(ec)) return false;
    ++depth;
    return true;
  }
  bool on_array_end(std::size_t, error_code&) {
    --depth;
    return true;
  }
  bool on_object_begin(error_code&) {
    ++depth;
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    --depth;
    return true;
  }
  bool on_string_part(string_view, std::size_t, error_code&) { return true; }
  bool on_string(string_view, std::size_t, error_code& ec) { return top_level_scalar(ec); }
  bool on_key_part(string_view, std::size_t, error_code&) { return true; }
  bool on_key(string_view, std::size_t, error_code&) { return true; }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, string_view, error_code& ec) { return top_level_scalar(ec); }
  bool on_uint64(std::uint64_t, string_view, error_code& ec) { return top_level_scalar(ec); }
  bool on_double(double, string_view, error_code& ec) { return top_level_scalar(ec); }
  bool on_bool(bool, error_code& ec) { return top_level_scalar(ec); }
  bool on_null(error_code& ec) { return top_level_scalar(ec); }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

}  // namespace

bool is_json_object(std::string_view text) {
  json::parse_options opt;  // strict defaults: no comments, no trailing commas, UTF-8 checked
  json::basic_parser<object_only_handler> parser(opt);
  error_code ec;
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  return !ec && used == text.size() && parser.done();
}

}  // namespace visit::protocol::detail
