// Single-application mode end to end: Xvfb run by openbox with two application windows
// (x_app_window) -> visit-client --share-window-name -> visit-server -> chromium console.
// The canvas shows the shared window's pixels exactly as the X screen has them and black
// everywhere else (the other window's stripes included), and the console says, as text, that
// the session is limited to that application.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  proc, stopAll, tempDir, startXvfb, startServer, startClient, launchBrowser, login, toolDir,
  grabScreen, canvasPixels,
} from './lib/harness.mjs';

const SCREEN = { width: 1024, height: 640 };
const TITLE = 'Shared <b>App</b> \u2014 caf\u00e9';  // customer text: must be shown as text
const SECRET = [[0xc0, 0xff, 0xee], [0xee, 0x11, 0x77]];  // the other window's stripes (RGB)

let x, wm, shared, other, server, client, browser, requestId, sharedId;

function xenv() {
  return { env: { ...process.env, DISPLAY: x.display } };
}

function startApp(title, geo, a, b, text) {
  return new proc(`app ${title}`, path.join(toolDir, 'x_app_window'),
    [title, ...geo.map(String), a, b, text], xenv());
}

// The window's inside in root coordinates and whether it sits in a window manager's frame.
function windowInfo(id) {
  const out = execFileSync('xwininfo', ['-id', id, '-tree'], xenv()).toString()
    + execFileSync('xwininfo', ['-id', id], xenv()).toString();
  const num = (re) => Number(out.match(re)[1]);
  return {
    x: num(/Absolute upper-left X:\s+(-?\d+)/),
    y: num(/Absolute upper-left Y:\s+(-?\d+)/),
    w: num(/Width:\s+(\d+)/),
    h: num(/Height:\s+(\d+)/),
    framed: !/Parent window id: 0x[0-9a-f]+ \(the root window\)/.test(out),
  };
}

before(async () => {
  x = await startXvfb(SCREEN.width, SCREEN.height);
  // The applications first, then openbox, which frames the windows it finds.
  shared = startApp(TITLE, [60, 80, 360, 260], '3366cc', '99cc33', 'shared-app-text');
  other = startApp('Other App', [520, 200, 400, 300], 'c0ffee', 'ee1177', 'TOP-SECRET');
  [, sharedId] = await shared.waitFor(/ready (0x[0-9a-f]+)/);
  const [, otherId] = await other.waitFor(/ready (0x[0-9a-f]+)/);
  wm = new proc('openbox', 'openbox', ['--sm-disable'], xenv());
  const deadline = Date.now() + 20000;
  while (!(windowInfo(sharedId).framed && windowInfo(otherId).framed)) {
    assert.ok(Date.now() < deadline, `openbox did not frame the windows: ${wm.output}`);
    await sleep(100);
  }
  server = await startServer();
  client = startClient(server, x.display, {
    extra: ['--ctl-socket', path.join(tempDir('ctl'), 'ctl.sock'), '--share-window-name', TITLE],
  });
  [, requestId] = await client.waitFor(/support request ([0-9a-f]{32})/);
  await client.waitFor(/sharing only window 0x[0-9a-f]+/);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  await stopAll();
});

test('the console shows only the shared window, black elsewhere, and says so', async () => {
  const page = await login(browser, server, 'alice');
  const row = page.locator(`[data-request-id="${requestId}"]`);
  await row.waitFor({ timeout: 10000 });
  await row.locator('button').first().click();
  await page.locator('[data-state="live"]').waitFor({ timeout: 10000 });

  // The badge: the title as text, never as markup.
  const badge = page.locator('#scope-badge');
  await badge.waitFor({ state: 'visible', timeout: 10000 });
  assert.equal(await badge.textContent(), `Limited to one application: ${TITLE}`);
  assert.equal(await badge.locator('b').count(), 0, 'the title was rendered as HTML');
  assert.equal(await badge.getAttribute('data-state'), 'visible');

  // The canvas: inside the window equal to the X screen, outside black.
  const win = windowInfo(sharedId);
  const inside = (px, py) => px >= win.x && py >= win.y && px < win.x + win.w && py < win.y + win.h;
  const deadline = Date.now() + 10000;
  let last;
  for (;;) {
    const screen = grabScreen(x.display);
    const canvas = await canvasPixels(page);
    assert.equal(canvas.width, SCREEN.width);
    assert.equal(canvas.height, SCREEN.height);
    let wrongInside = 0, litOutside = 0, secret = 0, first = null;
    for (let py = 0; py < SCREEN.height; py++) {
      for (let px = 0; px < SCREEN.width; px++) {
        const o = (py * SCREEN.width + px) * 4;
        const c = canvas.rgba.subarray(o, o + 3);
        if (SECRET.some((s) => s[0] === c[0] && s[1] === c[1] && s[2] === c[2])) secret++;
        if (inside(px, py)) {
          if (c[0] !== screen.rgba[o] || c[1] !== screen.rgba[o + 1] || c[2] !== screen.rgba[o + 2]) {
            wrongInside++;
            first = first || { px, py, canvas: [...c], screen: [...screen.rgba.subarray(o, o + 3)] };
          }
        } else if (c[0] || c[1] || c[2]) {
          litOutside++;
          first = first || { px, py, canvas: [...c] };
        }
      }
    }
    assert.equal(secret, 0, 'a pixel of the other window reached the console');
    last = { wrongInside, litOutside, first };
    if (wrongInside === 0 && litOutside === 0) break;
    assert.ok(Date.now() < deadline, `canvas never matched: ${JSON.stringify(last)}`);
    await sleep(100);
  }
  // The X screen really shows the other window and the frames: they were there to be hidden.
  const screen = grabScreen(x.display);
  let secretOnScreen = 0;
  for (let o = 0; o < screen.rgba.length; o += 4) {
    if (SECRET.some((s) => s[0] === screen.rgba[o] && s[1] === screen.rgba[o + 1] && s[2] === screen.rgba[o + 2])) secretOnScreen++;
  }
  assert.ok(secretOnScreen > 10000, `the other window is not on the X screen (${secretOnScreen} px)`);

  // Minimised: the badge says so and the canvas is all black; restored: back to the window.
  execFileSync(path.join(toolDir, 'x_app_window'), ['--iconify', sharedId], xenv());
  await page.waitForFunction(() => document.querySelector('#scope-badge').dataset.state === 'minimised', null, { timeout: 10000 });
  assert.equal(await badge.textContent(), `Limited to one application: ${TITLE} (minimised)`);
  const d2 = Date.now() + 10000;
  for (;;) {
    const canvas = await canvasPixels(page);
    let lit = 0;
    for (let o = 0; o < canvas.rgba.length; o += 4) if (canvas.rgba[o] || canvas.rgba[o + 1] || canvas.rgba[o + 2]) lit++;
    if (lit === 0) break;
    assert.ok(Date.now() < d2, `${lit} pixels still lit while minimised`);
    await sleep(100);
  }
  execFileSync(path.join(toolDir, 'x_app_window'), ['--activate', sharedId], xenv());
  await page.waitForFunction(() => document.querySelector('#scope-badge').dataset.state === 'visible', null, { timeout: 10000 });
  assert.equal(await badge.textContent(), `Limited to one application: ${TITLE}`);
  assert.deepEqual(page.errors || [], []);
});
