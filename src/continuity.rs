//! URL continuity: a published URL never vanishes silently.
//!
//! Every build (and `check`) compares the pages it produces with those listed in the previous
//! output's manifest (or a manifest given with `build --previous FILE`). A page that was there
//! and is gone is `E-URL-REMOVED`, unless
//! - an `aliases` entry of a document or ledger names it: the old URL gets a redirect page;
//! - `content/removed.toml` declares it withdrawn (`[[removed]] url, reason, date`): the URL
//!   gets a page saying so, with nothing of the withdrawn document.
//!
//! Pagination pages (`…/page/3/`) come and go with the number of documents and are not
//! compared, nor is the 尚未生效 facet page (`/policies/by-validity/pending/`), which goes by
//! itself when the last pending document takes effect; every other page is.

use crate::diagnostics::Diagnostic;
use crate::manifest::Manifest;
use crate::model::Site;
use crate::render::{url_to_path, Prepared};
use crate::source::fields::Fields;
use crate::source::RawData;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Output path of the file that lists withdrawn URLs, relative to the site root.
pub const REMOVED_FILE: &str = "content/removed.toml";

/// An old URL of a document that redirects to its current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    /// The old URL as written (site-absolute).
    pub url: String,
    /// Its output path, e.g. `policies/2016/old/index.html`.
    pub path: String,
    /// The document's current URL and title.
    pub target: String,
    pub title: String,
    /// The source file that declared it.
    pub source: String,
}

/// A URL withdrawn on purpose (`content/removed.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub url: String,
    pub path: String,
    pub reason: String,
    pub date: NaiveDate,
    /// `已停止公开` (default) or `已撤销`.
    pub status: String,
    /// Byte offset of the entry in `content/removed.toml`, for diagnostics.
    #[serde(skip)]
    pub offset: usize,
}

/// Statuses a withdrawn URL can have.
pub const STATUSES: &[&str] = &["已停止公开", "已撤销"];

/// File extensions of pages (what is compared between builds).
const PAGE_EXT: &[&str] = &[".html", ".htm", ".shtml"];

/// Whether an output path is a page whose URL is compared between builds.
pub fn is_page(path: &str) -> bool {
    PAGE_EXT.iter().any(|e| path.ends_with(e)) && !is_pagination(path) && !is_pending_facet(path)
}

/// The 尚未生效 facet (and its pages): there only while some policy's `effective` is ahead of
/// the build date.
fn is_pending_facet(path: &str) -> bool {
    path.starts_with("policies/by-validity/pending/")
}

/// `…/page/<n>/index.html`: a later page of a listing.
fn is_pagination(path: &str) -> bool {
    let Some(dir) = path.strip_suffix("/index.html") else {
        return false;
    };
    let mut segs = dir.rsplit('/');
    let n = segs.next().unwrap_or("");
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && segs.next() == Some("page")
}

/// Site-absolute URL of an output path: `a/吉/index.html` → `/a/%E5%90%89/`.
pub fn path_to_url(path: &str) -> String {
    let dir = path
        .strip_suffix("index.html")
        .filter(|d| d.is_empty() || d.ends_with('/'));
    format!("/{}", crate::validate::encode_path(dir.unwrap_or(path)))
}

/// Checks an old URL (of `aliases` or `removed.toml`) and gives its output path.
pub fn old_url_path(url: &str) -> Result<String, String> {
    if !url.starts_with('/') || url.starts_with("//") {
        return Err(format!("旧网址应以 / 开头，写作站内路径：{url}"));
    }
    if url.contains(['?', '#', '\\']) || url.chars().any(|c| c.is_control() || c == ' ') {
        return Err(format!("旧网址不能包含 ?、#、\\、空格或控制字符：{url}"));
    }
    let decoded = percent_encoding::percent_decode_str(url)
        .decode_utf8()
        .map_err(|_| format!("旧网址的 % 编码不是 UTF-8：{url}"))?;
    let inner = decoded.trim_start_matches('/');
    if inner.is_empty() {
        return Err("首页 / 不能作为旧网址".into());
    }
    let segs: Vec<&str> = inner.trim_end_matches('/').split('/').collect();
    if segs
        .iter()
        .any(|s| !crate::source::is_safe_segment(s) || s.contains('%'))
    {
        return Err(format!("旧网址的路径不安全：{url}"));
    }
    if !(url.ends_with('/') || PAGE_EXT.iter().any(|e| url.ends_with(e))) {
        return Err(format!("旧网址应以 / 或 .html、.htm、.shtml 结尾：{url}"));
    }
    let path = url_to_path(url);
    crate::output::check_rel(&path).map_err(|_| format!("旧网址的路径不安全：{url}"))?;
    Ok(path)
}

