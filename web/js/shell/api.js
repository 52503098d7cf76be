// The console's HTTP API client (docs/protocol.md §8). No DOM: `fetch` is injected, so the
// module also runs under Node for tests.

export class ApiError extends Error {
  constructor(status, message, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body && typeof body === 'object' ? body : null;
    /** The server's problems list (wizard definition), as strings. */
    this.problems = this.body && Array.isArray(this.body.problems) ? this.body.problems.map((p) => String(p)) : [];
    this.totpRequired = !!(this.body && this.body.totp_required === true);
  }
}

async function readJson(response) {
  const type = response.headers.get('content-type') || '';
  if (!type.includes('application/json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function errorFrom(response, body, fallback) {
  const msg = body && typeof body.error === 'string' && body.error ? body.error : fallback;
  return new ApiError(response.status, msg, body);
}

const enc = encodeURIComponent;

/**
 * The API's calls by name (docs/protocol.md §8): each goes through the client's json(); `this`
 * is the client they are copied onto.
 */
const ENDPOINTS = Object.freeze({
  // §8.2 requests and codes
  request(id) {
    return this.json('GET', `/api/requests/${enc(id)}`);
  },
  take(id) {
    return this.json('POST', `/api/requests/${enc(id)}/take`, {});
  },
  transfer(id, target) {
    return this.json('POST', `/api/requests/${enc(id)}/transfer`, target);
  },
  invite(id, technician) {
    return this.json('POST', `/api/requests/${enc(id)}/invite`, { technician });
  },
  addNote(id, text) {
    return this.json('POST', `/api/requests/${enc(id)}/notes`, { text });
  },
  resolve(id, note) {
    return this.json('POST', `/api/requests/${enc(id)}/resolve`, { note });
  },
  reopen(id) {
    return this.json('POST', `/api/requests/${enc(id)}/reopen`, {});
  },
  createCode() {
    return this.json('POST', '/api/codes', {});
  },
  codes() {
    return this.json('GET', '/api/codes');
  },

  // §8.1 accounts
  changePassword(oldPassword, newPassword) {
    return this.json('POST', '/api/me/password', { old: oldPassword, new: newPassword });
  },
  totpSetup() {
    return this.json('POST', '/api/me/totp/setup', {});
  },
  totpEnable(code) {
    return this.json('POST', '/api/me/totp/enable', { code });
  },
  totpDisable(password) {
    return this.json('POST', '/api/me/totp/disable', { password });
  },
  users() {
    return this.json('GET', '/api/admin/users');
  },
  addUser(username, role, password) {
    return this.json('POST', '/api/admin/users', { username, role, password });
  },
  updateUser(username, change) {
    return this.json('POST', `/api/admin/users/${enc(username)}`, change);
  },
  queues() {
    return this.json('GET', '/api/admin/queues');
  },
  addQueue(name, title, minRole) {
    return this.json('POST', '/api/admin/queues', { name, title, min_role: minRole });
  },
  updateQueue(name, change) {
    return this.json('POST', `/api/admin/queues/${enc(name)}`, change);
  },
  wizard() {
    return this.json('GET', '/api/admin/wizard');
  },
  saveWizard(definition) {
    return this.json('POST', '/api/admin/wizard', { definition });
  },
});

/**
 * Creates an API client. The CSRF token from login or /api/me is kept in memory only.
 *   fetchImpl  a fetch-compatible function (the page passes window.fetch bound to window)
 */
export function createApi(fetchImpl) {
  let csrf = null;
  let user = null;

  function remember(body) {
    if (!body || typeof body !== 'object') throw new ApiError(0, 'unexpected answer from the server');
    csrf = typeof body.csrf === 'string' ? body.csrf : null;
    user = {
      username: typeof body.username === 'string' ? body.username : '',
      role: typeof body.role === 'string' ? body.role : '',
      totp_enabled: body.totp_enabled === true,
    };
    return user;
  }

  function forget() {
    csrf = null;
    user = null;
  }

  async function call(method, path, { body, csrfHeader = false } = {}) {
    const headers = { Accept: 'application/json' };
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (csrfHeader && csrf) headers['X-CSRF-Token'] = csrf;
    let response;
    try {
      response = await fetchImpl(path, init);
    } catch (e) {
      throw new ApiError(0, 'cannot reach the server');
    }
    return response;
  }

  const api = {
    get user() {
      return user;
    },
    get csrf() {
      return csrf;
    },

    /** The current user if the cookie session is alive, else null. */
    async me() {
      const r = await call('GET', '/api/me');
      if (r.status === 401) {
        forget();
        return null;
      }
      const body = await readJson(r);
      if (!r.ok) throw errorFrom(r, body, `server error (${r.status})`);
      return remember(body);
    },

    /** Logs in; resolves to the user, rejects with ApiError (status 401 for bad credentials). */
    async login(username, password, totp) {
      const payload = { username, password };
      if (totp) payload.totp = totp;
      const r = await call('POST', '/api/login', { body: payload });
      const body = await readJson(r);
      if (r.status === 401) throw errorFrom(r, body, 'invalid credentials');
      if (r.status === 429) {
        const after = Number(r.headers.get('retry-after'));
        const wait = Number.isFinite(after) && after > 0 ? ` Try again in ${Math.ceil(after)} s.` : '';
        throw new ApiError(429, `Too many attempts.${wait}`, body);
      }
      if (!r.ok) throw errorFrom(r, body, `login failed (${r.status})`);
      return remember(body);
    },

    /** Ends the session on the server; local state is cleared whatever the answer. */
    async logout() {
      try {
        const r = await call('POST', '/api/logout', { csrfHeader: true });
        if (!r.ok && r.status !== 401) throw errorFrom(r, await readJson(r), `logout failed (${r.status})`);
      } finally {
        forget();
      }
    },

    /** The support requests; rejects with ApiError (status 401 when logged out). */
    async requests() {
      const r = await call('GET', '/api/requests');
      const body = await readJson(r);
      if (r.status === 401) {
        forget();
        throw new ApiError(401, 'not signed in');
      }
      if (!r.ok) throw errorFrom(r, body, `server error (${r.status})`);
      const list = body && Array.isArray(body.requests) ? body.requests : null;
      if (!list) throw new ApiError(r.status, 'unexpected answer from the server');
      return list.filter((x) => x && typeof x === 'object');
    },

    /**
     * Any JSON call: resolves to the answer's JSON (or null for 204), rejects with ApiError
     * carrying the server's {"error"} text. A 401 forgets the local login.
     */
    async json(method, path, body) {
      const r = await call(method, path, { body, csrfHeader: method !== 'GET' });
      const answer = await readJson(r);
      if (r.status === 401) {
        forget();
        throw errorFrom(r, answer, 'not signed in');
      }
      if (!r.ok) throw errorFrom(r, answer, `request failed (${r.status})`);
      return answer;
    },
  };
  return Object.assign(api, ENDPOINTS);
}
