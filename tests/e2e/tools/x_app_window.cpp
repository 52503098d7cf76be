// Test tool: one ordinary application window (managed by the window manager, if any) with a
// title, vertical stripes of two colours and a line of text, repainted on every Expose. It
// prints, flushed at once:
//   ready 0x<window id>            once mapped and painted
//   button_press <n> <x> <y>       root coordinates
//   key_press <keysym name>
// usage: x_app_window TITLE X Y WIDTH HEIGHT RRGGBB RRGGBB TEXT   (DISPLAY from the
// environment); runs until killed.
//        x_app_window --iconify 0xID | --activate 0xID
// asks the window manager to minimise the window, or to restore, raise and focus it
// (_NET_ACTIVE_WINDOW as a pager sends it), then exits.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

void paint(Display* dpy, Window win, GC gc, int w, int h, unsigned long a, unsigned long b,
           const char* text) {
  for (int x = 0; x < w; x += 16) {
    XSetForeground(dpy, gc, (x / 16) % 2 == 0 ? a : b);
    XFillRectangle(dpy, win, gc, x, 0, 16, static_cast<unsigned>(h));
  }
  XSetForeground(dpy, gc, a);
  XFillRectangle(dpy, win, gc, 0, 0, static_cast<unsigned>(w), 24);
  XSetForeground(dpy, gc, b);
  XDrawString(dpy, win, gc, 6, 16, text, static_cast<int>(std::strlen(text)));
  XFlush(dpy);
}

}  // namespace

int wm_request(const char* what, const char* id_text) {
  Display* dpy = XOpenDisplay(nullptr);
  if (!dpy) return 1;
  const Window win = std::strtoul(id_text, nullptr, 16);
  const Window root = DefaultRootWindow(dpy);
  if (std::strcmp(what, "--iconify") == 0) {
    XIconifyWindow(dpy, win, DefaultScreen(dpy));
  } else {
    XEvent e{};
    e.xclient.type = ClientMessage;
    e.xclient.window = win;
    e.xclient.message_type = XInternAtom(dpy, "_NET_ACTIVE_WINDOW", False);
    e.xclient.format = 32;
    e.xclient.data.l[0] = 2;  // from a pager: always honoured
    e.xclient.data.l[1] = CurrentTime;
    XSendEvent(dpy, root, False, SubstructureRedirectMask | SubstructureNotifyMask, &e);
  }
  XSync(dpy, False);
  XCloseDisplay(dpy);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 &&
      (std::strcmp(argv[1], "--iconify") == 0 || std::strcmp(argv[1], "--activate") == 0)) {
    return wm_request(argv[1], argv[2]);
  }
  if (argc != 9) {
    std::fprintf(stderr, "usage: x_app_window TITLE X Y WIDTH HEIGHT RRGGBB RRGGBB TEXT\n");
    return 2;
  }
  const char* title = argv[1];
  const int x = std::atoi(argv[2]), y = std::atoi(argv[3]);
  const int w = std::atoi(argv[4]), h = std::atoi(argv[5]);
  const unsigned long a = std::strtoul(argv[6], nullptr, 16);
  const unsigned long b = std::strtoul(argv[7], nullptr, 16);
  const char* text = argv[8];
  Display* dpy = XOpenDisplay(nullptr);
  if (!dpy) {
    std::fprintf(stderr, "x_app_window: cannot open display\n");
    return 1;
  }
  const int screen = DefaultScreen(dpy);
  XSetWindowAttributes attrs{};
  attrs.background_pixel = a;
  attrs.event_mask = ExposureMask | KeyPressMask | ButtonPressMask | StructureNotifyMask;
  const Window win = XCreateWindow(dpy, RootWindow(dpy, screen), x, y, static_cast<unsigned>(w),
                                   static_cast<unsigned>(h), 0, CopyFromParent, InputOutput,
                                   CopyFromParent, CWBackPixel | CWEventMask, &attrs);
  XStoreName(dpy, win, title);
  XChangeProperty(dpy, win, XInternAtom(dpy, "_NET_WM_NAME", False),
                  XInternAtom(dpy, "UTF8_STRING", False), 8, PropModeReplace,
                  reinterpret_cast<const unsigned char*>(title),
                  static_cast<int>(std::strlen(title)));
  XSizeHints size{};
  size.flags = USPosition | USSize;
  size.x = x;
  size.y = y;
  size.width = w;
  size.height = h;
  XSetWMNormalHints(dpy, win, &size);
  XWMHints hints{};
  hints.flags = InputHint | StateHint;
  hints.input = True;
  hints.initial_state = NormalState;
  XSetWMHints(dpy, win, &hints);
  GC gc = XCreateGC(dpy, win, 0, nullptr);
  XMapWindow(dpy, win);
  bool ready = false;
  for (;;) {
    XEvent e;
    XNextEvent(dpy, &e);
    switch (e.type) {
      case Expose:
        if (e.xexpose.count != 0) break;
        paint(dpy, win, gc, w, h, a, b, text);
        if (!ready) {
          XSync(dpy, False);
          std::printf("ready 0x%lx\n", win);
          std::fflush(stdout);
          ready = true;
        }
        break;
      case ButtonPress:
        std::printf("button_press %u %d %d\n", e.xbutton.button, e.xbutton.x_root,
                    e.xbutton.y_root);
        std::fflush(stdout);
        break;
      case KeyPress: {
        char buf[8];
        KeySym sym = 0;
        XLookupString(&e.xkey, buf, sizeof buf, &sym, nullptr);
        const char* name = XKeysymToString(sym);
        std::printf("key_press %s\n", name ? name : "?");
        std::fflush(stdout);
        break;
      }
      default:
        break;
    }
  }
}
