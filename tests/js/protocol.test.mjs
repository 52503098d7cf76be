// The console's protocol mirror against the golden fixtures written by the C++ side
// (tests/codec/golden_test.cpp). Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import * as P from '../../web/js/protocol.js';
import { decodeFrame } from '../../web/js/session/frame_decoder.js';
import { checkScreenInfo } from '../../web/js/session/viewer_messages.js';

const fixtures = new URL('../fixtures/protocol/', import.meta.url);
const fixture = (name) => new Uint8Array(readFileSync(new URL(name, fixtures)));
const FIXED_TIME = 1700000000123456;
const W = 130;
const H = 70;

function throwsReason(fn, reason) {
  assert.throws(fn, (e) => e instanceof P.ProtocolError && e.reason === reason, `expected ${reason}`);
}

async function rejectsReason(promise, reason) {
  await assert.rejects(promise, (e) => e instanceof P.ProtocolError && e.reason === reason);
}

// Paints decoded tiles into a whole-screen RGBA buffer.
function compose(decoded, width, height) {
  const screen = new Uint8Array(width * height * 4);
  for (const t of decoded) {
    for (let y = 0; y < t.h; y++) {
      screen.set(t.rgba.subarray(y * t.w * 4, (y + 1) * t.w * 4), ((t.y + y) * width + t.x) * 4);
    }
  }
  return screen;
}

function frameMessage() {
  return P.parseMessage(fixture('frame_130x70.bin'));
}

test('hello fixture parses to its JSON object', () => {
  const m = P.parseMessage(fixture('hello.bin'));
  assert.equal(m.type, P.MessageType.hello);
  assert.equal(m.sequence, 1);
  assert.equal(m.timestampUs, FIXED_TIME);
  const hello = P.parseJsonPayload(m.payload);
  assert.deepEqual(m.json, hello);
  assert.equal(hello.protocol, 1);
  assert.equal(hello.name, 'Ada Lovelace');
  assert.equal(hello.description, 'printer broken \u2014 caf\u00e9');
});

test('writers reproduce the fixtures byte for byte', () => {
  assert.deepEqual(P.makeFrameAck(5, 3, FIXED_TIME), fixture('frame_ack.bin'));
  assert.deepEqual(
    P.makeJsonMessage(P.MessageType.screen_info, 2, { width: 130, height: 70, cell: 64 }, FIXED_TIME),
    fixture('screen_info.bin'),
  );
  const monitors = [
    { x: 0, y: 0, width: 1024, height: 768, primary: true },
    { x: 1024, y: 0, width: 1024, height: 768, primary: false },
  ];
  assert.deepEqual(
    P.makeJsonMessage(P.MessageType.screen_info, 2, { width: 2048, height: 768, cell: 64, monitors }, FIXED_TIME),
    fixture('screen_info_monitors.bin'),
  );
  const si = P.parseMessage(fixture('screen_info_monitors.bin'));
  assert.deepEqual(checkScreenInfo(si.json || P.parseJsonPayload(si.payload)), { width: 2048, height: 768, scope: null, monitors });
  const scopeInfo = {
    width: 130,
    height: 70,
    cell: 64,
    scope: { kind: 'window', title: 'Rechnung \u2014 caf\u00e9 <b>&</b>', state: 'minimised' },
  };
  assert.deepEqual(P.makeJsonMessage(P.MessageType.screen_info, 2, scopeInfo, FIXED_TIME), fixture('screen_info_window.bin'));
  const parsed = P.parseMessage(fixture('screen_info_window.bin'));
  assert.deepEqual(P.parseScreenScope(parsed.json.scope), scopeInfo.scope);
  const ack = P.parseMessage(fixture('frame_ack.bin'));
  assert.equal(ack.type, P.MessageType.frame_ack);
  assert.equal(P.parseFrameAck(ack.payload), 3);
});

