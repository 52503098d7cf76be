// The session view's state, without DOM: the connection state, access and control (with the
// pending control request), scale mode and monitor choice, the cursor, the text dialog's
// limits, and the requests made of the viewer worker. The page (session_view.js) hands it the
// worker's messages and the user's actions and renders what it reports through `view`
// callbacks. Importable from Node: the worker (anything with postMessage/terminate), the input
// capture and the timers are injected.
import { Limits } from '../protocol.js';
import { closeText } from '../shell/format.js';
import { computeLayout, viewRegion, canvasPlacement, cursorBox, formatScale, SCALE_FIT } from './view_math.js';
import { accessLabel, holdsControl, reasonText, utf8Length, READ_ONLY, FULL_ACCESS } from './input_model.js';

/** A control request nobody answered may be sent again after this long. */
export const REQUEST_PENDING_MS = 30000;
/** A stopped worker gets this long to close its socket cleanly before it is ended. */
export const WORKER_STOP_GRACE_MS = 1000;

export const STATE_TEXT = Object.freeze({ connecting: 'Connecting…', waiting: 'Waiting for the screen…', live: 'Live' });

export const DIALOG_TEXT = Object.freeze({
  paste: { title: 'Paste text', hint: 'Typed on the customer’s screen where the cursor is, up to 4 KiB.' },
  clipboard: {
    title: 'Send clipboard',
    hint: 'Your clipboard could not be read. Paste the text here; it goes to the customer’s clipboard (up to 64 KiB).',
  },
});

/** The most UTF-8 bytes the text dialog of `kind` ('paste' | 'clipboard') sends. */
export function dialogLimit(kind) {
  return kind === 'paste' ? Limits.maxPasteBytes : Limits.maxClipboardBytes;
}

/** The dialog's byte counter: {text, over, sendDisabled}. An empty paste sends nothing. */
export function dialogCount(kind, text) {
  const n = utf8Length(text);
  const max = dialogLimit(kind);
  const over = n > max;
  return {
    text: over ? `${n} / ${max} bytes — too large, nothing is sent` : `${n} / ${max} bytes`,
    over,
    sendDisabled: over || (kind === 'paste' && n === 0),
  };
}

/** The access badge and reason: {mode, mine, label, title, isFull, reason}. */
export function accessPresentation(access, me) {
  const mine = holdsControl(access, me);
  const isFull = access.mode === FULL_ACCESS;
  let title = 'You can watch; only the customer can grant Full-Access';
  if (isFull) title = mine ? 'You control the customer’s mouse and keyboard' : 'Another technician controls the customer’s screen';
  return { mode: isFull ? FULL_ACCESS : READ_ONLY, mine, label: accessLabel(access, me), title, isFull, reason: reasonText(access.reason) };
}

/** The scope badge for a screen_info scope: null for the desktop, else {text, title, state}. */
export function scopePresentation(scope) {
  if (!scope || scope.kind !== 'window') return null;
  const suffix = scope.state === 'minimised' ? ' (minimised)' : scope.state === 'closed' ? ' (closed)' : '';
  const text = `Limited to one application: ${scope.title || '(untitled)'}${suffix}`;
  return {
    text,
    title: `${text}. Everything else on the customer's screen is black, and input outside that window is refused.`,
    state: scope.state,
  };
}

export function sameMonitors(a, b) {
  return a.length === b.length && a.every((m, i) => ['x', 'y', 'width', 'height', 'primary'].every((k) => m[k] === b[i][k]));
}

/** The monitor select's options [{value, text}]: all monitors (−1), then one per monitor. */
export function monitorOptions(monitors) {
  return [
    { value: '-1', text: 'All monitors' },
    ...monitors.map((mon, i) => ({
      value: String(i),
      text: `Monitor ${i + 1}${mon.primary ? ' (primary)' : ''} · ${mon.width}×${mon.height}`,
    })),
  ];
}

const VIEW_CALLBACKS = Object.freeze([
  'state',
  'access',
  'controls',
  'hello',
  'screen',
  'cursorShape',
  'cursorMoved',
  'clipboard',
  'detail',
  'clipStatus',
]);

