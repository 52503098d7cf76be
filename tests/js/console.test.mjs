// Unit tests of the console's pure logic (no DOM): routes, scaling, formatting, the API
// client with a fake fetch, the probe ring and the viewer's screen_info check.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, formatRoute, parseProbe, isValidRequestId, viewerSocketUrl } from '../../web/js/routes.js';
import { computeLayout, cursorBox, formatScale, SCALE_FIT, SCALE_NATIVE } from '../../web/js/view_math.js';
import {
  parseTimestamp, formatDuration, formatClock, stateBadgeClass, stateLabel, closeText, onlineLabel,
} from '../../web/js/format.js';
import { createApi, ApiError } from '../../web/js/api.js';
import { Ring, bytesToBase64, tileContains } from '../../web/js/ring.js';
import { checkScreenInfo } from '../../web/js/viewer_messages.js';
import { CLOSE_CODES } from '../../web/js/protocol.js';

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
  for (const h of ['#/session/', '#/session/..%2f..%2fapi', '#/session/a%20b', '#/session/<script>',
    `#/session/${'a'.repeat(65)}`, '#/session/a/b', '#/admin', '#/session/%2e%2e']) {
    assert.equal(parseRoute(h).name, 'unknown', h);
  }
  assert.equal(isValidRequestId(ID), true);
  assert.equal(isValidRequestId(''), false);
  assert.equal(isValidRequestId(42), false);
  assert.equal(isValidRequestId('a/b'), false);
});

test('routes: format is the inverse of parse', () => {
  for (const r of [{ name: 'login', probe: null }, { name: 'requests', probe: null },
    { name: 'session', id: ID, probe: null }, { name: 'session', id: ID, probe: { x: 5, y: 6 } }]) {
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
  for (const [w, h, aw, ah] of [[1920, 1080, 1371, 761], [1280, 800, 1373, 763], [7, 3, 10, 10], [8192, 1, 100, 100]]) {
    const l = computeLayout(SCALE_FIT, { width: w, height: h }, { width: aw, height: ah });
    assert.ok(l.width <= aw && l.height <= ah, `${w}x${h} in ${aw}x${ah} -> ${l.width}x${l.height}`);
    assert.ok(l.width === aw || l.height === ah || Math.abs(l.width - aw) <= 1 || Math.abs(l.height - ah) <= 1);
  }
});

test('view math: native is one to one; unknown sizes are harmless', () => {
  assert.deepEqual(computeLayout(SCALE_NATIVE, { width: 1920, height: 1080 }, { width: 100, height: 100 }),
    { scale: 1, width: 1920, height: 1080 });
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
  assert.deepEqual(await api.login('alice', 'pw'), { username: 'alice', role: 'technician' });
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
  const api = createApi(async () => { throw new TypeError('Failed to fetch'); });
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
  assert.deepEqual(checkScreenInfo({ width: 1920, height: 1080, cell: 64 }), { width: 1920, height: 1080 });
  for (const bad of [{}, null, { width: 0, height: 1 }, { width: 8193, height: 1 }, { width: 1.5, height: 2 }, { width: '10', height: 10 }]) {
    assert.throws(() => checkScreenInfo(bad), JSON.stringify(bad));
  }
});
