// Unit tests of the session view's state model (web/js/session/session_model.js) under Node:
// a fake worker records what is posted, a fake view what is rendered, timers are manual.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SessionModel,
  REQUEST_PENDING_MS,
  WORKER_STOP_GRACE_MS,
  dialogCount,
  dialogLimit,
  accessPresentation,
  scopePresentation,
  monitorOptions,
  sameMonitors,
} from '../../web/js/session/session_model.js';
import { Limits } from '../../web/js/protocol.js';
import { SCALE_NATIVE } from '../../web/js/session/view_math.js';

const FULL_ME = { mode: 'full_access', controller: { id: 'alice', name: 'Alice' }, reason: 'granted' };
const FULL_BOB = { mode: 'full_access', controller: { id: 'bob', name: 'Bob' }, reason: 'granted' };

function timers() {
  const t = { next: 1, due: new Map() };
  t.setTimer = (fn, ms) => {
    const id = t.next++;
    t.due.set(id, { fn, ms });
    return id;
  };
  t.clearTimer = (id) => t.due.delete(id);
  t.fire = (ms) => {
    for (const [id, d] of [...t.due]) {
      if (d.ms === ms) {
        t.due.delete(id);
        d.fn();
      }
    }
  };
  return t;
}

function setup({ me = 'alice' } = {}) {
  const posted = [];
  const calls = [];
  const released = [];
  const worker = {
    postMessage: (m) => posted.push(m),
    terminated: false,
    terminate() {
      this.terminated = true;
    },
  };
  const record =
    (name) =>
    (...args) =>
      calls.push([name, ...args]);
  const view = Object.fromEntries(
    ['state', 'access', 'controls', 'hello', 'screen', 'cursorShape', 'cursorMoved', 'clipboard', 'detail', 'clipStatus'].map((k) => [
      k,
      record(k),
    ]),
  );
  const t = timers();
  const model = new SessionModel({
    me,
    view,
    input: { releaseHeld: () => released.push(true) },
    setTimer: t.setTimer,
    clearTimer: t.clearTimer,
  });
  model.attach(worker);
  const last = (name) => calls.filter((c) => c[0] === name).at(-1);
  return { model, worker, posted, calls, released, t, last };
}

function live(s, access = FULL_ME) {
  s.model.onWorkerMessage({ ev: 'socket_open' });
  s.model.onWorkerMessage({ ev: 'live' });
  s.model.onWorkerMessage({ ev: 'access', access });
}

test('session model: connecting → waiting → live; closed is terminal and drops Full-Access', () => {
  const s = setup();
  assert.equal(s.model.state, 'connecting');
  s.model.onWorkerMessage({ ev: 'socket_open' });
  assert.equal(s.model.state, 'waiting');
  s.model.onWorkerMessage({ ev: 'live' });
  assert.equal(s.model.state, 'live');
  s.model.onWorkerMessage({ ev: 'access', access: FULL_ME });
  assert.equal(s.model.inControl(), true);
  s.model.onWorkerMessage({ ev: 'close_reason', code: 'customer_left', message: 'bye' });
  assert.equal(s.model.state, 'closed');
  assert.deepEqual(s.model.access, { mode: 'read_only', controller: null, reason: 'disconnect' });
  assert.equal(s.model.inControl(), false);
  assert.deepEqual(s.last('state'), ['state', 'Customer disconnected']);
  assert.deepEqual(s.last('detail'), ['detail', 'bye']);
  s.model.onWorkerMessage({ ev: 'live' });
  s.model.onWorkerMessage({ ev: 'error', message: 'late' });
  assert.equal(s.model.state, 'closed');
  assert.deepEqual(s.last('detail'), ['detail', 'bye'], 'errors after the close are not shown');
});

test('session model: a lost connection and a failed start say why', () => {
  const s = setup();
  s.model.onWorkerMessage({ ev: 'closed', wsCode: 1006, error: 'socket error' });
  assert.deepEqual(s.last('state'), ['state', 'Connection lost']);
  assert.deepEqual(s.last('detail'), ['detail', 'socket error']);
  const f = setup();
  f.model.fail('This browser cannot show the screen', 'no OffscreenCanvas');
  assert.equal(f.model.state, 'closed');
  assert.deepEqual(f.last('detail'), ['detail', 'no OffscreenCanvas']);
});

