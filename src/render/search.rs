//! Full-text search: a [Pagefind](https://pagefind.app) index of every published page, built
//! in-process from the site model (not by re-parsing the rendered HTML), written under
//! `pagefind/` in the output. The browser side is `assets/search.js` on the search page.
//!
//! Chinese is segmented at index time by Pagefind's `extended` feature (ICU4X dictionary word
//! segmenter, plus the pairs of adjacent characters), and in the browser by `Intl.Segmenter`.
//!
//! Only model values are indexed, and `validate` drops everything that is not 主动公开 before
//! the model exists, so a non-public document cannot reach the index.

use super::{cn_date, Files};
use crate::diagnostics::Diagnostic;
use crate::ledger::Value as Cell;
use crate::model::Site;
use chrono::{Datelike, NaiveDate};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::collections::BTreeMap;

/// Output folder of the index, and its URL prefix.
pub const DIR: &str = "pagefind";

/// The values of the 类型 filter.
pub const TYPE_POLICY: &str = "政策文件";
pub const TYPE_INTERPRETATION: &str = "政策解读";
pub const TYPE_LIST: &str = "清单";
pub const TYPE_OTHER: &str = "其他";

/// Filter names, as shown to users (and sent back by the search page's script).
pub const FILTER_TYPE: &str = "类型";
pub const FILTER_YEAR: &str = "年份";
pub const FILTER_ISSUER: &str = "发文机关";

/// Weight of titles and 发文字号 against body text (1); Pagefind gives an `<h1>` 7.
const TITLE_WEIGHT: u8 = 7;

/// One searchable page.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Site-absolute URL, as in the model.
    pub url: String,
    /// Indexed text: HTML-escaped plain text, with Pagefind weight markers around titles.
    pub content: String,
    /// Shown in results: `title`, `date` (2016年04月26日), `issuer`, `type`, `doc_no`.
    pub meta: BTreeMap<String, String>,
    /// 类型, 年份, 发文机关.
    pub filters: BTreeMap<String, Vec<String>>,
}

/// Escapes text for Pagefind's content, which the browser shows as HTML (excerpts with `<mark>`).
fn escape(s: &str) -> String {
    super::escape_html(s)
}

