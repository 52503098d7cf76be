// A stand-in for visit-server's customer endpoint: TLS + WebSocket on 127.0.0.1 (free port),
// run on its own thread. The test reads what the client sends as a queue of events and
// sends whatever it likes, valid or not. Several connections may follow one another; sends
// and closes go to the newest one.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test_pki.hpp"

namespace visit::client::testing {

class fake_visit_server {
 public:
  struct event {
    enum class kind { opened, message, closed };
    kind what = kind::opened;
    int connection = 0;               // 1, 2, ... in the order connections opened
    std::string target;               // opened: the HTTP target of the upgrade
    std::vector<std::uint8_t> bytes;  // message
    bool binary = true;               // message
    int close_code = -1;              // closed: the client's WebSocket close code, -1 if none
  };

  explicit fake_visit_server(const test_identity& identity);
  ~fake_visit_server();
  fake_visit_server(const fake_visit_server&) = delete;
  fake_visit_server& operator=(const fake_visit_server&) = delete;

  std::uint16_t port() const { return port_; }
  // The next event, or nullopt after `timeout`.
  std::optional<event> next(std::chrono::milliseconds timeout);
  // Sends one binary message to the newest connection.
  void send(std::vector<std::uint8_t> message);
  // Closes the newest connection with a WebSocket close `code`, once the messages sent before
  // are written.
  void close(std::uint16_t code);

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
  std::uint16_t port_ = 0;
};

}  // namespace visit::client::testing
