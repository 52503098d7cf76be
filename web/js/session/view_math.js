// Scaling and placement math for the session viewer. Pure functions: no DOM.

export const SCALE_FIT = 'fit';
export const SCALE_NATIVE = 'native';

/**
 * Layout of the customer's screen in the viewport.
 *   mode   'fit'    — as large as fits in `avail`, aspect ratio kept (may scale up or down)
 *          'native' — one customer pixel per CSS pixel; the viewport scrolls
 *   native {width, height}  customer screen in pixels
 *   avail  {width, height}  room in the viewport, CSS pixels
 * Returns {scale, width, height} with width/height the displayed CSS size (whole pixels,
 * at least 1). An unknown screen (0×0) gives scale 1 and size 0×0.
 */
export function computeLayout(mode, native, avail) {
  const nw = Math.max(0, Math.floor(Number(native && native.width) || 0));
  const nh = Math.max(0, Math.floor(Number(native && native.height) || 0));
  if (nw === 0 || nh === 0) return { scale: 1, width: 0, height: 0 };
  let scale = 1;
  if (mode === SCALE_FIT) {
    const aw = Number(avail && avail.width) || 0;
    const ah = Number(avail && avail.height) || 0;
    if (aw > 0 && ah > 0) scale = Math.min(aw / nw, ah / nh);
  }
  return {
    scale,
    width: Math.max(1, Math.round(nw * scale)),
    height: Math.max(1, Math.round(nh * scale)),
  };
}

/**
 * The part of the customer's screen a view shows: the whole screen (index −1, or no such
 * monitor) or monitor `index` of `monitors` ([{x, y, width, height}] in screen pixels).
 * Returns {x, y, width, height}.
 */
export function viewRegion(screen, monitors, index) {
  const m = Array.isArray(monitors) && index >= 0 ? monitors[index] : null;
  if (!m) return { x: 0, y: 0, width: screen.width, height: screen.height };
  return { x: m.x, y: m.y, width: m.width, height: m.height };
}

/**
 * How the screen canvas is placed so that only `region` shows in the stage: the canvas keeps
 * the whole screen at `scale` and is shifted by the region's offset (the stage clips the rest).
 * Input mapping needs nothing more: clientToScreen with the canvas's own (shifted, unclipped)
 * bounding box and the whole screen's size gives screen pixels directly.
 * Returns {width, height, left, top} in CSS pixels.
 */
export function canvasPlacement(screen, region, layout) {
  const whole = region.x === 0 && region.y === 0 && region.width === screen.width && region.height === screen.height;
  if (whole) return { width: layout.width, height: layout.height, left: 0, top: 0 };
  return {
    width: screen.width * layout.scale,
    height: screen.height * layout.scale,
    left: region.x ? -region.x * layout.scale : 0,
    top: region.y ? -region.y * layout.scale : 0,
  };
}

/**
 * Where the cursor overlay goes, in CSS pixels relative to the top-left of the displayed
 * screen: the hot spot lands on the pointer position.
 *   cursor {x, y, hotX, hotY, width, height}; scale from computeLayout.
 * Returns {left, top, width, height}.
 */
export function cursorBox(cursor, scale) {
  return {
    left: (cursor.x - cursor.hotX) * scale,
    top: (cursor.y - cursor.hotY) * scale,
    width: cursor.width * scale,
    height: cursor.height * scale,
  };
}

/** Human label for a scale factor: "100 %", "47 %". */
export function formatScale(scale) {
  if (!(scale > 0) || !Number.isFinite(scale)) return '';
  return `${Math.round(scale * 100)} %`;
}

/**
 * Maps a point in page (client) CSS pixels to a customer screen pixel.
 *   clientX, clientY  the pointer, CSS pixels in the viewport (PointerEvent.clientX/Y)
 *   box     {left, top, width, height} — where the screen is drawn right now, as
 *           getBoundingClientRect() of the screen canvas gives it (so letterbox margins
 *           and 1:1 scrolling are already in `left`/`top`)
 *   screen  {width, height} of the customer's screen
 * Returns {x, y, inside}: whole pixels clamped to 0…width−1 / 0…height−1; `inside` is false
 * when the point was outside the drawn screen (and got clamped). null when nothing is shown.
 */
export function clientToScreen(clientX, clientY, box, screen) {
  const sw = Math.floor(Number(screen && screen.width) || 0);
  const sh = Math.floor(Number(screen && screen.height) || 0);
  const bw = Number(box && box.width) || 0;
  const bh = Number(box && box.height) || 0;
  if (sw <= 0 || sh <= 0 || !(bw > 0) || !(bh > 0)) return null;
  const fx = ((Number(clientX) - box.left) * sw) / bw;
  const fy = ((Number(clientY) - box.top) * sh) / bh;
  if (!Number.isFinite(fx) || !Number.isFinite(fy)) return null;
  const inside = fx >= 0 && fy >= 0 && fx < sw && fy < sh;
  return {
    x: Math.min(sw - 1, Math.max(0, Math.floor(fx))),
    y: Math.min(sh - 1, Math.max(0, Math.floor(fy))),
    inside,
  };
}

/**
 * Where the stage (the drawn screen) sits inside the viewport's content box, in CSS pixels,
 * as the stylesheet places it: centred when it is smaller than the room (letterbox), at the
 * start and shifted by the scroll offset when it is larger (1:1 scrolling).
 *   layout {width, height} from computeLayout; avail {width, height} the viewport's content
 *   box; scroll {left, top} the viewport's scroll offsets.
 * Returns {left, top, width, height} relative to the content box's top-left corner; add the
 * content box's client position to get a box for clientToScreen.
 */
export function stageBox(layout, avail, scroll = { left: 0, top: 0 }) {
  const place = (size, room, off) => (size <= room ? (room - size) / 2 : -(Number(off) || 0));
  return {
    left: place(layout.width, avail.width, scroll && scroll.left),
    top: place(layout.height, avail.height, scroll && scroll.top),
    width: layout.width,
    height: layout.height,
  };
}
