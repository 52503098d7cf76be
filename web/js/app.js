// The console's entry point: session check, hash routing, header, and the three views
// (login, request list, session viewer).
import { createApi } from './api.js';
import { parseRoute, formatRoute } from './routes.js';
import { setText, clear } from './dom.js';
import { mountLogin } from './login_view.js';
import { mountRequests } from './requests_view.js';
import { mountSession } from './session_view.js';

const api = createApi((input, init) => fetch(input, init));
const app = document.getElementById('app');
const userBox = document.getElementById('user-box');
const userName = document.getElementById('user-name');
const userRole = document.getElementById('user-role');
const logoutBtn = document.getElementById('logout');
const nav = document.getElementById('topnav');

let user = null;
let current = null;        // the mounted view: {key, destroy(), focus()}
let pendingRoute = null;   // where to go after login
let loginMessage = '';
const requestCache = new Map();

function updateShell() {
  const signedIn = !!user;
  userBox.hidden = !signedIn;
  nav.hidden = !signedIn;
  if (signedIn) {
    setText(userName, user.username);
    setText(userRole, user.role);
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
  if (route.name === 'login' || route.name === 'unknown') {
    navigate({ name: 'requests' }, { replace: true });
    return;
  }
  const key = formatRoute(route);
  if (current && current.key === key) return;
  if (route.name === 'requests') {
    mount(key, (c) => mountRequests(c, {
      api,
      cache: requestCache,
      onOpen: (req) => navigate({ name: 'session', id: String(req.id) }),
      onUnauthorized: sessionEnded,
    }), 'requests');
    document.title = 'Call Manager — visit';
  } else if (route.name === 'session') {
    const known = requestCache.get(route.id);
    const name = known && typeof known.name === 'string' ? known.name : '';
    mount(key, (c) => mountSession(c, {
      id: route.id,
      name,
      probe: route.probe,
      me: user.username,
      onBack: () => navigate({ name: 'requests' }),
    }), 'session');
    document.title = name ? `${name} — visit` : 'Session — visit';
  }
}

async function doLogin(username, password) {
  try {
    user = await api.login(username, password);
  } catch (err) {
    if (err && err.status === 401) throw new Error('Invalid username or password.');
    throw err;
  }
  const next = pendingRoute || { name: 'requests' };
  pendingRoute = null;
  if (current) current.destroy();
  current = null;
  navigate(next, { replace: true });
}

function sessionEnded() {
  user = null;
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
