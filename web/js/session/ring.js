// Small helpers shared by the viewer worker and the page. Pure: no DOM.

/** A fixed-capacity ring: keeps the newest `capacity` items. */
export class Ring {
  constructor(capacity) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('capacity must be > 0');
    this.capacity = capacity;
    this.items = new Array(capacity);
    this.start = 0;
    this.length = 0;
  }

  push(item) {
    if (this.length < this.capacity) {
      this.items[(this.start + this.length) % this.capacity] = item;
      this.length += 1;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Oldest first. */
  toArray() {
    const out = new Array(this.length);
    for (let i = 0; i < this.length; i += 1) out[i] = this.items[(this.start + i) % this.capacity];
    return out;
  }

  clear() {
    this.items = new Array(this.capacity);
    this.start = 0;
    this.length = 0;
  }
}

/** Base64 of bytes (any size; converts in chunks to stay within argument limits). */
export function bytesToBase64(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const CHUNK = 0x8000;
  const parts = [];
  for (let i = 0; i < u8.length; i += CHUNK) {
    parts.push(String.fromCharCode.apply(null, u8.subarray(i, i + CHUNK)));
  }
  return btoa(parts.join(''));
}

/** Does a tile (x, y, w, h) contain the point p ({x, y})? */
export function tileContains(tile, p) {
  return p.x >= tile.x && p.x < tile.x + tile.w && p.y >= tile.y && p.y < tile.y + tile.h;
}
