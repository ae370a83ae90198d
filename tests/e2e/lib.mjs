// Shared harness for gongkai's browser tests (run: `node --test tests/e2e/` from the repo root).
//
// API (keep it small; other test files depend on it):
//
//   ROOT                         absolute path of the repository root
//   ARTIFACTS                    tests/e2e/artifacts/ (gitignored): screenshots and reports
//   buildDemo() -> dir           builds the demo site at the repo root with the release binary
//                                (`cargo build --release` first if it is missing) into a fresh
//                                temp dir, SOURCE_DATE_EPOCH fixed; memoized per process.
//                                $GONGKAI_E2E_ROOT builds another site root instead of the demo
//   serveDir(dir) -> {url, close}  static HTTP server on 127.0.0.1:<random port>; `/x/` serves
//                                x/index.html, a miss serves 404.html with status 404; `url` has
//                                no trailing slash ("http://127.0.0.1:PORT")
//   launch() -> browser          headless Chromium via playwright-core ($CHROMIUM or
//                                /usr/bin/chromium)
//   guardRequests(context, url) -> {external, assertNone()}  records every request a page of
//                                `context` makes to a host other than `url`'s and aborts it;
//                                assertNone() throws listing them
//   runAxe(page) -> violations   injects axe-core and runs WCAG 2.0/2.1 A+AA rules; returns
//                                axe's violations array
//   PAGES                        {name: path} of the demo pages every test looks at
//   vnuJar() -> path             the Nu HTML validator jar from the vnu-jar package
//   artifact(name) -> path       tests/e2e/artifacts/<name>, creating the folder
//
// Typical use:
//   const dir = await buildDemo(); const srv = await serveDir(dir); const browser = await launch();
//   const ctx = await browser.newContext(); const guard = await guardRequests(ctx, srv.url);
//   const page = await ctx.newPage(); await page.goto(srv.url + '/search/'); ... guard.assertNone();
//   await browser.close(); await srv.close();

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '..', '..');
export const ARTIFACTS = join(HERE, 'artifacts');
const require = createRequire(import.meta.url);

/** Demo pages the theme tests visit (paths on the built site). */
export const PAGES = {
  home: '/',
  policy: '/policies/2016/xinyang-2016/',
  interpretation: '/interpretations/xinyang-2016-wenzi/',
  list: '/lists/xinyang-2016-tasks/',
  catalog: '/catalog/',
  search: '/search/',
};

let built = null;

/** Builds the demo portal into a new temp dir and returns its path (memoized). */
export async function buildDemo() {
  if (built) return built;
  const bin = join(ROOT, 'target', 'release', process.platform === 'win32' ? 'gongkai.exe' : 'gongkai');
  if (!existsSync(bin)) {
    const r = spawnSync('cargo', ['build', '--release'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('cargo build --release failed');
  }
  const out = join(mkdtempSync(join(tmpdir(), 'gongkai-e2e-')), 'public');
  const root = process.env.GONGKAI_E2E_ROOT ? resolve(process.env.GONGKAI_E2E_ROOT) : ROOT;
  const r = spawnSync(bin, ['build', '--root', root, '--output', out], {
    cwd: ROOT,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`gongkai build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  built = out;
  return out;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
};

function contentType(file) {
  const ext = extname(file).toLowerCase();
  return TYPES[ext] || 'application/octet-stream';
}

/** Serves `dir` on 127.0.0.1 (random port). Resolves to {url, close}. */
export async function serveDir(dir) {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) {
        if (!path.endsWith('/')) {
          res.writeHead(301, { Location: path + '/' }).end();
          return;
        }
        file = join(file, 'index.html');
      }
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      const nf = join(base, '404.html');
      const body = existsSync(nf) ? readFileSync(nf) : Buffer.from('not found');
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : body);
    }
  });
  await new Promise((ok, fail) => server.listen(0, '127.0.0.1', ok).on('error', fail));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

/** Launches headless Chromium. */
export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Watches every request made by pages of `context`: requests to any origin other than
 * `baseUrl`'s (and other than data:/blob:/about:) are recorded and aborted.
 */
export async function guardRequests(context, baseUrl) {
  const origin = new URL(baseUrl).origin;
  const external = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (/^(data|blob|about):/.test(u) || new URL(u).origin === origin) return route.continue();
    external.push(u);
    return route.abort();
  });
  return {
    external,
    assertNone() {
      if (external.length) throw new Error(`requests to other hosts:\n  ${external.join('\n  ')}`);
    },
  };
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA) in `page`; returns the violations. */
export async function runAxe(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }),
  );
  return result.violations;
}

/** Path of the Nu validator jar shipped by the vnu-jar package. */
export function vnuJar() {
  return join(dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
}

/** Makes sure tests/e2e/artifacts/ exists and returns the path of `name` inside it. */
export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
