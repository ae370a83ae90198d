//! Updating an index after a few documents changed, instead of building it again.
//!
//! Building the index tokenizes every document's text, which is most of its cost (4–5 s at
//! 100,000 documents). After an edit, most documents are the same: [`update_with`] reads the
//! previous index's dictionary and posting files (40 MB at 100,000 documents, against
//! 470 MB of text), drops the postings of documents that changed or went, renumbers the
//! others and adds the postings of the changed and new documents (the only text it
//! tokenizes). Entries that no changed document touches are copied as they were, and when no
//! document moved, bitmaps have their bits flipped in place. Document shards whose documents
//! are all the same are kept as they are. The files are exactly those a fresh [`super::index::build_with`] of the same
//! documents makes; where that cannot be ensured, it declines and the caller builds.

use super::index::{
    emit_dictionary, emit_group, entry, index_doc, is_bitmap, join, key, key_text, meta, order,
    raw_entry, read_varint, Coded, Doc, EmitFn, Entry, List, Part, TextFn, GROUP, HEAD, OVERLAP,
    VERSION,
};
use super::text::{self, Token};
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// What an update needs of the index it replaces.
pub struct Previous<'a> {
    /// The [`Doc::sig`] of each of its documents, by id (as [`super::index::build_with`] and
    /// [`update_with`] return them).
    pub sigs: &'a [u64],
    /// Its files' paths, under the index folder.
    pub paths: &'a [String],
    /// A file of it by path, when it is exactly as that build wrote it.
    pub read: &'a (dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    /// Keeps a file of it as it is; false when it cannot be kept (it must be emitted).
    pub keep: &'a (dyn Fn(&str) -> bool + Sync),
}

/// Above this share of changed documents, building is cheaper than updating.
const MAX_CHANGED: usize = 4;

/// Updates the index `old` to the documents `docs`: emits what [`super::index::build_with`]
/// would emit (and keeps the unchanged document shards), and returns the documents' sigs by
/// id. `Err`, with nothing emitted or kept and the documents handed back (sorted), when the
/// update is not possible or not worth it (too many changes, an old file missing or
/// altered, a term count the old files no longer hold): then build.
pub fn update_with(
    mut docs: Vec<Doc>,
    types: &[&str],
    text_of: &TextFn<'_>,
    emit: &EmitFn<'_>,
    old: &Previous<'_>,
) -> Result<Vec<u64>, Vec<Doc>> {
    docs.par_sort_by(order);
    update_sorted(&docs, types, text_of, emit, old).ok_or(docs)
}

