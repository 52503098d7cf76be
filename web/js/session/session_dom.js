// The session view's elements: the header (customer, connection state, scope, monitor, Fit /
// 1:1, Back), the control bar (access, Request control, Keys menu, Send clipboard), the
// customer's clipboard panel, the screen viewport and the text dialog. Built once, no
// behaviour: session_view.js and session_controls.js wire them. Every text is set as text.
import { el } from '../shell/dom.js';
import { SPECIAL_MENU, READ_ONLY } from './input_model.js';
import { STATE_TEXT } from './session_model.js';

function button(className, text, props = {}) {
  return el('button', { type: 'button', className: `btn ${className}`, text, ...props });
}

function buildHeader(d, name) {
  d.nameEl = el('h1', { id: 'session-name', className: 'session-name', tabindex: '-1', text: name || 'Support request' });
  d.descEl = el('p', { className: 'session-desc' });
  d.statusText = el('span', { className: 'conn-text', text: STATE_TEXT.connecting });
  d.metaEl = el('span', { className: 'session-meta' });
  // What the customer shares when it is not the whole desktop (screen_info "scope"); text only.
  d.scopeBadge = el('span', { className: 'badge scope-badge', id: 'scope-badge', role: 'status', hidden: true });
  d.fitBtn = button('btn-toggle', 'Fit', { 'aria-pressed': 'true', title: 'Scale the screen to the window' });
  d.nativeBtn = button('btn-toggle', '1:1', { 'aria-pressed': 'false', title: 'Native pixels (scrolls)' });
  // Which monitor to show when the screen has several (screen_info "monitors").
  d.monitorSelect = el('select', {
    className: 'monitor-select',
    id: 'monitor-select',
    'aria-label': 'Monitor',
    title: 'Show all monitors or one',
    hidden: true,
  });
  d.backBtn = button('btn-ghost-dark', '← Back', { title: 'Back to the requests' });
  return el(
    'div',
    { className: 'session-bar' },
    d.backBtn,
    el('div', { className: 'session-title' }, d.nameEl, d.descEl),
    el('span', { className: 'conn-status', role: 'status' }, el('span', { className: 'conn-dot', 'aria-hidden': 'true' }), d.statusText),
    d.scopeBadge,
    d.metaEl,
    d.monitorSelect,
    el('div', { className: 'btn-group', role: 'group', 'aria-label': 'Scale' }, d.fitBtn, d.nativeBtn),
  );
}

function buildViewport(d) {
  d.screenCanvas = el('canvas', { className: 'screen-canvas', 'aria-label': "Customer's screen" });
  d.cursorCanvas = el('canvas', { className: 'cursor-canvas', 'aria-hidden': 'true' });
  d.stage = el('div', { className: 'stage' }, d.screenCanvas, d.cursorCanvas);
  d.notice = el('p', { className: 'viewport-notice', text: "Waiting for the customer's screen…" });
  d.detail = el('p', { className: 'viewport-detail' });
  d.noticeBox = el('div', { className: 'viewport-message' }, d.notice, d.detail);
  d.viewport = el('div', { className: 'session-viewport fit' }, d.stage, d.noticeBox);
  return d.viewport;
}

