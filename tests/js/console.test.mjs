// Unit tests of the console's pure logic (no DOM): routes, scaling, formatting, the API
// client with a fake fetch, the probe ring, the viewer's screen_info check, and remote input
// (coordinate mapping, buttons, wheel, pressed keys, batching, access state).
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, formatRoute, parseProbe, isValidRequestId, viewerSocketUrl } from '../../web/js/shell/routes.js';
import {
  computeLayout,
  cursorBox,
  formatScale,
  clientToScreen,
  stageBox,
  SCALE_FIT,
  SCALE_NATIVE,
  viewRegion,
  canvasPlacement,
} from '../../web/js/session/view_math.js';
import {
  xButton,
  WheelAccumulator,
  PressedState,
  MoveCoalescer,
  InputBatcher,
  InputPump,
  MAX_BATCH,
  FLUSH_MS,
  DOM_DELTA_PIXEL,
  DOM_DELTA_LINE,
  DOM_DELTA_PAGE,
  utf8Length,
  truncateUtf8,
  normalizeAccess,
  accessLabel,
  holdsControl,
  reasonText,
  SPECIAL_MENU,
} from '../../web/js/session/input_model.js';
import {
  parseTimestamp,
  formatDuration,
  formatClock,
  stateBadgeClass,
  stateLabel,
  closeText,
  onlineLabel,
} from '../../web/js/shell/format.js';
import { createApi, ApiError } from '../../web/js/shell/api.js';
import { Ring, bytesToBase64, tileContains } from '../../web/js/session/ring.js';
import { checkScreenInfo } from '../../web/js/session/viewer_messages.js';
import { CLOSE_CODES, SpecialKey, makeInput, parseMessage, parseInput, Limits } from '../../web/js/protocol.js';

const ID = '0123456789abcdef0123456789abcdef';

test('routes: parse the known hashes', () => {
  assert.deepEqual(parseRoute(''), { name: 'requests', probe: null });
  assert.deepEqual(parseRoute('#'), { name: 'requests', probe: null });
  assert.deepEqual(parseRoute('#/'), { name: 'requests', probe: null });
  assert.deepEqual(parseRoute('#/login'), { name: 'login', probe: null });
  assert.deepEqual(parseRoute('#/requests'), { name: 'requests', probe: null });
  assert.deepEqual(parseRoute(`#/session/${ID}`), { name: 'session', id: ID, probe: null });
  assert.deepEqual(parseRoute(`#/session/${ID}/`), { name: 'session', id: ID, probe: null });
});

test('routes: probe in the hash query', () => {
  assert.deepEqual(parseRoute(`#/session/${ID}?probe=1200,700`), { name: 'session', id: ID, probe: { x: 1200, y: 700 } });
  assert.deepEqual(parseRoute(`#/session/${ID}?a=b&probe=3%2C4`).probe, { x: 3, y: 4 });
  assert.equal(parseRoute(`#/session/${ID}?probe=-1,2`).probe, null);
  assert.equal(parseRoute(`#/session/${ID}?probe=8192,0`).probe, null);
  assert.equal(parseRoute(`#/session/${ID}?probe=%E0%A4%A`).probe, null); // bad escape: no throw
});

test('routes: hostile or malformed ids are refused', () => {
  for (const h of [
    '#/session/',
    '#/session/..%2f..%2fapi',
    '#/session/a%20b',
    '#/session/<script>',
    `#/session/${'a'.repeat(65)}`,
    '#/session/a/b',
    '#/admin/secrets',
    '#/request/<x>',
    '#/session/%2e%2e',
  ]) {
    assert.equal(parseRoute(h).name, 'unknown', h);
  }
  assert.equal(isValidRequestId(ID), true);
  assert.equal(isValidRequestId(''), false);
  assert.equal(isValidRequestId(42), false);
  assert.equal(isValidRequestId('a/b'), false);
});

test('routes: format is the inverse of parse', () => {
  for (const r of [
    { name: 'login', probe: null },
    { name: 'requests', probe: null },
    { name: 'session', id: ID, probe: null },
    { name: 'session', id: ID, probe: { x: 5, y: 6 } },
  ]) {
    assert.deepEqual(parseRoute(formatRoute(r)), r);
  }
  assert.equal(formatRoute({ name: 'unknown' }), '#/requests');
  assert.throws(() => formatRoute({ name: 'session', id: '../x' }));
});

