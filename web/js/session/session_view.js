// The session view: header (customer, connection state, Fit / 1:1, Back), the control bar
// (access badge, Request control, Keys menu, paste and clipboard) and the customer's screen.
// All network, decoding and painting happen in viewer_worker.js; the state and its rules are
// the SessionModel's (session_model.js). This module places the canvas, draws nothing itself
// (the cursor arrives as a ready ImageBitmap), captures input while this technician holds
// Full-Access (input_capture.js) and registers the open viewer with viewer_port.js, where the
// test hooks (web/js/testing/hooks.js, not loaded by the page) find it.
import { el, setText } from '../shell/dom.js';
import { viewerSocketUrl } from '../shell/routes.js';
import { SCALE_FIT, SCALE_NATIVE } from './view_math.js';
import { attachInput } from './input_capture.js';
import { SessionModel, STATE_TEXT, monitorOptions, scopePresentation } from './session_model.js';
import { buildSessionDom } from './session_dom.js';
import { wireControls } from './session_controls.js';
import { setActiveViewer, releaseViewer, probePoint, adoptRouteProbe } from './viewer_port.js';

// The header's state, access and scope; the viewport's notice.
function renderState(d, model, text) {
  const state = model.state;
  d.root.dataset.state = state === 'waiting' ? 'connecting' : state;
  d.root.classList.toggle('is-live', state === 'live');
  d.root.classList.toggle('is-closed', state === 'closed');
  setText(d.statusText, text || STATE_TEXT[state] || '');
  if (state === 'live') d.noticeBox.hidden = true;
  if (state === 'closed') {
    setText(d.notice, text);
    d.noticeBox.hidden = false;
    d.noticeBox.classList.add('over');
    d.cursorCanvas.hidden = true;
  }
}

function renderAccess(d, shown) {
  d.root.dataset.access = shown.mode;
  d.root.classList.toggle('has-control', shown.mine);
  setText(d.accessBadge, shown.label);
  d.accessBadge.classList.toggle('is-full', shown.isFull);
  d.accessBadge.classList.toggle('is-mine', shown.mine);
  d.accessBadge.title = shown.title;
  setText(d.accessReason, shown.reason);
}

// The scope badge: "Limited to one application: TITLE" (+ its state), hidden for the desktop.
function renderScope(badge, scope) {
  const shown = scopePresentation(scope);
  if (!shown) {
    badge.hidden = true;
    badge.textContent = '';
    delete badge.dataset.state;
    return;
  }
  setText(badge, shown.text);
  badge.title = shown.title;
  badge.dataset.state = shown.state;
  badge.hidden = false;
}

function renderMonitors(select, model) {
  select.replaceChildren(...monitorOptions(model.monitors).map((o) => el('option', o)));
  select.value = String(model.monitorIndex);
  select.hidden = model.monitors.length < 2;
}

/**
 * Mounts the session view into `container`.
 *   id        request id (validated by the router)
 *   name      customer name if already known (from the request list), else ''
 *   probe     {x, y} from the URL, or null
 *   me        this technician's id (the login name): decides whether Full-Access is ours
 *   onBack    called when the user presses Back
 * Returns {root, focus(), destroy()}.
 */
