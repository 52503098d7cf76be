// The visit wire protocol, version 1, for the console: the mirror of src/protocol/ in C++.
// docs/protocol.md is the single source; the golden fixtures in tests/fixtures/protocol/ are
// checked by both implementations (tests/js/protocol.test.mjs). Plain ES module without
// dependencies or DOM: works in pages, Web Workers and Node 20.
//
// Errors: every parser throws a ProtocolError whose `reason` is one of the C++ parse_error
// names ('truncated', 'unknown_type', 'bad_flags', 'too_large', 'bad_size', 'bad_json',
// 'bad_tile', 'bad_value'). Checks happen before any allocation proportional to the input.

export const VERSION = 1;
export const HEADER_SIZE = 16;
export const CELL_SIZE = 64;
export const FRAME_HEADER_SIZE = 4;
export const TILE_HEADER_SIZE = 14;
export const CREDIT_FRAMES = 4;

export const MessageType = Object.freeze({
  hello: 0x01,
  close_reason: 0x02,
  screen_info: 0x03,
  viewers: 0x04,
  frame: 0x10,
  frame_ack: 0x11,
  cursor_shape: 0x12,
  cursor_position: 0x13,
  control_request: 0x20,
  access_state: 0x21,
  clipboard: 0x22,
  input: 0x23,
  paste_text: 0x24,
  support_request: 0x05,
  request_filed: 0x06,
  console_event: 0x30,
});

export const TileEncoding = Object.freeze({ solid: 0, raw: 1, palette: 2 });

/** close_reason codes (docs/protocol.md §6), the same enum as C++ visit::protocol::close_code. */
export const CloseCode = Object.freeze({
  protocol_error: 'protocol_error',
  version_mismatch: 'version_mismatch',
  too_large: 'too_large',
  unauthorized: 'unauthorized',
  forbidden_origin: 'forbidden_origin',
  not_found: 'not_found',
  server_shutdown: 'server_shutdown',
  customer_left: 'customer_left',
  replaced: 'replaced',
  code_refused: 'code_refused',
  invalid_request: 'invalid_request',
  resolved: 'resolved',
});
export const CLOSE_CODES = Object.freeze(Object.values(CloseCode));

export const Limits = Object.freeze({
  maxFramePayload: 8 * 1024 * 1024,
  maxMessageSize: 8 * 1024 * 1024 + HEADER_SIZE,
  maxTileData: 16384,
  maxScreenDimension: 8192,
  maxMonitors: 8,
  maxNameBytes: 128,
  maxDescriptionBytes: 2048,
  maxCursorDimension: 128,
  maxTechnicianIdBytes: 64,
  maxInputEvents: 256,
  inputEventSize: 8,
  maxPasteBytes: 4096,
  maxClipboardBytes: 65536,
  maxWheelNotches: 100,
  maxButton: 9,
  controlJson: 1024,
  maxScopeTitleBytes: 256,
});

// from_len + the longest technician id (docs/protocol.md §9).
const MAX_FROM_PREFIX = 1 + 64;

/** Payload limit per type; for fixed-size types the exact size. */
export const MAX_PAYLOAD = Object.freeze({
  [MessageType.hello]: 64 * 1024,
  [MessageType.close_reason]: 4 * 1024,
  [MessageType.screen_info]: 1024,
  [MessageType.viewers]: 16 * 1024,
  [MessageType.frame]: Limits.maxFramePayload,
  [MessageType.frame_ack]: 4,
  [MessageType.cursor_shape]: 8 + 128 * 128 * 4,
  [MessageType.cursor_position]: 6,
  [MessageType.control_request]: 1024,
  [MessageType.access_state]: 1024,
  [MessageType.clipboard]: MAX_FROM_PREFIX + 65536,
  [MessageType.input]: MAX_FROM_PREFIX + 2 + 256 * 8,
  [MessageType.paste_text]: MAX_FROM_PREFIX + 4096,
  [MessageType.support_request]: 4 * 1024 * 1024,
  [MessageType.request_filed]: 1024,
  [MessageType.console_event]: 1024 * 1024,
});

