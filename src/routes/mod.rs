//! The route table: every page, pager page, feed, download and old URL of a site gets its URL
//! and its output path here, and nowhere else; with the site's top-level sections.

pub mod facets;

use crate::model::Site;
use chrono::NaiveDate;

pub use facets::{Facet, FacetKind, Facets, Group};

/// Documents per page in the policy library and its facets.
pub const POLICIES_PER_PAGE: usize = 20;
/// Rows per page in the catalog.
pub const CATALOG_PER_PAGE: usize = 50;
/// Rows per page of a ledger table.
pub const ROWS_PER_PAGE: usize = 100;

/// A top-level section of every site: its URL folder and, for the navigation bar, its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The key pages name their column by (`column.nav` in templates).
    pub key: &'static str,
    pub title: &'static str,
    /// The first URL segment; empty for the home page.
    pub dir: &'static str,
    /// Shown in the navigation bar.
    pub nav: bool,
}

impl Section {
    /// Its site-absolute URL.
    pub fn url(&self) -> String {
        if self.dir.is_empty() {
            "/".into()
        } else {
            format!("/{}/", self.dir)
        }
    }
}

const fn section(key: &'static str, title: &'static str, nav: bool) -> Section {
    Section {
        key,
        title,
        dir: key,
        nav,
    }
}

/// The sections gongkai generates, navigation ones first, in navigation order.
pub const SECTIONS: &[Section] = &[
    Section {
        key: "home",
        title: "首页",
        dir: "",
        nav: true,
    },
    section("disclosure", "政府信息公开", true),
    section("policies", "政策文件", true),
    section("interpretations", "政策解读", true),
    section("catalog", "信息公开目录", true),
    section("lists", "清单公开", true),
    section("reports", "信息公开年报", true),
    section("search", "站内搜索", false),
    section("sitemap", "网站地图", false),
];

/// The section of `key` (a key of [`SECTIONS`]).
pub fn section_url(key: &str) -> String {
    SECTIONS
        .iter()
        .find(|s| s.key == key)
        .map(Section::url)
        .unwrap_or_else(|| format!("/{key}/"))
}

/// Output folder of the search index, and its URL prefix.
pub const SEARCH_INDEX: &str = "search-index";

/// Top-level names the site itself writes (every section's folder, the asset and index
/// folders, the root files); a page slug must not take them.
pub const RESERVED: &[&str] = &[
    "policies",
    "interpretations",
    "lists",
    "catalog",
    "reports",
    "search",
    "sitemap",
    "disclosure",
    "assets",
    SEARCH_INDEX,
    "404.html",
    "index.html",
    "sitemap.xml",
    "robots.txt",
];

/// URL prefixes of the listings generated from the model (facets, pagers), which no source
/// file names; a link under one is not broken for lack of a file. Ledger URLs are generated
/// too (each ledger's pages and items).
pub const GENERATED: &[&str] = &[
    "/policies/by-",
    "/policies/page/",
    "/catalog/",
    "/interpretations/by-form/",
];

/// The Atom feeds: (output path, URL, title, the listing they follow).
pub const FEEDS: [(&str, &str, &str, &str); 2] = [
    (
        "policies/atom.xml",
        "/policies/atom.xml",
        "政策文件",
        "/policies/",
    ),
    (
        "interpretations/atom.xml",
        "/interpretations/atom.xml",
        "政策解读",
        "/interpretations/",
    ),
];

/// Output path of a site-absolute URL: `/a/b/` → `a/b/index.html`, percent-decoded.
pub fn url_to_path(url: &str) -> String {
    let decoded =
        percent_encoding::percent_decode_str(url.trim_start_matches('/')).decode_utf8_lossy();
    if decoded.is_empty() || decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded.into_owned()
    }
}

