// The session-code dialog (docs/protocol.md §3.5): "New session code" creates a code, shows it
// big with its expiry countdown, and lists this technician's live codes.
import { el, setText, clear } from '../shell/dom.js';
import { formatWaiting } from './feed.js';

/** Seconds left until expires_at (Unix s) on the server's clock; never negative. */
export function secondsLeft(expiresAt, serverNowMs) {
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return NaN;
  return Math.max(0, Math.ceil(expiresAt - serverNowMs / 1000));
}

/**
 *   api, serverNow()  (ms on the server's clock)
 * Opens a modal dialog; returns {close()}.
 */
export function openCodeDialog({ api, serverNow, onUnauthorized }) {
  const big = el('p', { className: 'code-big', id: 'code-value', 'aria-live': 'polite' });
  const countdown = el('p', { className: 'code-expiry', id: 'code-expiry' });
  const error = el('p', { className: 'form-error', role: 'alert' });
  error.hidden = true;
  const list = el('ul', { className: 'code-list', id: 'code-list' });
  const create = el('button', { type: 'button', className: 'btn btn-secondary', id: 'code-create', text: 'Create another code' });
  const closeBtn = el('button', { type: 'button', className: 'btn btn-secondary', text: 'Close' });
  const dialog = el(
    'dialog',
    { className: 'code-dialog', id: 'code-dialog', 'aria-labelledby': 'code-title' },
    el('h2', { id: 'code-title', text: 'Session code' }),
    el('p', {
      className: 'muted',
      text: 'Read the code to the customer. They start the client with it and reach you directly; they still confirm what is shared. A code works once and expires after 10 minutes.',
    }),
    big,
    countdown,
    error,
    el('div', { className: 'dialog-actions' }, create, closeBtn),
    el('h3', { text: 'Your live codes' }),
    list,
  );
  document.body.appendChild(dialog);

  let shown = null; // {code, expires_at}
  let codes = [];
  let timer = 0;

  function paint() {
    const now = serverNow();
    if (shown) {
      const left = secondsLeft(shown.expires_at, now);
      setText(big, shown.code);
      setText(countdown, left > 0 ? `expires in ${formatWaiting(left * 1000)}` : 'expired');
      countdown.dataset.left = String(left);
      big.classList.toggle('is-expired', left <= 0);
    } else {
      setText(big, '— — —');
      setText(countdown, '');
    }
    clear(list);
    const live = codes.filter((c) => secondsLeft(c.expires_at, now) > 0);
    if (!live.length) list.appendChild(el('li', { className: 'muted', text: 'none' }));
    for (const c of live) {
      list.appendChild(
        el(
          'li',
          {},
          el('code', { text: c.code }),
          ' ',
          el('span', { className: 'muted', text: `expires in ${formatWaiting(secondsLeft(c.expires_at, now) * 1000)}` }),
        ),
      );
    }
  }

  async function refreshList() {
    try {
      const body = await api.codes();
      codes =
        body && Array.isArray(body.codes)
          ? body.codes.filter((c) => c && typeof c.code === 'string').map((c) => ({ code: c.code, expires_at: Number(c.expires_at) }))
          : [];
    } catch (err) {
      if (err && err.status === 401) return onUnauthorized();
    }
    paint();
  }

  async function createCode() {
    create.disabled = true;
    error.hidden = true;
    try {
      const body = await api.createCode();
      if (!body || typeof body.code !== 'string') throw new Error('unexpected answer from the server');
      shown = { code: body.code, expires_at: Number(body.expires_at) };
      await refreshList();
    } catch (err) {
      if (err && err.status === 401) return onUnauthorized();
      setText(error, (err && err.message) || String(err));
      error.hidden = false;
    } finally {
      create.disabled = false;
    }
  }
  create.addEventListener('click', createCode);

  function close() {
    clearInterval(timer);
    if (dialog.open) dialog.close();
    dialog.remove();
  }
  closeBtn.addEventListener('click', close);
  dialog.addEventListener('close', close);
  dialog.showModal();
  timer = setInterval(paint, 1000);
  paint();
  createCode(); // the button that opened the dialog said "New session code"
  create.focus();
  return { close };
}