/// [`update_with`] of documents sorted by [`order`].
fn update_sorted(
    docs: &[Doc],
    types: &[&str],
    text_of: &TextFn<'_>,
    emit: &EmitFn<'_>,
    old: &Previous<'_>,
) -> Option<Vec<u64>> {
    let n = docs.len();
    let old_n = old.sigs.len();
    let plan = Plan::new(docs, old.sigs)?;
    if plan.added.len() + plan.removed > n / MAX_CHANGED + 16 {
        return None;
    }
    let buckets = old_meta(&(old.read)("meta.json")?, old_n, types)?;

    // The postings of the changed and new documents, on every core.
    let parts: Vec<Part> = plan
        .added
        .par_chunks(64)
        .map(|ids| {
            let mut part = Part::default();
            let mut local = HashMap::default();
            for &id in ids {
                let (weighted, body) = text_of(&docs[id as usize]);
                index_doc(id, &weighted, &body, &mut local, &mut part);
            }
            part
        })
        .collect();
    let adds = join(parts);

    // Every old term, its lists renumbered and joined with the new postings; a term whose
    // lists no changed document touches is kept as it was.
    let shards: Vec<Option<Shard>> = (0..buckets)
        .into_par_iter()
        .map(|b| {
            let shard = (old.read)(&format!("t/{b}.bin"))?;
            let mut out = Shard::default();
            let mut pos = 0;
            while pos < shard.len() {
                let start = pos;
                let (len, u) = read_varint(&shard[pos..]);
                pos += u;
                let term = std::str::from_utf8(shard.get(pos..pos + len as usize)?).ok()?;
                pos += len as usize;
                let k = term_key(term);
                let add = adds.terms.get(&k);
                if add.is_some() {
                    out.used.push(k);
                }
                let raws = [
                    raw(&shard, &mut pos, old, false)?,
                    raw(&shard, &mut pos, old, true)?,
                ];
                if add.is_none() && plan.identity && !raws.iter().any(|r| r.touches(&plan)) {
                    out.entries
                        .push(raw_entry(term.to_string(), shard[start..pos].to_vec()));
                    out.kept.extend(raws.into_iter().filter_map(|r| r.file));
                    continue;
                }
                let mut lists = Vec::with_capacity(2);
                for (f, raw) in raws.iter().enumerate() {
                    let with_tf = f == 1;
                    let add = add.map(|p| if with_tf { &p.body } else { &p.title });
                    lists.push(match plan.flip_bits(raw, add, with_tf, n) {
                        Some((count, bits)) => New::Bits(count, bits),
                        None => New::List(plan.merge(&raw.decode(old_n)?, add, with_tf, n)?),
                    });
                }
                if lists.iter().any(|l| l.count() > 0) {
                    let term = term.to_string();
                    out.entries
                        .push(entry(term, lists[0].coded(), lists[1].coded(), n));
                }
            }
            Some(out)
        })
        .collect();
    let mut entries = Vec::new();
    let mut used = HashSet::default();
    let mut kept = Vec::new();
    for s in shards {
        let s = s?;
        entries.extend(s.entries);
        used.extend(s.used);
        kept.extend(s.kept);
    }
    // Terms no old document had.
    for (k, post) in &adds.terms {
        if !used.contains(k) {
            let (title, body) = (Coded::List(&post.title), Coded::List(&post.body));
            entries.push(entry(key_text(*k, &adds.words), title, body, n));
        }
    }

    // Nothing can fail from here on.
    kept.par_iter().for_each(|(name, bytes)| {
        if !(old.keep)(name) {
            emit(name.clone(), bytes.clone());
        }
    });
    let buckets = emit_dictionary(entries, emit);
    plan.emit_groups(docs, old, types, text_of, emit);
    emit("meta.json".into(), meta(docs, buckets, types));
    Some(docs.iter().map(|d| d.sig).collect())
}

/// The dictionary key of a term's text (the inverse of `key_text`).
fn term_key(term: &str) -> u64 {
    let mut cs = term.chars();
    match (cs.next(), cs.next(), cs.next()) {
        (Some(a), None, _) if text::is_han(a) => key(&Token::Uni(a)),
        (Some(a), Some(b), None) if text::is_han(a) && text::is_han(b) => key(&Token::Bi(a, b)),
        _ => key(&Token::Word(term)),
    }
}

/// The number of dictionary shards of the old index, when its `meta.json` describes an
/// index of `old_n` documents in this format.
fn old_meta(bytes: &[u8], old_n: usize, types: &[&str]) -> Option<usize> {
    let m: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let same = m["version"] == VERSION
        && m["docs"] == old_n
        && m["group"] == GROUP
        && m["head"] == HEAD
        && m["overlap"] == OVERLAP
        && m["types"] == serde_json::json!(types);
    let buckets = m["buckets"].as_u64()? as usize;
    (same && buckets.is_power_of_two()).then_some(buckets)
}

/// A stored list: its documents in order, with their term counts when it has them.
struct Stored {
    ids: Vec<u32>,
    /// `None`: a bitmap (the counts were not kept).
    tfs: Option<Vec<u8>>,
}

/// What a dictionary shard becomes.
#[derive(Default)]
struct Shard {
    entries: Vec<Entry>,
    /// Keys of the new postings' terms it has.
    used: Vec<u64>,
    /// Posting files kept as they are.
    kept: Vec<(String, Vec<u8>)>,
}

/// One list of a dictionary entry as stored.
struct Raw {
    /// 0: empty, 1: ids (and counts), 2: bitmap.
    mode: u64,
    /// A body list: in mode 1, each id is followed by its count.
    with_tf: bool,
    count: usize,
    payload: Vec<u8>,
    /// The list's own file (path and bytes), if it has one.
    file: Option<(String, Vec<u8>)>,
}

