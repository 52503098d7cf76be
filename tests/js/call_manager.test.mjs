// Unit tests of the Call Manager: the feed store (snapshot, upsert, remove, ordering, filters,
// search), waiting times on the server's clock, the feed socket's reconnect logic, and the
// renderers of collected information, answers, problems and rows — with hostile strings that
// must stay text. Renderers run against a tiny fake DOM (fake_dom.mjs) that throws on innerHTML.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { install, allElements } from './fake_dom.mjs';
import { FeedStore, formatWaiting, matchesFilter, normalizeSummary, compareRequests } from '../../web/js/calls/feed.js';
import { createLiveSocket, backoffMs, consoleSocketUrl } from '../../web/js/calls/live_socket.js';
import { makeJsonMessage, MessageType } from '../../web/js/protocol.js';

install();
const { renderCollected, renderAnswers, renderProblems, filterList, listItemText, formatBytes, collectorBody } =
  await import('../../web/js/calls/collected_view.js');
const { mountRequests } = await import('../../web/js/calls/requests_view.js');
const { mayOpen } = await import('../../web/js/calls/request_model.js');
const { parseDefinition } = await import('../../web/js/account/admin_view.js');
const { svgDataUrl, groupSecret } = await import('../../web/js/account/account_view.js');
const { secondsLeft } = await import('../../web/js/calls/code_dialog.js');

const HOSTILE = '<img src=x onerror=window.__pwned=1>';
const SCRIPT = '<script>window.__pwned=2</script>';
const id = (n) => n.toString(16).padStart(32, '0');

function summary(n, over = {}) {
  return {
    id: id(n),
    name: `Customer ${n}`,
    summary: `problem ${n}`,
    topic: 'printing',
    queue: 'general',
    state: 'waiting',
    technician: null,
    created_at: 1000 + n,
    updated_at: 1000 + n,
    online: true,
    via_code: false,
    viewers: 0,
    ...over,
  };
}

function noMarkupElements(root) {
  const tags = allElements(root).map((e) => e.tagName);
  assert.ok(!tags.includes('IMG'), `an <img> element was created: ${tags.join(',')}`);
  assert.ok(!tags.includes('SCRIPT'), 'a <script> element was created');
  for (const e of allElements(root)) {
    for (const k of e.attributes.keys()) assert.doesNotMatch(k, /^on/i, `event-handler attribute ${k}`);
  }
}

// --- feed store -------------------------------------------------------------------------------
test('feed: snapshot, request upserts and removal keep requests by id', () => {
  const f = new FeedStore();
  const changes = [];
  f.subscribe((c) => changes.push(c));
  f.apply(
    {
      event: 'snapshot',
      server_time: 2000,
      requests: [summary(1), summary(2), null, { id: '' }, 7],
      queues: [
        { name: 'general', title: 'General', min_role: 'technician' },
        { name: 'senior', title: 'Senior', min_role: 'senior' },
        { title: 'no name' },
      ],
    },
    2000_000,
  );
  assert.equal(f.requests.size, 2);
  assert.equal(f.snapshotted, true);
  assert.deepEqual(
    f.queues.map((q) => q.name),
    ['general', 'senior'],
  );
  assert.equal(changes[0].kind, 'snapshot');

  assert.equal(f.apply({ event: 'request', server_time: 2001, request: summary(3) }, 2001_000).kind, 'added');
  assert.equal(
    f.apply({ event: 'request', server_time: 2002, request: summary(1, { state: 'in_session', technician: 'alice' }) }, 2002_000).kind,
    'changed',
  );
  assert.equal(f.get(id(1)).technician, 'alice');
  assert.equal(f.requests.size, 3);
  assert.deepEqual(f.apply({ event: 'removed', id: id(2) }).ids, [id(2)]);
  assert.equal(f.get(id(2)), null);
  assert.deepEqual(f.apply({ event: 'removed', id: id(99) }).ids, []);
  assert.equal(f.apply({ event: 'mystery' }), null);
  assert.equal(f.apply({ event: 'request', request: { name: 'no id' } }), null);
  assert.equal(f.apply(null), null);
  // A second snapshot (after a reconnect) replaces everything.
  f.apply({ event: 'snapshot', server_time: 2100, requests: [summary(9)] }, 2100_000);
  assert.deepEqual([...f.requests.keys()], [id(9)]);
  // HTTP answers (take) upsert too.
  f.upsert(summary(9, { state: 'in_session', technician: 'bob' }));
  assert.equal(f.get(id(9)).state, 'in_session');
});

