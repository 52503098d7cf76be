// Decodes the tiles of one `frame` (as returned by protocol.js parseFrame) into RGBA pixels for
// ImageData. All deflate segments of the frame are inflated by ONE
// DecompressionStream('deflate-raw'): the segments back to back plus the bytes 03 00 (an empty
// final block) form one valid raw DEFLATE stream (docs/protocol.md §4). Works in pages, Web
// Workers and Node 20. Throws (rejects) an Error on any malformed data, never paints garbage.

import { TileEncoding, paletteBits, ProtocolError } from '../protocol.js';

const FINAL_BLOCK = new Uint8Array([0x03, 0x00]);

// The size a tile's deflate segment must inflate to, and where the segment starts in its data.
function plan(tile) {
  if (tile.encoding === TileEncoding.raw) return { offset: 0, size: tile.w * tile.h * 3 };
  if (tile.encoding === TileEncoding.palette) {
    const n = tile.data[0] + 1;
    return { offset: 1 + 3 * n, size: tile.h * Math.ceil((tile.w * paletteBits(n)) / 8) };
  }
  return null;
}

/** Inflates `input` (raw DEFLATE) into exactly `size` bytes, or throws. */
async function inflateExactly(input, size) {
  const out = new Uint8Array(size);
  const ds = new DecompressionStream('deflate-raw');
  const writer = ds.writable.getWriter();
  // Write errors surface through the reader too; keep them from being unhandled rejections.
  writer.write(input).catch(() => {});
  writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  let filled = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (value.length > size - filled) {
        reader.cancel().catch(() => {});
        throw new ProtocolError('bad_tile', 'frame inflates to more than its tiles');
      }
      out.set(value, filled);
      filled += value.length;
    }
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError('bad_tile', `inflate failed: ${e.message}`);
  }
  if (filled !== size) throw new ProtocolError('bad_tile', 'frame inflates to less than its tiles');
  return out;
}

function solidRgba(tile) {
  const pixels = tile.w * tile.h;
  const rgba = new Uint8ClampedArray(pixels * 4);
  const [r, g, b] = tile.data;
  for (let i = 0; i < rgba.length; i += 4) {
    rgba[i] = r;
    rgba[i + 1] = g;
    rgba[i + 2] = b;
    rgba[i + 3] = 255;
  }
  return rgba;
}

function rawRgba(tile, rgb, start) {
  const pixels = tile.w * tile.h;
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let p = 0, s = start, d = 0; p < pixels; p++, s += 3, d += 4) {
    rgba[d] = rgb[s];
    rgba[d + 1] = rgb[s + 1];
    rgba[d + 2] = rgb[s + 2];
    rgba[d + 3] = 255;
  }
  return rgba;
}

function paletteRgba(tile, packed, start) {
  const { w, h, data } = tile;
  const n = data[0] + 1;
  // Colours as little-endian RGBA words, written four bytes at a time.
  const colours = new Uint32Array(n);
  const bytes = new Uint8Array(colours.buffer);
  for (let i = 0; i < n; i++) {
    bytes[4 * i] = data[1 + 3 * i];
    bytes[4 * i + 1] = data[2 + 3 * i];
    bytes[4 * i + 2] = data[3 + 3 * i];
    bytes[4 * i + 3] = 255;
  }
  const bits = paletteBits(n);
  const mask = (1 << bits) - 1;
  const rowBytes = Math.ceil((w * bits) / 8);
  const rgba = new Uint8ClampedArray(w * h * 4);
  const words = new Uint32Array(rgba.buffer);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let y = 0, row = start, d = 0; y < h; y++, row += rowBytes) {
    for (let x = 0; x < w; x++, d++) {
      const bit = x * bits;
      const index = (packed[row + (bit >> 3)] >> (8 - bits - (bit & 7))) & mask;
      if (index >= n) throw new ProtocolError('bad_tile', `palette index ${index} >= ${n}`);
      if (littleEndian) {
        words[d] = colours[index];
      } else {
        rgba.set(bytes.subarray(4 * index, 4 * index + 4), 4 * d);
      }
    }
  }
  return rgba;
}

/**
 * tiles: [{x, y, w, h, encoding, data: Uint8Array}] from parseFrame.
 * Resolves to [{x, y, w, h, rgba: Uint8ClampedArray}] (w*h*4 bytes, alpha 255), in tile order.
 */
export async function decodeFrame(tiles) {
  let streamSize = FINAL_BLOCK.length;
  let inflatedSize = 0;
  const plans = tiles.map((t) => {
    const p = plan(t);
    if (p) {
      streamSize += t.data.length - p.offset;
      inflatedSize += p.size;
    }
    return p;
  });

  let inflated = null;
  if (inflatedSize > 0) {
    const stream = new Uint8Array(streamSize);
    let off = 0;
    tiles.forEach((t, i) => {
      if (!plans[i]) return;
      stream.set(t.data.subarray(plans[i].offset), off);
      off += t.data.length - plans[i].offset;
    });
    stream.set(FINAL_BLOCK, off);
    inflated = await inflateExactly(stream, inflatedSize);
  }

  const out = new Array(tiles.length);
  let next = 0;
  tiles.forEach((t, i) => {
    let rgba;
    if (t.encoding === TileEncoding.solid) {
      rgba = solidRgba(t);
    } else if (t.encoding === TileEncoding.raw) {
      rgba = rawRgba(t, inflated, next);
    } else {
      rgba = paletteRgba(t, inflated, next);
    }
    if (plans[i]) next += plans[i].size;
    out[i] = { x: t.x, y: t.y, w: t.w, h: t.h, rgba };
  });
  return out;
}
