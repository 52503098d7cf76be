// Hash routes of the console. Pure functions: no DOM, importable from Node.
//
//   #/login                       the login form
//   #/requests                    the support-request queue (default once logged in)
//   #/request/<request id>        the details of one support request
//   #/session/<request id>        the session viewer for one support request
//   #/account                     the technician's own account (password, TOTP)
//   #/admin/<users|queues|wizard> the admin pages (admins only; the server enforces it)
//   ...?probe=<x>,<y>             optional query on any route: a latency probe pixel (tests)

import { Limits } from '../protocol.js';

/** Request ids are 32 hex digits on the wire; accept a slightly wider safe alphabet. */
const REQUEST_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidRequestId(id) {
  return typeof id === 'string' && REQUEST_ID_RE.test(id);
}

export const ADMIN_SECTIONS = Object.freeze(['users', 'queues', 'wizard']);

/**
 * Parses "x,y" into {x, y} (non-negative integers below Limits.maxScreenDimension, the
 * protocol's screen limit).
 * Returns null for anything else.
 */
export function parseProbe(text) {
  if (typeof text !== 'string') return null;
  const m = /^\s*(\d{1,4})\s*,\s*(\d{1,4})\s*$/.exec(text);
  if (!m) return null;
  const x = Number(m[1]);
  const y = Number(m[2]);
  if (x >= Limits.maxScreenDimension || y >= Limits.maxScreenDimension) return null;
  return { x, y };
}

/** Splits "a=1&b=2" into a Map; malformed escapes are kept verbatim. */
function parseQuery(query) {
  const out = new Map();
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    out.set(safeDecode(rawKey), safeDecode(rawValue));
  }
  return out;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Parses a location hash ("#/session/abc?probe=1,2", "", "#") into a route:
 *   { name: 'login' | 'requests' | 'request' | 'session' | 'account' | 'admin' | 'unknown',
 *     id?: string, section?: string, probe: {x,y}|null }
 * An empty hash is the 'requests' route (the app sends logged-out users to login itself).
 */
export function parseRoute(hash) {
  let h = typeof hash === 'string' ? hash : '';
  if (h.startsWith('#')) h = h.slice(1);
  let query = '';
  const q = h.indexOf('?');
  if (q >= 0) {
    query = h.slice(q + 1);
    h = h.slice(0, q);
  }
  const params = parseQuery(query);
  const probe = params.has('probe') ? parseProbe(params.get('probe')) : null;

  const parts = h.split('/').filter((p) => p.length > 0);
  if (parts.length === 0) return { name: 'requests', probe };
  if (parts.length === 1 && parts[0] === 'login') return { name: 'login', probe };
  if (parts.length === 1 && parts[0] === 'requests') return { name: 'requests', probe };
  if (parts.length === 2 && (parts[0] === 'session' || parts[0] === 'request')) {
    const id = safeDecode(parts[1]);
    if (isValidRequestId(id)) return { name: parts[0], id, probe };
  }
  if (parts.length === 1 && parts[0] === 'account') return { name: 'account', probe };
  if (parts[0] === 'admin' && parts.length <= 2) {
    const section = parts.length === 2 ? parts[1] : 'users';
    if (ADMIN_SECTIONS.includes(section)) return { name: 'admin', section, probe };
  }
  return { name: 'unknown', probe };
}

/** The hash for a route object (inverse of parseRoute for the known routes). */
export function formatRoute(route) {
  let base;
  switch (route && route.name) {
    case 'login':
      base = '#/login';
      break;
    case 'session':
    case 'request':
      if (!isValidRequestId(route.id)) throw new Error('invalid request id');
      base = `#/${route.name}/${encodeURIComponent(route.id)}`;
      break;
    case 'account':
      base = '#/account';
      break;
    case 'admin':
      base = `#/admin/${ADMIN_SECTIONS.includes(route.section) ? route.section : 'users'}`;
      break;
    default:
      base = '#/requests';
  }
  if (route && route.probe) base += `?probe=${route.probe.x},${route.probe.y}`;
  return base;
}

/**
 * The WebSocket URL of the viewer endpoint for a request, from a location-like object
 * ({protocol, host}). https pages use wss (production); plain http (local checks only) uses ws.
 */
export function viewerSocketUrl(loc, id) {
  if (!isValidRequestId(id)) throw new Error('invalid request id');
  const scheme = loc.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${scheme}//${loc.host}/ws/view/${encodeURIComponent(id)}`;
}
