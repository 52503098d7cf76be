// Test tool: a focused, override-redirect window covering the whole screen that prints one line per
// input event it receives, flushed at once:
//   key_press <keysym name> state=0x<hex>     key_release <keysym name> state=0x<hex>
//   button_press <n> <x> <y>                  button_release <n> <x> <y>
//   motion <x> <y>
// "ready" is printed once the window is mapped and focused. usage: x_recorder (DISPLAY from
// the environment); runs until killed.
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <cstdio>

int main() {
  Display* dpy = XOpenDisplay(nullptr);
  if (!dpy) {
    std::fprintf(stderr, "x_recorder: cannot open display\n");
    return 1;
  }
  const int screen = DefaultScreen(dpy);
  const unsigned width = static_cast<unsigned>(DisplayWidth(dpy, screen));
  const unsigned height = static_cast<unsigned>(DisplayHeight(dpy, screen));
  XSetWindowAttributes attrs{};
  attrs.background_pixel = 0x204060;
  attrs.override_redirect = True;
  attrs.event_mask = KeyPressMask | KeyReleaseMask | ButtonPressMask | ButtonReleaseMask |
                     PointerMotionMask | StructureNotifyMask;
  const Window win = XCreateWindow(dpy, RootWindow(dpy, screen), 0, 0, width, height, 0,
                                   CopyFromParent, InputOutput, CopyFromParent,
                                   CWBackPixel | CWOverrideRedirect | CWEventMask, &attrs);
  XMapRaised(dpy, win);
  XEvent ev;
  do {
    XNextEvent(dpy, &ev);
  } while (ev.type != MapNotify);
  XSetInputFocus(dpy, win, RevertToPointerRoot, CurrentTime);
  XSync(dpy, False);
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    XNextEvent(dpy, &ev);
    switch (ev.type) {
      case KeyPress:
      case KeyRelease: {
        // The keysym with the event's modifiers applied (Shift+h -> H), as an application sees.
        KeySym sym = NoSymbol;
        char buf[16];
        XLookupString(&ev.xkey, buf, sizeof buf, &sym, nullptr);
        const char* name = XKeysymToString(sym);
        std::printf("%s %s state=0x%x\n", ev.type == KeyPress ? "key_press" : "key_release",
                    name ? name : "NoSymbol", ev.xkey.state);
        break;
      }
      case ButtonPress:
      case ButtonRelease:
        std::printf("%s %u %d %d\n", ev.type == ButtonPress ? "button_press" : "button_release",
                    ev.xbutton.button, ev.xbutton.x, ev.xbutton.y);
        break;
      case MotionNotify:
        std::printf("motion %d %d\n", ev.xmotion.x, ev.xmotion.y);
        break;
      default:
        continue;
    }
    std::fflush(stdout);
  }
}
