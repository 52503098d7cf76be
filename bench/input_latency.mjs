// Input latency, by hand (not in CTest): a technician's click in chromium -> the ButtonPress
// at an X client on the customer's display, over loopback with the real binaries.
//
//   node bench/input_latency.mjs [--samples 300] [--bin-dir build/ci/apps]
//                                [--tool-dir build/ci/tests/e2e]
//
// Xvfb 1280x800 with tests/e2e/tools/x_recorder (prints each X event as it arrives) ->
// visit-client --headless (XTEST) <- visit-server (TLS, 127.0.0.1) <- Debian chromium
// (playwright-core) logged in as a technician holding Full-Access. Per sample: move, wait
// 20 ms, press; the press is timed two ways, on the same host clock:
//   event -> X  from the pointerdown event's timestamp in the page (performance.timeOrigin +
//               event.timeStamp: when chromium created the input event) to the moment this
//               script reads the recorder's button_press line;
//   cdp -> X    from just before playwright's mouse.down() (includes the DevTools round trip
//               that delivers the click to chromium) to the same moment;
// then, as a third figure, the press sent by the page itself on a second viewer WebSocket of
// the same login (wire -> X: from ws.send, without the console's input batching).
// Prints p50 / p95 / p99 / max of each in milliseconds. docs/performance.md has the figures.
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const { values: opt } = parseArgs({
  options: {
    samples: { type: 'string', default: '300' },
    'bin-dir': { type: 'string' },
    'tool-dir': { type: 'string' },
  },
});
if (opt['bin-dir']) process.env.VISIT_BIN_DIR = path.resolve(opt['bin-dir']);
if (opt['tool-dir']) process.env.VISIT_TOOL_DIR = path.resolve(opt['tool-dir']);
// The harness reads VISIT_BIN_DIR / VISIT_TOOL_DIR when it loads.
const H = await import('../tests/e2e/lib/harness.mjs');
const run = promisify(execFile);
const SAMPLES = Number(opt.samples);
const SCREEN = { width: 1280, height: 800 };
const now = () => performance.timeOrigin + performance.now();  // wall clock, sub-ms

const lines = [];  // {text, t}
let browser;
try {
  const x = await H.startXvfb(SCREEN.width, SCREEN.height);
  const recorder = new H.proc('x_recorder', path.join(H.toolDir, 'x_recorder'), [],
    { env: { ...process.env, DISPLAY: x.display } });
  let partial = '';
  let ready = false;
  recorder.child.stdout.on('data', (d) => {
    const t = now();
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop();
    for (const text of parts) {
      if (!ready) { ready = text === 'ready'; continue; }
      lines.push({ text, t });
    }
  });
  await recorder.waitFor(/^ready$/m);
  const server = await H.startServer({ users: [['alice', 'technician']] });
  const ctlSocket = path.join(H.tempDir('ctl'), 'ctl.sock');
  const client = H.startClient(server, x.display, { extra: ['--ctl-socket', ctlSocket] });
  const [, requestId] = await client.waitFor(/support request ([0-9a-f]{32})/);
  await client.waitFor(/control socket \//);
  browser = await H.launchBrowser();

  const page = await H.login(browser, server, 'alice');
  const row = page.locator(`[data-request-id="${requestId}"]`);
  await row.waitFor({ timeout: 10000 });
  await row.locator('button').first().click();
  await page.locator('[data-state="live"]').waitFor({ timeout: 10000 });
  await page.waitForFunction(() => window.visitViewer.state() === 'live');
  await page.evaluate(() => window.visitViewer.requestControl());
  await client.waitFor(/asks for control/, 5000);
  await run(path.join(H.binDir, 'visit-client'), ['ctl', 'grant', '--socket', ctlSocket]);
  await page.locator('[data-access="full_access"]').waitFor({ timeout: 5000 });
  await page.evaluate(() => {
    window.__downs = [];
    document.addEventListener('pointerdown', (e) => window.__downs.push(performance.timeOrigin + e.timeStamp), { capture: true });
  });

  const rect = await page.evaluate(() => {
    const r = document.querySelector('canvas.screen-canvas').getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, height: r.height };
  });
  const fromEvent = [];
  const fromCdp = [];
  let missed = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const cx = rect.left + ((100 + (i * 37) % 1000) * rect.width) / SCREEN.width;
    const cy = rect.top + ((100 + (i * 53) % 600) * rect.height) / SCREEN.height;
    await page.mouse.move(cx, cy);
    await sleep(20);
    const n0 = lines.length;
    const t0 = now();
    await page.mouse.down();
    const deadline = Date.now() + 2000;
    let hit;
    while (!(hit = lines.slice(n0).find((l) => l.text.startsWith('button_press'))) && Date.now() < deadline) await sleep(0.5);
    const down = await page.evaluate(() => window.__downs.pop());
    await page.mouse.up();
    const d2 = Date.now() + 2000;
    while (!lines.slice(n0).some((l) => l.text.startsWith('button_release')) && Date.now() < d2) await sleep(1);
    if (!hit) { missed++; continue; }
    fromCdp.push(hit.t - t0);
    if (down !== undefined) fromEvent.push(hit.t - down);
    await sleep(20);
  }
  // The same press sent straight on a second viewer WebSocket of this login (no console
  // batching): the network, hub, client and XTEST part alone.
  await page.evaluate(async (id) => {
    const P = await import('/js/protocol.js');
    const ws = new WebSocket(`wss://${location.host}/ws/view/${id}`);
    ws.binaryType = 'arraybuffer';
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    let seq = 1;
    window.__rawClick = (x, y, pressed) => {
      const t = performance.timeOrigin + performance.now();
      ws.send(P.makeInput(seq++, [{ kind: 'button', button: 1, pressed, x, y }]));
      return t;
    };
  }, requestId);
  const fromWire = [];
  for (let i = 0; i < SAMPLES; i++) {
    const n0 = lines.length;
    const sx = 100 + (i * 37) % 1000, sy = 100 + (i * 53) % 600;
    const t = await page.evaluate(([x, y]) => window.__rawClick(x, y, true), [sx, sy]);
    const deadline = Date.now() + 2000;
    let hit;
    while (!(hit = lines.slice(n0).find((l) => l.text.startsWith('button_press'))) && Date.now() < deadline) await sleep(0.5);
    await page.evaluate(([x, y]) => window.__rawClick(x, y, false), [sx, sy]);
    const d2 = Date.now() + 2000;
    while (!lines.slice(n0).some((l) => l.text.startsWith('button_release')) && Date.now() < d2) await sleep(1);
    if (!hit) { missed++; continue; }
    fromWire.push(hit.t - t);
    await sleep(20);
  }
  const q = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(s.length * p))];
  };
  const fmt = (xs) => `p50 ${q(xs, 0.5).toFixed(2)} ms, p95 ${q(xs, 0.95).toFixed(2)} ms, ` +
    `p99 ${q(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms`;
  console.log(`input latency over ${fromEvent.length} clicks (${missed} missed):`);
  console.log(`  event -> X: ${fmt(fromEvent)}`);
  console.log(`  cdp   -> X: ${fmt(fromCdp)}`);
  console.log(`  wire  -> X: ${fmt(fromWire)}  (raw WebSocket send, no console batching)`);
  if (missed > 0) process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  await H.stopAll();
}