test('routes: parseProbe', () => {
  assert.deepEqual(parseProbe(' 10 , 20 '), { x: 10, y: 20 });
  assert.equal(parseProbe('10;20'), null);
  assert.equal(parseProbe('1.5,2'), null);
  assert.equal(parseProbe(null), null);
});

test('routes: the viewer socket URL follows the page scheme', () => {
  assert.equal(viewerSocketUrl({ protocol: 'https:', host: 'h.example:8443' }, ID), `wss://h.example:8443/ws/view/${ID}`);
  assert.equal(viewerSocketUrl({ protocol: 'http:', host: '127.0.0.1:8099' }, ID), `ws://127.0.0.1:8099/ws/view/${ID}`);
  assert.throws(() => viewerSocketUrl({ protocol: 'https:', host: 'h' }, '../api'));
});

test('view math: fit keeps the aspect ratio and fills one dimension', () => {
  const wide = computeLayout(SCALE_FIT, { width: 1920, height: 1080 }, { width: 960, height: 1000 });
  assert.equal(wide.scale, 0.5);
  assert.deepEqual([wide.width, wide.height], [960, 540]);
  const tall = computeLayout(SCALE_FIT, { width: 1280, height: 800 }, { width: 2000, height: 400 });
  assert.equal(tall.scale, 0.5);
  assert.deepEqual([tall.width, tall.height], [640, 400]);
  const up = computeLayout(SCALE_FIT, { width: 300, height: 200 }, { width: 600, height: 1000 });
  assert.equal(up.scale, 2);
  // Never larger than the room, whatever the rounding.
  for (const [w, h, aw, ah] of [
    [1920, 1080, 1371, 761],
    [1280, 800, 1373, 763],
    [7, 3, 10, 10],
    [8192, 1, 100, 100],
  ]) {
    const l = computeLayout(SCALE_FIT, { width: w, height: h }, { width: aw, height: ah });
    assert.ok(l.width <= aw && l.height <= ah, `${w}x${h} in ${aw}x${ah} -> ${l.width}x${l.height}`);
    assert.ok(l.width === aw || l.height === ah || Math.abs(l.width - aw) <= 1 || Math.abs(l.height - ah) <= 1);
  }
});

test('view math: native is one to one; unknown sizes are harmless', () => {
  assert.deepEqual(computeLayout(SCALE_NATIVE, { width: 1920, height: 1080 }, { width: 100, height: 100 }), {
    scale: 1,
    width: 1920,
    height: 1080,
  });
  assert.deepEqual(computeLayout(SCALE_FIT, { width: 0, height: 0 }, { width: 100, height: 100 }), { scale: 1, width: 0, height: 0 });
  assert.deepEqual(computeLayout(SCALE_FIT, { width: 100, height: 50 }, { width: 0, height: 0 }), { scale: 1, width: 100, height: 50 });
  assert.equal(computeLayout(SCALE_FIT, { width: 10000, height: 1 }, { width: 1, height: 1 }).width, 1);
});

test('view math: the cursor hot spot lands on the pointer, scaled', () => {
  const c = { x: 100, y: 50, hotX: 4, hotY: 2, width: 16, height: 24 };
  assert.deepEqual(cursorBox(c, 1), { left: 96, top: 48, width: 16, height: 24 });
  assert.deepEqual(cursorBox(c, 0.5), { left: 48, top: 24, width: 8, height: 12 });
  assert.equal(formatScale(0.4567), '46 %');
  assert.equal(formatScale(1), '100 %');
  assert.equal(formatScale(NaN), '');
});

