// Relevance of 站内搜索: queries with the result a citizen expects first, run by the search
// page's own engine (assets/search-core.js) over the real index files that `gongkai build`
// wrote — for the demo portal and for a small generated site built for the ranking rules.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildDemo, ROOT } from './lib.mjs';

const core = await import(join(ROOT, 'themes/default/static/assets/search-core.js'));

function open(out) {
  return core.openIndex(join(out, 'search-index'), async (path) => {
    const b = await readFile(path);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  });
}

/** The first page of results as the search page shows it. */
async function firstPage(index, q) {
  const found = await index.search(q, {});
  const ps = core.phrases(q);
  const docs = await index.show(found.ids.slice(0, 10), ps);
  docs.forEach((d, i) => (d.score = found.scores[i]));
  return { total: found.ids.length, docs: core.order(docs, ps), ps };
}

const CONFIG = `[site]
title = "测试市人民政府"
base_url = "https://test.gov.cn"
host = "测试市人民政府办公室"
site_code = "0000000001"
icp = "测ICP备00000001号"
police_record = "测公网安备00000000000001号"
phone = "0000-1234567"
address = "测试市人民路1号"
org_code = "TESTORG"
`;

function policy({ serial, title, body, published = '2019-04-26', docNo }) {
  const year = published.slice(0, 4);
  return `+++
title = "${title}"
index_no = "TESTORG/${year}-${String(serial).padStart(5, '0')}"
doc_no = "${docNo || `测政办发〔${year}〕${serial}号`}"
issuer = "测试市人民政府办公室"
written = ${published}
published = ${published}
topic = "综合政务\\\\政务公开"
category = "政策文件"
disclosure = "主动公开"
+++

${body}
`;
}

const FILLER = '为进一步做好本市相关工作，现就有关事项通知如下。各单位要高度重视，认真组织实施，确保各项任务落到实处。';

/** A small site whose documents each test one ranking rule. */
const GENERATED = [
  { file: 'exact', serial: 1, title: '关于做好年度财务管理工作的通知', body: `${FILLER}严格执行财政预算管理制度。${FILLER}` },
  { file: 'scattered', serial: 2, title: '关于加强财务工作的通知', body: `${FILLER}财政部门要加强监督，财政资金要规范使用。编制预算要科学，预算执行要严格，预算调整要依法。${FILLER}` },
  { file: 'title', serial: 3, title: '关于加强政务诚信建设的实施意见', body: `${FILLER}` },
  { file: 'body', serial: 4, title: '关于做好社会信用体系建设工作的通知', body: `${FILLER}推进政务诚信、商务诚信、社会诚信建设，政务诚信是关键。政务诚信要示范带动。${FILLER}` },
  { file: 'older', serial: 5, title: '关于公布行政事业性收费目录的通知', body: `${FILLER}公布收费目录。${FILLER}`, published: '2019-03-01' },
  { file: 'newer', serial: 6, title: '关于公布行政事业性收费目录的通知', body: `${FILLER}公布收费目录。${FILLER}`, published: '2019-09-01' },
  { file: 'kun', serial: 7, title: '关于海洋渔业资源保护的通知', body: `${FILLER}禁止捕捞鲲鱼幼体。${FILLER}` },
  { file: 'ppp-title', serial: 8, title: '关于推进PPP项目信息公开的通知', body: `${FILLER}` },
  { file: 'ppp-body', serial: 9, title: '关于推进社会资本合作的通知', body: `${FILLER}鼓励采用PPP模式。${FILLER}` },
  { file: 'year', serial: 10, title: '关于开展2016年度统计工作检查的通知', body: `${FILLER}`, published: '2019-05-01' },
  { file: 'long', serial: 11, title: '关于印发城市更新行动方案的通知', body: `${FILLER.repeat(30)}方案第九章规定了海绵城市试点。${FILLER}` },
];

let demo;
let gen;

before(async () => {
  demo = open(await buildDemo());
  const root = mkdtempSync(join(tmpdir(), 'gongkai-relevance-'));
  writeFileSync(join(root, 'site-config.toml'), CONFIG);
  for (const d of GENERATED) {
    const path = join(root, 'content/policies', (d.published || '2019').slice(0, 4), `${d.file}.md`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, policy(d));
  }
  const bin = join(ROOT, 'target', 'release', 'gongkai');
  const out = join(root, 'public');
  const r = spawnSync(bin, ['build', '--root', root, '--output', out], {
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
  });
  assert.equal(r.status, 0, r.stderr);
  gen = open(out);
});

const url = (file) => `/policies/${(GENERATED.find((d) => d.file === file).published || '2019').slice(0, 4)}/${file}/`;