/// The text of sanitized body HTML, still entity-escaped, with a space where a block ends so
/// that paragraphs and table cells don't run together (inline tags add nothing, so a word in
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
        let name: String = tag[..gt]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCKS.split_whitespace().any(|b| b == name) {
            out.push(' ');
        }
        rest = &tag[gt + 1..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds indexed content from weighted parts: (text, weighted?), already escaped.
fn content(parts: &[(String, bool)]) -> String {
    let mut out = String::new();
    for (text, weighted) in parts {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if *weighted {
            out.push_str(&format!(
                "___PAGEFIND_WEIGHT___{TITLE_WEIGHT} {text} ___END_PAGEFIND_WEIGHT___"
            ));
        } else {
            out.push_str(text);
        }
    }
    out
}

fn record(
    url: &str,
    content: String,
    title: &str,
    kind: &str,
    date: Option<NaiveDate>,
    issuer: Option<&str>,
) -> Record {
    let mut meta = BTreeMap::new();
    let mut filters = BTreeMap::new();
    meta.insert("title".to_string(), title.to_string());
    meta.insert("type".to_string(), kind.to_string());
    filters.insert(FILTER_TYPE.to_string(), vec![kind.to_string()]);
    if let Some(d) = date {
        meta.insert("date".to_string(), cn_date(d));
        filters.insert(FILTER_YEAR.to_string(), vec![d.year().to_string()]);
    }
    if let Some(i) = issuer.map(str::trim).filter(|i| !i.is_empty()) {
        meta.insert("issuer".to_string(), i.to_string());
        filters.insert(FILTER_ISSUER.to_string(), vec![i.to_string()]);
    }
    Record {
        url: url.to_string(),
        content,
        meta,
        filters,
    }
}

/// Every published page worth finding, in a fixed order: policies, 解读, pages, lists and their
/// items, annual reports.
pub fn records(site: &Site) -> Vec<Record> {
    let mut out = Vec::new();
    let w = |s: &str| (escape(s), true);
    let t = |s: &str| (escape(s), false);
    for p in &site.policies {
        let mut parts = vec![w(&p.title)];
        if let Some(no) = &p.doc_no {
            parts.push(w(no));
        }
        // The text an excerpt is cut from: summary and body before the catalogue fields.
        parts.push(t(&p.summary));
        parts.push((html_text(&p.body.html), false));
        parts.extend(p.attachments.iter().map(|a| t(&a.title)));
        parts.extend([t(&p.index_no), t(&p.issuer)]);
        parts.extend(p.topic.iter().map(|s| t(s)));
        let mut r = record(
            &p.url,
            content(&parts),
            &p.title,
            TYPE_POLICY,
            Some(p.published),
            Some(&p.issuer),
        );
        if let Some(no) = &p.doc_no {
            r.meta.insert("doc_no".into(), no.clone());
        }
        out.push(r);
    }
    for i in &site.interpretations {
        let mut parts = vec![w(&i.title)];
        for p in i.interprets.iter().map(|p| &site.policies[*p]) {
            parts.push(t(&p.title));
            parts.extend(p.doc_no.iter().map(|s| t(s)));
        }
        parts.extend(i.interpreter.iter().map(|s| t(s)));
        parts.push(t(&i.summary));
        parts.push((html_text(&i.body.html), false));
        let issuer = i.interpreter.clone().or_else(|| {
            i.interprets
                .first()
                .map(|p| site.policies[*p].issuer.clone())
        });
        out.push(record(
            &i.url,
            content(&parts),
            &i.title,
            TYPE_INTERPRETATION,
            Some(i.published),
            issuer.as_deref(),
        ));
    }
    for p in &site.pages {
        let parts = [w(&p.title), (html_text(&p.body.html), false)];
        out.push(record(
            &p.url,
            content(&parts),
            &p.title,
            TYPE_OTHER,
            None,
            None,
        ));
    }
    for l in &site.lists {
        let mut parts = vec![w(&l.title), t(&l.kind_label)];
        parts.extend(l.department.iter().map(|s| t(s)));
        parts.extend(l.description.iter().map(|s| t(s)));
        out.push(record(
            &l.url,
            content(&parts),
            &l.title,
            TYPE_LIST,
            Some(l.updated),
            l.department.as_deref(),
        ));
        for it in &l.items {
            let name = ["name", "task"]
                .iter()
                .find_map(|k| it.values.get(*k).map(Cell::display))
                .unwrap_or_else(|| format!("第{}项", it.position));
            let mut parts = vec![w(&name)];
            for c in &l.columns {
                if let Some(v) = it.values.get(&c.key) {
                    parts.push(t(&format!("{}：{}", c.label, v.display())));
                }
            }
            parts.push(t(&l.title));
            let url = format!("{}{}/", l.url, crate::validate::encode_path(&it.slug));
            let title = format!("{name} - {}", l.title);
            out.push(record(
                &url,
                content(&parts),
                &title,
                TYPE_LIST,
                Some(l.updated),
                l.department.as_deref(),
            ));
        }
    }
    for r in &site.reports {
        let title = format!("{}{}年政府信息公开工作年度报告", site.config.title, r.year);
        let parts = [
            w(&title),
            t(&format!(
                "{}年 信息公开年报 政府信息公开工作年度报告",
                r.year
            )),
        ];
        let mut rec = record(
            &r.url,
            content(&parts),
            &title,
            TYPE_OTHER,
            None,
            Some(&site.config.host_or_title()),
        );
        rec.filters
            .insert(FILTER_YEAR.into(), vec![r.year.to_string()]);
        out.push(rec);
    }
    out
}

fn index_error(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error("E-SEARCH-INDEX", format!("生成站内搜索索引失败：{e}"))
        .with_hint("这是生成器内部错误，请带上完整输出报告给 gongkai 的维护者")
}

/// Builds the search index of `site`: files as (path under the output, bytes), sorted by path,
/// every path starting with `pagefind/`. The same site gives the same bytes.
///
/// Blocking and CPU-bound (about a second per 10,000 documents): `serve` runs it off the edit
/// path, e.g. in `tokio::task::spawn_blocking` or a plain thread, and swaps the files in when it
/// returns. It must not be called directly on an async worker thread.
#[allow(clippy::result_large_err)] // a Diagnostic by value, as everywhere in the pipeline
pub fn index(site: &Site) -> Result<Files, Diagnostic> {
    index_records(records(site), &site.config.language)
}

/// Builds a Pagefind index from records (see [`index`]).
#[allow(clippy::result_large_err)]
pub fn index_records(records: Vec<Record>, language: &str) -> Result<Files, Diagnostic> {
    let language = language.to_ascii_lowercase();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(index_error)?;
    let files = runtime.block_on(async move {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(false)
            .force_language(language.clone())
            .build();
        let mut index = PagefindIndex::new(Some(options)).map_err(index_error)?;
        for r in records {
            index
                .add_custom_record(
                    r.url,
                    r.content,
                    language.clone(),
                    Some(r.meta),
                    Some(r.filters),
                    None,
                )
                .await
                .map_err(index_error)?;
        }
        index.get_files().await.map_err(index_error)
    })?;
    let mut out: Files = files
        .into_iter()
        .filter(|f| !is_unused_ui(&f.filename.to_string_lossy()))
        .map(|f| {
            (
                format!("{DIR}/{}", f.filename.to_string_lossy().replace('\\', "/")),
                f.contents,
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Pagefind's ready-made UIs and its highlighter for result pages: the search page has its own
/// UI and needs neither, so they are not published.
fn is_unused_ui(name: &str) -> bool {
    name.starts_with("pagefind-ui.")
        || name == "pagefind-highlight.js"
        || name.starts_with("pagefind-modular-ui.")
        || name.starts_with("pagefind-component-ui.")
        || name.starts_with("playground/")
}

/// Builds the index and puts its files into `sink`. Returns how many files were written.
pub fn write(site: &Site, sink: &dyn crate::output::Sink) -> Result<usize, Vec<Diagnostic>> {
    let files = index(site).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    for (path, bytes) in &files {
        if let Err(e) = sink.put(path, bytes) {
            errors.push(Diagnostic::error("E-IO", format!("写入 {path} 失败：{e}")));
        }
    }
    if errors.is_empty() {
        Ok(files.len())
    } else {
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
            "一、总体要求 加强预决算公开&amp;解读 甲 乙"
        );
        assert_eq!(escape("a<b>&c"), "a&lt;b&gt;&amp;c");
    }

    #[test]
    fn weighted_parts() {
        let c = content(&[
            ("标题".into(), true),
            ("  ".into(), false),
            ("正文".into(), false),
        ]);
        assert_eq!(
            c,
            "___PAGEFIND_WEIGHT___7 标题 ___END_PAGEFIND_WEIGHT___ 正文"
        );
    }

    fn rec(url: &str, text: &str) -> Record {
        record(
            url,
            content(&[(escape(text), false)]),
            text,
            TYPE_POLICY,
            NaiveDate::from_ymd_opt(2016, 4, 26),
            Some("测试机关"),
        )
    }

    #[test]
    fn index_is_deterministic_and_under_pagefind() {
        let recs = vec![
            rec("/policies/a/", "关于做好预决算公开工作的通知"),
            rec("/policies/b/", "吉政办发〔2016〕24号 政务公开工作要点"),
        ];
        let a = index_records(recs.clone(), "zh-CN").unwrap();
        let b = index_records(recs, "zh-CN").unwrap();
        assert_eq!(a, b);
        let names: Vec<&str> = a.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.contains(&"pagefind/pagefind-entry.json"), "{names:?}");
        assert!(
            names
                .iter()
                .all(|n| n.starts_with("pagefind/") && !n.contains("-ui.")),
            "{names:?}"
        );
        assert!(names.iter().any(|n| n.ends_with(".pf_fragment")));
        let entry = String::from_utf8(
            a.iter()
                .find(|(p, _)| p == "pagefind/pagefind-entry.json")
                .unwrap()
                .1
                .clone(),
        )
        .unwrap();
        assert!(entry.contains("\"zh-cn\""), "{entry}");
    }

    #[test]
    fn callable_from_a_blocking_task_of_a_running_runtime() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let files = rt
            .block_on(async {
                tokio::task::spawn_blocking(|| {
                    index_records(vec![rec("/a/", "预决算")], "zh-CN").ok()
                })
                .await
            })
            .unwrap()
            .expect("indexed");
        assert!(!files.is_empty());
    }
}
