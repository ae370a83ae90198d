//! Full-text search: gongkai's own static index of every published page (`crate::search`),
//! built in-process from the site model (not by re-parsing the rendered HTML), written under
//! `search-index/` in the output. The browser side is `assets/search.js` on the search page.
//!
//! Only model values are indexed, and `validate` drops everything that is not 主动公开 before
//! the model exists, so a non-public document cannot reach the index.

use super::keys::{hash_json, Sigs, StableHasher};
use super::Files;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::ledger::Value as Cell;
use crate::model::Site;
use crate::search::Doc;
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

/// Output folder of the index, and its URL prefix.
pub const DIR: &str = "search-index";

/// The values of the 类型 filter.
pub const TYPE_POLICY: &str = "政策文件";
pub const TYPE_INTERPRETATION: &str = "政策解读";
pub const TYPE_LIST: &str = "清单";
pub const TYPE_OTHER: &str = "其他";
/// In the order of the filter (and of [`Doc::kind`]).
pub const TYPES: [&str; 4] = [TYPE_POLICY, TYPE_INTERPRETATION, TYPE_LIST, TYPE_OTHER];

/// The text of sanitized body HTML, entities decoded, with a space where a block ends so that
/// paragraphs and table cells don't run together (inline tags add nothing, so a word in
/// `<strong>` stays one word).
pub fn html_text(html: &str) -> String {
    const BLOCKS: &str = "p br div li ul ol td th tr table thead tbody h1 h2 h3 h4 h5 h6 blockquote pre hr dd dt dl \
                          figure figcaption section img";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag = &rest[lt + 1..];
        let Some(gt) = tag.find('>') else {
            rest = "";
            break;
        };
        let name = tag[..gt].trim_start_matches('/');
        let name = &name[..name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len())];
        if BLOCKS
            .split_whitespace()
            .any(|b| b.eq_ignore_ascii_case(name))
        {
            out.push(' ');
        }
        rest = &tag[gt + 1..];
    }
    out.push_str(rest);
    let text = html_escape::decode_html_entities(&out);
    let mut joined = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(w);
    }
    joined
}

/// Joins non-empty parts with spaces.
fn join<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for p in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

fn doc(url: &str, title: &str, kind: usize, date: Option<NaiveDate>, issuer: Option<&str>) -> Doc {
    Doc {
        url: url.to_string(),
        title: title.to_string(),
        kind: kind as u8,
        year: date.map_or(0, |d| d.year().clamp(0, 9999) as u16),
        issuer: issuer.map(str::trim).unwrap_or_default().to_string(),
        date,
        ..Doc::default()
    }
}

/// What a [`Doc::key`] points at in the model.
const POLICY: u64 = 1 << 60;
const INTERPRETATION: u64 = 2 << 60;
const PAGE: u64 = 3 << 60;
const LIST: u64 = 4 << 60;
const ITEM: u64 = 5 << 60;
const REPORT: u64 = 6 << 60;