export class SessionModel {
  /**
   *   me      this technician's id (the login name): decides whether Full-Access is ours
   *   view    callbacks, each optional: state(text), access(presentation), controls(c),
   *           hello(name, description), screen(monitorsChanged), cursorShape(m), cursorMoved(),
   *           clipboard(text), detail(text), clipStatus(text, bad)
   *   input   {releaseHeld()}: lets go of what the technician holds (before a paste or key)
   *   setTimer, clearTimer  injectable for tests (the defaults wrap the globals: kept as
   *         properties, a browser's setTimeout refuses to be called on another object)
   */
  constructor({
    me = '',
    view = {},
    input = { releaseHeld() {} },
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (h) => clearTimeout(h),
  }) {
    this.me = me;
    this.view = Object.fromEntries(VIEW_CALLBACKS.map((k) => [k, typeof view[k] === 'function' ? view[k] : () => {}]));
    Object.assign(this, { input, setTimer, clearTimer });
    this.worker = null;
    this.state = 'connecting';
    this.access = { mode: READ_ONLY, controller: null, reason: '' };
    this.requestPending = false;
    this.requestTimer = 0;
    this.shownControls = null;
    this.mode = SCALE_FIT;
    this.screen = { width: 0, height: 0 };
    this.monitors = [];
    this.monitorIndex = -1; // −1: all monitors
    this.region = { x: 0, y: 0, width: 0, height: 0 };
    this.layout = { scale: 1, width: 0, height: 0 };
    this.scope = null;
    this.cursor = { x: 0, y: 0, hotX: 0, hotY: 0, width: 0, height: 0, visible: false, haveShape: false };
    this.dialogKind = ''; // 'paste' | 'clipboard'
    this.pending = new Map();
    this.nextRequest = 1;
    this.destroyed = false;
  }

  /** Starts talking to a worker (anything with postMessage and terminate). */
  attach(worker) {
    this.worker = worker;
  }

  // --- connection state ---------------------------------------------------------------------
  /** 'connecting' → 'waiting' → 'live' → 'closed' (terminal); closing drops Full-Access. */
  setState(next, text) {
    if (this.state === 'closed') return;
    this.state = next;
    if (next === 'closed' && (this.access.mode !== READ_ONLY || this.access.reason !== 'disconnect')) {
      this.setAccess({ mode: READ_ONLY, controller: null, reason: 'disconnect' });
    }
    this.view.state(text);
  }

  /** The viewer could not start or died: closed with `text`, and `detail` below it. */
  fail(text, detail) {
    this.setState('closed', text);
    this.view.detail(detail);
  }

  // --- access and control -------------------------------------------------------------------
  /** True while this technician may send input: live, holding Full-Access, not paused. */
  inControl() {
    return this.state === 'live' && holdsControl(this.access, this.me) && this.access.reason !== 'paused';
  }

  setAccess(next) {
    this.access = { mode: next.mode, controller: next.controller, reason: next.reason || '' };
    const shown = accessPresentation(this.access, this.me);
    this.view.access(shown);
    if (shown.mine || this.access.mode === READ_ONLY) this.clearPending();
    this.updateControls();
  }

  /** What the control bar shows: {mine, requestDisabled, requestText, keysDisabled, clipDisabled}. */
  controls() {
    const mine = this.inControl();
    return {
      mine,
      requestDisabled: this.state !== 'live' || this.requestPending || holdsControl(this.access, this.me),
      requestText: this.requestPending ? 'Control requested…' : 'Request control',
      keysDisabled: !mine,
      clipDisabled: !mine,
    };
  }

  updateControls() {
    this.shownControls = this.controls();
    this.view.controls(this.shownControls);
  }

  clearPending() {
    this.requestPending = false;
    if (this.requestTimer) this.clearTimer(this.requestTimer);
    this.requestTimer = 0;
  }

  /** Sends control_request as the button does; false while the button is disabled. */
  requestControl() {
    if ((this.shownControls && this.shownControls.requestDisabled) || !this.worker) return false;
    this.worker.postMessage({ op: 'control_request' });
    this.requestPending = true;
    this.requestTimer = this.setTimer(() => {
      this.requestTimer = 0;
      this.requestPending = false;
      this.updateControls();
    }, REQUEST_PENDING_MS);
    this.updateControls();
    return true;
  }

  /** Input events from the capture: sent only while in control. */
  sendInput(events) {
    if (this.worker && this.inControl()) this.worker.postMessage({ op: 'input', events });
  }

  sendSpecial(special) {
    if (!this.inControl() || !this.worker) return;
    this.input.releaseHeld();
    this.worker.postMessage({ op: 'input', events: [{ kind: 'special', special }] });
  }

  // --- paste and clipboard ------------------------------------------------------------------
  /** Opens the text dialog of `kind`: its {title, hint}, or null when not in control. */
  openDialog(kind) {
    if (!this.inControl()) return null;
    this.dialogKind = kind;
    return DIALOG_TEXT[kind === 'paste' ? 'paste' : 'clipboard'];
  }

  dialogCount(text) {
    return dialogCount(this.dialogKind, text);
  }

  /** The dialog's Send: pastes or puts on the clipboard; true when the dialog may close. */
  submitDialog(text) {
    if (!this.inControl() || !this.worker || utf8Length(text) > dialogLimit(this.dialogKind)) return false;
    if (this.dialogKind === 'paste') {
      if (text === '') return false;
      this.input.releaseHeld();
      this.worker.postMessage({ op: 'paste', text });
    } else {
      this.postClipboard(text);
    }
    return true;
  }

