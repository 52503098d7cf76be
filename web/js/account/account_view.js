// The technician's own account (docs/protocol.md §8.1): change the password, enrol or remove
// the TOTP second factor. The QR code is shown as an <img> whose src is a data: URL of the
// server's SVG — never parsed into the page.
import { el, setText, clear } from '../shell/dom.js';

/** A data: URL for an SVG document given as text. */
export function svgDataUrl(svg) {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(String(svg))}`;
}

/** "ABCD EFGH ..." for a base32 secret, easier to type. */
export function groupSecret(secret) {
  return String(secret)
    .replace(/\s+/g, '')
    .replace(/(.{4})(?=.)/g, '$1 ');
}

// The second-factor card: on (with Turn off), off (with Set up) or enrolling (QR code, secret,
// code). ctx = {api, box, show(text, kind), fail(err), onChanged(change)}.
function renderTotp(ctx, enabled) {
  clear(ctx.box);
  if (enabled) {
    const pw = el('input', {
      type: 'password',
      id: 'totp-disable-password',
      autocomplete: 'current-password',
      placeholder: 'your password',
      'aria-label': 'Your password',
    });
    const off = el('button', { type: 'button', className: 'btn btn-danger', id: 'totp-disable', text: 'Turn off' });
    ctx.box.append(
      el('p', { id: 'totp-state', text: 'On: sign-in asks for a 6-digit code from your authenticator app.' }),
      el('div', { className: 'inline-form' }, pw, off),
    );
    off.addEventListener('click', async () => {
      try {
        await ctx.api.totpDisable(pw.value);
        ctx.show('The second factor is off.');
        ctx.onChanged({ totp_enabled: false });
        renderTotp(ctx, false);
      } catch (err) {
        ctx.fail(err);
      }
    });
    return;
  }
  const start = el('button', { type: 'button', className: 'btn btn-primary', id: 'totp-setup', text: 'Set up' });
  ctx.box.append(el('p', { id: 'totp-state', text: 'Off. With it on, sign-in also asks for a code from an authenticator app.' }), start);
  start.addEventListener('click', async () => {
    start.disabled = true;
    try {
      const s = await ctx.api.totpSetup();
      if (!s || typeof s.secret !== 'string') throw new Error('unexpected answer from the server');
      renderEnrol(ctx, s);
    } catch (err) {
      ctx.fail(err);
      start.disabled = false;
    }
  });
}

function renderEnrol(ctx, setup) {
  clear(ctx.box);
  const img = el('img', { className: 'totp-qr', id: 'totp-qr', alt: 'QR code for your authenticator app', width: '200', height: '200' });
  if (typeof setup.qr_svg === 'string' && setup.qr_svg) img.src = svgDataUrl(setup.qr_svg);
  const code = el('input', {
    type: 'text',
    id: 'totp-code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: '6',
    'aria-label': '6-digit code',
  });
  const confirm = el('button', { type: 'submit', className: 'btn btn-primary', text: 'Confirm' });
  const form = el('form', { className: 'inline-form', id: 'totp-confirm' }, code, confirm);
  ctx.box.append(
    el('p', { text: 'Scan the code with your authenticator app, or type the secret in. Then enter the 6-digit code it shows.' }),
    img,
    el('p', {}, 'Secret: ', el('code', { className: 'totp-secret', id: 'totp-secret', text: groupSecret(setup.secret) })),
    form,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = code.value.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(c)) return ctx.show('Enter the 6 digits your app shows.', 'error');
    try {
      await ctx.api.totpEnable(c);
      ctx.show('The second factor is on. Sign-in will ask for a code from now on.');
      ctx.onChanged({ totp_enabled: true });
      renderTotp(ctx, true);
    } catch (err) {
      ctx.fail(err);
    }
  });
  code.focus();
}

export function mountAccount(container, { api, me, onUnauthorized, onChanged }) {
  const status = el('p', { className: 'banner', id: 'account-status', role: 'status' });
  status.hidden = true;
  const show = (text, kind = 'success') => {
    setText(status, text);
    status.className = `banner banner-${kind}`;
    status.hidden = !text;
  };
  const fail = (err) => {
    if (err && err.status === 401 && !(err.body && err.body.error && /password|code/i.test(err.body.error))) {
      onUnauthorized();
      return;
    }
    show((err && err.message) || String(err), 'error');
  };

  const oldPw = el('input', { type: 'password', id: 'pw-old', autocomplete: 'current-password', required: true });
  const newPw = el('input', {
    type: 'password',
    id: 'pw-new',
    autocomplete: 'new-password',
    required: true,
    minlength: '12',
    maxlength: '256',
  });
  const newPw2 = el('input', { type: 'password', id: 'pw-new2', autocomplete: 'new-password', required: true });
  const pwForm = el(
    'form',
    { className: 'stack-form', id: 'password-form' },
    el('div', { className: 'field' }, el('label', { for: 'pw-old', text: 'Current password' }), oldPw),
    el('div', { className: 'field' }, el('label', { for: 'pw-new', text: 'New password (12 to 256 characters)' }), newPw),
    el('div', { className: 'field' }, el('label', { for: 'pw-new2', text: 'New password again' }), newPw2),
    el('button', { type: 'submit', className: 'btn btn-primary', text: 'Change password' }),
  );

  const totpBox = el('div', { className: 'totp-box', id: 'totp-box' });
  const root = el(
    'section',
    { className: 'account-view page', 'aria-labelledby': 'account-title' },
    el(
      'div',
      { className: 'page-head' },
      el(
        'div',
        { className: 'page-title' },
        el('h1', { id: 'account-title', tabindex: '-1', text: 'Your account' }),
        el('span', { className: 'muted', text: `${me.username} · ${me.role}` }),
      ),
    ),
    status,
    el(
      'div',
      { className: 'account-grid' },
      el('section', { className: 'card pad' }, el('h2', { text: 'Password' }), pwForm),
      el('section', { className: 'card pad' }, el('h2', { text: 'Second factor (TOTP)' }), totpBox),
    ),
  );
  container.appendChild(root);

  pwForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (newPw.value !== newPw2.value) return show('The two new passwords differ.', 'error');
    if (new TextEncoder().encode(newPw.value).length < 12) return show('The new password needs at least 12 characters.', 'error');
    try {
      await api.changePassword(oldPw.value, newPw.value);
      oldPw.value = newPw.value = newPw2.value = '';
      show('Your password was changed.');
    } catch (err) {
      fail(err);
    }
  });

  const totp = { api, box: totpBox, show, fail, onChanged };
  renderTotp(totp, !!me.totp_enabled);
  return {
    root,
    focus() {
      root.querySelector('h1').focus();
    },
    destroy() {
      root.remove();
    },
  };
}