test('format: timestamps in seconds, milliseconds or ISO', () => {
  assert.equal(parseTimestamp(1700000000), 1700000000000);
  assert.equal(parseTimestamp(1700000000123), 1700000000123);
  assert.equal(parseTimestamp('1700000000'), 1700000000000);
  assert.equal(parseTimestamp('2024-01-02T03:04:05Z'), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.ok(Number.isNaN(parseTimestamp('yesterday')));
  assert.ok(Number.isNaN(parseTimestamp(null)));
  assert.ok(Number.isNaN(parseTimestamp({})));
});

test('format: durations and clock', () => {
  assert.equal(formatDuration(0), 'just now');
  assert.equal(formatDuration(-5000), 'just now');
  assert.equal(formatDuration(45_000), '45 s');
  assert.equal(formatDuration(3 * 60_000 + 10_000), '3 min');
  assert.equal(formatDuration(2 * 3600_000 + 5 * 60_000), '2 h 05 min');
  assert.equal(formatDuration(3 * 86400_000), '3 d');
  assert.equal(formatDuration(NaN), '—');
  assert.equal(formatClock(new Date(2024, 0, 1, 9, 5, 7)), '09:05:07');
});

test('format: states map to a fixed set of classes', () => {
  assert.equal(stateBadgeClass('waiting'), 'badge-waiting');
  assert.equal(stateBadgeClass('WAITING'), 'badge-waiting');
  assert.equal(stateBadgeClass('in_session'), 'badge-active');
  assert.equal(stateBadgeClass('x" onmouseover="alert(1)'), 'badge-neutral');
  assert.equal(stateBadgeClass(undefined), 'badge-neutral');
  assert.equal(stateLabel('in_session'), 'in session');
  assert.equal(stateLabel(''), 'unknown');
  assert.equal(stateLabel(7), '7');
  assert.equal(onlineLabel(true), 'online');
  assert.equal(onlineLabel(0), 'offline');
});

test('format: close reasons', () => {
  assert.equal(closeText({ code: 'customer_left', message: 'bye' }), 'Customer disconnected');
  assert.equal(closeText({ code: 'not_found', message: '' }), 'Support request not found');
  assert.equal(closeText({ code: 'toString', message: '' }), 'Connection closed (toString)');
  assert.equal(closeText(null, 1006), 'Connection lost');
  assert.equal(closeText(null, 1000), 'Customer disconnected');
  // Every protocol close code has its own wording.
  for (const code of CLOSE_CODES) {
    assert.doesNotMatch(closeText({ code, message: '' }), /Connection closed \(/, code);
  }
});

function fakeFetch(routes) {
  const calls = [];
  const fn = async (path, init) => {
    calls.push({ path, init });
    const h = routes[`${init.method} ${path}`];
    if (!h) return response(404, { error: 'not found' });
    return h(init);
  };
  fn.calls = calls;
  return fn;
}

function response(status, body) {
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: new Map([['content-type', body === undefined ? 'text/plain' : 'application/json']]),
    json: async () => body,
  };
}

test('api: me, login, requests and logout with the CSRF token', async () => {
  let loggedIn = false;
  const f = fakeFetch({
    'GET /api/me': () => (loggedIn ? response(200, { username: 'alice', role: 'technician', csrf: 'T1' }) : response(401, {})),
    'POST /api/login': (init) => {
      const b = JSON.parse(init.body);
      if (b.username === 'alice' && b.password === 'pw') {
        loggedIn = true;
        return response(200, { username: 'alice', role: 'technician', csrf: 'T2' });
      }
      return response(401, { error: 'invalid credentials' });
    },
    'GET /api/requests': () => (loggedIn ? response(200, { requests: [{ id: ID, name: 'Ada' }, null, 5] }) : response(401, {})),
    'POST /api/logout': (init) => (init.headers['X-CSRF-Token'] === 'T2' ? response(204) : response(403, { error: 'csrf' })),
  });
  const api = createApi(f);
  assert.equal(await api.me(), null);
  await assert.rejects(api.requests(), (e) => e instanceof ApiError && e.status === 401);
  await assert.rejects(api.login('alice', 'nope'), (e) => e.status === 401 && e.message === 'invalid credentials');
  assert.deepEqual(await api.login('alice', 'pw'), { username: 'alice', role: 'technician', totp_enabled: false });
  assert.equal(api.csrf, 'T2');
  const loginCall = f.calls.find((c) => c.path === '/api/login' && JSON.parse(c.init.body).password === 'pw');
  assert.equal(loginCall.init.headers['Content-Type'], 'application/json');
  assert.equal(loginCall.init.credentials, 'same-origin');
  assert.deepEqual(await api.requests(), [{ id: ID, name: 'Ada' }]);
  await api.logout();
  assert.equal(api.csrf, null);
  assert.equal(api.user, null);
  const logoutCall = f.calls.find((c) => c.path === '/api/logout');
  assert.equal(logoutCall.init.headers['X-CSRF-Token'], 'T2');
});

test('api: network failure and server errors become ApiError', async () => {
  const api = createApi(async () => {
    throw new TypeError('Failed to fetch');
  });
  await assert.rejects(api.me(), (e) => e instanceof ApiError && e.status === 0);
  const api2 = createApi(fakeFetch({ 'GET /api/requests': () => response(500, { error: 'db down' }) }));
  await assert.rejects(api2.requests(), (e) => e.status === 500 && e.message === 'db down');
  const api3 = createApi(fakeFetch({ 'GET /api/requests': () => response(200, { nope: 1 }) }));
  await assert.rejects(api3.requests(), /unexpected answer/);
});

test('ring keeps the newest items in order', () => {
  const r = new Ring(3);
  assert.deepEqual(r.toArray(), []);
  for (let i = 1; i <= 5; i++) r.push(i);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  r.clear();
  r.push('a');
  assert.deepEqual(r.toArray(), ['a']);
  assert.throws(() => new Ring(0));
});

test('base64 of large buffers matches Buffer', () => {
  const bytes = new Uint8ClampedArray(300 * 200 * 4 + 7);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 255;
  assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'));
  assert.equal(bytesToBase64(new Uint8Array(0)), '');
});

test('tileContains', () => {
  const t = { x: 64, y: 128, w: 64, h: 16 };
  assert.ok(tileContains(t, { x: 64, y: 128 }));
  assert.ok(tileContains(t, { x: 127, y: 143 }));
  assert.ok(!tileContains(t, { x: 128, y: 130 }));
  assert.ok(!tileContains(t, { x: 70, y: 144 }));
});

test('screen_info validation', () => {
  assert.deepEqual(checkScreenInfo({ width: 1920, height: 1080, cell: 64 }), { width: 1920, height: 1080, scope: null });
  assert.deepEqual(checkScreenInfo({ width: 10, height: 10, cell: 64, scope: { kind: 'desktop' } }), {
    width: 10,
    height: 10,
    scope: null,
  });
  assert.deepEqual(
    checkScreenInfo({ width: 10, height: 10, cell: 64, scope: { kind: 'window', title: '<b>Mail</b>', state: 'minimised', extra: 1 } }),
    { width: 10, height: 10, scope: { kind: 'window', title: '<b>Mail</b>', state: 'minimised' } },
  );
  assert.deepEqual(
    checkScreenInfo({
      width: 2048,
      height: 768,
      cell: 64,
      monitors: [
        { x: 0, y: 0, width: 1024, height: 768, primary: true },
        { x: 1024, y: 0, width: 1024, height: 768 },
      ],
    }),
    {
      width: 2048,
      height: 768,
      scope: null,
      monitors: [
        { x: 0, y: 0, width: 1024, height: 768, primary: true },
        { x: 1024, y: 0, width: 1024, height: 768, primary: false },
      ],
    },
  );
  for (const monitors of [
    {},
    [null],
    [{ x: 1, y: 0, width: 2048, height: 768 }],
    [{ x: 0, y: 0, width: 0, height: 768 }],
    [{ x: 0, y: 0, width: 10, height: 10, primary: 1 }],
    Array.from({ length: 9 }, () => ({ x: 0, y: 0, width: 10, height: 10 })),
  ]) {
    assert.throws(() => checkScreenInfo({ width: 2048, height: 768, monitors }), JSON.stringify(monitors));
  }
  const scoped = (scope) => ({ width: 10, height: 10, cell: 64, scope });
  for (const bad of [
    {},
    null,
    { width: 0, height: 1 },
    { width: 8193, height: 1 },
    { width: 1.5, height: 2 },
    { width: '10', height: 10 },
    scoped(null),
    scoped({ kind: 'app' }),
    scoped({ kind: 'window', title: 'x' }),
    scoped({ kind: 'window', title: 'x', state: 'hidden' }),
    scoped({ kind: 'window', title: 'é'.repeat(129), state: 'visible' }),
  ]) {
    assert.throws(() => checkScreenInfo(bad), JSON.stringify(bad));
  }
});

// --- remote input ---------------------------------------------------------------------------

test('input mapping: Fit, scaled down, box at its page position', () => {
  // 1920×1080 shown at 0.5 in a box at (100, 50).
  const screen = { width: 1920, height: 1080 };
  const box = { left: 100, top: 50, width: 960, height: 540 };
  assert.deepEqual(clientToScreen(100, 50, box, screen), { x: 0, y: 0, inside: true });
  assert.deepEqual(clientToScreen(580, 320, box, screen), { x: 960, y: 540, inside: true });
  assert.deepEqual(clientToScreen(100.75, 50.25, box, screen), { x: 1, y: 0, inside: true });
  assert.deepEqual(clientToScreen(1059.9, 589.9, box, screen), { x: 1919, y: 1079, inside: true });
  // Scaled up (small screen in a big window).
  assert.deepEqual(clientToScreen(30, 21, { left: 0, top: 0, width: 600, height: 400 }, { width: 300, height: 200 }), {
    x: 15,
    y: 10,
    inside: true,
  });
});

test('input mapping: letterboxed Fit', () => {
  // A 4:3 screen in a wide viewport: the stage is centred, bands left and right.
  const layout = computeLayout(SCALE_FIT, { width: 1024, height: 768 }, { width: 1000, height: 384 });
  assert.deepEqual([layout.width, layout.height], [512, 384]);
  const stage = stageBox(layout, { width: 1000, height: 384 });
  assert.deepEqual(stage, { left: 244, top: 0, width: 512, height: 384 });
  // Viewport content box at client (12, 80).
  const box = { ...stage, left: stage.left + 12, top: stage.top + 80 };
  assert.deepEqual(clientToScreen(12 + 244 + 256, 80 + 192, box, { width: 1024, height: 768 }), { x: 512, y: 384, inside: true });
  // In the band: clamped to the nearest edge, marked outside.
  assert.deepEqual(clientToScreen(20, 100, box, { width: 1024, height: 768 }), { x: 0, y: 40, inside: false });
  assert.deepEqual(clientToScreen(990, 100, box, { width: 1024, height: 768 }), { x: 1023, y: 40, inside: false });
});

test('input mapping: 1:1 scrolled', () => {
  const layout = computeLayout(SCALE_NATIVE, { width: 1920, height: 1080 }, { width: 800, height: 600 });
  const stage = stageBox(layout, { width: 800, height: 600 }, { left: 700, top: 300 });
  assert.deepEqual(stage, { left: -700, top: -300, width: 1920, height: 1080 });
  const box = { ...stage, left: stage.left + 12, top: stage.top + 60 };
  assert.deepEqual(clientToScreen(12, 60, box, { width: 1920, height: 1080 }), { x: 700, y: 300, inside: true });
  assert.deepEqual(clientToScreen(12 + 799, 60 + 599, box, { width: 1920, height: 1080 }), { x: 1499, y: 899, inside: true });
  // Narrower than the room on one axis: centred on that axis only.
  const narrow = stageBox({ width: 640, height: 1000 }, { width: 800, height: 600 }, { left: 50, top: 40 });
  assert.deepEqual(narrow, { left: 80, top: -40, width: 640, height: 1000 });
});

test('input mapping: out of bounds clamps, nothing shown gives null', () => {
  const box = { left: 10, top: 10, width: 100, height: 50 };
  const screen = { width: 200, height: 100 };
  assert.deepEqual(clientToScreen(-500, -500, box, screen), { x: 0, y: 0, inside: false });
  assert.deepEqual(clientToScreen(5000, 5000, box, screen), { x: 199, y: 99, inside: false });
  assert.deepEqual(clientToScreen(110, 60, box, screen), { x: 199, y: 99, inside: false }); // right/bottom edge is outside
  assert.equal(clientToScreen(20, 20, { left: 0, top: 0, width: 0, height: 0 }, screen), null);
  assert.equal(clientToScreen(20, 20, box, { width: 0, height: 0 }), null);
  assert.equal(clientToScreen(NaN, 20, box, screen), null);
});

test('input: PointerEvent.button maps to X buttons', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map(xButton), [1, 2, 3, 8, 9]);
  assert.equal(xButton(-1), 0); // pointermove's "no button"
  assert.equal(xButton(5), 0);
  assert.equal(xButton(undefined), 0);
});

