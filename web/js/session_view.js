// The session view: header (customer, connection state, Fit / 1:1, Back) and the customer's
// screen. All network, decoding and painting happen in viewer_worker.js; this module only
// places the canvas, draws nothing itself (the cursor arrives as a ready ImageBitmap) and
// exposes the test hooks on window.visitViewer.
import { el, setText } from './dom.js';
import { computeLayout, cursorBox, formatScale, SCALE_FIT, SCALE_NATIVE } from './view_math.js';
import { viewerSocketUrl } from './routes.js';
import { closeText } from './format.js';

// --- test hooks (always present; harmless without an open session) -------------------------
let activeViewer = null;
let probePoint = null;

function checkProbe(x, y) {
  if (x === null || x === undefined) return null;
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= 8192 || y >= 8192) {
    throw new RangeError('probe needs integer coordinates in 0…8191');
  }
  return { x, y };
}

const visitViewer = {
  /** Promise of {width, height, data}: the screen canvas as RGBA, data base64 (raw: Uint8ClampedArray). */
  snapshot(options = {}) {
    if (!activeViewer) return Promise.reject(new Error('no session open'));
    return activeViewer.request('snapshot', { raw: !!options.raw });
  },
  /** Promise of {frames, lastSequence, width, height}. */
  stats() {
    if (!activeViewer) return Promise.resolve({ frames: 0, lastSequence: 0, width: 0, height: 0 });
    return activeViewer.request('stats');
  },
  /** Sets (or with no arguments / null clears) the probe pixel, in customer screen pixels. */
  setProbe(x, y) {
    probePoint = checkProbe(x, y);
    if (activeViewer) activeViewer.setProbe(probePoint);
  },
  /** Promise of [{seq, rgb: [r, g, b], t}] — painted frames that touched the probe pixel. */
  probeLog() {
    if (!activeViewer) return Promise.resolve([]);
    return activeViewer.request('probeLog');
  },
  /** The session view's state: 'none', 'connecting', 'live' or 'closed'. */
  state() {
    return activeViewer ? activeViewer.state : 'none';
  },
};
window.visitViewer = visitViewer;

// --- the view ---------------------------------------------------------------------------------
const STATE_TEXT = {
  connecting: 'Connecting…',
  waiting: 'Waiting for the screen…',
  live: 'Live',
};

/**
 * Mounts the session view into `container`.
 *   id        request id (validated by the router)
 *   name      customer name if already known (from the request list), else ''
 *   probe     {x, y} from the URL, or null
 *   onBack    called when the user presses Back
 * Returns {destroy()}.
 */
