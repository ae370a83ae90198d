//! What each page shows: the site model turned into typed, borrowed views that serialize to
//! template contexts. URLs come from the route table ([`crate::routes`]); facets and
//! groupings are computed once per render ([`Prepared::new`]), never per page.

mod chrome;
mod documents;
mod ledgers;
mod listings;
mod rows;

use chrome::base_context;
use ledgers::downloads;

use super::{feeds, Files};
use crate::model::Site;
use crate::routes::{Job, Routes, FEEDS};
use listings::Listing;
use serde_json::{Map, Value};

/// What a job produces: a page from a template, or files written directly.
pub enum Output {
    Page {
        template: &'static str,
        url: String,
        ctx: Value,
    },
    Raw(Files),
}

/// A job's output before it is given its URL from the route table.
enum Made {
    Page(&'static str, Value),
    Raw(Files),
}

/// Data shared by every job of one render: the route table (and what its URLs are made of:
/// facets, 解读 by form), and the context every page shares. Derefs to its [`Routes`].
pub struct Prepared<'a> {
    pub site: &'a Site,
    pub routes: Routes<'a>,
    pub base: Map<String, Value>,
}

impl<'a> std::ops::Deref for Prepared<'a> {
    type Target = Routes<'a>;
    fn deref(&self) -> &Routes<'a> {
        &self.routes
    }
}

impl<'a> Prepared<'a> {
    pub fn new(site: &'a Site) -> Prepared<'a> {
        Prepared {
            site,
            routes: Routes::new(site),
            base: base_context(site),
        }
    }

    /// The output of a job; a page's context carries its 网页标签 and description, and its
    /// URL is the one the route table gives the job.
    pub fn context(&self, job: &Job) -> Output {
        match self.make(job) {
            Made::Page(template, mut ctx) => {
                let url = self.url(job).unwrap_or_default();
                self.decorate(&url, &mut ctx);
                Output::Page { template, url, ctx }
            }
            Made::Raw(files) => Output::Raw(files),
        }
    }

    /// URL of a page job, computed without building its context (the same URL
    /// [`Prepared::context`] gives it); `None` for jobs that write files directly.
    pub fn page_url(&self, job: &Job) -> Option<String> {
        self.url(job)
    }

    /// Adds `meta` (the 网页标签) to a page's context.
    pub(crate) fn decorate(&self, url: &str, ctx: &mut Value) {
        chrome::decorate(self.site, url, ctx);
    }

    fn make(&self, job: &Job) -> Made {
        let site = self.site;
        match job {
            Job::Home => self.home(),
            Job::Policy(i) => self.policy(*i),
            Job::Interpretation(i) => self.interpretation(*i),
            Job::Page(i) => self.page(*i),
            Job::PolicyList { facet, page } => self.policy_listing(Listing::Library, *facet, *page),
            Job::Catalog { facet, page } => self.policy_listing(Listing::Catalog, *facet, *page),
            Job::InterpretationList { form, page } => self.interpretation_listing(*form, *page),
            Job::ListIndex => self.list_index(),
            Job::List { list, page } => self.list_page(&site.lists[*list], *page),
            Job::ListItem { list, item } => self.list_item(&site.lists[*list], *item),
            Job::ListDownloads(list) => Made::Raw(downloads(site, &site.lists[*list])),
            Job::ReportIndex => self.report_index(),
            Job::Report(i) => self.report(*i),
            Job::WebsiteReport(i) => self.website_report(*i),
            Job::Disclosure => self.disclosure(),
            Job::Search => self.search(),
            Job::Sitemap => self.sitemap(),
            Job::NotFound => self.not_found(),
            Job::Feeds => Made::Raw(self.feeds()),
            Job::SitemapXml => {
                let mut urls: Vec<(String, Option<chrono::NaiveDate>)> = self
                    .plan()
                    .iter()
                    .filter(|j| !matches!(j, Job::NotFound | Job::Search))
                    .filter_map(|j| match self.url(j) {
                        Some(u) if u.ends_with('/') => Some((u, self.date(j))),
                        _ => None,
                    })
                    .collect();
                urls.sort();
                Made::Raw(vec![(
                    "sitemap.xml".into(),
                    feeds::sitemap_xml(site, &urls).into_bytes(),
                )])
            }
            Job::Robots => Made::Raw(vec![(
                "robots.txt".into(),
                feeds::robots(site).into_bytes(),
            )]),
        }
    }

    /// The Atom feeds of the newest policies and 解读.
    fn feeds(&self) -> Files {
        let site = self.site;
        let policies: Vec<feeds::Entry> = site
            .policies
            .iter()
            .take(50)
            .map(|p| feeds::Entry {
                title: &p.title,
                url: &p.url,
                date: p.published,
                summary: &p.summary,
                author: &p.issuer,
            })
            .collect();
        let interpretations: Vec<feeds::Entry> = site
            .interpretations
            .iter()
            .take(50)
            .map(|p| feeds::Entry {
                title: &p.title,
                url: &p.url,
                date: p.published,
                summary: &p.summary,
                author: p.interpreter.as_deref().unwrap_or(""),
            })
            .collect();
        FEEDS
            .iter()
            .zip([policies, interpretations])
            .map(|((path, url, title, listing), entries)| {
                (
                    path.to_string(),
                    feeds::atom(site, title, url, listing, &entries).into_bytes(),
                )
            })
            .collect()
    }

    fn report_index(&self) -> Made {
        #[derive(serde::Serialize)]
        struct ReportIndex<'a> {
            reports: Vec<&'a crate::model::report::Report>,
            website_reports: Vec<rows::YearLink<'a>>,
        }
        let site = self.site;
        let body = ReportIndex {
            reports: site.reports.iter().rev().collect(),
            website_reports: site
                .website_reports
                .iter()
                .rev()
                .map(|r| rows::YearLink {
                    year: r.year,
                    url: &r.url,
                })
                .collect(),
        };
        let page = chrome::Page::new(
            "政府信息公开工作年度报告",
            chrome::column("信息公开年报", "信息公开年报", "reports"),
            chrome::crumbs(&[("政府信息公开", "/disclosure/")], "信息公开年报"),
            body,
        );
        Made::Page("report_index.html", chrome::to_value(&page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page job's context is made, under the URL the route table gives it; the
    /// jobs without a URL write files directly.
    #[test]
    fn pages_are_made_at_their_routes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = crate::source::load(root).expect("demo site loads");
        let (site, _) = crate::validate::validate(loaded, &crate::validate::Options::from_env());
        let p = Prepared::new(&site);
        let jobs = p.plan();
        assert!(jobs.len() > 50);
        for job in &jobs {
            match p.context(job) {
                Output::Page { url, ctx, .. } => {
                    assert_eq!(p.url(job).as_deref(), Some(url.as_str()), "{job:?}");
                    assert!(ctx["meta"]["description"].is_string(), "{job:?}");
                    assert!(ctx["title"].is_string(), "{job:?}");
                }
                Output::Raw(files) => {
                    assert_eq!(p.url(job), None, "{job:?}");
                    let paths: Vec<String> = files.into_iter().map(|f| f.0).collect();
                    assert_eq!(paths, p.paths(job), "{job:?}");
                }
            }
        }
    }
}
