// The Call Manager's data: the requests this technician may see, kept by id from the
// /ws/console events (docs/protocol.md §3.6), plus filtering, ordering and waiting times.
// Pure: no DOM, no timers; importable from Node.

export const STATES = Object.freeze(['waiting', 'in_session', 'resolved', 'abandoned']);
const STATE_RANK = new Map(STATES.map((s, i) => [s, i]));

function str(v) {
  return typeof v === 'string' ? v : '';
}

function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

/** A SUMMARY from the wire, with every field of a known type (customer text stays text). */
export function normalizeSummary(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const id = str(raw.id);
  if (!id) return null;
  return {
    id,
    name: str(raw.name),
    summary: str(raw.summary),
    topic: str(raw.topic),
    queue: str(raw.queue),
    state: str(raw.state) || 'waiting',
    technician: typeof raw.technician === 'string' && raw.technician ? raw.technician : null,
    created_at: num(raw.created_at),
    updated_at: num(raw.updated_at),
    online: raw.online === true,
    via_code: raw.via_code === true,
    viewers: Number.isInteger(raw.viewers) && raw.viewers > 0 ? raw.viewers : 0,
  };
}

/** Orders requests: waiting first, then in session, then ended; oldest first within a state. */
export function compareRequests(a, b) {
  // Resolved and abandoned share a rank: ended requests are ordered by when they ended.
  const rank = (s) => (STATE_RANK.has(s) ? Math.min(STATE_RANK.get(s), 2) : STATES.length);
  const ra = rank(a.state);
  const rb = rank(b.state);
  if (ra !== rb) return ra - rb;
  const ended = ra === 2;
  const ta = ended ? a.updated_at : a.created_at;
  const tb = ended ? b.updated_at : b.created_at;
  const na = Number.isNaN(ta) ? Infinity : ta;
  const nb = Number.isNaN(tb) ? Infinity : tb;
  if (na !== nb) return ended ? nb - na : na - nb; // ended: most recent first
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * True when `req` passes the filters:
 *   queue  '' (all) or a queue name;  state '' (all), 'open' (waiting + in session) or a state;
 *   text   case-insensitive words that must all occur in name, summary, topic or technician.
 */
export function matchesFilter(req, { queue = '', state = '', text = '' } = {}) {
  if (queue && req.queue !== queue) return false;
  if (state === 'open') {
    if (req.state !== 'waiting' && req.state !== 'in_session') return false;
  } else if (state && req.state !== state) {
    return false;
  }
  const words = String(text).toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length) {
    const hay = `${req.name}\n${req.summary}\n${req.topic}\n${req.technician || ''}`.toLowerCase();
    for (const w of words) if (!hay.includes(w)) return false;
  }
  return true;
}

export class FeedStore {
  constructor() {
    this.requests = new Map(); // id → normalized SUMMARY
    this.queues = []; // [{name, title, min_role}]
    this.offsetMs = 0; // server clock − local clock
    this.snapshotted = false;
    this.listeners = new Set();
  }

  /** Adds a listener(change) called after every applied event; returns an unsubscribe. */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify(change) {
    for (const fn of [...this.listeners]) fn(change);
  }

  /** Updates the clock offset from a server_time (Unix seconds) seen at local time nowMs. */
  syncClock(serverTime, nowMs) {
    const t = num(serverTime);
    if (!Number.isNaN(t)) this.offsetMs = t * 1000 - nowMs;
  }

  /** The server's clock in ms for a local time. */
  serverNow(nowMs) {
    return nowMs + this.offsetMs;
  }

  /**
   * Applies one console_event. Returns {kind, ids} describing the change, or null when the
   * event was not understood (ignored, as the protocol asks for unknown events).
   */
  apply(event, nowMs = Date.now()) {
    if (!event || typeof event !== 'object') return null;
    let change = null;
    switch (event.event) {
      case 'snapshot': {
        this.syncClock(event.server_time, nowMs);
        this.requests.clear();
        for (const raw of Array.isArray(event.requests) ? event.requests : []) {
          const r = normalizeSummary(raw);
          if (r) this.requests.set(r.id, r);
        }
        if (Array.isArray(event.queues)) this.setQueues(event.queues);
        this.snapshotted = true;
        change = { kind: 'snapshot', ids: [...this.requests.keys()] };
        break;
      }
      case 'request': {
        this.syncClock(event.server_time, nowMs);
        const r = normalizeSummary(event.request);
        if (!r) return null;
        const isNew = !this.requests.has(r.id);
        this.requests.set(r.id, r);
        change = { kind: isNew ? 'added' : 'changed', ids: [r.id] };
        break;
      }
      case 'removed': {
        const id = str(event.id);
        if (!id) return null;
        const had = this.requests.delete(id);
        change = { kind: 'removed', ids: had ? [id] : [] };
        break;
      }
      default:
        return null;
    }
    this.notify(change);
    return change;
  }

  /** Replaces one request from an HTTP answer (take, transfer, ...). */
  upsert(raw) {
    const r = normalizeSummary(raw);
    if (!r) return null;
    const isNew = !this.requests.has(r.id);
    this.requests.set(r.id, r);
    const change = { kind: isNew ? 'added' : 'changed', ids: [r.id] };
    this.notify(change);
    return r;
  }

  setQueues(list) {
    this.queues = list
      .filter((q) => q && typeof q === 'object' && typeof q.name === 'string' && q.name)
      .map((q) => ({ name: q.name, title: str(q.title) || q.name, min_role: str(q.min_role) }));
  }

  get(id) {
    return this.requests.get(id) || null;
  }

  /** The filtered requests in display order. */
  list(filter = {}) {
    return [...this.requests.values()].filter((r) => matchesFilter(r, filter)).sort(compareRequests);
  }

  /** Queue names for the filter: the known queues plus any a request names. */
  queueNames() {
    const names = new Map(this.queues.map((q) => [q.name, q.title]));
    for (const r of this.requests.values()) if (r.queue && !names.has(r.queue)) names.set(r.queue, r.queue);
    return [...names].map(([name, title]) => ({ name, title }));
  }

  /** Milliseconds the request has waited (or waited until it ended), by the server's clock. */
  waitingMs(req, nowMs = Date.now()) {
    if (!req || Number.isNaN(req.created_at)) return NaN;
    const start = req.created_at * 1000;
    if ((req.state === 'resolved' || req.state === 'abandoned') && !Number.isNaN(req.updated_at)) {
      return Math.max(0, req.updated_at * 1000 - start);
    }
    return Math.max(0, this.serverNow(nowMs) - start);
  }
}

/** A waiting time that ticks every second: "0:07", "12:03", "1:02:03", "3 d 04:05:06". */
export function formatWaiting(ms) {
  if (!Number.isFinite(ms)) return '—';
  let s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const p = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d} d ${p(h)}:${p(m)}:${p(s)}`;
  if (h > 0) return `${h}:${p(m)}:${p(s)}`;
  return `${m}:${p(s)}`;
}