/// Every published page worth finding (policies, 解读, pages, lists and their items, annual
/// reports), without its text: [`text`] makes that on demand.
pub fn documents(site: &Site) -> Vec<Doc> {
    let mut out = Vec::new();
    for (n, p) in site.policies.iter().enumerate() {
        let mut d = doc(&p.url, &p.title, 0, Some(p.published), Some(&p.issuer));
        d.doc_no = p.doc_no.clone().unwrap_or_default();
        d.index_no = p.index_no.clone();
        d.key = POLICY | n as u64;
        out.push(d);
    }
    for (n, i) in site.interpretations.iter().enumerate() {
        let issuer = i.interpreter.clone().or_else(|| {
            i.interprets
                .first()
                .map(|p| site.policies[*p].issuer.clone())
        });
        let mut d = doc(&i.url, &i.title, 1, Some(i.published), issuer.as_deref());
        d.key = INTERPRETATION | n as u64;
        out.push(d);
    }
    for (n, p) in site.pages.iter().enumerate() {
        let mut d = doc(&p.url, &p.title, 3, None, None);
        d.key = PAGE | n as u64;
        out.push(d);
    }
    for (n, l) in site.lists.iter().enumerate() {
        let mut d = doc(
            &l.url,
            &l.title,
            2,
            Some(l.updated),
            l.department.as_deref(),
        );
        d.key = LIST | n as u64;
        out.push(d);
        for (m, it) in l.items.iter().enumerate() {
            let url = format!("{}{}/", l.url, crate::validate::encode_path(&it.slug));
            let title = format!("{} - {}", item_name(it), l.title);
            let mut d = doc(&url, &title, 2, Some(l.updated), l.department.as_deref());
            d.key = ITEM | (n as u64) << 30 | m as u64;
            out.push(d);
        }
    }
    for (n, r) in site.reports.iter().enumerate() {
        let title = format!("{}{}年政府信息公开工作年度报告", site.config.title, r.year);
        let host = site.config.host_or_title();
        let mut d = doc(&r.url, &title, 3, None, Some(&host));
        d.year = r.year.clamp(0, 9999) as u16;
        d.key = REPORT | n as u64;
        out.push(d);
    }
    out
}

fn item_name(it: &crate::model::ledger::Item) -> String {
    ["name", "task"]
        .iter()
        .find_map(|k| it.values.get(*k).map(Cell::display))
        .unwrap_or_else(|| format!("第{}项", it.position))
}

/// A document's indexed text: (weighted: title, 发文字号, 索引号; body: everything else, the
/// text an excerpt is cut from first).
pub fn text(site: &Site, d: &Doc) -> (String, String) {
    let n = (d.key & ((1 << 30) - 1)) as usize;
    match d.key & (0xF << 60) {
        POLICY => {
            let p = &site.policies[n];
            let body = html_text(p.body.html.as_str());
            let weighted = join([p.title.as_str(), &d.doc_no, &p.index_no]);
            let body = join(
                [p.summary.as_str(), &body]
                    .into_iter()
                    .chain(p.attachments.iter().map(|a| a.title.as_str()))
                    .chain([p.issuer.as_str()])
                    .chain(p.topic.as_deref()),
            );
            (weighted, body)
        }
        INTERPRETATION => {
            let i = &site.interpretations[n];
            let body = html_text(i.body.html.as_str());
            let mut parts: Vec<&str> = vec![i.summary.as_str(), &body];
            for p in i.interprets.iter().map(|p| &site.policies[*p]) {
                parts.push(&p.title);
                parts.extend(p.doc_no.as_deref());
            }
            parts.extend(i.interpreter.as_deref());
            (i.title.clone(), join(parts))
        }
        PAGE => {
            let p = &site.pages[n];
            (p.title.clone(), html_text(p.body.html.as_str()))
        }
        LIST => {
            let l = &site.lists[n];
            let body = join(
                [l.kind_label.as_str()]
                    .into_iter()
                    .chain(l.description.as_deref())
                    .chain(l.department.as_deref()),
            );
            (l.title.clone(), body)
        }
        ITEM => {
            let l = &site.lists[(d.key >> 30 & ((1 << 30) - 1)) as usize];
            let it = &l.items[n];
            let fields: Vec<String> = l
                .columns
                .iter()
                .filter_map(|c| {
                    it.values
                        .get(&c.key)
                        .map(|v| format!("{}：{}", c.label, v.display()))
                })
                .collect();
            let body = join(fields.iter().map(String::as_str).chain([l.title.as_str()]));
            (item_name(it), body)
        }
        REPORT => {
            let r = &site.reports[n];
            let body = format!("{}年 信息公开年报 政府信息公开工作年度报告", r.year);
            (d.title.clone(), body)
        }
        _ => (String::new(), String::new()),
    }
}

/// Every document with its text (see [`documents`] and [`text`]).
pub fn records(site: &Site) -> Vec<Doc> {
    let mut docs = documents(site);
    for d in &mut docs {
        (d.weighted, d.body) = text(site, d);
    }
    docs
}

