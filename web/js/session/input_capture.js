// Captures the technician's mouse and keyboard on the screen canvas and hands them to an
// InputTranslator (input_translator.js), which makes the protocol input events (docs/protocol.md
// §9.2). Listens only while enabled (this technician holds Full-Access); disabled, it lets
// every event through untouched and sends nothing.
import { clientToScreen } from './view_math.js';
import { InputTranslator } from './input_translator.js';

/**
 * attachInput(canvas, {send, screen})
 *   canvas  the element the screen is drawn in (focusable; gets tabindex)
 *   send    send(events): hands protocol events to the worker
 *   screen  () => {width, height} of the customer's screen
 * Returns {setEnabled(on), releaseHeld(), destroy()}.
 */
export function attachInput(canvas, { send, screen }) {
  const t = new InputTranslator({ send });
  const map = (e) => clientToScreen(e.clientX, e.clientY, canvas.getBoundingClientRect(), screen());
  // The browser must not act on keys (Tab, F5, Ctrl-F …); some combinations (Ctrl-W, Ctrl-T)
  // it keeps for itself whatever we do: those are in the Keys menu or have no remote use.
  const swallow = (e) => {
    e.preventDefault();
    e.stopPropagation();
  };

  function onPointerDown(e) {
    if (!t.enabled) return;
    e.preventDefault(); // no text selection, no compatibility mouse events
    canvas.focus({ preventScroll: true });
    if (!t.pointerDown(map(e), e.button)) return;
    try {
      canvas.setPointerCapture(e.pointerId); // a drag that leaves the canvas keeps its button
    } catch {
      // pointer already gone
    }
  }

  function onPointerUp(e) {
    if (!t.enabled) return;
    e.preventDefault();
    t.pointerUp(map(e), e.button);
  }

  // Each handler does nothing while disabled: the page keeps its usual behaviour.
  const whenEnabled = (fn) => (e) => {
    if (t.enabled) fn(e);
  };
  const listeners = [
    ['pointermove', whenEnabled((e) => t.pointerMove(map(e)))],
    ['pointerdown', onPointerDown],
    ['pointerup', onPointerUp],
    ['pointercancel', onPointerUp],
    [
      'wheel',
      whenEnabled((e) => {
        e.preventDefault();
        t.wheelAt(map(e), e.deltaX, e.deltaY, e.deltaMode);
      }),
      { passive: false },
    ],
    [
      'keydown',
      whenEnabled((e) => {
        swallow(e);
        t.keyDown(e.code);
      }),
    ],
    [
      'keyup',
      whenEnabled((e) => {
        swallow(e);
        t.keyUp(e.code);
      }),
    ],
    ['contextmenu', whenEnabled((e) => e.preventDefault())],
    ['blur', () => t.blur()],
  ];
  const onWindowBlur = () => t.blur();
  for (const [type, fn, opts] of listeners) canvas.addEventListener(type, fn, opts);
  window.addEventListener('blur', onWindowBlur);

  return {
    /**
     * Turns capture on or off. Turning it off forgets what was held without sending: control
     * has ended, nothing may be sent any more, and the customer releases everything itself.
     */
    setEnabled(on) {
      if (!t.setEnabled(on)) return;
      if (t.enabled) {
        canvas.tabIndex = 0;
      } else {
        canvas.removeAttribute('tabindex');
        if (document.activeElement === canvas) canvas.blur();
      }
    },
    /** While enabled: sends the releases of everything held (before a paste or a special key). */
    releaseHeld() {
      t.releaseHeld();
    },
    destroy() {
      this.setEnabled(false);
      for (const [type, fn, opts] of listeners) canvas.removeEventListener(type, fn, opts);
      window.removeEventListener('blur', onWindowBlur);
    },
  };
}
