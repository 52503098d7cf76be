// Support for the integration tests that run the real visit-server over TLS: a small Beast
// client (HTTP and WebSocket, every operation with a timeout), a customer that speaks the
// front-door handshake (docs/protocol.md §3.1, §3.4) and the test accounts.
#pragma once
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include "protocol/control.hpp"
#include "protocol/message.hpp"
#include "server_process.hpp"
#include "web/web_assets.hpp"

namespace visit::server::it {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using protocol::message_type;
using testing::server_process;

constexpr auto io_timeout = 5s;

// One io_context on a background thread; every client operation is async + future + timeout.
class io_thread {
 public:
  io_thread() : work_(net::make_work_guard(ioc_)), thread_([this] { ioc_.run(); }) {}
  ~io_thread() {
    work_.reset();
    ioc_.stop();
    thread_.join();
  }
  net::io_context& ioc() { return ioc_; }

 private:
  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::thread thread_;
};

// The completion token of every client operation: a future, with the handler bound to the
// io_context's executor. A bare net::use_future handler's associated executor is the
// promise_executor, which forwards to asio's system_executor; Beast then runs the rest of a
// composed operation on asio's global system_context threads whenever it posts its
// continuation (net::post(std::move(*this)) in websocket ops, async_base::complete(false),
// teardown_tcp_op after the close handshake). That code races with the io thread on the
// stream, and its last work-tracking executors can be destroyed after the client (and its
// io_context) is gone -- a SIGSEGV in scheduler::work_finished on a system_context thread, at
// process exit, after the test has passed.
template <class Executor>
auto on(const Executor& ex) {
  return net::bind_executor(ex, net::use_future);
}

template <class T>
T wait(std::future<T> f, std::chrono::milliseconds timeout = io_timeout) {
  if (f.wait_for(timeout) != std::future_status::ready) throw std::runtime_error("timeout");
  return f.get();
}

inline std::string sha256_of_peer(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return {};
  unsigned char md[32];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  X509_free(cert);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < len; ++i) {
    s += hex[md[i] >> 4];
    s += hex[md[i] & 15];
  }
  return s;
}

struct http_result {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; Set-Cookie joined by "\n"
  std::string body;
  json::value json() const { return json::parse(body); }
};

class client {
 public:
  explicit client(const server_process& server) : server_(server), tls_(ssl::context::tls_client) {
    tls_.set_verify_mode(ssl::verify_none);  // pinned by fingerprint below instead
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  std::string origin() const { return "https://" + host(); }

  http_result request(http::verb method, std::string target, std::string body = {},
                      std::map<std::string, std::string> headers = {}) {
    beast::ssl_stream<beast::tcp_stream> stream(io_.ioc(), tls_);
    connect(stream);
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host());
    for (auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
      req.body() = body;
      if (!headers.count("Content-Type")) req.set(http::field::content_type, "application/json");
    }
    req.prepare_payload();
    // Write and read at once: the server may answer (413, 431) and close before it has read
    // the whole request, and the answer is what the test wants.
    auto written = http::async_write(stream, req, on(stream.get_executor()));
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    wait(http::async_read(stream, buf, res, on(stream.get_executor())));
    try {
      wait(std::move(written));
    } catch (const boost::system::system_error&) {
    }
    http_result out;
    out.status = res.result_int();
    for (auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto& slot = out.headers[name];
      if (!slot.empty()) slot += "\n";
      slot += std::string(f.value());
    }
    out.body = res.body();
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
    return out;
  }

  template <class Stream>
  void connect(Stream& s) {
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), server_.port());
    if (!local_address.empty()) {  // a distinct 127.x.y.z source address (T7)
      auto& sock = beast::get_lowest_layer(s).socket();
      sock.open(tcp::v4());
      sock.bind(tcp::endpoint(net::ip::make_address(local_address), 0));
    }
    wait(beast::get_lowest_layer(s).socket().async_connect(ep, on(s.get_executor())));
    wait(s.async_handshake(ssl::stream_base::client, on(s.get_executor())));
    EXPECT_EQ(sha256_of_peer(s.native_handle()), server_.fingerprint());
  }

  // Logs in; returns {cookie "name=value", csrf}.
  std::pair<std::string, std::string> login(const std::string& user, const std::string& password) {
    auto r = request(http::verb::post, "/api/login",
                     json::serialize(json::object{{"username", user}, {"password", password}}));
    EXPECT_EQ(r.status, 200u) << r.body;
    if (r.status != 200) return {};
    std::string cookie = r.headers["set-cookie"];
    cookie = cookie.substr(0, cookie.find(';'));
    return {cookie, std::string(r.json().at("csrf").as_string())};
  }

  io_thread& io() { return io_; }
  std::string local_address;  // when set, connections come from this address
  ssl::context& tls() { return tls_; }
  const server_process& server() const { return server_; }

 private:
  const server_process& server_;
  io_thread io_;
  ssl::context tls_;
};

