// Test hooks for the end-to-end tests and benchmarks: window.visitViewer, a view of the open
// session viewer (viewer_port.js). Served with the console but never loaded by index.html: a
// test opts in by importing this module into the page (tests/e2e/lib/harness.mjs does so with
// an init script in every browser context it opens). Harmless without an open session.
import { READ_ONLY } from '../session/input_model.js';
import * as port from '../session/viewer_port.js';

const NOTHING_SENT = Object.freeze({
  pointer_move: 0,
  button: 0,
  wheel: 0,
  key: 0,
  special: 0,
  input_messages: 0,
  paste_text: 0,
  clipboard: 0,
  control_request: 0,
});

/** The hooks over a viewer port (the module's own in the page; a fake one in unit tests). */
export function createViewerHooks(viewers = port) {
  return {
    /** Promise of {width, height, data}: the screen canvas as RGBA, data base64 (raw: Uint8ClampedArray). */
    snapshot(options = {}) {
      const v = viewers.activeViewer();
      if (!v) return Promise.reject(new Error('no session open'));
      return v.request('snapshot', { raw: !!options.raw });
    },
    /** Promise of {frames, lastSequence, width, height}. */
    stats() {
      const v = viewers.activeViewer();
      if (!v) return Promise.resolve({ frames: 0, lastSequence: 0, width: 0, height: 0 });
      return v.request('stats');
    },
    /** Sets (or with no arguments / null clears) the probe pixel, in customer screen pixels. */
    setProbe(x, y) {
      viewers.setProbePoint(viewers.checkProbe(x, y));
    },
    /** Promise of [{seq, rgb: [r, g, b], t}] — painted frames that touched the probe pixel. */
    probeLog() {
      const v = viewers.activeViewer();
      if (!v) return Promise.resolve([]);
      return v.request('probeLog');
    },
    /** The session view's state: 'none', 'connecting', 'waiting', 'live' or 'closed'. */
    state() {
      const v = viewers.activeViewer();
      return v ? v.state : 'none';
    },
    /** {mode: 'read_only'|'full_access', controller: {id, name}|null, reason}. */
    access() {
      const v = viewers.activeViewer();
      if (!v) return { mode: READ_ONLY, controller: null, reason: '' };
      const a = v.access;
      return { mode: a.mode, controller: a.controller ? { ...a.controller } : null, reason: a.reason };
    },
    /** Sends control_request (as the button does); false when the button is disabled. */
    requestControl() {
      const v = viewers.activeViewer();
      return v ? v.requestControl() : false;
    },
    /**
     * Promise of the counts of what went out: input events by kind (pointer_move, button,
     * wheel, key, special), input_messages, paste_text, clipboard, control_request.
     */
    inputSent() {
      const v = viewers.activeViewer();
      if (!v) return Promise.resolve({ ...NOTHING_SENT });
      return v.request('inputSent');
    },
  };
}

if (typeof window !== 'undefined') window.visitViewer = createViewerHooks();
