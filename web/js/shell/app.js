// The console's entry point: session check, hash routing, header, the live Call Manager feed
// (one /ws/console connection while signed in), and the views (login, Call Manager, request
// details, session viewer, account, admin).
import { createApi } from './api.js';
import { parseRoute, formatRoute } from './routes.js';
import { setText, clear } from './dom.js';
import { mountLogin } from './login_view.js';
import { mountRequests } from '../calls/requests_view.js';
import { mountDetails } from '../calls/details_view.js';
import { mountSession } from '../session/session_view.js';
import { mountAdmin } from '../account/admin_view.js';
import { mountAccount } from '../account/account_view.js';
import { openCodeDialog } from '../calls/code_dialog.js';
import { FeedStore } from '../calls/feed.js';
import { createLiveSocket, consoleSocketUrl } from '../calls/live_socket.js';

const api = createApi((input, init) => fetch(input, init));
const app = document.getElementById('app');
const userBox = document.getElementById('user-box');
const userName = document.getElementById('user-name');
const userRole = document.getElementById('user-role');
const logoutBtn = document.getElementById('logout');
const nav = document.getElementById('topnav');
const adminLink = document.getElementById('nav-admin');

let user = null;
let current = null; // the mounted view: {key, destroy(), focus()}
let pendingRoute = null; // where to go after login
let loginMessage = '';

// The live feed: one store for every view, one socket while signed in.
let feed = new FeedStore();
let socket = null;
let feedStatus = 'stopped';
const statusListeners = new Set();

function setFeedStatus(s) {
  feedStatus = s;
  document.body.dataset.feed = s;
  for (const fn of [...statusListeners]) fn(s);
}

function startFeed() {
  if (socket) return;
  feed = new FeedStore();
  socket = createLiveSocket({
    url: consoleSocketUrl(location),
    onEvent: (ev) => feed.apply(ev, Date.now()),
    onStatus: setFeedStatus,
    onClose: (reason) => {
      if (reason.code === 'unauthorized') sessionEnded();
    },
  });
}

function stopFeed() {
  if (socket) socket.stop();
  socket = null;
}