// A WebSocket over TLS to the server; speaks protocol messages.
class ws_client {
 public:
  ws_client(client& c, std::string target, std::map<std::string, std::string> headers)
      : c_(c), ws_(c.io().ioc(), c.tls()) {
    c.connect(ws_.next_layer());
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (auto& [k, v] : headers) req.set(k, v);
    }));
    ws_.read_message_max(protocol::max_message_size + 1024);
    ws_.binary(true);
    websocket::response_type res;
    try {
      wait(ws_.async_handshake(res, c.host(), target, on(ws_.get_executor())));
      status = 101;
    } catch (const std::exception&) {
      status = res.result_int();
    }
  }

  void send(const std::vector<std::uint8_t>& bytes) {
    ws_.binary(true);
    wait(ws_.async_write(net::buffer(bytes), on(ws_.get_executor())));
  }
  void send_text(const std::string& text) {
    ws_.text(true);
    wait(ws_.async_write(net::buffer(text), on(ws_.get_executor())));
  }
  void send_json(message_type t, const std::string& json_text) {
    send(protocol::make_json_message(t, next_seq_++, protocol::now_us(), json_text));
  }
  void send_message(message_type t, std::span<const std::uint8_t> payload) {
    send(protocol::make_message(t, next_seq_++, protocol::now_us(), payload));
  }

  struct received {
    message_type type{};
    std::uint32_t sequence = 0;
    std::vector<std::uint8_t> payload;
    std::string text() const { return {payload.begin(), payload.end()}; }
  };
  // The next message, or nullopt when the connection closed (close_code() tells the code).
  std::optional<received> read(std::chrono::milliseconds timeout = io_timeout) {
    beast::flat_buffer buf;
    try {
      wait(ws_.async_read(buf, on(ws_.get_executor())), timeout);
    } catch (const boost::system::system_error&) {
      closed = true;
      return std::nullopt;
    }
    auto data = buf.cdata();
    std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t*>(data.data()), data.size());
    auto m = protocol::parse_message(bytes);
    EXPECT_TRUE(m) << "the server sent an invalid message";
    if (!m) return std::nullopt;
    EXPECT_EQ(m->hdr.sequence, last_in_ + 1) << "server sequence numbers must count up by one";
    last_in_ = m->hdr.sequence;
    return received{m->hdr.type, m->hdr.sequence, {m->payload.begin(), m->payload.end()}};
  }
  // Reads until a message of `type` arrives (others are skipped), or nullopt.
  std::optional<received> read_until(message_type type) {
    for (int i = 0; i < 50; ++i) {
      auto m = read();
      if (!m || m->type == type) return m;
    }
    return std::nullopt;
  }
  int close_code() { return static_cast<int>(ws_.reason().code); }
  void close() {
    try {
      wait(ws_.async_close(websocket::close_code::normal, on(ws_.get_executor())));
    } catch (...) {
    }
  }

  unsigned status = 0;
  bool closed = false;

 private:
  client& c_;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
  std::uint32_t next_seq_ = 1;
  std::uint32_t last_in_ = 0;
};

inline std::vector<std::uint8_t> solid_frame(int x, int y, int w, int h, std::uint8_t r) {
  std::vector<std::uint8_t> p;
  protocol::put_u16(p, 1);
  protocol::put_u16(p, 0);
  protocol::write_tile_header(p, static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y),
                              static_cast<std::uint16_t>(w), static_cast<std::uint16_t>(h),
                              protocol::tile_encoding::solid, 3);
  p.insert(p.end(), {r, 0x20, 0x30});
  return p;
}

