// 站内搜索 in a real browser: the demo portal built by `gongkai build`, served from 127.0.0.1,
// searched in Chinese through the search page (gongkai's own index under /search-index/).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDemo, guardRequests, launch, runAxe, serveDir } from './lib.mjs';

let srv;
let browser;

before(async () => {
  srv = await serveDir(await buildDemo());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

/** A fresh page that fails the test on a script error or a request to another host. */
async function openPage(options = {}) {
  const context = await browser.newContext(options);
  const guard = await guardRequests(context, srv.url);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return {
    page,
    async done() {
      guard.assertNone();
      assert.deepEqual(errors, [], 'no script errors');
      await context.close();
    },
  };
}

/** Waits until the status line reports a finished search and returns it. */
async function finished(page) {
  await page.waitForFunction(() => {
    const t = document.getElementById('search-status').textContent;
    return /共找到|没有找到|无法加载/.test(t);
  });
  return page.textContent('#search-status');
}

/** The shown results: [{href, title, meta, excerpt}]. */
function results(page) {
  return page.$$eval('#search-results > li', (lis) =>
    lis.map((li) => ({
      href: li.querySelector('a').getAttribute('href'),
      title: li.querySelector('a').textContent,
      meta: li.querySelector('.doc-meta')?.textContent ?? '',
      excerpt: li.querySelector('.excerpt')?.innerHTML ?? '',
    })),
  );
}

/** Clicks 显示更多 until every result is shown; returns them all. */
async function allResults(page, n) {
  for (let shown = (await results(page)).length; shown < n; ) {
    await page.click('.search-more');
    await page.waitForFunction((k) => document.querySelectorAll('#search-results > li').length > k, shown);
    shown = (await results(page)).length;
  }
  return results(page);
}

async function search(page, query) {
  await page.goto(`${srv.url}/search/?q=${encodeURIComponent(query)}`);
  const status = await finished(page);
  return { status, results: await results(page) };
}

// The demo's policies whose text contains 预决算 (content/policies/*/*.md).
const POLICIES_WITH_YUJUESUAN = [
  '/policies/2016/jilin-2016/',
  '/policies/2016/xinyang-2016/',
  '/policies/2016/yingkou-2016/',
  '/policies/2016/zhanjiang-2016/',
  '/policies/2017/shaoyang-2017/',
];

test('预决算 finds the policies that contain it, with title, date, 发文机关 and a highlighted excerpt', async () => {
  const { page, done } = await openPage();
  const { status, results: found } = await search(page, '预决算');
  const n = Number(status.match(/共找到 (\d+) 条/)?.[1]);
  assert.ok(n >= POLICIES_WITH_YUJUESUAN.length, status);
  assert.equal(found.length, Math.min(n, 10), '10 results a page');
  // Items whose name holds 预决算 (title hits) come before policies that only mention it.
  const all = await allResults(page, n);
  const hrefs = all.map((r) => r.href);
  for (const url of POLICIES_WITH_YUJUESUAN) assert.ok(hrefs.includes(url), `${url} in ${hrefs}`);
  // The 内部 (not 主动公开) policy of the demo is never found.
  assert.ok(!hrefs.some((h) => h.includes('pinggu-neibu')), hrefs.join('\n'));
  const jilin = all.find((r) => r.href === '/policies/2016/jilin-2016/');
  assert.equal(jilin.title, '吉林省人民政府办公厅关于印发2016年全省政务公开工作要点的通知');
  assert.match(jilin.meta, /政策文件/);
  assert.match(jilin.meta, /吉林省人民政府办公厅/);
  assert.match(jilin.meta, /2016年04月26日/);
  // Excerpts highlight the match as written, and only where it occurs; those results come first.
  const exact = all.map((r) => /<mark>预决算<\/mark>/.test(r.excerpt));
  assert.ok(exact.filter(Boolean).length >= POLICIES_WITH_YUJUESUAN.length, exact.join());
  assert.deepEqual(exact.slice(0, 10), [...exact.slice(0, 10)].sort((a, b) => b - a), 'exact matches first on a page');
  for (const r of all) {
    if (r.excerpt) assert.match(r.excerpt, /<mark>预决算<\/mark>/, r.excerpt);
  }
  await done();
});

test('a 发文字号 finds its document first, typed with full-width or half-width brackets', async () => {
  const { page, done } = await openPage();
  for (const q of ['吉政办发〔2016〕24号', '吉政办发[2016]24号', '吉政办发［２０１６］２４号']) {
    const { results: found } = await search(page, q);
    assert.ok(found.length >= 1, q);
    assert.equal(found[0].href, '/policies/2016/jilin-2016/', q);
    assert.match(found[0].meta, /吉政办发〔2016〕24号/);
  }
  await done();
});

test('filter counts come from the results, and the index is fetched in small pieces', async () => {
  const { page, done } = await openPage();
  const bytes = [];
  page.on('response', async (r) => {
    if (r.url().includes('/search-index/')) bytes.push((await r.body()).length);
  });
  const { status } = await search(page, '预决算');
  const n = Number(status.match(/共找到 (\d+) 条/)[1]);
  const counts = await page.$$eval('#f-type option', (os) => os.slice(1).map((o) => Number(o.textContent.match(/（(\d+)）/)[1])));
  assert.equal(counts.reduce((a, b) => a + b, 0), n, `type counts ${counts} add up to ${n}`);
  const years = await page.$$eval('#f-year option', (os) => os.slice(1).map((o) => o.value));
  assert.ok(years.includes('2016') && years.includes('2017'), years.join());
  assert.deepEqual(years, [...years].sort().reverse(), 'newest year first');
  assert.ok(bytes.length > 0 && bytes.reduce((a, b) => a + b, 0) < 300 * 1024, `${bytes}`);
  await done();
});

test('an item name from the 收费目录清单 finds the item', async () => {
  const { page, done } = await openPage();
  const { results: found } = await search(page, '不动产登记费');
  assert.ok(found.length >= 1);
  assert.match(found[0].href, /^\/lists\/fees-2016\/[^/]+\/$/);
  assert.match(found[0].title, /^不动产登记费/);
  assert.match(found[0].meta, /清单/);
  // The link leads to the item's page.
  await page.click(`#search-results a[href="${found[0].href}"]`);
  await page.waitForURL(`${srv.url}${found[0].href}`);
  assert.match(await page.textContent('h1'), /不动产登记费/);
  await done();
});

test('the 类型 filter narrows the results, is kept in the URL, and back/forward work', async () => {
  const { page, done } = await openPage();
  const all = await search(page, '预决算');
  await page.waitForSelector('#search-filters:not([hidden])');
  const labels = await page.$$eval('#f-type option', (os) => os.map((o) => o.value));
  assert.deepEqual(labels, ['', '政策文件', '政策解读', '清单', '其他']);
  await page.selectOption('#f-type', '政策解读');
  await page.waitForFunction(() => /类型：政策解读/.test(document.getElementById('search-status').textContent));
  const filtered = await results(page);
  assert.ok(filtered.length > 0 && filtered.length < all.results.length, `${filtered.length} of ${all.results.length}`);
  for (const r of filtered) {
    assert.match(r.href, /^\/interpretations\//);
    assert.match(r.meta, /^政策解读/);
  }
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('q'), '预决算');
  assert.equal(url.searchParams.get('type'), '政策解读');
  const statusIs = (text) => page.waitForFunction((t) => document.getElementById('search-status').textContent === t, text);
  // Back to the unfiltered search, and forward again, in the same page.
  await page.goBack();
  await statusIs(all.status);
  assert.equal(await page.inputValue('#f-type'), '');
  assert.deepEqual(await results(page), all.results);
  await page.goForward();
  await statusIs(`共找到 ${filtered.length} 条与“预决算”相关的结果（类型：政策解读）。`);
  assert.deepEqual(await results(page), filtered);
  // The filtered URL is linkable: a fresh load shows the same results.
  await page.goto('about:blank');
  await page.goto(url.href);
  assert.match(await finished(page), /类型：政策解读/);
  assert.deepEqual(await results(page), filtered);
  assert.equal(await page.inputValue('#f-type'), '政策解读');
  await done();
});

test('keyboard: type in the header box of the home page, press Enter, results on /search/', async () => {
  const { page, done } = await openPage();
  await page.goto(`${srv.url}/`);
  for (let i = 0; i < 10; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === 'site-q') break;
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'site-q', 'the header search box is reachable by Tab');
  await page.keyboard.type('预决算');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\/\?q=/);
  const status = await finished(page);
  assert.match(status, /共找到 \d+ 条与“预决算”相关的结果/);
  assert.ok((await results(page)).length > 0);
  // The status line is a polite live region, so the count is announced.
  assert.equal(await page.getAttribute('#search-status', 'aria-live'), 'polite');
  // A new query typed on the search page, submitted with Enter, updates the results and the URL.
  await page.fill('#search-q', '不动产登记费');
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => /不动产登记费/.test(document.getElementById('search-status').textContent));
  assert.equal(new URL(page.url()).searchParams.get('q'), '不动产登记费');
  assert.deepEqual(await runAxe(page), []);
  await done();
});

