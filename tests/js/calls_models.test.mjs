// Unit tests of the Call Manager's models under Node: the request rules and texts
// (request_model.js), the details page's state (details_model.js) with a fake API and a real
// FeedStore, and the list's filters and counts (requests_model.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeedStore, normalizeSummary } from '../../web/js/calls/feed.js';
import {
  mayOpen,
  mayTake,
  mayManage,
  mayOpenDetails,
  wasInvited,
  isEnded,
  queueLabel,
  rowPresentation,
  detailsHead,
  notesOf,
  eventsOf,
  when,
} from '../../web/js/calls/request_model.js';
import { DetailsModel, detailsCommand, RELOAD_DELAY_MS } from '../../web/js/calls/details_model.js';
import {
  countText,
  createFilter,
  feedStatusText,
  listPresentation,
  queueFilterOptions,
  sharedFilter,
} from '../../web/js/calls/requests_model.js';

const ID = 'ab'.repeat(16);
const alice = { username: 'alice', role: 'technician' };
const senior = { username: 'sam', role: 'senior' };
const admin = { username: 'root', role: 'admin' };

function req(over = {}) {
  return normalizeSummary({
    id: ID,
    name: 'Ada',
    summary: 'printer',
    topic: 'printing',
    queue: 'general',
    state: 'waiting',
    technician: null,
    created_at: 1000,
    updated_at: 1060,
    online: true,
    ...over,
  });
}

test('rules: take, open, manage by state, owner and role', () => {
  assert.equal(mayTake(req(), alice), true);
  assert.equal(mayTake(req({ technician: 'alice' }), alice), true, 'transferred to me: still waiting for me');
  assert.equal(mayTake(req({ technician: 'bob' }), alice), false);
  assert.equal(mayTake(req({ state: 'in_session', technician: 'alice' }), alice), false);
  const mine = req({ state: 'in_session', technician: 'alice' });
  const bobs = req({ state: 'in_session', technician: 'bob' });
  assert.equal(mayOpen(mine, alice), true);
  assert.equal(mayOpen(bobs, alice), false);
  assert.equal(mayOpen(bobs, senior), true);
  assert.equal(mayOpen(bobs, admin), true);
  assert.equal(mayOpen(req({ technician: 'alice' }), alice), false, 'waiting: nothing to open');
  assert.equal(mayOpen(null, admin), false);
  assert.equal(mayManage(bobs, alice), false);
  assert.equal(mayManage(bobs, senior), true);
  assert.equal(mayManage(mine, alice), true);
  assert.equal(isEnded(req({ state: 'resolved' })), true);
  assert.equal(isEnded(req({ state: 'abandoned' })), true);
  assert.equal(isEnded(mine), false);
});

test('rules: an invitation in the history opens the session for the invited only', () => {
  const detail = { events: [{ at: 1, who: 'bob', what: 'invited alice' }, null, { what: 42 }] };
  assert.equal(wasInvited(detail, 'alice'), true);
  assert.equal(wasInvited(detail, 'ali'), false, 'whole names only');
  assert.equal(wasInvited({ events: [{ what: 'took the request alice' }] }, 'alice'), false);
  assert.equal(wasInvited(null, 'alice'), false);
  const bobs = req({ state: 'in_session', technician: 'bob' });
  assert.equal(mayOpenDetails(bobs, alice, detail), true);
  assert.equal(mayOpenDetails(req({ technician: 'bob' }), alice, detail), false, 'not in session');
});

test('presentation: rows and the details header', () => {
  const row = rowPresentation(req({ name: '', topic: '', via_code: true, online: false }), alice);
  assert.equal(row.name, '(no name)');
  assert.equal(row.topic, '—');
  assert.equal(row.onlineClass, 'online-dot is-offline');
  assert.equal(row.onlineText, 'offline');
  assert.equal(row.viaCode, true);
  assert.equal(row.showTake, true);
  assert.equal(row.showOpen, false);
  assert.equal(row.badgeClass, 'badge badge-waiting');
  assert.equal(row.takeLabel, 'Take the request of (no name)');

  const head = detailsHead(req({ state: 'resolved', technician: 'alice', via_code: true }), { wizard_version: 3 }, alice, 65000);
  assert.deepEqual(
    head.facts.map(([k]) => k),
    ['Queue', 'Topic', 'Technician', 'Customer', 'Came in', 'Waiting', 'Wizard version'],
  );
  assert.equal(head.facts[5][1], '1:05');
  assert.match(head.facts[4][1], / with a session code$/);
  assert.equal(head.facts[6][1], '3');
  assert.equal(head.showReopen, true);
  assert.equal(head.showManage, false);
  assert.equal(head.showTake, false);
  const other = detailsHead(req({ state: 'in_session', technician: 'bob' }), null, alice, NaN);
  assert.equal(other.showManage, false, 'not mine, not senior');
  assert.equal(other.showReopen, false);
  assert.equal(other.facts.length, 6);
  assert.equal(other.facts[2][1], 'bob');
  assert.equal(detailsHead(req(), null, senior, 0).showManage, true);
});

