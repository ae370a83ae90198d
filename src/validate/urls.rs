//! Stage 2f: the site's URLs as a whole: old URLs (aliases, removed.toml) that must not take
//! a page's address, and site-absolute links in bodies that must point at something the site
//! has (E-BROKEN-LINK, E-URL-CONFLICT).

use super::drafts::{key_offset, Drafts};
use super::encode_path;
use super::Found;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::continuity::{Alias, Removed};
use crate::model::ledger::Ledger;
use crate::model::report::Report;
use crate::model::website::WebsiteReport;
use crate::model::{Interpretation, Page, Policy};
use crate::source::{CopyFile, Loaded, RawDoc};
use foldhash::{HashMap, HashSet};
use std::sync::Arc;

/// What the site publishes, whose URLs links may name.
pub(super) struct Published<'a> {
    pub policies: &'a [Policy],
    pub interpretations: &'a [Interpretation],
    pub pages: &'a [Page],
    pub ledgers: &'a [Arc<Ledger>],
    pub reports: &'a [Report],
    pub website_reports: &'a [WebsiteReport],
    pub copies: &'a [CopyFile],
}

/// Every URL of a page or file the site writes (listing pages that render generates aside).
pub(super) fn known(site: &Published) -> HashSet<String> {
    let mut known: HashSet<String> = HashSet::default();
    for u in [
        "/",
        "/policies/",
        "/interpretations/",
        "/catalog/",
        "/lists/",
        "/reports/",
        "/search/",
        "/sitemap/",
        "/disclosure/",
        "/sitemap.xml",
        "/robots.txt",
        "/policies/atom.xml",
        "/interpretations/atom.xml",
    ] {
        known.insert(u.to_string());
    }
    known.extend(site.policies.iter().map(|p| p.url.clone()));
    known.extend(site.interpretations.iter().map(|p| p.url.clone()));
    known.extend(site.pages.iter().map(|p| p.url.clone()));
    known.extend(site.ledgers.iter().map(|l| l.url.clone()));
    known.extend(site.reports.iter().map(|r| r.url.clone()));
    known.extend(site.website_reports.iter().map(|r| r.url.clone()));
    known.extend(
        site.copies
            .iter()
            .map(|c| format!("/{}", encode_path(&c.rel))),
    );
    known
}

/// Whether the site declares any old URL: an alias of a document or ledger, or a
/// `removed.toml` (else [`old_urls`] has nothing to check against the site's URLs).
pub(super) fn any_old_urls(loaded: &Loaded, drafts: &Drafts, ledgers: &[Arc<Ledger>]) -> bool {
    loaded.removed.is_some()
        || drafts.policies.iter().any(|p| !p.aliases.is_empty())
        || drafts.interps.iter().any(|p| !p.aliases.is_empty())
        || drafts.published_pages().any(|p| !p.aliases.is_empty())
        || ledgers.iter().any(|l| !l.aliases.is_empty())
}

