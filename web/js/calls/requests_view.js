// The Call Manager: the live list of support requests from the /ws/console feed (the app owns
// the connection and the FeedStore). Rows are keyed by request id and updated in place; the
// waiting time ticks every second on the server's clock. Every customer-provided string goes
// into the page with textContent only. What is shown and allowed comes from requests_model.js
// and request_model.js; this is the DOM.
import { el, setText } from '../shell/dom.js';
import { formatWaiting, STATES } from './feed.js';
import { stateLabel } from '../shell/format.js';
import { rowPresentation } from './request_model.js';
import { feedStatusText, listPresentation, queueFilterOptions, sharedFilter } from './requests_model.js';

const COLUMNS = Object.freeze(['Customer', 'Summary', 'Topic', 'Queue', 'State', 'Technician', 'Waiting']);

/** The page's elements, by name. */
function buildRequestsDom(filter) {
  const d = {
    liveBadge: el('span', { className: 'feed-status', id: 'feed-status', role: 'status' }),
    count: el('span', { className: 'count-pill', 'aria-live': 'polite' }),
    notice: el('p', { className: 'banner', id: 'requests-notice', role: 'alert' }),
    codeBtn: el('button', { type: 'button', className: 'btn btn-secondary', id: 'new-code', text: 'New session code' }),
    queueSel: el('select', { id: 'filter-queue', 'aria-label': 'Queue' }),
    stateSel: el(
      'select',
      { id: 'filter-state', 'aria-label': 'State' },
      el('option', { value: 'open', text: 'Open (waiting + in session)' }),
      el('option', { value: '', text: 'All states' }),
      STATES.map((s) => el('option', { value: s, text: stateLabel(s) })),
    ),
    search: el('input', { type: 'search', id: 'filter-text', placeholder: 'Search name or summary…', 'aria-label': 'Search' }),
    tbody: el('tbody'),
    connecting: el('p', { className: 'muted loading', id: 'feed-waiting', text: 'Connecting to the live feed…' }),
    empty: el(
      'div',
      { className: 'empty-state' },
      el('p', { className: 'empty-title', text: 'No support requests here' }),
      el('p', { className: 'muted', id: 'empty-detail', text: 'New support requests appear here as soon as a customer files one.' }),
    ),
  };
  d.notice.hidden = true;
  d.stateSel.value = filter.state;
  d.search.value = filter.text;
  const head = COLUMNS.map((text) => el('th', { scope: 'col', text }));
  head.push(el('th', { scope: 'col', className: 'col-actions' }, el('span', { className: 'visually-hidden', text: 'Actions' })));
  d.table = el(
    'table',
    { className: 'requests-table', id: 'requests-table' },
    el('caption', { className: 'visually-hidden', text: 'Support requests' }),
    el('thead', {}, el('tr', {}, head)),
    d.tbody,
  );
  d.root = el(
    'section',
    { className: 'requests-view page', 'aria-labelledby': 'requests-title' },
    el(
      'div',
      { className: 'page-head' },
      el(
        'div',
        { className: 'page-title' },
        el('h1', { id: 'requests-title', tabindex: '-1', text: 'Call Manager' }),
        d.count,
        d.liveBadge,
      ),
      el('div', { className: 'page-actions' }, d.codeBtn),
    ),
    el(
      'div',
      { className: 'filters' },
      el('label', { className: 'filter' }, el('span', { text: 'Queue' }), d.queueSel),
      el('label', { className: 'filter' }, el('span', { text: 'State' }), d.stateSel),
      el('label', { className: 'filter filter-grow' }, el('span', { text: 'Search' }), d.search),
    ),
    d.notice,
    el('div', { className: 'card table-card' }, el('div', { className: 'table-scroll' }, d.table), d.empty, d.connecting),
  );
  return d;
}

function smallButton(action, text) {
  return el('button', { type: 'button', className: 'btn btn-primary btn-small', dataset: { action }, text });
}

/** One table row with its cells by name; `actions` and `showNotice` serve its buttons. */
function buildRow(id, actions, showNotice) {
  const r = {
    name: el('span', { className: 'cust-name' }),
    dot: el('span', { className: 'online-dot', 'aria-hidden': 'true' }),
    onlineText: el('span', { className: 'visually-hidden' }),
    viaCode: el('span', { className: 'via-code', title: 'came in with a session code', text: 'code' }),
    summary: el('td', { className: 'col-desc' }),
    topic: el('td', { className: 'col-topic' }),
    queue: el('td', { className: 'col-queue' }),
    stateBadge: el('span', { className: 'badge' }),
    tech: el('td', { className: 'col-tech' }),
    waiting: el('td', { className: 'col-waiting waiting' }),
    take: smallButton('take', 'Take'),
    open: smallButton('open', 'Open'),
    req: null,
  };
  r.tr = el(
    'tr',
    { className: 'request-row', dataset: { requestId: id } },
    el('td', { className: 'col-name' }, el('span', { className: 'online' }, r.dot, r.onlineText), r.name, r.viaCode),
    r.summary,
    r.topic,
    r.queue,
    el('td', { className: 'col-state' }, r.stateBadge),
    r.tech,
    r.waiting,
    el('td', { className: 'col-actions' }, r.take, r.open),
  );
  r.take.addEventListener('click', async (e) => {
    e.stopPropagation();
    r.take.disabled = true;
    try {
      await actions.take(id, showNotice);
    } finally {
      r.take.disabled = false;
    }
  });
  r.open.addEventListener('click', (e) => {
    e.stopPropagation();
    actions.openSession(id);
  });
  r.tr.addEventListener('click', (e) => {
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed && r.tr.contains(sel.anchorNode)) return;
    if (e.target.closest('button')) return;
    actions.openDetails(id);
  });
  return r;
}