export function mountSession(container, { id, name, probe, onBack }) {
  if (probe) probePoint = probe;

  const nameEl = el('h1', { id: 'session-name', className: 'session-name', tabindex: '-1', text: name || 'Support request' });
  const descEl = el('p', { className: 'session-desc' });
  const statusText = el('span', { className: 'conn-text', text: STATE_TEXT.connecting });
  const statusEl = el('span', { className: 'conn-status', role: 'status' }, el('span', { className: 'conn-dot', 'aria-hidden': 'true' }), statusText);
  const metaEl = el('span', { className: 'session-meta' });
  const fitBtn = el('button', { type: 'button', className: 'btn btn-toggle', text: 'Fit', 'aria-pressed': 'true', title: 'Scale the screen to the window' });
  const nativeBtn = el('button', { type: 'button', className: 'btn btn-toggle', text: '1:1', 'aria-pressed': 'false', title: 'Native pixels (scrolls)' });
  const backBtn = el('button', { type: 'button', className: 'btn btn-ghost-dark', text: '← Back', title: 'Back to the requests' });

  const screenCanvas = el('canvas', { className: 'screen-canvas', 'aria-label': "Customer's screen" });
  const cursorCanvas = el('canvas', { className: 'cursor-canvas', 'aria-hidden': 'true' });
  const stage = el('div', { className: 'stage' }, screenCanvas, cursorCanvas);
  const notice = el('p', { className: 'viewport-notice', text: "Waiting for the customer's screen…" });
  const detail = el('p', { className: 'viewport-detail' });
  const noticeBox = el('div', { className: 'viewport-message' }, notice, detail);
  const viewport = el('div', { className: 'session-viewport fit' }, stage, noticeBox);

  const root = el(
    'section',
    { className: 'session-view', id: 'session-view', 'aria-labelledby': 'session-name', dataset: { state: 'connecting', sessionId: id } },
    el(
      'div',
      { className: 'session-bar' },
      backBtn,
      el('div', { className: 'session-title' }, nameEl, descEl),
      el('span', { className: 'badge badge-readonly', text: 'Read-Only', title: 'You can watch; only the customer can grant Full Access' }),
      statusEl,
      metaEl,
      el('div', { className: 'btn-group', role: 'group', 'aria-label': 'Scale' }, fitBtn, nativeBtn),
    ),
    viewport,
  );
  container.appendChild(root);

  let state = 'connecting';
  let mode = SCALE_FIT;
  let screen = { width: 0, height: 0 };
  let layout = { scale: 1, width: 0, height: 0 };
  const cursor = { x: 0, y: 0, hotX: 0, hotY: 0, width: 0, height: 0, visible: false, haveShape: false };
  const cursorCtx = cursorCanvas.getContext('bitmaprenderer');
  let cursorFrame = 0;
  let destroyed = false;

  function setState(next, text) {
    if (state === 'closed') return; // terminal
    state = next;
    root.dataset.state = next === 'waiting' ? 'connecting' : next;
    root.classList.toggle('is-live', next === 'live');
    root.classList.toggle('is-closed', next === 'closed');
    setText(statusText, text || STATE_TEXT[next] || '');
    if (next === 'live') noticeBox.hidden = true;
    if (next === 'closed') {
      setText(notice, text);
      noticeBox.hidden = false;
      noticeBox.classList.add('over');
      cursorCanvas.hidden = true;
    }
  }

  function applyLayout() {
    if (destroyed) return;
    const styles = getComputedStyle(viewport);
    const availW = viewport.clientWidth - parseFloat(styles.paddingLeft) - parseFloat(styles.paddingRight);
    const availH = viewport.clientHeight - parseFloat(styles.paddingTop) - parseFloat(styles.paddingBottom);
    layout = computeLayout(mode, screen, { width: availW, height: availH });
    screenCanvas.style.width = `${layout.width}px`;
    screenCanvas.style.height = `${layout.height}px`;
    stage.style.width = `${layout.width}px`;
    stage.style.height = `${layout.height}px`;
    viewport.classList.toggle('fit', mode === SCALE_FIT);
    viewport.classList.toggle('native', mode === SCALE_NATIVE);
    fitBtn.setAttribute('aria-pressed', String(mode === SCALE_FIT));
    nativeBtn.setAttribute('aria-pressed', String(mode === SCALE_NATIVE));
    setText(metaEl, screen.width ? `${screen.width}×${screen.height} · ${formatScale(layout.scale)}` : '');
    placeCursor();
  }

  function placeCursor() {
    cursorFrame = 0;
    const show = cursor.haveShape && cursor.visible && state !== 'closed' && screen.width > 0;
    cursorCanvas.hidden = !show;
    if (!show) return;
    const box = cursorBox(cursor, layout.scale);
    cursorCanvas.style.width = `${box.width}px`;
    cursorCanvas.style.height = `${box.height}px`;
    cursorCanvas.style.transform = `translate(${box.left}px, ${box.top}px)`;
  }

  function schedulePlaceCursor() {
    if (!cursorFrame) cursorFrame = requestAnimationFrame(placeCursor);
  }

  const resizeObserver = new ResizeObserver(() => applyLayout());
  resizeObserver.observe(viewport);

  fitBtn.addEventListener('click', () => {
    mode = SCALE_FIT;
    applyLayout();
  });
  nativeBtn.addEventListener('click', () => {
    mode = SCALE_NATIVE;
    applyLayout();
  });
  backBtn.addEventListener('click', () => onBack());

  // --- the worker ---
  const pending = new Map();
  let nextRequest = 1;
  let worker;
  screenCanvas.hidden = true;

  function onWorkerMessage(e) {
    const m = e.data || {};
    switch (m.ev) {
      case 'socket_open':
        if (state === 'connecting') setState('waiting');
        break;
      case 'hello':
        if (m.name) {
          setText(nameEl, m.name);
          document.title = `${m.name} — visit`;
        }
        setText(descEl, m.description || '');
        descEl.title = m.description || '';
        break;
      case 'screen':
        screen = { width: m.width, height: m.height };
        screenCanvas.hidden = false;
        applyLayout();
        break;
      case 'live':
        setState('live');
        break;
      case 'cursor_shape':
        cursorCanvas.width = m.width;
        cursorCanvas.height = m.height;
        cursorCtx.transferFromImageBitmap(m.bitmap);
        Object.assign(cursor, { width: m.width, height: m.height, hotX: m.hotX, hotY: m.hotY, haveShape: true });
        schedulePlaceCursor();
        break;
      case 'cursor_position':
        Object.assign(cursor, { x: m.x, y: m.y, visible: m.visible });
        schedulePlaceCursor();
        break;
      case 'close_reason':
        setState('closed', closeText({ code: m.code }));
        if (m.message) setText(detail, m.message);
        break;
      case 'error':
        if (state !== 'closed') setText(detail, m.message || '');
        break;
      case 'closed':
        setState('closed', closeText(m.reason, m.wsCode));
        if (m.error) setText(detail, m.error);
        break;
      case 'reply': {
        const p = pending.get(m.id);
        if (!p) break;
        pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
        break;
      }
      default:
        break;
    }
  }

  const viewer = {
    get state() {
      return state;
    },
    request(op, extra = {}) {
      return new Promise((resolve, reject) => {
        if (!worker) {
          reject(new Error('viewer stopped'));
          return;
        }
        const reqId = nextRequest++;
        pending.set(reqId, { resolve, reject });
        worker.postMessage({ op, id: reqId, ...extra });
      });
    },
    setProbe(p) {
      if (worker) worker.postMessage({ op: 'probe', probe: p });
    },
  };

  try {
    worker = new Worker(new URL('./viewer_worker.js', import.meta.url), { type: 'module', name: `viewer ${id}` });
    worker.onmessage = onWorkerMessage;
    worker.onerror = (e) => {
      e.preventDefault();
      setState('closed', 'The viewer failed');
      setText(detail, e.message || 'the viewer worker stopped with an error');
    };
    const offscreen = screenCanvas.transferControlToOffscreen();
    worker.postMessage({ op: 'start', canvas: offscreen, url: viewerSocketUrl(location, id), probe: probePoint }, [offscreen]);
    activeViewer = viewer;
  } catch (err) {
    worker = null;
    setState('closed', 'This browser cannot show the screen');
    setText(detail, String((err && err.message) || err));
  }

  applyLayout();

  return {
    root,
    focus() {
      nameEl.focus();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      resizeObserver.disconnect();
      if (cursorFrame) cancelAnimationFrame(cursorFrame);
      if (activeViewer === viewer) activeViewer = null;
      for (const p of pending.values()) p.reject(new Error('viewer stopped'));
      pending.clear();
      if (worker) {
        const w = worker;
        worker = null;
        w.postMessage({ op: 'stop' });
        // Give the worker a moment to close its socket cleanly, then end it.
        setTimeout(() => w.terminate(), 1000);
      }
      root.remove();
    },
  };
}
