/* 站内搜索, the engine: reads gongkai's static index (/search-index/, built by `gongkai build`,
 * format in docs/search.md) and answers queries. No DOM here: the search page's UI is
 * search.js, and the tests run the same module in Node against the built files.
 *
 * Text is folded and split exactly as src/search/text.rs does: full-width ASCII to half-width,
 * 〔〕【】 to [], A-Z to a-z; Chinese as single characters and adjacent pairs, ASCII letters
 * and digits as whole words. */

export const MAX_WORD = 32;
const TITLE = 2; // a term in the title, 发文字号 or 索引号 counts this much; in the body < 1
const BITMAP_BODY = 0.5; // a very common term's body hits carry no count

function foldUnit(c) {
  if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
  else if (c === 0x3000) return 0x20;
  else if (c === 0x3014 || c === 0x3010 || c === 0x3016) return 0x5b;
  else if (c === 0x3015 || c === 0x3011 || c === 0x3017) return 0x5d;
  if (c >= 0x41 && c <= 0x5a) c += 32;
  return c;
}

/** The folded text: same length in UTF-16 units, so offsets carry over to the original. */
export function fold(s) {
  const out = new Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = String.fromCharCode(foldUnit(s.charCodeAt(i)));
  return out.join('');
}

export function isHan(cp) {
  return cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f);
}

const isWordChar = (cp) => (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a);

/** Runs of a folded text: [{han: true, chars: [...]}, {han: false, word}]. */
function runs(folded) {
  const out = [];
  let cur = null;
  for (const ch of folded) {
    const cp = ch.codePointAt(0);
    if (isWordChar(cp)) {
      if (!cur || cur.han !== false) out.push((cur = { han: false, word: '' }));
      if (cur.word.length < MAX_WORD) cur.word += ch;
    } else if (isHan(cp)) {
      if (!cur || cur.han !== true) out.push((cur = { han: true, chars: [] }));
      cur.chars.push(ch);
    } else cur = null;
  }
  return out;
}

/** The terms to look up for a query: each ASCII word; a lone Chinese character; and for a run
 * of Chinese characters, pairs that cover every character (with positions 0, 2, 4 … and the
 * last pair) — every pair would add downloads and little precision, since the shown results'
 * text is checked for the exact phrase anyway. */
export function queryTerms(q) {
  const terms = new Set();
  for (const r of runs(fold(q))) {
    if (!r.han) terms.add(r.word);
    else if (r.chars.length === 1) terms.add(r.chars[0]);
    else {
      for (let i = 0; i + 1 < r.chars.length; i += 2) terms.add(r.chars[i] + r.chars[i + 1]);
      const n = r.chars.length;
      terms.add(r.chars[n - 2] + r.chars[n - 1]);
    }
  }
  return [...terms];
}

/** The phrases a result must contain as written (folded): the query split at spaces. */
export function phrases(q) {
  return fold(q)
    .split(/\s+/)
    .map((p) => p.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''))
    .filter(Boolean);
}

export function fnv32(str) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(str)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

function reader(bytes) {
  let pos = 0;
  return {
    get pos() { return pos; },
    done: () => pos >= bytes.length,
    varint() {
      let v = 0, mul = 1, b;
      do {
        b = bytes[pos++];
        v += (b & 0x7f) * mul;
        mul *= 128;
      } while (b & 0x80);
      return v;
    },
    bytes(n) { const s = bytes.subarray(pos, pos + n); pos += n; return s; },
  };
}

const utf8 = new TextDecoder('utf-8');
const utf16 = new TextDecoder('utf-16le');

function readPosting(r) {
  const mode = r.varint();
  if (mode === 0) return null;
  const count = r.varint();
  const len = r.varint();
  const data = r.bytes(len);
  if (mode === 3) return { mode, count, name: utf8.decode(data) };
  return { mode, count, data };
}

/** Adds a posting's hits to `acc` (one score per document): `title` per title hit, a
 * saturating tf for body hits. */
function addHits(p, acc, isBody) {
  const { mode, data } = p;
  if (mode === 2) {
    const w = isBody ? BITMAP_BODY : TITLE;
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      if (!b) continue;
      for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) acc[i * 8 + bit] += w;
    }
    return;
  }
  const r = reader(data);
  let prev = -1;
  for (let k = 0; k < p.count; k++) {
    const id = prev + 1 + r.varint();
    if (isBody) {
      const tf = data[r.pos];
      r.bytes(1);
      acc[id] += tf / (tf + 1);
    } else acc[id] += TITLE;
    prev = id;
  }
}

/**
 * Opens the index under `base` (e.g. "/search-index"). `fetchBytes(url)` returns a promise of
 * an ArrayBuffer (the browser's fetch by default); every file is fetched at most once.
 */
