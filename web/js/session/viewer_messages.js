// Checks the viewer applies to message contents beyond protocol.js's framing checks.
// Pure: no DOM. Throws on malformed input.
import { Limits, parseScreenScope } from '../protocol.js';

/**
 * Validates a screen_info object (docs/protocol.md §3, §3.7, §3.8, §7); returns
 * {width, height, scope} and, when the screen_info lists them, monitors: [{x, y, width, height,
 * primary}] (each inside the screen, at most Limits.maxMonitors). scope is null for the whole
 * desktop, else {kind: 'window', title, state}. Throws on a malformed one.
 */
export function checkScreenInfo(info) {
  const w = info && info.width;
  const h = info && info.height;
  const max = Limits.maxScreenDimension;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > max || h > max) {
    throw new Error('screen_info: bad size');
  }
  const scope = parseScreenScope(info.scope);
  const out = { width: w, height: h, scope: scope && scope.kind === 'window' ? scope : null };
  if (info.monitors === undefined) return out;
  const list = info.monitors;
  if (!Array.isArray(list) || list.length > Limits.maxMonitors) throw new Error('screen_info: bad monitors');
  out.monitors = list.map((m) => {
    const ok =
      m &&
      typeof m === 'object' &&
      [m.x, m.y, m.width, m.height].every(Number.isInteger) &&
      m.x >= 0 &&
      m.y >= 0 &&
      m.width >= 1 &&
      m.height >= 1 &&
      m.x + m.width <= w &&
      m.y + m.height <= h &&
      (m.primary === undefined || typeof m.primary === 'boolean');
    if (!ok) throw new Error('screen_info: bad monitor');
    return { x: m.x, y: m.y, width: m.width, height: m.height, primary: m.primary === true };
  });
  return out;
}
