// `gongkai serve` in a real browser: an editor has a document open, saves a broken version,
// sees the error overlay appear (naming the file), saves the fix, and sees the overlay go and
// the new text appear — all without reloading by hand.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launch } from './lib.mjs';

const DOC = 'content/policies/2016/jilin-2016.md';
const URL_PATH = '/policies/2016/jilin-2016/';

let site;
let server;
let base;
let browser;

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'gongkai-serve-'));
  for (const d of ['site-config.toml', 'content', 'static']) {
    cpSync(join(ROOT, d), join(site, d), { recursive: true });
  }
  server = spawn(join(ROOT, 'target', 'release', 'gongkai'), ['serve', '--root', site, '--port', '0'], {
    env: { ...process.env, NO_COLOR: '1', SOURCE_DATE_EPOCH: '1480550400' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr.resume();
  base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no address: ${out}`)), 120000);
    server.stdout.on('data', (b) => {
      out += b;
      const m = out.match(/正在预览：(http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (site) rmSync(site, { recursive: true, force: true });
});

test('the error overlay appears on a broken save and goes on the fix', async () => {
  const page = await browser.newPage();
  await page.goto(base + URL_PATH);
  await page.waitForFunction(() => window.EventSource && document.querySelector('script[src="/__gongkai/live.js"]'));
  assert.equal(await page.locator('#gongkai-error-overlay').count(), 0, 'no overlay on a good build');
  const original = readFileSync(join(site, DOC), 'utf8');

  // A broken save: a key that does not exist.
  writeFileSync(join(site, DOC), original.replace('+++\n', '+++\ncolour = "红"\n'));
  const overlay = page.locator('#gongkai-error-overlay');
  await overlay.waitFor({ state: 'visible', timeout: 60000 });
  assert.equal(await overlay.getAttribute('role'), 'alertdialog');
  const text = await overlay.innerText();
  assert.match(text, /E-UNKNOWN-KEY/);
  assert.match(text, /jilin-2016\.md/);

  // The fix: the overlay goes and the page shows the new text.
  writeFileSync(join(site, DOC), original.replace('+++\n\n', '+++\n\n修好以后浏览器里的新句子。\n\n'));
  await page.waitForFunction(
    () => !document.querySelector('#gongkai-error-overlay') && document.body.innerText.includes('修好以后浏览器里的新句子'),
    null,
    { timeout: 60000 },
  );
  await page.close();
});