function buildControlBar(d) {
  d.accessBadge = el('span', {
    className: 'badge access-badge',
    id: 'access-badge',
    text: 'Read-Only',
    title: 'You can watch; only the customer can grant Full-Access',
  });
  d.accessReason = el('span', { className: 'access-reason', id: 'access-reason', role: 'status', 'aria-live': 'polite' });
  d.requestBtn = button('btn-small btn-accent', 'Request control', { id: 'request-control', title: 'Ask the customer for Full-Access' });
  d.keysBtn = button('btn-small btn-ghost-dark', 'Keys ▾', {
    id: 'keys-menu-button',
    'aria-haspopup': 'menu',
    'aria-expanded': 'false',
    'aria-controls': 'keys-menu',
  });
  d.keysMenu = el('div', { className: 'menu', id: 'keys-menu', role: 'menu', 'aria-label': 'Special keys', hidden: true });
  for (const item of SPECIAL_MENU) {
    d.keysMenu.appendChild(
      el('button', { type: 'button', className: 'menu-item', role: 'menuitem', text: item.label, dataset: { special: item.special } }),
    );
  }
  d.keysMenu.appendChild(el('div', { className: 'menu-sep', role: 'separator' }));
  d.pasteItem = el('button', { type: 'button', className: 'menu-item', role: 'menuitem', id: 'paste-text-item', text: 'Paste text…' });
  d.keysMenu.appendChild(d.pasteItem);
  d.keysWrap = el('div', { className: 'menu-wrap' }, d.keysBtn, d.keysMenu);
  d.sendClipBtn = button('btn-small btn-ghost-dark', 'Send clipboard', {
    id: 'send-clipboard',
    title: "Put your clipboard text on the customer's clipboard",
  });
  // What became of the last clipboard send (sent, or why not): text only.
  d.clipStatus = el('span', { className: 'clip-status', id: 'clipboard-status', role: 'status', 'aria-live': 'polite' });
  return el(
    'div',
    { className: 'control-bar', role: 'toolbar', 'aria-label': 'Remote control' },
    el('span', { className: 'control-label', text: 'Access' }),
    d.accessBadge,
    d.accessReason,
    el('span', { className: 'control-spacer' }),
    d.requestBtn,
    d.keysWrap,
    d.sendClipBtn,
    d.clipStatus,
  );
}

// Received clipboard text (the customer's), shown until dismissed.
function buildClipPanel(d) {
  d.clipText = el('pre', { className: 'clip-text', id: 'clipboard-text' });
  d.clipCopy = button('btn-small btn-secondary', 'Copy', { id: 'clipboard-copy' });
  d.clipClose = button('btn-small btn-secondary', 'Dismiss');
  d.clipMeta = el('span', { className: 'clip-meta' });
  d.clipPanel = el(
    'aside',
    { className: 'clip-panel', id: 'clipboard-panel', 'aria-label': "Customer's clipboard", hidden: true },
    el(
      'div',
      { className: 'clip-head' },
      el('strong', { text: "Customer's clipboard" }),
      d.clipMeta,
      el('span', { className: 'control-spacer' }),
      d.clipCopy,
      d.clipClose,
    ),
    d.clipText,
  );
  return d.clipPanel;
}

// One dialog for typing text to paste and (fallback) for the clipboard text to send.
function buildTextDialog(d) {
  d.dlgTitle = el('h2', { className: 'dialog-title', id: 'text-dialog-title' });
  d.dlgHint = el('p', { className: 'dialog-hint' });
  d.dlgArea = el('textarea', {
    className: 'dialog-text',
    id: 'text-dialog-input',
    rows: '8',
    spellcheck: 'false',
    'aria-labelledby': 'text-dialog-title',
  });
  d.dlgCount = el('span', { className: 'dialog-count', 'aria-live': 'polite' });
  d.dlgSend = el('button', { type: 'submit', className: 'btn btn-primary btn-small', id: 'text-dialog-send', text: 'Send' });
  d.dlgCancel = button('btn-secondary btn-small', 'Cancel');
  d.dlgForm = el(
    'form',
    { className: 'dialog-form', method: 'dialog' },
    d.dlgTitle,
    d.dlgHint,
    d.dlgArea,
    el('div', { className: 'dialog-actions' }, d.dlgCount, el('span', { className: 'control-spacer' }), d.dlgCancel, d.dlgSend),
  );
  d.dialog = el('dialog', { className: 'text-dialog', id: 'text-dialog', 'aria-labelledby': 'text-dialog-title' }, d.dlgForm);
  return d.dialog;
}

/** The view's elements by name; `root` holds them all (not yet in the page). */
export function buildSessionDom(id, name) {
  const d = {};
  d.root = el(
    'section',
    { className: 'session-view', id: 'session-view', 'aria-labelledby': 'session-name', dataset: { state: 'connecting', sessionId: id } },
    buildHeader(d, name),
    buildControlBar(d),
    buildClipPanel(d),
    buildViewport(d),
    buildTextDialog(d),
  );
  d.root.dataset.access = READ_ONLY;
  return d;
}
