// End-to-end harness: starts real processes (Xvfb, visit-server, visit-client, Debian
// chromium through playwright-core) and stops them all at the end of a test file.
import { spawn, execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const sourceDir = path.resolve(here, '../../..');
export const binDir = process.env.VISIT_BIN_DIR || path.join(sourceDir, 'build/ci/apps');
export const toolDir = process.env.VISIT_TOOL_DIR || path.join(sourceDir, 'build/ci/tests/e2e');

const children = new Set();
// Whatever happens to the test process, its X servers, server and clients do not outlive it.
process.on('exit', () => { for (const c of children) c.child.kill('SIGKILL'); });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

// A started process whose output is kept and can be waited on.
export class proc {
  constructor(name, cmd, args, opts = {}) {
    this.name = name;
    this.output = '';
    this.waiters = [];
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    this.child.on('error', (e) => { this.output += `spawn failed: ${e.message}\n`; });
    children.add(this);
    const take = (d) => {
      this.output += d.toString();
      if (process.env.VISIT_E2E_VERBOSE) process.stderr.write(`[${name}] ${d}`);
      this.waiters = this.waiters.filter((w) => !w());
    };
    this.child.stdout.on('data', take);
    this.child.stderr.on('data', take);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, sig) => { children.delete(this); resolve({ code, sig }); });
      this.child.on('error', () => { children.delete(this); resolve({ code: -1, sig: null }); });
    });
  }
  get pid() { return this.child.pid; }
  // Resolves with the regex match once the output contains it.
  waitFor(regex, timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.output.match(regex);
        if (m) { clearTimeout(timer); resolve(m); return true; }
        return false;
      };
      const timer = setTimeout(() => {
        reject(new Error(`${this.name}: no ${regex} within ${timeoutMs} ms; output:\n${this.output.slice(-3000)}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(check);
    });
  }
  async stop(signal = 'SIGTERM') {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }
}

export async function stopAll() {
  await Promise.all([...children].reverse().map((c) => c.stop()));
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `visit-${prefix}-`));
}

// --- X ------------------------------------------------------------------------------------
export async function startXvfb(width = 1280, height = 800) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const n = 100 + Math.floor(Math.random() * 800);
    if (fs.existsSync(`/tmp/.X11-unix/X${n}`) || fs.existsSync(`/tmp/.X${n}-lock`)) continue;
    const x = new proc(`Xvfb:${n}`, 'Xvfb', [`:${n}`, '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp']);
    for (let i = 0; i < 100; i++) {
      if (fs.existsSync(`/tmp/.X11-unix/X${n}`)) {
        x.display = `:${n}`;
        x.width = width;
        x.height = height;
        return x;
      }
      if (x.child.exitCode !== null) break;
      await sleep(50);
    }
    await x.stop();
  }
  throw new Error('could not start Xvfb');
}

// The recording X client (tools/x_recorder): a focused window over the whole screen that prints
// one line per input event it receives. Resolves once its window is mapped and focused; every
// later line is appended to `lines` (also recorder.lines) as its text or, with `stamped`, as
// {text, t} (t: Date.now() when read). Started first on a fresh Xvfb, it also keeps the X server
// from resetting its keymap and RandR monitors when other clients disconnect.
export async function startRecorder(display, { lines = [], stamped = false } = {}) {
  const recorder = new proc('x_recorder', path.join(toolDir, 'x_recorder'), [],
    { env: { ...process.env, DISPLAY: display } });
  recorder.lines = lines;
  let partial = '';
  let ready = false;
  recorder.child.stdout.on('data', (d) => {
    const t = Date.now();
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop();
    for (const text of parts) {
      if (!ready) { ready = text === 'ready'; continue; }
      lines.push(stamped ? { text, t } : text);
    }
  });
  await recorder.waitFor(/^ready$/m);
  return recorder;
}

// The root window as an RGBA buffer, read with xwd (ZPixmap, 32 bpp, LSB first: B G R X).
export function grabScreen(display) {
  const buf = execFileSync('xwd', ['-root', '-silent'], { env: { ...process.env, DISPLAY: display }, maxBuffer: 64 << 20 });
  const u32 = (o) => buf.readUInt32BE(o);
  const headerSize = u32(0), format = u32(8), width = u32(16), height = u32(20);
  const byteOrder = u32(28), bpp = u32(44), bytesPerLine = u32(48), ncolors = u32(76);
  if (format !== 2 || bpp !== 32 || byteOrder !== 0) throw new Error(`unexpected xwd format ${format}/${bpp}/${byteOrder}`);
  const start = headerSize + ncolors * 12;
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    let s = start + y * bytesPerLine, d = y * width * 4;
    for (let x = 0; x < width; x++, s += 4, d += 4) {
      rgba[d] = buf[s + 2]; rgba[d + 1] = buf[s + 1]; rgba[d + 2] = buf[s]; rgba[d + 3] = 255;
    }
  }
  return { width, height, rgba };
}

// Number of differing pixels and the first one, comparing RGB only.
export function comparePixels(a, b) {
  if (a.width !== b.width || a.height !== b.height) return { differing: -1, first: null };
  let differing = 0, first = null;
  for (let i = 0; i < a.width * a.height; i++) {
    const o = i * 4;
    if (a.rgba[o] !== b.rgba[o] || a.rgba[o + 1] !== b.rgba[o + 1] || a.rgba[o + 2] !== b.rgba[o + 2]) {
      if (!first) first = { x: i % a.width, y: Math.floor(i / a.width), a: [...a.rgba.subarray(o, o + 3)], b: [...b.rgba.subarray(o, o + 3)] };
      differing++;
    }
  }
  return { differing, first };
}

// An xterm whose text the test controls: it shows what is appended to `file`.
export function startXterm(display, file, geometry = '80x24+40+40') {
  fs.writeFileSync(file, '');
  return new proc('xterm', 'xterm', ['-geometry', geometry, '-fa', 'Monospace', '-fs', '11', '-e', 'tail', '-n', '+1', '-f', file],
    { env: { ...process.env, DISPLAY: display } });
}

export function randomText(n = 16) {
  return crypto.randomBytes(n).toString('base64url').slice(0, n);
}

// --- server and client ----------------------------------------------------------------------
export async function startServer({ dataDir = tempDir('data'), users = [['alice', 'technician']], extra = [] } = {}) {
  const creds = {};
  for (const [name, role] of users) {
    const password = `pw-${randomText(12)}`;
    execFileSync(path.join(binDir, 'visit-server'), ['user', 'add', name, '--role', role, '--data-dir', dataDir], { input: `${password}\n` });
    creds[name] = password;
  }
  const server = new proc('server', path.join(binDir, 'visit-server'), ['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--self-signed', ...extra]);
  const [, url] = await server.waitFor(/listening on (https:\/\/[0-9.]+:\d+)/);
  const [, fingerprint] = await server.waitFor(/fingerprint sha256:([0-9a-f]{64})/);
  server.url = url;
  server.fingerprint = fingerprint;
  server.creds = creds;
  server.dataDir = dataDir;
  return server;
}

// A headless customer that files a support request through the server's wizard and confirms
// it without asking (--yes). `answers` are the wizard answers (question id → text); the
// default definition needs `topic` and `summary`. `code` pairs with a technician's session code.
export function startClient(server, display, {
  name = 'Ada Customer', summary = 'printer is broken', answers = {}, code = null, yes = true,
  pin = server.fingerprint, extra = [],
} = {}) {
  const args = ['--headless', '--server', server.url, '--name', name, '--display', display];
  const all = { topic: 'printing', summary, ...answers };
  for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== null) args.push('--answer', `${k}=${v}`);
  if (yes) args.push('--yes');
  if (code) args.push('--code', code);
  if (pin) args.push('--pin', pin);
  return new proc('client', path.join(binDir, 'visit-client'), [...args, ...extra]);
}

// startClient with a local control socket (`visit-client ctl`), resolved once the client
// listens on it; the socket's path is client.ctlSocket. `extra` follows --ctl-socket.
export async function startCtlClient(server, display, opts = {}) {
  const ctlSocket = path.join(tempDir('ctl'), 'ctl.sock');
  const client = startClient(server, display, { ...opts, extra: ['--ctl-socket', ctlSocket, ...(opts.extra ?? [])] });
  client.ctlSocket = ctlSocket;
  await client.waitFor(/control socket \//);
  return client;
}

// `visit-client ctl <args...>` on a client's control socket: its stdout, or when it fails, its
// output followed by " (exit <code>)".
export async function ctlCommand(ctlSocket, ...args) {
  try {
    const r = await execFileAsync(path.join(binDir, 'visit-client'), ['ctl', ...args, '--socket', ctlSocket]);
    return r.stdout;
  } catch (e) {
    return `${e.stdout || ''}${e.stderr || ''} (exit ${e.code})`;
  }
}

// The id of the request the client filed (the client prints it once the server answered
// request_filed), and the time the line was seen.
export const FILED_RE = /(?:request filed|support request)\D{0,40}?([0-9a-f]{32})/i;
export async function waitFiled(client, timeoutMs = 30000) {
  const m = await client.waitFor(FILED_RE, timeoutMs);
  return m[1];
}

// A JSON API call from a logged-in page (same origin, cookie, CSRF from /api/me): {status, body}.
export async function pageApi(page, method, apiPath, body) {
  return page.evaluate(async ([method, apiPath, body]) => {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      const me = await (await fetch('/api/me', { credentials: 'same-origin' })).json();
      headers['X-CSRF-Token'] = me.csrf;
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(apiPath, { method, headers, credentials: 'same-origin', body: method === 'GET' ? undefined : JSON.stringify(body ?? {}) });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, body: json, text };
  }, [method, apiPath, body]);
}

// Takes the request in the Call Manager (Take button on its row); the console then opens the
// session view. Resolves with the page once the viewer is live.
export async function takeAndOpen(page, requestId, { timeoutMs = 10000 } = {}) {
  if (!/#\/requests$/.test(page.url())) await page.goto(new URL('/#/requests', page.url()).href);
  const row = page.locator(`[data-request-id="${requestId}"]`);
  await row.waitFor({ timeout: timeoutMs });
  const take = row.locator('[data-action="take"]');
  if (await take.isVisible()) await take.click();
  else await row.locator('[data-action="open"]').click();
  await page.locator('[data-state="live"]').waitFor({ timeout: timeoutMs });
  return page;
}

// Opens the session view of a request this technician was given (took, invited, senior).
export async function openGiven(page, requestId, { timeoutMs = 10000 } = {}) {
  await page.goto(new URL(`/#/session/${requestId}`, page.url()).href);
  await page.locator('[data-state="live"]').waitFor({ timeout: timeoutMs });
  return page;
}

// CPU seconds (user + system) a process has used so far, from /proc.
export function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in clock ticks (100 Hz)
}

// --- browser --------------------------------------------------------------------------------
export async function launchBrowser() {
  const { chromium } = await import(path.join(here, '../node_modules/playwright-core/index.mjs'));
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function login(browser, server, username) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 900 } });
  await context.addInitScript(installTestHooks);
  const page = await context.newPage();
  page.on('pageerror', (e) => { page.errors = [...(page.errors || []), String(e)]; });
  await page.goto(server.url + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', server.creds[username]);
  await page.click('button[type=submit]');
  await page.locator('#requests-title, #details-title, .session-view').first().waitFor({ timeout: 10000 });
  await page.waitForFunction(() => !!window.visitViewer, null, { timeout: 10000 });
  return page;
}

