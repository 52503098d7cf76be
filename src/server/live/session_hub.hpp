// The session hub: for each live support request, the screen model and the viewers that
// watch it, with per-viewer flow control (docs/protocol.md §3.2, docs/architecture.md).
//
// Screen model: for each 64x64 cell the latest tile record (a copy of tile_view::encoded;
// copying bounds the model at cells x 16 KiB, where keeping whole customer messages alive for
// one still-current tile would let a customer pin 8 MiB per cell), the current screen_info,
// the latest cursor shape and position.
//
// Per viewer: a cell_set of dirty cells (common/cell_grid.hpp), the sequences of frames sent and
// not yet acknowledged (credit window of protocol::credit_frames), one write in flight, and
// latest-wins slots for hello, screen_info and the cursor. When the viewer has credit and nothing
// in flight, the hub builds ONE frame from the latest tiles of its dirty cells and clears those
// bits, so a slow viewer gets only the newest content of what it lacks, never a backlog; its queue
// is bounded by construction (one message in flight plus the slots: <= 8 MiB + 96 KiB). A viewer
// that joins starts with every cell that has content dirty and receives hello, screen_info, the
// cursor and one frame covering the screen, from memory.
//
// Customer acks: a frame is acknowledged once taken into the model, unless every viewer is out
// of credit; then the ack is withheld until one has credit again (or leaves). With no viewer
// the ack goes at once.
//
// Access control (§3.3): the latest access_state of each request is kept and sent to every
// viewer that joins. input, paste_text and clipboard from a viewer reach the customer only
// while that state is full_access and the viewer's technician id is its controller (the hub
// writes the `from` prefix); otherwise they are dropped and counted. A customer's clipboard
// goes, in Full-Access only, to the controller's viewers. When the controller's last viewer
// leaves, the hub treats the request as Read-Only and tells the viewers (reason disconnect).
// The customer hears, with every change, how many viewers watch and which technicians they
// are (`viewers`), so it can end Full-Access itself when its controller is no longer listed.
// `viewers` is latest-wins on the customer's connection, so a controller that leaves and comes
// back at once could vanish from no list the customer sees: after the hub ends Full-Access
// because the controller left, that technician stays unlisted until the customer's next
// access_state.
//
// Audit: when an audit_sink is set, the hub reports to it every customer and viewer arrival
// and departure, control request and access change, and counts every input, paste and
// clipboard message it forwards or drops (server/audit_log.hpp; the sink only queues).
//
// Files: session_hub.cpp (customers, viewers joining and leaving, access control, audit),
// viewer_pacing.cpp (the per-viewer sending above: next message, frames from dirty cells,
// credit, customer acks, stats), session_hub_state.hpp (the state both share; internal).
//
// Thread-safety: every public method may be called from any thread; one mutex guards all hub
// state. Sinks are called with that mutex held and must neither block nor call back into the
// hub synchronously (the WebSocket sessions post to their strand). No I/O happens under it.
//
// Lifetime: a sink passed to add_customer/add_viewer must stay valid until remove_customer /
// remove_viewer for it has returned; after that the hub never touches it.
#pragma once
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocol/message.hpp"
#include "server/live/customer_sink.hpp"
#include "server/live/viewer_sink.hpp"
#include "server/store/audit_log.hpp"

namespace visit::server {

struct access_state_info;  // server/json_messages.hpp

class session_hub {
 public:
  using viewer_id = std::uint64_t;

  struct viewer_stats {
    std::size_t dirty_cells = 0;
    std::size_t unacked_frames = 0;
    bool write_in_flight = false;
    std::size_t queued_bytes = 0;  // in flight plus pending slots
    std::uint64_t frames_sent = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t dropped_control = 0;  // input/paste/clipboard refused by access control
  };

  // Largest frame payload the hub builds for a viewer; the rest of the dirty cells follow in
  // the next frame. The protocol's limit by default; tests lower it.
  explicit session_hub(std::size_t max_viewer_frame_payload = protocol::max_frame_payload);
  ~session_hub();
  session_hub(const session_hub&) = delete;
  session_hub& operator=(const session_hub&) = delete;

  // Where audit events go; null (the default) records nothing. Set before any customer
  // connects; the sink must outlive the hub.
  void set_audit(audit_sink* audit);