  postClipboard(text) {
    this.worker.postMessage({ op: 'clipboard', text });
    this.view.clipStatus(`Clipboard sent (${utf8Length(text)} bytes)`, false);
  }

  /**
   * Sends clipboard text read from the browser. All or nothing: a cut text on the customer's
   * clipboard would be a silent surprise, so over the limit it is refused and the status says so.
   */
  sendClipboardText(text) {
    if (!this.inControl() || !this.worker) return;
    const n = utf8Length(text);
    if (n > Limits.maxClipboardBytes) {
      this.view.clipStatus(`Clipboard not sent: ${n} bytes, the limit is ${Limits.maxClipboardBytes} bytes`, true);
      return;
    }
    this.postClipboard(text);
  }

  // --- screen, scale, monitors and cursor ---------------------------------------------------
  /** A new monitor list; a view of a monitor that no longer exists falls back to all. */
  setMonitors(next) {
    if (sameMonitors(next, this.monitors)) return false;
    this.monitors = next;
    if (this.monitorIndex >= this.monitors.length) this.monitorIndex = -1;
    return true;
  }

  /** The monitor select's value: a monitor's index, anything else shows all. */
  selectMonitor(value) {
    const i = Number(value);
    this.monitorIndex = Number.isInteger(i) && i >= 0 && i < this.monitors.length ? i : -1;
  }

  /**
   * Lays the screen out in `avail` {width, height} (the viewport's content box) for the current
   * mode and monitor. Returns {layout, place (canvasPlacement), meta (size · scale text)}.
   */
  layoutFor(avail) {
    this.region = viewRegion(this.screen, this.monitors, this.monitorIndex);
    this.layout = computeLayout(this.mode, this.region, avail);
    const meta = this.screen.width ? `${this.region.width}×${this.region.height} · ${formatScale(this.layout.scale)}` : '';
    return { layout: this.layout, place: canvasPlacement(this.screen, this.region, this.layout), meta };
  }

  /** Where the cursor overlay goes (cursorBox in the shown region), or null when hidden. */
  cursorPlacement() {
    const c = this.cursor;
    if (!(c.haveShape && c.visible && this.state !== 'closed' && this.screen.width > 0)) return null;
    return cursorBox({ ...c, x: c.x - this.region.x, y: c.y - this.region.y }, this.layout.scale);
  }

  // --- the worker ---------------------------------------------------------------------------
  /** One message from the viewer worker (viewer_worker.js "Worker → page"). */
  onWorkerMessage(m = {}) {
    switch (m.ev) {
      case 'socket_open':
        if (this.state === 'connecting') this.setState('waiting');
        break;
      case 'hello':
        this.view.hello(m.name || '', m.description || '');
        break;
      case 'screen':
        this.scope = m.scope;
        this.screen = { width: m.width, height: m.height };
        this.view.screen(this.setMonitors(m.monitors || []));
        break;
      case 'live':
        this.setState('live');
        this.updateControls();
        break;
      case 'access':
        this.setAccess(m.access);
        break;
      case 'clipboard':
        if (typeof m.text === 'string') this.view.clipboard(m.text);
        break;
      case 'cursor_shape':
        this.view.cursorShape(m);
        Object.assign(this.cursor, { width: m.width, height: m.height, hotX: m.hotX, hotY: m.hotY, haveShape: true });
        this.view.cursorMoved();
        break;
      case 'cursor_position':
        Object.assign(this.cursor, { x: m.x, y: m.y, visible: m.visible });
        this.view.cursorMoved();
        break;
      case 'close_reason':
        this.setState('closed', closeText({ code: m.code }));
        if (m.message) this.view.detail(m.message);
        break;
      case 'error':
        if (this.state !== 'closed') this.view.detail(m.message || '');
        break;
      case 'closed':
        this.setState('closed', closeText(m.reason, m.wsCode));
        if (m.error) this.view.detail(m.error);
        break;
      case 'reply':
        this.settle(m);
        break;
      default:
        break;
    }
  }

  settle(m) {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  }

  /** Asks the worker (snapshot, stats, probeLog, inputSent); a promise of its reply's value. */
  request(op, extra = {}) {
    return new Promise((resolve, reject) => {
      if (!this.worker) {
        reject(new Error('viewer stopped'));
        return;
      }
      const id = this.nextRequest++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ op, id, ...extra });
    });
  }

  setProbe(probe) {
    if (this.worker) this.worker.postMessage({ op: 'probe', probe });
  }

  /** Ends it all: pending requests fail, the worker is stopped and then ended. */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.clearPending();
    for (const p of this.pending.values()) p.reject(new Error('viewer stopped'));
    this.pending.clear();
    if (this.worker) {
      const w = this.worker;
      this.worker = null;
      w.postMessage({ op: 'stop' });
      this.setTimer(() => w.terminate(), WORKER_STOP_GRACE_MS);
    }
  }
}