/// Builds the search index of `site`: files as (path under the output, bytes), sorted by path,
/// every path starting with `search-index/`. The same site gives the same bytes.
///
/// Blocking and CPU-bound (parallel on the current rayon pool; about 0.3 s per 10,000
/// documents on 2 cores): `serve` runs it on a thread of its own.
pub fn index(site: &Site) -> Result<Files, Diagnostic> {
    let out = std::sync::Mutex::new(Vec::new());
    crate::search::index::build_with(documents(site), &TYPES, &|d| text(site, d), &|p, b| {
        out.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((format!("{DIR}/{p}"), b))
    });
    let mut files = out.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Builds the index files of documents that carry their text (see [`index`]).
pub fn index_docs(docs: Vec<Doc>) -> Files {
    crate::search::build(docs, &TYPES)
        .into_iter()
        .map(|(p, b)| (format!("{DIR}/{p}"), b))
        .collect()
}

/// [`documents`] with each one's [`Doc::sig`]: its fields and the signatures of the model
/// values its text is made of (`sigs`: [`Sigs::of`] the site; the settings are in
/// [`base`]).
fn signed(site: &Site, sigs: &Sigs) -> Vec<Doc> {
    let mut docs = documents(site);
    docs.par_iter_mut().for_each(|d| {
        let n = (d.key & ((1 << 30) - 1)) as usize;
        let mut h = StableHasher::default();
        (&d.url, &d.title, d.kind, d.year, &d.issuer, d.date).hash(&mut h);
        (&d.doc_no, &d.index_no).hash(&mut h);
        match d.key & (0xF << 60) {
            POLICY => (sigs.policy[n], sigs.bodies[n]).hash(&mut h),
            INTERPRETATION => (sigs.interp[n], sigs.interp_bodies[n]).hash(&mut h),
            PAGE => hash_json("page", &site.pages[n]).hash(&mut h),
            LIST => sigs.ledger[n].hash(&mut h),
            ITEM => sigs.ledger[(d.key >> 30 & ((1 << 30) - 1)) as usize].hash(&mut h),
            REPORT => hash_json("report", &site.reports[n]).hash(&mut h),
            _ => {}
        }
        d.sig = h.finish();
    });
    docs
}

/// What every record depends on besides its own values: gongkai and the index format,
/// and the settings.
fn base(site: &Site) -> u64 {
    let mut h = StableHasher::default();
    (env!("CARGO_PKG_VERSION"), crate::search::index::VERSION).hash(&mut h);
    hash_json("config", &site.config).hash(&mut h);
    h.finish()
}

const LAST_HEADER: &str = "gongkai-search 1";

/// What a build's index was made of, kept in `.gongkai-cache/` so that the next build can
/// update the index instead of building it: the index's key, its [`base`], and the
/// signature of each of its documents, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Last {
    pub key: u64,
    base: u64,
    sigs: Vec<u64>,
}

impl Last {
    fn path(root: &Path, out: &Path) -> std::path::PathBuf {
        crate::paths::cache_file(root, out, "search")
    }

    /// The record of the index in `out`; `None` when there is none or it is unreadable.
    pub fn load(root: &Path, out: &Path) -> Option<Last> {
        let text = std::fs::read_to_string(Self::path(root, out)).ok()?;
        let mut lines = text.lines();
        if lines.next()? != LAST_HEADER {
            return None;
        }
        let (key, base) = lines.next()?.split_once(' ')?;
        let hex = |s: &str| u64::from_str_radix(s, 16).ok();
        Some(Last {
            key: hex(key)?,
            base: hex(base)?,
            sigs: lines.map(hex).collect::<Option<_>>()?,
        })
    }

    /// Removes the record of `out` (before the output it describes is replaced).
    pub fn forget(root: &Path, out: &Path) {
        let _ = std::fs::remove_file(Self::path(root, out));
    }

