// Where tooling finds the open session viewer: the one SessionModel the page shows (or null)
// and the probe pixel (from the route's ?probe=x,y or set by a test). Production code sets
// them; only web/js/testing/hooks.js reads them from outside. No window globals. Pure.
import { Limits } from '../protocol.js';

let active = null;
let probe = null;

/** The open viewer (a SessionModel), or null. */
export function activeViewer() {
  return active;
}

/** Makes `viewer` the open one. */
export function setActiveViewer(viewer) {
  active = viewer;
}

/** Forgets `viewer` if it is still the open one (a newer view may have replaced it). */
export function releaseViewer(viewer) {
  if (active === viewer) active = null;
}

/** The probe pixel {x, y} in customer screen pixels, or null. */
export function probePoint() {
  return probe;
}

/**
 * Checks a probe pixel: null/undefined x clears it; otherwise integers in 0 … the protocol's
 * largest screen dimension − 1. Returns {x, y} or null; throws RangeError on anything else.
 */
export function checkProbe(x, y) {
  if (x === null || x === undefined) return null;
  const max = Limits.maxScreenDimension;
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= max || y >= max) {
    throw new RangeError(`probe needs integer coordinates in 0…${max - 1}`);
  }
  return { x, y };
}

/** Sets (or with null clears) the probe pixel and tells the open viewer. */
export function setProbePoint(point) {
  probe = point;
  if (active) active.setProbe(probe);
}

/** A probe from the URL: kept for the viewers opened from now on (null leaves it as it is). */
export function adoptRouteProbe(point) {
  if (point) probe = point;
}