// [query, expected first result (URL, or a test of it), why]
const DEMO = [
  ['吉政办发〔2016〕24号', '/policies/2016/jilin-2016/', '发文字号 as written'],
  ['吉政办发[2016]24号', '/policies/2016/jilin-2016/', 'half-width brackets'],
  ['吉政办发［２０１６］２４号', '/policies/2016/jilin-2016/', 'full-width digits and brackets'],
  ['不动产登记费', '/lists/fees-2016/1/', 'a 收费目录 item by name'],
  ['食品经营许可', '/lists/power-2016/411500-XK-002/', 'a 权力清单 item by name'],
  ['邵阳', '/policies/2017/shaoyang-2017/', 'place name in a title'],
  ['图解', '/interpretations/jilin-2016-tujie/', '解读 form in a title'],
  ['访谈', '/interpretations/xinyang-2016-fangtan/', '解读 form in a title'],
  ['湛江', '/interpretations/zhanjiang-2016-yinpin/', 'the only title with 湛江'],
  ['机构职能', '/about/', 'a page title'],
  ['依申请公开', '/apply/', 'a page title'],
  ['信息公开指南', '/guide/', 'words of a page title'],
  ['权力清单', (d) => /权力清单/.test(d.title), 'a title hit'],
  ['2016年政府信息公开工作年度报告', '/reports/2016/', 'annual report'],
  ['预决算', (d) => /预决算/.test(d.title), 'title hit first'],
  ['PPP', (d) => /PPP/i.test(d.title), 'Latin word, title first'],
  ['2016', (d) => /2016/.test(d.title), 'digits'],
  ['政', (d) => /政/.test(d.title), 'one character'],
];

const GEN = [
  ['财政预算', url('exact'), 'exact phrase above scattered characters'],
  ['政务诚信', url('title'), 'title above body'],
  ['收费目录', url('newer'), 'newer above older on ties'],
  ['鲲', url('kun'), 'one character'],
  ['PPP', url('ppp-title'), 'Latin word: title above body'],
  ['ＰＰＰ', url('ppp-title'), 'full-width Latin'],
  ['ppp', url('ppp-title'), 'lowercase Latin'],
  ['2016', url('year'), 'digits in a title'],
  ['海绵城市', url('long'), 'a phrase far into the body'],
];

for (const [set, cases] of [['demo', DEMO], ['generated', GEN]]) {
  for (const [q, want, why] of cases) {
    test(`${set}: ${q} → ${typeof want === 'string' ? want : 'rule'} (${why})`, async () => {
      const { total, docs, ps } = await firstPage(set === 'demo' ? demo : gen, q);
      assert.ok(total > 0, `${q}: no results`);
      const top = docs[0];
      const list = docs.map((d) => `${d.url} ${d.title}`).join('\n');
      if (typeof want === 'string') assert.equal(top.url, want, list);
      else assert.ok(want(top), list);
      // The first result holds the query as written, and its excerpt marks only that.
      assert.ok(core.isExact(top, ps), `${q}: first result lacks the phrase\n${list}`);
      for (const d of docs) {
        const ex = core.excerpt(d, ps);
        for (const m of ex.matchAll(/<mark>(.*?)<\/mark>/g)) assert.equal(core.fold(m[1]), ps.find((p) => core.fold(m[1]) === p), ex);
      }
    });
  }
}

test('generated: scattered characters still match, below the exact phrase', async () => {
  const { docs } = await firstPage(gen, '财政预算');
  assert.deepEqual(docs.map((d) => d.url), [url('exact'), url('scattered')]);
  assert.match(core.excerpt(docs[0], core.phrases('财政预算')), /<mark>财政预算<\/mark>/);
  assert.equal(core.excerpt(docs[1], core.phrases('财政预算')), '', 'no excerpt where the phrase is not');
});

test('generated: an excerpt far into a long body shows the phrase', async () => {
  const { docs } = await firstPage(gen, '海绵城市');
  assert.match(core.excerpt(docs[0], core.phrases('海绵城市')), /^….*<mark>海绵城市<\/mark>/);
});

test('no match, and an unknown character, find nothing', async () => {
  for (const q of ['饕餮鲲鹏', '饕']) assert.equal((await firstPage(demo, q)).total, 0, q);
});

test('the client folds and hashes like the builder (src/search/text.rs)', () => {
  assert.equal(core.fnv32(''), 0x811c9dc5);
  assert.equal(core.fnv32('a'), 0xe40c292c);
  assert.equal(core.fold('吉政办发〔2016〕24号（ＰＰＰ）'), '吉政办发[2016]24号(ppp)');
  assert.deepEqual(core.queryTerms('政府信息公开目录'), ['政府', '信息', '公开', '目录']);
  assert.deepEqual(core.queryTerms('吉政办发〔2016〕24号'), ['吉政', '办发', '2016', '24', '号']);
});