function updateRow(r, req, me) {
  r.req = req;
  const p = rowPresentation(req, me);
  setText(r.name, p.name);
  setText(r.summary, p.summary);
  r.summary.title = p.summary;
  setText(r.topic, p.topic);
  setText(r.queue, p.queue);
  setText(r.stateBadge, p.stateLabel);
  r.stateBadge.className = p.badgeClass;
  r.tr.dataset.state = p.state;
  setText(r.tech, p.technician);
  r.dot.className = p.onlineClass;
  r.dot.title = p.onlineTitle;
  setText(r.onlineText, p.onlineText);
  r.viaCode.hidden = !p.viaCode;
  r.take.hidden = !p.showTake;
  r.open.hidden = !p.showOpen;
  r.take.setAttribute('aria-label', p.takeLabel);
  r.open.setAttribute('aria-label', p.openLabel);
}

// The queue select is rebuilt only when its options change (a rebuild would close it).
function fillQueues(select, { options, value }) {
  const current = [...select.options].map((o) => `${o.value}\t${o.textContent}`).join('\n');
  const next = options.map(([v, t]) => `${v}\t${t}`).join('\n');
  if (current !== next) {
    while (select.firstChild) select.removeChild(select.firstChild);
    for (const [v, t] of options) select.appendChild(el('option', { value: v, text: t }));
  }
  select.value = value;
}

/**
 *   feed        the FeedStore
 *   feedStatus  () → current feed status; onFeedStatus(fn) → unsubscribe
 *   me          {username, role}
 *   actions     {take(id, notify), openSession(id), openDetails(id), newCode()}
 */
export function mountRequests(container, { feed, feedStatus, onFeedStatus, me, actions }) {
  const filter = sharedFilter;
  const d = buildRequestsDom(filter);
  container.appendChild(d.root);
  const rows = new Map(); // id → row

  function showNotice(text, kind = 'error') {
    setText(d.notice, text);
    d.notice.className = `banner banner-${kind}`;
    d.notice.hidden = !text;
  }

  function updateWaiting(r) {
    setText(r.waiting, formatWaiting(feed.waitingMs(r.req, Date.now())));
  }

  function render() {
    fillQueues(d.queueSel, queueFilterOptions(feed.queueNames(), filter.queue));
    const shown = listPresentation(feed, filter);
    const seen = new Set();
    let before = null;
    for (const req of shown.list) {
      seen.add(req.id);
      let r = rows.get(req.id);
      if (!r) {
        r = buildRow(req.id, actions, showNotice);
        rows.set(req.id, r);
      }
      updateRow(r, req, me);
      updateWaiting(r);
      const wanted = before ? before.nextSibling : d.tbody.firstChild;
      if (wanted !== r.tr) d.tbody.insertBefore(r.tr, wanted);
      before = r.tr;
    }
    for (const [id, r] of rows) {
      if (!seen.has(id)) {
        r.tr.remove();
        rows.delete(id);
      }
    }
    setText(d.count, shown.count);
    d.empty.hidden = shown.emptyHidden;
    d.connecting.hidden = shown.connectingHidden;
    d.table.hidden = shown.tableHidden;
  }

  function renderStatus(s) {
    setText(d.liveBadge, feedStatusText(s));
    d.liveBadge.dataset.feedStatus = s;
    d.liveBadge.className = `feed-status feed-${s}`;
  }

  const onFilter = (key, control) => () => {
    filter[key] = control.value;
    render();
  };
  d.queueSel.addEventListener('change', onFilter('queue', d.queueSel));
  d.stateSel.addEventListener('change', onFilter('state', d.stateSel));
  d.search.addEventListener('input', onFilter('text', d.search));
  d.codeBtn.addEventListener('click', () => actions.newCode());

  const unsubFeed = feed.subscribe(() => render());
  const unsubStatus = onFeedStatus(renderStatus);
  renderStatus(feedStatus());
  d.table.hidden = true;
  render();
  const tick = setInterval(() => {
    for (const r of rows.values()) updateWaiting(r);
  }, 1000);

  return {
    root: d.root,
    showNotice,
    focus() {
      d.root.querySelector('h1').focus();
    },
    destroy() {
      clearInterval(tick);
      unsubFeed();
      unsubStatus();
      d.root.remove();
    },
  };
}