function updateShell() {
  const signedIn = !!user;
  userBox.hidden = !signedIn;
  nav.hidden = !signedIn;
  if (signedIn) {
    setText(userName, user.username);
    setText(userRole, user.role);
    adminLink.hidden = user.role !== 'admin';
  }
  const route = parseRoute(location.hash);
  for (const a of nav.querySelectorAll('a')) {
    const on = a.dataset.route === route.name || (a.dataset.route === 'requests' && route.name === 'request');
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function navigate(route, { replace = false } = {}) {
  const hash = formatRoute(route);
  if (replace || location.hash === hash) {
    history.replaceState(null, '', hash);
    render();
  } else {
    location.hash = hash; // fires hashchange → render()
  }
}

function mount(key, view, name) {
  if (current) current.destroy();
  clear(app);
  document.body.dataset.view = name;
  current = { key, ...view(app) };
  if (current.focus) current.focus();
}

// Take a request; on success open its session, on 409 tell who has it and refresh the row.
async function takeRequest(id, notify) {
  try {
    const summary = await api.take(id);
    if (summary && typeof summary === 'object') feed.upsert(summary);
    navigate({ name: 'session', id });
  } catch (err) {
    if (err && err.status === 401) return sessionEnded();
    notify((err && err.message) || String(err), 'error');
    try {
      const fresh = await api.request(id);
      if (fresh && typeof fresh === 'object') feed.upsert(fresh);
    } catch {
      // the feed brings the change anyway
    }
  }
}

const actions = {
  take: takeRequest,
  openSession: (id) => navigate({ name: 'session', id }),
  openDetails: (id) => navigate({ name: 'request', id }),
  back: () => navigate({ name: 'requests' }),
  unauthorized: () => sessionEnded(),
  newCode: () => openCodeDialog({ api, serverNow: () => feed.serverNow(Date.now()), onUnauthorized: sessionEnded }),
};

function render() {
  const route = parseRoute(location.hash);
  updateShell();
  if (!user) {
    if (route.name !== 'login' && route.name !== 'unknown') pendingRoute = route;
    if (route.name !== 'login') {
      history.replaceState(null, '', formatRoute({ name: 'login' }));
    }
    if (current && current.key === 'login') return;
    const message = loginMessage;
    loginMessage = '';
    mount('login', (c) => mountLogin(c, { login: doLogin, message }), 'login');
    document.title = 'Sign in — visit';
    return;
  }
  startFeed();
  if (route.name === 'login' || route.name === 'unknown') {
    navigate({ name: 'requests' }, { replace: true });
    return;
  }
  const key = formatRoute(route);
  if (current && current.key === key) return;
  const feedProps = {
    feed,
    feedStatus: () => feedStatus,
    onFeedStatus: (fn) => {
      statusListeners.add(fn);
      return () => statusListeners.delete(fn);
    },
  };
  if (route.name === 'requests') {
    mount(key, (c) => mountRequests(c, { ...feedProps, me: user, actions }), 'requests');
    document.title = 'Call Manager — visit';
  } else if (route.name === 'request') {
    mount(key, (c) => mountDetails(c, { id: route.id, api, feed, me: user, actions }), 'request');
    const known = feed.get(route.id);
    document.title = known && known.name ? `${known.name} — visit` : 'Request — visit';
  } else if (route.name === 'session') {
    const known = feed.get(route.id);
    const name = known ? known.name : '';
    mount(
      key,
      (c) =>
        mountSession(c, {
          id: route.id,
          name,
          probe: route.probe,
          me: user.username,
          onBack: () => navigate({ name: 'request', id: route.id }),
        }),
      'session',
    );
    document.title = name ? `${name} — visit` : 'Session — visit';
  } else if (route.name === 'account') {
    mount(
      key,
      (c) =>
        mountAccount(c, {
          api,
          me: user,
          onUnauthorized: sessionEnded,
          onChanged: (change) => {
            user = { ...user, ...change };
          },
        }),
      'account',
    );
    document.title = 'Your account — visit';
  } else if (route.name === 'admin') {
    mount(key, (c) => mountAdmin(c, { section: route.section, api, me: user, onUnauthorized: sessionEnded }), 'admin');
    document.title = 'Administration — visit';
  }
}

async function doLogin(username, password, totp) {
  try {
    user = await api.login(username, password, totp);
  } catch (err) {
    if (err && err.status === 401 && !err.totpRequired) {
      const e = new Error(totp ? 'Invalid credentials or code.' : 'Invalid username or password.');
      e.status = 401;
      throw e;
    }
    throw err;
  }
  const next = pendingRoute || { name: 'requests' };
  pendingRoute = null;
  if (current) current.destroy();
  current = null;
  navigate(next, { replace: true });
}

function sessionEnded() {
  if (!user) return;
  user = null;
  stopFeed();
  pendingRoute = parseRoute(location.hash);
  loginMessage = 'Your login has ended. Please sign in again.';
  if (current) current.destroy();
  current = null;
  render();
}

logoutBtn.addEventListener('click', async () => {
  logoutBtn.disabled = true;
  if (current) current.destroy(); // closes a viewer's socket first
  current = null;
  stopFeed();
  try {
    await api.logout();
  } catch {
    // The local session is forgotten either way; the server ends it on its own timeout.
  }
  user = null;
  pendingRoute = null;
  logoutBtn.disabled = false;
  loginMessage = 'You are signed out.';
  render();
});

window.addEventListener('hashchange', render);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && socket) socket.kick();
});

async function boot() {
  try {
    user = await api.me();
  } catch (err) {
    user = null;
    loginMessage = `Could not check the login: ${(err && err.message) || err}`;
  }
  render();
}

boot();
