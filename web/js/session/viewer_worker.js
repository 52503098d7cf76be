// The session viewer's worker: owns the viewer WebSocket and the screen's OffscreenCanvas.
// It parses every message, decodes and paints frames strictly in order (one at a time), and
// acknowledges each frame only after it is painted (docs/protocol.md §3.2). The page's main
// thread does no pixel work: it gets screen size, cursor bitmaps and positions, and state.
//
// It also carries the technician's remote input: the page posts protocol-shaped events, the
// worker batches them into `input` messages (one per animation frame or 8 ms, whichever comes
// first, at most 256 events each) and sends them only while the last access_state names this
// technician as the controller (docs/protocol.md §3.3, §9).
//
// Page → worker:  {op:'start', canvas, url, probe, me}  {op:'stop'}  {op:'probe', probe}
//                 {op:'snapshot'|'stats'|'probeLog'|'inputSent', id, raw?}
//                 {op:'input', events}  {op:'control_request'}  {op:'paste', text}
//                 {op:'clipboard', text}
// Worker → page:  {ev:'socket_open'|'hello'|'screen'|'live'|'cursor_shape'|'cursor_position'
//                  |'access'|'clipboard'|'sent'|'close_reason'|'closed'|'error'|'reply', ...}
import * as P from '../protocol.js';
import { decodeFrame } from './frame_decoder.js';
import { Ring, bytesToBase64, tileContains } from './ring.js';
import { checkScreenInfo } from './viewer_messages.js';
import { InputPump, normalizeAccess, holdsControl, truncateUtf8, utf8Length, READ_ONLY } from './input_model.js';

const PROBE_LOG_SIZE = 4096;
// What the page is given of a hello's customer and a close_reason, in characters: room for
// anything the server sends, a bound for anything else.
const TEXT_CAPS = Object.freeze({ name: 256, description: 4096, code: 64, message: 1024 });

const MSG = P.MessageType;

let canvas = null;
let ctx = null;
let ws = null;
let width = 0;
let height = 0;
let frames = 0;
let lastSequence = 0;
let outSequence = 1;
let live = false;
let ended = false;
let probe = null;
let endReason = null; // {code, message} from close_reason, or our own protocol error
const probeLog = new Ring(PROBE_LOG_SIZE);

// Remote control.
let me = ''; // this technician's id (the login name)
let access = { mode: READ_ONLY, controller: null, reason: '', pausedMs: 0 };
const sent = {
  pointer_move: 0,
  button: 0,
  wheel: 0,
  key: 0,
  special: 0,
  input_messages: 0,
  paste_text: 0,
  clipboard: 0,
  control_request: 0,
};
const hasRaf = typeof self.requestAnimationFrame === 'function';
const inputPump = new InputPump(sendInput, {
  raf: hasRaf ? (fn) => self.requestAnimationFrame(fn) : null,
  cancelRaf: hasRaf ? (h) => self.cancelAnimationFrame(h) : null,
  timeout: (fn, ms) => setTimeout(fn, ms),
  cancelTimeout: (h) => clearTimeout(h),
});

// Frames and screen_info go through one queue, handled in arrival order, one at a time.
const queue = [];
let pumping = false;
// Cursor bitmaps are created asynchronously; this chain keeps them in order.
let cursorChain = Promise.resolve();

function post(msg, transfer) {
  self.postMessage(msg, transfer || []);
}

self.onmessage = (e) => {
  const m = e.data || {};
  switch (m.op) {
    case 'start':
      start(m);
      break;
    case 'stop':
      stop();
      break;
    case 'probe':
      probe = m.probe || null;
      break;
    case 'snapshot':
      reply(m.id, () => snapshot(m.raw));
      break;
    case 'stats':
      reply(m.id, () => ({ frames, lastSequence, width, height }));
      break;
    case 'probeLog':
      reply(m.id, () => probeLog.toArray());
      break;
    case 'inputSent':
      reply(m.id, () => ({ ...sent }));
      break;
    case 'input':
      if (mayControl() && Array.isArray(m.events)) inputPump.push(m.events);
      break;
    case 'control_request':
      if (isOpen()) {
        send(P.makeJsonMessage(MSG.control_request, outSequence++, {}));
        sent.control_request += 1;
        post({ ev: 'sent', what: 'control_request' });
      }
      break;
    case 'paste':
      sendText('paste_text', m.text);
      break;
    case 'clipboard':
      sendText('clipboard', m.text);
      break;
    default:
      break;
  }
};