test('a phrase only the 依申请公开 policy contains finds nothing', async () => {
  // 内部征求意见稿 occurs in content/policies/2016/xinyang-2016-pinggu-neibu.md and nowhere else.
  const { page, done } = await openPage();
  const { status, results: found } = await search(page, '内部征求意见稿');
  assert.match(status, /没有找到/);
  assert.ok(!found.some((r) => r.href.includes('pinggu-neibu')), found.map((r) => r.href).join('\n'));
  await done();
});

test('no match says so in Chinese', async () => {
  const { page, done } = await openPage();
  const { status, results: found } = await search(page, '饕餮鲲鹏');
  assert.match(status, /没有找到/);
  assert.equal(found.length, 0);
  await done();
});

test('without JavaScript the search page explains itself instead of breaking', async () => {
  const { page, done } = await openPage({ javaScriptEnabled: false });
  const res = await page.goto(`${srv.url}/search/?q=${encodeURIComponent('预决算')}`);
  assert.equal(res.status(), 200);
  const text = await page.textContent('main');
  assert.match(text, /站内搜索需要浏览器启用 JavaScript/);
  assert.ok(await page.isVisible('a[href="/policies/"]'));
  assert.ok(!(await page.isVisible('#search-filters')), 'filters stay hidden');
  await done();
});
