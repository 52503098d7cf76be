// The Call Manager: the live list of support requests from the /ws/console feed (the app owns
// the connection and the FeedStore). Rows are keyed by request id and updated in place; the
// waiting time ticks every second on the server's clock. Every customer-provided string goes
// into the page with textContent only.
import { el, setText } from '../shell/dom.js';
import { formatWaiting, STATES } from './feed.js';
import { stateBadgeClass, stateLabel } from '../shell/format.js';

const FEED_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', stopped: 'offline' };

// Filters survive leaving and re-entering the view.
const filter = { queue: '', state: 'open', text: '' };

/** True when this technician may open the request's session now (docs/protocol.md §8.2). */
export function mayOpen(req, me) {
  if (!req || req.state !== 'in_session') return false;
  return req.technician === me.username || me.role === 'senior' || me.role === 'admin';
}

/**
 *   feed        the FeedStore
 *   feedStatus  () → current feed status; onFeedStatus(fn) → unsubscribe
 *   me          {username, role}
 *   actions     {take(id, notify), openSession(id), openDetails(id), newCode()}
 */
export function mountRequests(container, { feed, feedStatus, onFeedStatus, me, actions }) {
  const liveBadge = el('span', { className: 'feed-status', id: 'feed-status', role: 'status' });
  const count = el('span', { className: 'count-pill', 'aria-live': 'polite' });
  const notice = el('p', { className: 'banner', id: 'requests-notice', role: 'alert' });
  notice.hidden = true;
  const codeBtn = el('button', { type: 'button', className: 'btn btn-secondary', id: 'new-code', text: 'New session code' });

  const queueSel = el('select', { id: 'filter-queue', 'aria-label': 'Queue' });
  const stateSel = el(
    'select',
    { id: 'filter-state', 'aria-label': 'State' },
    el('option', { value: 'open', text: 'Open (waiting + in session)' }),
    el('option', { value: '', text: 'All states' }),
    STATES.map((s) => el('option', { value: s, text: stateLabel(s) })),
  );
  const search = el('input', { type: 'search', id: 'filter-text', placeholder: 'Search name or summary…', 'aria-label': 'Search' });
  stateSel.value = filter.state;
  search.value = filter.text;

  const tbody = el('tbody');
  const table = el(
    'table',
    { className: 'requests-table', id: 'requests-table' },
    el('caption', { className: 'visually-hidden', text: 'Support requests' }),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col', text: 'Customer' }),
        el('th', { scope: 'col', text: 'Summary' }),
        el('th', { scope: 'col', text: 'Topic' }),
        el('th', { scope: 'col', text: 'Queue' }),
        el('th', { scope: 'col', text: 'State' }),
        el('th', { scope: 'col', text: 'Technician' }),
        el('th', { scope: 'col', text: 'Waiting' }),
        el('th', { scope: 'col', className: 'col-actions' }, el('span', { className: 'visually-hidden', text: 'Actions' })),
      ),
    ),
    tbody,
  );
  const connecting = el('p', { className: 'muted loading', id: 'feed-waiting', text: 'Connecting to the live feed…' });
  const empty = el(
    'div',
    { className: 'empty-state' },
    el('p', { className: 'empty-title', text: 'No support requests here' }),
    el('p', { className: 'muted', id: 'empty-detail', text: 'New support requests appear here as soon as a customer files one.' }),
  );

  const root = el(
    'section',
    { className: 'requests-view page', 'aria-labelledby': 'requests-title' },
    el(
      'div',
      { className: 'page-head' },
      el('div', { className: 'page-title' }, el('h1', { id: 'requests-title', tabindex: '-1', text: 'Call Manager' }), count, liveBadge),
      el('div', { className: 'page-actions' }, codeBtn),
    ),
    el(
      'div',
      { className: 'filters' },
      el('label', { className: 'filter' }, el('span', { text: 'Queue' }), queueSel),
      el('label', { className: 'filter' }, el('span', { text: 'State' }), stateSel),
      el('label', { className: 'filter filter-grow' }, el('span', { text: 'Search' }), search),
    ),
    notice,
    el('div', { className: 'card table-card' }, el('div', { className: 'table-scroll' }, table), empty, connecting),
  );
  container.appendChild(root);

  const rows = new Map(); // id → entry
  let tick = 0;

  function showNotice(text, kind = 'error') {
    setText(notice, text);
    notice.className = `banner banner-${kind}`;
    notice.hidden = !text;
  }

  function buildRow(id) {
    const name = el('span', { className: 'cust-name' });
    const dot = el('span', { className: 'online-dot', 'aria-hidden': 'true' });
    const onlineText = el('span', { className: 'visually-hidden' });
    const viaCode = el('span', { className: 'via-code', title: 'came in with a session code', text: 'code' });
    const summary = el('td', { className: 'col-desc' });
    const topic = el('td', { className: 'col-topic' });
    const queue = el('td', { className: 'col-queue' });
    const stateBadge = el('span', { className: 'badge' });
    const tech = el('td', { className: 'col-tech' });
    const waiting = el('td', { className: 'col-waiting waiting' });
    const take = el('button', { type: 'button', className: 'btn btn-primary btn-small', dataset: { action: 'take' }, text: 'Take' });
    const open = el('button', { type: 'button', className: 'btn btn-primary btn-small', dataset: { action: 'open' }, text: 'Open' });
    const tr = el(
      'tr',
      { className: 'request-row', dataset: { requestId: id } },
      el('td', { className: 'col-name' }, el('span', { className: 'online' }, dot, onlineText), name, viaCode),
      summary,
      topic,
      queue,
      el('td', { className: 'col-state' }, stateBadge),
      tech,
      waiting,
      el('td', { className: 'col-actions' }, take, open),
    );
    const entry = { tr, name, dot, onlineText, viaCode, summary, topic, queue, stateBadge, tech, waiting, take, open, req: null };
    take.addEventListener('click', async (e) => {
      e.stopPropagation();
      take.disabled = true;
      try {
        await actions.take(id, showNotice);
      } finally {
        take.disabled = false;
      }
    });
    open.addEventListener('click', (e) => {
      e.stopPropagation();
      actions.openSession(id);
    });
    tr.addEventListener('click', (e) => {
      const sel = window.getSelection();
      if (sel && !sel.isCollapsed && tr.contains(sel.anchorNode)) return;
      if (e.target.closest('button')) return;
      actions.openDetails(id);
    });
    return entry;
  }

  function updateRow(entry, req) {
    entry.req = req;
    const name = req.name || '(no name)';
    setText(entry.name, name);
    setText(entry.summary, req.summary);
    entry.summary.title = req.summary;
    setText(entry.topic, req.topic || '—');
    setText(entry.queue, req.queue || '—');
    setText(entry.stateBadge, stateLabel(req.state));
    entry.stateBadge.className = `badge ${stateBadgeClass(req.state)}`;
    entry.tr.dataset.state = req.state;
    setText(entry.tech, req.technician || '—');
    entry.dot.className = `online-dot ${req.online ? 'is-online' : 'is-offline'}`;
    entry.dot.title = req.online ? 'customer online' : 'customer offline';
    setText(entry.onlineText, req.online ? 'online' : 'offline');
    entry.viaCode.hidden = !req.via_code;
    const takeable = req.state === 'waiting' && (!req.technician || req.technician === me.username);
    entry.take.hidden = !takeable;
    entry.open.hidden = !mayOpen(req, me);
    entry.take.setAttribute('aria-label', `Take the request of ${name}`);
    entry.open.setAttribute('aria-label', `Open the session of ${name}`);
    updateWaiting(entry);
  }

  function updateWaiting(entry) {
    setText(entry.waiting, formatWaiting(feed.waitingMs(entry.req, Date.now())));
  }

  function fillQueues() {
    const want = filter.queue;
    const names = feed.queueNames();
    const current = [...queueSel.options].map((o) => `${o.value}\t${o.textContent}`).join('\n');
    const next = [['', 'All queues'], ...names.map((q) => [q.name, q.title === q.name ? q.name : `${q.title} (${q.name})`])]
      .map(([v, t]) => `${v}\t${t}`)
      .join('\n');
    if (current !== next) {
      while (queueSel.firstChild) queueSel.removeChild(queueSel.firstChild);
      queueSel.appendChild(el('option', { value: '', text: 'All queues' }));
      for (const q of names)
        queueSel.appendChild(el('option', { value: q.name, text: q.title === q.name ? q.name : `${q.title} (${q.name})` }));
    }
    queueSel.value = names.some((q) => q.name === want) ? want : '';
  }

  function render() {
    fillQueues();
    const list = feed.list(filter);
    const seen = new Set();
    let before = null;
    for (const req of list) {
      seen.add(req.id);
      let entry = rows.get(req.id);
      if (!entry) {
        entry = buildRow(req.id);
        rows.set(req.id, entry);
      }
      updateRow(entry, req);
      const wanted = before ? before.nextSibling : tbody.firstChild;
      if (wanted !== entry.tr) tbody.insertBefore(entry.tr, wanted);
      before = entry.tr;
    }
    for (const [id, entry] of rows) {
      if (!seen.has(id)) {
        entry.tr.remove();
        rows.delete(id);
      }
    }
    const n = seen.size;
    const total = feed.requests.size;
    setText(count, n === total ? `${n} ${n === 1 ? 'request' : 'requests'}` : `${n} of ${total} requests`);
    empty.hidden = n !== 0 || !feed.snapshotted;
    connecting.hidden = feed.snapshotted;
    table.hidden = n === 0;
  }

  function renderStatus(s) {
    setText(liveBadge, FEED_TEXT[s] || s);
    liveBadge.dataset.feedStatus = s;
    liveBadge.className = `feed-status feed-${s}`;
  }

  queueSel.addEventListener('change', () => {
    filter.queue = queueSel.value;
    render();
  });
  stateSel.addEventListener('change', () => {
    filter.state = stateSel.value;
    render();
  });
  search.addEventListener('input', () => {
    filter.text = search.value;
    render();
  });
  codeBtn.addEventListener('click', () => actions.newCode());

  const unsubFeed = feed.subscribe(() => render());
  const unsubStatus = onFeedStatus(renderStatus);
  renderStatus(feedStatus());
  table.hidden = true;
  render();
  tick = setInterval(() => {
    for (const e of rows.values()) updateWaiting(e);
  }, 1000);

  return {
    root,
    showNotice,
    focus() {
      root.querySelector('h1').focus();
    },
    destroy() {
      clearInterval(tick);
      unsubFeed();
      unsubStatus();
      root.remove();
    },
  };
}
