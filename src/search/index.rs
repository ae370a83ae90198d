//! Builds the static index files from documents (see `docs/search.md` for the format).
//!
//! Parallel over ranges of documents: each range gets its own term map with document-level
//! postings (no positions) encoded as it goes; the maps are then joined in document order
//! (only the first delta of each range is re-encoded), and the dictionary shards, large
//! postings and document shards are encoded in parallel. Time and memory are linear in the
//! amount of text.

use super::text::{self, Token};
use chrono::NaiveDate;
use foldhash::HashMap;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Files as (path relative to the index folder, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

/// Documents per document shard (`d/<n>.bin`).
pub const GROUP: usize = 4;
/// Characters at the start of a document's text kept in its document shard, for excerpts and
/// the exact-phrase check of shown results.
pub const HEAD: usize = 300;
/// Characters after the head kept in rest shards (`x/<n>-<k>.bin`, same grouping, chunk `k`
/// of [`CHUNK`] characters), fetched one at a time only when a shown result's head lacks the
/// phrase.
pub const REST: usize = 8000;
/// Characters of one rest chunk.
pub const CHUNK: usize = 1000;
/// Each chunk starts this many characters before the previous one ends, so that a phrase
/// across the boundary is found whole.
pub const OVERLAP: usize = 40;
/// Target size of one dictionary shard (`t/<n>.bin`), bytes.
pub const BUCKET_TARGET: usize = 8 * 1024;
/// A posting list larger than this gets a file of its own (`p/<hash>.bin`), bytes.
pub const EXTERNAL_MIN: usize = 1024;
/// Format version, in `meta.json`.
pub const VERSION: u32 = 1;

/// One searchable document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub url: String,
    /// Shown as the result's link.
    pub title: String,
    /// Index into the type names given to [`build`].
    pub kind: u8,
    /// Year for the 年份 filter; 0: none.
    pub year: u16,
    /// 发文机关 for the filter; empty: none.
    pub issuer: String,
    /// Shown in results, and the order of ties (newer first).
    pub date: Option<NaiveDate>,
    pub doc_no: String,
    pub index_no: String,
    /// Weighted text (title, 发文字号, 索引号).
    pub weighted: String,
    /// The rest of the indexed text; its start is kept for excerpts.
    pub body: String,
    /// For the caller of [`build_with`]: which document of its own this is.
    pub key: u64,
    /// For [`super::update::update_with`]: a signature of everything this document's files
    /// are made of (the fields above and its text). Equal signatures, equal records.
    pub sig: u64,
}

#[derive(Default)]
pub(super) struct List {
    pub(super) count: u32,
    last: i64,
    pub(super) bytes: Vec<u8>,
}

