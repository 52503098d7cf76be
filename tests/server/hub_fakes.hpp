// Test doubles for the session hub's sinks, and builders of customer messages.
#pragma once
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/message.hpp"
#include "server/live/customer_sink.hpp"
#include "server/live/session_hub.hpp"
#include "server/live/viewer_sink.hpp"

namespace visit::server::testing {

// Records what the hub sends; checks that it never has two writes in flight.
class fake_viewer : public viewer_sink {
 public:
  void send(shared_message m) override {
    EXPECT_FALSE(in_flight) << "the hub started a second write while one was in flight";
    in_flight = true;
    sent.push_back(std::move(m));
  }
  void close(shared_message m) override {
    closed = true;
    close_message = std::move(m);
  }
  // Completes the write in flight, as the WebSocket session would.
  bool complete(session_hub& hub, session_hub::viewer_id id) {
    if (!in_flight) return false;
    in_flight = false;
    hub.on_viewer_write_done(id);
    return true;
  }
  // Completes writes until the hub has nothing more to send.
  void drain(session_hub& hub, session_hub::viewer_id id) {
    while (complete(hub, id)) {
    }
  }

  std::vector<shared_message> sent;
  bool in_flight = false;
  bool closed = false;
  shared_message close_message;
};

class fake_customer : public customer_sink {
 public:
  void send_frame_ack(std::uint32_t s) override { acks.push_back(s); }
  void send_viewers(viewers_info info) override {
    counts.push_back(info.count);
    viewer_lists.push_back(std::move(info));
  }
  void send(protocol::message_type t, std::vector<std::uint8_t> payload) override {
    forwarded.emplace_back(t, std::move(payload));
  }
  void close(protocol::close_code c, std::string_view) override {
    closed = true;
    code = c;
  }
  std::vector<std::uint32_t> acks;
  std::vector<std::size_t> counts;
  std::vector<viewers_info> viewer_lists;
  std::vector<std::pair<protocol::message_type, std::vector<std::uint8_t>>> forwarded;
  bool closed = false;
  protocol::close_code code{};
};

using rgb = std::array<std::uint8_t, 3>;

struct tile_spec {
  int x, y;  // pixels, multiples of 64
  rgb colour;
};

// A frame payload of solid tiles for a screen of width x height.
inline std::vector<std::uint8_t> solid_frame_payload(const std::vector<tile_spec>& tiles, int width,
                                                     int height) {
  std::vector<std::uint8_t> p;
  protocol::put_u16(p, static_cast<std::uint16_t>(tiles.size()));
  protocol::put_u16(p, 0);
  for (const auto& t : tiles) {
    auto w = static_cast<std::uint16_t>(std::min(64, width - t.x));
    auto h = static_cast<std::uint16_t>(std::min(64, height - t.y));
    protocol::write_tile_header(p, static_cast<std::uint16_t>(t.x), static_cast<std::uint16_t>(t.y),
                                w, h, protocol::tile_encoding::solid, 3);
    p.insert(p.end(), t.colour.begin(), t.colour.end());
  }
  return p;
}

// Sends messages as a customer would: sequence numbers from 1.
class customer_feed {
 public:
  customer_feed(session_hub& hub, std::string id) : hub_(hub), id_(std::move(id)) {}

  boost::system::error_code send(protocol::message_type type,
                                 std::span<const std::uint8_t> payload) {
    auto bytes = protocol::make_message(type, seq_++, 0, payload);
    auto m = protocol::parse_message(bytes);
    EXPECT_TRUE(m) << "test built an invalid message";
    if (!m) return m.error();
    return hub_.on_customer_message(id_, *m);
  }
  boost::system::error_code screen(int w, int h) {
    width_ = w;
    height_ = h;
    std::string json =
        "{\"width\":" + std::to_string(w) + ",\"height\":" + std::to_string(h) + ",\"cell\":64}";
    return send(protocol::message_type::screen_info,
                {reinterpret_cast<const std::uint8_t*>(json.data()), json.size()});
  }
  boost::system::error_code frame(const std::vector<tile_spec>& tiles) {
    auto p = solid_frame_payload(tiles, width_, height_);
    return send(protocol::message_type::frame, p);
  }
  std::uint32_t last_sequence() const { return seq_ - 1; }

 private:
  session_hub& hub_;
  std::string id_;
  std::uint32_t seq_ = 1;
  int width_ = 0, height_ = 0;
};

// What a viewer received, decoded.
struct decoded {
  protocol::message_type type{};
  std::uint32_t sequence = 0;
  std::vector<std::uint8_t> payload;
};

inline decoded decode(const shared_message& m) {
  auto v = protocol::parse_message(*m);
  EXPECT_TRUE(v) << "the hub sent an invalid message";
  decoded d;
  if (!v) return d;
  d.type = v->hdr.type;
  d.sequence = v->hdr.sequence;
  d.payload.assign(v->payload.begin(), v->payload.end());
  return d;
}

// The cells of a frame message as (x, y) -> colour, validated against the screen.
inline std::vector<tile_spec> frame_tiles(const shared_message& m, int width, int height) {
  auto d = decode(m);
  EXPECT_EQ(d.type, protocol::message_type::frame);
  auto tiles = protocol::parse_frame(d.payload, width, height);
  EXPECT_TRUE(tiles) << "the hub sent an invalid frame";
  std::vector<tile_spec> out;
  if (!tiles) return out;
  for (const auto& t : *tiles) {
    EXPECT_EQ(t.encoding, protocol::tile_encoding::solid);
    out.push_back({t.x, t.y, {t.data[0], t.data[1], t.data[2]}});
  }
  return out;
}

}  // namespace visit::server::testing
