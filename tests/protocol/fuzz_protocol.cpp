// libFuzzer entry point for the protocol reader (build with -DVISIT_FUZZ=ON and clang):
//   build/.../fuzz_protocol tests/fixtures/protocol/corpus
// The input is one whole message; a frame is also parsed against a few screen sizes.
#include <cstddef>
#include <cstdint>

#include "protocol/control.hpp"
#include "protocol/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace visit::protocol;
  auto m = parse_message({data, size});
  if (!m) return 0;
  if (m->hdr.type == control_type::input) {
    if (!parse_input(m->payload)) __builtin_trap();  // parse_message accepted it
  } else if (m->hdr.type == control_type::paste_text) {
    if (!parse_paste_text(m->payload)) __builtin_trap();
  } else if (m->hdr.type == control_type::clipboard) {
    if (!parse_clipboard(m->payload)) __builtin_trap();
  }
  switch (m->hdr.type) {
    case message_type::frame: {
      static constexpr int sizes[][2] = {{130, 70}, {1920, 1080}, {1, 1}, {8192, 8192}};
      for (const auto& s : sizes) (void)parse_frame(m->payload, s[0], s[1]);
      break;
    }
    case message_type::cursor_shape:
      (void)parse_cursor_shape(m->payload);
      break;
    case message_type::cursor_position:
      (void)parse_cursor_position(m->payload);
      break;
    case message_type::frame_ack:
      (void)parse_frame_ack(m->payload);
      break;
    default:
      break;
  }
  return 0;
}