export function mountSession(container, { id, name, probe, me = '', onBack }) {
  adoptRouteProbe(probe);
  const d = buildSessionDom(id, name);
  container.appendChild(d.root);
  const cursorCtx = d.cursorCanvas.getContext('bitmaprenderer');
  let cursorFrame = 0;
  let destroyed = false;

  function applyLayout() {
    if (destroyed) return;
    const styles = getComputedStyle(d.viewport);
    const { layout, place, meta } = model.layoutFor({
      width: d.viewport.clientWidth - parseFloat(styles.paddingLeft) - parseFloat(styles.paddingRight),
      height: d.viewport.clientHeight - parseFloat(styles.paddingTop) - parseFloat(styles.paddingBottom),
    });
    d.screenCanvas.style.width = `${place.width}px`;
    d.screenCanvas.style.height = `${place.height}px`;
    d.screenCanvas.style.transform = place.left || place.top ? `translate(${place.left}px, ${place.top}px)` : '';
    d.stage.style.width = `${layout.width}px`;
    d.stage.style.height = `${layout.height}px`;
    d.viewport.classList.toggle('fit', model.mode === SCALE_FIT);
    d.viewport.classList.toggle('native', model.mode === SCALE_NATIVE);
    d.fitBtn.setAttribute('aria-pressed', String(model.mode === SCALE_FIT));
    d.nativeBtn.setAttribute('aria-pressed', String(model.mode === SCALE_NATIVE));
    setText(d.metaEl, meta);
    placeCursor();
  }

  function placeCursor() {
    cursorFrame = 0;
    const box = model.cursorPlacement();
    d.cursorCanvas.hidden = !box;
    if (!box) return;
    d.cursorCanvas.style.width = `${box.width}px`;
    d.cursorCanvas.style.height = `${box.height}px`;
    d.cursorCanvas.style.transform = `translate(${box.left}px, ${box.top}px)`;
  }

  const capture = attachInput(d.screenCanvas, {
    send: (events) => model.sendInput(events),
    screen: () => model.screen,
  });
  let controls = null;
  const model = new SessionModel({
    me,
    input: capture,
    view: {
      state: (text) => renderState(d, model, text),
      access: (shown) => renderAccess(d, shown),
      controls(c) {
        capture.setEnabled(c.mine);
        d.requestBtn.disabled = c.requestDisabled;
        setText(d.requestBtn, c.requestText);
        d.keysBtn.disabled = c.keysDisabled;
        d.sendClipBtn.disabled = c.clipDisabled;
        d.screenCanvas.setAttribute('aria-label', c.mine ? "Customer's screen — you have control; click to type" : "Customer's screen");
        if (!c.mine && controls) {
          controls.setClipStatus('');
          controls.closeMenu();
          controls.closeDialog();
        }
      },
      hello(customer, description) {
        if (customer) {
          setText(d.nameEl, customer);
          document.title = `${customer} — visit`;
        }
        setText(d.descEl, description);
        d.descEl.title = description;
      },
      screen(monitorsChanged) {
        renderScope(d.scopeBadge, model.scope);
        if (monitorsChanged) renderMonitors(d.monitorSelect, model);
        d.screenCanvas.hidden = false;
        applyLayout();
      },
      cursorShape(m) {
        d.cursorCanvas.width = m.width;
        d.cursorCanvas.height = m.height;
        cursorCtx.transferFromImageBitmap(m.bitmap);
      },
      cursorMoved() {
        if (!cursorFrame) cursorFrame = requestAnimationFrame(placeCursor);
      },
      clipboard: (text) => controls.showClipboard(text),
      detail: (text) => setText(d.detail, text),
      clipStatus: (text, bad) => controls.setClipStatus(text, bad),
    },
  });
  controls = wireControls(d, model, { relayout: applyLayout, focusScreen: () => d.screenCanvas.focus({ preventScroll: true }) });

  const resizeObserver = new ResizeObserver(() => applyLayout());
  resizeObserver.observe(d.viewport);
  d.monitorSelect.addEventListener('change', () => {
    model.selectMonitor(d.monitorSelect.value);
    applyLayout();
  });
  const setMode = (mode) => () => {
    model.mode = mode;
    applyLayout();
  };
  d.fitBtn.addEventListener('click', setMode(SCALE_FIT));
  d.nativeBtn.addEventListener('click', setMode(SCALE_NATIVE));
  d.backBtn.addEventListener('click', () => onBack());

  d.screenCanvas.hidden = true;
  try {
    const worker = new Worker(new URL('./viewer_worker.js', import.meta.url), { type: 'module', name: `viewer ${id}` });
    worker.onmessage = (e) => model.onWorkerMessage(e.data || {});
    worker.onerror = (e) => {
      e.preventDefault();
      model.fail('The viewer failed', e.message || 'the viewer worker stopped with an error');
    };
    const offscreen = d.screenCanvas.transferControlToOffscreen();
    worker.postMessage({ op: 'start', canvas: offscreen, url: viewerSocketUrl(location, id), probe: probePoint(), me }, [offscreen]);
    model.attach(worker);
    setActiveViewer(model);
  } catch (err) {
    model.fail('This browser cannot show the screen', String((err && err.message) || err));
  }

  applyLayout();
  model.setAccess(model.access);

  return {
    root: d.root,
    focus() {
      d.nameEl.focus();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      resizeObserver.disconnect();
      capture.destroy();
      controls.destroy();
      if (cursorFrame) cancelAnimationFrame(cursorFrame);
      releaseViewer(model);
      model.destroy();
      d.root.remove();
    },
  };
}
