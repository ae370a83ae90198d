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

use crate::diagnostics::{Code, Diagnostic};
use crate::manifest::Manifest;
use crate::model::continuity::PAGE_EXT;
use crate::model::Site;
use crate::render::Prepared;
use crate::routes::{url_to_path, Job};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use crate::model::continuity::{Alias, Removed, REMOVED_FILE, STATUSES};

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

/// Output paths of every page the site produces (documents, listings, redirect and
/// withdrawal pages, HTML static files), with the source file when one produced it.
pub fn produced_pages(site: &Site) -> BTreeMap<String, Option<String>> {
    let p = Prepared::new(site);
    let mut out = BTreeMap::new();
    for job in crate::render::plan(&p) {
        if let Some(u) = p.page_url(&job) {
            let source = match job {
                Job::Policy(i) => Some(site.policies[i].source.clone()),
                Job::Interpretation(i) => Some(site.interpretations[i].source.clone()),
                Job::Page(i) => Some(site.pages[i].source.clone()),
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
        let mut d = Diagnostic::new(
            Code::UrlRemoved,
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
