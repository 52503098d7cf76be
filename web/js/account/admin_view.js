// Admin pages (docs/protocol.md §8.1): users, queues, the wizard definition. The server
// checks the admin role on every call; the console only hides what would be refused.
import { el, setText, clear } from '../shell/dom.js';
import { formatClock } from '../shell/format.js';
import { renderProblems } from '../calls/collected_view.js';

export const ROLES = Object.freeze(['technician', 'senior', 'admin']);

function when(unixSeconds) {
  if (typeof unixSeconds !== 'number' || !Number.isFinite(unixSeconds) || unixSeconds <= 0) return '—';
  const d = new Date(unixSeconds * 1000);
  return `${d.toLocaleDateString()} ${formatClock(d)}`;
}

function roleSelect(value, label) {
  const s = el(
    'select',
    { 'aria-label': label },
    ROLES.map((r) => el('option', { value: r, text: r })),
  );
  s.value = ROLES.includes(value) ? value : 'technician';
  return s;
}

function statusLine(id) {
  const p = el('p', { className: 'banner', id, role: 'status' });
  p.hidden = true;
  return {
    node: p,
    show(text, kind = 'success') {
      setText(p, text);
      p.className = `banner banner-${kind}`;
      p.hidden = !text;
    },
  };
}

/**
 * Parses the editor text; returns {definition} or {problems: [...]} for a JSON syntax error.
 */
export function parseDefinition(text) {
  try {
    const value = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { problems: ['(definition): must be a JSON object'] };
    return { definition: value };
  } catch (e) {
    return { problems: [`(JSON): ${e.message}`] };
  }
}

function mountUsers(body, { api, me, fail }) {
  const status = statusLine('users-status');
  const tbody = el('tbody');
  const table = el(
    'table',
    { className: 'admin-table', id: 'users-table' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['User', 'Role', 'State', 'Second factor', 'Last login', ''].map((h) => el('th', { scope: 'col', text: h })),
      ),
    ),
    tbody,
  );
  const newName = el('input', {
    type: 'text',
    id: 'new-user-name',
    placeholder: 'username',
    maxlength: '64',
    autocomplete: 'off',
    'aria-label': 'New username',
  });
  const newRole = roleSelect('technician', 'Role of the new user');
  newRole.id = 'new-user-role';
  const newPass = el('input', {
    type: 'password',
    id: 'new-user-password',
    placeholder: 'initial password (12+ characters)',
    autocomplete: 'new-password',
    'aria-label': 'Initial password',
  });
  const addBtn = el('button', { type: 'submit', className: 'btn btn-primary', text: 'Add user' });
  const form = el('form', { className: 'inline-form', id: 'add-user' }, newName, newRole, newPass, addBtn);
  body.append(status.node, el('div', { className: 'card' }, table), el('h2', { text: 'Add a user' }), form);

  async function run(work, ok) {
    try {
      await work();
      status.show(ok);
      await load();
    } catch (err) {
      if (!fail(err)) status.show((err && err.message) || String(err), 'error');
    }
  }

  function row(u) {
    const name = String(u.username ?? '');
    const role = roleSelect(u.role, `Role of ${name}`);
    const disable = el('button', {
      type: 'button',
      className: 'btn btn-secondary btn-small',
      dataset: { action: u.disabled ? 'enable' : 'disable' },
      text: u.disabled ? 'Enable' : 'Disable',
    });
    const pw = el('input', {
      type: 'password',
      placeholder: 'new password',
      autocomplete: 'new-password',
      'aria-label': `New password for ${name}`,
    });
    const pwBtn = el('button', {
      type: 'button',
      className: 'btn btn-secondary btn-small',
      dataset: { action: 'password' },
      text: 'Set password',
    });
    const totpBtn = el('button', {
      type: 'button',
      className: 'btn btn-secondary btn-small',
      dataset: { action: 'reset-totp' },
      text: 'Reset second factor',
    });
    totpBtn.disabled = !u.totp_enabled;
    const self = name === me.username;
    role.disabled = self;
    disable.disabled = self;
    role.addEventListener('change', () => run(() => api.updateUser(name, { role: role.value }), `${name} is now ${role.value}.`));
    disable.addEventListener('click', () =>
      run(
        () => api.updateUser(name, { disabled: !u.disabled }),
        u.disabled ? `${name} is enabled again.` : `${name} is disabled; their sessions ended.`,
      ),
    );
    pwBtn.addEventListener('click', () => {
      if (!pw.value) return status.show('Enter the new password first.', 'error');
      run(() => api.updateUser(name, { password: pw.value }), `The password of ${name} was reset.`);
    });
    totpBtn.addEventListener('click', () =>
      run(() => api.updateUser(name, { reset_totp: true }), `The second factor of ${name} was removed.`),
    );
    return el(
      'tr',
      { dataset: { user: name } },
      el('td', {}, el('strong', { text: name }), self ? el('span', { className: 'muted', text: ' (you)' }) : null),
      el('td', {}, role),
      el(
        'td',
        {},
        el('span', { className: `badge ${u.disabled ? 'badge-closed' : 'badge-active'}`, text: u.disabled ? 'disabled' : 'active' }),
      ),
      el('td', { text: u.totp_enabled ? 'on' : 'off' }),
      el('td', { text: when(u.last_login_at) }),
      el('td', { className: 'row-actions' }, disable, el('span', { className: 'pw-reset' }, pw, pwBtn), totpBtn),
    );
  }

  async function load() {
    try {
      const answer = await api.users();
      const users = answer && Array.isArray(answer.users) ? answer.users.filter((u) => u && typeof u === 'object') : [];
      clear(tbody);
      for (const u of users) tbody.appendChild(row(u));
    } catch (err) {
      if (!fail(err)) status.show(`Could not load the users: ${(err && err.message) || err}`, 'error');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = newName.value.trim();
    if (!n || !newPass.value) return status.show('A new user needs a username and a password.', 'error');
    run(() => api.addUser(n, newRole.value, newPass.value), `${n} was added as ${newRole.value}.`).then(() => {
      if (status.node.classList.contains('banner-success')) {
        newName.value = '';
        newPass.value = '';
      }
    });
  });
  load();
}

