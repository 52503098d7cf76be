// The console's HTTP API client (docs/protocol.md §8). No DOM: `fetch` is injected, so the
// module also runs under Node for tests.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
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
  return new ApiError(response.status, msg);
}

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

  return {
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
    async login(username, password) {
      const r = await call('POST', '/api/login', { body: { username, password } });
      const body = await readJson(r);
      if (r.status === 401) throw errorFrom(r, body, 'invalid credentials');
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
  };
}