/// Reads the `aliases` key of a front matter or `[list]` table: the valid old URLs (each
/// problem is reported at the key).
pub fn read_aliases(f: &mut Fields) -> Vec<String> {
    let mut out = Vec::new();
    for a in f.string_list("aliases", false).unwrap_or_default() {
        match old_url_path(&a) {
            Ok(_) => out.push(a),
            Err(msg) => f.error(
                "E-ALIAS-INVALID",
                "aliases",
                msg,
                Some("写作 aliases = [\"/policies/2016/old-slug/\"]（站内旧网址，以 / 或 .html 结尾）".into()),
            ),
        }
    }
    out
}

/// Byte ranges of each `[[removed]]` block of the file.
fn entry_regions(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut starts = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == "[[removed]]" {
            starts.push(pos + line.len() - line.trim_start().len());
        }
        pos += line.len();
    }
    (0..starts.len())
        .map(|i| starts[i]..starts.get(i + 1).copied().unwrap_or(text.len()))
        .collect()
}

/// Reads `content/removed.toml`: every entry, and every problem with `path:line:col`.
pub fn parse_removed(raw: &RawData) -> (Vec<Removed>, Vec<Diagnostic>) {
    let path = raw.file.path.as_str();
    let text: &str = &raw.file.text;
    let mut diags = Vec::new();
    let mut out: Vec<Removed> = Vec::new();
    for key in raw.table.keys() {
        if key != "removed" {
            diags.push(
                Diagnostic::error("E-UNKNOWN-KEY", format!("未知字段 `{key}`"))
                    .at(
                        path,
                        text,
                        crate::source::fields::find_key(text, 0..text.len(), key).unwrap_or(0),
                    )
                    .with_hint("removed.toml 只有 [[removed]] 表，每项写 url、reason、date"),
            );
        }
    }
    let entries: Vec<&toml::Table> = match raw.table.get("removed") {
        None => Vec::new(),
        Some(toml::Value::Array(a)) if a.iter().all(|v| v.is_table()) => {
            a.iter().filter_map(|v| v.as_table()).collect()
        }
        Some(_) => {
            diags.push(
                Diagnostic::error("E-WRONG-TYPE", "removed 应为 [[removed]] 表数组")
                    .at(path, text, 0)
                    .with_hint("每个停止公开的网址写一个 [[removed]] 表"),
            );
            Vec::new()
        }
    };
    let regions = entry_regions(text);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, t) in entries.iter().enumerate() {
        let region = regions.get(i).cloned().unwrap_or(0..text.len());
        let start = region.start;
        let mut f = Fields::new(path, text, region, t).with_label(format!("第 {} 项", i + 1));
        let url = f.string("url", true);
        let reason = f.string("reason", true);
        let date = f.date("date", true);
        let status = f
            .one_of("status", false, STATUSES)
            .unwrap_or_else(|| STATUSES[0].to_string());
        let checked = url.as_ref().and_then(|u| match old_url_path(u) {
            Ok(p) => Some(p),
            Err(msg) => {
                f.error(
                    "E-REMOVED-INVALID",
                    "url",
                    msg,
                    Some("写作 url = \"/policies/2016/old-slug/\"".into()),
                );
                None
            }
        });
        if let Some(p) = &checked {
            if let Some(first) = seen.insert(p.clone(), i + 1) {
                f.error(
                    "E-REMOVED-INVALID",
                    "url",
                    format!("网址与第 {first} 项重复：{}", url.as_deref().unwrap_or("")),
                    None,
                );
            }
        }
        diags.extend(f.finish(&["url", "reason", "date", "status"]));
        if let (Some(url), Some(path), Some(reason), Some(date)) = (url, checked, reason, date) {
            out.push(Removed {
                url,
                path,
                reason,
                date,
                status,
                offset: start,
            });
        }
    }
    (out, diags)
}

/// Output paths of every page the site produces (documents, listings, redirect and
/// withdrawal pages, HTML static files), with the source file when one produced it.
pub fn produced_pages(site: &Site) -> BTreeMap<String, Option<String>> {
    let p = Prepared::new(site);
    let mut out = BTreeMap::new();
    for job in crate::render::plan(&p) {
        if let Some(u) = p.page_url(&job) {
            let source = match job {
                crate::render::Job::Policy(i) => Some(site.policies[i].source.clone()),
                crate::render::Job::Interpretation(i) => {
                    Some(site.interpretations[i].source.clone())
                }
                crate::render::Job::Page(i) => Some(site.pages[i].source.clone()),
                _ => None,
            };
            out.insert(url_to_path(&u), source);
        }
    }
    for c in &site.copies {
        out.insert(c.rel.clone(), None);
    }
    for a in &site.aliases {
        out.insert(a.path.clone(), Some(a.source.clone()));
    }
    for r in &site.removed {
        out.insert(r.path.clone(), Some(REMOVED_FILE.to_string()));
    }
    out
}