// Runs in every page of a context from login() before the console's own scripts: loads the
// console's test hooks (window.visitViewer), which index.html does not load. The hooks module
// shares the page's module instances (same URLs), so it sees the viewer the console opened.
function installTestHooks() {
  if (location.protocol === 'https:' || location.protocol === 'http:') {
    import(new URL('/js/testing/hooks.js', location.href).href).catch((e) => console.error('test hooks:', e));
  }
}

// The viewer canvas through the console's test hook, as {width, height, rgba}.
export async function canvasPixels(page) {
  const snap = await page.evaluate(async () => {
    const s = await window.visitViewer.snapshot();
    const bytes = s.data instanceof Uint8ClampedArray || s.data instanceof Uint8Array ? s.data : new Uint8Array(s.data);
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return { width: s.width, height: s.height, b64: typeof s.data === 'string' ? s.data : btoa(bin) };
  });
  return { width: snap.width, height: snap.height, rgba: Buffer.from(snap.b64, 'base64') };
}

// Polls until the canvas equals the X screen exactly; returns the last comparison.
export async function waitCanvasEqualsScreen(page, display, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  let cmp;
  do {
    const screen = grabScreen(display);
    const canvas = await canvasPixels(page);
    cmp = comparePixels(screen, canvas);
    if (cmp.differing === 0) return { ...cmp, ms: timeoutMs - (deadline - Date.now()) };
    await sleep(50);
  } while (Date.now() < deadline);
  return cmp;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : NaN;
}
