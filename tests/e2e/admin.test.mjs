// The editor at /admin/ on `gongkai serve`, in a real browser: an editor creates a policy
// through the form, sees the file appear with valid front matter and the portal page appear,
// `gongkai check` stays clean; edits an item of an existing 清单; a required field left empty
// is refused by the form. Screenshots go to tests/e2e/artifacts/admin-*.png.
//
// The binary is $GONGKAI_BIN, or target/release/gongkai.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT, artifact, launch } from './lib.mjs';

const BIN = process.env.GONGKAI_BIN || join(ROOT, 'target', 'release', 'gongkai');
// 2016-12-01: the demo's dates are not in the future, the proposed 索引号 is of 2016.
const ENV = { ...process.env, NO_COLOR: '1', SOURCE_DATE_EPOCH: '1480550400' };

let site;
let server;
let base;
let browser;

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(relative(site, p));
  }
  return out.sort();
}

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'gongkai-admin-'));
  for (const d of ['site-config.toml', 'content', 'static']) {
    cpSync(join(ROOT, d), join(site, d), { recursive: true });
  }
  server = spawn(BIN, ['serve', '--root', site, '--port', '0'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** A page of the editor, logged in (the local backend needs no account), at `hash`. */
async function editor(hash) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const external = [];
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== base && u.protocol !== 'blob:' && u.protocol !== 'data:') {
      external.push(u.href);
      return route.abort();
    }
    return route.continue();
  });
  page.external = external;
  await page.goto(`${base}/admin/${hash}`);
  await page.getByRole('button', { name: '登录' }).click();
  return page;
}

/** Chooses `option` in the select widget whose input id starts with `key`. */
async function choose(page, key, option) {
  await page.locator(`[id^="${key}-field"]`).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Clicks 发布 → 立即发布 and returns the answer of the save request. */
async function publish(page) {
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/admin/api/v1') && (r.request().postData() || '').includes('"persistEntry"'),
    { timeout: 60000 },
  );
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await page.getByText('立即发布', { exact: true }).click();
  const r = await saved;
  assert.equal(r.status(), 200, await r.text());
  return r.json();
}