const JSON_TYPES = new Set([
  MessageType.hello,
  MessageType.close_reason,
  MessageType.screen_info,
  MessageType.viewers,
  MessageType.control_request,
  MessageType.access_state,
  MessageType.support_request,
  MessageType.request_filed,
  MessageType.console_event,
]);

export const InputKind = Object.freeze({ pointer_move: 0, button: 1, wheel: 2, key: 3, special: 4 });

/** Key combinations a browser cannot capture (docs/protocol.md §9.2); C++ special_key. */
export const SpecialKey = Object.freeze({
  ctrl_alt_del: 1,
  alt_tab: 2,
  alt_shift_tab: 3,
  alt_f4: 4,
  meta: 5,
  print_screen: 6,
  ctrl_esc: 7,
});

/**
 * The key-code table (docs/protocol.md §9.1): index -> KeyboardEvent.code; the one JS
 * definition, checked against the C++ table by tests/fixtures/protocol/key_codes.txt.
 * Index 0 is never sent. Append only.
 */
export const KEY_CODES = Object.freeze([
  'Unidentified',
  'KeyA',
  'KeyB',
  'KeyC',
  'KeyD',
  'KeyE',
  'KeyF',
  'KeyG',
  'KeyH',
  'KeyI',
  'KeyJ',
  'KeyK',
  'KeyL',
  'KeyM',
  'KeyN',
  'KeyO',
  'KeyP',
  'KeyQ',
  'KeyR',
  'KeyS',
  'KeyT',
  'KeyU',
  'KeyV',
  'KeyW',
  'KeyX',
  'KeyY',
  'KeyZ',
  'Digit0',
  'Digit1',
  'Digit2',
  'Digit3',
  'Digit4',
  'Digit5',
  'Digit6',
  'Digit7',
  'Digit8',
  'Digit9',
  'F1',
  'F2',
  'F3',
  'F4',
  'F5',
  'F6',
  'F7',
  'F8',
  'F9',
  'F10',
  'F11',
  'F12',
  'Enter',
  'Escape',
  'Backspace',
  'Tab',
  'Space',
  'Minus',
  'Equal',
  'BracketLeft',
  'BracketRight',
  'Backslash',
  'Semicolon',
  'Quote',
  'Backquote',
  'Comma',
  'Period',
  'Slash',
  'CapsLock',
  'PrintScreen',
  'ScrollLock',
  'Pause',
  'Insert',
  'Home',
  'PageUp',
  'Delete',
  'End',
  'PageDown',
  'ArrowRight',
  'ArrowLeft',
  'ArrowDown',
  'ArrowUp',
  'NumLock',
  'NumpadDivide',
  'NumpadMultiply',
  'NumpadSubtract',
  'NumpadAdd',
  'NumpadEnter',
  'Numpad1',
  'Numpad2',
  'Numpad3',
  'Numpad4',
  'Numpad5',
  'Numpad6',
  'Numpad7',
  'Numpad8',
  'Numpad9',
  'Numpad0',
  'NumpadDecimal',
  'IntlBackslash',
  'ContextMenu',
  'ShiftLeft',
  'ShiftRight',
  'ControlLeft',
  'ControlRight',
  'AltLeft',
  'AltRight',
  'MetaLeft',
  'MetaRight',
  'F13',
  'F14',
  'F15',
  'F16',
  'IntlRo',
  'IntlYen',
]);
const KEY_INDEX = new Map(KEY_CODES.map((name, i) => [name, i]));

/** The wire index of a KeyboardEvent.code, or undefined when the table lacks it. */
export function keyCodeIndex(code) {
  const i = KEY_INDEX.get(code);
  return i === 0 ? undefined : i;
}