impl List {
    pub(super) fn new() -> List {
        List {
            count: 0,
            last: -1,
            bytes: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, id: u32, tf: Option<u8>) {
        varint(&mut self.bytes, (i64::from(id) - self.last - 1) as u64);
        if let Some(tf) = tf {
            self.bytes.push(tf);
        }
        self.last = i64::from(id);
        self.count += 1;
    }

    /// Appends a later range's list (whose first delta is its absolute id).
    fn append(&mut self, other: List) {
        if other.count == 0 {
            return;
        }
        let (first, used) = read_varint(&other.bytes);
        varint(&mut self.bytes, (first as i64 - self.last - 1) as u64);
        self.bytes.extend_from_slice(&other.bytes[used..]);
        self.last = other.last;
        self.count += other.count;
    }
}

pub(super) struct Post {
    pub(super) title: List,
    pub(super) body: List,
}

impl Post {
    pub(super) fn new() -> Post {
        Post {
            title: List::new(),
            body: List::new(),
        }
    }
}

/// Terms as 64-bit keys: a character, a pair, or (top bit) the hash of an ASCII word.
pub(super) fn key(t: &Token<'_>) -> u64 {
    match *t {
        Token::Uni(c) => c as u64,
        Token::Bi(a, b) => (1 << 42) | ((a as u64) << 21) | b as u64,
        Token::Word(w) => (1 << 63) | (text::fnv64(w.as_bytes()) >> 1),
    }
}

pub(super) fn key_text(k: u64, words: &HashMap<u64, String>) -> String {
    if k >> 63 == 1 {
        return words.get(&k).cloned().unwrap_or_default();
    }
    let ch = |v: u64| char::from_u32(v as u32).unwrap_or('\u{FFFD}');
    if k >> 42 == 1 {
        [ch((k >> 21) & 0x1F_FFFF), ch(k & 0x1F_FFFF)]
            .iter()
            .collect()
    } else {
        ch(k).to_string()
    }
}

#[derive(Default)]
pub(super) struct Part {
    pub(super) terms: HashMap<u64, Post>,
    pub(super) words: HashMap<u64, String>,
}

/// Where the documents' text comes from: (weighted, body) of a document.
pub type TextFn<'a> = dyn Fn(&Doc) -> (String, String) + Sync + 'a;
/// Where the files go: (path under the index folder, bytes); called from several threads.
pub type EmitFn<'a> = dyn Fn(String, Vec<u8>) + Sync + 'a;

/// Indexes documents `start..start + docs.len()` (`start` a multiple of [`GROUP`]) and emits
/// their document and rest shards; each text is dropped as soon as its group is done.
fn index_range(
    start: usize,
    docs: &[Doc],
    types: &[&str],
    text_of: &TextFn<'_>,
    emit: &EmitFn<'_>,
) -> Part {
    let mut part = Part {
        terms: HashMap::default(),
        words: HashMap::default(),
    };
    let mut local: HashMap<u64, (u32, u32)> = HashMap::default();
    for (gi, group) in docs.chunks(GROUP).enumerate() {
        let texts: Vec<(String, String)> = group.iter().map(text_of).collect();
        let g = start / GROUP + gi;
        for (j, (weighted, body)) in texts.iter().enumerate() {
            let id = (start + gi * GROUP + j) as u32;
            index_doc(id, weighted, body, &mut local, &mut part);
        }
        emit_group(g, group, &texts, types, emit);
    }
    part
}

/// Emits the document shard and the rest shards of group `g`.
pub(super) fn emit_group(
    g: usize,
    group: &[Doc],
    texts: &[(String, String)],
    types: &[&str],
    emit: &EmitFn<'_>,
) {
    let bodies: Vec<&str> = texts.iter().map(|t| t.1.as_str()).collect();
    emit(format!("d/{g}.bin"), doc_shard(group, &bodies, types));
    for k in 0..REST / CHUNK {
        match rest_shard(&bodies, k) {
            Some(r) => emit(format!("x/{g}-{k}.bin"), r),
            None => break,
        }
    }
}

pub(super) fn index_doc(
    id: u32,
    weighted: &str,
    body: &str,
    local: &mut HashMap<u64, (u32, u32)>,
    part: &mut Part,
) {
    {
        local.clear();
        let words = &mut part.words;
        let mut see = |t: Token<'_>, title: bool| {
            let k = key(&t);
            if let Token::Word(w) = t {
                words.entry(k).or_insert_with(|| w.to_string());
            }
            let e = local.entry(k).or_insert((0, 0));
            if title {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        };
        text::tokens(weighted, |t| see(t, true));
        text::tokens(body, |t| see(t, false));
        for (&k, &(tt, bt)) in local.iter() {
            let p = part.terms.entry(k).or_insert_with(Post::new);
            if tt > 0 {
                p.title.push(id, None);
            }
            if bt > 0 {
                p.body.push(id, Some(bt.min(255) as u8));
            }
        }
    }
}

pub(crate) fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(super) fn read_varint(b: &[u8]) -> (u64, usize) {
    let mut v = 0u64;
    let mut shift = 0;
    for (i, &x) in b.iter().enumerate() {
        v |= u64::from(x & 0x7F) << shift;
        if x < 0x80 {
            return (v, i + 1);
        }
        shift += 7;
    }
    (v, b.len())
}

/// A list as a bitmap of `n` bits (bit `id % 8` of byte `id / 8`).
pub(super) fn bitmap(list: &List, with_tf: bool, n: usize) -> Vec<u8> {
    let mut bits = vec![0u8; n.div_ceil(8)];
    let mut pos = 0;
    let mut prev: i64 = -1;
    for _ in 0..list.count {
        let (d, used) = read_varint(&list.bytes[pos..]);
        pos += used + usize::from(with_tf);
        let id = prev + 1 + d as i64;
        bits[(id / 8) as usize] |= 1 << (id % 8);
        prev = id;
    }
    bits
}

/// Whether a list of `len` bytes is stored as a bitmap of `n` documents.
pub(super) fn is_bitmap(len: usize, n: usize) -> bool {
    len > n.div_ceil(8).max(256)
}

/// A list to encode: as ids (and counts), or already a bitmap (`count` bits set).
#[derive(Clone, Copy)]
pub(super) enum Coded<'a> {
    List(&'a List),
    Bits(u32, &'a [u8]),
}

/// One posting, inline (for the dictionary shard) and maybe its own file.
fn encode(
    list: Coded<'_>,
    with_tf: bool,
    n: usize,
    term: &str,
    field: char,
) -> (Vec<u8>, Option<(String, Vec<u8>)>) {
    let mut inline = Vec::new();
    let (count, mode, payload) = match list {
        Coded::List(l) if l.count == 0 => {
            varint(&mut inline, 0);
            return (inline, None);
        }
        // Small sites keep their term counts: a bitmap only where it saves more than a little.
        Coded::List(l) if is_bitmap(l.bytes.len(), n) => (l.count, 2, bitmap(l, with_tf, n)),
        Coded::List(l) => (l.count, 1, l.bytes.clone()),
        Coded::Bits(count, bits) => (count, 2, bits.to_vec()),
    };
    if payload.len() > EXTERNAL_MIN {
        let name = format!("p/{:016x}{field}.bin", text::fnv64(term.as_bytes()));
        let mut file = Vec::with_capacity(payload.len() + 8);
        varint(&mut file, mode);
        varint(&mut file, payload.len() as u64);
        file.extend_from_slice(&payload);
        varint(&mut inline, 3);
        varint(&mut inline, u64::from(count));
        varint(&mut inline, name.len() as u64);
        inline.extend_from_slice(name.as_bytes());
        (inline, Some((name, file)))
    } else {
        varint(&mut inline, mode);
        varint(&mut inline, u64::from(count));
        varint(&mut inline, payload.len() as u64);
        inline.extend_from_slice(&payload);
        (inline, None)
    }
}

/// Documents in a shard: UTF-16LE fields separated by U+001F, each document ended by U+001E.
fn doc_shard(docs: &[Doc], bodies: &[&str], types: &[&str]) -> Vec<u8> {
    let mut s = String::new();
    for (d, body) in docs.iter().zip(bodies) {
        let date = d.date.map(crate::model::cn_date).unwrap_or_default();
        let text: String = body.chars().take(HEAD).collect();
        let more = chunks(body).to_string();
        let kind = types.get(usize::from(d.kind)).copied().unwrap_or("");
        let fields = [
            d.url.as_str(),
            &d.title,
            kind,
            &date,
            &d.issuer,
            &d.doc_no,
            &d.index_no,
            &text,
            &more,
        ];
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                s.push('\u{1F}');
            }
            s.extend(f.chars().map(|c| if c < ' ' { ' ' } else { c }));
        }
        s.push('\u{1E}');
    }
    utf16(&s)
}