test('feed: summaries are normalised; customer text stays a string, wrong types are dropped', () => {
  const r = normalizeSummary({ id: 'x', name: HOSTILE, summary: 42, technician: '', online: 'yes', viewers: -3, created_at: '5' });
  assert.equal(r.name, HOSTILE);
  assert.equal(r.summary, '');
  assert.equal(r.technician, null);
  assert.equal(r.online, false);
  assert.equal(r.viewers, 0);
  assert.ok(Number.isNaN(r.created_at));
  assert.equal(r.state, 'waiting');
});

test('feed: ordering — waiting oldest first, then in session, then ended most recent first', () => {
  const f = new FeedStore();
  f.apply({
    event: 'snapshot',
    server_time: 5000,
    requests: [
      summary(5, { state: 'resolved', updated_at: 3000 }),
      summary(4, { state: 'in_session', created_at: 1 }),
      summary(3, { created_at: 300 }),
      summary(2, { created_at: 200 }),
      summary(6, { state: 'abandoned', updated_at: 4000 }),
      summary(7, { state: 'resolved', updated_at: 3500 }),
    ],
  });
  assert.deepEqual(
    f.list({}).map((r) => r.id),
    [id(2), id(3), id(4), id(6), id(7), id(5)],
  );
  assert.ok(compareRequests(normalizeSummary(summary(1, { state: 'weird' })), normalizeSummary(summary(2, { state: 'abandoned' }))) > 0);
});

test('feed: filters by queue and state and searches name, summary, topic', () => {
  const f = new FeedStore();
  f.apply({
    event: 'snapshot',
    server_time: 5000,
    requests: [
      summary(1, { name: 'Ada Lovelace', summary: 'printer prints blank pages', queue: 'general' }),
      summary(2, { name: 'Grace Hopper', summary: 'VPN drops', queue: 'senior', topic: 'network' }),
      summary(3, { name: 'Alan Turing', summary: 'mail', state: 'resolved', queue: 'general' }),
      summary(4, { name: 'Ada Byron', summary: 'screen flickers', state: 'in_session', technician: 'alice', queue: 'direct' }),
    ],
  });
  const ids = (flt) => f.list(flt).map((r) => Number.parseInt(r.id, 16));
  assert.deepEqual(ids({}), [1, 2, 4, 3]);
  assert.deepEqual(ids({ state: 'open' }), [1, 2, 4]);
  assert.deepEqual(ids({ state: 'resolved' }), [3]);
  assert.deepEqual(ids({ queue: 'general' }), [1, 3]);
  assert.deepEqual(ids({ queue: 'general', state: 'open' }), [1]);
  assert.deepEqual(ids({ text: 'ada' }), [1, 4]);
  assert.deepEqual(ids({ text: 'ADA flick' }), [4]);
  assert.deepEqual(ids({ text: 'network' }), [2]);
  assert.deepEqual(ids({ text: 'alice' }), [4]);
  assert.deepEqual(ids({ text: '   ' }), [1, 2, 4, 3]);
  assert.deepEqual(ids({ text: 'nobody' }), []);
  assert.equal(matchesFilter(normalizeSummary(summary(1, { name: HOSTILE })), { text: '<img' }), true);
  // Queue names for the filter: the known queues plus any a request names.
  f.setQueues([{ name: 'general', title: 'General' }]);
  assert.deepEqual(
    f.queueNames().map((q) => q.name),
    ['general', 'senior', 'direct'],
  );
});

