// Payloads the viewer parses itself (docs/protocol.md §3, §5). Pure: no DOM. Throws on malformed input.

export const MAX_CURSOR_DIMENSION = 128;

function view(payload) {
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
}

/**
 * cursor_shape: u16 w, u16 h (1…128), u16 hot_x < w, u16 hot_y < h, then w·h·4 bytes RGBA.
 * Returns {width, height, hotX, hotY, rgba: Uint8Array view into payload}.
 */
export function parseCursorShape(payload) {
  if (!(payload instanceof Uint8Array) || payload.byteLength < 8) throw new Error('cursor_shape: truncated');
  const v = view(payload);
  const width = v.getUint16(0, true);
  const height = v.getUint16(2, true);
  const hotX = v.getUint16(4, true);
  const hotY = v.getUint16(6, true);
  if (width < 1 || height < 1 || width > MAX_CURSOR_DIMENSION || height > MAX_CURSOR_DIMENSION) {
    throw new Error('cursor_shape: bad size');
  }
  if (hotX >= width || hotY >= height) throw new Error('cursor_shape: hot spot outside the cursor');
  if (payload.byteLength !== 8 + width * height * 4) throw new Error('cursor_shape: wrong length');
  return { width, height, hotX, hotY, rgba: payload.subarray(8) };
}

/** cursor_position: u16 x, u16 y, u8 visible, u8 reserved = 0. Returns {x, y, visible}. */
export function parseCursorPosition(payload) {
  if (!(payload instanceof Uint8Array) || payload.byteLength !== 6) throw new Error('cursor_position: wrong length');
  const v = view(payload);
  return { x: v.getUint16(0, true), y: v.getUint16(2, true), visible: v.getUint8(4) !== 0 };
}

/** Validates a screen_info object; returns {width, height} or throws. */
export function checkScreenInfo(info) {
  const w = info && info.width;
  const h = info && info.height;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > 8192 || h > 8192) {
    throw new Error('screen_info: bad size');
  }
  return { width: w, height: h };
}
