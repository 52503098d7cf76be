// Admin pages and the account page in chromium against the real server: an admin adds a user
// and changes its role, a refused wizard definition shows the server's problems next to the
// editor, a technician enrols TOTP (QR as an <img> data: URL) and then signs in with the code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { stopAll, startServer, launchBrowser, login, pageApi } from './lib/harness.mjs';

let server, browser, admin;

before(async () => {
  server = await startServer({ users: [['root', 'admin'], ['tina', 'technician']] });
  browser = await launchBrowser();
  admin = await login(browser, server, 'root');
});

after(async () => {
  if (browser) await browser.close();
  await stopAll();
});

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`bad base32 ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) for time step `step`.
function totp(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const o = mac[mac.length - 1] & 0xf;
  const n = ((mac[o] & 0x7f) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3];
  return String(n % 1e6).padStart(6, '0');
}

test('admin: the Admin link is for admins only; add a user and change its role', async () => {
  assert.equal(await admin.locator('#nav-admin').isVisible(), true);
  await admin.goto(`${server.url}/#/admin/users`);
  await admin.locator('#users-table [data-user="tina"]').waitFor({ timeout: 5000 });
  await admin.fill('#new-user-name', 'nora');
  await admin.selectOption('#new-user-role', 'senior');
  await admin.fill('#new-user-password', 'a-long-password-123');
  await admin.click('#add-user button[type=submit]');
  await admin.locator('#users-table [data-user="nora"]').waitFor({ timeout: 5000 });
  assert.match(await admin.locator('#users-status').textContent(), /nora was added as senior/);
  await admin.locator('#users-table [data-user="nora"] select').selectOption('technician');
  await admin.locator('#users-status', { hasText: 'nora is now technician' }).waitFor({ timeout: 5000 });
  const users = await pageApi(admin, 'GET', '/api/admin/users');
  assert.equal(users.body.users.find((u) => u.username === 'nora').role, 'technician');
  // A technician sees no Admin link, and the server refuses the page's data anyway.
  const tina = await login(browser, server, 'tina');
  assert.equal(await tina.locator('#nav-admin').isVisible(), false);
  assert.equal((await pageApi(tina, 'GET', '/api/admin/users')).status, 403);
  await tina.context().close();
});

test('admin: a bad wizard definition is refused and the problems are listed next to the editor', async () => {
  await admin.goto(`${server.url}/#/admin/wizard`);
  const editor = admin.locator('#wizard-editor');
  await admin.waitForFunction(() => document.querySelector('#wizard-editor')?.value.length > 10);
  const original = JSON.parse(await editor.inputValue());
  const bad = structuredClone(original);
  bad.pages[0].questions[0].type = 'colour';
  bad.surprise = true;
  await editor.fill(JSON.stringify(bad, null, 2));
  await admin.click('#wizard-save');
  const problems = admin.locator('#wizard-problems .problems-list li');
  await problems.first().waitFor({ timeout: 5000 });
  const texts = await problems.allTextContents();
  assert.ok(texts.some((t) => t.startsWith('pages[0].questions[0].type')), texts.join(' | '));
  assert.ok(texts.some((t) => t.includes('surprise')), texts.join(' | '));
  // Reset brings the current version back; saving it makes a new version.
  await admin.click('#wizard-reset');
  await admin.waitForFunction(() => !document.querySelector('#wizard-editor').value.includes('colour'));
  await admin.click('#wizard-save');
  await admin.locator('#wizard-problems .banner-success').waitFor({ timeout: 5000 });
  assert.match(await admin.locator('#wizard-problems').textContent(), /Saved as version \d+/);
});

test('account: TOTP enrolment shows the QR as an image, then sign-in asks for the code', async () => {
  const tina = await login(browser, server, 'tina');
  await tina.goto(`${server.url}/#/account`);
  await tina.click('#totp-setup');
  const img = tina.locator('#totp-qr');
  await img.waitFor({ timeout: 5000 });
  const src = await img.getAttribute('src');
  assert.ok(src.startsWith('data:image/svg+xml'), src.slice(0, 40));
  const natural = await img.evaluate((i) => i.decode().then(() => i.naturalWidth));
  assert.ok(natural > 0, 'the QR image did not load');
  const secret = (await tina.locator('#totp-secret').textContent()).replace(/\s+/g, '');
  const step = Math.floor(Date.now() / 30000);
  await tina.fill('#totp-code', totp(secret, step));
  await tina.click('#totp-confirm button[type=submit]');
  await tina.locator('#account-status', { hasText: 'second factor is on' }).waitFor({ timeout: 5000 });
  await tina.click('#logout');
  // Sign in again: password, then the second step asks for the code.
  await tina.fill('input[name=username]', 'tina');
  await tina.fill('input[name=password]', server.creds.tina);
  await tina.click('button[type=submit]');
  await tina.locator('#login-totp-field').waitFor({ state: 'visible', timeout: 5000 });
  await tina.fill('#login-totp', totp(secret, step + 1)); // the next step: the used one is refused
  await tina.click('button[type=submit]');
  // Signed in again, back on the page she left.
  await tina.locator('#account-title').waitFor({ timeout: 5000 });
  assert.match(await tina.locator('#totp-state').textContent(), /^On/);
  await tina.context().close();
});