/// Encodes each segment of a path for use in a URL.
pub fn encode_path(p: &str) -> String {
    p.split('/')
        .map(|s| percent_encoding::utf8_percent_encode(s, crate::markdown::SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Page `n` of a listing at `base` (page 1 is `base` itself).
pub fn pager_url(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The number of pages of a listing of `n` rows, `per` a page (at least one).
pub fn pages(n: usize, per: usize) -> usize {
    n.div_ceil(per).max(1)
}

/// The listing of one value of a facet in `section` (`policies` or `catalog`).
pub fn facet_url(section: &str, kind: FacetKind, slug: &str) -> String {
    format!("/{section}/by-{}/{slug}/", kind.key())
}

/// The list of 解读 of one form (its slug in `model::FORMS`).
pub fn form_url(slug: &str) -> String {
    format!("/interpretations/by-form/{slug}/")
}

/// The page of one item of a ledger at `list_url`.
pub fn item_url(list_url: &str, item_slug: &str) -> String {
    format!("{list_url}{}/", encode_path(item_slug))
}

/// The URLs of a ledger's CSV and JSON downloads.
pub fn download_urls(stem: &str) -> [String; 2] {
    let s = encode_path(stem);
    [format!("/lists/{s}.csv"), format!("/lists/{s}.json")]
}

/// The output paths of a ledger's CSV and JSON downloads.
pub fn download_paths(stem: &str) -> [String; 2] {
    [format!("lists/{stem}.csv"), format!("lists/{stem}.json")]
}

/// One unit of rendering work.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    Home,
    Policy(usize),
    Interpretation(usize),
    Page(usize),
    /// The policy library, or one facet value of it (index into [`facets::LIBRARY`], group
    /// index), one page.
    PolicyList {
        facet: Option<(usize, usize)>,
        page: usize,
    },
    /// The catalog, or one facet value of it (index into [`facets::CATALOG`], group index).
    Catalog {
        facet: Option<(usize, usize)>,
        page: usize,
    },
    InterpretationList {
        form: Option<usize>,
        page: usize,
    },
    ListIndex,
    List {
        list: usize,
        page: usize,
    },
    ListItem {
        list: usize,
        item: usize,
    },
    ListDownloads(usize),
    ReportIndex,
    Report(usize),
    /// 政府网站工作年度报表 of `Site::website_reports[i]`.
    WebsiteReport(usize),
    Disclosure,
    Search,
    Sitemap,
    NotFound,
    Feeds,
    SitemapXml,
    Robots,
}

/// What writes a route: a job, or the page of an old URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Job(Job),
    /// The redirect page of `Site::aliases[i]`.
    Alias(usize),
    /// The page of the withdrawn URL `Site::removed[i]`.
    Removed(usize),
}

/// One entry of the route table: its URL (none for files written without a page) and the
/// output paths it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub target: Target,
    pub url: Option<String>,
    pub paths: Vec<String>,
}

/// The route table of a site, with what its URLs are made from: the facet values and the
/// 解读 of each form.
pub struct Routes<'a> {
    pub site: &'a Site,
    pub facets: Facets,
    /// The facets shown in the policy library, and in the catalog.
    pub library_facets: &'static [FacetKind],
    pub catalog_facets: &'static [FacetKind],
    /// Interpretations by form (indexes into `FORMS`).
    pub forms: Vec<Vec<usize>>,
}

/// Every route of a site: its jobs in plan order, then its old URLs.
pub fn table(site: &Site) -> Vec<Route> {
    Routes::new(site).table()
}

