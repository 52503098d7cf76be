#include "capture/x11/root_image.hpp"

#include <X11/Xutil.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <cstring>

#include "x11/x11_handles.hpp"

namespace visit::capture::x11 {

using namespace ::visit::x11;  // the shared Xlib plumbing (src/x11)

root_image::root_image(Display* display, Window root, int width, int height,
                       const bool* display_dead)
    : display_(display), root_(root), width_(width), height_(height), display_dead_(display_dead) {}

std::unique_ptr<root_image> root_image::create(Display* display, Window root, Visual* visual,
                                               int depth, int width, int height, bool try_shm,
                                               const bool* display_dead, std::string& error) {
  if (width <= 0 || height <= 0) {
    error = "empty screen";
    return nullptr;
  }
  std::unique_ptr<root_image> image(new root_image(display, root, width, height, display_dead));
  if (try_shm && image->attach_shm(visual, depth)) return image;
  image->plain_ = frame_buffer(width, height);
  image->data_ = image->plain_.pixels.data();
  image->stride_ = image->plain_.stride();
  return image;
}

bool root_image::attach_shm(Visual* visual, int depth) {
  shm_image_ =
      XShmCreateImage(display_, visual, static_cast<unsigned>(depth), ZPixmap, nullptr, &shm_,
                      static_cast<unsigned>(width_), static_cast<unsigned>(height_));
  if (!shm_image_) return false;
  if (shm_image_->bits_per_pixel != 32 || shm_image_->bytes_per_line < width_ * 4) {
    detach_shm();
    return false;
  }
  const auto bytes = static_cast<std::size_t>(shm_image_->bytes_per_line) * height_;
  shm_.shmid = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
  if (shm_.shmid < 0) {
    detach_shm();
    return false;
  }
  void* address = shmat(shm_.shmid, nullptr, 0);
  // shmat's documented failure value is the address -1.
  if (address == reinterpret_cast<void*>(-1)) {  // NOLINT(performance-no-int-to-ptr)
    shmctl(shm_.shmid, IPC_RMID, nullptr);
    shm_.shmid = -1;
    detach_shm();
    return false;
  }
  shm_.shmaddr = shm_image_->data = static_cast<char*>(address);
  shm_.readOnly = False;
  {
    // XShmAttach has no reply: sync so that a refusal (BadAccess from a server in another
    // IPC namespace, or a remote one) is caught here.
    x_error_trap trap(display_);
    const Bool sent = XShmAttach(display_, &shm_);
    trap.sync();
    shm_attached_ = sent && !trap.failed();
  }
  // Removed now, freed when both sides detach, so a crash never leaks the segment.
  shmctl(shm_.shmid, IPC_RMID, nullptr);
  if (!shm_attached_) {
    detach_shm();
    return false;
  }
  data_ = reinterpret_cast<std::uint8_t*>(shm_.shmaddr);
  stride_ = shm_image_->bytes_per_line;
  return true;
}

void root_image::detach_shm() {
  if (shm_attached_ && !*display_dead_) {
    XShmDetach(display_, &shm_);
    XSync(display_, False);  // the server must let go before we unmap
  }
  shm_attached_ = false;
  if (shm_.shmaddr) shmdt(shm_.shmaddr);
  shm_.shmaddr = nullptr;
  if (shm_image_) {
    shm_image_->data = nullptr;  // the segment is not XDestroyImage's to free
    XDestroyImage(shm_image_);
    shm_image_ = nullptr;
  }
}

root_image::~root_image() {
  detach_shm();
}

bool root_image::grab_rows(int y, int rows) {
  if (rows <= 0) return true;
  if (shm_attached_) {
    // A band is the same image one segment offset further: XShmGetImage sends
    // data - shmaddr as the offset and the server writes whole rows of bytes_per_line.
    XImage band = *shm_image_;
    band.height = rows;
    band.data = shm_image_->data + static_cast<std::ptrdiff_t>(y) * stride_;
    return XShmGetImage(display_, root_, &band, 0, y, AllPlanes);
  }
  XImage* got = XGetImage(display_, root_, 0, y, static_cast<unsigned>(width_),
                          static_cast<unsigned>(rows), AllPlanes, ZPixmap);
  if (!got) return false;
  const bool ok = got->bits_per_pixel == 32 && got->bytes_per_line >= width_ * 4;
  if (ok) {
    for (int r = 0; r < rows; ++r) {
      std::memcpy(data_ + static_cast<std::ptrdiff_t>(y + r) * stride_,
                  got->data + static_cast<std::ptrdiff_t>(r) * got->bytes_per_line,
                  static_cast<std::size_t>(width_) * 4);
    }
  }
  XDestroyImage(got);
  return ok;
}

}  // namespace visit::capture::x11