test('input: wheel pixels and lines become notches with accumulation', () => {
  const w = new WheelAccumulator();
  assert.deepEqual(w.add(0, 100, DOM_DELTA_PIXEL), { dx: 0, dy: 1 });
  assert.deepEqual(w.add(0, -300, DOM_DELTA_PIXEL), { dx: 0, dy: -3 });
  // Touchpad: small deltas add up.
  assert.deepEqual(w.add(0, 40), { dx: 0, dy: 0 });
  assert.deepEqual(w.add(0, 40), { dx: 0, dy: 0 });
  assert.deepEqual(w.add(0, 40), { dx: 0, dy: 1 });
  assert.deepEqual(w.add(0, 60), { dx: 0, dy: 0 });
  assert.deepEqual(w.add(0, 20), { dx: 0, dy: 1 });
  // Reversing drops the fraction collected the other way.
  w.add(0, 50);
  assert.deepEqual(w.add(0, -60), { dx: 0, dy: 0 });
  assert.deepEqual(w.add(0, -40), { dx: 0, dy: -1 });
  // Lines (Firefox: 3 per notch) and pages; both axes at once.
  w.reset();
  assert.deepEqual(w.add(3, -6, DOM_DELTA_LINE), { dx: 1, dy: -2 });
  assert.deepEqual(w.add(1, 0, DOM_DELTA_LINE), { dx: 0, dy: 0 });
  assert.deepEqual(w.add(2, 0, DOM_DELTA_LINE), { dx: 1, dy: 0 });
  assert.deepEqual(w.add(0, 2, DOM_DELTA_PAGE), { dx: 0, dy: 2 });
  // Capped to the protocol's range.
  assert.deepEqual(w.add(-1e6, 1e6), { dx: -Limits.maxWheelNotches, dy: Limits.maxWheelNotches });
  assert.deepEqual(w.add(0, 0), { dx: 0, dy: 0 });
  assert.deepEqual(w.add(NaN, Infinity), { dx: 0, dy: 0 });
});

