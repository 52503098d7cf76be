// The pixels of the whole root window, kept between captures and refreshed band by band.
// Backed by one SysV shared-memory segment that the X server writes into (MIT-SHM), or, when
// the server cannot attach it (remote display, other IPC namespace), by client memory filled
// through the X connection (XGetImage, several times slower).
//
// Thread-safety: none; used by the capturer's thread with its display.
#pragma once
#include <X11/Xlib.h>
#include <X11/extensions/XShm.h>

#include <memory>
#include <string>

#include "common/frame.hpp"

namespace visit::capture::x11 {

class root_image {
 public:
  // A width x height image of `root`, whose pixels must be 32-bit B,G,R,X (the caller checked
  // the visual). Tries MIT-SHM first when `try_shm`. Returns null with `error` set on
  // failure. `display` outlives the image; `*display_dead` is read at destruction, so that
  // nothing is sent to a server that is gone.
  static std::unique_ptr<root_image> create(Display* display, Window root, Visual* visual,
                                            int depth, int width, int height, bool try_shm,
                                            const bool* display_dead, std::string& error);
  ~root_image();
  root_image(const root_image&) = delete;
  root_image& operator=(const root_image&) = delete;

  // Copies rows [y, y + rows) of the root window, full width, into the image. Returns false
  // on an X error (e.g. BadMatch: the screen shrank and we have not processed the event yet).
  bool grab_rows(int y, int rows);
  frame_view view() const { return {data_, width_, height_, stride_}; }
  bool uses_shm() const { return shm_attached_; }

 private:
  root_image(Display* display, Window root, int width, int height, const bool* display_dead);
  bool attach_shm(Visual* visual, int depth);
  void detach_shm();

  Display* display_;  // not owned
  Window root_;
  int width_, height_;
  int stride_ = 0;
  std::uint8_t* data_ = nullptr;
  const bool* display_dead_;  // owned by the capturer, which outlives us

  // MIT-SHM: the XImage describes the segment; its data is the segment, not malloc'd.
  XImage* shm_image_ = nullptr;
  XShmSegmentInfo shm_{};
  bool shm_attached_ = false;
  // Fallback: client memory.
  frame_buffer plain_;
};

}  // namespace visit::capture::x11