    /// Writes this as the record of `out`.
    pub fn save(&self, root: &Path, out: &Path) -> std::io::Result<()> {
        let mut text = format!("{LAST_HEADER}\n{:016x} {:016x}\n", self.key, self.base);
        for s in &self.sigs {
            text.push_str(&format!("{s:016x}\n"));
        }
        crate::paths::replace_file(&Self::path(root, out), text.as_bytes())
    }
}

/// The record of an index of `site` keyed `key` that is already in the output.
pub fn kept(site: &Site, sigs: &Sigs, key: u64) -> Last {
    let mut docs = signed(site, sigs);
    docs.par_sort_by(crate::search::index::order);
    Last {
        key,
        base: base(site),
        sigs: docs.iter().map(|d| d.sig).collect(),
    }
}

/// A file of an earlier index by path (under the index folder): its bytes, when they can be
/// trusted ([`crate::search::update::Previous::read`]).
type ReadFn<'a> = dyn Fn(&str) -> Option<Vec<u8>> + Sync + 'a;
/// Keeps a file of an earlier index as it is ([`crate::search::update::Previous::keep`]).
type KeepFn<'a> = dyn Fn(&str) -> bool + Sync + 'a;

/// The index of `site`, its files handed to `emit` (paths under the index folder): updated
/// from `old` (the record of an earlier index and its files' paths under the output, read
/// and kept through `read` and `keep`) when it can be, else built. Returns the index's
/// record (with key `key`).
fn update_or_build(
    site: &Site,
    sigs: &Sigs,
    key: u64,
    old: Option<(&Last, &[String])>,
    read: &ReadFn<'_>,
    keep: &KeepFn<'_>,
    emit: &crate::search::index::EmitFn<'_>,
) -> Last {
    let base = base(site);
    let docs = signed(site, sigs);
    let text_of = |d: &Doc| text(site, d);
    let prefix = format!("{DIR}/");
    let updated = match old.filter(|(l, _)| l.base == base) {
        Some((l, paths)) => {
            let paths: Vec<String> = paths
                .iter()
                .filter_map(|p| p.strip_prefix(&prefix).map(str::to_string))
                .collect();
            let previous = crate::search::update::Previous {
                sigs: &l.sigs,
                paths: &paths,
                read,
                keep,
            };
            crate::search::update::update_with(docs, &TYPES, &text_of, emit, &previous)
        }
        None => Err(docs),
    };
    let sigs = match updated {
        Ok(s) => s,
        Err(docs) => crate::search::index::build_with(docs, &TYPES, &text_of, emit),
    };
    Last { key, base, sigs }
}

/// Builds the index (keyed `key`) and puts its files into `sink` as they are made (the index
/// is never held whole in memory). When `last` (the record of the index in the output, and
/// its files' paths) allows, the index is updated from those files instead: only the text of
/// changed documents is read, and unchanged document shards are kept. The files are the
/// same either way. Returns the paths of the files, sorted, and the record of the index.
pub fn write(
    site: &Site,
    sigs: &Sigs,
    key: u64,
    sink: &dyn crate::output::Sink,
    last: Option<(&Last, &[String])>,
) -> Result<(Vec<String>, Last), Vec<Diagnostic>> {
    let errors = std::sync::Mutex::new(Vec::new());
    let paths = std::sync::Mutex::new(Vec::new());
    let push = |path: String| paths.lock().unwrap_or_else(|e| e.into_inner()).push(path);
    let emit = |p: String, b: Vec<u8>| {
        let path = format!("{DIR}/{p}");
        if let Err(e) = sink.put(&path, &b) {
            errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Diagnostic::new(Code::Io, format!("写入 {path} 失败：{e}")));
        }
        push(path);
    };
    let read = |p: &str| sink.previous(&format!("{DIR}/{p}"));
    let keep = |p: &str| {
        let path = format!("{DIR}/{p}");
        let kept = sink.reuse(&path).unwrap_or(false);
        if kept {
            push(path);
        }
        kept
    };
    let record = update_or_build(site, sigs, key, last, &read, &keep, &emit);
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    if errors.is_empty() {
        let mut paths = paths.into_inner().unwrap_or_else(|e| e.into_inner());
        paths.sort_unstable();
        paths.dedup();
        Ok((paths, record))
    } else {
        errors.sort_by(|a, b| a.message.cmp(&b.message));
        Err(errors)
    }
}