test('waiting time ticks on the server clock, not the local one', () => {
  const f = new FeedStore();
  // The local clock is 90 s behind the server's.
  const local = 1_700_000_000_000;
  f.apply({ event: 'snapshot', server_time: local / 1000 + 90, requests: [summary(1, { created_at: local / 1000 + 30 })] }, local);
  const r = f.get(id(1));
  assert.equal(f.waitingMs(r, local), 60_000);
  assert.equal(formatWaiting(f.waitingMs(r, local)), '1:00');
  assert.equal(formatWaiting(f.waitingMs(r, local + 1000)), '1:01');
  // Later events re-sync the offset (the local clock jumped forward 1 h).
  f.apply({ event: 'request', server_time: local / 1000 + 100, request: r }, local + 3_600_000 + 10_000);
  assert.equal(f.waitingMs(f.get(id(1)), local + 3_600_000 + 10_000), 70_000);
  // Ended requests show how long they lasted, frozen.
  const ended = normalizeSummary(summary(2, { created_at: 100, updated_at: 160, state: 'resolved' }));
  assert.equal(f.waitingMs(ended, local), 60_000);
  // A created_at in the future (clock skew) never shows negative.
  assert.equal(f.waitingMs(normalizeSummary(summary(3, { created_at: local / 1000 + 1000 })), local), 0);
  assert.ok(Number.isNaN(f.waitingMs(normalizeSummary({ id: 'x' }), local)));
});

test('waiting time format', () => {
  assert.equal(formatWaiting(0), '0:00');
  assert.equal(formatWaiting(7_999), '0:07');
  assert.equal(formatWaiting(12 * 60_000 + 3_000), '12:03');
  assert.equal(formatWaiting(3_723_000), '1:02:03');
  assert.equal(formatWaiting(3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6_000), '3 d 04:05:06');
  assert.equal(formatWaiting(-5), '0:00');
  assert.equal(formatWaiting(NaN), '—');
});