test('frame fixture decodes to the expected pixels', async () => {
  const m = frameMessage();
  assert.equal(m.type, P.MessageType.frame);
  const tiles = P.parseFrame(m.payload, W, H);
  assert.equal(tiles.length, 6);
  const encodings = tiles.map((t) => t.encoding).sort();
  assert.deepEqual(encodings, [0, 1, 2, 2, 2, 2]);
  const decoded = await decodeFrame(tiles);
  for (const t of decoded) {
    assert.ok(t.rgba instanceof Uint8ClampedArray);
    assert.equal(t.rgba.length, t.w * t.h * 4);
  }
  assert.deepEqual(compose(decoded, W, H), fixture('frame_130x70.rgba'));
});

test('message header refusals', () => {
  const ack = fixture('frame_ack.bin');
  for (let n = 0; n < P.HEADER_SIZE; n++) throwsReason(() => P.parseMessage(ack.subarray(0, n)), 'truncated');
  for (const t of [0x00, 0x07, 0x14, 0x31, 0xff]) {
    const bad = ack.slice();
    bad[0] = t;
    throwsReason(() => P.parseMessage(bad), 'unknown_type');
  }
  for (const i of [1, 2, 3]) {
    const bad = ack.slice();
    bad[i] = 1;
    throwsReason(() => P.parseMessage(bad), 'bad_flags');
  }
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.frame_ack, 1, new Uint8Array(3))), 'bad_size');
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.frame_ack, 1, new Uint8Array(5))), 'too_large');
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.frame, 1, new Uint8Array(0))), 'truncated');
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.frame, 1, new Uint8Array(P.Limits.maxFramePayload + 1))), 'too_large');
  // An ArrayBuffer works as well as a Uint8Array.
  assert.equal(P.parseMessage(ack.slice().buffer).sequence, 5);
});

test('JSON payload limits and refusals', () => {
  const padded = (size) => {
    const s = '{"a":"' + 'x'.repeat(size - 8) + '"}';
    assert.equal(s.length, size);
    return new TextEncoder().encode(s);
  };
  for (const [type, max] of [
    [P.MessageType.hello, 65536],
    [P.MessageType.close_reason, 4096],
    [P.MessageType.screen_info, 1024],
    [P.MessageType.viewers, 16 * 1024],
  ]) {
    assert.ok(P.parseMessage(P.makeMessage(type, 1, padded(max))));
    throwsReason(() => P.parseMessage(P.makeMessage(type, 1, padded(max + 1))), 'too_large');
    throwsReason(() => P.parseMessage(P.makeMessage(type, 1, new Uint8Array(0))), 'bad_json');
  }
  const enc = new TextEncoder();
  for (const bad of ['[]', '1', '"s"', 'null', '{', '{"a":1,}', '{}x', '\ufeff{}']) {
    throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.hello, 1, enc.encode(bad))), 'bad_json');
  }
  for (const bytes of [
    [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d],
    [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d],
  ]) {
    throwsReason(() => P.parseJsonPayload(new Uint8Array(bytes)), 'bad_json');
  }
});

test('cursor payloads', () => {
  const shape = new Uint8Array(8 + 2 * 2 * 4);
  new DataView(shape.buffer).setUint16(0, 2, true);
  new DataView(shape.buffer).setUint16(2, 2, true);
  shape[4] = 1;
  const m = P.parseMessage(P.makeMessage(P.MessageType.cursor_shape, 1, shape));
  assert.deepEqual({ ...P.parseCursorShape(m.payload), rgba: undefined }, { w: 2, h: 2, hotX: 1, hotY: 0, rgba: undefined });
  const wide = shape.slice();
  wide[4] = 2; // hot_x == w
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.cursor_shape, 1, wide)), 'bad_value');
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.cursor_shape, 1, shape.subarray(1))), 'bad_value');
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.cursor_shape, 1, shape.subarray(0, 23))), 'bad_size');
  const pos = new Uint8Array([10, 0, 20, 0, 1, 0]);
  assert.deepEqual(P.parseCursorPosition(P.parseMessage(P.makeMessage(P.MessageType.cursor_position, 1, pos)).payload), {
    x: 10,
    y: 20,
    visible: true,
  });
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.cursor_position, 1, new Uint8Array([0, 0, 0, 0, 2, 0]))), 'bad_value');
});

