// Clipboard both ways end to end: Xvfb with an ordinary X client (x_clipboard) that sets and
// reads CLIPBOARD -> visit-client (its X selection component) <-> visit-server hub <->
// the technician's chromium console (Send clipboard, the clipboard panel).
// Checks: nothing flows in Read-Only (console or raw WebSocket, either way); in Full-Access the
// text arrives byte-exact both ways (non-ASCII too, shown as text, never HTML); 64 KiB passes,
// more is refused whole with a clear message; after revoke nothing flows either way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  stopAll, startXvfb, startServer, startCtlClient, ctlCommand, launchBrowser, login, binDir, toolDir,
} from './lib/harness.mjs';

const run = promisify(execFile);
const CAP = 65536;

let x, server, client, browser, requestId, ctlSocket, alice;
const setters = [];

before(async () => {
  x = await startXvfb(1024, 768);
  server = await startServer({ users: [['alice', 'technician']] });
  client = await startCtlClient(server, x.display);
  ctlSocket = client.ctlSocket;
  [, requestId] = await client.waitFor(/support request ([0-9a-f]{32})/);
  browser = await launchBrowser();
});

after(async () => {
  for (const s of setters) s.kill('SIGKILL');
  if (browser) await browser.close();
  await stopAll();
});

const xenv = () => ({ ...process.env, DISPLAY: x.display });

const ctl = (...args) => ctlCommand(ctlSocket, ...args);

// The X clipboard as an application reads it: {code, bytes} (code 0 = text; see x_clipboard).
async function xGet(target = 'UTF8_STRING') {
  try {
    const r = await run(path.join(toolDir, 'x_clipboard'), ['get', target],
      { env: xenv(), encoding: 'buffer', maxBuffer: 1 << 22 });
    return { code: 0, bytes: r.stdout };
  } catch (e) {
    return { code: e.code, bytes: Buffer.alloc(0) };
  }
}

// Another application copies `text`: owns CLIPBOARD until someone else takes it.
async function xSet(text) {
  const child = spawn(path.join(toolDir, 'x_clipboard'), ['set'], { env: xenv(), stdio: ['pipe', 'pipe', 'inherit'] });
  setters.push(child);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stdin.end(Buffer.from(text, 'utf8'));
  const deadline = Date.now() + 3000;
  while (!out.includes('owned')) {
    assert.ok(Date.now() < deadline, 'x_clipboard set did not own the clipboard');
    await sleep(10);
  }
  return { child, lost: () => out.includes('lost') };
}

async function openSession(username) {
  const p = await login(browser, server, username);
  await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const row = p.locator(`[data-request-id="${requestId}"]`);
  await row.waitFor({ timeout: 10000 });
  await row.locator('button').first().click();
  await p.locator('[data-state="live"]').waitFor({ timeout: 10000 });
  return p;
}

async function grantTo(page) {
  const before = client.output.length;
  assert.equal(await page.evaluate(() => window.visitViewer.requestControl()), true);
  const deadline = Date.now() + 5000;
  while (!/asks for control/.test(client.output.slice(before))) {
    assert.ok(Date.now() < deadline, 'the control request did not reach the client');
    await sleep(20);
  }
  assert.match(await ctl('grant'), /^ok full access granted/m);
  await page.locator('[data-access="full_access"]').waitFor({ timeout: 5000 });
}

// The technician's clipboard holds `text`; they press Send clipboard (the real button).
async function consoleSend(page, text) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.click('#send-clipboard');
}

// A clipboard message on a raw viewer WebSocket of this page's login (not the console's).
async function rawClipboard(page, text) {
  return page.evaluate(async ([id, text]) => {
    const P = await import('/js/protocol.js');
    const ws = new WebSocket(`wss://${location.host}/ws/view/${id}`);
    ws.binaryType = 'arraybuffer';
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    ws.send(P.makeClipboard(1, text));
    await new Promise((r) => setTimeout(r, 300));
    const state = ws.readyState;
    ws.close(1000);
    return state;
  }, [requestId, text]);
}

const panelText = (page) => page.evaluate(() => {
  const panel = document.querySelector('#clipboard-panel');
  return panel.hidden ? null : document.querySelector('#clipboard-text').textContent;
});

// Generous: the suite also runs against ASan+UBSan builds, several times slower.
async function waitFor(fn, what, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    assert.ok(Date.now() < deadline, `timed out: ${what}`);
    await sleep(20);
  }
}

test('Read-Only: no clipboard flows either way (console button, raw WebSocket, X copy)', async () => {
  alice = await openSession('alice');
  const setter = await xSet('before any control');
  assert.equal(await alice.locator('#send-clipboard').isDisabled(), true);
  assert.equal(await rawClipboard(alice, 'sneaky'), 1, 'the raw socket was closed');
  await sleep(500);
  assert.equal((await xGet()).bytes.toString('utf8'), 'before any control');
  assert.equal(setter.lost(), false);
  assert.equal(await panelText(alice), null);
  assert.doesNotMatch(client.output, /clipboard:/);
});

