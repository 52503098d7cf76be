// The Call Manager's list, without DOM: the filters (kept across visits of the view), the
// queue filter's options, the count and which of table / empty note / "connecting" shows,
// and the feed status text. Pure: importable from Node.
import { queueLabel } from './request_model.js';

export const FEED_TEXT = Object.freeze({ connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', stopped: 'offline' });

/** The feed status badge's text. */
export function feedStatusText(status) {
  return FEED_TEXT[status] || status;
}

/** A filter object {queue, state, text} as FeedStore.list takes it; 'open' requests by default. */
export function createFilter() {
  return { queue: '', state: 'open', text: '' };
}

/** The filters of the Call Manager: they survive leaving and re-entering the view. */
export const sharedFilter = createFilter();

/**
 * The queue filter: options [[value, label]] ('' = all queues first) and the value to select
 * (the wanted queue while it exists, else all).
 */
export function queueFilterOptions(queueNames, wanted) {
  const options = [['', 'All queues'], ...queueNames.map((q) => [q.name, queueLabel(q)])];
  return { options, value: queueNames.some((q) => q.name === wanted) ? wanted : '' };
}

/** The count pill: "3 requests", "1 request" or "2 of 5 requests" when a filter hides some. */
export function countText(shown, total) {
  return shown === total ? `${shown} ${shown === 1 ? 'request' : 'requests'}` : `${shown} of ${total} requests`;
}

/**
 * What the list shows for a FeedStore and a filter: the requests in order, the count text and
 * which parts are hidden (the empty note only once the first snapshot came).
 */
export function listPresentation(feed, filter) {
  const list = feed.list(filter);
  const n = list.length;
  return {
    list,
    count: countText(n, feed.requests.size),
    emptyHidden: n !== 0 || !feed.snapshotted,
    connectingHidden: feed.snapshotted,
    tableHidden: n === 0,
  };
}
