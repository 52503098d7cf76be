// Multi-monitor end to end: one 2048×768 Xvfb screen split into two RandR monitors
// (xrandr --setmonitor) -> visit-client lists them in screen_info -> the console offers
// "All monitors / Monitor 1 / Monitor 2"; clicks on the second monitor, in the all-monitors
// view and in the single-monitor view (Fit and 1:1), arrive at exactly the expected X
// coordinates at the recording X client (startRecorder, a window over the whole screen).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  stopAll, startXvfb, startRecorder, startServer, startCtlClient, launchBrowser, login, binDir,
} from './lib/harness.mjs';

const run = promisify(execFile);
const SCREEN = { width: 2048, height: 768 };
const MON = [{ x: 0, y: 0, width: 1024, height: 768 }, { x: 1024, y: 0, width: 1024, height: 768 }];

let x, server, client, browser, requestId, ctlSocket, alice;
const lines = [];

before(async () => {
  x = await startXvfb(SCREEN.width, SCREEN.height);
  const env = { ...process.env, DISPLAY: x.display };
  // The recorder first: Xvfb resets RandR monitors when its last client disconnects.
  await startRecorder(x.display, { lines });
  await run('xrandr', ['--setmonitor', 'left', '1024/270x768/200+0+0', 'screen'], { env });
  await run('xrandr', ['--setmonitor', 'right', '1024/270x768/200+1024+0', 'none'], { env });
  const listed = (await run('xrandr', ['--listmonitors'], { env })).stdout;
  assert.match(listed, /Monitors: 2/, listed);

  server = await startServer({ users: [['alice', 'technician']] });
  client = await startCtlClient(server, x.display);
  ctlSocket = client.ctlSocket;
  [, requestId] = await client.waitFor(/support request ([0-9a-f]{32})/);
  browser = await launchBrowser();
  alice = await login(browser, server, 'alice');
  const row = alice.locator(`[data-request-id="${requestId}"]`);
  await row.waitFor({ timeout: 10000 });
  await row.locator('button').first().click();
  await alice.locator('[data-state="live"]').waitFor({ timeout: 10000 });
  const before = client.output.length;
  assert.equal(await alice.evaluate(() => window.visitViewer.requestControl()), true);
  const deadline = Date.now() + 5000;
  while (!/asks for control/.test(client.output.slice(before))) {
    assert.ok(Date.now() < deadline, 'the control request did not reach the client');
    await sleep(20);
  }
  await run(path.join(binDir, 'visit-client'), ['ctl', 'grant', '--socket', ctlSocket]);
  await alice.locator('[data-access="full_access"]').waitFor({ timeout: 5000 });
});

after(async () => {
  if (browser) await browser.close();
  await stopAll();
});

// Clicks at page point (cx, cy) and returns the recorder's "x y" of the press and release.
async function clickAt(cx, cy) {
  const from = lines.length;
  await alice.mouse.click(cx, cy);
  const buttons = () => lines.slice(from).filter((l) => l.startsWith('button_'));
  const deadline = Date.now() + 3000;
  while (buttons().length < 2 && Date.now() < deadline) await sleep(10);
  const b = buttons();
  assert.equal(b.length, 2, lines.slice(from).join('; '));
  const [press, release] = b.map((l) => l.split(' ').slice(2).join(' '));
  assert.equal(press, release);
  return press;
}

// The whole CSS pixel nearest to `pos` that still lies inside [lo, lo + size).
const inside = (pos, lo, size) => Math.min(Math.floor(lo + size - 0.01), Math.max(Math.ceil(lo), Math.round(pos)));

const rect = (sel) => alice.evaluate((s) => {
  const r = document.querySelector(s).getBoundingClientRect();
  return { left: r.left, top: r.top, width: r.width, height: r.height };
}, sel);

test('the console offers All monitors / Monitor 1 / Monitor 2 from screen_info', async () => {
  const select = alice.locator('#monitor-select');
  await select.waitFor({ state: 'visible', timeout: 5000 });
  const options = await select.locator('option').allTextContents();
  assert.deepEqual(options, ['All monitors', 'Monitor 1 · 1024×768', 'Monitor 2 · 1024×768']);
  assert.equal(await select.inputValue(), '-1');
});

