// One support request as the Call Manager shows it: who may do what with it (docs/protocol.md
// §8.2; the server decides in the end, the console only hides what would be refused) and the
// text of its row, header, notes and history. Pure: no DOM, importable from Node. Both the
// requests table (requests_view.js) and the details page (details_view.js) use these rules.
import { stateBadgeClass, stateLabel, formatClock } from '../shell/format.js';
import { formatWaiting } from './feed.js';

const MANAGER_ROLES = Object.freeze(['senior', 'admin']);

/** True for a request that has ended (resolved or abandoned). */
export function isEnded(req) {
  return !!req && (req.state === 'resolved' || req.state === 'abandoned');
}

/** True when this technician may open the request's session now. */
export function mayOpen(req, me) {
  if (!req || req.state !== 'in_session') return false;
  return req.technician === me.username || MANAGER_ROLES.includes(me.role);
}

/** True when this technician may take the request: it waits, for nobody or for them. */
export function mayTake(req, me) {
  return !!req && req.state === 'waiting' && (!req.technician || req.technician === me.username);
}

/** True when this technician may hand the request over, resolve or reopen it. */
export function mayManage(req, me) {
  return !!req && (req.technician === me.username || MANAGER_ROLES.includes(me.role));
}

/**
 * True when the request's history says this technician was invited: an invited technician is
 * given the session too, and the summary does not say so ("invited NAME" in the events does).
 */
export function wasInvited(detail, username) {
  const events = detail && Array.isArray(detail.events) ? detail.events : [];
  return events.some(
    (e) => e && typeof e.what === 'string' && /invit/i.test(e.what) && e.what.split(/[^A-Za-z0-9._@-]+/).includes(username),
  );
}

/** The details page's Open button: the rule above, or an invitation to a running session. */
export function mayOpenDetails(req, me, detail) {
  return mayOpen(req, me) || (!!req && req.state === 'in_session' && wasInvited(detail, me.username));
}

/** A queue as an option label: its name, or "Title (name)" when the title differs. */
export function queueLabel(q) {
  return q.title === q.name ? q.name : `${q.title} (${q.name})`;
}

/** Local date and clock time of a Unix time in seconds; '' for anything else. */
export function when(unixSeconds) {
  if (typeof unixSeconds !== 'number' || !Number.isFinite(unixSeconds)) return '';
  const d = new Date(unixSeconds * 1000);
  return `${d.toLocaleDateString()} ${formatClock(d)}`;
}

/** What one row of the requests table shows (every string is customer text or ours, as text). */
export function rowPresentation(req, me) {
  const name = req.name || '(no name)';
  return {
    name,
    summary: req.summary,
    topic: req.topic || '—',
    queue: req.queue || '—',
    state: req.state,
    stateLabel: stateLabel(req.state),
    badgeClass: `badge ${stateBadgeClass(req.state)}`,
    technician: req.technician || '—',
    onlineClass: `online-dot ${req.online ? 'is-online' : 'is-offline'}`,
    onlineTitle: req.online ? 'customer online' : 'customer offline',
    onlineText: req.online ? 'online' : 'offline',
    viaCode: !!req.via_code,
    showTake: mayTake(req, me),
    showOpen: mayOpen(req, me),
    takeLabel: `Take the request of ${name}`,
    openLabel: `Open the session of ${name}`,
  };
}

/**
 * What the details page's header shows for `req` (the feed's summary, or the details' own),
 * given the loaded details (or null) and the request's waiting time in ms.
 *   facts  [[term, text]] in order, the waiting time last
 */
export function detailsHead(req, detail, me, waitingMs) {
  const facts = [
    ['Queue', req.queue || '—'],
    ['Topic', req.topic || '—'],
    ['Technician', req.technician || 'nobody yet'],
    ['Customer', req.online ? 'online' : 'offline'],
    ['Came in', `${when(req.created_at)}${req.via_code ? ' with a session code' : ''}`],
    ['Waiting', formatWaiting(waitingMs)],
  ];
  if (detail && typeof detail.wizard_version === 'number') facts.push(['Wizard version', String(detail.wizard_version)]);
  const manager = mayManage(req, me);
  return {
    title: req.name || '(no name)',
    summary: req.summary,
    state: req.state,
    stateLabel: stateLabel(req.state),
    badgeClass: `badge ${stateBadgeClass(req.state)}`,
    facts,
    showTake: mayTake(req, me),
    showOpen: mayOpenDetails(req, me, detail),
    showReopen: isEnded(req) && manager,
    showManage: !isEnded(req) && manager,
  };
}

/** Notes as [{author, at, text}] (malformed entries dropped); all fields text. */
export function notesOf(detail) {
  const notes = detail && Array.isArray(detail.notes) ? detail.notes : [];
  return notes
    .filter((n) => n && typeof n === 'object')
    .map((n) => ({ author: String(n.author ?? ''), at: when(n.at), text: String(n.text ?? '') }));
}

/** History entries as [{at, who, what}] (malformed entries dropped); all fields text. */
export function eventsOf(detail) {
  const events = detail && Array.isArray(detail.events) ? detail.events : [];
  return events
    .filter((e) => e && typeof e === 'object')
    .map((e) => ({ at: when(e.at), who: String(e.who ?? '') || 'system', what: String(e.what ?? '') }));
}
