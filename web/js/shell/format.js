// Text formatting for the console. Pure functions: no DOM.

/**
 * A request's created_at as milliseconds since the epoch, or NaN.
 * Accepts an ISO 8601 string, or a number of seconds (< 1e11) or milliseconds.
 */
export function parseTimestamp(value) {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value < 1e11 ? value * 1000 : value;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return parseTimestamp(Number(value));
    const t = Date.parse(value);
    return Number.isNaN(t) ? NaN : t;
  }
  return NaN;
}

/** A waiting time as a short label: "just now", "45 s", "3 min", "2 h 05 min", "3 d". */
export function formatDuration(ms) {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d`;
}

/** "HH:MM:SS" of a Date in local time. */
export function formatClock(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** Known request states get their own badge style; anything else is shown neutral. */
const STATE_CLASSES = new Map([
  ['waiting', 'badge-waiting'],
  ['queued', 'badge-waiting'],
  ['active', 'badge-active'],
  ['in_session', 'badge-active'],
  ['closed', 'badge-closed'],
  ['ended', 'badge-closed'],
]);

/** CSS class for a request state (a fixed whitelist; the state text itself is never a class). */
export function stateBadgeClass(state) {
  return (typeof state === 'string' && STATE_CLASSES.get(state.toLowerCase())) || 'badge-neutral';
}

/** Human text for a request state ("in_session" → "in session"); any value is turned to text. */
export function stateLabel(state) {
  if (state === undefined || state === null || state === '') return 'unknown';
  return String(state).replace(/_/g, ' ');
}

/** Messages for the protocol's close_reason codes (docs/protocol.md §6). */
const CLOSE_TEXT = {
  protocol_error: 'Connection closed: protocol error',
  version_mismatch: 'Connection closed: protocol version mismatch',
  too_large: 'Connection closed: message too large',
  unauthorized: 'Not signed in or session expired',
  forbidden_origin: 'Connection refused: forbidden origin',
  not_found: 'Support request not found',
  server_shutdown: 'The server is shutting down',
  customer_left: 'Customer disconnected',
  replaced: 'Customer reconnected elsewhere; this view was replaced',
  code_refused: 'Session code refused',
  invalid_request: 'Support request refused',
  resolved: 'The request was resolved; the session ended',
};

/**
 * The status line shown when a viewer connection ends.
 *   reason      {code, message} from a close_reason message, or null
 *   wsCode      the WebSocket close code (1000, 1006, ...), or undefined
 */
export function closeText(reason, wsCode) {
  if (reason && typeof reason.code === 'string') {
    const known = Object.prototype.hasOwnProperty.call(CLOSE_TEXT, reason.code)
      ? CLOSE_TEXT[reason.code]
      : `Connection closed (${reason.code})`;
    return known;
  }
  if (wsCode === 1006) return 'Connection lost';
  return 'Customer disconnected';
}

/** Short description for an "online" flag of a request. */
export function onlineLabel(online) {
  return online ? 'online' : 'offline';
}