test('input: pressed keys and buttons, auto-repeat, release-all', () => {
  const p = new PressedState();
  assert.equal(p.empty, true);
  assert.equal(p.pressKey('ControlLeft'), true);
  assert.equal(p.pressKey('ShiftLeft'), true);
  assert.equal(p.pressKey('KeyB'), true);
  assert.equal(p.pressKey('KeyB'), false); // auto-repeat
  assert.equal(p.releaseKey('KeyB'), true);
  assert.equal(p.releaseKey('KeyB'), false); // never sent twice
  assert.equal(p.releaseKey('KeyQ'), false); // pressed before we had control
  assert.equal(p.pressButton(1), true);
  assert.equal(p.pressButton(1), false);
  assert.equal(p.pressButton(3), true);
  assert.equal(p.empty, false);
  assert.deepEqual(p.releaseAll({ x: 5, y: 6 }), [
    { kind: 'button', button: 3, pressed: false, x: 5, y: 6 },
    { kind: 'button', button: 1, pressed: false, x: 5, y: 6 },
    { kind: 'key', code: 'ShiftLeft', pressed: false },
    { kind: 'key', code: 'ControlLeft', pressed: false },
  ]);
  assert.equal(p.empty, true);
  assert.deepEqual(p.releaseAll(), []);
  // Everything release-all gives is encodable.
  p.pressKey('AltRight');
  p.pressButton(9);
  assert.doesNotThrow(() => makeInput(1, p.releaseAll()));
});