async function waitForPage(path) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const r = await fetch(base + path);
    if (r.status === 200) return r.text();
    if (Date.now() > deadline) throw new Error(`${path} did not appear (last status ${r.status})`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

test('the editor is in Chinese and loads nothing from elsewhere', async () => {
  const page = await editor('#/collections/policies');
  await page.getByText('政策文件').first().waitFor();
  await page.getByText('吉林省人民政府办公厅关于印发2016年全省政务公开工作要点的通知').waitFor({ timeout: 60000 });
  for (const label of ['政策解读', '页面', '权力清单', '工作台账', '年报']) {
    await page.getByRole('link', { name: label, exact: true }).first().waitFor();
  }
  await page.screenshot({ path: artifact('admin-collections.png') });
  assert.deepEqual(page.external, []);
  await page.close();
});

test('a policy created through the form is written, built and checks clean', async () => {
  const before = files(join(site, 'content', 'policies'));
  const page = await editor('#/collections/policies/new');
  const title = '信阳市人民政府办公室关于做好2016年冬季供暖工作的通知';
  await page.locator('[id^="title-field"]').fill(title);
  const index = await page.locator('[id^="index_no-field"]').inputValue();
  assert.match(index, /^11411500005397436X\/2016-\d{5}$/, 'a 索引号 is proposed');
  await page.locator('[id^="issuer-field"]').fill('信阳市人民政府办公室');
  await page.locator('[id^="written-field"]').fill('2016-11-18');
  await page.locator('[id^="published-field"]').fill('2016-11-20');
  await choose(page, 'disclosure', '主动公开');
  await choose(page, 'doc_type', '其他文件');
  await page.locator('[aria-label="markdown field"] [contenteditable="true"]').click();
  await page.keyboard.type('各县区人民政府，市直有关单位：');
  await page.keyboard.press('Enter');
  await page.keyboard.type('请做好冬季供暖保障工作。');
  await page.screenshot({ path: artifact('admin-new-policy.png'), fullPage: true });
  const answer = await publish(page);
  const created = files(join(site, 'content', 'policies')).filter((f) => !before.includes(f));
  assert.equal(created.length, 1, `one new file: ${created}`);
  // In the folder of the year it was created in, named after its 发布日期.
  assert.match(created[0], /^content\/policies\/\d{4}\/20161120-\d{6}\.md$/, created[0]);
  const text = readFileSync(join(site, created[0]), 'utf8');
  assert.ok(text.startsWith(`+++\ntitle = "${title}"\nindex_no = "${index}"\n`), text);
  assert.match(text, /\nissuer = "信阳市人民政府办公室"\nwritten = 2016-11-18\npublished = 2016-11-20\n/);
  assert.match(text, /\ndisclosure = "主动公开"\n/);
  assert.match(text, /\+\+\+\n\n各县区人民政府，市直有关单位：\n\n请做好冬季供暖保障工作。\n$/);
  assert.deepEqual(answer.diagnostics, [], 'the save reports no problem');
  await page.locator('#gongkai-check').waitFor();
  assert.match(await page.locator('#gongkai-check').innerText(), /检查通过/);
  await page.screenshot({ path: artifact('admin-saved.png') });

  const stem = created[0].replace(/^content\//, '').replace(/\.md$/, '');
  const html = await waitForPage(`/${stem}/`);
  assert.ok(html.includes(title), 'the portal page shows the new policy');
  const check = spawnSync(BIN, ['check', '--root', site], { env: ENV, encoding: 'utf8' });
  assert.equal(check.status, 0, `gongkai check:\n${check.stdout}\n${check.stderr}`);
  assert.doesNotMatch(check.stdout + check.stderr, new RegExp(created[0].replace(/[.\\]/g, '\\$&')));
  assert.deepEqual(page.external, []);
  await page.close();
});

test('an item of an existing 清单 is edited in place', async () => {
  const path = join(site, 'content', 'lists', 'xinyang-2016-tasks.toml');
  const original = readFileSync(path, 'utf8');
  const page = await editor('#/collections/list-tasks/entries/xinyang-2016-tasks');
  await page.locator('[id^="items-field"] [data-testid="expand-button"]').first().click({ timeout: 60000 });
  const progress = page.locator('[id^="progress-field"]').first();
  await progress.waitFor();
  const old = await progress.inputValue();
  assert.ok(original.includes(`progress = "${old}"`), 'the form shows the first item');
  await progress.fill('市编委已审定职责调整方案。');
  await page.screenshot({ path: artifact('admin-edit-list.png') });
  await publish(page);
  const text = readFileSync(path, 'utf8');
  assert.equal(text, original.replace(`progress = "${old}"`, 'progress = "市编委已审定职责调整方案。"'));
  // The item's own page (the list table does not show 进展) is rebuilt by the live preview.
  const deadline = Date.now() + 60000;
  while (!(await (await fetch(`${base}/lists/xinyang-2016-tasks/1/`)).text()).includes('市编委已审定职责调整方案')) {
    if (Date.now() > deadline) throw new Error('the list page did not update');
    await new Promise((ok) => setTimeout(ok, 200));
  }
  await page.close();
});

test('a required field left empty is refused by the form', async () => {
  const before = files(join(site, 'content'));
  const page = await editor('#/collections/policies/new');
  await page.locator('[id^="issuer-field"]').fill('信阳市人民政府办公室');
  await page.locator('[id^="published-field"]').fill('2016-11-20');
  let saves = 0;
  page.on('request', (r) => (r.postData() || '').includes('"persistEntry"') && saves++);
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await page.getByText('立即发布', { exact: true }).click();
  await page.getByText(/必填|必须|请正确填写/).first().waitFor({ timeout: 30000 });
  await page.screenshot({ path: artifact('admin-required.png') });
  assert.equal(saves, 0, 'nothing was sent');
  assert.deepEqual(files(join(site, 'content')), before, 'no file was written');
  await page.close();
});

test('a save that check finds wrong shows the diagnostics, in Chinese, with the field', async () => {
  const page = await editor('#/collections/policies/new');
  await page.locator('[id^="title-field"]').fill('信阳市人民政府关于日期写反了的通知');
  await page.locator('[id^="issuer-field"]').fill('信阳市人民政府');
  await page.locator('[id^="written-field"]').fill('2016-11-25');
  await page.locator('[id^="published-field"]').fill('2016-11-21');
  const answer = await publish(page);
  const order = answer.diagnostics.find((d) => d.code === 'E-DATE-ORDER');
  assert.ok(order, JSON.stringify(answer.diagnostics));
  assert.equal(order.field, 'published');
  const box = page.locator('#gongkai-check');
  await box.waitFor();
  const text = await box.innerText();
  assert.match(text, /检查发现 1 个问题/);
  assert.match(text, /字段“发布日期” published/);
  assert.match(text, /发布日期 2016-11-21 早于成文日期 2016-11-25/);
  await page.waitForFunction(
    () => document.querySelector('[id^="published-field-"]')?.getAttribute('data-gongkai-problem') === 'E-DATE-ORDER',
    null,
    { timeout: 10000 },
  );
  await page.screenshot({ path: artifact('admin-diagnostics.png') });
  await page.close();
});