/// Reads one list of a dictionary entry at `pos` (and its own file, if it has one).
fn raw(shard: &[u8], pos: &mut usize, old: &Previous<'_>, with_tf: bool) -> Option<Raw> {
    let mut next = || {
        let (v, u) = read_varint(shard.get(*pos..)?);
        *pos += u;
        Some(v)
    };
    let mode = next()?;
    if mode == 0 {
        return Some(Raw {
            mode,
            with_tf,
            count: 0,
            payload: Vec::new(),
            file: None,
        });
    }
    let count = next()? as usize;
    let len = next()? as usize;
    let inline = shard.get(*pos..*pos + len)?;
    *pos += len;
    if mode != 3 {
        return Some(Raw {
            mode,
            with_tf,
            count,
            payload: inline.to_vec(),
            file: None,
        });
    }
    let name = std::str::from_utf8(inline).ok()?;
    let file = (old.read)(name)?;
    let (mode, u) = read_varint(&file);
    let (plen, u2) = read_varint(file.get(u..)?);
    let payload = file.get(u + u2..u + u2 + plen as usize)?.to_vec();
    Some(Raw {
        mode,
        with_tf,
        count,
        payload,
        file: Some((name.to_string(), file)),
    })
}

impl Raw {
    /// Whether the list has a document that changed or went (its record must change).
    fn touches(&self, plan: &Plan) -> bool {
        match self.mode {
            1 => {
                let gone = |id: i64| {
                    plan.renumber
                        .get(id as usize)
                        .is_none_or(|r| *r == u32::MAX)
                };
                let (mut p, mut last, mut any) = (0, -1i64, false);
                while p < self.payload.len() {
                    let (d, u) = read_varint(&self.payload[p..]);
                    p += u + usize::from(self.with_tf);
                    last += 1 + d as i64;
                    any |= gone(last);
                }
                any
            }
            2 => plan.gone.iter().any(|&id| {
                self.payload
                    .get(id as usize / 8)
                    .is_some_and(|b| b & (1 << (id % 8)) != 0)
            }),
            _ => false,
        }
    }

    fn decode(&self, old_n: usize) -> Option<Stored> {
        let (count, payload, with_tf) = (self.count, &self.payload, self.with_tf);
        let list = match self.mode {
            0 => Stored {
                ids: Vec::new(),
                tfs: with_tf.then(Vec::new),
            },
            1 => {
                let mut ids = Vec::with_capacity(count);
                let mut tfs = with_tf.then(|| Vec::with_capacity(count));
                let mut p = 0;
                let mut last: i64 = -1;
                while p < payload.len() {
                    let (d, u) = read_varint(&payload[p..]);
                    p += u;
                    last += 1 + d as i64;
                    ids.push(last as u32);
                    if let Some(tfs) = &mut tfs {
                        tfs.push(*payload.get(p)?);
                        p += 1;
                    }
                }
                Stored { ids, tfs }
            }
            2 => {
                if payload.len() != old_n.div_ceil(8) {
                    return None;
                }
                let ids = (0..old_n as u32)
                    .filter(|i| payload[(i / 8) as usize] & (1 << (i % 8)) != 0)
                    .collect();
                Stored { ids, tfs: None }
            }
            _ => return None,
        };
        (list.ids.len() == count).then_some(list)
    }
}

/// A term's new list.
enum New {
    List(List),
    /// A bitmap with this many bits set.
    Bits(u32, Vec<u8>),
}

impl New {
    fn count(&self) -> u32 {
        match self {
            New::List(l) => l.count,
            New::Bits(c, _) => *c,
        }
    }

    fn coded(&self) -> Coded<'_> {
        match self {
            New::List(l) => Coded::List(l),
            New::Bits(c, b) => Coded::Bits(*c, b),
        }
    }
}

/// How the old documents map onto the new ones.
struct Plan {
    /// Old id → new id; `u32::MAX`: changed or gone.
    renumber: Vec<u32>,
    /// New ids of the documents that are new or changed, in order.
    added: Vec<u32>,
    /// Old documents that changed or went.
    removed: usize,
    /// Whether a kept document's new id is its old id.
    same_id: Vec<bool>,
    /// Old ids of the documents that changed or went.
    gone: Vec<u32>,
    /// Every kept document keeps its id (no list of them needs renumbering).
    identity: bool,
    old_n: usize,
}

