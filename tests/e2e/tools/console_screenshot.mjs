// Takes the README's screenshots: a virtual customer desktop, the real server and client, and
// the console in Debian chromium showing the request list and the live session.
// usage: node tests/e2e/tools/console_screenshot.mjs OUT_DIR   (VISIT_BIN_DIR as for the tests)
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { proc, stopAll, startXvfb, startServer, startClient, launchBrowser, login } from '../lib/harness.mjs';

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
const server = await startServer({ users: [['alice', 'technician']] });
const client = startClient(server, x.display, { name: 'Ada Lovelace', description: 'Printer queue is stuck since this morning' });
const [, id] = await client.waitFor(/support request ([0-9a-f]{32})/);
await sleep(1000);
const browser = await launchBrowser();
const page = await login(browser, server, 'alice');
const row = page.locator(`[data-request-id="${id}"]`);
await row.waitFor();
await page.screenshot({ path: path.join(out, 'requests.png') });
await row.locator('button').first().click();
await page.locator('[data-state="live"]').waitFor();
await sleep(1500);
await page.screenshot({ path: path.join(out, 'console.png') });
await browser.close();
await stopAll();
console.log(`screenshots written to ${out}`);
