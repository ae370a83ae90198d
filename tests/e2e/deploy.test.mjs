// The demo portal behind Debian's real nginx, configured by `gongkai deploy nginx`: every page
// a citizen opens works under the Content-Security-Policy it sends, search included, with no
// CSP violation. nginx runs as a child (not a daemon) on a random port of 127.0.0.1, with its
// own prefix, pid and logs in a temp dir.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardRequests, launch, PAGES, ROOT } from './lib.mjs';

const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p));
const BIN = join(ROOT, 'target', 'release', 'gongkai');

let nginx;
let browser;
let url;
let dir;

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    }).on('error', fail);
  });
}

function run(args, env = {}) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, `gongkai ${args.join(' ')}:\n${r.stderr}`);
  return r.stdout;
}

/** The nginx worker drops to `nobody` when the tests run as root: it must read the site. */
function openDirs(d) {
  chmodSync(d, 0o755);
  for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) openDirs(join(d, e.name));
}

async function waitForPort(port, child) {
  const start = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${readFileSync(join(dir, 'logs/error.log'), 'utf8')}`);
    const ok = await new Promise((res) => {
      const c = connect(port, '127.0.0.1', () => { c.end(); res(true); }).on('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() - start > 10000) throw new Error('nginx did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  assert.ok(NGINX, 'nginx is installed (scripts/test installs Debian nginx-light)');
  if (!existsSync(BIN)) assert.equal(spawnSync('cargo', ['build', '--release'], { cwd: ROOT, stdio: 'inherit' }).status, 0);
  dir = mkdtempSync(join(tmpdir(), 'gongkai-nginx-'));
  const out = join(dir, 'public');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // Served over plain HTTP here, so the site is built for that address (an https base_url
  // would add upgrade-insecure-requests and HSTS, which tests/publish.rs checks as headers).
  run(['build', '--root', ROOT, '--output', out, '--precompress', '--base-url', url], { SOURCE_DATE_EPOCH: '1700000000' });
  const conf = run(['deploy', 'nginx', '--root', ROOT, '--output', out, '--listen', `127.0.0.1:${port}`]);
  openDirs(dir);
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'site.conf'), conf);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${dir}/logs/access.log;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  include ${dir}/site.conf;
}
`,
  );
  nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  await waitForPort(port, nginx);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx.once('exit', r));
    nginx.kill('SIGTERM');
    await exited;
  }
});

/** A page that records CSP violations (from the first script on), errors and external requests. */
async function openPage() {
  const context = await browser.newContext();
  const guard = await guardRequests(context, url);
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return {
    page,
    errors,
    violations: () => page.evaluate(() => window.__csp),
    async done() {
      guard.assertNone();
      await context.close();
    },
  };
}

test('every demo page loads under the CSP nginx sends, with no violation', async () => {
  // The annual report has its own inline script and styles (print button, print layout).
  for (const [name, path] of Object.entries({ ...PAGES, report: '/reports/2016/' })) {
    const { page, errors, violations, done } = await openPage();
    const resp = await page.goto(url + path);
    assert.equal(resp.status(), 200, name);
    const csp = resp.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self' 'sha256-/, `${name}: the CSP is sent`);
    assert.equal(resp.headers()['cache-control'], 'no-cache');
    await page.waitForLoadState('networkidle');
    // gongkai.js ran (it shows the 长者模式 button) and the inline bootstrap is allowed.
    assert.equal(await page.isVisible('#elder-toggle'), true, `${name}: gongkai.js ran`);
    if (name === 'report') assert.equal(await page.isVisible('#report-print'), true, 'its inline script ran');
    assert.deepEqual(await violations(), [], `${name}: no CSP violation`);
    assert.deepEqual(errors, [], `${name}: no console error`);
    await done();
  }
});

test('search works under the CSP and 长者模式 survives a reload (inline script allowed by hash)', async () => {
  const { page, errors, violations, done } = await openPage();
  await page.goto(`${url}/search/?q=${encodeURIComponent('预决算')}`);
  await page.waitForFunction(() => /共找到|没有找到|无法加载/.test(document.getElementById('search-status').textContent));
  const status = await page.textContent('#search-status');
  assert.match(status, /共找到 \d+ 条/, status);
  assert.ok((await page.$$('#search-results > li')).length > 0);
  await page.click('#elder-toggle');
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('elder')), true);
  assert.deepEqual(await violations(), []);
  assert.deepEqual(errors, []);
  await done();
});

test('the harness sees a violation: an injected inline script is blocked', async () => {
  const { page, errors, violations, done } = await openPage();
  await page.goto(url + '/');
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = 1';
    document.head.append(s);
    return window.__injected === 1;
  });
  assert.equal(ran, false, 'the CSP blocks inline script that is not the theme’s');
  await page.waitForFunction(() => window.__csp.length > 0);
  assert.match((await violations())[0], /^script-src-elem /);
  assert.ok(errors.some((e) => /Content Security Policy/.test(e)), errors.join('\n'));
  await done();
});