export function openIndex(base, fetchBytes) {
  const get = fetchBytes || (async (url) => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return res.arrayBuffer();
  });
  const cache = new Map();
  const file = (name) => {
    if (!cache.has(name)) {
      const p = get(`${base}/${name}`);
      p.catch(() => cache.delete(name));
      cache.set(name, p);
    }
    return cache.get(name);
  };
  const meta = file('meta.json').then((b) => JSON.parse(utf8.decode(b)));
  const buckets = new Map();

  async function bucket(n) {
    if (!buckets.has(n)) {
      buckets.set(n, file(`t/${n}.bin`).then((buf) => {
        const bytes = new Uint8Array(buf);
        const r = reader(bytes);
        const terms = new Map();
        while (!r.done()) {
          const term = utf8.decode(r.bytes(r.varint()));
          terms.set(term, { title: readPosting(r), body: readPosting(r) });
        }
        return terms;
      }));
    }
    return buckets.get(n);
  }

  async function resolve(p) {
    if (!p || p.mode !== 3) return p;
    const r = reader(new Uint8Array(await file(p.name)));
    const mode = r.varint();
    return { mode, count: p.count, data: r.bytes(r.varint()) };
  }

  /** The documents' shard entries: {id, url, title, type, date, issuer, docNo, indexNo, text
   * (the head of the text), more (more text in the rest shard)}. */
  async function docs(ids) {
    const m = await meta;
    const shards = await Promise.all(ids.map((id) => file(`d/${Math.floor(id / m.group)}.bin`)));
    return ids.map((id, i) => {
      const entries = utf16.decode(shards[i]).split('\u001e');
      const f = entries[id % m.group].split('\u001f');
      return { id, url: f[0], title: f[1], type: f[2], date: f[3], issuer: f[4], docNo: f[5], indexNo: f[6], text: f[7] || '', more: Number(f[8]) || 0, cut: false };
    });
  }

  /** Chunk `k` of the text after a document's head (from a little before it). */
  async function rest(doc, k) {
    const m = await meta;
    const buf = await file(`x/${Math.floor(doc.id / m.group)}-${k}.bin`);
    return utf16.decode(buf).split('\u001e')[doc.id % m.group] || '';
  }

  /** The documents to show, each with `text` where the query's phrases are, when they are in
   * its head or a rest chunk (chunks are fetched one by one, only while the phrase is not
   * found). */
  async function show(ids, ps) {
    const ds = await docs(ids);
    await Promise.all(ds.map(async (d) => {
      if (!ps.length || isExact(d, ps) && excerpt(d, ps)) return;
      for (let k = 0; k < d.more; k++) {
        const r = { ...d, text: await rest(d, k), cut: true };
        if (excerpt(r, ps) && isExact(r, ps)) {
          d.text = r.text;
          d.cut = true;
          return;
        }
      }
    }));
    return ds;
  }

  /** Facet of every document id, from the runs of (type, year, 发文机关) in meta.json. */
  function facets(m) {
    const type = new Int16Array(m.docs), year = new Int16Array(m.docs), issuer = new Int32Array(m.docs);
    m.blocks.forEach(([start, t, y, is], i) => {
      const end = i + 1 < m.blocks.length ? m.blocks[i + 1][0] : m.docs;
      type.fill(t, start, end);
      year.fill(y, start, end);
      issuer.fill(is, start, end);
    });
    return { type, year, issuer };
  }
  let facetCache = null;

  /**
   * Runs a query: `filters` = {type, year, issuer} (values as shown; empty = any).
   * Returns {ids (ranked), scores, counts: {type, year, issuer} as Maps value → count, total
   * per value of the whole index in `all`}.
   */
  async function search(q, filters = {}) {
    const m = await meta;
    const n = m.docs;
    facetCache = facetCache || facets(m);
    const fc = facetCache;
    const terms = queryTerms(q || '');
    const score = new Float32Array(n);
    const matched = new Uint8Array(n);
    if (terms.length) {
      const entries = await Promise.all(terms.map(async (t) => {
        const b = await bucket(fnv32(t) % m.buckets);
        const e = b.get(t);
        if (!e) return null;
        const [title, body] = await Promise.all([resolve(e.title), resolve(e.body)]);
        return { title, body };
      }));
      if (entries.some((e) => !e)) return result(m, fc, [], score, filters);
      const acc = new Float32Array(n);
      for (const e of entries) {
        acc.fill(0);
        if (e.title) addHits(e.title, acc, false);
        if (e.body) addHits(e.body, acc, true);
        const df = Math.max(e.title ? e.title.count : 0, e.body ? e.body.count : 0);
        const idf = Math.log(1 + n / Math.max(df, 1));
        for (let id = 0; id < n; id++) {
          if (acc[id] > 0) {
            matched[id]++;
            score[id] += idf * acc[id];
          }
        }
      }
    }
    const need = terms.length;
    const ids = [];
    for (let id = 0; id < n; id++) if (matched[id] === need && (need || q === '' || q == null)) ids.push(id);
    return result(m, fc, ids, score, filters);
  }

  function result(m, fc, ids, score, filters) {
    const typeIx = filters.type ? m.types.indexOf(filters.type) : -1;
    const yearV = filters.year ? Number(filters.year) : 0;
    const issuerIx = filters.issuer ? m.issuers.indexOf(filters.issuer) : -2;
    const want = {
      type: (id) => !filters.type || fc.type[id] === typeIx,
      year: (id) => !filters.year || fc.year[id] === yearV,
      issuer: (id) => !filters.issuer || fc.issuer[id] === issuerIx,
    };
    const counts = { type: new Map(), year: new Map(), issuer: new Map() };
    const bump = (map, k) => map.set(k, (map.get(k) || 0) + 1);
    const kept = [];
    for (const id of ids) {
      const t = want.type(id), y = want.year(id), i = want.issuer(id);
      // A value's count: the results with the other filters applied.
      if (y && i) bump(counts.type, m.types[fc.type[id]]);
      if (t && i && fc.year[id]) bump(counts.year, String(fc.year[id]));
      if (t && y && fc.issuer[id] >= 0) bump(counts.issuer, m.issuers[fc.issuer[id]]);
      if (t && y && i) kept.push(id);
    }
    kept.sort((a, b) => score[b] - score[a] || fc.year[b] - fc.year[a] || b - a);
    return { ids: kept, scores: kept.map((id) => score[id]), counts, types: m.types, issuers: m.issuers };
  }

  /** Bytes fetched so far, by file (for measurements). */
  function fetched() {
    return [...cache.keys()];
  }

  return { meta, search, docs, show, fetched };
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Does the document contain every phrase of the query as written (folded)? */
export function isExact(doc, ps) {
  if (!ps.length) return false;
  const hay = fold(`${doc.title}\n${doc.docNo}\n${doc.indexNo}\n${doc.text}`);
  return ps.every((p) => hay.includes(p));
}

