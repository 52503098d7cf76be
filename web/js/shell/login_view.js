// The login form. Submitting calls `login(username, password, totp)`, which resolves on
// success or rejects with an Error whose message is shown as text; an error with
// `totpRequired` switches to the second step, which asks for the 6-digit code.
import { el, setText } from './dom.js';

export function mountLogin(container, { login, message = '' }) {
  const username = el('input', {
    id: 'login-username',
    name: 'username',
    type: 'text',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    maxlength: '128',
  });
  const password = el('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    maxlength: '1024',
  });
  const totp = el('input', {
    id: 'login-totp',
    name: 'totp',
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: '6',
  });
  const totpField = el(
    'div',
    { className: 'field', id: 'login-totp-field' },
    el('label', { for: 'login-totp', text: 'Code from your authenticator app' }),
    totp,
  );
  totpField.hidden = true;
  const credFields = [];
  const submit = el('button', { type: 'submit', className: 'btn btn-primary btn-block', text: 'Sign in' });
  const error = el('p', { id: 'login-error', className: 'form-error', role: 'alert' });
  const note = el('p', { className: 'form-note' });
  if (message) setText(note, message);
  note.hidden = !message;
  error.hidden = true;

  const form = el(
    'form',
    { className: 'login-card', id: 'login-form', novalidate: true, 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title', className: 'login-title', tabindex: '-1', text: 'Sign in to visit' }),
    el('p', { className: 'login-sub', text: 'Technician console' }),
    note,
    (credFields[0] = el('div', { className: 'field' }, el('label', { for: 'login-username', text: 'Username' }), username)),
    (credFields[1] = el('div', { className: 'field' }, el('label', { for: 'login-password', text: 'Password' }), password)),
    totpField,
    error,
    submit,
  );
  const root = el('section', { className: 'login-view' }, form);
  container.appendChild(root);

  let busy = false;
  let secondStep = false;

  function showSecondStep(on) {
    secondStep = on;
    totpField.hidden = !on;
    for (const f of credFields) f.hidden = on;
    totp.value = '';
    if (on) {
      setText(note, 'Enter the 6-digit code from your authenticator app.');
      note.hidden = false;
      totp.focus();
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    const u = username.value.trim();
    const p = password.value;
    const code = totp.value.replace(/\s+/g, '');
    if (secondStep && !/^\d{6}$/.test(code)) {
      showError('Enter the 6 digits your app shows.');
      totp.focus();
      return;
    }
    if (!u || !p) {
      showError(!u ? 'Enter your username.' : 'Enter your password.');
      (!u ? username : password).focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    setText(submit, 'Signing in…');
    error.hidden = true;
    username.removeAttribute('aria-invalid');
    password.removeAttribute('aria-invalid');
    try {
      await login(u, p, secondStep ? code : undefined);
    } catch (err) {
      if (err && err.totpRequired && !secondStep) {
        showSecondStep(true);
        return;
      }
      showError(err && err.message ? err.message : 'Sign-in failed.');
      if (secondStep && err && err.status === 401 && !err.totpRequired) {
        // Wrong code (or password changed meanwhile): start again from the password.
        showSecondStep(false);
      } else if (secondStep) {
        totp.value = '';
        totp.focus();
        return;
      }
      password.value = '';
      password.setAttribute('aria-invalid', 'true');
      password.focus();
    } finally {
      busy = false;
      submit.disabled = false;
      setText(submit, 'Sign in');
    }
  });

  function showError(text) {
    setText(error, text);
    error.hidden = false;
  }

  return {
    root,
    focus() {
      (username.value ? password : username).focus();
    },
    destroy() {
      root.remove();
    },
  };
}