test('session model: control request is pending until answered or 30 s passed', () => {
  const s = setup();
  s.model.setAccess(s.model.access); // as the view does once it is mounted
  assert.equal(s.model.requestControl(), false, 'not before the session is live');
  live(s, { mode: 'read_only', controller: null, reason: 'initial' });
  assert.equal(s.last('controls')[1].requestDisabled, false);
  assert.equal(s.model.requestControl(), true);
  assert.deepEqual(s.posted.at(-1), { op: 'control_request' });
  assert.equal(s.last('controls')[1].requestDisabled, true);
  assert.equal(s.last('controls')[1].requestText, 'Control requested…');
  assert.equal(s.model.requestControl(), false, 'no second request while one is pending');
  s.t.fire(REQUEST_PENDING_MS);
  assert.equal(s.model.requestPending, false);
  assert.equal(s.last('controls')[1].requestText, 'Request control');
  assert.equal(s.model.requestControl(), true);
  s.model.onWorkerMessage({ ev: 'access', access: FULL_ME });
  assert.equal(s.model.requestPending, false, 'granted: no longer pending');
  assert.equal(s.t.due.size, 0, 'and its timer is gone');
  assert.equal(s.last('controls')[1].requestDisabled, true, 'holding control: nothing to request');
});

test('session model: another technician in control, or paused, means no input from us', () => {
  const s = setup();
  live(s, FULL_BOB);
  assert.equal(s.model.inControl(), false);
  const shown = s.last('access')[1];
  assert.equal(shown.label, 'Full-Access (Bob)');
  assert.equal(shown.mine, false);
  s.model.sendInput([{ kind: 'key', code: 'KeyA', pressed: true }]);
  assert.equal(s.posted.length, 0);
  s.model.onWorkerMessage({ ev: 'access', access: { ...FULL_ME, reason: 'paused' } });
  assert.equal(s.model.inControl(), false);
  assert.equal(s.last('controls')[1].keysDisabled, true);
  s.model.onWorkerMessage({ ev: 'access', access: { ...FULL_ME, reason: 'resumed' } });
  s.model.sendInput([{ kind: 'key', code: 'KeyA', pressed: true }]);
  assert.deepEqual(s.posted.at(-1), { op: 'input', events: [{ kind: 'key', code: 'KeyA', pressed: true }] });
});

test('session model: special keys and pastes let go of held keys first', () => {
  const s = setup();
  live(s);
  s.model.sendSpecial('ctrl_alt_del');
  assert.equal(s.released.length, 1);
  assert.deepEqual(s.posted.at(-1), { op: 'input', events: [{ kind: 'special', special: 'ctrl_alt_del' }] });
  assert.deepEqual(s.model.openDialog('paste'), {
    title: 'Paste text',
    hint: 'Typed on the customer’s screen where the cursor is, up to 4 KiB.',
  });
  assert.equal(s.model.submitDialog(''), false, 'an empty paste sends nothing');
  assert.equal(s.model.submitDialog('x'.repeat(Limits.maxPasteBytes + 1)), false, 'too large');
  assert.equal(s.model.submitDialog('héllo'), true);
  assert.equal(s.released.length, 2);
  assert.deepEqual(s.posted.at(-1), { op: 'paste', text: 'héllo' });
});

test('session model: clipboard is all or nothing and the status says which', () => {
  const s = setup();
  live(s);
  s.model.sendClipboardText('x'.repeat(Limits.maxClipboardBytes + 1));
  assert.deepEqual(s.last('clipStatus'), [
    'clipStatus',
    `Clipboard not sent: ${Limits.maxClipboardBytes + 1} bytes, the limit is ${Limits.maxClipboardBytes} bytes`,
    true,
  ]);
  assert.equal(s.posted.filter((m) => m.op === 'clipboard').length, 0);
  s.model.sendClipboardText('€');
  assert.deepEqual(s.posted.at(-1), { op: 'clipboard', text: '€' });
  assert.deepEqual(s.last('clipStatus'), ['clipStatus', 'Clipboard sent (3 bytes)', false]);
  assert.equal(s.model.openDialog('clipboard').title, 'Send clipboard');
  assert.equal(s.model.submitDialog(''), true, 'an empty clipboard may be sent');
  const r = setup();
  live(r, FULL_BOB);
  assert.equal(r.model.openDialog('paste'), null, 'no dialog without control');
  r.model.sendClipboardText('a');
  assert.equal(r.posted.length, 0);
});

