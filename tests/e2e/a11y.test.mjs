// The citizen-facing theme in a real browser: accessibility (axe-core, WCAG 2.1 A/AA), HTML
// validity (Nu validator), 长者模式 by keyboard, no sideways scrolling at 375 px, no request to
// any other host, page weight, no-JS rendering, print stylesheet; screenshots at 375 and 1280 px
// go to tests/e2e/artifacts/.
//
// Run from the repository root: node --test tests/e2e/

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { PAGES, artifact, buildDemo, guardRequests, launch, runAxe, serveDir, vnuJar } from './lib.mjs';

let dir, srv, browser, ready;

// Set up lazily inside each test (not in a `before` hook), so that a failed build counts as
// failed tests in the runner's summary rather than as cancelled ones.
function setup() {
  ready ||= (async () => {
    dir = await buildDemo();
    srv = await serveDir(dir);
    browser = await launch();
  })();
  return ready;
}

after(async () => {
  await browser?.close();
  await srv?.close();
});

/** A fresh context (viewport `width`), guarded against external requests. */
async function open(width = 1280, { elder = false, js = true } = {}) {
  await setup();
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: js });
  if (elder) await ctx.addInitScript(() => localStorage.setItem('gk-elder', '1'));
  const guard = await guardRequests(ctx, srv.url);
  const page = await ctx.newPage();
  return { ctx, page, guard };
}

async function go(page, path) {
  const res = await page.goto(srv.url + path, { waitUntil: 'load' });
  assert.equal(res.status(), 200, `${path} answered ${res.status()}`);
}

