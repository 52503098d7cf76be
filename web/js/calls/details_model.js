// The details page's state, without DOM: the loaded request (GET /api/requests/{id}), the
// actions' calls and their messages, and when to fetch again. The page (details_view.js)
// renders through the `view` callbacks. Importable from Node: api, feed and timers are injected.
import { normalizeSummary, formatWaiting } from './feed.js';
import { detailsHead } from './request_model.js';

/** Fetch the details again at most this often when the feed says the request changed. */
export const RELOAD_DELAY_MS = 500;

/**
 * The API call and success message of a details action, or {error} when its input is missing.
 *   kind   'reopen' | 'transfer-technician' | 'transfer-queue' | 'invite' | 'resolve' | 'note'
 *   input  the text the action takes (username, queue, note), untrimmed
 * Returns {call: [apiMethod, ...args], success} | {error} | null (nothing to do).
 */
export function detailsCommand(kind, id, input = '') {
  const text = String(input).trim();
  switch (kind) {
    case 'reopen':
      return { call: ['reopen', id], success: 'Reopened: the request is waiting in its queue again.' };
    case 'transfer-technician':
      if (!text) return { error: 'Enter the username of the technician.' };
      return { call: ['transfer', id, { technician: text }], success: `Transferred to ${text}.` };
    case 'transfer-queue':
      if (!input) return null;
      return { call: ['transfer', id, { queue: input }], success: `Moved to the queue ${input}.` };
    case 'invite':
      if (!text) return { error: 'Enter the username of the technician to invite.' };
      return { call: ['invite', id, text], success: `${text} is invited and may join the session.` };
    case 'resolve':
      return { call: ['resolve', id, text], success: 'Resolved.' };
    case 'note':
      if (!text) return { error: 'Write the note first.' };
      return { call: ['addNote', id, text], success: 'Note added.' };
    default:
      return null;
  }
}

function errorText(err) {
  return (err && err.message) || String(err);
}

export class DetailsModel {
  /**
   *   id, api, feed (FeedStore), me {username, role}
   *   view  {loaded(first), loadFailed(message), notify(text, kind), unauthorized()}
   *   now, setTimer, clearTimer  injectable for tests (the defaults wrap the globals: kept as
   *         properties, a browser's setTimeout refuses to be called on another object)
   */
  constructor({
    id,
    api,
    feed,
    me,
    view,
    now = () => Date.now(),
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (h) => clearTimeout(h),
  }) {
    Object.assign(this, { id, api, feed, me, view, now, setTimer, clearTimer });
    this.detail = null;
    this.destroyed = false;
    this.reloadTimer = 0;
  }

  /** The request as the feed has it, else as the details gave it, else null. */
  current() {
    return this.feed.get(this.id) || (this.detail ? normalizeSummary(this.detail) : null);
  }

  /** The header's presentation (request_model.js detailsHead), or null before anything is known. */
  head() {
    const req = this.current();
    if (!req) return null;
    return detailsHead(req, this.detail, this.me, this.feed.waitingMs(req, this.now()));
  }

  /** The waiting time as it ticks ("12:03"), or null before anything is known. */
  waitingText() {
    const req = this.current();
    return req ? formatWaiting(this.feed.waitingMs(req, this.now())) : null;
  }

  /** Queues the request may move to: every known queue but its own. */
  transferQueues() {
    const req = this.current();
    const own = req ? req.queue : undefined;
    return this.feed.queueNames().filter((q) => q.name !== own);
  }

  async load() {
    try {
      const body = await this.api.request(this.id);
      if (this.destroyed) return;
      if (!body || typeof body !== 'object') throw new Error('unexpected answer from the server');
      const first = !this.detail;
      this.detail = body;
      this.view.loaded(first);
    } catch (err) {
      if (this.destroyed) return;
      if (err && err.status === 401) return this.view.unauthorized();
      this.view.loadFailed(
        err && err.status === 404 ? 'This request does not exist or is not yours to see.' : `Could not load the request: ${errorText(err)}`,
      );
    }
  }

  /**
   * Runs a detailsCommand: its error is shown at once; otherwise the call's answer updates
   * the feed, its success message is shown and the details are fetched again. A failure shows
   * the server's message. Resolves when done (never rejects).
   */
  async run(command) {
    if (!command) return;
    if (command.error) {
      this.view.notify(command.error);
      return;
    }
    const [method, ...args] = command.call;
    try {
      const answer = await this.api[method](...args);
      if (this.destroyed) return;
      if (answer && typeof answer === 'object' && typeof answer.id === 'string') this.feed.upsert(answer);
      if (command.success) this.view.notify(command.success, 'success');
      await this.load();
    } catch (err) {
      if (this.destroyed) return;
      if (err && err.status === 401) return this.view.unauthorized();
      this.view.notify(errorText(err));
    }
  }

  /**
   * A feed change: returns whether the header needs drawing again. A change of this request
   * (notes, events, state changed elsewhere) also fetches the details again, debounced.
   */
  feedChanged(change) {
    if (!change || !change.ids.includes(this.id)) return !!change && change.kind === 'snapshot';
    this.clearTimer(this.reloadTimer);
    this.reloadTimer = this.setTimer(() => this.load(), RELOAD_DELAY_MS);
    return true;
  }

  destroy() {
    this.destroyed = true;
    this.clearTimer(this.reloadTimer);
  }
}