/// The value of `<meta name="ArticleTitle" content="…">` in a page.
fn article_title(html: &str) -> Option<String> {
    let i = html.find("<meta name=\"ArticleTitle\" content=\"")?;
    let rest = &html[i + 35..];
    let t = &rest[..rest.find('"')?];
    Some(
        t.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// `E-URL-REMOVED` for every page of `previous` the site no longer produces. `old_out` is the
/// previous output directory, when it is on this machine: a vanished page's title is read from
/// it to find the document that moved.
pub fn check(site: &Site, previous: &Manifest, old_out: Option<&Path>) -> Vec<Diagnostic> {
    let produced = produced_pages(site);
    let mut by_title: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for (title, url, source) in site
        .policies
        .iter()
        .map(|d| (&d.title, &d.url, &d.source))
        .chain(
            site.interpretations
                .iter()
                .map(|d| (&d.title, &d.url, &d.source)),
        )
        .chain(site.pages.iter().map(|d| (&d.title, &d.url, &d.source)))
    {
        by_title.entry(title).or_insert((url, source));
    }
    let gone: BTreeSet<&str> = previous
        .files
        .keys()
        .map(String::as_str)
        .filter(|p| is_page(p) && !produced.contains_key(*p))
        .collect();
    let mut diags = Vec::new();
    for path in gone {
        let url = path_to_url(path);
        let title = old_out
            .and_then(|o| std::fs::read_to_string(o.join(path)).ok())
            .and_then(|h| article_title(&h));
        let moved = title.as_deref().and_then(|t| by_title.get(t));
        let what = match &title {
            Some(t) => format!("（原页面《{t}》）"),
            None => String::new(),
        };
        let mut d = Diagnostic::error(
            "E-URL-REMOVED",
            format!("已发布的网址 {url}{what} 在本次生成中不存在"),
        );
        d = match moved {
            Some((new_url, source)) => d.in_file(source).with_hint(format!(
                "该文件现在的网址是 {new_url}：在它的头部信息中加入 aliases = [\"{url}\"]，旧网址会转到新网址"
            )),
            None => d.in_file(REMOVED_FILE).with_hint(format!(
                "文件改名或移动了：在它的头部信息中加入 aliases = [\"{url}\"]；有意停止公开：在 {REMOVED_FILE} 中登记 [[removed]] url = \"{url}\"、reason、date"
            )),
        };
        diags.push(d);
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_urls() {
        assert_eq!(
            old_url_path("/policies/2016/old/").unwrap(),
            "policies/2016/old/index.html"
        );
        assert_eq!(
            old_url_path("/art/2016/5/art_12.html").unwrap(),
            "art/2016/5/art_12.html"
        );
        assert_eq!(old_url_path("/%E5%90%89/").unwrap(), "吉/index.html");
        for bad in [
            "policies/x/",
            "//evil.com/x/",
            "/a/../../etc/",
            "/a/b",
            "/a/?id=1",
            "/",
            "/a/%2e%2e/b/",
            "/a/%2F/b/",
        ] {
            assert!(old_url_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pages_and_urls() {
        assert!(is_page("policies/x/index.html"));
        assert!(is_page("404.html"));
        assert!(!is_page("policies/page/3/index.html"));
        assert!(!is_page("policies/by-validity/pending/index.html"));
        assert!(is_page("policies/by-validity/expired/index.html"));
        assert!(is_page("policies/page/index.html"));
        assert!(!is_page("assets/gongkai.css"));
        assert!(!is_page("a/index.html.gz"));
        assert_eq!(path_to_url("index.html"), "/");
        assert_eq!(path_to_url("吉/index.html"), "/%E5%90%89/");
        assert_eq!(path_to_url("404.html"), "/404.html");
        assert_eq!(path_to_url("a/xindex.html"), "/a/xindex.html");
    }

    #[test]
    fn article_titles() {
        assert_eq!(
            article_title("<meta name=\"ArticleTitle\" content=\"A&amp;B\">").as_deref(),
            Some("A&B")
        );
    }
}
