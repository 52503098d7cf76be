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
