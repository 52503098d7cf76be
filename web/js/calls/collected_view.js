// Renders a request's collected information (docs/protocol.md §3.4, shapes in the collect
// library) readably: small collectors (os, hardware, network) as key-value tables, long lists
// (processes, libraries, packages, journal) as collapsible lists with a filter box and a count,
// config files as collapsible text. Everything from the customer's machine is text: it goes
// into the page through textContent (dom.js) only.
import { el, setText } from '../shell/dom.js';

export const COLLECTOR_TITLES = Object.freeze({
  os: 'Operating system',
  hardware: 'Hardware',
  network: 'Network',
  processes: 'Processes',
  libraries: 'Loaded libraries',
  config: 'Configuration',
  packages: 'Packages',
  journal: 'Journal errors',
});

const LIST_KEYS = Object.freeze({
  processes: 'processes',
  libraries: 'libraries',
  packages: 'packages',
  journal: 'entries',
});

/** "1.5 GiB" for a byte count. */
export function formatBytes(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return String(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "3 h 12 min" for seconds of uptime. */
function formatSeconds(s) {
  if (typeof s !== 'number' || !Number.isFinite(s)) return String(s);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${m} min`;
}

/** Human label of a data key: "total_bytes" → "total", "mount_point" → "mount point". */
export function keyLabel(key) {
  return String(key)
    .replace(/_(bytes|seconds)$/, '')
    .replace(/_/g, ' ');
}

/** A scalar value as text, formatted by its key (sizes, durations). */
export function scalarText(key, value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' && /_bytes$/.test(String(key))) return formatBytes(value);
  if (typeof value === 'number' && /_seconds$/.test(String(key))) return formatSeconds(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isScalar(v) {
  return v === null || typeof v !== 'object';
}

/**
 * One list item of a long-list collector as {main, detail} strings.
 */
export function listItemText(collector, item) {
  if (isScalar(item)) return { main: scalarText('', item), detail: '' };
  const s = (k) => (item[k] === undefined || item[k] === null ? '' : String(item[k]));
  switch (collector) {
    case 'processes': {
      const parts = [`pid ${s('pid')}`];
      if (item.user !== undefined) parts.push(s('user'));
      if (typeof item.rss_bytes === 'number') parts.push(formatBytes(item.rss_bytes));
      if (item.cmdline) parts.push(s('cmdline'));
      return { main: s('name') || s('cmdline') || `pid ${s('pid')}`, detail: parts.join(' · ') };
    }
    case 'libraries': {
      const n = item.process_count;
      const parts = [];
      if (typeof n === 'number') parts.push(n === 1 ? '1 process' : `${n} processes`);
      if (item.deleted) parts.push('deleted on disk');
      return { main: s('path'), detail: parts.join(' · ') };
    }
    case 'packages':
      return { main: s('name'), detail: [s('version'), s('arch')].filter(Boolean).join(' · ') };
    case 'journal': {
      const who = [s('identifier'), item.pid !== undefined ? `[${s('pid')}]` : ''].join('');
      const parts = [s('time'), who, s('unit')].filter(Boolean);
      return { main: s('message'), detail: parts.join(' · ') };
    }
    default: {
      const entries = Object.entries(item);
      if (!entries.length) return { main: '{}', detail: '' };
      const [, first] = entries[0];
      return {
        main: scalarText(entries[0][0], first),
        detail: entries
          .slice(1)
          .map(([k, v]) => `${keyLabel(k)}: ${scalarText(k, v)}`)
          .join(' · '),
      };
    }
  }
}

/** A key-value table of an object; nested objects become nested tables, lists of objects grids. */
export function kvTable(obj, depth = 0) {
  const tbody = el('tbody');
  for (const [key, value] of Object.entries(obj)) {
    tbody.appendChild(el('tr', {}, el('th', { scope: 'row', text: keyLabel(key) }), el('td', {}, valueNode(key, value, depth))));
  }
  return el('table', { className: 'kv-table' }, tbody);
}

function valueNode(key, value, depth) {
  if (isScalar(value)) return el('span', { className: 'kv-value', text: scalarText(key, value) });
  if (depth >= 4) return el('code', { text: JSON.stringify(value) });
  if (Array.isArray(value)) {
    if (value.length === 0) return el('span', { className: 'muted', text: 'none' });
    if (value.every(isScalar)) return el('span', { className: 'kv-value', text: value.map((v) => scalarText(key, v)).join(', ') });
    if (value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) return gridTable(value, depth + 1);
    return el('code', { text: JSON.stringify(value) });
  }
  return kvTable(value, depth + 1);
}

/** A list of objects as a table with one column per key. */
export function gridTable(rows, depth = 0) {
  const keys = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const head = el(
    'tr',
    {},
    keys.map((k) => el('th', { scope: 'col', text: keyLabel(k) })),
  );
  const body = el(
    'tbody',
    {},
    rows.map((r) =>
      el(
        'tr',
        {},
        keys.map((k) => el('td', {}, r[k] === undefined ? '' : valueNode(k, r[k], depth))),
      ),
    ),
  );
  return el('table', { className: 'grid-table' }, el('thead', {}, head), body);
}

/**
 * A collapsible, filterable list: <details> whose summary shows the title and the count; the
 * filter box narrows the items and the count reads "37 of 1211".
 */
export function filterList(collector, title, items, { open = false } = {}) {
  const count = el('span', { className: 'list-count' });
  const input = el('input', {
    type: 'search',
    className: 'list-filter',
    placeholder: 'Filter…',
    'aria-label': `Filter ${title.toLowerCase()}`,
    dataset: { filterFor: collector },
  });
  const list = el('ol', { className: 'item-list', dataset: { list: collector } });
  const texts = [];
  for (const item of items) {
    const { main, detail } = listItemText(collector, item);
    texts.push(`${main}\n${detail}`.toLowerCase());
    list.appendChild(
      el(
        'li',
        { className: 'item' },
        el('span', { className: 'item-main', text: main }),
        detail ? el('span', { className: 'item-detail', text: detail }) : null,
      ),
    );
  }
  const total = items.length;
  function apply() {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    const lis = list.children;
    for (let i = 0; i < lis.length; i++) {
      const ok = words.every((w) => texts[i].includes(w));
      lis[i].hidden = !ok;
      if (ok) shown += 1;
    }
    setText(count, words.length ? `${shown} of ${total}` : `${total}`);
    list.dataset.shown = String(shown);
  }
  input.addEventListener('input', apply);
  apply();
  const details = el(
    'details',
    { className: 'list-details', dataset: { collector } },
    el('summary', {}, el('span', { className: 'list-title', text: title }), ' ', count),
    el('div', { className: 'list-tools' }, input),
    list,
  );
  if (open) details.open = true;
  return { node: details, input, list, count, apply };
}

function configNode(data) {
  const parts = [];
  if (Array.isArray(data.gsettings) && data.gsettings.length) {
    parts.push(el('h4', { text: 'Settings keys' }), gridTable(data.gsettings.filter((x) => x && typeof x === 'object')));
  }
  if (Array.isArray(data.files)) {
    parts.push(el('h4', { text: 'Files' }));
    for (const f of data.files) {
      if (!f || typeof f !== 'object') continue;
      const path = typeof f.path === 'string' ? f.path : '(unnamed)';
      const notShown = f.refused !== undefined ? `refused, ${String(f.refused)}` : f.error === undefined ? 'no content' : String(f.error);
      const body =
        typeof f.content === 'string'
          ? el('pre', { className: 'file-content', text: f.content })
          : el('p', { className: 'muted', text: `not shown: ${notShown}` });
      const meta = [];
      if (typeof f.size_bytes === 'number') meta.push(formatBytes(f.size_bytes));
      if (f.truncated) meta.push('truncated');
      if (typeof f.resolved === 'string') meta.push(`→ ${f.resolved}`);
      parts.push(
        el(
          'details',
          { className: 'file-details' },
          el(
            'summary',
            {},
            el('code', { text: path }),
            meta.length ? el('span', { className: 'muted', text: ` ${meta.join(' · ')}` }) : null,
          ),
          body,
        ),
      );
    }
  }
  const rest = Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'gsettings' && k !== 'files'));
  if (Object.keys(rest).length) parts.push(kvTable(rest));
  return el('div', { className: 'config-data' }, parts);
}

/** The body of one collector's section. */
export function collectorBody(id, entry) {
  const status = entry && typeof entry === 'object' ? entry.status : undefined;
  if (status === 'left_out') return el('p', { className: 'collect-status status-left-out', text: 'left out by the customer' });
  if (status === 'not_collected') {
    const reason = typeof entry.reason === 'string' && entry.reason ? entry.reason : 'no reason given';
    return el('p', { className: 'collect-status status-not-collected' }, el('strong', { text: 'not collected: ' }), reason);
  }
  if (status !== 'ok') return el('p', { className: 'collect-status', text: `unknown status: ${scalarText('', status ?? 'missing')}` });
  const data = entry.data;
  const title = COLLECTOR_TITLES[id] || id;
  const out = [];
  if (entry.truncated === true)
    out.push(el('p', { className: 'collect-note', text: 'cut short on the customer\u2019s machine (time or size limit)' }));
  if (isScalar(data) || Array.isArray(data)) {
    if (Array.isArray(data)) out.push(filterList(id, title, data).node);
    else out.push(el('p', { text: scalarText('', data) }));
    return el('div', {}, out);
  }
  if (id === 'config') {
    out.push(configNode(data));
    return el('div', {}, out);
  }
  let listKey = LIST_KEYS[id];
  if (!listKey && !['os', 'hardware', 'network'].includes(id)) {
    // An unknown collector: its longest list of items becomes the filterable list.
    let best = 0;
    for (const [k, v] of Object.entries(data))
      if (Array.isArray(v) && v.length > best) {
        best = v.length;
        listKey = k;
      }
    if (best < 10) listKey = undefined;
  }
  if (listKey && Array.isArray(data[listKey])) {
    const rest = Object.fromEntries(Object.entries(data).filter(([k]) => k !== listKey));
    if (Object.keys(rest).length) out.push(kvTable(rest));
    if (data[listKey].length === 0) out.push(el('p', { className: 'muted', text: `${title}: none` }));
    else out.push(filterList(id, title, data[listKey], { open: data[listKey].length <= 20 }).node);
  } else {
    out.push(kvTable(data));
  }
  return el('div', {}, out);
}

const FOLDED = new Set(['network', 'config']);

/** A short hint shown next to a folded collector's title. */
export function foldHint(id, data) {
  if (!data || typeof data !== 'object') return '';
  const n = (v) => (Array.isArray(v) ? v.length : 0);
  if (id === 'network') {
    const names = Array.isArray(data.interfaces)
      ? data.interfaces.map((i) => (i && typeof i.name === 'string' ? i.name : '')).filter(Boolean)
      : [];
    return `${names.length} interfaces (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}), ${n(data.routes) + n(data.routes6)} routes`;
  }
  if (id === 'config') return `${n(data.gsettings)} settings keys, ${n(data.files)} files`;
  return '';
}

/** All collectors of a request, one section each, in the definition's order (object order). */
export function renderCollected(collected) {
  const root = el('div', { className: 'collected' });
  if (!collected || typeof collected !== 'object' || Array.isArray(collected) || !Object.keys(collected).length) {
    root.appendChild(el('p', { className: 'muted', text: 'No information was collected.' }));
    return root;
  }
  for (const [id, entry] of Object.entries(collected)) {
    const status = entry && typeof entry === 'object' && typeof entry.status === 'string' ? entry.status : 'unknown';
    const meta = entry && typeof entry.elapsed_ms === 'number' ? `${entry.elapsed_ms} ms` : '';
    // Every collector folds; the long key-value ones (network, config) start folded, with a
    // one-line hint of what is inside.
    const folded = status === 'ok' && FOLDED.has(id);
    const details = el(
      'details',
      { className: 'collector-details' },
      el(
        'summary',
        { className: 'collector-summary' },
        el(
          'h3',
          { className: 'collector-title' },
          COLLECTOR_TITLES[id] || id,
          meta ? el('span', { className: 'muted collector-meta', text: ` ${meta}` }) : null,
        ),
        folded ? el('span', { className: 'muted collector-hint', text: foldHint(id, entry.data) }) : null,
      ),
      collectorBody(id, entry),
    );
    details.open = !folded;
    root.appendChild(
      el(
        'section',
        { className: `collector collector-${status === 'ok' ? 'ok' : 'missing'}`, dataset: { collector: id, status } },
        details,
      ),
    );
  }
  return root;
}

/** The customer's answers: label, then the displayed value (choice label) as text. */
export function renderAnswers(answers) {
  const list = Array.isArray(answers) ? answers.filter((a) => a && typeof a === 'object') : [];
  if (!list.length) return el('p', { className: 'muted', text: 'No answers.' });
  return el(
    'dl',
    { className: 'answers' },
    list.map((a) => {
      const label = typeof a.label === 'string' && a.label ? a.label : String(a.id ?? '');
      const shown =
        typeof a.display === 'string' && a.display ? a.display : typeof a.value === 'string' ? a.value : scalarText('', a.value);
      return [el('dt', { text: label }), el('dd', { className: 'answer', dataset: { answer: String(a.id ?? '') }, text: shown || '—' })];
    }),
  );
}

/** The server's problems list for a refused wizard definition. */
export function renderProblems(problems, message = '') {
  const list = Array.isArray(problems) ? problems.map((p) => String(p)) : [];
  const box = el('div', { className: 'problems', role: 'alert' });
  box.appendChild(el('p', { className: 'problems-title', text: message || (list.length === 1 ? '1 problem' : `${list.length} problems`) }));
  if (list.length) {
    box.appendChild(
      el(
        'ul',
        { className: 'problems-list' },
        list.map((p) => {
          const colon = p.indexOf(': ');
          if (colon > 0) return el('li', {}, el('code', { text: p.slice(0, colon) }), `: ${p.slice(colon + 2)}`);
          return el('li', { text: p });
        }),
      ),
    );
  }
  return box;
}