fn utf16(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 2);
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// How many rest chunks a document has.
fn chunks(body: &str) -> usize {
    let len = body.chars().take(HEAD + REST + 1).count();
    len.saturating_sub(HEAD).min(REST).div_ceil(CHUNK)
}

/// Chunk `k` of the rest of the documents' text (see [`REST`]), UTF-16LE, each ended by
/// U+001E; `None` when no document has that chunk.
fn rest_shard(bodies: &[&str], k: usize) -> Option<Vec<u8>> {
    let mut s = String::new();
    let mut any = false;
    for body in bodies {
        if chunks(body) > k {
            any = true;
            s.extend(
                body.chars()
                    .skip(HEAD + k * CHUNK - OVERLAP)
                    .take(CHUNK + OVERLAP)
                    .map(|c| if c < ' ' { ' ' } else { c }),
            );
        }
        s.push('\u{1E}');
    }
    any.then(|| utf16(&s))
}

/// The order of document ids: by type, year and 发文机关 (so that each filter value is a few
/// ranges of ids), then by date and URL.
pub fn order(a: &Doc, b: &Doc) -> std::cmp::Ordering {
    (a.kind, a.year, &a.issuer, a.date, &a.url).cmp(&(b.kind, b.year, &b.issuer, b.date, &b.url))
}

