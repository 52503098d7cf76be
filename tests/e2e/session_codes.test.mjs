// Session codes end to end (docs/protocol.md §3.5): a technician creates a code in the
// console, a headless customer enters it and reaches that technician directly; the same code
// again is refused; an expired code is refused (server started with a short code lifetime).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  stopAll, startXvfb, startServer, startClient, launchBrowser, login, waitFiled, pageApi, binDir,
} from './lib/harness.mjs';

const CODE_TTL_FLAG = '--code-ttl-seconds';
const REFUSED_RE = /code[_ ]refused|session code (was )?refused|code .*refused/i;
const TTL = 4;

let x, server, browser, alice;
let ttlSupported = false;

before(async () => {
  x = await startXvfb(800, 600);
  let help = '';
  try {
    help = execFileSync(path.join(binDir, 'visit-server'), ['--help'], { encoding: 'utf8' });
  } catch (e) {
    help = `${e.stdout || ''}${e.stderr || ''}`;
  }
  ttlSupported = help.includes(CODE_TTL_FLAG);
  server = await startServer({
    users: [['alice', 'technician'], ['bob', 'technician']],
    extra: ttlSupported ? [CODE_TTL_FLAG, String(TTL)] : [],
  });
  browser = await launchBrowser();
  alice = await login(browser, server, 'alice');
  await alice.locator('[data-feed-status="live"]').waitFor({ timeout: 10000 });
});

after(async () => {
  if (browser) await browser.close();
  await stopAll();
});

async function newCodeInUi(page) {
  await page.goto(`${server.url}/#/requests`);
  await page.locator('#new-code').click();
  const big = page.locator('#code-value');
  await page.waitForFunction(() => /^\d{3} \d{3} \d{3}$/.test(document.querySelector('#code-value')?.textContent || ''));
  const code = await big.textContent();
  const expiry = await page.locator('#code-expiry').textContent();
  await page.locator('#code-dialog button', { hasText: 'Close' }).click();
  return { code, expiry };
}

async function exitOf(client, ms = 20000) {
  const timer = sleep(ms).then(() => 'timeout');
  const r = await Promise.race([client.exited, timer]);
  if (r === 'timeout') await client.stop();
  return r;
}

test('a code made in the console pairs the customer with that technician, once', async () => {
  const { code, expiry } = await newCodeInUi(alice);
  assert.match(expiry, /^expires in \d+:\d\d$/);
  // The live codes list shows it.
  const listed = await pageApi(alice, 'GET', '/api/codes');
  assert.ok(listed.body.codes.some((c) => c.code === code), JSON.stringify(listed.body));

  const client = startClient(server, x.display, { name: 'Code Customer', summary: 'called about the VPN', code: code.replace(/ /g, '-') });
  const id = await waitFiled(client);
  const row = alice.locator(`[data-request-id="${id}"]`);
  await row.waitFor({ timeout: 5000 });
  assert.equal(await row.locator('.col-tech').textContent(), 'alice');
  assert.equal(await row.locator('.via-code').isVisible(), true);
  const r = await pageApi(alice, 'GET', `/api/requests/${id}`);
  assert.equal(r.body.technician, 'alice');
  assert.equal(r.body.via_code, true);
  // bob does not see alice's direct request.
  const bob = await login(browser, server, 'bob');
  assert.equal((await pageApi(bob, 'GET', `/api/requests/${id}`)).status, 404);
  await bob.context().close();

  // The same code again: refused, and the client says so.
  const again = startClient(server, x.display, { name: 'Replay', code });
  const ex = await exitOf(again);
  assert.notEqual(ex, 'timeout', `the client with a used code did not exit: ${again.output.slice(-800)}`);
  assert.notEqual(ex.code, 0, 'a refused code must not exit 0');
  assert.match(again.output, REFUSED_RE);
  assert.doesNotMatch(again.output, /request filed/i);
  await client.stop();
});

test('an expired code is refused', async (t) => {
  if (!ttlSupported) {
    t.skip(`visit-server has no ${CODE_TTL_FLAG}; cannot wait 10 minutes for a code to expire`);
    return;
  }
  const { code } = await newCodeInUi(alice);
  await sleep((TTL + 1) * 1000);
  // The dialog shows it as gone from the live list.
  const listed = await pageApi(alice, 'GET', '/api/codes');
  assert.ok(!listed.body.codes.some((c) => c.code === code), JSON.stringify(listed.body));
  const late = startClient(server, x.display, { name: 'Too Late', code });
  const ex = await exitOf(late);
  assert.notEqual(ex, 'timeout', `the client with an expired code did not exit: ${late.output.slice(-800)}`);
  assert.notEqual(ex.code, 0);
  assert.match(late.output, REFUSED_RE);
});