function mountQueues(body, { api, fail }) {
  const status = statusLine('queues-status');
  const tbody = el('tbody');
  const table = el(
    'table',
    { className: 'admin-table', id: 'queues-table' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['Queue', 'Title', 'Who sees it', ''].map((h) => el('th', { scope: 'col', text: h })),
      ),
    ),
    tbody,
  );
  const newName = el('input', {
    type: 'text',
    id: 'new-queue-name',
    placeholder: 'name (a-z 0-9 -)',
    maxlength: '32',
    'aria-label': 'Queue name',
  });
  const newTitle = el('input', {
    type: 'text',
    id: 'new-queue-title',
    placeholder: 'title',
    maxlength: '200',
    'aria-label': 'Queue title',
  });
  const newRole = roleSelect('technician', 'Minimum role');
  const form = el(
    'form',
    { className: 'inline-form', id: 'add-queue' },
    newName,
    newTitle,
    newRole,
    el('button', { type: 'submit', className: 'btn btn-primary', text: 'Add queue' }),
  );
  body.append(status.node, el('div', { className: 'card' }, table), el('h2', { text: 'Add a queue' }), form);

  async function run(work, ok) {
    try {
      await work();
      status.show(ok);
      await load();
    } catch (err) {
      if (!fail(err)) status.show((err && err.message) || String(err), 'error');
    }
  }

  async function load() {
    try {
      const answer = await api.queues();
      const queues = answer && Array.isArray(answer.queues) ? answer.queues.filter((q) => q && typeof q.name === 'string') : [];
      clear(tbody);
      for (const q of queues) {
        const title = el('input', { type: 'text', value: String(q.title ?? ''), maxlength: '200', 'aria-label': `Title of ${q.name}` });
        const role = roleSelect(q.min_role, `Minimum role of ${q.name}`);
        const save = el('button', { type: 'button', className: 'btn btn-secondary btn-small', text: 'Save' });
        save.addEventListener('click', () =>
          run(() => api.updateQueue(q.name, { title: title.value.trim(), min_role: role.value }), `Queue ${q.name} saved.`),
        );
        tbody.appendChild(
          el(
            'tr',
            { dataset: { queue: q.name } },
            el('td', {}, el('code', { text: q.name })),
            el('td', {}, title),
            el('td', {}, role, el('span', { className: 'muted', text: ' and above' })),
            el('td', {}, save),
          ),
        );
      }
    } catch (err) {
      if (!fail(err)) status.show(`Could not load the queues: ${(err && err.message) || err}`, 'error');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = newName.value.trim();
    run(() => api.addQueue(n, newTitle.value.trim() || n, newRole.value), `Queue ${n} added.`);
  });
  load();
}