test('Full-Access: the console clipboard lands on the X CLIPBOARD byte-exact ("Grüße ✓")', async () => {
  await grantTo(alice);
  await sleep(200);
  const text = 'Grüße ✓';
  await consoleSend(alice, text);
  const got = await waitFor(async () => {
    const r = await xGet();
    return r.code === 0 && r.bytes.toString('utf8') === text ? r : null;
  }, 'the X CLIPBOARD to read the sent text');
  assert.deepEqual(got.bytes, Buffer.from(text, 'utf8'));
  // STRING (Latin-1) is refused for text beyond Latin-1 rather than mangled.
  assert.equal((await xGet('STRING')).code, 3);
  const targets = (await xGet('TARGETS')).bytes.toString().split('\n');
  for (const t of ['TARGETS', 'UTF8_STRING', 'STRING', 'TEXT']) assert.ok(targets.includes(t), targets.join(','));
  assert.equal(await alice.textContent('#clipboard-status'), `Clipboard sent (${Buffer.byteLength(text)} bytes)`);

  await consoleSend(alice, 'Grüße');
  await waitFor(async () => (await xGet()).bytes.toString('utf8') === 'Grüße', 'second text');
  assert.deepEqual((await xGet('STRING')).bytes, Buffer.from('Grüße', 'latin1'));
  // Our own ownership is not echoed back to the console.
  await sleep(300);
  assert.equal(await panelText(alice), null);
});

test('Full-Access: an X application copies -> the console panel shows exactly that text, as text', async () => {
  const text = 'vom Kunden: Ünïcödé ✓ <b>bold?</b> & "quotes"\nsecond line\ttab';
  await xSet(text);
  const shown = await waitFor(() => panelText(alice), 'the clipboard panel');
  assert.equal(shown, text);
  assert.equal(await alice.evaluate(() => document.querySelector('#clipboard-text b')), null);
  assert.equal(await alice.evaluate(() => document.querySelector('#clipboard-text').children.length), 0);
});

test('cap: exactly 64 KiB passes both ways; more is refused whole with a clear message', async () => {
  // Customer -> technician, exactly at the cap (multi-byte characters included).
  const atCap = 'ä'.repeat(1000) + 'x'.repeat(CAP - 2000);
  assert.equal(Buffer.byteLength(atCap), CAP);
  await xSet(atCap);
  await waitFor(async () => (await panelText(alice)) === atCap, 'the 64 KiB clipboard in the panel');

  // Customer -> technician, one byte over: refused, the panel keeps the previous text.
  const before = client.output.length;
  await xSet(`${atCap}!`);
  await waitFor(async () => /clipboard: the customer's clipboard not sent: too large \(65537 bytes/.test(client.output.slice(before)), 'the refusal log line');
  await sleep(300);
  assert.equal(await panelText(alice), atCap);

  // Technician -> customer, at the cap: lands whole.
  const atCap2 = 'ö'.repeat(CAP / 2);
  await consoleSend(alice, atCap2);
  await waitFor(async () => (await xGet()).bytes.equals(Buffer.from(atCap2)), 'the 64 KiB text on the X CLIPBOARD');

  // Technician -> customer, over the cap: refused in the console, the X CLIPBOARD unchanged.
  const sentBefore = (await alice.evaluate(() => window.visitViewer.inputSent())).clipboard;
  await consoleSend(alice, `${atCap2}x`);
  await alice.locator('#clipboard-status.bad').waitFor({ timeout: 2000 });
  assert.match(await alice.textContent('#clipboard-status'), /not sent: 65537 bytes, the limit is 65536 bytes/);
  await sleep(300);
  assert.equal((await alice.evaluate(() => window.visitViewer.inputSent())).clipboard, sentBefore);
  assert.ok((await xGet()).bytes.equals(Buffer.from(atCap2)));
});

test('after revoke nothing flows either way', async () => {
  assert.match(await ctl('revoke'), /^ok back to read-only/m);
  await alice.locator('[data-access="read_only"]').waitFor({ timeout: 5000 });
  const logFrom = client.output.length;
  const xBefore = (await xGet()).bytes;
  const panelBefore = await panelText(alice);
  assert.equal(await alice.locator('#send-clipboard').isDisabled(), true);
  assert.equal(await rawClipboard(alice, 'after revoke'), 1);
  await xSet('copied after revoke');
  // The X app's own copy is on the X CLIPBOARD ...
  await waitFor(async () => (await xGet()).bytes.toString() === 'copied after revoke', "the X app's own copy");
  // ... and, given time to travel, never reaches the console.
  await sleep(700);
  assert.equal(await panelText(alice), panelBefore);
  assert.notEqual((await xGet()).bytes.toString(), 'after revoke');
  assert.ok(xBefore.length > 0);
  assert.doesNotMatch(client.output.slice(logFrom), /clipboard: \d+ bytes/);
});
