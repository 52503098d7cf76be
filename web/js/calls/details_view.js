// One support request: header (kept live from the feed), actions (take, open, transfer,
// invite, resolve, reopen), the customer's answers, the collected information, notes and
// events (GET /api/requests/{id}, docs/protocol.md §8.2). Customer text is text only.
import { el, setText, clear } from '../shell/dom.js';
import { formatWaiting, normalizeSummary } from './feed.js';
import { stateBadgeClass, stateLabel, formatClock } from '../shell/format.js';
import { renderAnswers, renderCollected } from './collected_view.js';
import { mayOpen } from './requests_view.js';

function when(unixSeconds) {
  if (typeof unixSeconds !== 'number' || !Number.isFinite(unixSeconds)) return '';
  const d = new Date(unixSeconds * 1000);
  return `${d.toLocaleDateString()} ${formatClock(d)}`;
}

/**
 *   id, api, feed, me
 *   actions  {take(id, notify), openSession(id), back(), unauthorized()}
 */
export function mountDetails(container, { id, api, feed, me, actions }) {
  const title = el('h1', { id: 'details-title', tabindex: '-1', className: 'details-name' });
  const summary = el('p', { className: 'details-summary', id: 'details-summary' });
  const badge = el('span', { className: 'badge' });
  const facts = el('dl', { className: 'facts' });
  const notice = el('p', { className: 'banner', id: 'details-notice', role: 'alert' });
  notice.hidden = true;
  const back = el('button', { type: 'button', className: 'btn btn-secondary', text: '← Call Manager' });

  const takeBtn = el('button', { type: 'button', className: 'btn btn-primary', dataset: { action: 'take' }, text: 'Take' });
  const openBtn = el('button', { type: 'button', className: 'btn btn-primary', dataset: { action: 'open' }, text: 'Open session' });
  const reopenBtn = el('button', { type: 'button', className: 'btn btn-secondary', dataset: { action: 'reopen' }, text: 'Reopen' });

  const transferTech = el('input', {
    type: 'text',
    id: 'transfer-technician',
    placeholder: 'username',
    'aria-label': 'Technician to transfer to',
    maxlength: '64',
  });
  const transferTechBtn = el('button', {
    type: 'button',
    className: 'btn btn-secondary',
    dataset: { action: 'transfer-technician' },
    text: 'Transfer to technician',
  });
  const transferQueue = el('select', { id: 'transfer-queue', 'aria-label': 'Queue to transfer to' });
  const transferQueueBtn = el('button', {
    type: 'button',
    className: 'btn btn-secondary',
    dataset: { action: 'transfer-queue' },
    text: 'Move to queue',
  });
  const inviteTech = el('input', {
    type: 'text',
    id: 'invite-technician',
    placeholder: 'username',
    'aria-label': 'Technician to invite',
    maxlength: '64',
  });
  const inviteBtn = el('button', { type: 'button', className: 'btn btn-secondary', dataset: { action: 'invite' }, text: 'Invite' });
  const resolveNote = el('textarea', {
    id: 'resolve-note',
    rows: '2',
    placeholder: 'What was done (kept with the request)',
    'aria-label': 'Resolution note',
    maxlength: '4096',
  });
  const resolveBtn = el('button', { type: 'button', className: 'btn btn-danger', dataset: { action: 'resolve' }, text: 'Resolve' });
  const manage = el(
    'div',
    { className: 'manage' },
    el('div', { className: 'manage-row' }, transferTech, transferTechBtn),
    el('div', { className: 'manage-row' }, transferQueue, transferQueueBtn),
    el('div', { className: 'manage-row' }, inviteTech, inviteBtn),
    el('div', { className: 'manage-row manage-resolve' }, resolveNote, resolveBtn),
  );

  const answersBox = el('div', { className: 'answers-box' }, el('p', { className: 'muted', text: 'Loading…' }));
  const collectedBox = el('div', { className: 'collected-box' });
  const notesList = el('ul', { className: 'notes', id: 'notes' });
  const noteText = el('textarea', {
    id: 'note-text',
    rows: '2',
    placeholder: 'Add a note for colleagues…',
    'aria-label': 'Note',
    maxlength: '4096',
  });
  const noteBtn = el('button', { type: 'button', className: 'btn btn-secondary', dataset: { action: 'note' }, text: 'Add note' });
  const eventsList = el('ol', { className: 'events', id: 'events' });

  const root = el(
    'section',
    { className: 'details-view page', 'aria-labelledby': 'details-title', dataset: { requestId: id } },
    el(
      'div',
      { className: 'page-head' },
      el('div', { className: 'page-title details-head' }, back, title, badge),
      el('div', { className: 'page-actions' }, takeBtn, openBtn, reopenBtn),
    ),
    summary,
    notice,
    el(
      'div',
      { className: 'details-grid' },
      el(
        'div',
        { className: 'details-main' },
        el('section', { className: 'card pad' }, el('h2', { text: 'Answers' }), answersBox),
        el('section', { className: 'card pad' }, el('h2', { text: 'Collected information' }), collectedBox),
      ),
      el(
        'aside',
        { className: 'details-side' },
        el('section', { className: 'card pad' }, el('h2', { text: 'Request' }), facts),
        el('section', { className: 'card pad', id: 'manage-card' }, el('h2', { text: 'Hand over or close' }), manage),
        el(
          'section',
          { className: 'card pad' },
          el('h2', { text: 'Notes' }),
          notesList,
          el('div', { className: 'note-form' }, noteText, noteBtn),
        ),
        el('section', { className: 'card pad' }, el('h2', { text: 'History' }), eventsList),
      ),
    ),
  );
  container.appendChild(root);

  let destroyed = false;
  let detail = null;
  let tick = 0;
  const waitingCell = el('dd', { className: 'waiting' });

  function notify(text, kind = 'error') {
    setText(notice, text);
    notice.className = `banner banner-${kind}`;
    notice.hidden = !text;
  }

  function current() {
    return feed.get(id) || (detail ? normalizeSummary(detail) : null);
  }

  function renderHead() {
    const req = current();
    if (!req) return;
    setText(title, req.name || '(no name)');
    setText(summary, req.summary);
    setText(badge, stateLabel(req.state));
    badge.className = `badge ${stateBadgeClass(req.state)}`;
    root.dataset.state = req.state;
    clear(facts);
    const fact = (k, v) => [el('dt', { text: k }), el('dd', { text: v })];
    facts.append(
      ...fact('Queue', req.queue || '—'),
      ...fact('Topic', req.topic || '—'),
      ...fact('Technician', req.technician || 'nobody yet'),
      ...fact('Customer', req.online ? 'online' : 'offline'),
      ...fact('Came in', `${when(req.created_at)}${req.via_code ? ' with a session code' : ''}`),
      el('dt', { text: 'Waiting' }),
      waitingCell,
    );
    if (detail && typeof detail.wizard_version === 'number') facts.append(...fact('Wizard version', String(detail.wizard_version)));
    setText(waitingCell, formatWaiting(feed.waitingMs(req, Date.now())));
    const ended = req.state === 'resolved' || req.state === 'abandoned';
    const manager = req.technician === me.username || me.role === 'senior' || me.role === 'admin';
    takeBtn.hidden = !(req.state === 'waiting' && (!req.technician || req.technician === me.username));
    openBtn.hidden = !(mayOpen(req, me) || (req.state === 'in_session' && invitedMe()));
    reopenBtn.hidden = !(ended && manager);
    root.querySelector('#manage-card').hidden = ended || !manager;
    fillQueues(req.queue);
  }

  // An invited technician is given the session too (§8.2); the summary does not say so, the
  // request's history does ("invited NAME"). The server decides either way.
  function invitedMe() {
    const events = detail && Array.isArray(detail.events) ? detail.events : [];
    return events.some(
      (e) => e && typeof e.what === 'string' && /invit/i.test(e.what) && e.what.split(/[^A-Za-z0-9._@-]+/).includes(me.username),
    );
  }

  function fillQueues(currentQueue) {
    const names = feed.queueNames().filter((q) => q.name !== currentQueue);
    const keep = transferQueue.value;
    clear(transferQueue);
    for (const q of names)
      transferQueue.appendChild(el('option', { value: q.name, text: q.title === q.name ? q.name : `${q.title} (${q.name})` }));
    if (names.some((q) => q.name === keep)) transferQueue.value = keep;
    transferQueueBtn.disabled = names.length === 0;
  }

  function renderBody() {
    clear(answersBox);
    answersBox.appendChild(renderAnswers(detail.answers));
    clear(collectedBox);
    collectedBox.appendChild(renderCollected(detail.collected));
    renderNotes();
  }

  function renderNotes() {
    clear(notesList);
    const notes = Array.isArray(detail.notes) ? detail.notes : [];
    if (!notes.length) notesList.appendChild(el('li', { className: 'muted', text: 'No notes yet.' }));
    for (const n of notes) {
      if (!n || typeof n !== 'object') continue;
      notesList.appendChild(
        el(
          'li',
          { className: 'note' },
          el(
            'div',
            { className: 'note-meta' },
            el('strong', { text: String(n.author ?? '') }),
            ' ',
            el('span', { className: 'muted', text: when(n.at) }),
          ),
          el('div', { className: 'note-text', text: String(n.text ?? '') }),
        ),
      );
    }
    clear(eventsList);
    const events = Array.isArray(detail.events) ? detail.events : [];
    for (const e of events) {
      if (!e || typeof e !== 'object') continue;
      eventsList.appendChild(
        el(
          'li',
          {},
          el('span', { className: 'muted', text: when(e.at) }),
          ' ',
          el('strong', { text: String(e.who ?? '') || 'system' }),
          ' ',
          String(e.what ?? ''),
        ),
      );
    }
  }

  async function load() {
    try {
      const body = await api.request(id);
      if (destroyed) return;
      if (!body || typeof body !== 'object') throw new Error('unexpected answer from the server');
      const first = !detail;
      detail = body;
      root.dataset.loaded = 'true';
      renderHead();
      // The answers and collected data never change; re-rendering them would close the lists
      // the technician opened. Notes and events do change.
      if (first) renderBody();
      else renderNotes();
    } catch (err) {
      if (destroyed) return;
      if (err && err.status === 401) return actions.unauthorized();
      clear(answersBox);
      notify(
        err && err.status === 404
          ? 'This request does not exist or is not yours to see.'
          : `Could not load the request: ${(err && err.message) || err}`,
      );
    }
  }

  // Actions: each shows what happened; a failure shows the server's message.
  async function act(button, work, success) {
    button.disabled = true;
    try {
      const answer = await work();
      if (destroyed) return;
      if (answer && typeof answer === 'object' && typeof answer.id === 'string') feed.upsert(answer);
      if (success) notify(success, 'success');
      await load();
    } catch (err) {
      if (destroyed) return;
      if (err && err.status === 401) return actions.unauthorized();
      notify((err && err.message) || String(err));
    } finally {
      button.disabled = false;
    }
  }

  takeBtn.addEventListener('click', async () => {
    takeBtn.disabled = true;
    try {
      await actions.take(id, notify);
    } finally {
      takeBtn.disabled = false;
    }
  });
  openBtn.addEventListener('click', () => actions.openSession(id));
  reopenBtn.addEventListener('click', () => act(reopenBtn, () => api.reopen(id), 'Reopened: the request is waiting in its queue again.'));
  transferTechBtn.addEventListener('click', () => {
    const who = transferTech.value.trim();
    if (!who) return notify('Enter the username of the technician.');
    act(transferTechBtn, () => api.transfer(id, { technician: who }), `Transferred to ${who}.`);
  });
  transferQueueBtn.addEventListener('click', () => {
    const q = transferQueue.value;
    if (!q) return;
    act(transferQueueBtn, () => api.transfer(id, { queue: q }), `Moved to the queue ${q}.`);
  });
  inviteBtn.addEventListener('click', () => {
    const who = inviteTech.value.trim();
    if (!who) return notify('Enter the username of the technician to invite.');
    act(inviteBtn, () => api.invite(id, who), `${who} is invited and may join the session.`);
  });
  resolveBtn.addEventListener('click', () => {
    act(resolveBtn, () => api.resolve(id, resolveNote.value.trim()), 'Resolved.').then(() => {
      resolveNote.value = '';
    });
  });
  noteBtn.addEventListener('click', () => {
    const text = noteText.value.trim();
    if (!text) return notify('Write the note first.');
    act(noteBtn, () => api.addNote(id, text), 'Note added.').then(() => {
      if (!notice.classList.contains('banner-error')) noteText.value = '';
    });
  });
  back.addEventListener('click', () => actions.back());

  let reloadTimer = 0;
  const unsub = feed.subscribe((change) => {
    if (!change || !change.ids.includes(id)) {
      if (change && change.kind === 'snapshot') renderHead();
      return;
    }
    renderHead();
    // Notes, events and state changed elsewhere: fetch the details again, at most every 500 ms.
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, 500);
  });
  tick = setInterval(() => {
    const req = current();
    if (req) setText(waitingCell, formatWaiting(feed.waitingMs(req, Date.now())));
  }, 1000);
  renderHead();
  load();

  return {
    root,
    notify,
    focus() {
      title.focus();
    },
    destroy() {
      destroyed = true;
      clearInterval(tick);
      clearTimeout(reloadTimer);
      unsub();
      root.remove();
    },
  };
}