test('session model: dialog limits and counter', () => {
  assert.equal(dialogLimit('paste'), Limits.maxPasteBytes);
  assert.equal(dialogLimit('clipboard'), Limits.maxClipboardBytes);
  assert.deepEqual(dialogCount('paste', ''), { text: `0 / ${Limits.maxPasteBytes} bytes`, over: false, sendDisabled: true });
  assert.deepEqual(dialogCount('clipboard', ''), { text: `0 / ${Limits.maxClipboardBytes} bytes`, over: false, sendDisabled: false });
  const big = dialogCount('paste', 'é'.repeat(Limits.maxPasteBytes));
  assert.equal(big.over, true);
  assert.equal(big.sendDisabled, true);
  assert.match(big.text, /too large, nothing is sent$/);
});

test('session model: access badge texts', () => {
  assert.deepEqual(accessPresentation({ mode: 'read_only', controller: null, reason: 'initial' }, 'alice'), {
    mode: 'read_only',
    mine: false,
    label: 'Read-Only',
    title: 'You can watch; only the customer can grant Full-Access',
    isFull: false,
    reason: 'the session started read-only',
  });
  const mine = accessPresentation(FULL_ME, 'alice');
  assert.equal(mine.label, 'Full-Access (you)');
  assert.equal(mine.title, 'You control the customer’s mouse and keyboard');
  assert.equal(accessPresentation(FULL_ME, 'bob').title, 'Another technician controls the customer’s screen');
});

test('session model: screen, monitors, layout and cursor', () => {
  const s = setup();
  const monitors = [
    { x: 0, y: 0, width: 1920, height: 1080, primary: true },
    { x: 1920, y: 0, width: 1280, height: 1024, primary: false },
  ];
  s.model.onWorkerMessage({ ev: 'screen', width: 3200, height: 1080, monitors, scope: null });
  assert.deepEqual(s.last('screen'), ['screen', true]);
  s.model.onWorkerMessage({ ev: 'screen', width: 3200, height: 1080, monitors: monitors.map((m) => ({ ...m })), scope: null });
  assert.deepEqual(s.last('screen'), ['screen', false], 'the same monitors again: the select stays');
  let out = s.model.layoutFor({ width: 1600, height: 1000 });
  assert.equal(out.layout.scale, 0.5);
  assert.equal(out.meta, '3200×1080 · 50 %');
  s.model.selectMonitor('1');
  out = s.model.layoutFor({ width: 1280, height: 1024 });
  assert.deepEqual(out.place, { width: 3200, height: 1080, left: -1920, top: 0 });
  assert.equal(out.meta, '1280×1024 · 100 %');
  s.model.selectMonitor('7');
  assert.equal(s.model.monitorIndex, -1, 'no such monitor: all');
  s.model.selectMonitor('1');
  s.model.onWorkerMessage({ ev: 'screen', width: 1920, height: 1080, monitors: [monitors[0]], scope: null });
  assert.equal(s.model.monitorIndex, -1, 'the shown monitor went away: all');
  s.model.mode = SCALE_NATIVE;
  s.model.layoutFor({ width: 100, height: 100 });
  assert.equal(s.model.cursorPlacement(), null, 'no shape yet');
  s.model.onWorkerMessage({ ev: 'cursor_shape', width: 16, height: 16, hotX: 2, hotY: 3, bitmap: {} });
  s.model.onWorkerMessage({ ev: 'cursor_position', x: 100, y: 50, visible: true });
  assert.deepEqual(s.model.cursorPlacement(), { left: 98, top: 47, width: 16, height: 16 });
  assert.equal(s.calls.filter((c) => c[0] === 'cursorMoved').length, 2);
  s.model.onWorkerMessage({ ev: 'cursor_position', x: 100, y: 50, visible: false });
  assert.equal(s.model.cursorPlacement(), null, 'hidden cursor');
});

