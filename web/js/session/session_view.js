// The session view: header (customer, connection state, Fit / 1:1, Back), the control bar
// (access badge, Request control, Keys menu, paste and clipboard) and the customer's screen.
// All network, decoding and painting happen in viewer_worker.js; this module only places the
// canvas, draws nothing itself (the cursor arrives as a ready ImageBitmap), captures input
// while this technician holds Full-Access (input_capture.js) and exposes the test hooks on
// window.visitViewer.
import { el, setText } from '../shell/dom.js';
import { computeLayout, cursorBox, formatScale, viewRegion, canvasPlacement, SCALE_FIT, SCALE_NATIVE } from './view_math.js';
import { viewerSocketUrl } from '../shell/routes.js';
import { closeText } from '../shell/format.js';
import { Limits } from '../protocol.js';
import { accessLabel, holdsControl, reasonText, utf8Length, SPECIAL_MENU, READ_ONLY, FULL_ACCESS } from './input_model.js';
import { attachInput } from './input_capture.js';

// A control request nobody answered may be sent again after this long.
const REQUEST_PENDING_MS = 30000;

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
  /** {mode: 'read_only'|'full_access', controller: {id, name}|null, reason}. */
  access() {
    if (!activeViewer) return { mode: READ_ONLY, controller: null, reason: '' };
    const a = activeViewer.access;
    return { mode: a.mode, controller: a.controller ? { ...a.controller } : null, reason: a.reason };
  },
  /** Sends control_request (as the button does); false when the button is disabled. */
  requestControl() {
    return activeViewer ? activeViewer.requestControl() : false;
  },
  /**
   * Promise of the counts of what went out: input events by kind (pointer_move, button,
   * wheel, key, special), input_messages, paste_text, clipboard, control_request.
   */
  inputSent() {
    if (!activeViewer) {
      return Promise.resolve({
        pointer_move: 0,
        button: 0,
        wheel: 0,
        key: 0,
        special: 0,
        input_messages: 0,
        paste_text: 0,
        clipboard: 0,
        control_request: 0,
      });
    }
    return activeViewer.request('inputSent');
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
 *   me        this technician's id (the login name): decides whether Full-Access is ours
 *   onBack    called when the user presses Back
 * Returns {destroy()}.
 */
export function mountSession(container, { id, name, probe, me = '', onBack }) {
  if (probe) probePoint = probe;

  const nameEl = el('h1', { id: 'session-name', className: 'session-name', tabindex: '-1', text: name || 'Support request' });
  const descEl = el('p', { className: 'session-desc' });
  const statusText = el('span', { className: 'conn-text', text: STATE_TEXT.connecting });
  const statusEl = el(
    'span',
    { className: 'conn-status', role: 'status' },
    el('span', { className: 'conn-dot', 'aria-hidden': 'true' }),
    statusText,
  );
  const metaEl = el('span', { className: 'session-meta' });
  // What the customer shares when it is not the whole desktop (screen_info "scope"); text only.
  const scopeBadge = el('span', { className: 'badge scope-badge', id: 'scope-badge', role: 'status', hidden: true });
  const fitBtn = el('button', {
    type: 'button',
    className: 'btn btn-toggle',
    text: 'Fit',
    'aria-pressed': 'true',
    title: 'Scale the screen to the window',
  });
  const nativeBtn = el('button', {
    type: 'button',
    className: 'btn btn-toggle',
    text: '1:1',
    'aria-pressed': 'false',
    title: 'Native pixels (scrolls)',
  });
  // Which monitor to show when the screen has several (screen_info "monitors").
  const monitorSelect = el('select', {
    className: 'monitor-select',
    id: 'monitor-select',
    'aria-label': 'Monitor',
    title: 'Show all monitors or one',
    hidden: true,
  });
  const backBtn = el('button', { type: 'button', className: 'btn btn-ghost-dark', text: '← Back', title: 'Back to the requests' });

  const screenCanvas = el('canvas', { className: 'screen-canvas', 'aria-label': "Customer's screen" });
  const cursorCanvas = el('canvas', { className: 'cursor-canvas', 'aria-hidden': 'true' });
  const stage = el('div', { className: 'stage' }, screenCanvas, cursorCanvas);
  const notice = el('p', { className: 'viewport-notice', text: "Waiting for the customer's screen…" });
  const detail = el('p', { className: 'viewport-detail' });
  const noticeBox = el('div', { className: 'viewport-message' }, notice, detail);
  const viewport = el('div', { className: 'session-viewport fit' }, stage, noticeBox);

  // --- control bar ---
  const accessBadge = el('span', {
    className: 'badge access-badge',
    id: 'access-badge',
    text: 'Read-Only',
    title: 'You can watch; only the customer can grant Full-Access',
  });
  const accessReason = el('span', { className: 'access-reason', id: 'access-reason', role: 'status', 'aria-live': 'polite' });
  const requestBtn = el('button', {
    type: 'button',
    className: 'btn btn-small btn-accent',
    id: 'request-control',
    text: 'Request control',
    title: 'Ask the customer for Full-Access',
  });
  const keysBtn = el('button', {
    type: 'button',
    className: 'btn btn-small btn-ghost-dark',
    id: 'keys-menu-button',
    text: 'Keys ▾',
    'aria-haspopup': 'menu',
    'aria-expanded': 'false',
    'aria-controls': 'keys-menu',
  });
  const keysMenu = el('div', { className: 'menu', id: 'keys-menu', role: 'menu', 'aria-label': 'Special keys', hidden: true });
  for (const item of SPECIAL_MENU) {
    keysMenu.appendChild(
      el('button', { type: 'button', className: 'menu-item', role: 'menuitem', text: item.label, dataset: { special: item.special } }),
    );
  }
  keysMenu.appendChild(el('div', { className: 'menu-sep', role: 'separator' }));
  const pasteItem = el('button', { type: 'button', className: 'menu-item', role: 'menuitem', id: 'paste-text-item', text: 'Paste text…' });
  keysMenu.appendChild(pasteItem);
  const keysWrap = el('div', { className: 'menu-wrap' }, keysBtn, keysMenu);
  const sendClipBtn = el('button', {
    type: 'button',
    className: 'btn btn-small btn-ghost-dark',
    id: 'send-clipboard',
    text: 'Send clipboard',
    title: "Put your clipboard text on the customer's clipboard",
  });
  // What became of the last clipboard send (sent, or why not): text only.
  const clipStatus = el('span', { className: 'clip-status', id: 'clipboard-status', role: 'status', 'aria-live': 'polite' });
  const controlBar = el(
    'div',
    { className: 'control-bar', role: 'toolbar', 'aria-label': 'Remote control' },
    el('span', { className: 'control-label', text: 'Access' }),
    accessBadge,
    accessReason,
    el('span', { className: 'control-spacer' }),
    requestBtn,
    keysWrap,
    sendClipBtn,
    clipStatus,
  );

  // Received clipboard text (the customer's), shown until dismissed.
  const clipText = el('pre', { className: 'clip-text', id: 'clipboard-text' });
  const clipCopy = el('button', { type: 'button', className: 'btn btn-small btn-secondary', id: 'clipboard-copy', text: 'Copy' });
  const clipClose = el('button', { type: 'button', className: 'btn btn-small btn-secondary', text: 'Dismiss' });
  const clipMeta = el('span', { className: 'clip-meta' });
  const clipPanel = el(
    'aside',
    { className: 'clip-panel', id: 'clipboard-panel', 'aria-label': "Customer's clipboard", hidden: true },
    el(
      'div',
      { className: 'clip-head' },
      el('strong', { text: "Customer's clipboard" }),
      clipMeta,
      el('span', { className: 'control-spacer' }),
      clipCopy,
      clipClose,
    ),
    clipText,
  );

  // One dialog for typing text to paste and (fallback) for the clipboard text to send.
  const dlgTitle = el('h2', { className: 'dialog-title', id: 'text-dialog-title' });
  const dlgHint = el('p', { className: 'dialog-hint' });
  const dlgArea = el('textarea', {
    className: 'dialog-text',
    id: 'text-dialog-input',
    rows: '8',
    spellcheck: 'false',
    'aria-labelledby': 'text-dialog-title',
  });
  const dlgCount = el('span', { className: 'dialog-count', 'aria-live': 'polite' });
  const dlgSend = el('button', { type: 'submit', className: 'btn btn-primary btn-small', id: 'text-dialog-send', text: 'Send' });
  const dlgCancel = el('button', { type: 'button', className: 'btn btn-secondary btn-small', text: 'Cancel' });
  const dlgForm = el(
    'form',
    { className: 'dialog-form', method: 'dialog' },
    dlgTitle,
    dlgHint,
    dlgArea,
    el('div', { className: 'dialog-actions' }, dlgCount, el('span', { className: 'control-spacer' }), dlgCancel, dlgSend),
  );
  const dialog = el('dialog', { className: 'text-dialog', id: 'text-dialog', 'aria-labelledby': 'text-dialog-title' }, dlgForm);

  const root = el(
    'section',
    { className: 'session-view', id: 'session-view', 'aria-labelledby': 'session-name', dataset: { state: 'connecting', sessionId: id } },
    el(
      'div',
      { className: 'session-bar' },
      backBtn,
      el('div', { className: 'session-title' }, nameEl, descEl),
      statusEl,
      scopeBadge,
      metaEl,
      monitorSelect,
      el('div', { className: 'btn-group', role: 'group', 'aria-label': 'Scale' }, fitBtn, nativeBtn),
    ),
    controlBar,
    clipPanel,
    viewport,
    dialog,
  );
  root.dataset.access = READ_ONLY;
  container.appendChild(root);

  let state = 'connecting';
  let mode = SCALE_FIT;
  let screen = { width: 0, height: 0 };
  let monitors = [];
  let monitorIndex = -1; // −1: all monitors
  let region = { x: 0, y: 0, width: 0, height: 0 };
  let layout = { scale: 1, width: 0, height: 0 };
  const cursor = { x: 0, y: 0, hotX: 0, hotY: 0, width: 0, height: 0, visible: false, haveShape: false };
  const cursorCtx = cursorCanvas.getContext('bitmaprenderer');
  let cursorFrame = 0;
  let destroyed = false;
  let access = { mode: READ_ONLY, controller: null, reason: '' };
  let requestPending = false;
  let requestTimer = 0;
  let dialogKind = ''; // 'paste' | 'clipboard'

  function setState(next, text) {
    if (state === 'closed') return; // terminal
    state = next;
    root.dataset.state = next === 'waiting' ? 'connecting' : next;
    root.classList.toggle('is-live', next === 'live');
    root.classList.toggle('is-closed', next === 'closed');
    setText(statusText, text || STATE_TEXT[next] || '');
    if (next === 'live') noticeBox.hidden = true;
    if (next === 'closed') {
      if (access.mode !== READ_ONLY || access.reason !== 'disconnect') {
        setAccess({ mode: READ_ONLY, controller: null, reason: 'disconnect' });
      }
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
    region = viewRegion(screen, monitors, monitorIndex);
    layout = computeLayout(mode, region, { width: availW, height: availH });
    const place = canvasPlacement(screen, region, layout);
    screenCanvas.style.width = `${place.width}px`;
    screenCanvas.style.height = `${place.height}px`;
    screenCanvas.style.transform = place.left || place.top ? `translate(${place.left}px, ${place.top}px)` : '';
    stage.style.width = `${layout.width}px`;
    stage.style.height = `${layout.height}px`;
    viewport.classList.toggle('fit', mode === SCALE_FIT);
    viewport.classList.toggle('native', mode === SCALE_NATIVE);
    fitBtn.setAttribute('aria-pressed', String(mode === SCALE_FIT));
    nativeBtn.setAttribute('aria-pressed', String(mode === SCALE_NATIVE));
    setText(metaEl, screen.width ? `${region.width}×${region.height} · ${formatScale(layout.scale)}` : '');
    placeCursor();
  }

  function placeCursor() {
    cursorFrame = 0;
    const show = cursor.haveShape && cursor.visible && state !== 'closed' && screen.width > 0;
    cursorCanvas.hidden = !show;
    if (!show) return;
    const box = cursorBox({ ...cursor, x: cursor.x - region.x, y: cursor.y - region.y }, layout.scale);
    cursorCanvas.style.width = `${box.width}px`;
    cursorCanvas.style.height = `${box.height}px`;
    cursorCanvas.style.transform = `translate(${box.left}px, ${box.top}px)`;
  }

  function schedulePlaceCursor() {
    if (!cursorFrame) cursorFrame = requestAnimationFrame(placeCursor);
  }

  // --- access and control -----------------------------------------------------------------
  const capture = attachInput(screenCanvas, {
    send: (events) => {
      if (worker && inControl()) worker.postMessage({ op: 'input', events });
    },
    screen: () => screen,
  });

  function inControl() {
    return state === 'live' && holdsControl(access, me) && access.reason !== 'paused';
  }

  function setAccess(next) {
    access = { mode: next.mode, controller: next.controller, reason: next.reason || '' };
    const mine = holdsControl(access, me);
    root.dataset.access = access.mode === FULL_ACCESS ? FULL_ACCESS : READ_ONLY;
    root.classList.toggle('has-control', mine);
    setText(accessBadge, accessLabel(access, me));
    accessBadge.classList.toggle('is-full', access.mode === FULL_ACCESS);
    accessBadge.classList.toggle('is-mine', mine);
    accessBadge.title =
      access.mode === FULL_ACCESS
        ? mine
          ? 'You control the customer’s mouse and keyboard'
          : 'Another technician controls the customer’s screen'
        : 'You can watch; only the customer can grant Full-Access';
    setText(accessReason, reasonText(access.reason));
    if (mine || access.mode === READ_ONLY) clearPending();
    updateControls();
  }

  function clearPending() {
    requestPending = false;
    if (requestTimer) clearTimeout(requestTimer);
    requestTimer = 0;
  }

  function updateControls() {
    const live = state === 'live';
    const mine = inControl();
    capture.setEnabled(mine);
    requestBtn.disabled = !live || requestPending || holdsControl(access, me);
    setText(requestBtn, requestPending ? 'Control requested…' : 'Request control');
    keysBtn.disabled = !mine;
    sendClipBtn.disabled = !mine;
    screenCanvas.setAttribute('aria-label', mine ? "Customer's screen — you have control; click to type" : "Customer's screen");
    if (!mine) {
      setClipStatus('');
      closeMenu();
      if (dialog.open) dialog.close();
    }
  }

  function requestControl() {
    if (requestBtn.disabled || !worker) return false;
    worker.postMessage({ op: 'control_request' });
    requestPending = true;
    requestTimer = setTimeout(() => {
      requestTimer = 0;
      requestPending = false;
      updateControls();
    }, REQUEST_PENDING_MS);
    updateControls();
    return true;
  }

  function openMenu() {
    keysMenu.hidden = false;
    keysBtn.setAttribute('aria-expanded', 'true');
    const first = keysMenu.querySelector('.menu-item');
    if (first) first.focus();
  }

  function closeMenu() {
    if (keysMenu.hidden) return;
    keysMenu.hidden = true;
    keysBtn.setAttribute('aria-expanded', 'false');
  }

  function sendSpecial(special) {
    if (!inControl() || !worker) return;
    capture.releaseHeld();
    worker.postMessage({ op: 'input', events: [{ kind: 'special', special }] });
  }

  function dialogLimit() {
    return dialogKind === 'paste' ? Limits.maxPasteBytes : Limits.maxClipboardBytes;
  }

  function updateDialogCount() {
    const n = utf8Length(dlgArea.value);
    const max = dialogLimit();
    setText(dlgCount, n > max ? `${n} / ${max} bytes — too large, nothing is sent` : `${n} / ${max} bytes`);
    dlgCount.classList.toggle('over', n > max);
    dlgSend.disabled = n > max || (dialogKind === 'paste' && n === 0);
  }

  function openTextDialog(kind, text = '') {
    if (!inControl()) return;
    dialogKind = kind;
    closeMenu();
    if (kind === 'paste') {
      setText(dlgTitle, 'Paste text');
      setText(dlgHint, 'Typed on the customer’s screen where the cursor is, up to 4 KiB.');
    } else {
      setText(dlgTitle, 'Send clipboard');
      setText(dlgHint, 'Your clipboard could not be read. Paste the text here; it goes to the customer’s clipboard (up to 64 KiB).');
    }
    dlgArea.value = text;
    updateDialogCount();
    if (!dialog.open) dialog.showModal();
    dlgArea.focus();
  }

  function submitDialog() {
    const text = dlgArea.value;
    if (!inControl() || !worker || utf8Length(text) > dialogLimit()) return;
    if (dialogKind === 'paste') {
      if (text === '') return;
      capture.releaseHeld();
      worker.postMessage({ op: 'paste', text });
    } else {
      postClipboard(text);
    }
    dialog.close();
  }

  function setClipStatus(text, bad = false) {
    setText(clipStatus, text);
    clipStatus.classList.toggle('bad', bad);
  }

  function postClipboard(text) {
    worker.postMessage({ op: 'clipboard', text });
    setClipStatus(`Clipboard sent (${utf8Length(text)} bytes)`);
  }

  async function sendClipboard() {
    if (!inControl()) return;
    let text = null;
    try {
      if (navigator.clipboard && navigator.clipboard.readText) text = await navigator.clipboard.readText();
    } catch {
      text = null; // permission refused or not offered: ask for the text instead
    }
    if (text === null) {
      openTextDialog('clipboard');
      return;
    }
    if (!inControl() || !worker) return;
    const n = utf8Length(text);
    if (n > Limits.maxClipboardBytes) {
      // All or nothing: a cut text on the customer's clipboard would be a silent surprise.
      setClipStatus(`Clipboard not sent: ${n} bytes, the limit is ${Limits.maxClipboardBytes} bytes`, true);
      return;
    }
    postClipboard(text);
  }

  function showClipboard(text) {
    setText(clipText, text);
    setText(clipMeta, `${utf8Length(text)} bytes · ${new Date().toLocaleTimeString()}`);
    clipPanel.hidden = false;
    setText(clipCopy, 'Copy');
    requestAnimationFrame(() => applyLayout());
  }

  async function copyClipboard() {
    const text = clipText.textContent;
    try {
      await navigator.clipboard.writeText(text);
      setText(clipCopy, 'Copied');
    } catch {
      // No clipboard permission: select the text so Ctrl-C works.
      const range = document.createRange();
      range.selectNodeContents(clipText);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      setText(clipCopy, 'Press Ctrl-C');
    }
  }

  requestBtn.addEventListener('click', () => requestControl());
  keysBtn.addEventListener('click', () => (keysMenu.hidden ? openMenu() : closeMenu()));
  keysMenu.addEventListener('click', (e) => {
    const item = e.target.closest('.menu-item');
    if (!item) return;
    if (item === pasteItem) {
      openTextDialog('paste');
      return;
    }
    closeMenu();
    sendSpecial(item.dataset.special);
    screenCanvas.focus({ preventScroll: true });
  });
  keysMenu.addEventListener('keydown', (e) => {
    const items = [...keysMenu.querySelectorAll('.menu-item')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      closeMenu();
      keysBtn.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[next].focus();
    }
  });
  const onDocPointer = (e) => {
    if (!keysWrap.contains(e.target)) closeMenu();
  };
  document.addEventListener('pointerdown', onDocPointer);
  dlgArea.addEventListener('input', updateDialogCount);
  dlgForm.addEventListener('submit', (e) => {
    e.preventDefault();
    submitDialog();
  });
  dlgCancel.addEventListener('click', () => dialog.close());
  sendClipBtn.addEventListener('click', () => sendClipboard());
  clipCopy.addEventListener('click', () => copyClipboard());
  clipClose.addEventListener('click', () => {
    clipPanel.hidden = true;
    setText(clipText, '');
    requestAnimationFrame(() => applyLayout());
  });

  const resizeObserver = new ResizeObserver(() => applyLayout());
  resizeObserver.observe(viewport);

  function sameMonitors(a, b) {
    return a.length === b.length && a.every((m, i) => ['x', 'y', 'width', 'height', 'primary'].every((k) => m[k] === b[i][k]));
  }

  // A new monitor list: offer "All monitors" and one entry per monitor (only with two or more);
  // a view of a monitor that no longer exists falls back to all.
  function setMonitors(next) {
    if (sameMonitors(next, monitors)) return;
    monitors = next;
    if (monitorIndex >= monitors.length) monitorIndex = -1;
    monitorSelect.replaceChildren(el('option', { value: '-1', text: 'All monitors' }));
    monitors.forEach((mon, i) => {
      monitorSelect.appendChild(
        el('option', { value: String(i), text: `Monitor ${i + 1}${mon.primary ? ' (primary)' : ''} · ${mon.width}×${mon.height}` }),
      );
    });
    monitorSelect.value = String(monitorIndex);
    monitorSelect.hidden = monitors.length < 2;
  }

  monitorSelect.addEventListener('change', () => {
    const i = Number(monitorSelect.value);
    monitorIndex = Number.isInteger(i) && i >= 0 && i < monitors.length ? i : -1;
    applyLayout();
  });

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

  // The scope badge: "Limited to one application: TITLE" (+ its state), hidden for the desktop.
  function showScope(scope) {
    if (!scope || scope.kind !== 'window') {
      scopeBadge.hidden = true;
      scopeBadge.textContent = '';
      delete scopeBadge.dataset.state;
      return;
    }
    const suffix = scope.state === 'minimised' ? ' (minimised)' : scope.state === 'closed' ? ' (closed)' : '';
    const text = `Limited to one application: ${scope.title || '(untitled)'}${suffix}`;
    setText(scopeBadge, text);
    scopeBadge.title = `${text}. Everything else on the customer's screen is black, and input outside that window is refused.`;
    scopeBadge.dataset.state = scope.state;
    scopeBadge.hidden = false;
  }

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
        showScope(m.scope);
        screen = { width: m.width, height: m.height };
        setMonitors(m.monitors || []);
        screenCanvas.hidden = false;
        applyLayout();
        break;
      case 'live':
        setState('live');
        updateControls();
        break;
      case 'access':
        setAccess(m.access);
        break;
      case 'clipboard':
        if (typeof m.text === 'string') showClipboard(m.text);
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
    get access() {
      return access;
    },
    requestControl,
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
    worker.postMessage({ op: 'start', canvas: offscreen, url: viewerSocketUrl(location, id), probe: probePoint, me }, [offscreen]);
    activeViewer = viewer;
  } catch (err) {
    worker = null;
    setState('closed', 'This browser cannot show the screen');
    setText(detail, String((err && err.message) || err));
  }

  applyLayout();
  setAccess(access);

  return {
    root,
    focus() {
      nameEl.focus();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      resizeObserver.disconnect();
      capture.destroy();
      clearPending();
      document.removeEventListener('pointerdown', onDocPointer);
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
