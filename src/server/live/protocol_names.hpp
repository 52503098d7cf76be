// Short, stable names for log lines ("error=bad_tile"), distinct from the protocol library's
// human-readable texts. Message type names come from the protocol's one table
// (protocol/message_types.hpp).
#pragma once
#include <string_view>

#include "protocol/message.hpp"

namespace visit::server {

std::string_view parse_error_name(protocol::parse_error e);
// The type's name in protocol::message_info_of(); "unknown" for a number that is no type.
std::string_view message_type_name(protocol::message_type t);

}  // namespace visit::server