impl Plan {
    /// `None` when the signatures cannot tell documents apart.
    fn new(docs: &[Doc], old: &[u64]) -> Option<Plan> {
        let mut by_sig: HashMap<u64, u32> = HashMap::default();
        for (i, s) in old.iter().enumerate() {
            if by_sig.insert(*s, i as u32).is_some() {
                return None;
            }
        }
        let mut renumber = vec![u32::MAX; old.len()];
        let mut added = Vec::new();
        let mut same_id = vec![false; docs.len()];
        let mut last: i64 = -1;
        let mut seen = HashSet::default();
        for (id, d) in docs.iter().enumerate() {
            if !seen.insert(d.sig) {
                return None;
            }
            match by_sig.get(&d.sig) {
                // A kept document keeps its place among the others (the order is by its
                // fields, which its signature covers).
                Some(&o) if i64::from(o) > last => {
                    renumber[o as usize] = id as u32;
                    same_id[id] = o as usize == id;
                    last = i64::from(o);
                }
                Some(_) => return None,
                None => added.push(id as u32),
            }
        }
        let gone: Vec<u32> = (0..old.len() as u32)
            .filter(|o| renumber[*o as usize] == u32::MAX)
            .collect();
        let identity = renumber
            .iter()
            .enumerate()
            .all(|(o, r)| *r == u32::MAX || *r as usize == o);
        Some(Plan {
            renumber,
            added,
            removed: gone.len(),
            same_id,
            gone,
            identity: identity && old.len() == docs.len(),
            old_n: old.len(),
        })
    }

    /// The new list of a term: its stored documents renumbered (changed and gone ones
    /// dropped) joined with its new postings `add`. `None` when the result must keep term
    /// counts that the stored bitmap does not have.
    fn merge(&self, stored: &Stored, add: Option<&List>, with_tf: bool, n: usize) -> Option<List> {
        let mut adds = Vec::new();
        if let Some(a) = add {
            let mut p = 0;
            let mut last: i64 = -1;
            while p < a.bytes.len() {
                let (d, u) = read_varint(&a.bytes[p..]);
                p += u;
                last += 1 + d as i64;
                let tf = with_tf.then(|| a.bytes[p]);
                p += usize::from(with_tf);
                adds.push((last as u32, tf));
            }
        }
        let mut list = List::new();
        let mut lossy = false;
        let mut adds = adds.into_iter().peekable();
        for (i, &old_id) in stored.ids.iter().enumerate() {
            let id = *self.renumber.get(old_id as usize)?;
            if id == u32::MAX {
                continue;
            }
            while let Some(&(a, tf)) = adds.peek() {
                if a >= id {
                    break;
                }
                list.push(a, tf);
                adds.next();
            }
            let tf = match &stored.tfs {
                Some(t) => Some(t[i]),
                None => {
                    lossy |= with_tf;
                    with_tf.then_some(1)
                }
            };
            list.push(id, tf);
        }
        for (a, tf) in adds {
            list.push(a, tf);
        }
        // A list stored as a bitmap keeps no counts, which a list short enough to be stored
        // as ids needs.
        (!lossy || is_bitmap(list.bytes.len(), n)).then_some(list)
    }

    /// A list stored as a bitmap, with every document in its place: the bits of changed and
    /// gone documents cleared, those of `add` set. `None` (merge instead) when the list might
    /// no longer be long enough to be a bitmap, or the documents moved.
    fn flip_bits(
        &self,
        raw: &Raw,
        add: Option<&List>,
        with_tf: bool,
        n: usize,
    ) -> Option<(u32, Vec<u8>)> {
        if !self.identity || raw.mode != 2 || raw.payload.len() != n.div_ceil(8) {
            return None;
        }
        let mut bits = raw.payload.clone();
        let mut count = raw.count as i64;
        for &id in &self.gone {
            let (byte, bit) = (id as usize / 8, 1u8 << (id % 8));
            if bits[byte] & bit != 0 {
                bits[byte] &= !bit;
                count -= 1;
            }
        }
        if let Some(a) = add {
            let (mut p, mut last) = (0, -1i64);
            while p < a.bytes.len() {
                let (d, u) = read_varint(&a.bytes[p..]);
                p += u + usize::from(with_tf);
                last += 1 + d as i64;
                let (byte, bit) = (last as usize / 8, 1u8 << (last % 8));
                if bits.get(byte)? & bit == 0 {
                    bits[byte] |= bit;
                    count += 1;
                }
            }
        }
        // Every id takes at least a byte, and a count another: the list as ids would be at
        // least this long.
        let shortest = count as usize * if with_tf { 2 } else { 1 };
        is_bitmap(shortest, n).then_some((count as u32, bits))
    }