/** Where the title holds every phrase. */
export function inTitle(doc, ps) {
  const hay = fold(`${doc.title}\n${doc.docNo}\n${doc.indexNo}`);
  return ps.length > 0 && ps.every((p) => hay.includes(p));
}

/** An excerpt of the document's text around the first phrase found, escaped, with every
 * phrase in the window in <mark>; '' when no phrase is in the text. */
export function excerpt(doc, ps, width = 80) {
  const text = doc.text;
  const folded = fold(text);
  let at = -1;
  for (const p of ps) {
    const i = folded.indexOf(p);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) return '';
  let start = Math.max(0, at - Math.floor(width / 3));
  const first = ps.find((p) => folded.startsWith(p, at)) || '';
  let end = Math.min(text.length, Math.max(start + width, at + first.length));
  const low = (i) => i > 0 && i < text.length && (text.charCodeAt(i) & 0xfc00) === 0xdc00;
  while (low(start)) start--;
  while (low(end)) end++;
  const marks = [];
  for (const p of ps) {
    // Whole occurrences inside the window only.
    for (let i = folded.indexOf(p, start); i >= 0 && i + p.length <= end; i = folded.indexOf(p, i + p.length)) {
      marks.push([i, i + p.length]);
    }
  }
  marks.sort((a, b) => a[0] - b[0]);
  let out = start > 0 || doc.cut ? '…' : '';
  let pos = start;
  for (const [a, b] of marks) {
    if (a < pos) continue;
    out += escapeHtml(text.slice(pos, a)) + '<mark>' + escapeHtml(text.slice(a, b)) + '</mark>';
    pos = b;
  }
  out += escapeHtml(text.slice(pos, end)) + (end < text.length ? '…' : '');
  return out;
}

/** Orders shown results: every phrase as written first, then in the title, then by score,
 * newer before older. `docs` carry `score`. */
export function order(docs, ps) {
  const key = (d) => [isExact(d, ps) ? 1 : 0, inTitle(d, ps) ? 1 : 0, d.score];
  return docs
    .map((d) => ({ d, k: key(d) }))
    .sort((a, b) => b.k[0] - a.k[0] || b.k[1] - a.k[1] || b.k[2] - a.k[2] ||
      (b.d.date > a.d.date ? 1 : b.d.date < a.d.date ? -1 : b.d.id - a.d.id))
    .map((x) => x.d);
}
