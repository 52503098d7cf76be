// A live viewer WebSocket that the server may have to end from outside its own strand
// (logout, login session expiry): viewer_connection and console_connection.
#pragma once
#include <string>
#include <string_view>

#include "protocol/message.hpp"

namespace visit::server {

// The login session a viewer or console connection belongs to.
struct login_identity {
  std::string key;  // the login session's key (hash of its token)
  std::string username;
  std::string role;
};

class live_connection {
 public:
  // Sends close_reason `code` and closes. Any thread; returns at once.
  virtual void shut_down(protocol::close_code code, std::string_view message) = 0;

 protected:
  ~live_connection() = default;
};

}  // namespace visit::server