function mountWizard(body, { api, fail }) {
  const info = el('p', { className: 'muted', id: 'wizard-version' });
  const editor = el('textarea', {
    id: 'wizard-editor',
    className: 'code-editor',
    spellcheck: 'false',
    rows: '30',
    'aria-label': 'Wizard definition (JSON)',
  });
  const save = el('button', { type: 'button', className: 'btn btn-primary', id: 'wizard-save', text: 'Validate & save' });
  const reset = el('button', { type: 'button', className: 'btn btn-secondary', id: 'wizard-reset', text: 'Reset to the current version' });
  const side = el('div', { className: 'wizard-side', id: 'wizard-problems' });
  body.append(
    info,
    el(
      'div',
      { className: 'wizard-grid' },
      el('div', { className: 'wizard-edit' }, editor, el('div', { className: 'dialog-actions' }, save, reset)),
      side,
    ),
  );

  function showOk(text) {
    clear(side);
    side.appendChild(el('p', { className: 'banner banner-success', role: 'status', text }));
  }

  async function load() {
    try {
      const w = await api.wizard();
      editor.value = JSON.stringify(w && w.definition !== undefined ? w.definition : {}, null, 2);
      const by = w && w.updated_by ? ` by ${w.updated_by}` : '';
      setText(
        info,
        `Current version ${w && w.version !== undefined ? w.version : '?'}, saved ${when(w && w.updated_at)}${by}. Every save makes a new version; requests keep the version they answered.`,
      );
      clear(side);
    } catch (err) {
      if (!fail(err)) {
        clear(side);
        side.appendChild(renderProblems([], `Could not load the definition: ${(err && err.message) || err}`));
      }
    }
  }

  save.addEventListener('click', async () => {
    const parsed = parseDefinition(editor.value);
    clear(side);
    if (parsed.problems) {
      side.appendChild(renderProblems(parsed.problems, 'Not saved: the text is not valid JSON'));
      return;
    }
    save.disabled = true;
    try {
      const answer = await api.saveWizard(parsed.definition);
      showOk(`Saved as version ${answer && answer.version !== undefined ? answer.version : '?'}. New customers get it from now on.`);
      await load();
      showOk(`Saved as version ${answer && answer.version !== undefined ? answer.version : '?'}. New customers get it from now on.`);
    } catch (err) {
      if (!fail(err)) {
        const problems = err && err.problems ? err.problems : [];
        side.appendChild(renderProblems(problems, `Not saved: ${(err && err.message) || err}`));
      }
    } finally {
      save.disabled = false;
    }
  });
  reset.addEventListener('click', () => load());
  load();
}

/**
 *   section   'users' | 'queues' | 'wizard'
 *   api, me, onUnauthorized
 */
export function mountAdmin(container, { section, api, me, onUnauthorized }) {
  const tabs = el(
    'nav',
    { className: 'tabs', 'aria-label': 'Admin sections' },
    [
      ['users', 'Users'],
      ['queues', 'Queues'],
      ['wizard', 'Wizard'],
    ].map(([s, label]) =>
      el('a', {
        className: `tab${s === section ? ' is-current' : ''}`,
        href: `#/admin/${s}`,
        'aria-current': s === section ? 'page' : false,
        text: label,
      }),
    ),
  );
  const body = el('div', { className: 'admin-body', dataset: { section } });
  const root = el(
    'section',
    { className: 'admin-view page', 'aria-labelledby': 'admin-title' },
    el(
      'div',
      { className: 'page-head' },
      el('div', { className: 'page-title' }, el('h1', { id: 'admin-title', tabindex: '-1', text: 'Administration' })),
    ),
    tabs,
    body,
  );
  container.appendChild(root);
  const fail = (err) => {
    if (err && err.status === 401) {
      onUnauthorized();
      return true;
    }
    return false;
  };
  if (me.role !== 'admin') {
    body.appendChild(el('p', { className: 'banner banner-error', text: 'Only administrators can see this page.' }));
  } else if (section === 'queues') mountQueues(body, { api, fail });
  else if (section === 'wizard') mountWizard(body, { api, fail });
  else mountUsers(body, { api, me, fail });
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