/// Builds every index file. `types` names the values of [`Doc::kind`]. The same documents (in
/// any order) give the same bytes. Files sorted by path.
pub fn build(docs: Vec<Doc>, types: &[&str]) -> Files {
    let out = std::sync::Mutex::new(Vec::new());
    build_with(
        docs,
        types,
        &|d| (d.weighted.clone(), d.body.clone()),
        &|p, b| out.lock().unwrap_or_else(|e| e.into_inner()).push((p, b)),
    );
    let mut files = out.into_inner().unwrap_or_else(|e| e.into_inner());
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files
}

/// [`build`] with the documents' text made on demand by `text_of` (so that the whole corpus
/// is never held at once), and every file handed to `emit` as soon as it is made. Returns
/// the documents' [`Doc::sig`]s by id (what [`super::update::update_with`] starts from).
pub fn build_with(
    mut docs: Vec<Doc>,
    types: &[&str],
    text_of: &TextFn<'_>,
    emit: &EmitFn<'_>,
) -> Vec<u64> {
    docs.par_sort_by(order);
    let n = docs.len();

    // Postings, per range of documents, then joined in order.
    let range = n
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(256)
        .next_multiple_of(GROUP);
    let parts: Vec<Part> = docs
        .par_chunks(range)
        .enumerate()
        .map(|(i, ds)| index_range(i * range, ds, types, text_of, emit))
        .collect();
    let all = join(parts);
    let words = all.words;
    let entries: Vec<Entry> = all
        .terms
        .into_par_iter()
        .map(|(k, post)| {
            let term = key_text(k, &words);
            entry(term, Coded::List(&post.title), Coded::List(&post.body), n)
        })
        .collect();
    let buckets = emit_dictionary(entries, emit);
    emit("meta.json".into(), meta(&docs, buckets, types));
    docs.iter().map(|d| d.sig).collect()
}

/// Joins the postings of consecutive ranges of documents, in order.
pub(super) fn join(parts: Vec<Part>) -> Part {
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_default();
    for p in parts {
        for (k, post) in p.terms {
            let e = all.terms.entry(k).or_insert_with(Post::new);
            e.title.append(post.title);
            e.body.append(post.body);
        }
        for (k, w) in p.words {
            all.words.entry(k).or_insert(w);
        }
    }
    all
}

/// A term's dictionary entry, and its large postings as files.
pub(super) struct Entry {
    term: String,
    bytes: Vec<u8>,
    files: Vec<(String, Vec<u8>)>,
}

pub(super) fn entry(term: String, title: Coded<'_>, body: Coded<'_>, n: usize) -> Entry {
    let mut bytes = Vec::new();
    varint(&mut bytes, term.len() as u64);
    bytes.extend_from_slice(term.as_bytes());
    let mut files = Vec::new();
    for (list, tf, field) in [(title, false, 't'), (body, true, 'b')] {
        let (inline, file) = encode(list, tf, n, &term, field);
        bytes.extend_from_slice(&inline);
        files.extend(file);
    }
    Entry { term, bytes, files }
}

/// An entry kept as it was stored (its lists did not change).
pub(super) fn raw_entry(term: String, bytes: Vec<u8>) -> Entry {
    Entry {
        term,
        bytes,
        files: Vec::new(),
    }
}

/// Emits the dictionary shards of `entries` (and their posting files); returns the number
/// of shards.
pub(super) fn emit_dictionary(entries: Vec<Entry>, emit: &EmitFn<'_>) -> usize {
    let total: usize = entries.iter().map(|e| e.bytes.len()).sum();
    let buckets = total.div_ceil(BUCKET_TARGET).max(1).next_power_of_two();
    let mut by_bucket: Vec<Vec<Entry>> = (0..buckets).map(|_| Vec::new()).collect();
    for e in entries {
        by_bucket[(text::fnv32(e.term.as_bytes()) as usize) % buckets].push(e);
    }
    by_bucket
        .into_par_iter()
        .enumerate()
        .for_each(|(b, mut es)| {
            es.sort_unstable_by(|x, y| x.term.as_bytes().cmp(y.term.as_bytes()));
            let mut shard = Vec::with_capacity(es.iter().map(|e| e.bytes.len()).sum());
            for e in es {
                shard.extend_from_slice(&e.bytes);
                for (p, f) in e.files {
                    emit(p, f);
                }
            }
            emit(format!("t/{b}.bin"), shard);
        });
    buckets
}