test('input: moves coalesce to the newest, once per frame, no repeats', () => {
  const m = new MoveCoalescer();
  assert.equal(m.take(), null);
  m.move(1, 1);
  m.move(2, 2);
  m.move(3, 4);
  assert.deepEqual(m.take(), { kind: 'pointer_move', x: 3, y: 4 });
  assert.equal(m.take(), null);
  m.move(3, 4);
  assert.equal(m.take(), null); // same place as last sent
  m.move(7, 8);
  m.sent(7, 8); // went out with a button event
  assert.equal(m.take(), null);
  m.move(9, 9);
  assert.deepEqual(m.take(), { kind: 'pointer_move', x: 9, y: 9 });
});

test('input: batcher collapses runs of moves and splits at the protocol limit', () => {
  assert.equal(MAX_BATCH, Limits.maxInputEvents);
  const b = new InputBatcher();
  b.push({ kind: 'pointer_move', x: 1, y: 1 });
  b.push({ kind: 'pointer_move', x: 2, y: 2 });
  b.push({ kind: 'button', button: 1, pressed: true, x: 2, y: 2 });
  b.push({ kind: 'pointer_move', x: 3, y: 3 });
  b.push({ kind: 'pointer_move', x: 4, y: 4 });
  b.push({ kind: 'button', button: 1, pressed: false, x: 4, y: 4 });
  assert.deepEqual(b.take(), [
    [
      { kind: 'pointer_move', x: 2, y: 2 },
      { kind: 'button', button: 1, pressed: true, x: 2, y: 2 },
      { kind: 'pointer_move', x: 4, y: 4 },
      { kind: 'button', button: 1, pressed: false, x: 4, y: 4 },
    ],
  ]);
  assert.deepEqual(b.take(), []);
  for (let i = 0; i < 600; i++) b.push({ kind: 'key', code: 'KeyA', pressed: i % 2 === 0 });
  const batches = b.take();
  assert.deepEqual(
    batches.map((x) => x.length),
    [256, 256, 88],
  );
  for (const batch of batches) {
    const msg = parseMessage(makeInput(1, batch));
    assert.equal(parseInput(msg.payload).events.length, batch.length);
  }
});