function summarize(violations) {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`)
    .join('\n  ');
}

describe('axe-core WCAG 2.1 A/AA: no serious or critical violations', () => {
  for (const elder of [false, true]) {
    for (const width of [1280, 375]) {
      for (const [name, path] of Object.entries(PAGES)) {
        test(`${name} ${path} at ${width}px${elder ? ' in 长者模式' : ''}`, async () => {
          const { ctx, page, guard } = await open(width, { elder });
          try {
            await go(page, path);
            if (elder) assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')));
            const bad = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
            assert.equal(bad.length, 0, `axe violations on ${path}:\n  ${summarize(bad)}`);
            guard.assertNone();
          } finally {
            await ctx.close();
          }
        });
      }
    }
  }
});

describe('layout and requests', () => {
  for (const width of [375, 1280]) {
    test(`no sideways scrolling and no external request at ${width}px; screenshots`, async () => {
      for (const elder of [false, true]) {
        const { ctx, page, guard } = await open(width, { elder });
        try {
          for (const [name, path] of Object.entries(PAGES)) {
            await go(page, path);
            const sw = await page.evaluate(() => document.documentElement.scrollWidth);
            assert.ok(sw <= width, `${path}${elder ? ' (长者模式)' : ''}: page is ${sw}px wide at a ${width}px viewport`);
            const file = artifact(`${name}-${width}${elder ? '-elder' : ''}.png`);
            await page.screenshot({ path: file, fullPage: true });
            console.log(`screenshot: ${relative(process.cwd(), file)}`);
          }
          guard.assertNone();
        } finally {
          await ctx.close();
        }
      }
    });
  }

  test('every other section page: no sideways scrolling at 375px, no external request', async () => {
    const { ctx, page, guard } = await open(375);
    try {
      for (const path of samplePaths().filter((p) => !Object.values(PAGES).includes(p))) {
        await go(page, path);
        const sw = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(sw <= 375, `${path}: page is ${sw}px wide at 375px`);
      }
      guard.assertNone();
    } finally {
      await ctx.close();
    }
  });

  test('a policy page weighs at most 100 KB (HTML + CSS + JS, no images)', async () => {
    const { ctx, page, guard } = await open(1280);
    try {
      const sizes = [];
      page.on('response', async (r) => {
        const type = r.request().resourceType();
        if (['document', 'stylesheet', 'script'].includes(type)) {
          sizes.push(r.body().then((b) => ({ url: r.url(), type, bytes: b.length })));
        }
      });
      await go(page, PAGES.policy);
      await page.waitForLoadState('networkidle');
      // print.css is fetched too (media="print"), so the sum includes it.
      const got = await Promise.all(sizes);
      const total = got.reduce((s, x) => s + x.bytes, 0);
      for (const x of got) console.log(`weight: ${x.type} ${new URL(x.url).pathname} ${x.bytes} B`);
      console.log(`weight: policy page total ${total} B (${(total / 1024).toFixed(1)} KB)`);
      assert.ok(got.some((x) => x.type === 'stylesheet'), 'the stylesheet was loaded');
      assert.ok(total <= 100 * 1024, `policy page weighs ${total} bytes`);
      guard.assertNone();
    } finally {
      await ctx.close();
    }
  });
});

describe('长者模式', () => {
  test('toggled by keyboard, large type, remembered across pages, toggled back by Alt+Shift+E', async () => {
    const { ctx, page, guard } = await open(1280);
    try {
      await go(page, PAGES.home);
      const before = await measure(page, 'main p');
      // Tab from the top of the page until the toggle has focus, then press Enter.
      let found = false;
      for (let i = 0; i < 25 && !found; i++) {
        await page.keyboard.press('Tab');
        found = await page.evaluate(() => document.activeElement?.id === 'elder-toggle');
      }
      assert.ok(found, 'the 长者模式 button is reachable with Tab');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none', 'the focused toggle shows a focus outline');
      await page.keyboard.press('Enter');
      assert.equal(await page.getAttribute('#elder-toggle', 'aria-pressed'), 'true');
      const on = await measure(page, 'main p');
      console.log(`长者模式 home: body ${before.fs}px/${before.lh} → ${on.fs}px/${on.lh}; text ${before.text} → ${on.text}`);
      assert.ok(on.fs >= 20, `body font-size ${on.fs}px ≥ 20px`);
      assert.ok(on.lh / on.fs >= 1.5, `line-height ${on.lh}px ≥ 1.5 × ${on.fs}px`);
      assert.ok(on.textPx >= 20, `text font-size ${on.textPx}px ≥ 20px`);

      // Remembered on the next page (a real navigation through a link).
      await Promise.all([page.waitForURL('**/policies/**'), page.click(`a[href="${PAGES.policy}"]`)]);
      const doc = await measure(page, '.document .body p');
      console.log(`长者模式 policy: body ${doc.fs}px/${doc.lh}; document text ${doc.text}`);
      assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')), 'still on after navigating');
      assert.equal(await page.getAttribute('#elder-toggle', 'aria-pressed'), 'true');
      assert.ok(doc.textPx >= 24, `document text ${doc.textPx}px ≥ 18pt (24px)`);
      assert.ok(doc.textLh / doc.textPx >= 1.5, `document line-height ${doc.textLh}px ≥ 1.5 × ${doc.textPx}px`);

      // The keyboard shortcut turns it off again, also remembered.
      await page.keyboard.press('Alt+Shift+E');
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('elder')), false);
      await go(page, PAGES.home);
      const off = await measure(page, 'main p');
      assert.equal(off.fs, before.fs, 'back to the normal size after Alt+Shift+E');
      guard.assertNone();
    } finally {
      await ctx.close();
    }
  });
});

/** Computed body font-size and line-height, and those of the first `sel`, in px. */
async function measure(page, sel) {
  return page.evaluate((sel) => {
    const px = (v) => parseFloat(v);
    const b = getComputedStyle(document.body);
    const t = getComputedStyle(document.querySelector(sel) || document.body);
    return {
      fs: px(b.fontSize),
      lh: px(b.lineHeight),
      textPx: px(t.fontSize),
      textLh: px(t.lineHeight),
      text: `${t.fontSize}/${t.lineHeight}`,
    };
  }, sel);
}

describe('structure and keyboard', () => {
  test('landmarks, one h1, headings in order, tables with caption and scope, images with alt', async () => {
    const { ctx, page, guard } = await open(1280);
    try {
      for (const path of samplePaths()) {
        await go(page, path);
        const r = await page.evaluate(() => {
          const q = (s) => document.querySelectorAll(s).length;
          const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => +h.tagName[1]);
          const jumps = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1);
          // Theme tables (content tables from Markdown are checked by `gongkai check`).
          const tables = [...document.querySelectorAll('table')].filter((t) => !t.closest('.body'));
          return {
            banner: q('body > header'),
            nav: q('nav[aria-label]'),
            main: q('main#main'),
            footer: q('body > footer'),
            skip: q('a.skip-link[href="#main"]'),
            h1: q('h1'),
            first: levels[0],
            jumps: jumps.length,
            levels: levels.join(''),
            noCaption: tables.filter((t) => !t.caption).length,
            // A header cell needs a scope, or an id that cells point at with headers= (WCAG H43).
            noScope: tables
              .flatMap((t) => [...t.querySelectorAll('th')])
              .filter((th) => !th.getAttribute('scope'))
              .filter((th) => !th.id || !document.querySelector(`[headers~="${CSS.escape(th.id)}"]`)).length,
            noAlt: q('img:not([alt])'),
            current: q('.site-nav [aria-current="page"]'),
          };
        });
        const at = `${path}: ${JSON.stringify(r)}`;
        assert.equal(r.banner, 1, at);
        assert.ok(r.nav >= 1, at);
        assert.equal(r.main, 1, at);
        assert.equal(r.footer, 1, at);
        assert.equal(r.skip, 1, at);
        assert.equal(r.h1, 1, `one h1 on ${at}`);
        assert.equal(r.first, 1, `the first heading is the h1 on ${at}`);
        assert.equal(r.jumps, 0, `no skipped heading level on ${at}`);
        assert.equal(r.noCaption, 0, `every table has a caption on ${at}`);
        assert.equal(r.noScope, 0, `every th has a scope (or an id used by headers=) on ${at}`);
        assert.equal(r.noAlt, 0, `every img has alt on ${at}`);
        if (path !== '/' && path !== '/search/' && !path.startsWith('/sitemap')) {
          assert.equal(r.current, 1, `the main navigation marks the current section on ${at}`);
        }
      }
      guard.assertNone();
    } finally {
      await ctx.close();
    }
  });

  test('skip link is the first Tab stop, visible, and moves focus to main; focus is visible', async () => {
    const { ctx, page, guard } = await open(375);
    try {
      await go(page, PAGES.policy);
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(() => {
        const a = document.activeElement;
        const r = a.getBoundingClientRect();
        const s = getComputedStyle(a);
        return { cls: a.className, top: r.top, bottom: r.bottom, outline: s.outlineStyle, width: s.outlineWidth };
      });
      assert.equal(skip.cls, 'skip-link');
      assert.ok(skip.top >= 0 && skip.bottom <= 900, `skip link on screen when focused: ${JSON.stringify(skip)}`);
      assert.notEqual(skip.outline, 'none');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
      // Every link and button shows a focus indicator.
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
          const s = getComputedStyle(document.activeElement);
          return { tag: document.activeElement.tagName, outline: s.outlineStyle, w: parseFloat(s.outlineWidth) };
        });
        assert.ok(f.outline !== 'none' && f.w >= 2, `focus visible on ${JSON.stringify(f)}`);
      }
      guard.assertNone();
    } finally {
      await ctx.close();
    }
  });
});

describe('without JavaScript', () => {
  test('home, policy, list and search pages render; search explains itself; 长者模式 button hidden', async () => {
    const { ctx, page, guard } = await open(375, { js: false });
    try {
      for (const path of [PAGES.home, PAGES.policy, PAGES.list, PAGES.catalog]) {
        await go(page, path);
        assert.ok(await page.locator('h1').count(), `${path} has its h1`);
        assert.ok(await page.locator('main').isVisible(), `${path} shows main`);
        assert.equal(await page.locator('#elder-toggle').isVisible(), false, 'the JS-only button is hidden');
        const sw = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(sw <= 375, `${path} without JS is ${sw}px wide`);
      }
      await go(page, PAGES.list);
      assert.ok((await page.locator('#ledger tbody tr').count()) > 0, 'the ledger table is in the HTML');
      await go(page, PAGES.search);
      await assertVisibleText(page, '站内搜索需要浏览器启用 JavaScript');
      await page.screenshot({ path: artifact('search-375-nojs.png'), fullPage: true });
      guard.assertNone();
    } finally {
      await ctx.close();
    }
  });
});

async function assertVisibleText(page, text) {
  // getByText() skips <noscript> content, so match the paragraph by its text instead.
  const loc = page.locator('main p', { hasText: text });
  assert.ok(await loc.first().isVisible(), `"${text}" is shown`);
}

describe('print stylesheet', () => {
  for (const name of ['policy', 'interpretation']) {
    test(`${name} page prints the site, title, address, metadata and body; no navigation`, async () => {
      const { ctx, page, guard } = await open(1280);
      try {
        await go(page, PAGES[name]);
        await page.emulateMedia({ media: 'print' });
        const r = await page.evaluate(() => {
          const shown = (s) => {
            const e = document.querySelector(s);
            return !!e && getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().height > 0;
          };
          return {
            nav: shown('.site-nav'),
            search: shown('.search-form'),
            toggle: shown('#elder-toggle'),
            breadcrumb: shown('.breadcrumb'),
            toc: shown('.toc'),
            footer: shown('.site-footer'),
            site: shown('.brand'),
            h1: shown('main h1'),
            url: shown('main .print-only'),
            meta: shown('.meta-table') || shown('.doc-meta'),
            body: shown('.document .body'),
          };
        });
        const want = { nav: false, search: false, toggle: false, breadcrumb: false, toc: false, footer: false };
        assert.deepEqual(r, { ...want, site: true, h1: true, url: true, meta: true, body: true });
        const pdf = artifact(`${name}-print.pdf`);
        await page.pdf({ path: pdf, format: 'A4', printBackground: false });
        console.log(`print: ${pdf}`);
        guard.assertNone();
      } finally {
        await ctx.close();
      }
    });
  }
});

/** Every top-level section page plus documents, lists, list items and the 404 page. */
function samplePaths() {
  const paths = ['/'];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && existsSync(join(dir, e.name, 'index.html'))) paths.push(`/${e.name}/`);
  }
  const sub = (section, n) =>
    readdirSync(join(dir, section), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(dir, section, e.name, 'index.html')))
      .slice(0, n)
      .map((e) => `/${section}/${e.name}/`);
  paths.push(...sub('interpretations', 3), ...sub('lists', 10), ...sub('reports', 2), '/reports/2016/website/');
  paths.push(PAGES.policy, '/policies/2016/zhanjiang-2016/', '/policies/2017/shaoyang-2017/');
  paths.push(`${PAGES.list}1/`, `${PAGES.list}2/`);
  paths.push(...sub('policies/by-year', 1), ...sub('catalog/by-year', 1), ...sub('interpretations/by-form', 1));
  return [...new Set(paths)].filter((p) => existsSync(join(dir, p, 'index.html')));
}

describe('HTML validity (Nu validator)', () => {
  test('zero errors on section pages, documents, lists, list items and 404', async () => {
    await setup();
    const files = samplePaths().map((p) => join(dir, p, 'index.html'));
    files.push(join(dir, '404.html'));
    // Every section, documents, lists, list items and the 404 page: far more than 20 files.
    assert.ok(files.length >= 20, `only ${files.length} files to validate`);
    const r = spawnSync('java', ['-jar', vnuJar(), '--errors-only', '--format', 'json', ...files], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    assert.ok(r.status !== null, `java did not run: ${r.error}`);
    // vnu --format json always prints one object with a messages array; nothing printed
    // means it did not run, not that the pages are valid.
    const out = r.stderr || r.stdout;
    assert.ok(out.trim().length > 0, 'vnu printed nothing');
    const messages = JSON.parse(out).messages;
    assert.ok(Array.isArray(messages), out.slice(0, 2000));
    const errors = messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
    console.log(`vnu: ${files.length} files checked, ${errors.length} errors`);
    assert.equal(
      errors.length,
      0,
      errors.map((m) => `${relative(dir, new URL(m.url).pathname)}:${m.lastLine}: ${m.message}`).join('\n'),
    );
  });
});

describe('政府网站工作年度报表 and footer marks', () => {
  test('the 年度报表 page has no serious or critical axe violations at 375px, and the footer marks are plain links', async () => {
    const { ctx, page, guard } = await open(375);
    try {
      await go(page, '/reports/2016/website/');
      const bad = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.equal(bad.length, 0, `axe violations:\n  ${summarize(bad)}`);
      const marks = await page.evaluate(() =>
        [...document.querySelectorAll('.footer-marks a')].map((a) => [a.textContent, new URL(a.href).host]),
      );
      assert.deepEqual(marks, [
        ['党政机关网站标识', 'bszs.conac.cn'],
        ['我为政府网站找错', 'zfwzgl.www.gov.cn'],
      ]);
      guard.assertNone();
    } finally {
      await ctx.close();
    }
  });
});
