// Remote input for the session viewer: the pure parts (no DOM, no timers of their own).
// The page maps browser events to protocol events with these helpers; the worker batches
// them into `input` messages (docs/protocol.md §9.2).
//
// Events are plain objects in the shape protocol.js's makeInput takes:
//   {kind:'pointer_move', x, y}   {kind:'button', button, pressed, x, y}
//   {kind:'wheel', dx, dy}        {kind:'key', code, pressed}   {kind:'special', special}

import { Limits } from '../protocol.js';

/** Most events in one `input` message (docs/protocol.md §7). */
export const MAX_BATCH = Limits.maxInputEvents;
/** Wheel notches per event, per axis (docs/protocol.md §7). */
export const MAX_NOTCHES = Limits.maxWheelNotches;
/** A batch is sent at most this long after its first event (and at the next animation frame). */
export const FLUSH_MS = 8;

/**
 * PointerEvent.button → X button number, as X numbers them: 0 (main) → 1, 1 (middle) → 2,
 * 2 (secondary) → 3, 3 (back) → 8, 4 (forward) → 9. Anything else → 0 (not sent).
 */
export function xButton(domButton) {
  switch (domButton) {
    case 0:
      return 1;
    case 1:
      return 2;
    case 2:
      return 3;
    case 3:
      return 8;
    case 4:
      return 9;
    default:
      return 0;
  }
}

// WheelEvent.deltaMode
export const DOM_DELTA_PIXEL = 0;
export const DOM_DELTA_LINE = 1;
export const DOM_DELTA_PAGE = 2;
/** One wheel notch: Chromium reports 100 px (at zoom 1), Firefox 3 lines. */
export const PIXELS_PER_NOTCH = 100;
export const LINES_PER_NOTCH = 3;

/**
 * Turns WheelEvent deltas into whole notches, keeping the fractions (touchpads send many small
 * deltas). A change of direction drops the fraction collected the other way.
 */
export class WheelAccumulator {
  constructor() {
    this.rx = 0;
    this.ry = 0;
  }

  /** Returns {dx, dy} in notches (each −100…100; both 0 when nothing is due). */
  add(deltaX, deltaY, deltaMode = DOM_DELTA_PIXEL) {
    const unit = deltaMode === DOM_DELTA_LINE ? 1 / LINES_PER_NOTCH : deltaMode === DOM_DELTA_PAGE ? 1 : 1 / PIXELS_PER_NOTCH;
    const step = (rest, delta) => {
      const d = Number(delta) || 0;
      if (!Number.isFinite(d) || d === 0) return [rest, 0];
      if (rest !== 0 && Math.sign(rest) !== Math.sign(d)) rest = 0;
      const total = rest + d * unit;
      let whole = Math.trunc(total + (total > 0 ? 1e-9 : -1e-9));
      let left = total - whole;
      if (Math.abs(left) < 1e-9) left = 0;
      if (whole > MAX_NOTCHES) {
        whole = MAX_NOTCHES;
        left = 0;
      } else if (whole < -MAX_NOTCHES) {
        whole = -MAX_NOTCHES;
        left = 0;
      }
      return [left, whole];
    };
    let dx;
    let dy;
    [this.rx, dx] = step(this.rx, deltaX);
    [this.ry, dy] = step(this.ry, deltaY);
    return { dx: dx || 0, dy: dy || 0 };
  }

  reset() {
    this.rx = 0;
    this.ry = 0;
  }
}

/**
 * What the technician holds down on the customer's side: keys by code and X buttons, in the
 * order they were pressed. press/release say whether the event should be sent (a second
 * press of a held key is browser auto-repeat and is not; a release of something we never
 * pressed is not either). releaseAll() gives the events that let everything go.
 */
export class PressedState {
  constructor() {
    this.keys = new Set();
    this.buttons = new Set();
  }

  pressKey(code) {
    if (this.keys.has(code)) return false;
    this.keys.add(code);
    return true;
  }

  releaseKey(code) {
    return this.keys.delete(code);
  }

