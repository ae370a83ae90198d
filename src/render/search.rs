//! Full-text search: gongkai's own static index of every published page (`crate::search`),
//! built in-process from the site model (not by re-parsing the rendered HTML), written under
//! `search-index/` in the output. The browser side is `assets/search.js` on the search page.
//!
//! Only model values are indexed, and `validate` drops everything that is not 主动公开 before
//! the model exists, so a non-public document cannot reach the index.

use super::Files;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::ledger::Value as Cell;
use crate::model::Site;
use crate::search::Doc;
use chrono::{Datelike, NaiveDate};

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
            let body = html_text(&p.body.html);
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
            let body = html_text(&i.body.html);
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
            (p.title.clone(), html_text(&p.body.html))
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

/// Builds the index and puts its files into `sink` as they are made (the index is never
/// held whole in memory). Returns the paths of the files, sorted.
pub fn write(site: &Site, sink: &dyn crate::output::Sink) -> Result<Vec<String>, Vec<Diagnostic>> {
    let errors = std::sync::Mutex::new(Vec::new());
    let paths = std::sync::Mutex::new(Vec::new());
    crate::search::index::build_with(documents(site), &TYPES, &|d| text(site, d), &|p, b| {
        let path = format!("{DIR}/{p}");
        if let Err(e) = sink.put(&path, &b) {
            errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Diagnostic::new(Code::Io, format!("写入 {path} 失败：{e}")));
        }
        paths.lock().unwrap_or_else(|e| e.into_inner()).push(path);
    });
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    if errors.is_empty() {
        let mut paths = paths.into_inner().unwrap_or_else(|e| e.into_inner());
        paths.sort_unstable();
        Ok(paths)
    } else {
        errors.sort_by(|a, b| a.message.cmp(&b.message));
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