// The last four bytes of every deflate segment (the sync flush's empty stored block).
const SYNC_MARKER = [0x00, 0x00, 0xff, 0xff];
const MIN_SEGMENT = 5;

export class ProtocolError extends Error {
  constructor(reason, detail) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'ProtocolError';
    this.reason = reason;
  }
}

function fail(reason, detail) {
  throw new ProtocolError(reason, detail);
}

function asBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('expected an ArrayBuffer or a Uint8Array');
}

function view(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Microseconds of wall clock, for header timestamps. */
export function nowUs() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * A JSON payload as an object. Throws ProtocolError('bad_json') unless the payload is valid
 * UTF-8 holding exactly one JSON object (a BOM is refused, as in C++).
 */
export function parseJsonPayload(payload) {
  const bytes = asBytes(payload);
  let value;
  try {
    value = JSON.parse(utf8Decoder.decode(bytes));
  } catch (e) {
    fail('bad_json', e.message);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('bad_json', 'not a JSON object');
  }
  return value;
}

function checkCursorShape(payload) {
  if (payload.length < 8) fail('bad_size', 'cursor_shape header');
  const dv = view(payload);
  const w = dv.getUint16(0, true);
  const h = dv.getUint16(2, true);
  const hotX = dv.getUint16(4, true);
  const hotY = dv.getUint16(6, true);
  const max = Limits.maxCursorDimension;
  if (w < 1 || w > max || h < 1 || h > max || hotX >= w || hotY >= h) {
    fail('bad_value', 'cursor_shape fields');
  }
  if (payload.length !== 8 + w * h * 4) fail('bad_size', 'cursor_shape pixels');
  return { w, h, hotX, hotY, rgba: payload.subarray(8) };
}

function checkCursorPosition(payload) {
  if (payload.length !== 6) fail('bad_size', 'cursor_position');
  if (payload[4] > 1 || payload[5] !== 0) fail('bad_value', 'cursor_position visible/reserved');
  const dv = view(payload);
  return { x: dv.getUint16(0, true), y: dv.getUint16(2, true), visible: payload[4] === 1 };
}

/** {w, h, hotX, hotY, rgba: Uint8Array} of a cursor_shape payload; throws on malformed input. */
export function parseCursorShape(payload) {
  return checkCursorShape(asBytes(payload));
}

/** {x, y, visible} of a cursor_position payload; throws on malformed input. */
export function parseCursorPosition(payload) {
  return checkCursorPosition(asBytes(payload));
}

/** The acknowledged sequence of a frame_ack payload. */
export function parseFrameAck(payload) {
  const bytes = asBytes(payload);
  if (bytes.length !== 4) fail('bad_size', 'frame_ack');
  return view(bytes).getUint32(0, true);
}

/**
 * The optional "scope" member of screen_info (docs/protocol.md §3.8), as the C++
 * visit::protocol::parse_screen_info checks it: undefined (absent: the whole desktop),
 * {kind: 'desktop'} or {kind: 'window', title, state} with title 0..256 bytes of UTF-8 and state
 * 'visible' | 'minimised' | 'closed'. Unknown members are dropped. Throws
 * ProtocolError('bad_value') on anything else.
 */
export function parseScreenScope(scope) {
  if (scope === undefined) return undefined;
  if (scope === null || typeof scope !== 'object' || Array.isArray(scope)) {
    fail('bad_value', 'screen_info scope');
  }
  if (scope.kind === 'desktop') return { kind: 'desktop' };
  if (scope.kind !== 'window') fail('bad_value', 'screen_info scope kind');
  const { title, state } = scope;
  if (typeof title !== 'string' || utf8Encoder.encode(title).length > Limits.maxScopeTitleBytes) {
    fail('bad_value', 'screen_info scope title');
  }
  if (state !== 'visible' && state !== 'minimised' && state !== 'closed') {
    fail('bad_value', 'screen_info scope state');
  }
  return { kind: 'window', title, state };
}

const TECHNICIAN_ID = /^[A-Za-z0-9._@-]{1,64}$/;

/** A technician id: 1..64 bytes of [A-Za-z0-9._@-]. */
export function isValidTechnicianId(id) {
  return typeof id === 'string' && TECHNICIAN_ID.test(id);
}

// The from prefix: u8 length (0..64) + the technician id. Returns {from, rest}.
function readFrom(payload) {
  if (payload.length < 1) fail('truncated', 'from prefix');
  const n = payload[0];
  if (n > Limits.maxTechnicianIdBytes) fail('bad_value', 'from length');
  if (payload.length < 1 + n) fail('truncated', 'from');
  let from = '';
  for (let i = 1; i <= n; i++) from += String.fromCharCode(payload[i]);
  if (n > 0 && !TECHNICIAN_ID.test(from)) fail('bad_value', 'from');
  return { from, rest: payload.subarray(1 + n) };
}

function eventOk(dv, o) {
  const kind = dv.getUint8(o);
  const b1 = dv.getUint8(o + 1);
  const w2 = dv.getUint16(o + 2, true);
  const w4 = dv.getUint16(o + 4, true);
  const w6 = dv.getUint16(o + 6, true);
  const notches = (v) => v >= -Limits.maxWheelNotches && v <= Limits.maxWheelNotches;
  switch (kind) {
    case InputKind.pointer_move:
      return b1 === 0 && w6 === 0;
    case InputKind.button:
      return b1 >= 1 && b1 <= Limits.maxButton && w6 <= 1;
    case InputKind.wheel:
      return b1 === 0 && w6 === 0 && notches(dv.getInt16(o + 2, true)) && notches(dv.getInt16(o + 4, true));
    case InputKind.key:
      return b1 <= 1 && w2 >= 1 && w2 < KEY_CODES.length && w4 === 0 && w6 === 0;
    case InputKind.special:
      return b1 >= 1 && b1 <= 7 && w2 === 0 && w4 === 0 && w6 === 0;
    default:
      return false;
  }
}

function checkInput(payload) {
  const { from, rest } = readFrom(payload);
  if (rest.length < 2) fail('truncated', 'input count');
  const dv = view(rest);
  const count = dv.getUint16(0, true);
  if (count === 0 || count > Limits.maxInputEvents) fail('bad_value', `input count ${count}`);
  if (rest.length !== 2 + count * 8) fail('bad_size', 'input events');
  for (let i = 0; i < count; i++) {
    if (!eventOk(dv, 2 + i * 8)) fail('bad_value', `input event ${i}`);
  }
  return { from, dv, count };
}

/**
 * An input payload -> {from, events}; `from` is '' from a viewer. Events are
 * {kind:'pointer_move', x, y} | {kind:'button', button, pressed, x, y} | {kind:'wheel', dx, dy}
 * | {kind:'key', code (KeyboardEvent.code), key (index), pressed} | {kind:'special', special}.
 */
export function parseInput(payload) {
  const { from, dv, count } = checkInput(asBytes(payload));
  const kinds = Object.keys(InputKind);
  const specials = Object.keys(SpecialKey);
  const events = new Array(count);
  for (let i = 0; i < count; i++) {
    const o = 2 + i * 8;
    const kind = kinds[dv.getUint8(o)];
    const b1 = dv.getUint8(o + 1);
    if (kind === 'pointer_move') {
      events[i] = { kind, x: dv.getUint16(o + 2, true), y: dv.getUint16(o + 4, true) };
    } else if (kind === 'button') {
      events[i] = {
        kind,
        button: b1,
        pressed: dv.getUint16(o + 6, true) === 1,
        x: dv.getUint16(o + 2, true),
        y: dv.getUint16(o + 4, true),
      };
    } else if (kind === 'wheel') {
      events[i] = { kind, dx: dv.getInt16(o + 2, true), dy: dv.getInt16(o + 4, true) };
    } else if (kind === 'key') {
      const key = dv.getUint16(o + 2, true);
      events[i] = { kind, code: KEY_CODES[key], key, pressed: b1 === 1 };
    } else {
      events[i] = { kind, special: specials[b1 - 1] };
    }
  }
  return { from, events };
}

function parseText(bytes, min, max) {
  const { from, rest } = readFrom(bytes);
  if (rest.length > max) fail('too_large', 'text');
  if (rest.length < min) fail('bad_size', 'text');
  let text;
  try {
    text = utf8Decoder.decode(rest);
  } catch (e) {
    fail('bad_value', 'text not UTF-8');
  }
  return { from, text };
}

/** A paste_text payload -> {from, text}; 1..4096 bytes of UTF-8. */
export function parsePasteText(payload) {
  return parseText(asBytes(payload), 1, Limits.maxPasteBytes);
}

/** A clipboard payload -> {from, text}; 0..65536 bytes of UTF-8. */
export function parseClipboard(payload) {
  return parseText(asBytes(payload), 0, Limits.maxClipboardBytes);
}

/**
 * One whole protocol message (one WebSocket binary message) ->
 * {type, flags, channel, sequence, timestampUs, payload}. `payload` is a view into the input.
 * Checks as C++ parse_message does: size, known type, flags and channel 0, the type's limit,
 * exact sizes, cursor fields, and for JSON types valid UTF-8 holding one JSON object (the
 * parsed object is kept as `json`, so callers need not parse twice).
 */
export function parseMessage(data) {
  const bytes = asBytes(data);
  if (bytes.length < HEADER_SIZE) fail('truncated', `message of ${bytes.length} bytes`);
  const dv = view(bytes);
  const type = bytes[0];
  const limit = MAX_PAYLOAD[type];
  if (limit === undefined) fail('unknown_type', `type 0x${type.toString(16)}`);
  const flags = bytes[1];
  const channel = dv.getUint16(2, true);
  if (flags !== 0 || channel !== 0) fail('bad_flags');
  const sequence = dv.getUint32(4, true);
  const timestampUs = dv.getUint32(12, true) * 4294967296 + dv.getUint32(8, true);
  const payload = bytes.subarray(HEADER_SIZE);
  if (payload.length > limit) fail('too_large', `${payload.length} > ${limit}`);
  const msg = { type, flags, channel, sequence, timestampUs, payload };
  if (JSON_TYPES.has(type)) {
    msg.json = parseJsonPayload(payload);
  } else if (type === MessageType.frame_ack) {
    parseFrameAck(payload);
  } else if (type === MessageType.cursor_position) {
    checkCursorPosition(payload);
  } else if (type === MessageType.cursor_shape) {
    checkCursorShape(payload);
  } else if (type === MessageType.input) {
    checkInput(payload);
  } else if (type === MessageType.paste_text) {
    parseText(payload, 1, Limits.maxPasteBytes);
  } else if (type === MessageType.clipboard) {
    parseText(payload, 0, Limits.maxClipboardBytes);
  } else if (type === MessageType.frame && payload.length < FRAME_HEADER_SIZE + TILE_HEADER_SIZE + 3) {
    fail('truncated', 'frame smaller than one tile');
  }
  return msg;
}

/** Bits per packed palette index for a palette of n colours (docs/protocol.md §4). */
export function paletteBits(n) {
  return n <= 2 ? 1 : n <= 4 ? 2 : n <= 16 ? 4 : 8;
}

function endsWithSyncMarker(segment) {
  if (segment.length < MIN_SEGMENT) return false;
  const o = segment.length - 4;
  return SYNC_MARKER.every((b, i) => segment[o + i] === b);
}

function tileDataOk(encoding, data) {
  switch (encoding) {
    case TileEncoding.solid:
      return data.length === 3;
    case TileEncoding.raw:
      return endsWithSyncMarker(data);
    case TileEncoding.palette: {
      if (data.length === 0) return false;
      const header = 1 + (data[0] + 1) * 3;
      return data.length >= header + MIN_SEGMENT && endsWithSyncMarker(data.subarray(header));
    }
    default:
      return false;
  }
}

/**
 * A frame payload against a screen of width x height -> array of {x, y, w, h, encoding, data}
 * (data a view into the payload), with the same checks as C++ parse_frame: the cell grid,
 * w = min(64, width - x) and h likewise, no cell twice, 1 <= tile_count <= cells, data length
 * <= 16384 and inside the payload, known encoding, solid data 3 bytes, palette header inside
 * the data, deflate segments ending with 00 00 FF FF, no bytes after the last tile.
 */
export function parseFrame(payload, width, height) {
  const bytes = asBytes(payload);
  const maxDim = Limits.maxScreenDimension;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || width > maxDim || height < 1 || height > maxDim) {
    fail('bad_value', `screen ${width}x${height}`);
  }
  if (bytes.length < FRAME_HEADER_SIZE) fail('truncated', 'frame header');
  const dv = view(bytes);
  const columns = Math.ceil(width / CELL_SIZE);
  const cells = columns * Math.ceil(height / CELL_SIZE);
  const count = dv.getUint16(0, true);
  if (count === 0 || count > cells || dv.getUint16(2, true) !== 0) {
    fail('bad_value', `tile_count ${count} of ${cells} cells`);
  }
  if ((bytes.length - FRAME_HEADER_SIZE) / TILE_HEADER_SIZE < count) fail('truncated', 'tiles');
  const seen = new Uint8Array(cells);
  const tiles = new Array(count);
  let off = FRAME_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (bytes.length - off < TILE_HEADER_SIZE) fail('truncated', `tile ${i} header`);
    const x = dv.getUint16(off, true);
    const y = dv.getUint16(off + 2, true);
    const w = dv.getUint16(off + 4, true);
    const h = dv.getUint16(off + 6, true);
    const encoding = bytes[off + 8];
    const reserved = bytes[off + 9];
    const length = dv.getUint32(off + 10, true);
    if (
      x % CELL_SIZE !== 0 ||
      x >= width ||
      y % CELL_SIZE !== 0 ||
      y >= height ||
      w !== Math.min(CELL_SIZE, width - x) ||
      h !== Math.min(CELL_SIZE, height - y) ||
      encoding > 2 ||
      reserved !== 0 ||
      length > Limits.maxTileData
    ) {
      fail('bad_tile', `tile ${i} at ${x},${y} ${w}x${h} encoding ${encoding} length ${length}`);
    }
    const start = off + TILE_HEADER_SIZE;
    if (bytes.length - start < length) fail('truncated', `tile ${i} data`);
    const data = bytes.subarray(start, start + length);
    if (!tileDataOk(encoding, data)) fail('bad_tile', `tile ${i} data`);
    const cell = (y / CELL_SIZE) * columns + x / CELL_SIZE;
    if (seen[cell]) fail('bad_tile', `cell ${x},${y} twice`);
    seen[cell] = 1;
    tiles[i] = { x, y, w, h, encoding, data };
    off = start + length;
  }
  if (off !== bytes.length) fail('bad_size', 'bytes after the last tile');
  return tiles;
}

