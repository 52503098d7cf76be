// The support-request queue ("Call Manager" preview): a table refreshed every 2 s and on
// demand. Every customer-provided string goes into the page with textContent only. Rows are
// updated in place (keyed by request id) so focus and scroll survive a refresh.
import { el, setText } from './dom.js';
import { isValidRequestId } from './routes.js';
import { parseTimestamp, formatDuration, formatClock, stateBadgeClass, stateLabel, onlineLabel } from './format.js';

const REFRESH_MS = 2000;

/**
 *   api            the API client (requests())
 *   onOpen(req)    open the session view for a request
 *   onUnauthorized called when the server says the login is gone
 *   cache          Map id → request, filled for the session header
 */
export function mountRequests(container, { api, onOpen, onUnauthorized, cache }) {
  const refreshBtn = el('button', { type: 'button', className: 'btn btn-secondary', id: 'requests-refresh', text: 'Refresh' });
  const updated = el('span', { className: 'muted updated', 'aria-live': 'off' });
  const count = el('span', { className: 'count-pill', 'aria-live': 'polite' });
  const errorEl = el('p', { className: 'banner banner-error', role: 'alert' });
  errorEl.hidden = true;
  const tbody = el('tbody');
  const table = el(
    'table',
    { className: 'requests-table', id: 'requests-table' },
    el('caption', { className: 'visually-hidden', text: 'Support requests waiting for a technician' }),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col', text: 'Customer' }),
        el('th', { scope: 'col', text: 'Description' }),
        el('th', { scope: 'col', text: 'State' }),
        el('th', { scope: 'col', text: 'Waiting since' }),
        el('th', { scope: 'col', text: 'Online' }),
        el('th', { scope: 'col', className: 'col-actions' }, el('span', { className: 'visually-hidden', text: 'Actions' })),
      ),
    ),
    tbody,
  );
  const empty = el('div', { className: 'empty-state' },
    el('p', { className: 'empty-title', text: 'No customers are waiting.' }),
    el('p', { className: 'muted', text: 'New support requests appear here automatically.' }));
  empty.hidden = true;
  const loading = el('p', { className: 'muted loading', text: 'Loading support requests…' });

  const root = el(
    'section',
    { className: 'requests-view page', 'aria-labelledby': 'requests-title' },
    el(
      'div',
      { className: 'page-head' },
      el('div', { className: 'page-title' },
        el('h1', { id: 'requests-title', tabindex: '-1', text: 'Call Manager' }),
        count),
      el('div', { className: 'page-actions' }, updated, refreshBtn),
    ),
    errorEl,
    el('div', { className: 'card table-card' }, el('div', { className: 'table-scroll' }, table), empty, loading),
  );
  container.appendChild(root);

  const rows = new Map(); // id → {tr, cells, req}
  let timer = 0;
  let inFlight = false;
  let destroyed = false;
  let loadedOnce = false;

  function buildRow(id) {
    const name = el('span', { className: 'cust-name' });
    const desc = el('td', { className: 'col-desc' });
    const stateBadge = el('span', { className: 'badge' });
    const waitingTime = el('time', { className: 'waiting' });
    const online = el('span', { className: 'online' }, el('span', { className: 'online-dot', 'aria-hidden': 'true' }), el('span', { className: 'online-text' }));
    const open = el('button', { type: 'button', className: 'btn btn-primary btn-small', text: 'Open' });
    const tr = el(
      'tr',
      { className: 'request-row', dataset: { requestId: id } },
      el('td', { className: 'col-name' }, name),
      desc,
      el('td', { className: 'col-state' }, stateBadge),
      el('td', { className: 'col-waiting' }, waitingTime),
      el('td', { className: 'col-online' }, online),
      el('td', { className: 'col-actions' }, open),
    );
    const entry = { tr, name, desc, stateBadge, waitingTime, online, open, req: null };
    open.addEventListener('click', (e) => {
      e.stopPropagation();
      if (entry.req) onOpen(entry.req);
    });
    tr.addEventListener('click', (e) => {
      // A click anywhere on the row opens it, unless the user is selecting text.
      const sel = window.getSelection();
      if (sel && !sel.isCollapsed && tr.contains(sel.anchorNode)) return;
      if (e.target.closest('button')) return;
      if (entry.req && !open.disabled) onOpen(entry.req);
    });
    return entry;
  }

  function updateRow(entry, req, now) {
    entry.req = req;
    const name = typeof req.name === 'string' && req.name ? req.name : '(no name)';
    setText(entry.name, name);
    const desc = typeof req.description === 'string' ? req.description : '';
    setText(entry.desc, desc);
    entry.desc.title = desc;
    setText(entry.stateBadge, stateLabel(req.state));
    entry.stateBadge.className = `badge ${stateBadgeClass(req.state)}`;
    const t = parseTimestamp(req.created_at);
    if (Number.isNaN(t)) {
      setText(entry.waitingTime, '—');
      entry.waitingTime.removeAttribute('datetime');
      entry.waitingTime.removeAttribute('title');
    } else {
      const d = new Date(t);
      setText(entry.waitingTime, `${formatClock(d)} (${formatDuration(now - t)})`);
      entry.waitingTime.setAttribute('datetime', d.toISOString());
      entry.waitingTime.title = d.toLocaleString();
    }
    const on = !!req.online;
    entry.online.className = `online ${on ? 'is-online' : 'is-offline'}`;
    setText(entry.online.lastChild, onlineLabel(on));
    entry.open.disabled = !isValidRequestId(req.id);
    entry.open.setAttribute('aria-label', `Open the session of ${name}`);
  }

  function render(list) {
    const now = Date.now();
    const seen = new Set();
    cache.clear();
    let before = null; // keep server order: insert each row after the previous one
    for (const req of list) {
      const id = typeof req.id === 'string' ? req.id : String(req.id ?? '');
      if (!id || seen.has(id)) continue;
      seen.add(id);
      cache.set(id, req);
      let entry = rows.get(id);
      if (!entry) {
        entry = buildRow(id);
        rows.set(id, entry);
      }
      updateRow(entry, req, now);
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
    setText(count, n === 1 ? '1 request' : `${n} requests`);
    empty.hidden = n !== 0;
    table.hidden = n === 0;
  }

  async function refresh() {
    if (inFlight || destroyed) return;
    inFlight = true;
    clearTimeout(timer);
    root.setAttribute('aria-busy', 'true');
    try {
      const list = await api.requests();
      if (destroyed) return;
      render(list);
      loadedOnce = true;
      loading.hidden = true;
      errorEl.hidden = true;
      setText(updated, `Updated ${formatClock(new Date())}`);
    } catch (err) {
      if (destroyed) return;
      if (err && err.status === 401) {
        onUnauthorized();
        return;
      }
      setText(errorEl, `Could not load the support requests: ${(err && err.message) || err}`);
      errorEl.hidden = false;
      if (!loadedOnce) loading.hidden = true;
    } finally {
      inFlight = false;
      if (!destroyed) {
        root.removeAttribute('aria-busy');
        timer = setTimeout(refresh, REFRESH_MS);
      }
    }
  }

  refreshBtn.addEventListener('click', () => refresh());
  table.hidden = true;
  refresh();

  return {
    root,
    focus() {
      root.querySelector('h1').focus();
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      root.remove();
    },
  };
}
