// One support request: header (kept live from the feed), actions (take, open, transfer,
// invite, resolve, reopen), the customer's answers, the collected information, notes and
// events (GET /api/requests/{id}, docs/protocol.md §8.2). Customer text is text only.
// The state and the rules are in details_model.js and request_model.js; this is the DOM.
import { el, setText, clear } from '../shell/dom.js';
import { Limits } from '../protocol.js';
import { renderAnswers, renderCollected } from './collected_view.js';
import { DetailsModel, detailsCommand } from './details_model.js';
import { notesOf, eventsOf, queueLabel } from './request_model.js';

/** The longest note or resolution note the form takes, in characters. */
const NOTE_MAX_CHARS = 4096;

function button(className, action, text) {
  return el('button', { type: 'button', className: `btn ${className}`, dataset: { action }, text });
}

function usernameInput(id, label) {
  return el('input', { type: 'text', id, placeholder: 'username', 'aria-label': label, maxlength: String(Limits.maxTechnicianIdBytes) });
}

function noteInput(id, placeholder, label) {
  return el('textarea', { id, rows: '2', placeholder, 'aria-label': label, maxlength: String(NOTE_MAX_CHARS) });
}

function card(title, ...children) {
  return el('section', { className: 'card pad' }, el('h2', { text: title }), ...children);
}

/** The page's elements, by name. */
function buildDetailsDom(id) {
  const d = {
    title: el('h1', { id: 'details-title', tabindex: '-1', className: 'details-name' }),
    summary: el('p', { className: 'details-summary', id: 'details-summary' }),
    badge: el('span', { className: 'badge' }),
    facts: el('dl', { className: 'facts' }),
    notice: el('p', { className: 'banner', id: 'details-notice', role: 'alert' }),
    back: el('button', { type: 'button', className: 'btn btn-secondary', text: '← Call Manager' }),
    takeBtn: button('btn-primary', 'take', 'Take'),
    openBtn: button('btn-primary', 'open', 'Open session'),
    reopenBtn: button('btn-secondary', 'reopen', 'Reopen'),
    transferTech: usernameInput('transfer-technician', 'Technician to transfer to'),
    transferTechBtn: button('btn-secondary', 'transfer-technician', 'Transfer to technician'),
    transferQueue: el('select', { id: 'transfer-queue', 'aria-label': 'Queue to transfer to' }),
    transferQueueBtn: button('btn-secondary', 'transfer-queue', 'Move to queue'),
    inviteTech: usernameInput('invite-technician', 'Technician to invite'),
    inviteBtn: button('btn-secondary', 'invite', 'Invite'),
    resolveNote: noteInput('resolve-note', 'What was done (kept with the request)', 'Resolution note'),
    resolveBtn: button('btn-danger', 'resolve', 'Resolve'),
    answersBox: el('div', { className: 'answers-box' }, el('p', { className: 'muted', text: 'Loading…' })),
    collectedBox: el('div', { className: 'collected-box' }),
    notesList: el('ul', { className: 'notes', id: 'notes' }),
    noteText: noteInput('note-text', 'Add a note for colleagues…', 'Note'),
    noteBtn: button('btn-secondary', 'note', 'Add note'),
    eventsList: el('ol', { className: 'events', id: 'events' }),
    waitingCell: el('dd', { className: 'waiting' }),
  };
  const manage = el(
    'div',
    { className: 'manage' },
    el('div', { className: 'manage-row' }, d.transferTech, d.transferTechBtn),
    el('div', { className: 'manage-row' }, d.transferQueue, d.transferQueueBtn),
    el('div', { className: 'manage-row' }, d.inviteTech, d.inviteBtn),
    el('div', { className: 'manage-row manage-resolve' }, d.resolveNote, d.resolveBtn),
  );
  d.notice.hidden = true;
  d.manageCard = el('section', { className: 'card pad', id: 'manage-card' }, el('h2', { text: 'Hand over or close' }), manage);
  d.root = el(
    'section',
    { className: 'details-view page', 'aria-labelledby': 'details-title', dataset: { requestId: id } },
    el(
      'div',
      { className: 'page-head' },
      el('div', { className: 'page-title details-head' }, d.back, d.title, d.badge),
      el('div', { className: 'page-actions' }, d.takeBtn, d.openBtn, d.reopenBtn),
    ),
    d.summary,
    d.notice,
    el(
      'div',
      { className: 'details-grid' },
      el('div', { className: 'details-main' }, card('Answers', d.answersBox), card('Collected information', d.collectedBox)),
      el(
        'aside',
        { className: 'details-side' },
        card('Request', d.facts),
        d.manageCard,
        card('Notes', d.notesList, el('div', { className: 'note-form' }, d.noteText, d.noteBtn)),
        card('History', d.eventsList),
      ),
    ),
  );
  return d;
}