test('session model: scope badge and monitor options', () => {
  assert.equal(scopePresentation(null), null);
  assert.equal(scopePresentation({ kind: 'desktop' }), null);
  const w = scopePresentation({ kind: 'window', title: '<b>Editor</b>', state: 'minimised' });
  assert.equal(w.text, 'Limited to one application: <b>Editor</b> (minimised)');
  assert.equal(w.state, 'minimised');
  assert.equal(scopePresentation({ kind: 'window', title: '', state: 'normal' }).text, 'Limited to one application: (untitled)');
  assert.deepEqual(monitorOptions([{ x: 0, y: 0, width: 800, height: 600, primary: true }]), [
    { value: '-1', text: 'All monitors' },
    { value: '0', text: 'Monitor 1 (primary) · 800×600' },
  ]);
  assert.equal(sameMonitors([], []), true);
  assert.equal(
    sameMonitors([{ x: 0, y: 0, width: 1, height: 1, primary: false }], [{ x: 0, y: 0, width: 1, height: 1, primary: true }]),
    false,
  );
});

test('session model: worker requests are answered by id; destroy fails the rest and stops the worker', async () => {
  const s = setup();
  s.model.onWorkerMessage({ ev: 'hello', name: 'Ada', description: 'printer' });
  assert.deepEqual(s.last('hello'), ['hello', 'Ada', 'printer']);
  const a = s.model.request('stats');
  const b = s.model.request('snapshot', { raw: true });
  assert.deepEqual(s.posted.slice(-2), [
    { op: 'stats', id: 1 },
    { op: 'snapshot', id: 2, raw: true },
  ]);
  s.model.onWorkerMessage({ ev: 'reply', id: 1, ok: true, value: { frames: 3 } });
  assert.deepEqual(await a, { frames: 3 });
  s.model.onWorkerMessage({ ev: 'reply', id: 99, ok: true, value: 0 });
  s.model.setProbe({ x: 1, y: 2 });
  assert.deepEqual(s.posted.at(-1), { op: 'probe', probe: { x: 1, y: 2 } });
  s.model.destroy();
  await assert.rejects(b, /viewer stopped/);
  assert.deepEqual(s.posted.at(-1), { op: 'stop' });
  assert.equal(s.worker.terminated, false);
  s.t.fire(WORKER_STOP_GRACE_MS);
  assert.equal(s.worker.terminated, true);
  await assert.rejects(s.model.request('stats'), /viewer stopped/);
  s.model.destroy();
  assert.equal(s.posted.filter((m) => m.op === 'stop').length, 1);
});

test('session model: clipboard text from the customer reaches the view only as a string', () => {
  const s = setup();
  s.model.onWorkerMessage({ ev: 'clipboard', text: 42 });
  s.model.onWorkerMessage({ ev: 'clipboard', text: '<b>x</b>' });
  assert.deepEqual(
    s.calls.filter((c) => c[0] === 'clipboard'),
    [['clipboard', '<b>x</b>']],
  );
  s.model.onWorkerMessage({ ev: 'unknown' });
  s.model.onWorkerMessage();
});

// A browser's setTimeout throws "Illegal invocation" when called as a method of another object.
function withStrictTimers(run) {
  const real = [globalThis.setTimeout, globalThis.clearTimeout];
  const delays = [];
  const strict = (f) =>
    function (...args) {
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
      return f(...args);
    };
  globalThis.setTimeout = strict((fn, ms) => delays.push(ms));
  globalThis.clearTimeout = strict(() => {});
  try {
    run();
  } finally {
    [globalThis.setTimeout, globalThis.clearTimeout] = real;
  }
  return delays;
}

test('session model: the default timers are called as plain functions', () => {
  const delays = withStrictTimers(() => {
    const m = new SessionModel({ me: 'alice' });
    m.attach({ postMessage() {}, terminate() {} });
    m.onWorkerMessage({ ev: 'live' });
    assert.equal(m.requestControl(), true);
    m.clearPending();
    m.destroy();
  });
  assert.deepEqual(delays, [REQUEST_PENDING_MS, WORKER_STOP_GRACE_MS]);
});
