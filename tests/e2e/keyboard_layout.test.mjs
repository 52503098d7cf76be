// Keyboard layouts end to end: the technician types with playwright's keyboard on the screen
// canvas in chromium (physical keys, KeyboardEvent.code) -> visit-server -> visit-client (XTEST
// by physical key position) -> Xvfb, whose layout is set with setxkbmap. The recording X client
// (startRecorder) prints the keysym each key press gives an application, with the modifier state:
// the customer's own layout decides the character, as on a local keyboard.
//
// Note: setxkbmap must run while another client is connected (the recorder is), or Xvfb resets
// to its default keymap when the last client disconnects.
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

let x, server, client, browser, requestId, ctlSocket, alice;
const lines = [];

before(async () => {
  x = await startXvfb(1024, 768);
  await startRecorder(x.display, { lines });
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
  // Focus the canvas with a click in the middle of the screen.
  const box = await alice.locator('canvas.screen-canvas').boundingBox();
  await alice.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
});

after(async () => {
  if (browser) await browser.close();
  await stopAll();
});

async function setLayout(layout) {
  await run('setxkbmap', ['-layout', layout], { env: { ...process.env, DISPLAY: x.display } });
  const q = await run('setxkbmap', ['-query'], { env: { ...process.env, DISPLAY: x.display } });
  assert.match(q.stdout, new RegExp(`layout:\\s+${layout}\\b`));
  await sleep(100);
}

// Runs `type` (playwright keyboard actions) and returns the recorder's key_press lines as
// "keysym state" once `want` presses and as many releases arrived.
async function presses(type, want) {
  const from = lines.length;
  await type(alice.keyboard);
  const keyLines = () => lines.slice(from).filter((l) => l.startsWith('key_'));
  const deadline = Date.now() + 3000;
  while (keyLines().length < 2 * want && Date.now() < deadline) await sleep(10);
  await sleep(150);  // nothing more may follow
  const all = keyLines();
  assert.equal(all.length, 2 * want, all.join('; '));
  return all.filter((l) => l.startsWith('key_press')).map((l) => l.slice('key_press '.length));
}

async function chord(kb, mods, key) {
  for (const m of mods) await kb.down(m);
  await kb.press(key);
  for (const m of [...mods].reverse()) await kb.up(m);
}

test('US layout: letters, Shift+digits, Ctrl+A / Ctrl+C shortcuts', async () => {
  await setLayout('us');
  assert.deepEqual(await presses(async (kb) => {
    await kb.press('KeyY');
    await kb.press('KeyZ');
  }, 2), ['y state=0x0', 'z state=0x0']);
  assert.deepEqual(await presses(async (kb) => {
    await chord(kb, ['Shift'], 'Digit2');
    await chord(kb, ['Shift'], 'Digit1');
  }, 4), ['Shift_L state=0x0', 'at state=0x1', 'Shift_L state=0x0', 'exclam state=0x1']);
  assert.deepEqual(await presses(async (kb) => {
    await chord(kb, ['Control'], 'KeyA');
    await chord(kb, ['Control'], 'KeyC');
  }, 4), ['Control_L state=0x0', 'a state=0x4', 'Control_L state=0x0', 'c state=0x4']);
  assert.deepEqual(await presses(async (kb) => {
    await kb.press('Semicolon');
    await kb.press('Quote');
    await kb.press('BracketLeft');
    await kb.press('Minus');
  }, 4), ['semicolon state=0x0', 'apostrophe state=0x0', 'bracketleft state=0x0', 'minus state=0x0']);
});

test('German layout: Y/Z swapped, Shift+digits, AltGr+Q -> @, umlauts and ß', async () => {
  await setLayout('de');
  assert.deepEqual(await presses(async (kb) => {
    await kb.press('KeyY');
    await kb.press('KeyZ');
  }, 2), ['z state=0x0', 'y state=0x0']);
  assert.deepEqual(await presses(async (kb) => {
    await chord(kb, ['Shift'], 'Digit2');
    await chord(kb, ['Shift'], 'Digit3');
    await chord(kb, ['Shift'], 'Digit7');
  }, 6), ['Shift_L state=0x0', 'quotedbl state=0x1', 'Shift_L state=0x0', 'section state=0x1',
    'Shift_L state=0x0', 'slash state=0x1']);
  // AltGr is the right Alt key; the de layout makes it ISO_Level3_Shift (Mod5).
  assert.deepEqual(await presses(async (kb) => {
    await chord(kb, ['AltRight'], 'KeyQ');
    await chord(kb, ['AltRight'], 'KeyE');
  }, 4), ['ISO_Level3_Shift state=0x0', 'at state=0x80', 'ISO_Level3_Shift state=0x0', 'EuroSign state=0x80']);
  assert.deepEqual(await presses(async (kb) => {
    await kb.press('Semicolon');
    await kb.press('Quote');
    await kb.press('BracketLeft');
    await kb.press('Minus');
    await chord(kb, ['Shift'], 'Semicolon');
  }, 6), ['odiaeresis state=0x0', 'adiaeresis state=0x0', 'udiaeresis state=0x0', 'ssharp state=0x0',
    'Shift_L state=0x0', 'Odiaeresis state=0x1']);
  assert.deepEqual(await presses(async (kb) => {
    await chord(kb, ['Control'], 'KeyA');
    await chord(kb, ['Control'], 'KeyZ');  // the physical Z key is Y in German: Ctrl+Y
  }, 4), ['Control_L state=0x0', 'a state=0x4', 'Control_L state=0x0', 'y state=0x4']);
});