/// `meta.json` of the documents `docs` (sorted by [`order`]): the filters as runs of
/// documents with the same type, year and 发文机关.
pub(super) fn meta(docs: &[Doc], buckets: usize, types: &[&str]) -> Vec<u8> {
    let issuers: Vec<&str> = {
        let mut v: Vec<&str> = docs
            .iter()
            .map(|d| d.issuer.as_str())
            .filter(|i| !i.is_empty())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let issuer_ix: BTreeMap<&str, usize> =
        issuers.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let mut blocks: Vec<[i64; 4]> = Vec::new();
    for (id, d) in docs.iter().enumerate() {
        let issuer = issuer_ix.get(d.issuer.as_str()).map_or(-1, |i| *i as i64);
        let b = [id as i64, i64::from(d.kind), i64::from(d.year), issuer];
        if blocks.last().is_none_or(|l| l[1..] != b[1..]) {
            blocks.push(b);
        }
    }
    let meta = serde_json::json!({
        "version": VERSION,
        "docs": docs.len(),
        "buckets": buckets,
        "group": GROUP,
        "head": HEAD,
        "overlap": OVERLAP,
        "types": types,
        "issuers": issuers,
        "blocks": blocks,
    });
    meta.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(url: &str, title: &str, body: &str, year: u16) -> Doc {
        Doc {
            url: url.into(),
            title: title.into(),
            weighted: title.into(),
            body: body.into(),
            year,
            date: NaiveDate::from_ymd_opt(i32::from(year), 1, 1),
            ..Doc::default()
        }
    }

    #[test]
    fn lists_join_across_ranges() {
        let mut a = List::new();
        a.push(3, Some(1));
        a.push(7, Some(2));
        let mut b = List::new();
        b.push(9, Some(5));
        b.push(300, Some(1));
        a.append(b);
        assert_eq!(a.count, 4);
        let bits = bitmap(&a, true, 301);
        let ids: Vec<usize> = (0..301)
            .filter(|i| bits[i / 8] & (1 << (i % 8)) != 0)
            .collect();
        assert_eq!(ids, [3, 7, 9, 300]);
    }

    #[test]
    fn same_documents_in_any_order_give_the_same_files() {
        let docs: Vec<Doc> = (0..10_000)
            .map(|i| {
                doc(
                    &format!("/p/{i}/"),
                    &format!("第{i}号文件"),
                    "政务公开预决算",
                    2016 + (i % 3) as u16,
                )
            })
            .collect();
        let a = build(docs.clone(), &["政策文件"]);
        let mut rev = docs;
        rev.reverse();
        assert_eq!(a, build(rev, &["政策文件"]));
        let names: Vec<&str> = a.iter().map(|f| f.0.as_str()).collect();
        assert!(names.contains(&"meta.json"));
        assert!(names.contains(&"t/0.bin"));
        assert!(names.contains(&"d/2499.bin"));
        assert!(
            !names.iter().any(|n| n.starts_with("x/")),
            "short texts: no rest shards"
        );
        // 公开 is in every body: a bitmap in a file of its own.
        let ext = format!("p/{:016x}b.bin", text::fnv64("公开".as_bytes()));
        let f = &a.iter().find(|f| f.0 == ext).expect("large posting file").1;
        assert_eq!(f[0], 2, "bitmap");
        assert_eq!(f.len(), 3 + 10_000usize.div_ceil(8));
    }

    #[test]
    fn a_huge_document_indexes_in_linear_time() {
        // 2 MB of varied text: no quadratic step (well under a second in release builds).
        let body: String = (0..700_000u32)
            .map(|i| char::from_u32(0x4E00 + i.wrapping_mul(7919) % 20000).unwrap())
            .collect();
        let files = build(vec![doc("/a/", &body, &body, 2016)], &["政策文件"]);
        assert!(files.len() > 2);
    }
}
