// Captures the technician's mouse and keyboard on the screen canvas and turns them into
// protocol input events (docs/protocol.md §9.2). Listens only while enabled (this technician
// holds Full-Access); disabled, it lets every event through untouched and sends nothing.
import { clientToScreen } from './view_math.js';
import { keyCodeIndex } from '../protocol.js';
import { xButton, WheelAccumulator, PressedState, MoveCoalescer } from './input_model.js';

/**
 * attachInput(canvas, {send, screen})
 *   canvas  the element the screen is drawn in (focusable; gets tabindex)
 *   send    send(events): hands protocol events to the worker
 *   screen  () => {width, height} of the customer's screen
 * Returns {setEnabled(on), destroy()}.
 */
export function attachInput(canvas, { send, screen }) {
  const pressed = new PressedState();
  const wheel = new WheelAccumulator();
  const moves = new MoveCoalescer();
  let enabled = false;
  let frame = 0;
  let lastPos = { x: 0, y: 0 };

  function map(e) {
    return clientToScreen(e.clientX, e.clientY, canvas.getBoundingClientRect(), screen());
  }

  function flushMove() {
    if (frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
    const m = moves.take();
    if (m) send([m]);
  }

  function onFrame() {
    frame = 0;
    if (enabled) flushMove();
  }

  function onPointerMove(e) {
    if (!enabled) return;
    const p = map(e);
    if (!p) return;
    lastPos = p;
    moves.move(p.x, p.y);
    if (!frame) frame = requestAnimationFrame(onFrame);
  }

  function onPointerDown(e) {
    if (!enabled) return;
    e.preventDefault(); // no text selection, no compatibility mouse events
    canvas.focus({ preventScroll: true });
    const p = map(e);
    const b = xButton(e.button);
    if (!p || !b) return;
    lastPos = p;
    try {
      canvas.setPointerCapture(e.pointerId); // a drag that leaves the canvas keeps its button
    } catch {
      // pointer already gone
    }
    flushMove();
    if (!pressed.pressButton(b)) return;
    moves.sent(p.x, p.y);
    send([{ kind: 'button', button: b, pressed: true, x: p.x, y: p.y }]);
  }

  function onPointerUp(e) {
    if (!enabled) return;
    e.preventDefault();
    const p = map(e) || lastPos;
    const b = xButton(e.button);
    if (!b) return;
    lastPos = p;
    flushMove();
    if (!pressed.releaseButton(b)) return;
    moves.sent(p.x, p.y);
    send([{ kind: 'button', button: b, pressed: false, x: p.x, y: p.y }]);
  }

  function onWheel(e) {
    if (!enabled) return;
    e.preventDefault();
    const p = map(e);
    if (p) {
      lastPos = p;
      moves.move(p.x, p.y);
    }
    flushMove();
    const n = wheel.add(e.deltaX, e.deltaY, e.deltaMode);
    if (n.dx || n.dy) send([{ kind: 'wheel', dx: n.dx, dy: n.dy }]);
  }

  function onKeyDown(e) {
    if (!enabled) return;
    // The browser must not act on it (Tab, F5, Ctrl-F …); some combinations (Ctrl-W, Ctrl-T)
    // it keeps for itself whatever we do: those are in the Keys menu or have no remote use.
    e.preventDefault();
    e.stopPropagation();
    if (!keyCodeIndex(e.code)) return; // not in the protocol's key table
    if (!pressed.pressKey(e.code)) return; // auto-repeat: the customer's X repeats held keys
    flushMove();
    send([{ kind: 'key', code: e.code, pressed: true }]);
  }

  function onKeyUp(e) {
    if (!enabled) return;
    e.preventDefault();
    e.stopPropagation();
    if (!pressed.releaseKey(e.code)) return;
    send([{ kind: 'key', code: e.code, pressed: false }]);
  }

  function onContextMenu(e) {
    if (enabled) e.preventDefault();
  }

  // Focus gone (click elsewhere, another window, tab hidden): let everything go remotely.
  function onBlur() {
    if (!enabled || pressed.empty) return;
    flushMove();
    send(pressed.releaseAll(lastPos));
  }

  const listeners = [
    ['pointermove', onPointerMove],
    ['pointerdown', onPointerDown],
    ['pointerup', onPointerUp],
    ['pointercancel', onPointerUp],
    ['wheel', onWheel, { passive: false }],
    ['keydown', onKeyDown],
    ['keyup', onKeyUp],
    ['contextmenu', onContextMenu],
    ['blur', onBlur],
  ];
  for (const [type, fn, opts] of listeners) canvas.addEventListener(type, fn, opts);
  window.addEventListener('blur', onBlur);

  return {
    /**
     * Turns capture on or off. Turning it off forgets what was held without sending: control
     * has ended, nothing may be sent any more, and the customer releases everything itself.
     */
    setEnabled(on) {
      on = !!on;
      if (on === enabled) return;
      enabled = on;
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
      pressed.releaseAll();
      wheel.reset();
      moves.reset();
      if (on) {
        canvas.tabIndex = 0;
      } else {
        canvas.removeAttribute('tabindex');
        if (document.activeElement === canvas) canvas.blur();
      }
    },
    /** While enabled: sends the releases of everything held (before a paste or a special key). */
    releaseHeld() {
      if (enabled && !pressed.empty) send(pressed.releaseAll(lastPos));
    },
    destroy() {
      this.setEnabled(false);
      for (const [type, fn, opts] of listeners) canvas.removeEventListener(type, fn, opts);
      window.removeEventListener('blur', onBlur);
    },
  };
}