test('frame refusals mirror C++ parse_frame', () => {
  const payload = frameMessage().payload.slice();
  const tiles = P.parseFrame(payload, W, H);
  throwsReason(() => P.parseFrame(payload, 0, H), 'bad_value');
  throwsReason(() => P.parseFrame(payload, 8193, H), 'bad_value');
  throwsReason(() => P.parseFrame(payload, 200, H), 'bad_tile'); // w of the edge cells differ
  // Truncated anywhere.
  for (const n of [0, 3, 4, 17, payload.length - 1]) {
    assert.throws(() => P.parseFrame(payload.subarray(0, n), W, H), P.ProtocolError);
  }
  const edit = (fn) => {
    const copy = payload.slice();
    fn(copy, new DataView(copy.buffer));
    return copy;
  };
  throwsReason(
    () =>
      P.parseFrame(
        edit((b) => {
          b[0] = 0;
          b[1] = 0;
        }),
        W,
        H,
      ),
    'bad_value',
  );
  throwsReason(
    () =>
      P.parseFrame(
        edit((b) => {
          b[0] = 7;
        }),
        W,
        H,
      ),
    'bad_value',
  ); // > 6 cells
  throwsReason(
    () =>
      P.parseFrame(
        edit((b) => {
          b[2] = 1;
        }),
        W,
        H,
      ),
    'bad_value',
  );
  throwsReason(
    () =>
      P.parseFrame(
        edit((b, dv) => dv.setUint16(4, 1, true)),
        W,
        H,
      ),
    'bad_tile',
  ); // x off grid
  throwsReason(
    () =>
      P.parseFrame(
        edit((b, dv) => dv.setUint16(8, 63, true)),
        W,
        H,
      ),
    'bad_tile',
  ); // w wrong
  throwsReason(
    () =>
      P.parseFrame(
        edit((b) => {
          b[4 + 8] = 3;
        }),
        W,
        H,
      ),
    'bad_tile',
  ); // encoding
  throwsReason(
    () =>
      P.parseFrame(
        edit((b) => {
          b[4 + 9] = 1;
        }),
        W,
        H,
      ),
    'bad_tile',
  ); // reserved
  throwsReason(
    () =>
      P.parseFrame(
        edit((b, dv) => dv.setUint32(4 + 10, 0xffffffff, true)),
        W,
        H,
      ),
    'bad_tile',
  );
  throwsReason(
    () =>
      P.parseFrame(
        edit((b, dv) => dv.setUint32(4 + 10, 16385, true)),
        W,
        H,
      ),
    'bad_tile',
  );
  const withTrailer = new Uint8Array(payload.length + 1);
  withTrailer.set(payload);
  throwsReason(() => P.parseFrame(withTrailer, W, H), 'bad_size');
  // The second tile names the first tile's cell.
  const secondOffset = 4 + 14 + tiles[0].data.length;
  throwsReason(
    () =>
      P.parseFrame(
        edit((b, dv) => {
          dv.setUint16(secondOffset, tiles[0].x, true);
          dv.setUint16(secondOffset + 2, tiles[0].y, true);
          dv.setUint16(secondOffset + 4, tiles[0].w, true);
          dv.setUint16(secondOffset + 6, tiles[0].h, true);
        }),
        W,
        H,
      ),
    'bad_tile',
  );
  // A segment that does not end with the sync flush marker.
  const rawIndex = tiles.findIndex((t) => t.encoding === P.TileEncoding.raw);
  const rawEnd = tiles[rawIndex].data.byteOffset - payload.byteOffset + tiles[rawIndex].data.length;
  throwsReason(
    () =>
      P.parseFrame(
        edit((b) => {
          b[rawEnd - 1] = 0;
        }),
        W,
        H,
      ),
    'bad_tile',
  );
});