// --- writing -------------------------------------------------------------------------------

/** A whole message: 16-byte header + payload (Uint8Array). Returns a Uint8Array. */
export function makeMessage(type, sequence, payload = new Uint8Array(0), timestampUs = nowUs()) {
  const body = asBytes(payload);
  const out = new Uint8Array(HEADER_SIZE + body.length);
  const dv = view(out);
  out[0] = type;
  dv.setUint32(4, sequence >>> 0, true);
  dv.setUint32(8, timestampUs % 4294967296, true);
  dv.setUint32(12, Math.floor(timestampUs / 4294967296), true);
  out.set(body, HEADER_SIZE);
  return out;
}

/** A JSON message (hello, close_reason, screen_info, viewers, control_request, access_state). */
export function makeJsonMessage(type, sequence, obj, timestampUs = nowUs()) {
  return makeMessage(type, sequence, utf8Encoder.encode(JSON.stringify(obj)), timestampUs);
}

/** A frame_ack acknowledging frame `ackedSeq`. */
export function makeFrameAck(sequence, ackedSeq, timestampUs = nowUs()) {
  const payload = new Uint8Array(4);
  view(payload).setUint32(0, ackedSeq >>> 0, true);
  return makeMessage(MessageType.frame_ack, sequence, payload, timestampUs);
}