test('presentation: notes and history stay text; malformed entries are dropped', () => {
  const detail = {
    notes: [{ author: '<b>x</b>', at: 0, text: '<script>1</script>' }, null, 'junk'],
    events: [{ at: 'x', who: '', what: 'took' }, 7],
  };
  assert.deepEqual(notesOf(detail), [{ author: '<b>x</b>', at: when(0), text: '<script>1</script>' }]);
  assert.deepEqual(eventsOf(detail), [{ at: '', who: 'system', what: 'took' }]);
  assert.deepEqual(notesOf({}), []);
  assert.equal(when('yesterday'), '');
  assert.equal(queueLabel({ name: 'general', title: 'general' }), 'general');
  assert.equal(queueLabel({ name: 'vip', title: 'VIP customers' }), 'VIP customers (vip)');
});

test('details commands: calls, messages and missing input', () => {
  assert.deepEqual(detailsCommand('transfer-technician', ID, '  bob '), {
    call: ['transfer', ID, { technician: 'bob' }],
    success: 'Transferred to bob.',
  });
  assert.deepEqual(detailsCommand('transfer-technician', ID, '  '), { error: 'Enter the username of the technician.' });
  assert.deepEqual(detailsCommand('transfer-queue', ID, 'vip'), {
    call: ['transfer', ID, { queue: 'vip' }],
    success: 'Moved to the queue vip.',
  });
  assert.equal(detailsCommand('transfer-queue', ID, ''), null);
  assert.deepEqual(detailsCommand('invite', ID, 'carol'), {
    call: ['invite', ID, 'carol'],
    success: 'carol is invited and may join the session.',
  });
  assert.deepEqual(detailsCommand('invite', ID, ''), { error: 'Enter the username of the technician to invite.' });
  assert.deepEqual(detailsCommand('resolve', ID, ' fixed \n'), { call: ['resolve', ID, 'fixed'], success: 'Resolved.' });
  assert.deepEqual(detailsCommand('note', ID, ''), { error: 'Write the note first.' });
  assert.deepEqual(detailsCommand('note', ID, ' hi '), { call: ['addNote', ID, 'hi'], success: 'Note added.' });
  assert.deepEqual(detailsCommand('reopen', ID), { call: ['reopen', ID], success: 'Reopened: the request is waiting in its queue again.' });
  assert.equal(detailsCommand('explode', ID), null);
});

function detailsSetup(api) {
  const feed = new FeedStore();
  const seen = [];
  const timers = [];
  const model = new DetailsModel({
    id: ID,
    api,
    feed,
    me: alice,
    now: () => 0,
    setTimer: (fn, ms) => timers.push({ fn, ms }) && timers.length,
    clearTimer: () => {},
    view: {
      loaded: (first) => seen.push(['loaded', first]),
      loadFailed: (m) => seen.push(['failed', m]),
      notify: (text, kind = 'error') => seen.push(['notify', text, kind]),
      unauthorized: () => seen.push(['unauthorized']),
    },
  });
  return { feed, seen, timers, model };
}

test('details model: loads, knows the request from the details until the feed has it', async () => {
  let answer = { ...req(), notes: [], events: [] };
  const s = detailsSetup({ request: async () => answer });
  assert.equal(s.model.head(), null);
  assert.equal(s.model.waitingText(), null);
  await s.model.load();
  assert.deepEqual(s.seen, [['loaded', true]]);
  assert.equal(s.model.head().title, 'Ada');
  answer = { ...answer, name: 'Ada L.' };
  await s.model.load();
  assert.deepEqual(s.seen.at(-1), ['loaded', false]);
  s.feed.apply({ event: 'request', request: { ...req(), name: 'From the feed' } });
  assert.equal(s.model.head().title, 'From the feed', 'the feed is the fresher source');
  s.feed.setQueues([{ name: 'general' }, { name: 'vip', title: 'VIP' }]);
  assert.deepEqual(
    s.model.transferQueues().map((q) => q.name),
    ['vip'],
  );
});

test('details model: load failures — 404, other errors, 401, answers that are not objects', async () => {
  const errors = [Object.assign(new Error('gone'), { status: 404 }), new Error('boom'), Object.assign(new Error('x'), { status: 401 })];
  const s = detailsSetup({
    request: async () => {
      if (errors.length) throw errors.shift();
      return 'text';
    },
  });
  await s.model.load();
  await s.model.load();
  await s.model.load();
  await s.model.load();
  assert.deepEqual(s.seen, [
    ['failed', 'This request does not exist or is not yours to see.'],
    ['failed', 'Could not load the request: boom'],
    ['unauthorized'],
    ['failed', 'Could not load the request: unexpected answer from the server'],
  ]);
});