test('corrupt deflate data is refused by decodeFrame', async () => {
  const tiles = P.parseFrame(frameMessage().payload.slice(), W, H);
  const raw = tiles.find((t) => t.encoding === P.TileEncoding.raw);
  // Garbage in the middle of the raw tile's segment: invalid codes or a wrong size.
  const corrupt = tiles.map((t) => (t === raw ? { ...t, data: t.data.map((b, i) => (i > 0 && i < 40 ? 0xff : b)) } : t));
  await rejectsReason(decodeFrame(corrupt), 'bad_tile');
  // A tile claiming fewer rows: the stream inflates to more than the tiles need.
  await rejectsReason(decodeFrame(tiles.map((t) => (t === raw ? { ...t, h: 32 } : t))), 'bad_tile');
  // A tile whose segment is missing: the stream ends early.
  await rejectsReason(
    decodeFrame(tiles.filter((t) => t !== raw).concat([{ ...raw, data: raw.data.subarray(raw.data.length - 5) }])),
    'bad_tile',
  );
});

test('palette index >= n is refused', async () => {
  // 64x1 screen, n = 3 (2-bit indices), a stored block of 16 bytes 0xff (index 3 everywhere).
  const data = new Uint8Array([
    2,
    1,
    1,
    1,
    2,
    2,
    2,
    3,
    3,
    3,
    0x00,
    16,
    0,
    0xef,
    0xff,
    ...new Array(16).fill(0xff),
    0x00,
    0x00,
    0x00,
    0xff,
    0xff,
  ]);
  const payload = new Uint8Array(4 + 14 + data.length);
  const dv = new DataView(payload.buffer);
  dv.setUint16(0, 1, true);
  dv.setUint16(4 + 4, 64, true);
  dv.setUint16(4 + 6, 1, true);
  payload[4 + 8] = P.TileEncoding.palette;
  dv.setUint32(4 + 10, data.length, true);
  payload.set(data, 18);
  const tiles = P.parseFrame(payload, 64, 1);
  await rejectsReason(decodeFrame(tiles), 'bad_tile');
  payload.fill(0xaa, 18 + 15, 18 + 31); // index 2 everywhere: fine
  const [tile] = await decodeFrame(P.parseFrame(payload, 64, 1));
  assert.deepEqual([...tile.rgba.subarray(0, 8)], [3, 3, 3, 255, 3, 3, 3, 255]);
});

test('solid-only frames need no inflation', async () => {
  const payload = new Uint8Array(4 + 14 + 3);
  const dv = new DataView(payload.buffer);
  dv.setUint16(0, 1, true);
  dv.setUint16(4 + 4, 10, true);
  dv.setUint16(4 + 6, 5, true);
  dv.setUint32(4 + 10, 3, true);
  payload.set([9, 8, 7], 18);
  const [tile] = await decodeFrame(P.parseFrame(payload, 10, 5));
  assert.equal(tile.rgba.length, 200);
  assert.deepEqual([...tile.rgba.subarray(196)], [9, 8, 7, 255]);
});

test('constants match the C++ header', () => {
  assert.equal(P.HEADER_SIZE, 16);
  assert.equal(P.Limits.maxMessageSize, (8 << 20) + 16);
  assert.deepEqual(P.CLOSE_CODES, [
    'protocol_error',
    'version_mismatch',
    'too_large',
    'unauthorized',
    'forbidden_origin',
    'not_found',
    'server_shutdown',
    'customer_left',
    'replaced',
    'code_refused',
    'invalid_request',
    'resolved',
  ]);
  assert.equal(P.MAX_PAYLOAD[P.MessageType.cursor_shape], 65544);
});

// --- access control (docs/protocol.md §3.3, §9): fixtures written by tests/protocol/control_test.cpp