  pressButton(button) {
    if (this.buttons.has(button)) return false;
    this.buttons.add(button);
    return true;
  }

  releaseButton(button) {
    return this.buttons.delete(button);
  }

  get empty() {
    return this.keys.size === 0 && this.buttons.size === 0;
  }

  /**
   * Release events for everything held, newest first (modifiers pressed first are released
   * last), buttons at `at` {x, y}; clears the state.
   */
  releaseAll(at = { x: 0, y: 0 }) {
    const out = [];
    for (const b of [...this.buttons].reverse()) out.push({ kind: 'button', button: b, pressed: false, x: at.x, y: at.y });
    for (const code of [...this.keys].reverse()) out.push({ kind: 'key', code, pressed: false });
    this.keys.clear();
    this.buttons.clear();
    return out;
  }
}

/**
 * Keeps only the newest pointer position until it is taken (once per animation frame);
 * a position equal to the last one taken is not taken again.
 */
export class MoveCoalescer {
  constructor() {
    this.pending = null;
    this.last = null;
  }

  move(x, y) {
    this.pending = { x, y };
  }

  /** The pointer_move event due now, or null. */
  take() {
    const p = this.pending;
    this.pending = null;
    if (!p || (this.last && this.last.x === p.x && this.last.y === p.y)) return null;
    this.last = p;
    return { kind: 'pointer_move', x: p.x, y: p.y };
  }

  /** Notes a position that went out another way (with a button event). */
  sent(x, y) {
    this.pending = null;
    this.last = { x, y };
  }

  reset() {
    this.pending = null;
    this.last = null;
  }
}

/**
 * Collects events into batches of at most MAX_BATCH. Consecutive pointer moves collapse into
 * the newest one. take() returns the batches to send now (in order) and empties the queue.
 */
export class InputBatcher {
  constructor(maxBatch = MAX_BATCH) {
    this.maxBatch = maxBatch;
    this.queue = [];
  }

  get size() {
    return this.queue.length;
  }

  push(event) {
    const last = this.queue[this.queue.length - 1];
    if (event.kind === 'pointer_move' && last && last.kind === 'pointer_move') {
      this.queue[this.queue.length - 1] = event;
    } else {
      this.queue.push(event);
    }
  }

  take() {
    const out = [];
    for (let i = 0; i < this.queue.length; i += this.maxBatch) out.push(this.queue.slice(i, i + this.maxBatch));
    this.queue = [];
    return out;
  }

  clear() {
    this.queue = [];
  }
}

/**
 * Drives an InputBatcher: the first event after a flush arms both an animation-frame callback
 * and an 8 ms timer; whichever fires first sends the batch and disarms the other. A full
 * batch is sent at once. `send(events)` gets each batch; `sched` is
 * {raf(fn) → handle, cancelRaf(h), timeout(fn, ms) → handle, cancelTimeout(h)} (raf may be
 * missing: then only the timer runs).
 */
export class InputPump {
  constructor(send, sched, maxBatch = MAX_BATCH) {
    this.send = send;
    this.sched = sched;
    this.batcher = new InputBatcher(maxBatch);
    this.rafHandle = null;
    this.timer = null;
    this.counts = { pointer_move: 0, button: 0, wheel: 0, key: 0, special: 0, messages: 0 };
  }

  push(events) {
    for (const e of events) {
      this.batcher.push(e);
      if (this.batcher.size >= this.batcher.maxBatch) this.flush();
    }
    if (this.batcher.size > 0) this.arm();
  }

  arm() {
    if (this.timer !== null) return;
    const fire = () => this.flush();
    this.timer = this.sched.timeout(fire, FLUSH_MS);
    if (this.sched.raf) this.rafHandle = this.sched.raf(fire);
  }

  disarm() {
    if (this.timer !== null) this.sched.cancelTimeout(this.timer);
    if (this.rafHandle !== null && this.sched.cancelRaf) this.sched.cancelRaf(this.rafHandle);
    this.timer = null;
    this.rafHandle = null;
  }