/// An index held in memory (by `serve`): its record, and its files (path under the output,
/// bytes) sorted by path.
pub struct Held {
    last: Last,
    pub files: Vec<(String, Arc<[u8]>)>,
}

/// The index of `site` as [`index`] makes it, updated from `previous` (the index of an
/// earlier model) when it can be: after an edit, only the edited documents' text is read.
pub fn index_held(site: &Site, previous: Option<&Held>) -> Held {
    let out = std::sync::Mutex::new(Vec::new());
    let put = |path: String, b: Arc<[u8]>| {
        out.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, b))
    };
    let emit = |p: String, b: Vec<u8>| put(format!("{DIR}/{p}"), b.into());
    let find = |p: &str| {
        let h = previous?;
        let path = format!("{DIR}/{p}");
        let i = h
            .files
            .binary_search_by(|(q, _)| q.as_str().cmp(&path))
            .ok()?;
        Some((path, h.files[i].1.clone()))
    };
    let read = |p: &str| find(p).map(|(_, b)| b.to_vec());
    let keep = |p: &str| find(p).map(|(path, b)| put(path, b)).is_some();
    let paths: Vec<String> = previous
        .map(|h| h.files.iter().map(|(p, _)| p.clone()).collect())
        .unwrap_or_default();
    let old = previous.map(|h| (&h.last, paths.as_slice()));
    let last = update_or_build(site, &Sigs::of(site), 0, old, &read, &keep, &emit);
    let mut files = out.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    Held { last, files }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_of_an_index_survives_a_round_trip_and_a_damaged_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path(), dir.path().join("public"));
        assert_eq!(Last::load(root, &out), None, "no record yet");
        let last = Last {
            key: 7,
            base: u64::MAX,
            sigs: vec![0, 1, 0xDEAD_BEEF],
        };
        last.save(root, &out).unwrap();
        assert_eq!(Last::load(root, &out), Some(last));
        let path = Last::path(root, &out);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("deadbeef", "not hex")).unwrap();
        assert_eq!(
            Last::load(root, &out),
            None,
            "a damaged record is no record"
        );
        std::fs::write(&path, text.replace(LAST_HEADER, "gongkai-search 0")).unwrap();
        assert_eq!(Last::load(root, &out), None, "another format");
        Last::forget(root, &out);
        assert!(!path.exists());
    }

    #[test]
    fn body_text_keeps_words_whole_and_blocks_apart() {
        assert_eq!(
            html_text("<h2 id=\"a\">一、总体要求</h2><p>加强<strong>预决算</strong>公开&amp;解读</p><table><tr><td>甲</td><td>乙</td></tr></table>"),
            "一、总体要求 加强预决算公开&解读 甲 乙"
        );
    }

    #[test]
    fn index_is_deterministic_and_under_its_folder() {
        let d = |url: &str, t: &str| Doc {
            url: url.into(),
            title: t.into(),
            weighted: t.into(),
            issuer: "测试机关".into(),
            date: NaiveDate::from_ymd_opt(2016, 4, 26),
            year: 2016,
            ..Doc::default()
        };
        let docs = vec![
            d("/policies/a/", "关于做好预决算公开工作的通知"),
            d("/policies/b/", "吉政办发〔2016〕24号 政务公开工作要点"),
        ];
        let a = index_docs(docs.clone());
        assert_eq!(a, index_docs(docs));
        assert!(a.iter().all(|(p, _)| p.starts_with("search-index/")));
        let meta = &a
            .iter()
            .find(|(p, _)| p == "search-index/meta.json")
            .unwrap()
            .1;
        let meta: serde_json::Value = serde_json::from_slice(meta).unwrap();
        assert_eq!(meta["docs"], 2);
        assert_eq!(meta["issuers"][0], "测试机关");
    }
}