/// Old URLs: a redirect page for each alias, a withdrawal page for each removed URL (none may
/// take an address the site has, nor one another's). Their URLs are added to `known`.
pub(super) fn old_urls(
    loaded: &Loaded,
    drafts: &Drafts,
    ledgers: &[Arc<Ledger>],
    known: &mut HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Alias>, Vec<Removed>) {
    let mut taken: HashMap<String, String> = known
        .iter()
        .map(|u| (crate::routes::url_to_path(u), u.clone()))
        .collect();
    let mut aliases = Vec::new();
    let mut alias_of = |(file, text, offset): (&str, &str, usize),
                        list: &[String],
                        target: &str,
                        title: &str,
                        diags: &mut Vec<Diagnostic>| {
        for a in list {
            let Ok(path) = super::continuity::old_url_path(a) else {
                continue;
            };
            if let Some(other) = taken.get(&path) {
                diags.push(
                    Diagnostic::new(
                        Code::UrlConflict,
                        format!("旧网址 {a} 与 {other} 是同一个地址"),
                    )
                    .at(file, text, offset)
                    .with_hint("旧网址不能是本站现有页面，也不能被两个文件同时使用"),
                );
                continue;
            }
            taken.insert(path.clone(), a.clone());
            aliases.push(Alias {
                url: a.clone(),
                path,
                target: target.to_string(),
                title: title.to_string(),
                source: file.to_string(),
            });
        }
    };
    fn at(raw: &RawDoc) -> (&str, &str, usize) {
        (
            raw.file.path.as_str(),
            &*raw.file.text,
            key_offset(raw, "aliases"),
        )
    }
    // (Positions are found only for documents with old URLs: the others' texts may not
    // even be read.)
    for p in drafts.policies.iter().filter(|p| !p.aliases.is_empty()) {
        alias_of(at(p.raw), &p.aliases, &p.url, &p.title, diags);
    }
    for p in drafts.interps.iter().filter(|p| !p.aliases.is_empty()) {
        alias_of(at(p.raw), &p.aliases, &p.url, &p.title, diags);
    }
    for p in drafts.published_pages().filter(|p| !p.aliases.is_empty()) {
        let url = format!("/{}/", p.slug);
        alias_of(at(p.raw), &p.aliases, &url, &p.title, diags);
    }
    for l in ledgers.iter().filter(|l| !l.aliases.is_empty()) {
        if let Some(raw) = loaded.lists.iter().find(|r| r.file.path == l.source) {
            let text: &str = &raw.file.text;
            let offset = crate::fields::find_key(text, 0..text.len(), "aliases").unwrap_or(0);
            alias_of(
                (&l.source, text, offset),
                &l.aliases,
                &l.url,
                &l.title,
                diags,
            );
            // A ledger's old URL covers its item pages too: /old/<item>/ → /new/<item>/.
            for a in l.aliases.iter().filter(|a| a.ends_with('/')) {
                for it in &l.items {
                    let seg = format!("{}/", encode_path(&it.slug));
                    let title = format!("{} 第 {} 项", l.title, it.position);
                    let target = format!("{}{seg}", l.url);
                    let old = [format!("{a}{seg}")];
                    alias_of((&l.source, text, offset), &old, &target, &title, diags);
                }
            }
        }
    }
    let mut removed = Vec::new();
    if let Some(raw) = &loaded.removed {
        let (entries, d) = super::continuity::parse_removed(raw);
        diags.extend(d);
        for r in entries {
            if let Some(other) = taken.get(&r.path) {
                diags.push(
                    Diagnostic::new(
                        Code::UrlConflict,
                        format!("停止公开的网址 {} 与 {other} 是同一个地址", r.url),
                    )
                    .at(&raw.file.path, &raw.file.text, r.offset)
                    .with_hint("该网址仍有页面在发布：删除这一项，或先停止发布那个页面"),
                );
                continue;
            }
            taken.insert(r.path.clone(), r.url.clone());
            removed.push(r);
        }
    }
    known.extend(aliases.iter().map(|a| a.url.clone()));
    known.extend(removed.iter().map(|r| r.url.clone()));
    (aliases, removed)
}

/// Site-absolute links in bodies must point at something the site has: E-BROKEN-LINK for
/// each that does not.
pub(super) fn broken_links(
    found: Found,
    known: &HashSet<String>,
    ledgers: &[Arc<Ledger>],
    diags: &mut Vec<Diagnostic>,
) {
    let ledger_urls: Vec<&String> = ledgers.iter().map(|l| &l.url).collect();
    for (link, diag) in found.absolute_links {
        let bare = link.split(['#', '?']).next().unwrap_or("");
        let bare = bare.strip_suffix("index.html").unwrap_or(bare);
        let with_slash = if bare.ends_with('/') {
            bare.to_string()
        } else {
            format!("{bare}/")
        };
        // Listing pages (facets, pagination, ledger items) are generated by render.
        let generated = crate::routes::GENERATED.iter().any(|s| bare.starts_with(s))
            || ledger_urls.iter().any(|u| bare.starts_with(u.as_str()));
        if !(known.contains(bare) || known.contains(&with_slash) || generated) {
            diags.push(diag);
        }
    }
}
