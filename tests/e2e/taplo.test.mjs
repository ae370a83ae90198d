// The editors' schemas under the real validator: `gongkai new site` writes .taplo.toml and
// schemas/, and `taplo check` (the engine of Even Better TOML) accepts the new site and the
// demo, and refuses broken list and site-config files, naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const TAPLO = join(HERE, 'node_modules', '.bin', 'taplo');
const BIN = join(ROOT, 'target', 'release', 'gongkai');

function gongkai(args, cwd) {
  const r = spawnSync(BIN, args, { cwd, encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1764633600' } });
  assert.equal(r.status, 0, `gongkai ${args.join(' ')}:\n${r.stderr}`);
}

/** `taplo check` in `cwd` (its .taplo.toml): {status, out} with stdout and stderr together. */
function taplo(cwd) {
  const r = spawnSync(TAPLO, ['check'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', RUST_LOG: 'info' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A new site with a filled-in 台账, valid for both gongkai and taplo. */
function newSite() {
  const dir = mkdtempSync(join(tmpdir(), 'gongkai-taplo-'));
  gongkai(['new', 'site', 's', '--title', '样例县人民政府'], dir);
  const site = join(dir, 's');
  mkdirSync(join(site, 'content/lists'), { recursive: true });
  writeFileSync(join(site, 'content/lists/tasks.toml'), `[list]
title = "重点任务台账"
kind = "tasks"
department = "县政府办公室"
updated = 2026-12-01

[[items]]
seq = "1"
task = "推进政务公开标准化"
requirement = "完成目录编制"
lead = ["县政府办公室"]
deadline = "2026年12月底"
status = "推进中"
`);
  gongkai(['check'], site);
  return site;
}

/** Replaces `from` by `to` in `file` (which must contain it). */
function edit(file, from, to) {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} has no ${from}`);
  writeFileSync(file, text.replace(from, to));
}

test('taplo runs here', () => {
  assert.ok(existsSync(TAPLO), `${TAPLO} missing: npm ci --prefix tests/e2e`);
  // The npm build of taplo (WebAssembly) exits 1 after --version: only what it prints counts.
  const r = spawnSync(TAPLO, ['--version'], { encoding: 'utf8' });
  assert.match(r.stdout, /^taplo \d+\.\d+/, r.stderr);
});

test('a new site passes taplo check, with the schemas applied', () => {
  const site = newSite();
  const r = taplo(site);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /\.taplo\.toml/, 'taplo found the site\'s configuration');
});

const BREAKS = [
  ['a list item with a wrong type', 'content/lists/tasks.toml', 'seq = "1"', 'seq = 1', /tasks\.toml/],
  ['a list with an unknown key', 'content/lists/tasks.toml', 'kind = "tasks"', 'kind = "tasks"\nbogus = "x"', /'bogus' was unexpected/],
  ['a list item without a required key', 'content/lists/tasks.toml', 'task = "推进政务公开标准化"\n', '', /"task" is a required property/],
  ['a list with a kind that does not exist', 'content/lists/tasks.toml', 'kind = "tasks"', 'kind = "nonsense"', /tasks\.toml/],
  ['site-config with a wrong type', 'site-config.toml', 'title = "样例县人民政府"', 'title = 5', /site-config\.toml/],
  ['site-config with an unknown key', 'site-config.toml', '[build]', 'colour = "red"\n\n[build]', /'colour' was unexpected/],
  ['site-config without a required key', 'site-config.toml', 'title = "样例县人民政府"\n', '', /"title" is a required property/],
];

for (const [what, file, from, to, names] of BREAKS) {
  test(`taplo check refuses ${what}, naming the file`, () => {
    const site = newSite();
    edit(join(site, file), from, to);
    const r = taplo(site);
    assert.notEqual(r.status, 0, `taplo accepted ${what}:\n${r.out}`);
    assert.ok(r.out.includes(join(site, file)) || r.out.includes(file), `taplo does not name ${file}:\n${r.out}`);
    assert.match(r.out, names);
  });
}

test('the demo at the repository root passes taplo check', () => {
  assert.ok(existsSync(join(ROOT, '.taplo.toml')));
  const r = taplo(ROOT);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /found files total=[1-9]/);
});