function fakeScheduler() {
  const tasks = [];
  let id = 0;
  const add = (kind) => (fn, ms) => {
    const t = { id: ++id, kind, fn, ms };
    tasks.push(t);
    return t.id;
  };
  const cancel = (h) => {
    const i = tasks.findIndex((t) => t.id === h);
    if (i >= 0) tasks.splice(i, 1);
  };
  return {
    tasks,
    sched: { raf: add('raf'), cancelRaf: cancel, timeout: add('timeout'), cancelTimeout: cancel },
    run(kind) {
      const i = tasks.findIndex((t) => t.kind === kind);
      assert.ok(i >= 0, `no ${kind} pending`);
      const [t] = tasks.splice(i, 1);
      t.fn();
    },
  };
}

test('input pump: flushes on the animation frame or after 8 ms, whichever first', () => {
  const sent = [];
  const f = fakeScheduler();
  const pump = new InputPump((events) => sent.push(events), f.sched);
  pump.push([{ kind: 'pointer_move', x: 1, y: 1 }]);
  pump.push([
    { kind: 'pointer_move', x: 5, y: 5 },
    { kind: 'wheel', dx: 0, dy: 1 },
  ]);
  assert.equal(sent.length, 0);
  assert.deepEqual(f.tasks.map((t) => [t.kind, t.ms]).sort(), [
    ['raf', undefined],
    ['timeout', FLUSH_MS],
  ]);
  f.run('raf');
  assert.deepEqual(sent, [
    [
      { kind: 'pointer_move', x: 5, y: 5 },
      { kind: 'wheel', dx: 0, dy: 1 },
    ],
  ]);
  assert.equal(f.tasks.length, 0); // the timer was cancelled
  pump.push([{ kind: 'key', code: 'KeyA', pressed: true }]);
  f.run('timeout');
  assert.equal(sent.length, 2);
  assert.equal(f.tasks.length, 0); // the frame callback was cancelled
  assert.deepEqual(pump.counts, { pointer_move: 1, button: 0, wheel: 1, key: 1, special: 0, messages: 2 });
});

test('input pump: full batches go at once; drop discards; no raf still works', () => {
  const sent = [];
  const f = fakeScheduler();
  const pump = new InputPump((events) => sent.push(events), { ...f.sched, raf: null, cancelRaf: null });
  const keys = Array.from({ length: 300 }, (_, i) => ({ kind: 'key', code: 'KeyA', pressed: i % 2 === 0 }));
  pump.push(keys);
  assert.deepEqual(
    sent.map((b) => b.length),
    [256],
  );
  assert.deepEqual(
    f.tasks.map((t) => t.kind),
    ['timeout'],
  );
  f.run('timeout');
  assert.deepEqual(
    sent.map((b) => b.length),
    [256, 44],
  );
  pump.push([{ kind: 'special', special: 'ctrl_alt_del' }]);
  pump.drop();
  assert.equal(f.tasks.length, 0);
  pump.flush();
  assert.equal(sent.length, 2);
});

test('input: UTF-8 length and truncation for paste and clipboard caps', () => {
  assert.equal(utf8Length('aé€😀'), 1 + 2 + 3 + 4);
  assert.equal(truncateUtf8('aé€😀', 6), 'aé€');
  assert.equal(truncateUtf8('aé€😀', 5), 'aé');
  assert.equal(truncateUtf8('x'.repeat(5000), Limits.maxPasteBytes).length, 4096);
});