const SAMPLE_EVENTS = [
  { kind: 'pointer_move', x: 1919, y: 1079 },
  { kind: 'button', button: 1, pressed: true, x: 10, y: 20 },
  { kind: 'button', button: 1, pressed: false, x: 10, y: 20 },
  { kind: 'wheel', dx: -3, dy: 2 },
  { kind: 'key', code: 'KeyA', key: 1, pressed: true },
  { kind: 'key', code: 'KeyA', key: 1, pressed: false },
  { kind: 'key', code: 'ShiftLeft', key: 98, pressed: true },
  { kind: 'special', special: 'ctrl_alt_del' },
];

test('the key-code table is the C++ table', () => {
  const cpp = new TextDecoder().decode(fixture('key_codes.txt')).split('\n').slice(0, -1);
  assert.deepEqual([...P.KEY_CODES], cpp);
  assert.equal(P.keyCodeIndex('KeyA'), 1);
  assert.equal(P.keyCodeIndex('Unidentified'), undefined);
  assert.equal(P.keyCodeIndex('Nope'), undefined);
});

test('message numbers and limits are the C++ table', () => {
  // tests/protocol/message_types_test.cpp writes one line per type: number name kind limit.
  const cpp = new TextDecoder().decode(fixture('message_types.txt')).split('\n').slice(0, -1);
  const rows = cpp.map((line) => line.split(' '));
  assert.equal(rows.length, Object.keys(P.MessageType).length);
  for (const [number, name, , limit] of rows) {
    assert.equal(P.MessageType[name], Number(number), name);
    assert.equal(P.MAX_PAYLOAD[Number(number)], Number(limit), name);
  }
});

test('input fixtures: parse and reproduce both forms', () => {
  for (const [name, seq, from] of [
    ['input_viewer.bin', 10, ''],
    ['input_customer.bin', 11, 'tech-7'],
  ]) {
    const m = P.parseMessage(fixture(name));
    assert.equal(m.type, P.MessageType.input);
    assert.equal(m.sequence, seq);
    assert.deepEqual(P.parseInput(m.payload), { from, events: SAMPLE_EVENTS });
    assert.deepEqual(P.makeInput(seq, SAMPLE_EVENTS, from, FIXED_TIME), fixture(name));
  }
});

test('control JSON and text fixtures', () => {
  const viewer = P.parseMessage(fixture('control_request_viewer.bin'));
  assert.equal(viewer.type, P.MessageType.control_request);
  assert.deepEqual(viewer.json, {});
  assert.deepEqual(P.makeJsonMessage(P.MessageType.control_request, 7, {}, FIXED_TIME), fixture('control_request_viewer.bin'));
  const customer = P.parseMessage(fixture('control_request_customer.bin'));
  assert.deepEqual(customer.json, { technician: { id: 'tech-7', name: 'Grace Hopper' } });
  const state = { mode: 'full_access', controller: { id: 'tech-7', name: 'Grace Hopper' }, reason: 'granted' };
  assert.deepEqual(P.parseMessage(fixture('access_state.bin')).json, state);
  assert.deepEqual(P.makeJsonMessage(P.MessageType.access_state, 9, state, FIXED_TIME), fixture('access_state.bin'));
  const paste = P.parseMessage(fixture('paste_text.bin'));
  assert.deepEqual(P.parsePasteText(paste.payload), { from: 'tech-7', text: 'caf\u00e9 \u20ac' });
  assert.deepEqual(P.makePasteText(12, 'caf\u00e9 \u20ac', 'tech-7', FIXED_TIME), fixture('paste_text.bin'));
  const clip = P.parseMessage(fixture('clipboard.bin'));
  assert.deepEqual(P.parseClipboard(clip.payload), { from: '', text: 'line 1\nline 2' });
  assert.deepEqual(P.makeClipboard(13, 'line 1\nline 2', '', FIXED_TIME), fixture('clipboard.bin'));
});

