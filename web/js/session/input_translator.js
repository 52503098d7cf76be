// Turns the technician's pointer, wheel and key actions on the screen into protocol input
// events (docs/protocol.md §9.2), without DOM: positions arrive already mapped to customer
// screen pixels (or null when nothing is shown). Pointer moves are coalesced to one per
// animation frame; presses are tracked so auto-repeat is not sent and everything held can be
// let go. Disabled, it sends nothing. The scheduler is injected, so it runs under Node.
import { keyCodeIndex } from '../protocol.js';
import { xButton, WheelAccumulator, PressedState, MoveCoalescer } from './input_model.js';

export class InputTranslator {
  /**
   *   send(events)   hands protocol events on (to the worker)
   *   raf(fn) → handle, cancelRaf(handle)   the animation-frame scheduler
   */
  constructor({ send, raf = (fn) => requestAnimationFrame(fn), cancelRaf = (h) => cancelAnimationFrame(h) }) {
    Object.assign(this, { send, raf, cancelRaf });
    this.pressed = new PressedState();
    this.wheel = new WheelAccumulator();
    this.moves = new MoveCoalescer();
    this.enabled = false;
    this.frame = 0;
    this.lastPos = { x: 0, y: 0 };
  }

  /**
   * Turns translation on or off; returns whether that changed anything. Either way what was
   * held is forgotten without sending: control has ended (nothing may be sent any more, and
   * the customer releases everything itself) or starts afresh.
   */
  setEnabled(on) {
    on = !!on;
    if (on === this.enabled) return false;
    this.enabled = on;
    if (this.frame) this.cancelRaf(this.frame);
    this.frame = 0;
    this.pressed.releaseAll();
    this.wheel.reset();
    this.moves.reset();
    return true;
  }

  /** Sends the newest pointer position now (before any other event, to keep the order). */
  flushMove() {
    if (this.frame) {
      this.cancelRaf(this.frame);
      this.frame = 0;
    }
    const m = this.moves.take();
    if (m) this.send([m]);
  }

  onFrame() {
    this.frame = 0;
    if (this.enabled) this.flushMove();
  }

  /** The pointer moved to `p` ({x, y} or null); it goes out at the next animation frame. */
  pointerMove(p) {
    if (!this.enabled || !p) return;
    this.lastPos = p;
    this.moves.move(p.x, p.y);
    if (!this.frame) this.frame = this.raf(() => this.onFrame());
  }

  /** A button went down at `p`; returns true when the press is ours (the pointer is captured). */
  pointerDown(p, domButton) {
    const b = xButton(domButton);
    if (!this.enabled || !p || !b) return false;
    this.lastPos = p;
    this.flushMove();
    if (this.pressed.pressButton(b)) {
      this.moves.sent(p.x, p.y);
      this.send([{ kind: 'button', button: b, pressed: true, x: p.x, y: p.y }]);
    }
    return true;
  }

  /** A button went up at `p` (null: where the pointer was last seen). */
  pointerUp(p, domButton) {
    const b = xButton(domButton);
    if (!this.enabled || !b) return;
    const at = p || this.lastPos;
    this.lastPos = at;
    this.flushMove();
    if (!this.pressed.releaseButton(b)) return;
    this.moves.sent(at.x, at.y);
    this.send([{ kind: 'button', button: b, pressed: false, x: at.x, y: at.y }]);
  }

  /** Wheel deltas (WheelEvent units) at `p`: sent as whole notches, fractions kept. */
  wheelAt(p, deltaX, deltaY, deltaMode) {
    if (!this.enabled) return;
    if (p) {
      this.lastPos = p;
      this.moves.move(p.x, p.y);
    }
    this.flushMove();
    const n = this.wheel.add(deltaX, deltaY, deltaMode);
    if (n.dx || n.dy) this.send([{ kind: 'wheel', dx: n.dx, dy: n.dy }]);
  }

  /** A key (KeyboardEvent.code) went down: keys outside the protocol's table and auto-repeat are not sent. */
  keyDown(code) {
    if (!this.enabled || !keyCodeIndex(code)) return;
    if (!this.pressed.pressKey(code)) return; // auto-repeat: the customer's X repeats held keys
    this.flushMove();
    this.send([{ kind: 'key', code, pressed: true }]);
  }

  keyUp(code) {
    if (!this.enabled || !this.pressed.releaseKey(code)) return;
    this.send([{ kind: 'key', code, pressed: false }]);
  }

  /** Focus gone (click elsewhere, another window, tab hidden): let everything go remotely. */
  blur() {
    if (!this.enabled || this.pressed.empty) return;
    this.flushMove();
    this.send(this.pressed.releaseAll(this.lastPos));
  }

  /** While enabled: sends the releases of everything held (before a paste or a special key). */
  releaseHeld() {
    if (this.enabled && !this.pressed.empty) this.send(this.pressed.releaseAll(this.lastPos));
  }
}