  // --- customer side ---
  // Registers the live customer of a support request and sends it viewers {"count": 0}. A
  // customer already registered under that id (a resumed connection whose old one has not
  // noticed the drop yet) is closed with `replaced`, and its viewers with customer_left.
  void add_customer(const std::string& request_id, std::string name, std::string description,
                    customer_sink* sink);
  // The customer's connection ended: its viewers are closed with customer_left and the screen
  // model is dropped.
  void remove_customer(const std::string& request_id);
  // The same, only while `sink` is still the registered customer of that request.
  void remove_customer(const std::string& request_id, const customer_sink* sink);
  // Sends the customer and every viewer of a request close_reason `code` (resolve).
  void close_request(const std::string& request_id, protocol::close_code code,
                     std::string_view message);
  // A customer message already checked by protocol::parse_message, of type screen_info, frame,
  // cursor_shape, cursor_position, access_state or clipboard. A returned error (a
  // protocol::parse_error) means the message breaks the protocol: the caller closes ONLY that
  // customer's connection with close_reason protocol::close_code_for(error). Other types return
  // bad_value.
  boost::system::error_code on_customer_message(const std::string& request_id,
                                                const protocol::message_view& message);

  // --- viewer side ---
  // Joins a viewer, logged in as `technician_id` (1..64 of [A-Za-z0-9._@-]) with a display
  // name, to a request; nullopt when that request has no live customer.
  std::optional<viewer_id> add_viewer(const std::string& request_id, viewer_sink* sink,
                                      std::string technician_id = "technician",
                                      std::string technician_name = "technician");
  // The viewer's connection ended. Returns how many viewers still watch that request.
  std::size_t remove_viewer(viewer_id id);
  // A viewer's frame_ack. Error bad_value when it names a sequence the hub never sent.
  boost::system::error_code on_viewer_frame_ack(viewer_id id, std::uint32_t acked_sequence);
  // A viewer's control_request, input, paste_text or clipboard (checked by parse_message).
  // Error bad_value when its `from` prefix is not empty; access control drops are not errors.
  boost::system::error_code on_viewer_control(viewer_id id, const protocol::message_view& m);
  // The sink finished writing the message of its last send().
  void on_viewer_write_done(viewer_id id);
  // Sends the viewer close_reason `code` and closes it (logout, a protocol error found by its
  // connection). Its slot stays until remove_viewer.
  void close_viewer(viewer_id id, protocol::close_code code, std::string_view message);

  // Closes every viewer and customer with `code` (server shutdown).
  void close_all(protocol::close_code code, std::string_view message);

  // --- queries ---
  bool is_online(std::string_view request_id) const;
  std::size_t viewer_count(std::string_view request_id) const;  // viewers not closing
  std::optional<viewer_stats> stats(viewer_id id) const;

 private:
  struct viewer_state;
  struct request_state;

  void pump(request_state& r, viewer_state& v);
  shared_message next_message(request_state& r, viewer_state& v);
  shared_message build_frame(request_state& r, viewer_state& v);
  void close_viewer_locked(request_state& r, viewer_state& v, protocol::close_code code,
                           std::string_view message);
  void release_customer_ack(request_state& r);
  void announce_viewers(request_state& r);
  void audit_access_change(request_state& r, const access_state_info& info);
  boost::system::error_code on_screen_info(request_state& r, const protocol::message_view& m);
  boost::system::error_code on_frame(request_state& r, const protocol::message_view& m);
  boost::system::error_code on_access_state(request_state& r, const protocol::message_view& m);
  boost::system::error_code on_customer_clipboard(request_state& r,
                                                  const protocol::message_view& m);
  void check_controller_present(request_state& r);

  std::size_t max_viewer_frame_payload_;
  mutable std::mutex mutex_;
  audit_sink* audit_ = nullptr;  // outlives the hub (set_audit contract)
  viewer_id next_viewer_id_ = 1;
  // Live requests by id; a request whose customer left stays alive, out of this map, while
  // its viewers still hold it.
  std::unordered_map<std::string, std::shared_ptr<request_state>> requests_;
  struct viewer_ref {
    std::shared_ptr<request_state> request;
    viewer_state* viewer;  // owned by request->viewers; erased together with this entry
  };
  std::unordered_map<viewer_id, viewer_ref> viewers_;
};

}  // namespace visit::server
