// What one search costs a fresh visitor: `node bench/search_bytes.mjs OUTDIR [QUERY...]`.
//
// Runs each query with the search page's own engine (themes/default/static/assets/search-core.js)
// over the built index in OUTDIR, as the page does for its first page of results (the search,
// then the shown documents' shards, and their rest shards where the head lacks the phrase), and
// sums the bytes of every distinct file it reads, plus the search page and its two scripts.
// Each query starts with an empty cache. Prints one JSON object per query.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const core = await import(join(HERE, '..', 'themes/default/static/assets/search-core.js'));
const [out, ...qs] = process.argv.slice(2);
if (!out) {
  console.error('usage: node bench/search_bytes.mjs OUTDIR [QUERY...]');
  process.exit(2);
}
const queries = qs.length ? qs : ['公开', '预决算', '政务公开', '政府信息公开目录'];
const PAGE = 10;
let page = 0;
for (const f of ['search/index.html', 'assets/search.js', 'assets/search-core.js']) page += (await stat(join(out, f))).size;

for (const q of queries) {
  const files = new Map();
  const index = core.openIndex(join(out, 'search-index'), async (path) => {
    const b = await readFile(path);
    files.set(path, b.length);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  });
  const t0 = performance.now();
  const found = await index.search(q, {});
  const tSearch = performance.now() - t0;
  await index.show(found.ids.slice(0, PAGE), core.phrases(q));
  const ms = performance.now() - t0;
  const data = [...files.values()].reduce((a, b) => a + b, 0);
  const kinds = {};
  for (const [p, n] of files) {
    const k = p.split('/search-index/')[1].split('/')[0].replace(/\.json$/, '');
    kinds[k] = (kinds[k] || 0) + n;
  }
  console.log(JSON.stringify({
    query: q, results: found.ids.length, files: files.size, index_bytes: data, page_bytes: page,
    total_kb: Math.round((data + page) / 102.4) / 10, by_kind: kinds, search_ms: Math.round(tSearch), first_page_ms: Math.round(ms),
  }));
}
