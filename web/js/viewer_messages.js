// Checks the viewer applies to message contents beyond protocol.js's framing checks.
// Pure: no DOM. Throws on malformed input.
import { Limits, parseScreenScope } from './protocol.js';

/**
 * Validates a screen_info object (docs/protocol.md §3, §7); returns {width, height, scope} or
 * throws. scope is null for the whole desktop, else {kind: 'window', title, state}.
 */
export function checkScreenInfo(info) {
  const w = info && info.width;
  const h = info && info.height;
  const max = Limits.maxScreenDimension;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > max || h > max) {
    throw new Error('screen_info: bad size');
  }
  const scope = parseScreenScope(info.scope);
  return { width: w, height: h, scope: scope && scope.kind === 'window' ? scope : null };
}