test('details model: actions update the feed, say what happened and reload; failures show the server text', async () => {
  const calls = [];
  const s = detailsSetup({
    request: async () => ({ ...req(), events: [] }),
    transfer: async (id, target) => {
      calls.push(['transfer', id, target]);
      return { ...req(), technician: target.technician };
    },
    invite: async () => {
      throw Object.assign(new Error('no such technician'), { status: 404 });
    },
    reopen: async () => {
      throw Object.assign(new Error('expired'), { status: 401 });
    },
  });
  await s.model.run(detailsCommand('transfer-technician', ID, 'bob'));
  assert.deepEqual(calls, [['transfer', ID, { technician: 'bob' }]]);
  assert.equal(s.feed.get(ID).technician, 'bob');
  assert.deepEqual(s.seen, [
    ['notify', 'Transferred to bob.', 'success'],
    ['loaded', true],
  ]);
  await s.model.run(detailsCommand('invite', ID, 'nobody'));
  assert.deepEqual(s.seen.at(-1), ['notify', 'no such technician', 'error']);
  await s.model.run(detailsCommand('reopen', ID));
  assert.deepEqual(s.seen.at(-1), ['unauthorized']);
  await s.model.run(detailsCommand('note', ID, ''));
  assert.deepEqual(s.seen.at(-1), ['notify', 'Write the note first.', 'error']);
  await s.model.run(null);
  s.model.destroy();
  await s.model.run(detailsCommand('transfer-technician', ID, 'bob'));
  assert.deepEqual(s.seen.at(-1), ['notify', 'Write the note first.', 'error'], 'nothing shown after destroy');
});

test('details model: feed changes of this request reload after a pause; snapshots redraw', () => {
  const s = detailsSetup({ request: async () => ({}) });
  assert.equal(s.model.feedChanged({ kind: 'changed', ids: ['other'] }), false);
  assert.equal(s.model.feedChanged({ kind: 'snapshot', ids: [] }), true);
  assert.equal(s.timers.length, 0);
  assert.equal(s.model.feedChanged({ kind: 'changed', ids: [ID] }), true);
  assert.equal(s.timers.length, 1);
  assert.equal(s.timers[0].ms, RELOAD_DELAY_MS);
  assert.equal(s.model.feedChanged(null), false);
});

test('requests model: filters, queue options, counts and feed status', () => {
  assert.deepEqual(createFilter(), { queue: '', state: 'open', text: '' });
  assert.deepEqual(sharedFilter, createFilter());
  const names = [
    { name: 'general', title: 'general' },
    { name: 'vip', title: 'VIP' },
  ];
  assert.deepEqual(queueFilterOptions(names, 'vip'), {
    options: [
      ['', 'All queues'],
      ['general', 'general'],
      ['vip', 'VIP (vip)'],
    ],
    value: 'vip',
  });
  assert.equal(queueFilterOptions(names, 'gone').value, '');
  assert.equal(countText(1, 1), '1 request');
  assert.equal(countText(0, 0), '0 requests');
  assert.equal(countText(2, 5), '2 of 5 requests');
  assert.equal(feedStatusText('reconnecting'), 'reconnecting…');
  assert.equal(feedStatusText('odd'), 'odd');

  const feed = new FeedStore();
  let shown = listPresentation(feed, createFilter());
  assert.deepEqual([shown.emptyHidden, shown.connectingHidden, shown.tableHidden], [true, false, true], 'before the snapshot: connecting');
  feed.apply({ event: 'snapshot', server_time: 0, requests: [req(), { ...req(), id: 'cd'.repeat(16), state: 'resolved' }] }, 0);
  shown = listPresentation(feed, createFilter());
  assert.equal(shown.list.length, 1);
  assert.equal(shown.count, '1 of 2 requests');
  assert.deepEqual([shown.emptyHidden, shown.connectingHidden, shown.tableHidden], [true, true, false]);
  shown = listPresentation(feed, { ...createFilter(), text: 'nothing like it' });
  assert.deepEqual([shown.emptyHidden, shown.tableHidden], [false, true]);
});

test('details model: the default timers are called as plain functions', () => {
  const delays = strictTimers(() => {
    const m = new DetailsModel({ id: ID, api: {}, feed: new FeedStore(), me: alice, view: {} });
    m.feedChanged({ kind: 'changed', ids: [ID] });
    m.destroy();
  });
  assert.deepEqual(delays, [RELOAD_DELAY_MS]);
});

// A browser's setTimeout throws "Illegal invocation" when called as a method of another object.
function strictTimers(run) {
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