impl<'a> Routes<'a> {
    pub fn new(site: &'a Site) -> Routes<'a> {
        let forms_list = crate::model::FORMS;
        let mut forms = vec![Vec::new(); forms_list.len()];
        for (i, it) in site.interpretations.iter().enumerate() {
            if let Some(f) = forms_list.iter().position(|f| f.0 == it.form) {
                forms[f].push(i);
            }
        }
        Routes {
            site,
            facets: Facets::new(&site.policies),
            library_facets: facets::LIBRARY,
            catalog_facets: facets::CATALOG,
            forms,
        }
    }

    /// Every route: the jobs in plan order, then the aliases and withdrawn URLs.
    pub fn table(&self) -> Vec<Route> {
        let mut out: Vec<Route> = self
            .plan()
            .into_iter()
            .map(|job| Route {
                url: self.url(&job),
                paths: self.paths(&job),
                target: Target::Job(job),
            })
            .collect();
        let old = |target: Target, url: &str| Route {
            target,
            url: Some(url.to_string()),
            paths: vec![url_to_path(url)],
        };
        out.extend(
            self.site
                .aliases
                .iter()
                .enumerate()
                .map(|(i, a)| old(Target::Alias(i), &a.url)),
        );
        out.extend(
            self.site
                .removed
                .iter()
                .enumerate()
                .map(|(i, r)| old(Target::Removed(i), &r.url)),
        );
        out
    }

    /// Every job of the site, in a fixed order.
    pub fn plan(&self) -> Vec<Job> {
        let site = self.site;
        let mut jobs = vec![Job::Home];
        jobs.extend((0..site.policies.len()).map(Job::Policy));
        jobs.extend((0..site.interpretations.len()).map(Job::Interpretation));
        jobs.extend((0..site.pages.len()).map(Job::Page));
        for page in 1..=pages(site.policies.len(), POLICIES_PER_PAGE) {
            jobs.push(Job::PolicyList { facet: None, page });
        }
        for (fi, f) in self.library_facets.iter().enumerate() {
            for (gi, g) in self.facets[*f].groups.iter().enumerate() {
                for page in 1..=pages(g.items.len(), POLICIES_PER_PAGE) {
                    jobs.push(Job::PolicyList {
                        facet: Some((fi, gi)),
                        page,
                    });
                }
            }
        }
        for page in 1..=pages(site.policies.len(), CATALOG_PER_PAGE) {
            jobs.push(Job::Catalog { facet: None, page });
        }
        for (fi, f) in self.catalog_facets.iter().enumerate() {
            for (gi, g) in self.facets[*f].groups.iter().enumerate() {
                for page in 1..=pages(g.items.len(), CATALOG_PER_PAGE) {
                    jobs.push(Job::Catalog {
                        facet: Some((fi, gi)),
                        page,
                    });
                }
            }
        }
        // The 政策解读 index shows every form's latest items; each form has its own paginated list.
        jobs.push(Job::InterpretationList {
            form: None,
            page: 1,
        });
        for (fi, items) in self.forms.iter().enumerate() {
            if !items.is_empty() {
                for page in 1..=pages(items.len(), POLICIES_PER_PAGE) {
                    jobs.push(Job::InterpretationList {
                        form: Some(fi),
                        page,
                    });
                }
            }
        }
        jobs.push(Job::ListIndex);
        for (li, l) in site.lists.iter().enumerate() {
            for page in 1..=pages(l.items.len(), ROWS_PER_PAGE) {
                jobs.push(Job::List { list: li, page });
            }
            jobs.extend((0..l.items.len()).map(|item| Job::ListItem { list: li, item }));
            jobs.push(Job::ListDownloads(li));
        }
        jobs.push(Job::ReportIndex);
        jobs.extend((0..site.reports.len()).map(Job::Report));
        jobs.extend((0..site.website_reports.len()).map(Job::WebsiteReport));
        jobs.extend([
            Job::Disclosure,
            Job::Search,
            Job::Sitemap,
            Job::NotFound,
            Job::Feeds,
            Job::SitemapXml,
            Job::Robots,
        ]);
        jobs
    }

    /// The listing of group `group` of facet `kind` in `section`.
    pub fn facet_group_url(&self, section: &str, kind: FacetKind, group: usize) -> String {
        facet_url(section, kind, &self.facets[kind].groups[group].slug)
    }

    /// The first page of the listing a policy-list or catalog job pages through.
    fn listing_base(
        &self,
        section: &str,
        which: &[FacetKind],
        facet: Option<(usize, usize)>,
    ) -> String {
        match facet {
            None => section_url(section),
            Some((fi, gi)) => self.facet_group_url(section, which[fi], gi),
        }
    }

    /// The URL of a page job; `None` for jobs that write files directly.
    pub fn url(&self, job: &Job) -> Option<String> {
        let site = self.site;
        Some(match job {
            Job::Home => section_url("home"),
            Job::Policy(i) => site.policies[*i].url.clone(),
            Job::Interpretation(i) => site.interpretations[*i].url.clone(),
            Job::Page(i) => site.pages[*i].url.clone(),
            Job::PolicyList { facet, page } => pager_url(
                &self.listing_base("policies", self.library_facets, *facet),
                *page,
            ),
            Job::Catalog { facet, page } => pager_url(
                &self.listing_base("catalog", self.catalog_facets, *facet),
                *page,
            ),
            Job::InterpretationList { form: None, .. } => section_url("interpretations"),
            Job::InterpretationList {
                form: Some(fi),
                page,
            } => pager_url(&form_url(crate::model::FORMS[*fi].1), *page),
            Job::ListIndex => section_url("lists"),
            Job::List { list, page } => pager_url(&site.lists[*list].url, *page),
            Job::ListItem { list, item } => {
                let l = &site.lists[*list];
                item_url(&l.url, &l.items[*item].slug)
            }
            Job::ReportIndex => section_url("reports"),
            Job::Report(i) => site.reports[*i].url.clone(),
            Job::WebsiteReport(i) => site.website_reports[*i].url.clone(),
            Job::Disclosure => section_url("disclosure"),
            Job::Search => section_url("search"),
            Job::Sitemap => section_url("sitemap"),
            Job::NotFound => "/404.html".into(),
            Job::Feeds | Job::SitemapXml | Job::Robots | Job::ListDownloads(_) => return None,
        })
    }

    /// The output paths a job writes, known without rendering it.
    pub fn paths(&self, job: &Job) -> Vec<String> {
        match job {
            Job::Feeds => FEEDS.iter().map(|f| f.0.to_string()).collect(),
            Job::SitemapXml => vec!["sitemap.xml".into()],
            Job::Robots => vec!["robots.txt".into()],
            Job::ListDownloads(i) => download_paths(&self.site.lists[*i].stem).into(),
            other => self
                .url(other)
                .map(|u| url_to_path(&u))
                .into_iter()
                .collect(),
        }
    }

    /// The date `sitemap.xml` gives a page as its last change, where it has one.
    pub fn date(&self, job: &Job) -> Option<NaiveDate> {
        let site = self.site;
        match job {
            Job::Policy(i) => Some(site.policies[*i].published),
            Job::Interpretation(i) => Some(site.interpretations[*i].published),
            Job::List { list, .. } => Some(site.lists[*list].updated),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths() {
        assert_eq!(url_to_path("/"), "index.html");
        assert_eq!(
            url_to_path("/policies/2016/jilin/"),
            "policies/2016/jilin/index.html"
        );
        assert_eq!(url_to_path("/%E5%90%89/"), "吉/index.html");
        assert_eq!(url_to_path("/lists/a.csv"), "lists/a.csv");
        assert_eq!(pager_url("/policies/", 1), "/policies/");
        assert_eq!(pager_url("/policies/", 3), "/policies/page/3/");
        assert_eq!(item_url("/lists/a/", "吉 1"), "/lists/a/%E5%90%89%201/");
    }

    #[test]
    fn every_section_folder_is_reserved() {
        for s in SECTIONS.iter().filter(|s| !s.dir.is_empty()) {
            assert!(RESERVED.contains(&s.dir), "{}", s.dir);
        }
        assert_eq!(section_url("home"), "/");
        assert_eq!(section_url("lists"), "/lists/");
        for (path, url, _, listing) in FEEDS {
            assert_eq!(url_to_path(url), path);
            assert!(SECTIONS.iter().any(|s| s.url() == listing));
        }
    }

    #[test]
    fn downloads_are_written_where_they_are_linked() {
        for stem in ["power", "收费 目录"] {
            let [csv, json] = download_urls(stem);
            assert_eq!(
                [url_to_path(&csv), url_to_path(&json)],
                download_paths(stem)
            );
        }
    }

    /// Every routed URL maps to the path it is written at, and no two routes write one path.
    #[test]
    fn every_route_is_written_at_its_url() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = crate::source::load(root).expect("demo site loads");
        let (site, _) = crate::validate::validate(loaded, &crate::validate::Options::from_env());
        let routes = table(&site);
        assert!(routes.len() > 50);
        let mut seen = std::collections::BTreeSet::new();
        for r in &routes {
            if let Some(url) = &r.url {
                assert_eq!(r.paths, vec![url_to_path(url)], "{:?}", r.target);
                assert!(url.starts_with('/'), "{url}");
            } else {
                assert!(!r.paths.is_empty(), "{:?}", r.target);
            }
            for p in &r.paths {
                assert!(seen.insert(p.clone()), "{p} written twice");
            }
        }
    }
}