test('All monitors, Fit: clicks on the second monitor arrive at the expected pixels', async () => {
  await alice.locator('button.btn-toggle', { hasText: 'Fit' }).click();
  const r = await rect('canvas.screen-canvas');
  const s = r.width / SCREEN.width;
  assert.ok(s < 1, `Fit scales the 2048-wide screen down (${s})`);
  for (const [tx, ty] of [[1024 + 100, 200], [1536, 384], [2040, 760], [1030, 5]]) {
    const cx = inside(r.left + (tx + 0.5) * s, r.left, r.width);
    const cy = inside(r.top + (ty + 0.5) * s, r.top, r.height);
    const want = `${Math.min(2047, Math.floor((cx - r.left) / s))} ${Math.min(767, Math.floor((cy - r.top) / s))}`;
    assert.equal(await clickAt(cx, cy), want, `target ${tx},${ty}`);
    const [gx, gy] = want.split(' ').map(Number);
    assert.ok(Math.abs(gx - tx) <= 1 / s + 1 && Math.abs(gy - ty) <= 1 / s + 1, `${want} near ${tx},${ty}`);
  }
});

test('Monitor 2 alone, Fit: the stage is that monitor and clicks map with its offset', async () => {
  await alice.selectOption('#monitor-select', '1');
  await sleep(100);
  const st = await rect('.stage');
  const s = st.width / MON[1].width;
  assert.ok(Math.abs(st.height - MON[1].height * s) <= 1, `stage ${st.width}×${st.height} keeps 4:3`);
  assert.match(await alice.textContent('.session-meta'), /^1024×768 · /);
  // Points given relative to the stage, computed without the console's code: the monitor's
  // left edge is screen x 1024.
  for (const [tx, ty] of [[1024, 0], [1024 + 37, 55], [1536, 384], [2047, 767]]) {
    const cx = inside(st.left + (tx - MON[1].x + 0.5) * s, st.left, st.width);
    const cy = inside(st.top + (ty - MON[1].y + 0.5) * s, st.top, st.height);
    const want = `${MON[1].x + Math.min(1023, Math.floor((cx - st.left) / s))} ${Math.min(767, Math.floor((cy - st.top) / s))}`;
    assert.equal(await clickAt(cx, cy), want, `target ${tx},${ty}`);
  }
  // With Fit in a 1400-wide window the monitor is shown larger than 1:1 or close to it: every
  // target pixel above is hit exactly.
  if (s >= 1) {
    assert.equal(await clickAt(inside(st.left + (37 + 0.5) * s, st.left, st.width), inside(st.top + (55 + 0.5) * s, st.top, st.height)), '1061 55');
  }
});

test('Monitor 2 alone, 1:1: every pixel maps exactly (x + 1024)', async () => {
  await alice.locator('button.btn-toggle', { hasText: '1:1' }).click();
  await sleep(100);
  const st = await rect('.stage');
  assert.equal(Math.round(st.width), 1024);
  for (const [dx, dy] of [[0, 0], [10, 20], [333, 444], [700, 300]]) {
    const vp = await rect('.session-viewport');
    if (st.top + dy >= vp.top + vp.height || st.left + dx >= vp.left + vp.width) continue;  // scrolled off
    // Whole CSS pixels with dx <= cx - left < dx + 1, whatever the stage's fractional offset.
    assert.equal(await clickAt(Math.ceil(st.left + dx), Math.ceil(st.top + dy)), `${1024 + dx} ${dy}`);
  }
});

test('Monitor 1 alone and back to All monitors', async () => {
  await alice.locator('button.btn-toggle', { hasText: 'Fit' }).click();
  await alice.selectOption('#monitor-select', '0');
  await sleep(100);
  const st = await rect('.stage');
  const s = st.width / 1024;
  const cx = inside(st.left + 500.5 * s, st.left, st.width);
  const cy = inside(st.top + 300.5 * s, st.top, st.height);
  assert.equal(await clickAt(cx, cy), `${Math.floor((cx - st.left) / s)} ${Math.floor((cy - st.top) / s)}`);
  await alice.selectOption('#monitor-select', '-1');
  await sleep(100);
  const all = await rect('.stage');
  assert.ok(Math.abs(all.width / all.height - SCREEN.width / SCREEN.height) < 0.01);
});

test('a monitor layout change during the session reaches the console (RandR event -> screen_info)', async () => {
  const env = { ...process.env, DISPLAY: x.display };
  await run('xrandr', ['--delmonitor', 'right'], { env });
  await alice.locator('#monitor-select').waitFor({ state: 'hidden', timeout: 5000 });
  await run('xrandr', ['--setmonitor', 'right', '1024/270x768/200+1024+0', 'none'], { env });
  await alice.locator('#monitor-select').waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await alice.locator('#monitor-select option').count(), 3);
  // The screen stays whole and live: the canvas still covers 2048×768.
  assert.deepEqual(await alice.evaluate(async () => {
    const s = await window.visitViewer.stats();
    return [s.width, s.height];
  }), [2048, 768]);
});