// A connected customer that has said hello and sent screen_info 100x100.
// The customer's side of the handshake: hello (optionally with a code), the server's hello
// with the wizard; answers every required question of it (or takes `answers`), leaves every
// collector out, sends support_request and reads request_filed.
struct customer {
  customer(client& c, const std::string& name, json::object answers = {},
           std::optional<std::string> code = std::nullopt, bool send_screen = true)
      : ws(c, "/ws/customer", {}) {
    EXPECT_EQ(ws.status, 101u);
    json::object h{{"protocol", 1}, {"role", "customer"}, {"client", "integration-test"}};
    if (code) h["code"] = *code;
    ws.send_json(message_type::hello, json::serialize(h));
    auto hello = ws.read();
    if (!hello || hello->type != message_type::hello) {
      refused = hello ? hello->text() : std::string("closed");
      return;
    }
    server_hello = json::parse(hello->text()).as_object();
    EXPECT_EQ(server_hello.at("credit").as_int64(), 4);
    EXPECT_TRUE(server_hello.at("wizard").is_object());
    if (answers.empty()) answers = default_answers(server_hello.at("wizard").as_object(), name);
    ws.send_json(protocol::request_type::support_request,
                 json::serialize(request_for(name, answers)));
    auto filed = ws.read();
    if (!filed || filed->type != protocol::request_type::request_filed) {
      refused = filed ? filed->text() : std::string("closed");
      return;
    }
    filed_json = json::parse(filed->text()).as_object();
    request_id = std::string(filed_json.at("request_id").as_string());
    auto viewers = ws.read();
    EXPECT_TRUE(viewers && viewers->type == message_type::viewers);
    if (send_screen)
      ws.send_json(message_type::screen_info, R"({"width":100,"height":100,"cell":64})");
  }

  // Every required question answered: a choice with its first option that names no queue, a
  // text with "test NAME".
  static json::object default_answers(const json::object& wizard, const std::string& name) {
    json::object a;
    for (auto& page : wizard.at("pages").as_array()) {
      for (auto& qv : page.at("questions").as_array()) {
        auto& q = qv.as_object();
        auto* req = q.if_contains("required");
        if (!req || !req->as_bool()) continue;
        if (q.at("type").as_string() == "choice") {
          for (auto& o : q.at("options").as_array()) {
            if (!o.as_object().contains("queue")) {
              a[q.at("id").as_string()] = o.at("value");
              break;
            }
          }
        } else {
          a[q.at("id").as_string()] = "test " + name;
        }
      }
    }
    return a;
  }
  json::object request_for(const std::string& name, const json::object& answers) const {
    json::object collected;
    for (auto& cv : server_hello.at("wizard").as_object().at("collectors").as_array()) {
      collected[cv.at("id").as_string()] = json::object{{"status", "left_out"}};
    }
    return {{"wizard_version", server_hello.at("wizard_version")},
            {"name", name},
            {"answers", answers},
            {"collected", std::move(collected)}};
  }
  // Sends a frame and waits for its frame_ack (skipping viewers counts).
  bool frame_acked(std::uint8_t colour) {
    auto p = solid_frame(0, 0, 64, 64, colour);
    ws.send_message(message_type::frame, p);
    auto ack = ws.read_until(message_type::frame_ack);
    return ack && ack->payload.size() == 4;
  }
  ws_client ws;
  json::object server_hello;
  json::object filed_json;
  std::string request_id;
  std::string refused;  // the close_reason (or "closed") when the handshake did not complete
};

struct accounts {
  static constexpr const char* admin = "alice";
  static constexpr const char* admin_password = "alice-password-1";
  static constexpr const char* tech = "bob";
  static constexpr const char* tech_password = "bob-password-12";
};

inline testing::fs::path prepared_data_dir() {
  auto dir = testing::make_temp_dir("visit-it");
  std::string out;
  EXPECT_EQ(testing::run_command({VISIT_SERVER_BINARY, "user", "add", accounts::admin, "--role",
                                  "admin", "--data-dir", dir.string()},
                                 std::string(accounts::admin_password) + "\n", out, dir),
            0)
      << out;
  EXPECT_EQ(testing::run_command({VISIT_SERVER_BINARY, "user", "add", accounts::tech, "--role",
                                  "technician", "--data-dir", dir.string()},
                                 std::string(accounts::tech_password) + "\n", out, dir),
            0)
      << out;
  return dir;
}

// POST with the cookie and CSRF token.
inline http_result post(client& c, const std::pair<std::string, std::string>& login,
                        const std::string& target, const std::string& body = "{}") {
  return c.request(http::verb::post, target, body,
                   {{"Cookie", login.first}, {"X-CSRF-Token", login.second}});
}
inline http_result get(client& c, const std::pair<std::string, std::string>& login,
                       const std::string& target) {
  return c.request(http::verb::get, target, {}, {{"Cookie", login.first}});
}
inline unsigned take(client& c, const std::pair<std::string, std::string>& login,
                     const std::string& request_id) {
  return post(c, login, "/api/requests/" + request_id + "/take").status;
}

}  // namespace visit::server::it