function reply(id, fn) {
  try {
    const value = fn();
    const transfer = value && value.data instanceof Uint8ClampedArray ? [value.data.buffer] : [];
    post({ ev: 'reply', id, ok: true, value }, transfer);
  } catch (err) {
    post({ ev: 'reply', id, ok: false, error: String((err && err.message) || err) });
  }
}

function snapshot(raw) {
  if (!ctx || width === 0 || height === 0) {
    return { width: 0, height: 0, data: raw ? new Uint8ClampedArray(0) : '' };
  }
  const img = ctx.getImageData(0, 0, width, height);
  return { width, height, data: raw ? img.data : bytesToBase64(img.data) };
}

function start(m) {
  if (ws || ended) return;
  canvas = m.canvas;
  probe = m.probe || null;
  me = typeof m.me === 'string' ? m.me : '';
  // A probe set from the start means frequent 1-pixel reads: keep the canvas in memory.
  ctx = canvas.getContext('2d', { alpha: false, willReadFrequently: !!probe });
  try {
    ws = new WebSocket(m.url);
  } catch (err) {
    finish({ error: `cannot open the connection: ${err.message}` });
    return;
  }
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => post({ ev: 'socket_open' });
  ws.onmessage = onSocketMessage;
  ws.onclose = (ev) => finish({ wsCode: ev.code });
  ws.onerror = () => {};
}

function stop() {
  queue.length = 0;
  if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
  ended = true;
}

function finish({ wsCode, error } = {}) {
  if (ended && ws === null) return;
  ended = true;
  inputPump.drop();
  access = { mode: READ_ONLY, controller: null, reason: 'disconnect', pausedMs: 0 };
  post({ ev: 'closed', wsCode, error, reason: endReason });
  ws = null;
}

function isOpen() {
  return !!ws && ws.readyState === WebSocket.OPEN && !ended;
}

function send(bytes) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(bytes);
}

// Input goes out only while this technician holds Full-Access and it is not paused.
function mayControl() {
  return isOpen() && holdsControl(access, me) && access.reason !== 'paused';
}

function sendInput(events) {
  if (!mayControl()) return;
  let bytes;
  try {
    bytes = P.makeInput(outSequence, events);
  } catch (err) {
    post({ ev: 'error', message: `input not sent: ${err.message}` });
    return;
  }
  outSequence += 1;
  send(bytes);
  sent.input_messages += 1;
  for (const e of events) sent[e.kind] += 1;
}

function sendText(kind, text) {
  if (!mayControl() || typeof text !== 'string') return;
  const max = kind === 'paste_text' ? P.Limits.maxPasteBytes : P.Limits.maxClipboardBytes;
  // A clipboard is all or nothing: over the cap it is refused, never cut (the page says so).
  if (kind === 'clipboard' && utf8Length(text) > max) {
    post({ ev: 'error', message: `clipboard not sent: over ${max} bytes` });
    return;
  }
  const body = truncateUtf8(text, max);
  if (kind === 'paste_text' && body === '') return;
  inputPump.flush(); // keys typed before the paste go first
  send(kind === 'paste_text' ? P.makePasteText(outSequence++, body) : P.makeClipboard(outSequence++, body));
  sent[kind] += 1;
  post({ ev: 'sent', what: kind });
}

function fail(message) {
  if (ended) return;
  if (!endReason) endReason = { code: P.CloseCode.protocol_error, message: String(message) };
  post({ ev: 'error', message });
  try {
    send(P.makeJsonMessage(MSG.close_reason, outSequence++, { code: P.CloseCode.protocol_error, message: String(message).slice(0, 200) }));
  } catch {
    // nothing more to say
  }
  queue.length = 0;
  if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
}

