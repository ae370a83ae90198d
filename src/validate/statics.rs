//! Stage 2e: the files copied as they are (site static files, content assets): which are
//! published, and that none would run script on the portal's origin (E-ACTIVE-CONTENT).

use super::memo::Keepable;
use super::{Found, Memo};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{CopyFile, Loaded};
use foldhash::HashSet;
use rayon::prelude::*;
use std::sync::Arc;

/// The files copied as is: static files (less those only unpublished documents name), and
/// the content assets published documents use; each checked for active content.
pub(super) fn copies(
    loaded: &Loaded,
    private_refs: &HashSet<String>,
    found: &mut Found,
    diags: &mut Vec<Diagnostic>,
) -> Vec<CopyFile> {
    for (link, _) in &found.absolute_links {
        let bare = link.split(['#', '?']).next().unwrap_or("");
        let decoded = percent_encoding::percent_decode_str(bare.trim_start_matches('/'))
            .decode_utf8_lossy()
            .into_owned();
        found.public_static_refs.insert(decoded);
    }
    let mut copies: Vec<CopyFile> = loaded
        .statics
        .iter()
        .filter(|c| !private_refs.contains(&c.rel) || found.public_static_refs.contains(&c.rel))
        .cloned()
        .collect();
    for a in &found.used_assets {
        if let Some(abs) = loaded.assets.get(a) {
            copies.push(CopyFile {
                rel: a.clone(),
                abs: abs.clone(),
            });
        }
    }
    copies.sort();
    copies.dedup_by(|a, b| a.rel == b.rel);

    // Copied files are served from the portal's own origin: no active content.
    let content_assets: HashSet<&str> = found.used_assets.iter().map(String::as_str).collect();
    diags.extend(
        copies
            .par_iter()
            .filter_map(|c| {
                active_content(&loaded.root, c, content_assets.contains(c.rel.as_str()))
            })
            .collect::<Vec<_>>(),
    );
    copies
}

/// Extensions a browser runs or renders as a page of the portal's origin: refused beside
/// documents (`content/`), where editors put attachments. The site's `static/` is the
/// webmaster's and may hold such files (a search-engine verification page, say).
const ACTIVE_EXTENSIONS: &[&str] = &[
    "html", "htm", "xhtml", "shtml", "xht", "js", "mjs", "svgz", "swf",
];

/// E-ACTIVE-CONTENT for a copied file that would run script on the portal's origin: an
/// SVG (anywhere) with scripts, event handlers, `javascript:` URLs, embedded documents or
/// entity declarations, or not in UTF-8 (which would hide them from this check); a page or
/// script beside documents. Such files are refused, not rewritten: gongkai never changes an
/// editor's file behind their back.
fn active_content(
    root: &std::path::Path,
    c: &CopyFile,
    beside_documents: bool,
) -> Option<Diagnostic> {
    static SVG_ACTIVE: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(
            r"(?i)<\s*([a-z0-9_.-]+:)?(script|foreignobject|iframe|embed|object|handler|listener)\b|[\s\x22'/]on[a-z]+\s*=|javascript\s*:|vbscript\s*:|data\s*:\s*text/html|<!entity",
        )
        .expect("valid regex")
    });
    let path = crate::diagnostics::rel_path(root, &c.abs);
    let ext = c
        .rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if beside_documents && ACTIVE_EXTENSIONS.contains(&ext.as_str()) {
        return Some(
            Diagnostic::new(
                Code::ActiveContent,
                format!("文件旁的 .{ext} 文件会在门户网站的域名下运行，不予发布"),
            )
            .in_file(&path)
            .with_hint("附件请使用 PDF、图片、OFD 或办公文档；网页内容请写成 Markdown 文件"),
        );
    }
    if ext != "svg" {
        return None;
    }
    let bytes = std::fs::read(&c.abs).ok()?;
    let found = match std::str::from_utf8(&bytes) {
        Err(_) => Some("不是 UTF-8 编码".to_string()),
        Ok(_) => SVG_ACTIVE
            .find(&bytes)
            .map(|m| format!("含有 {}", String::from_utf8_lossy(m.as_bytes()).trim())),
    };
    found.map(|why| {
        Diagnostic::new(
            Code::ActiveContent,
            format!("SVG 图片{why}，会在门户网站的域名下运行脚本，不予发布"),
        )
        .in_file(&path)
        .with_hint("删除 SVG 中的 <script>、on… 事件属性和 javascript: 链接，或改用 PNG 图片")
    })
}

