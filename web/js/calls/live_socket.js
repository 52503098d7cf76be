// The Call Manager feed connection (/ws/console, docs/protocol.md §3.6): one WebSocket that
// reconnects with exponential backoff and reports "connecting" / "live" / "reconnecting".
// The WebSocket class and the timer functions are injected so the logic runs under Node.
import { parseMessage, MessageType } from '../protocol.js';

/** Delay before reconnect attempt n (0-based): 0.5 s doubling to 10 s, with ±20 % jitter. */
export function backoffMs(attempt, random = Math.random) {
  const base = Math.min(10000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The console feed URL for a location-like {protocol, host}. */
export function consoleSocketUrl(loc) {
  const scheme = loc.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${scheme}//${loc.host}/ws/console`;
}

/**
 *   url            the /ws/console URL
 *   onEvent(obj)   every console_event's JSON
 *   onStatus(s)    'connecting' | 'live' | 'reconnecting' | 'stopped'
 *   onClose(reason) a close_reason {code, message} from the server (e.g. unauthorized: the
 *                  feed stops; the caller decides what to do)
 *   WebSocketImpl, setTimer, clearTimer, random  injectable for tests
 * Returns {stop(), status}.
 */
export function createLiveSocket({
  url,
  onEvent,
  onStatus = () => {},
  onClose = () => {},
  WebSocketImpl = globalThis.WebSocket,
  setTimer = setTimeout,
  clearTimer = clearTimeout,
  random = Math.random,
}) {
  let ws = null;
  let attempt = 0;
  let timer = 0;
  let stopped = false;
  let status = '';

  function setStatus(s) {
    if (s === status) return;
    status = s;
    onStatus(s);
  }

  function connect() {
    timer = 0;
    if (stopped) return;
    setStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    let sock;
    try {
      sock = new WebSocketImpl(url);
    } catch {
      schedule();
      return;
    }
    ws = sock;
    sock.binaryType = 'arraybuffer';
    let fatal = false;
    sock.onmessage = (ev) => {
      if (sock !== ws) return;
      let msg;
      try {
        msg = parseMessage(ev.data);
      } catch {
        return; // a malformed message is dropped, the feed goes on
      }
      if (msg.type === MessageType.console_event) {
        if (status !== 'live') {
          attempt = 0;
          setStatus('live');
        }
        onEvent(msg.json);
      } else if (msg.type === MessageType.close_reason) {
        const reason = { code: String(msg.json.code || ''), message: String(msg.json.message || '') };
        if (reason.code === 'unauthorized' || reason.code === 'forbidden_origin') fatal = true;
        onClose(reason);
      }
    };
    sock.onclose = () => {
      if (sock !== ws) return;
      ws = null;
      if (stopped) return;
      if (fatal) {
        stopped = true;
        setStatus('stopped');
        return;
      }
      schedule();
    };
    sock.onerror = () => {};
  }

  function schedule() {
    if (stopped) return;
    setStatus('reconnecting');
    const delay = backoffMs(attempt, random);
    attempt += 1;
    timer = setTimer(connect, delay);
  }

  connect();

  return {
    get status() {
      return status;
    },
    /** Reconnects now (e.g. after the tab came back), keeping the backoff counter. */
    kick() {
      if (stopped || ws) return;
      if (timer) clearTimer(timer);
      connect();
    },
    stop() {
      stopped = true;
      if (timer) clearTimer(timer);
      timer = 0;
      if (ws) {
        const s = ws;
        ws = null;
        try {
          s.close(1000);
        } catch {
          // already closed
        }
      }
      setStatus('stopped');
    },
  };
}