function onSocketMessage(ev) {
  if (ended) return;
  if (typeof ev.data === 'string') {
    fail('text message refused');
    return;
  }
  let msg;
  try {
    msg = P.parseMessage(ev.data);
  } catch (err) {
    fail(`bad message: ${err.message}`);
    return;
  }
  try {
    switch (msg.type) {
      case MSG.hello:
        onHello(msg.json || P.parseJsonPayload(msg.payload));
        break;
      case MSG.close_reason:
        onCloseReason(msg.json || P.parseJsonPayload(msg.payload));
        break;
      case MSG.screen_info:
      case MSG.frame:
        queue.push(msg);
        pump();
        break;
      case MSG.cursor_shape:
        onCursorShape(P.parseCursorShape(msg.payload));
        break;
      case MSG.cursor_position:
        post({ ev: 'cursor_position', ...P.parseCursorPosition(msg.payload) });
        break;
      case MSG.access_state:
        onAccessState(msg.json || P.parseJsonPayload(msg.payload));
        break;
      case MSG.clipboard: {
        const { text } = P.parseClipboard(msg.payload);
        post({ ev: 'clipboard', text });
        break;
      }
      default:
        // Valid but not meant for viewers (viewers, frame_ack): ignore.
        break;
    }
  } catch (err) {
    fail(err.message);
  }
}

function str(v, max) {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function onHello(obj) {
  if (obj.protocol !== undefined && obj.protocol !== 1) {
    fail('unsupported protocol version');
    return;
  }
  const c = obj.customer && typeof obj.customer === 'object' ? obj.customer : {};
  post({ ev: 'hello', name: str(c.name, TEXT_CAPS.name), description: str(c.description, TEXT_CAPS.description) });
}

function onAccessState(obj) {
  access = normalizeAccess(obj);
  if (!mayControl()) inputPump.drop();
  post({ ev: 'access', access });
}

function onCloseReason(obj) {
  endReason = { code: str(obj.code, TEXT_CAPS.code), message: str(obj.message, TEXT_CAPS.message) };
  post({ ev: 'close_reason', ...endReason });
}

function onCursorShape(shape) {
  const pixels = new Uint8ClampedArray(shape.rgba); // a copy: the socket buffer is not ours to keep
  cursorChain = cursorChain
    .then(() => createImageBitmap(new ImageData(pixels, shape.w, shape.h), { premultiplyAlpha: 'default' }))
    .then((bitmap) => {
      post({ ev: 'cursor_shape', bitmap, width: shape.w, height: shape.h, hotX: shape.hotX, hotY: shape.hotY }, [bitmap]);
    })
    .catch((err) => post({ ev: 'error', message: `cursor: ${err.message}` }));
}

async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    while (queue.length > 0 && !ended) {
      const msg = queue.shift();
      if (msg.type === MSG.screen_info) {
        onScreenInfo(msg.json || P.parseJsonPayload(msg.payload));
      } else {
        await onFrame(msg);
      }
    }
  } catch (err) {
    fail(err.message);
  } finally {
    pumping = false;
  }
}

function onScreenInfo(obj) {
  const size = checkScreenInfo(obj);
  if (size.width !== width || size.height !== height) {
    width = size.width;
    height = size.height;
    canvas.width = width; // resizing clears the canvas; the next frame covers the whole screen
    canvas.height = height;
  }
  post({ ev: 'screen', width, height, monitors: size.monitors || [], scope: size.scope });
}

async function onFrame(msg) {
  if (width === 0) throw new Error('frame before screen_info');
  const tiles = P.parseFrame(msg.payload, width, height);
  const painted = await decodeFrame(tiles);
  if (ended) return;
  let probeHit = false;
  for (const t of painted) {
    const rgba = t.rgba instanceof Uint8ClampedArray ? t.rgba : new Uint8ClampedArray(t.rgba.buffer, t.rgba.byteOffset, t.rgba.byteLength);
    ctx.putImageData(new ImageData(rgba, t.w, t.h), t.x, t.y);
    if (probe && !probeHit && tileContains(t, probe)) probeHit = true;
  }
  frames += 1;
  lastSequence = msg.sequence;
  send(P.makeFrameAck(outSequence++, msg.sequence));
  if (probeHit) {
    const px = ctx.getImageData(probe.x, probe.y, 1, 1).data;
    probeLog.push({ seq: msg.sequence, rgb: [px[0], px[1], px[2]], t: performance.timeOrigin + performance.now() });
  }
  if (!live) {
    live = true;
    post({ ev: 'live' });
  }
}