// --- the feed socket ------------------------------------------------------------------------------
class FakeSocket {
  static all = [];
  constructor(url) {
    this.url = url;
    this.closed = false;
    FakeSocket.all.push(this);
  }
  close() {
    this.closed = true;
  }
  receive(obj, type = MessageType.console_event) {
    const bytes = makeJsonMessage(type, 1, obj, 0);
    this.onmessage({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }
  drop() {
    this.onclose({ code: 1006 });
  }
}

test('feed socket: live on the first event, reconnects with growing backoff, resets after success', () => {
  FakeSocket.all = [];
  const timers = [];
  const statuses = [];
  const events = [];
  const s = createLiveSocket({
    url: 'wss://h/ws/console',
    onEvent: (e) => events.push(e),
    onStatus: (x) => statuses.push(x),
    WebSocketImpl: FakeSocket,
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => {},
    random: () => 0.5,
  });
  assert.equal(FakeSocket.all.length, 1);
  assert.equal(FakeSocket.all[0].url, 'wss://h/ws/console');
  assert.equal(s.status, 'connecting');
  FakeSocket.all[0].receive({ event: 'snapshot', server_time: 1, requests: [] });
  assert.equal(s.status, 'live');
  assert.equal(events.length, 1);
  FakeSocket.all[0].onmessage({ data: new Uint8Array([1, 2, 3]).buffer }); // malformed: dropped
  assert.equal(events.length, 1);
  FakeSocket.all[0].drop();
  assert.equal(s.status, 'reconnecting');
  assert.equal(timers.at(-1).ms, 500);
  timers.at(-1).fn();
  assert.equal(FakeSocket.all.length, 2);
  FakeSocket.all[1].drop();
  assert.equal(timers.at(-1).ms, 1000);
  timers.at(-1).fn();
  FakeSocket.all[2].drop();
  assert.equal(timers.at(-1).ms, 2000);
  timers.at(-1).fn();
  FakeSocket.all[3].receive({ event: 'snapshot', server_time: 2, requests: [] });
  assert.equal(s.status, 'live');
  FakeSocket.all[3].drop();
  assert.equal(timers.at(-1).ms, 500, 'backoff starts again after a successful connection');
  s.stop();
  assert.equal(s.status, 'stopped');
  timers.at(-1).fn();
  assert.equal(FakeSocket.all.length, 4, 'no reconnect after stop');
  assert.deepEqual(statuses, ['connecting', 'live', 'reconnecting', 'live', 'reconnecting', 'stopped']);
});

test('feed socket: unauthorized stops it for good; backoff is capped', () => {
  FakeSocket.all = [];
  const closes = [];
  const timers = [];
  const s = createLiveSocket({
    url: 'u',
    onEvent: () => {},
    onClose: (r) => closes.push(r),
    WebSocketImpl: FakeSocket,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  FakeSocket.all[0].receive({ code: 'unauthorized', message: 'log in' }, MessageType.close_reason);
  FakeSocket.all[0].drop();
  assert.deepEqual(closes, [{ code: 'unauthorized', message: 'log in' }]);
  assert.equal(s.status, 'stopped');
  assert.equal(timers.length, 0);
  assert.ok(backoffMs(30, () => 1) <= 12000);
  assert.ok(backoffMs(30, () => 0) >= 8000);
  assert.equal(consoleSocketUrl({ protocol: 'https:', host: 'a:1' }), 'wss://a:1/ws/console');
  assert.equal(consoleSocketUrl({ protocol: 'http:', host: 'a' }), 'ws://a/ws/console');
});

// --- renderers ---------------------------------------------------------------------------------
const collected = {
  os: {
    status: 'ok',
    elapsed_ms: 3,
    truncated: false,
    data: {
      os_release: { PRETTY_NAME: 'Debian GNU/Linux 13 (trixie)', ID: 'debian' },
      uname: { sysname: 'Linux', release: '6.1.0', machine: 'x86_64' },
      hostname: HOSTILE,
      uptime_seconds: 7300,
    },
  },
  hardware: {
    status: 'ok',
    data: {
      cpu: { model: 'Xeon', logical_cpus: 8 },
      memory: { total_bytes: 8 * 1024 ** 3 },
      disks: [{ device: '/dev/sda1', mount_point: '/', fs_type: 'ext4', size_bytes: 100 * 1024 ** 3 }],
    },
  },
  network: { status: 'not_collected', reason: SCRIPT },
  processes: {
    status: 'ok',
    data: {
      total: 3,
      unreadable: 0,
      processes: [
        { pid: 1, name: 'systemd', user: 'root', rss_bytes: 4096, cmdline: '/sbin/init' },
        { pid: 42, name: HOSTILE, user: 'ada', rss_bytes: 1, cmdline: SCRIPT },
        { pid: 43, name: 'evince', user: 'ada', rss_bytes: 2048, cmdline: 'evince a.pdf' },
      ],
    },
  },
  libraries: {
    status: 'ok',
    truncated: true,
    data: {
      processes_scanned: 9,
      unreadable: 1,
      libraries: [
        { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', process_count: 9 },
        { path: '/usr/lib/x86_64-linux-gnu/libm.so.6', process_count: 4 },
        { path: `/tmp/${HOSTILE}.so`, process_count: 1, deleted: true },
      ],
    },
  },
  config: {
    status: 'ok',
    data: {
      gsettings: [{ schema: 'org.gnome.desktop.interface', key: 'gtk-theme', value: HOSTILE }],
      files: [
        { path: '/etc/hosts', content: `127.0.0.1 localhost\n${SCRIPT}\n`, size_bytes: 40, truncated: false },
        { path: '/etc/shadow', error: 'a secret file, not read' },
      ],
    },
  },
  packages: { status: 'left_out' },
  journal: {
    status: 'ok',
    data: { since_hours: 24, entries: [{ time: '2026-11-29T10:00:00Z', priority: 3, identifier: 'cupsd', pid: 7, message: HOSTILE }] },
  },
};

test('collected: each collector is rendered readably; statuses are explained', () => {
  const root = renderCollected(collected);
  const sections = root.children;
  assert.deepEqual(
    sections.map((s) => s.dataset.collector),
    ['os', 'hardware', 'network', 'processes', 'libraries', 'config', 'packages', 'journal'],
  );
  const text = (cid) => sections.find((s) => s.dataset.collector === cid).textContent;
  assert.match(text('os'), /Debian GNU\/Linux 13 \(trixie\)/);
  assert.match(text('os'), /2 h 1 min/);
  assert.match(text('hardware'), /8\.0 GiB/);
  assert.match(text('hardware'), /\/dev\/sda1/);
  assert.match(text('network'), /^Networknot collected: <script>/);
  assert.match(text('packages'), /left out by the customer/);
  assert.match(text('libraries'), /cut short/);
  assert.match(text('config'), /\/etc\/hosts/);
  assert.match(text('config'), /not shown: a secret file, not read/);
  assert.equal(sections.find((s) => s.dataset.collector === 'network').dataset.status, 'not_collected');
  // Lists: collapsible, with the count.
  const libs = sections.find((s) => s.dataset.collector === 'libraries');
  const [outer, details] = libs.querySelectorAll('details');
  assert.equal(outer.open, true);
  assert.ok(details);
  assert.match(details.querySelector('summary').textContent, /Loaded libraries 3/);
  assert.equal(renderCollected(null).textContent, 'No information was collected.');
  // Long key-value collectors start folded, with a hint; failures are never folded.
  const cfg = sections.find((s) => s.dataset.collector === 'config').querySelector('details');
  assert.equal(cfg.open, false);
  assert.match(cfg.querySelector('summary').textContent, /1 settings keys, 2 files/);
  assert.equal(sections.find((s) => s.dataset.collector === 'network').querySelector('details').open, true);
  const net = renderCollected({
    network: { status: 'ok', data: { interfaces: [{ name: 'eth0' }, { name: HOSTILE }], routes: [{}], routes6: [] } },
  });
  assert.equal(net.querySelector('details').open, false);
  assert.ok(net.querySelector('summary').textContent.includes(`2 interfaces (eth0, ${HOSTILE}), 1 routes`));
  noMarkupElements(net);
  assert.match(collectorBody('x', { status: 'weird' }).textContent, /unknown status/);
});

test('collected: hostile strings stay text — names, summaries, process names, file contents', () => {
  const root = renderCollected(collected);
  noMarkupElements(root);
  const all = root.textContent;
  // Every hostile string appears verbatim as text.
  assert.ok(all.includes(HOSTILE));
  assert.ok(all.includes(SCRIPT));
  const pre = root.querySelectorAll('pre')[0];
  assert.equal(pre.textContent, `127.0.0.1 localhost\n${SCRIPT}\n`);
  const answers = renderAnswers([
    { id: 'summary', label: HOSTILE, value: SCRIPT, display: SCRIPT },
    { id: 'topic', label: 'Topic', value: 'printing', display: 'Printing' },
    null,
  ]);
  noMarkupElements(answers);
  assert.equal(answers.children.length, 4);
  assert.equal(answers.children[0].textContent, HOSTILE);
  assert.equal(answers.children[1].textContent, SCRIPT);
  assert.equal(answers.children[3].textContent, 'Printing');
  assert.match(renderAnswers([]).textContent, /No answers/);
});

test('collected: the filter box narrows a list and shows "N of M"', () => {
  const items = [];
  for (let i = 0; i < 1211; i++) items.push({ path: `/usr/lib/lib${i}.so`, process_count: 1 });
  items.push({ path: '/usr/lib/x86_64-linux-gnu/libc.so.6', process_count: 40 });
  const l = filterList('libraries', 'Loaded libraries', items);
  assert.equal(l.count.textContent, '1212');
  l.input.value = 'libc.so';
  l.input.dispatch('input');
  assert.equal(l.count.textContent, '1 of 1212');
  const visible = l.list.children.filter((li) => !li.hidden);
  assert.equal(visible.length, 1);
  assert.match(visible[0].textContent, /libc\.so\.6/);
  l.input.value = 'lib12';
  l.input.dispatch('input');
  assert.equal(l.count.textContent, '22 of 1212'); // lib12, lib120…lib129, lib1200…lib1210
});

test('collected: list items and sizes', () => {
  assert.deepEqual(listItemText('libraries', { path: '/l.so', process_count: 2, deleted: true }), {
    main: '/l.so',
    detail: '2 processes · deleted on disk',
  });
  assert.deepEqual(listItemText('packages', { name: 'cups', version: '2.4', arch: 'amd64' }), { main: 'cups', detail: '2.4 · amd64' });
  assert.equal(
    listItemText('processes', { pid: 5, name: 'x', user: 'u', rss_bytes: 2048, cmdline: 'x -y' }).detail,
    'pid 5 · u · 2.0 KiB · x -y',
  );
  assert.equal(listItemText('journal', { time: 't', identifier: 'cupsd', pid: 7, message: 'm' }).detail, 't · cupsd[7]');
  assert.equal(listItemText('other', { a: 1, b_bytes: 1024 }).detail, 'b: 1.0 KiB');
  assert.equal(listItemText('other', 'plain').main, 'plain');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(300 * 1024 * 1024), '300 MiB');
});

test('problems: the server list is shown item by item, paths set apart, as text', () => {
  const box = renderProblems(['pages[0].questions[2].type: must be one of text, long_text, choice', `title: ${HOSTILE}`, 'plain problem']);
  noMarkupElements(box);
  assert.equal(box.querySelector('p').textContent, '3 problems');
  const items = box.querySelectorAll('li');
  assert.equal(items.length, 3);
  assert.equal(items[0].querySelector('code').textContent, 'pages[0].questions[2].type');
  assert.equal(items[0].textContent, 'pages[0].questions[2].type: must be one of text, long_text, choice');
  assert.equal(items[1].textContent, `title: ${HOSTILE}`);
  assert.equal(items[2].textContent, 'plain problem');
  assert.equal(renderProblems(['x'], 'Not saved: bad').querySelector('p').textContent, 'Not saved: bad');
  assert.deepEqual(parseDefinition('{"title": "x"}'), { definition: { title: 'x' } });
  assert.match(parseDefinition('{"title": ').problems[0], /^\(JSON\): /);
  assert.deepEqual(parseDefinition('[1]').problems, ['(definition): must be a JSON object']);
});

test('call manager rows: hostile metadata shown as text; actions follow state and role', () => {
  const f = new FeedStore();
  f.apply(
    {
      event: 'snapshot',
      server_time: 2000,
      queues: [{ name: 'general', title: 'General' }],
      requests: [
        summary(1, { name: HOSTILE, summary: SCRIPT, topic: HOSTILE, via_code: true }),
        summary(2, { state: 'in_session', technician: 'alice' }),
        summary(3, { state: 'in_session', technician: 'bob' }),
      ],
    },
    2000_000,
  );
  const container = document.createElement('main');
  const view = mountRequests(container, {
    feed: f,
    feedStatus: () => 'live',
    onFeedStatus: () => () => {},
    me: { username: 'alice', role: 'technician' },
    actions: { take() {}, openSession() {}, openDetails() {}, newCode() {} },
  });
  try {
    noMarkupElements(container);
    const row = container.querySelector(`[data-request-id="${id(1)}"]`);
    assert.ok(row.textContent.includes(HOSTILE));
    assert.ok(row.textContent.includes(SCRIPT));
    assert.equal(row.querySelector('[data-action="take"]').hidden, false);
    assert.equal(row.querySelector('[data-action="open"]').hidden, true);
    const via = row.children[0].children.find((c) => c.className === 'via-code');
    assert.equal(via.hidden, false);
    const mine = container.querySelector(`[data-request-id="${id(2)}"]`);
    assert.equal(mine.querySelector('[data-action="open"]').hidden, false);
    assert.equal(mine.querySelector('[data-action="take"]').hidden, true);
    const bobs = container.querySelector(`[data-request-id="${id(3)}"]`);
    assert.equal(bobs.querySelector('[data-action="open"]').hidden, true);
    // A new request appears at once; a removed one goes.
    f.apply({ event: 'request', server_time: 2001, request: summary(4, { name: 'New One' }) }, 2001_000);
    assert.ok(container.querySelector(`[data-request-id="${id(4)}"]`));
    f.apply({ event: 'removed', id: id(4) });
    assert.equal(container.querySelector(`[data-request-id="${id(4)}"]`), null);
    assert.equal(container.querySelector('#feed-status').dataset.feedStatus, 'live');
  } finally {
    view.destroy();
  }
  assert.equal(
    mayOpen(normalizeSummary(summary(3, { state: 'in_session', technician: 'bob' })), { username: 'carol', role: 'senior' }),
    true,
  );
  assert.equal(mayOpen(normalizeSummary(summary(3, { state: 'waiting' })), { username: 'carol', role: 'admin' }), false);
});

test('account and codes helpers', () => {
  const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>');
  assert.ok(url.startsWith('data:image/svg+xml;charset=utf-8,%3Csvg'));
  assert.doesNotMatch(url, /[<>"]/);
  assert.equal(groupSecret('JBSWY3DPEHPK3PXP'), 'JBSW Y3DP EHPK 3PXP');
  assert.equal(secondsLeft(1600, 1_000_000), 600);
  assert.equal(secondsLeft(1600, 1_700_000), 0);
  assert.ok(Number.isNaN(secondsLeft(undefined, 0)));
});

test('login: a second-factor answer switches to the code step, then sends the code', async () => {
  const { mountLogin } = await import('../../web/js/shell/login_view.js');
  const calls = [];
  const container = document.createElement('main');
  const view = mountLogin(container, {
    login: async (u, p, code) => {
      calls.push([u, p, code]);
      if (!code) {
        const e = new Error('second factor required');
        e.status = 401;
        e.totpRequired = true;
        throw e;
      }
    },
  });
  const form = container.querySelector('form');
  container.querySelector('#login-username').value = 'tina';
  container.querySelector('#login-password').value = 'secret-pass';
  const field = container.querySelector('#login-totp-field');
  assert.equal(field.hidden, true);
  form.dispatch('submit');
  await new Promise((r) => setImmediate(r));
  assert.equal(field.hidden, false);
  assert.deepEqual(calls, [['tina', 'secret-pass', undefined]]);
  // A malformed code is caught before it is sent.
  container.querySelector('#login-totp').value = '12a';
  form.dispatch('submit');
  await new Promise((r) => setImmediate(r));
  assert.equal(calls.length, 1);
  assert.match(container.querySelector('#login-error').textContent, /6 digits/);
  container.querySelector('#login-totp').value = '123 456';
  form.dispatch('submit');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls[1], ['tina', 'secret-pass', '123456']);
  view.destroy();
});

test('request details: hostile notes, history and answers shown as text; actions follow state and role', async () => {
  const { mountDetails } = await import('../../web/js/calls/details_view.js');
  const f = new FeedStore();
  f.apply({ event: 'snapshot', server_time: 2000, queues: [{ name: 'general' }, { name: 'vip', title: 'VIP' }], requests: [] }, 2000_000);
  const detail = {
    ...summary(5, { name: HOSTILE, summary: SCRIPT, state: 'in_session', technician: 'bob' }),
    answers: [{ id: 'q', label: HOSTILE, display: SCRIPT }],
    collected: {},
    notes: [{ author: HOSTILE, at: 1000, text: SCRIPT }],
    events: [{ at: 1000, who: 'bob', what: 'invited alice' }],
  };
  const container = document.createElement('main');
  const view = mountDetails(container, {
    id: id(5),
    api: { request: async () => detail },
    feed: f,
    me: { username: 'alice', role: 'technician' },
    actions: { take() {}, openSession() {}, back() {}, unauthorized() {} },
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 0));
    noMarkupElements(container);
    assert.equal(container.querySelector('#details-title').textContent, HOSTILE);
    assert.ok(container.querySelector('#notes').textContent.includes(SCRIPT));
    assert.ok(container.querySelector('#events').textContent.includes('invited alice'));
    assert.equal(container.querySelector('[data-action="open"]').hidden, false, 'invited: may open');
    assert.equal(container.querySelector('[data-action="take"]').hidden, true);
    assert.equal(container.querySelector('#manage-card').hidden, true, 'not hers to hand over');
    assert.deepEqual(
      container.querySelector('#transfer-queue').options.map((o) => o.getAttribute('value')),
      ['vip'],
      'every queue but its own',
    );
  } finally {
    view.destroy();
  }
});