function fromPrefix(from) {
  if (from !== '' && !isValidTechnicianId(from)) throw new TypeError('invalid technician id');
  const out = new Uint8Array(1 + from.length);
  out[0] = from.length;
  for (let i = 0; i < from.length; i++) out[1 + i] = from.charCodeAt(i);
  return out;
}

/**
 * An input message from events as parseInput returns them (a key event may give `code` or
 * `key`). `from` is '' for a viewer. Throws TypeError for an event the protocol cannot carry.
 */
export function makeInput(sequence, events, from = '', timestampUs = nowUs()) {
  if (events.length < 1 || events.length > Limits.maxInputEvents) throw new TypeError('1..256 events');
  const prefix = fromPrefix(from);
  const payload = new Uint8Array(prefix.length + 2 + events.length * 8);
  payload.set(prefix);
  const dv = view(payload);
  dv.setUint16(prefix.length, events.length, true);
  events.forEach((e, i) => {
    const o = prefix.length + 2 + i * 8;
    const kind = InputKind[e.kind];
    if (kind === undefined) throw new TypeError(`unknown input kind ${e.kind}`);
    dv.setUint8(o, kind);
    if (e.kind === 'pointer_move' || e.kind === 'button') {
      dv.setUint16(o + 2, e.x, true);
      dv.setUint16(o + 4, e.y, true);
    }
    if (e.kind === 'button') {
      dv.setUint8(o + 1, e.button);
      dv.setUint16(o + 6, e.pressed ? 1 : 0, true);
    } else if (e.kind === 'wheel') {
      dv.setInt16(o + 2, e.dx, true);
      dv.setInt16(o + 4, e.dy, true);
    } else if (e.kind === 'key') {
      const key = e.key ?? keyCodeIndex(e.code);
      if (!key) throw new TypeError(`key code ${e.code} is not in the table`);
      dv.setUint8(o + 1, e.pressed ? 1 : 0);
      dv.setUint16(o + 2, key, true);
    } else if (e.kind === 'special') {
      const s = SpecialKey[e.special];
      if (s === undefined) throw new TypeError(`unknown special ${e.special}`);
      dv.setUint8(o + 1, s);
    }
  });
  checkInput(payload);
  return makeMessage(MessageType.input, sequence, payload, timestampUs);
}

function makeText(type, sequence, text, from, timestampUs) {
  const prefix = fromPrefix(from);
  const body = utf8Encoder.encode(text);
  const payload = new Uint8Array(prefix.length + body.length);
  payload.set(prefix);
  payload.set(body, prefix.length);
  return makeMessage(type, sequence, payload, timestampUs);
}

/** A paste_text message (text: 1..4096 bytes once UTF-8 encoded). */
export function makePasteText(sequence, text, from = '', timestampUs = nowUs()) {
  return makeText(MessageType.paste_text, sequence, text, from, timestampUs);
}

/** A clipboard message (text: 0..65536 bytes once UTF-8 encoded). */
export function makeClipboard(sequence, text, from = '', timestampUs = nowUs()) {
  return makeText(MessageType.clipboard, sequence, text, from, timestampUs);
}