  flush() {
    this.disarm();
    for (const batch of this.batcher.take()) {
      this.send(batch);
      this.counts.messages += 1;
      for (const e of batch) this.counts[e.kind] = (this.counts[e.kind] || 0) + 1;
    }
  }

  /** Drops what is queued (control ended: nothing more may go out). */
  drop() {
    this.disarm();
    this.batcher.clear();
  }
}

/** UTF-8 length of a string. */
export function utf8Length(text) {
  let n = 0;
  for (const ch of String(text)) {
    const c = ch.codePointAt(0);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text, maxBytes) {
  let n = 0;
  let out = '';
  for (const ch of String(text)) {
    const c = ch.codePointAt(0);
    const len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (n + len > maxBytes) break;
    n += len;
    out += ch;
  }
  return out;
}

/** The modes of access_state (docs/protocol.md §3.3). */
export const READ_ONLY = 'read_only';
export const FULL_ACCESS = 'full_access';

const REASON_TEXT = {
  initial: 'the session started read-only',
  granted: 'the customer granted control',
  revoked: 'the customer took back control',
  mouse_precedence: 'the customer moved their mouse',
  paused: 'the customer is using their mouse; your input is paused',
  resumed: 'your input works again',
  disconnect: 'connection lost',
  timeout: 'connection lost (timeout)',
  controller_left: 'the technician in control left',
};

/** Human text for an access_state reason; unknown reasons are shown as they are. */
export function reasonText(reason) {
  if (typeof reason !== 'string' || reason === '') return '';
  return Object.prototype.hasOwnProperty.call(REASON_TEXT, reason) ? REASON_TEXT[reason] : reason.replace(/_/g, ' ');
}

/**
 * Checks an access_state object and reduces it to {mode, controller: {id, name} | null,
 * reason, pausedMs}; throws on a malformed one.
 */
export function normalizeAccess(obj) {
  if (!obj || typeof obj !== 'object') throw new Error('access_state: not an object');
  const mode = obj.mode;
  if (mode !== READ_ONLY && mode !== FULL_ACCESS) throw new Error('access_state: bad mode');
  let controller = null;
  if (mode === FULL_ACCESS) {
    const c = obj.controller;
    if (!c || typeof c !== 'object' || typeof c.id !== 'string' || c.id === '' || c.id.length > 64) {
      throw new Error('access_state: bad controller');
    }
    const name = typeof c.name === 'string' && c.name !== '' ? c.name.slice(0, 128) : c.id;
    controller = { id: c.id, name };
  }
  const reason = typeof obj.reason === 'string' ? obj.reason.slice(0, 64) : '';
  const pausedMs = Number.isInteger(obj.paused_ms) && obj.paused_ms > 0 ? Math.min(obj.paused_ms, 600000) : 0;
  return { mode, controller, reason, pausedMs };
}

/** The badge text: "Read-Only", "Full-Access (you)" or "Full-Access (<name>)". */
export function accessLabel(access, myId) {
  if (!access || access.mode !== FULL_ACCESS || !access.controller) return 'Read-Only';
  if (myId && access.controller.id === myId) return 'Full-Access (you)';
  return `Full-Access (${access.controller.name})`;
}

/** True when this technician may send input now. */
export function holdsControl(access, myId) {
  return !!(access && access.mode === FULL_ACCESS && access.controller && myId && access.controller.id === myId);
}

/** The console's "Keys" menu: label and protocol special key (protocol.js SpecialKey names). */
export const SPECIAL_MENU = Object.freeze([
  { label: 'Ctrl-Alt-Del', special: 'ctrl_alt_del' },
  { label: 'Alt-Tab', special: 'alt_tab' },
  { label: 'Alt-Shift-Tab', special: 'alt_shift_tab' },
  { label: 'Alt-F4', special: 'alt_f4' },
  { label: 'Ctrl-Esc', special: 'ctrl_esc' },
  { label: 'Win', special: 'meta' },
  { label: 'Print Screen', special: 'print_screen' },
]);