/// The site's own `static/` files (not the theme's) that documents which are not 主动公开
/// name: `attachments` of such policies, and the site-absolute links and images in the
/// bodies of every such document (policies, 解读, pages).
pub(super) fn private_static_refs<'a>(
    loaded: &Loaded,
    memo: &Memo,
    attachments: impl Iterator<Item = &'a str>,
) -> HashSet<String> {
    let site_static = loaded.root.join("static");
    let own: HashSet<&str> = loaded
        .statics
        .iter()
        .filter(|c| c.abs.starts_with(&site_static))
        .map(|c| c.rel.as_str())
        .collect();
    let mut refs: HashSet<String> = HashSet::default();
    if own.is_empty() {
        // No file of the site's own to keep back: nothing to look for in the bodies.
        return refs;
    }
    let mut add = |target: &str| {
        let bare = target.split(['#', '?']).next().unwrap_or("");
        let decoded = percent_encoding::percent_decode_str(bare.trim().trim_start_matches('/'))
            .decode_utf8_lossy()
            .into_owned();
        if own.contains(decoded.as_str()) {
            refs.insert(decoded);
        }
    };
    for a in attachments {
        add(a);
    }
    // Each document's references, from its text alone (kept from the last build).
    let per_doc: Vec<Arc<DocRefs>> = loaded
        .docs
        .par_iter()
        .map(|raw| memo.fact(raw, 0, || DocRefs::of(raw)))
        .collect();
    let public_html: HashSet<String> = per_doc
        .iter()
        .filter(|d| !d.private)
        .flat_map(|d| d.targets.iter().map(|t| site_rel(t)))
        .collect();
    for d in per_doc.iter().filter(|d| d.private) {
        for target in &d.targets {
            add(target);
        }
    }
    refs.retain(|r| !public_html.contains(r));
    refs
}

/// The site-absolute references of one document's body: for a document that is not
/// 主动公开, its links, images and raw HTML references; for the others, the references of
/// its raw HTML (which keep a file published).
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct DocRefs {
    private: bool,
    targets: Vec<String>,
}

impl DocRefs {
    fn of(raw: &crate::source::RawDoc) -> DocRefs {
        let private = raw
            .table
            .get("disclosure")
            .and_then(|v| v.as_str())
            .is_some_and(|d| d.trim() != "主动公开");
        let mut targets = Vec::new();
        // Raw HTML needs a `<`: bodies of published documents without one are not parsed.
        if !private && !raw.body().contains('<') {
            return DocRefs { private, targets };
        }
        for event in pulldown_cmark::Parser::new(raw.body()) {
            match event {
                pulldown_cmark::Event::Start(
                    pulldown_cmark::Tag::Link { dest_url, .. }
                    | pulldown_cmark::Tag::Image { dest_url, .. },
                ) if private && dest_url.starts_with('/') && !dest_url.starts_with("//") => {
                    targets.push(dest_url.to_string())
                }
                pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) => {
                    targets.extend(html_refs(&h));
                }
                _ => {}
            }
        }
        DocRefs { private, targets }
    }
}

impl Keepable for DocRefs {
    const KIND: u8 = 4;

    fn encode(&self) -> Option<Vec<u8>> {
        postcard::to_allocvec(self).ok()
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        postcard::from_bytes(bytes).ok()
    }
}

/// The site-relative file a site-absolute link names (`/a%20b.pdf?x#y` → `a b.pdf`).
fn site_rel(target: &str) -> String {
    let bare = target.split(['#', '?']).next().unwrap_or("");
    percent_encoding::percent_decode_str(bare.trim().trim_start_matches('/'))
        .decode_utf8_lossy()
        .into_owned()
}

/// Site-absolute `href`/`src`/`data`/`poster` targets in a piece of raw HTML (quoted or not).
fn html_refs(html: &str) -> impl Iterator<Item = String> + '_ {
    static ATTR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?i)\b(?:href|src|data|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#,
        )
        .expect("valid regex")
    });
    ATTR.captures_iter(html).filter_map(|c| {
        let v = c.get(1).or(c.get(2)).or(c.get(3))?.as_str().trim();
        // Browsers treat a backslash as a slash: `\\host` is another host, `\x` is `/x`.
        let v = v.replace('\\', "/");
        (v.starts_with('/') && !v.starts_with("//")).then_some(v)
    })
}