    /// Emits the document and rest shards of every group, keeping those whose documents are
    /// all the same and in the same places.
    fn emit_groups(
        &self,
        docs: &[Doc],
        old: &Previous<'_>,
        types: &[&str],
        text_of: &TextFn<'_>,
        emit: &EmitFn<'_>,
    ) {
        let mut old_files: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for p in old.paths {
            let g = p
                .strip_prefix("d/")
                .and_then(|r| r.strip_suffix(".bin"))
                .or_else(|| {
                    p.strip_prefix("x/")
                        .and_then(|r| r.split_once('-'))
                        .map(|r| r.0)
                })
                .and_then(|g| g.parse::<usize>().ok());
            if let Some(g) = g {
                old_files.entry(g).or_default().push(p);
            }
        }
        docs.par_chunks(GROUP).enumerate().for_each(|(g, group)| {
            let first = g * GROUP;
            let old_len = self.old_n.saturating_sub(first).min(GROUP);
            let same =
                old_len == group.len() && (first..first + group.len()).all(|id| self.same_id[id]);
            let files = old_files.get(&g);
            let has_shard = files.is_some_and(|f| f.contains(&format!("d/{g}.bin").as_str()));
            if same && has_shard && files.is_some_and(|f| f.iter().all(|p| (old.keep)(p))) {
                return;
            }
            let texts: Vec<(String, String)> = group.iter().map(text_of).collect();
            emit_group(g, group, &texts, types, emit);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::index::build_with;
    use super::*;
    use chrono::NaiveDate;
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    type Tree = BTreeMap<String, Vec<u8>>;
    const TYPES: [&str; 2] = ["政策文件", "清单"];

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        /// Text from a small alphabet, so that common terms become bitmaps.
        fn text(&mut self, len: usize) -> String {
            const CHARS: &str = "政务公开预决算信息目录文件通知办法规定年度报告工作要点";
            let cs: Vec<char> = CHARS.chars().collect();
            let mut s = String::new();
            for i in 0..len {
                if i % 17 == 16 {
                    s.push_str(["，", " PPP ", " 2016 ", "〔2020〕"][self.below(4)]);
                } else {
                    // Skewed: a few characters in most documents, the rest rare.
                    let r = self.below(cs.len() * cs.len());
                    s.push(cs[(r as f64).sqrt() as usize]);
                }
            }
            s
        }
    }

    fn sign(d: &mut Doc) {
        d.sig = 0;
        d.sig = text::fnv64(format!("{d:?}").as_bytes());
    }

    fn doc(rng: &mut Rng, i: usize) -> Doc {
        let mut d = Doc {
            url: format!("/p/{i}/"),
            title: rng.text(12),
            kind: (i % 2) as u8,
            year: 2016 + (i % 3) as u16,
            issuer: ["甲局", "乙局", ""][i % 3].to_string(),
            date: NaiveDate::from_ymd_opt(2016 + (i % 3) as i32, 1 + (i % 12) as u32, 1),
            ..Doc::default()
        };
        let len = 40 + rng.below(1500);
        d.body = rng.text(len);
        d.weighted = d.title.clone();
        sign(&mut d);
        d
    }

    fn text_of(d: &Doc) -> (String, String) {
        (d.weighted.clone(), d.body.clone())
    }

    fn build(docs: &[Doc]) -> (Tree, Vec<u64>) {
        let out = Mutex::new(Tree::new());
        let sigs = build_with(docs.to_vec(), &TYPES, &text_of, &|p, b| {
            assert!(out.lock().unwrap().insert(p, b).is_none(), "emitted twice");
        });
        (out.into_inner().unwrap(), sigs)
    }

    /// The files an update of `old` to `docs` leaves: what it emits and what it keeps.
    fn update(
        old: &Tree,
        old_sigs: &[u64],
        docs: &[Doc],
        damaged: Option<&str>,
    ) -> Option<(Tree, Vec<u64>)> {
        let out = Mutex::new(Tree::new());
        let paths: Vec<String> = old.keys().cloned().collect();
        let read = |p: &str| (Some(p) != damaged).then(|| old.get(p).cloned()).flatten();
        let keep = |p: &str| match old.get(p) {
            Some(b) if Some(p) != damaged => {
                out.lock().unwrap().insert(p.to_string(), b.clone());
                true
            }
            _ => false,
        };
        let previous = Previous {
            sigs: old_sigs,
            paths: &paths,
            read: &read,
            keep: &keep,
        };
        let emit = |p: String, b: Vec<u8>| {
            out.lock().unwrap().insert(p, b);
        };
        let sigs = update_with(docs.to_vec(), &TYPES, &text_of, &emit, &previous).ok();
        let out = out.into_inner().unwrap();
        match sigs {
            Some(s) => Some((out, s)),
            None => {
                assert!(out.is_empty(), "a declined update emits and keeps nothing");
                None
            }
        }
    }

    #[test]
    fn an_update_gives_the_files_of_a_fresh_build() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut docs: Vec<Doc> = (0..600).map(|i| doc(&mut rng, i)).collect();
        let (mut tree, mut sigs) = build(&docs);
        let mut next = docs.len();
        let mut updated = 0;
        for step in 0..60 {
            // One to three changes of every kind: text, title, date (moves the document),
            // a document gone, a new one.
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(docs.len());
                match rng.below(5) {
                    0 => {
                        let len = rng.below(3000);
                        docs[i].body = rng.text(len);
                    }
                    1 => {
                        docs[i].title = rng.text(8);
                        docs[i].weighted = docs[i].title.clone();
                    }
                    2 => docs[i].date = NaiveDate::from_ymd_opt(2017, 1 + rng.below(12) as u32, 2),
                    3 => {
                        docs.remove(i);
                        continue;
                    }
                    _ => {
                        docs.push(doc(&mut rng, next));
                        next += 1;
                        continue;
                    }
                }
                sign(&mut docs[i]);
            }
            let fresh = build(&docs);
            if let Some(u) = update(&tree, &sigs, &docs, None) {
                assert!(
                    u.0 == fresh.0,
                    "step {step}: the update differs from a fresh build"
                );
                assert_eq!(u.1, fresh.1);
                updated += 1;
            }
            (tree, sigs) = fresh;
        }
        assert!(updated >= 50, "only {updated} of 60 updates were made");
    }

    #[test]
    fn an_update_declines_what_it_cannot_do() {
        let mut rng = Rng(7);
        let mut docs: Vec<Doc> = (0..400).map(|i| doc(&mut rng, i)).collect();
        let (tree, sigs) = build(&docs);
        // Nothing changed: every document shard is kept.
        let (same, _) = update(&tree, &sigs, &docs, None).expect("an update");
        assert!(same == tree);
        docs[5].body.push_str("新的内容");
        sign(&mut docs[5]);
        assert!(update(&tree, &sigs, &docs, None).is_some());
        // A dictionary shard that is not as it was written, or a wrong record.
        assert!(update(&tree, &sigs, &docs, Some("t/0.bin")).is_none());
        assert!(update(&tree, &sigs, &docs, Some("meta.json")).is_none());
        assert!(update(&tree, &sigs[1..], &docs, None).is_none());
        // A damaged document shard is made again.
        let (u, _) = update(&tree, &sigs, &docs, Some("d/50.bin")).expect("an update");
        assert!(u == build(&docs).0);
        // Most documents changed: building is cheaper.
        for d in docs.iter_mut().take(200) {
            d.title.push('改');
            sign(d);
        }
        assert!(update(&tree, &sigs, &docs, None).is_none());
    }
}
