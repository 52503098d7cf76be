// Test tool: reads or sets an X selection as an ordinary application does.
//   x_clipboard get [TARGET] [SELECTION]   prints the selection converted to TARGET
//       (default UTF8_STRING, selection CLIPBOARD) byte for byte, no newline added. Exit 0;
//       2 = no owner; 3 = the owner refused the target; 4 = no answer within 2 s.
//       TARGET TARGETS prints the offered target names, one per line.
//   x_clipboard set [SELECTION]             owns the selection (default CLIPBOARD) with the
//       text read from stdin (UTF8_STRING, TEXT and TARGETS), prints "owned", serves requests
//       until another client takes the selection over (prints "lost", exits 0) or is killed.
// DISPLAY from the environment. Large answers go in one property (no INCR), as a test needs.
#include <X11/Xatom.h>
#include <X11/Xlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>

namespace {

int get(Display* d, const char* target_name, const char* selection_name) {
  const Atom selection = XInternAtom(d, selection_name, False);
  const Atom target = XInternAtom(d, target_name, False);
  const Atom property = XInternAtom(d, "X_CLIPBOARD_TOOL", False);
  if (XGetSelectionOwner(d, selection) == None) return 2;
  const Window w = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, 0, 0);
  XConvertSelection(d, selection, target, property, w, CurrentTime);
  XFlush(d);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  XEvent ev;
  for (;;) {
    if (XCheckTypedWindowEvent(d, w, SelectionNotify, &ev)) break;
    if (std::chrono::steady_clock::now() > deadline) return 4;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (ev.xselection.property == None) return 3;
  Atom type = None;
  int format = 0;
  unsigned long items = 0, after = 0;
  unsigned char* data = nullptr;
  XGetWindowProperty(d, w, property, 0, 16 * 1024 * 1024, True, AnyPropertyType, &type, &format,
                     &items, &after, &data);
  if (target == XInternAtom(d, "TARGETS", False) && format == 32) {
    const auto* atoms = reinterpret_cast<const Atom*>(data);
    for (unsigned long i = 0; i < items; ++i) {
      char* name = XGetAtomName(d, atoms[i]);
      std::printf("%s\n", name ? name : "?");
      if (name) XFree(name);
    }
  } else if (data) {
    std::fwrite(data, 1, items * static_cast<unsigned long>(format / 8), stdout);
  }
  if (data) XFree(data);
  std::fflush(stdout);
  return 0;
}

int set(Display* d, const char* selection_name) {
  const std::string text((std::istreambuf_iterator<char>(std::cin)),
                         std::istreambuf_iterator<char>());
  const Atom selection = XInternAtom(d, selection_name, False);
  const Atom utf8 = XInternAtom(d, "UTF8_STRING", False);
  const Atom targets = XInternAtom(d, "TARGETS", False);
  const Atom text_atom = XInternAtom(d, "TEXT", False);
  XSetWindowAttributes attrs{};
  attrs.event_mask = PropertyChangeMask;
  const Window w = XCreateWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, CopyFromParent, InputOnly,
                                 CopyFromParent, CWEventMask, &attrs);
  // A real timestamp for the ownership.
  XChangeProperty(d, w, XA_WM_NAME, XA_STRING, 8, PropModeAppend, nullptr, 0);
  XEvent ev;
  do {
    XNextEvent(d, &ev);
  } while (ev.type != PropertyNotify);
  XSetSelectionOwner(d, selection, w, ev.xproperty.time);
  if (XGetSelectionOwner(d, selection) != w) {
    std::fprintf(stderr, "x_clipboard: could not own the selection\n");
    return 1;
  }
  std::printf("owned\n");
  std::fflush(stdout);
  for (;;) {
    XNextEvent(d, &ev);
    if (ev.type == SelectionClear) {
      std::printf("lost\n");
      std::fflush(stdout);
      return 0;
    }
    if (ev.type != SelectionRequest) continue;
    const XSelectionRequestEvent& req = ev.xselectionrequest;
    XEvent out{};
    out.xselection.type = SelectionNotify;
    out.xselection.requestor = req.requestor;
    out.xselection.selection = req.selection;
    out.xselection.target = req.target;
    out.xselection.time = req.time;
    out.xselection.property = None;
    const Atom prop = req.property != None ? req.property : req.target;
    if (req.target == targets) {
      const Atom list[] = {targets, utf8, text_atom};
      XChangeProperty(d, req.requestor, prop, XA_ATOM, 32, PropModeReplace,
                      reinterpret_cast<const unsigned char*>(list), 3);
      out.xselection.property = prop;
    } else if (req.target == utf8 || req.target == text_atom) {
      XChangeProperty(d, req.requestor, prop, utf8, 8, PropModeReplace,
                      reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
      out.xselection.property = prop;
    }
    XSendEvent(d, req.requestor, False, NoEventMask, &out);
    XFlush(d);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: x_clipboard get [TARGET] [SELECTION] | set [SELECTION]\n");
    return 1;
  }
  Display* d = XOpenDisplay(nullptr);
  if (!d) {
    std::fprintf(stderr, "x_clipboard: cannot open display\n");
    return 1;
  }
  // The display is closed on every way out, so the tool is leak-free under LeakSanitizer (the
  // suite runs again with ASan builds of the tools, and a leak report would be an exit code).
  int rc = 1;
  if (std::strcmp(argv[1], "get") == 0) {
    rc = get(d, argc > 2 ? argv[2] : "UTF8_STRING", argc > 3 ? argv[3] : "CLIPBOARD");
  } else if (std::strcmp(argv[1], "set") == 0) {
    rc = set(d, argc > 2 ? argv[2] : "CLIPBOARD");
  } else {
    std::fprintf(stderr, "x_clipboard: unknown command %s\n", argv[1]);
  }
  XCloseDisplay(d);
  return rc;
}
