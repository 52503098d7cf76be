// Takes the README's screenshots: a virtual customer desktop, the real server and clients, and
// the console in Debian chromium showing the Call Manager, a request's details and the live
// session. usage: node tests/e2e/tools/console_screenshot.mjs OUT_DIR   (VISIT_BIN_DIR as for
// the tests). Writes call-manager.png, request-details.png and console.png.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  proc, stopAll, startXvfb, startServer, startClient, launchBrowser, login, waitFiled, pageApi,
} from '../lib/harness.mjs';

const out = process.argv[2] || 'docs/img';
const x = await startXvfb(1280, 800);
const env = { ...process.env, DISPLAY: x.display };
new proc('openbox', 'openbox', [], { env });
await sleep(300);
new proc('xsetroot', 'xsetroot', ['-solid', '#2d4a63'], { env });
new proc('xterm', 'xterm', ['-geometry', '90x28+40+40', '-fa', 'Monospace', '-fs', '11', '-T', 'Customer terminal',
  '-e', 'bash', '-c', 'printf "$ lpstat -p\nprinter office-laser disabled since Sun 08:12 - paused\n$ uname -srm\n"; uname -srm; exec sleep 600'], { env });
new proc('xclock', 'xclock', ['-geometry', '180x180+1000+60', '-update', '1'], { env });
new proc('xcalc', 'xcalc', ['-geometry', '+1000+300'], { env });
const server = await startServer({ users: [['alice', 'technician'], ['bob', 'senior']] });

// A few customers, so the Call Manager looks like a working morning.
const others = [
  ['Grace Hopper', 'VPN drops every few minutes', { topic: 'network' }],
  ['Alan Turing', 'Evince crashes when printing PDFs', { app: 'evince' }],
  ['Katherine Johnson', 'Second monitor stays black after docking', {}],
];
const browser = await launchBrowser();
const bob = await login(browser, server, 'bob');
for (const [name, summary, answers] of others) {
  const c = startClient(server, x.display, { name, summary, answers });
  await waitFiled(c);
  await sleep(700);
}
const c0 = startClient(server, x.display, { name: 'Ada Lovelace', summary: 'Printer queue is stuck since this morning' });
const id = await waitFiled(c0);
// bob took one of the earlier requests, so the list shows a request in session.
const rows = await pageApi(bob, 'GET', '/api/requests');
const first = rows.body.requests.find((r) => r.name === 'Grace Hopper');
if (first) await pageApi(bob, 'POST', `/api/requests/${first.id}/take`, {});
await sleep(1500);

const page = await login(browser, server, 'alice');
const row = page.locator(`[data-request-id="${id}"]`);
await row.waitFor();
await page.locator('[data-feed-status="live"]').waitFor();
await sleep(1200);
await page.screenshot({ path: path.join(out, 'call-manager.png') });

await row.locator('.col-desc').click();
await page.locator('.details-view[data-loaded="true"]').waitFor();
const libs = page.locator('section[data-collector="libraries"]');
if (await libs.count()) {
  const det = libs.locator('details.list-details');
  if (!(await det.getAttribute('open'))) await det.locator('summary').click();
  await libs.locator('input.list-filter').fill('libc');
}
await sleep(500);
await page.screenshot({ path: path.join(out, 'request-details.png'), fullPage: true });

await page.locator('.details-view [data-action="take"]').click();
await page.locator('[data-state="live"]').waitFor();
await sleep(1500);
await page.screenshot({ path: path.join(out, 'console.png') });
await browser.close();
await stopAll();
console.log(`screenshots written to ${out}`);