test('input refusals mirror C++ parse_input', () => {
  const good = P.makeInput(1, [{ kind: 'pointer_move', x: 5, y: 6 }], 't');
  const ev = P.HEADER_SIZE + 4;
  const edit = (at, v) => {
    const b = good.slice();
    b[at] = v;
    return b;
  };
  assert.ok(P.parseMessage(good));
  throwsReason(() => P.parseMessage(edit(ev, 5)), 'bad_value');
  throwsReason(() => P.parseMessage(edit(ev + 1, 1)), 'bad_value');
  throwsReason(() => P.parseMessage(edit(ev + 6, 1)), 'bad_value');
  throwsReason(() => P.parseMessage(edit(P.HEADER_SIZE + 1, 0x2f)), 'bad_value');
  throwsReason(() => P.parseMessage(edit(P.HEADER_SIZE, 65)), 'bad_value');
  throwsReason(() => P.parseMessage(edit(P.HEADER_SIZE, 30)), 'truncated');
  throwsReason(() => P.parseMessage(edit(P.HEADER_SIZE + 2, 0)), 'bad_value');
  throwsReason(() => P.parseMessage(edit(P.HEADER_SIZE + 2, 2)), 'bad_size');
  const one = (e) => P.parseMessage(P.makeMessage(P.MessageType.input, 1, oneEvent(e)));
  const oneEvent = (bytes) => new Uint8Array([0, 1, 0, ...bytes]);
  throwsReason(() => one([1, 0, 0, 0, 0, 0, 0, 0]), 'bad_value'); // button 0
  throwsReason(() => one([1, 10, 0, 0, 0, 0, 0, 0]), 'bad_value'); // button 10
  throwsReason(() => one([2, 0, 0x9b, 0xff, 0, 0, 0, 0]), 'bad_value'); // wheel -101
  assert.ok(one([2, 0, 0x9c, 0xff, 100, 0, 0, 0])); // wheel -100, 100
  throwsReason(() => one([3, 1, 0, 0, 0, 0, 0, 0]), 'bad_value'); // key 0
  throwsReason(() => one([3, 1, P.KEY_CODES.length, 0, 0, 0, 0, 0]), 'bad_value');
  throwsReason(() => one([4, 8, 0, 0, 0, 0, 0, 0]), 'bad_value'); // special 8
  const many = new Array(256).fill({ kind: 'pointer_move', x: 1, y: 2 });
  assert.ok(P.parseMessage(P.makeInput(1, many, 'a'.repeat(64))));
  const huge = new Uint8Array(P.MAX_PAYLOAD[P.MessageType.input] + 1);
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.input, 1, huge)), 'too_large');
  assert.throws(() => P.makeInput(1, []), TypeError);
  assert.throws(() => P.makeInput(1, [{ kind: 'key', code: 'Nope', pressed: true }]), TypeError);
});

test('paste and clipboard limits', () => {
  assert.ok(P.parseMessage(P.makePasteText(1, 'x'.repeat(4096))));
  throwsReason(() => P.parseMessage(P.makePasteText(1, 'x'.repeat(4097))), 'too_large');
  throwsReason(() => P.parseMessage(P.makePasteText(1, '', 't')), 'bad_size');
  assert.ok(P.parseMessage(P.makeClipboard(1, '')));
  assert.ok(P.parseMessage(P.makeClipboard(1, 'x'.repeat(65536), 't')));
  throwsReason(() => P.parseMessage(P.makeClipboard(1, 'x'.repeat(65537))), 'too_large');
  throwsReason(() => P.parseMessage(P.makeMessage(P.MessageType.clipboard, 1, new Uint8Array([0, 0xc0, 0xaf]))), 'bad_value');
  for (const t of [P.MessageType.control_request, P.MessageType.access_state]) {
    throwsReason(() => P.parseMessage(P.makeMessage(t, 1, new TextEncoder().encode('[]'))), 'bad_json');
    assert.equal(P.MAX_PAYLOAD[t], 1024);
  }
});
