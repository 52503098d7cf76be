// The login form. Submitting calls `login(username, password)`, which resolves on success
// or rejects with an Error whose message is shown as text.
import { el, setText } from './dom.js';

export function mountLogin(container, { login, message = '' }) {
  const username = el('input', {
    id: 'login-username', name: 'username', type: 'text', autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: '128',
  });
  const password = el('input', {
    id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password',
    required: true, maxlength: '1024',
  });
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
    el('div', { className: 'field' }, el('label', { for: 'login-username', text: 'Username' }), username),
    el('div', { className: 'field' }, el('label', { for: 'login-password', text: 'Password' }), password),
    error,
    submit,
  );
  const root = el('section', { className: 'login-view' }, form);
  container.appendChild(root);

  let busy = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    const u = username.value.trim();
    const p = password.value;
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
      await login(u, p);
    } catch (err) {
      showError(err && err.message ? err.message : 'Sign-in failed.');
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