test('access state: normalised, labelled, ours or not', () => {
  const ro = normalizeAccess({ mode: 'read_only', controller: null, reason: 'initial' });
  assert.deepEqual(ro, { mode: 'read_only', controller: null, reason: 'initial', pausedMs: 0 });
  const fa = normalizeAccess({ mode: 'full_access', controller: { id: 'alice', name: 'Alice <b>' }, reason: 'granted', extra: 1 });
  assert.deepEqual(fa.controller, { id: 'alice', name: 'Alice <b>' });
  assert.equal(accessLabel(ro, 'alice'), 'Read-Only');
  assert.equal(accessLabel(fa, 'alice'), 'Full-Access (you)');
  assert.equal(accessLabel(fa, 'bob'), 'Full-Access (Alice <b>)');
  assert.equal(holdsControl(fa, 'alice'), true);
  assert.equal(holdsControl(fa, 'bob'), false);
  assert.equal(holdsControl(fa, ''), false);
  assert.equal(holdsControl(ro, 'alice'), false);
  assert.equal(normalizeAccess({ mode: 'full_access', controller: { id: 'x' }, reason: 'paused', paused_ms: 5000 }).pausedMs, 5000);
  for (const bad of [
    null,
    {},
    { mode: 'root' },
    { mode: 'full_access', controller: null },
    { mode: 'full_access', controller: { id: '' } },
  ]) {
    assert.throws(() => normalizeAccess(bad), JSON.stringify(bad));
  }
  assert.equal(reasonText('revoked'), 'the customer took back control');
  assert.equal(reasonText('mouse_precedence'), 'the customer moved their mouse');
  assert.equal(reasonText('disconnect'), 'connection lost');
  assert.equal(reasonText('some_new_reason'), 'some new reason');
  assert.equal(reasonText(undefined), '');
});

test('keys menu: every entry is a protocol special key', () => {
  assert.equal(SPECIAL_MENU.length, 7);
  for (const item of SPECIAL_MENU) assert.ok(SpecialKey[item.special] >= 1, item.special);
  assert.doesNotThrow(() =>
    makeInput(
      1,
      SPECIAL_MENU.map((i) => ({ kind: 'special', special: i.special })),
    ),
  );
});

test('monitor view: region, canvas placement and input mapping on the second monitor', () => {
  const screen = { width: 2048, height: 768 };
  const monitors = [
    { x: 0, y: 0, width: 1024, height: 768 },
    { x: 1024, y: 0, width: 1024, height: 768 },
  ];
  assert.deepEqual(viewRegion(screen, monitors, -1), { x: 0, y: 0, width: 2048, height: 768 });
  assert.deepEqual(viewRegion(screen, monitors, 1), { x: 1024, y: 0, width: 1024, height: 768 });
  assert.deepEqual(viewRegion(screen, monitors, 5), { x: 0, y: 0, width: 2048, height: 768 });
  assert.deepEqual(viewRegion(screen, [], 0), { x: 0, y: 0, width: 2048, height: 768 });
  // The whole screen: the canvas is the stage.
  const all = computeLayout(SCALE_FIT, viewRegion(screen, monitors, -1), { width: 1024, height: 600 });
  assert.deepEqual(canvasPlacement(screen, viewRegion(screen, monitors, -1), all), { width: 1024, height: 384, left: 0, top: 0 });
  // Monitor 2 fitted into 512×600: scale 0.5, the canvas is the whole screen shifted left by 512.
  const region = viewRegion(screen, monitors, 1);
  const layout = computeLayout(SCALE_FIT, region, { width: 512, height: 600 });
  assert.equal(layout.scale, 0.5);
  const place = canvasPlacement(screen, region, layout);
  assert.deepEqual(place, { width: 1024, height: 384, left: -512, top: 0 });
  // The stage sits at (100, 40); the canvas box is the stage shifted by the placement.
  const box = { left: 100 + place.left, top: 40 + place.top, width: place.width, height: place.height };
  // The stage's top-left pixel is monitor 2's (1024, 0); its centre is (1536, 384).
  assert.deepEqual(clientToScreen(100, 40, box, screen), { x: 1024, y: 0, inside: true });
  assert.deepEqual(clientToScreen(100 + 256, 40 + 192, box, screen), { x: 1536, y: 384, inside: true });
  assert.deepEqual(clientToScreen(100 + 511.9, 40 + 383.9, box, screen), { x: 2047, y: 767, inside: true });
});