function renderHead(d, head, queues) {
  if (!head) return;
  setText(d.title, head.title);
  setText(d.summary, head.summary);
  setText(d.badge, head.stateLabel);
  d.badge.className = head.badgeClass;
  d.root.dataset.state = head.state;
  clear(d.facts);
  for (const [term, text] of head.facts) {
    d.facts.append(el('dt', { text: term }));
    if (term === 'Waiting') {
      d.facts.append(d.waitingCell);
      setText(d.waitingCell, text);
    } else {
      d.facts.append(el('dd', { text }));
    }
  }
  d.takeBtn.hidden = !head.showTake;
  d.openBtn.hidden = !head.showOpen;
  d.reopenBtn.hidden = !head.showReopen;
  d.manageCard.hidden = !head.showManage;
  fillQueues(d, queues);
}

function fillQueues(d, queues) {
  const keep = d.transferQueue.value;
  clear(d.transferQueue);
  for (const q of queues) d.transferQueue.appendChild(el('option', { value: q.name, text: queueLabel(q) }));
  if (queues.some((q) => q.name === keep)) d.transferQueue.value = keep;
  d.transferQueueBtn.disabled = queues.length === 0;
}

function renderNotes(d, detail) {
  clear(d.notesList);
  if (!(Array.isArray(detail.notes) && detail.notes.length))
    d.notesList.appendChild(el('li', { className: 'muted', text: 'No notes yet.' }));
  for (const n of notesOf(detail)) {
    d.notesList.appendChild(
      el(
        'li',
        { className: 'note' },
        el('div', { className: 'note-meta' }, el('strong', { text: n.author }), ' ', el('span', { className: 'muted', text: n.at })),
        el('div', { className: 'note-text', text: n.text }),
      ),
    );
  }
  clear(d.eventsList);
  for (const e of eventsOf(detail)) {
    d.eventsList.appendChild(el('li', {}, el('span', { className: 'muted', text: e.at }), ' ', el('strong', { text: e.who }), ' ', e.what));
  }
}

/**
 *   id, api, feed, me
 *   actions  {take(id, notify), openSession(id), back(), unauthorized()}
 */
export function mountDetails(container, { id, api, feed, me, actions }) {
  const d = buildDetailsDom(id);
  container.appendChild(d.root);

  function notify(text, kind = 'error') {
    setText(d.notice, text);
    d.notice.className = `banner banner-${kind}`;
    d.notice.hidden = !text;
  }

  const model = new DetailsModel({
    id,
    api,
    feed,
    me,
    view: {
      notify,
      unauthorized: () => actions.unauthorized(),
      loaded(first) {
        d.root.dataset.loaded = 'true';
        renderHead(d, model.head(), model.transferQueues());
        // The answers and collected data never change; re-rendering them would close the lists
        // the technician opened. Notes and events do change.
        if (first) {
          clear(d.answersBox);
          d.answersBox.appendChild(renderAnswers(model.detail.answers));
          clear(d.collectedBox);
          d.collectedBox.appendChild(renderCollected(model.detail.collected));
        }
        renderNotes(d, model.detail);
      },
      loadFailed(message) {
        clear(d.answersBox);
        notify(message);
      },
    },
  });
  const redraw = () => renderHead(d, model.head(), model.transferQueues());

  // Each action disables its button while it runs; a missing input is said at once.
  async function act(btn, kind, input) {
    const command = detailsCommand(kind, id, input);
    if (!command || command.error) return model.run(command);
    btn.disabled = true;
    try {
      await model.run(command);
    } finally {
      btn.disabled = false;
    }
  }

  d.takeBtn.addEventListener('click', async () => {
    d.takeBtn.disabled = true;
    try {
      await actions.take(id, notify);
    } finally {
      d.takeBtn.disabled = false;
    }
  });
  d.openBtn.addEventListener('click', () => actions.openSession(id));
  d.reopenBtn.addEventListener('click', () => act(d.reopenBtn, 'reopen'));
  d.transferTechBtn.addEventListener('click', () => act(d.transferTechBtn, 'transfer-technician', d.transferTech.value));
  d.transferQueueBtn.addEventListener('click', () => act(d.transferQueueBtn, 'transfer-queue', d.transferQueue.value));
  d.inviteBtn.addEventListener('click', () => act(d.inviteBtn, 'invite', d.inviteTech.value));
  d.resolveBtn.addEventListener('click', () => {
    act(d.resolveBtn, 'resolve', d.resolveNote.value).then(() => {
      d.resolveNote.value = '';
    });
  });
  d.noteBtn.addEventListener('click', () => {
    const command = detailsCommand('note', id, d.noteText.value);
    if (command.error) return model.run(command);
    act(d.noteBtn, 'note', d.noteText.value).then(() => {
      if (!d.notice.classList.contains('banner-error')) d.noteText.value = '';
    });
  });
  d.back.addEventListener('click', () => actions.back());

  const unsub = feed.subscribe((change) => {
    if (model.feedChanged(change)) redraw();
  });
  const tick = setInterval(() => {
    const text = model.waitingText();
    if (text !== null) setText(d.waitingCell, text);
  }, 1000);
  redraw();
  model.load();

  return {
    root: d.root,
    notify,
    focus() {
      d.title.focus();
    },
    destroy() {
      model.destroy();
      clearInterval(tick);
      unsub();
      d.root.remove();
    },
  };
}
