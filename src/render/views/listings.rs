//! The pages that list documents: the home page, the policy library and the catalog with
//! their facets, the 解读 lists, and the site's overview pages (公开专栏, search, sitemap, 404).

use super::chrome::{column, crumbs, paged_title, pagination, to_value, Column, Page, Pagination};
use super::rows::{
    ledger_links, page_links, report_links, InterpListRow, LedgerLink, Link, PolicyRow, YearLink,
};
use super::{Made, Prepared};
use crate::model::FORMS;
use crate::routes::{form_url, section_url, FacetKind, CATALOG_PER_PAGE, POLICIES_PER_PAGE};
use serde::Serialize;
use std::borrow::Cow;

/// One value of a facet as a link, with its count and whether it is the page's own.
#[derive(Serialize)]
struct FacetLink<'a> {
    label: &'a str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<bool>,
}

/// A facet of the sidebar.
#[derive(Serialize)]
pub(super) struct FacetNav<'a> {
    name: &'static str,
    key: &'static str,
    groups: Vec<FacetLink<'a>>,
}

#[derive(Serialize)]
struct Counts {
    policies: usize,
    interpretations: usize,
    lists: usize,
}

#[derive(Serialize)]
struct Home<'a> {
    policies: Vec<PolicyRow<'a>>,
    interpretations: Vec<InterpListRow<'a>>,
    lists: Vec<LedgerLink<'a>>,
    pages: Vec<Link<'a>>,
    reports: Vec<YearLink<'a>>,
    years: Vec<FacetLink<'a>>,
    counts: Counts,
}

/// The policy library or the catalog, or one facet value of either.
#[derive(Serialize)]
struct PolicyListing<'a> {
    heading: &'a str,
    rows: Vec<PolicyRow<'a>>,
    pagination: Pagination,
    facets: Vec<FacetNav<'a>>,
    is_index: bool,
}

/// One form of 解读 on the 解读 pages.
#[derive(Serialize)]
struct FormGroup<'a> {
    name: &'a str,
    url: String,
    count: usize,
    current: bool,
    items: Vec<InterpListRow<'a>>,
}

#[derive(Serialize)]
struct InterpretationListing<'a> {
    heading: &'a str,
    groups: Vec<FormGroup<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<Vec<InterpListRow<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagination: Option<Pagination>,
    is_index: bool,
}

#[derive(Serialize)]
struct PageLink<'a> {
    title: &'a str,
    url: &'a str,
    slug: &'a str,
}

#[derive(Serialize)]
struct Disclosure<'a> {
    pages: Vec<PageLink<'a>>,
    lists: Vec<Link<'a>>,
    reports: Vec<YearLink<'a>>,
    categories: Vec<FacetLink<'a>>,
}

#[derive(Serialize)]
struct Search<'a> {
    years: Vec<FacetLink<'a>>,
}

#[derive(Serialize)]
struct FormLink<'a> {
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Sitemap<'a> {
    pages: Vec<Link<'a>>,
    lists: Vec<Link<'a>>,
    reports: Vec<YearLink<'a>>,
    library_facets: Vec<FacetNav<'a>>,
    catalog_facets: Vec<FacetNav<'a>>,
    forms: Vec<FormLink<'a>>,
}

#[derive(Serialize)]
struct Nothing {}

/// Which listing of policies: the library or the catalog.
#[derive(Clone, Copy)]
pub(super) enum Listing {
    Library,
    Catalog,
}

impl Listing {
    fn section(self) -> &'static str {
        match self {
            Listing::Library => "policies",
            Listing::Catalog => "catalog",
        }
    }
    fn heading(self) -> &'static str {
        match self {
            Listing::Library => "政策文件库",
            Listing::Catalog => "信息公开目录",
        }
    }
    fn column(self) -> Column<'static> {
        match self {
            Listing::Library => column("政策文件", "政策文件", "policies"),
            Listing::Catalog => column("信息公开目录", "信息公开目录", "catalog"),
        }
    }
    /// The name of its column (and of its crumb).
    fn crumb(self) -> &'static str {
        self.column().name
    }
    fn per_page(self) -> usize {
        match self {
            Listing::Library => POLICIES_PER_PAGE,
            Listing::Catalog => CATALOG_PER_PAGE,
        }
    }
    fn template(self) -> &'static str {
        match self {
            Listing::Library => "policy_list.html",
            Listing::Catalog => "catalog.html",
        }
    }
}

impl Prepared<'_> {
    fn facets_of(&self, listing: Listing) -> &'static [FacetKind] {
        match listing {
            Listing::Library => self.library_facets,
            Listing::Catalog => self.catalog_facets,
        }
    }

    /// Every value of facet `kind` as a link into `section`, with or without its count.
    fn facet_links(&self, section: &str, kind: FacetKind, counted: bool) -> Vec<FacetLink<'_>> {
        self.facets[kind]
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| FacetLink {
                label: &g.label,
                url: self.facet_group_url(section, kind, gi),
                count: counted.then_some(g.items.len()),
                current: None,
            })
            .collect()
    }

    /// The facet sidebar: every facet with its values, counts and links.
    pub(super) fn facet_nav(
        &self,
        section: &str,
        which: &[FacetKind],
        current: Option<(usize, usize)>,
    ) -> Vec<FacetNav<'_>> {
        which
            .iter()
            .enumerate()
            .map(|(fi, &kind)| FacetNav {
                name: kind.name(),
                key: kind.key(),
                groups: self.facets[kind]
                    .groups
                    .iter()
                    .enumerate()
                    .map(|(gi, g)| FacetLink {
                        label: &g.label,
                        url: self.facet_group_url(section, kind, gi),
                        count: Some(g.items.len()),
                        current: Some(current == Some((fi, gi))),
                    })
                    .collect(),
            })
            .collect()
    }

    fn rows_of(&self, items: &[usize], page: usize, per: usize) -> Vec<PolicyRow<'_>> {
        page_slice(items, page, per)
            .iter()
            .map(|i| PolicyRow::new(&self.site.policies[*i]))
            .collect()
    }

    fn interp_rows(&self, items: &[usize]) -> Vec<InterpListRow<'_>> {
        items
            .iter()
            .map(|i| InterpListRow::new(self.site, &self.site.interpretations[*i]))
            .collect()
    }

    pub(super) fn home(&self) -> Made {
        let site = self.site;
        let home = Home {
            policies: site.policies.iter().take(8).map(PolicyRow::new).collect(),
            interpretations: self
                .interp_rows(&(0..site.interpretations.len().min(6)).collect::<Vec<_>>()),
            lists: site.lists.iter().map(|l| LedgerLink::new(l)).collect(),
            pages: page_links(site),
            reports: report_links(site),
            years: self.facet_links("policies", FacetKind::Year, true),
            counts: Counts {
                policies: site.policies.len(),
                interpretations: site.interpretations.len(),
                lists: site.lists.len(),
            },
        };
        let page = Page {
            title: Cow::Borrowed(site.config.title.as_str()),
            column: column("首页", "首页", "home"),
            breadcrumb: None,
            body: home,
        };
        Made::Page("index.html", to_value(&page))
    }

    pub(super) fn policy_listing(
        &self,
        listing: Listing,
        facet: Option<(usize, usize)>,
        page: usize,
    ) -> Made {
        let site = self.site;
        let section = listing.section();
        let which = self.facets_of(listing);
        let all: Vec<usize>;
        let (items, base, heading): (&[usize], String, String) = match facet {
            None => {
                all = (0..site.policies.len()).collect();
                (&all, section_url(section), listing.heading().into())
            }
            Some((fi, gi)) => {
                let kind = which[fi];
                let g = &self.facets[kind].groups[gi];
                (
                    &g.items,
                    self.facet_group_url(section, kind, gi),
                    format!("{}：{}", kind.name(), g.label),
                )
            }
        };
        let per = listing.per_page();
        let total = crate::routes::pages(items.len(), per);
        let section_link = section_url(section);
        let breadcrumb = if facet.is_some() {
            crumbs(&[(listing.crumb(), &section_link)], &heading)
        } else {
            crumbs(&[], listing.crumb())
        };
        let body = PolicyListing {
            heading: &heading,
            rows: self.rows_of(items, page, per),
            pagination: pagination(&base, page, total, items.len()),
            facets: self.facet_nav(section, which, facet),
            is_index: facet.is_none(),
        };
        let view = Page::new(
            paged_title(&heading, page),
            listing.column(),
            breadcrumb,
            body,
        );
        Made::Page(listing.template(), to_value(&view))
    }

    pub(super) fn interpretation_listing(&self, form: Option<usize>, page: usize) -> Made {
        let groups = FORMS
            .iter()
            .enumerate()
            .map(|(fi, (name, slug))| FormGroup {
                name,
                url: form_url(slug),
                count: self.forms[fi].len(),
                current: form == Some(fi),
                items: if form.is_none() {
                    self.interp_rows(&self.forms[fi][..self.forms[fi].len().min(10)])
                } else {
                    Vec::new()
                },
            })
            .collect();
        let col = column("政策解读", "政策解读", "interpretations");
        let view = match form {
            None => {
                let body = InterpretationListing {
                    heading: "政策解读",
                    groups,
                    rows: None,
                    pagination: None,
                    is_index: true,
                };
                to_value(&Page::new("政策解读", col, crumbs(&[], "政策解读"), body))
            }
            Some(fi) => {
                let base = form_url(FORMS[fi].1);
                let items = &self.forms[fi];
                let total = crate::routes::pages(items.len(), POLICIES_PER_PAGE);
                let heading = format!("{}解读", FORMS[fi].0);
                let body = InterpretationListing {
                    heading: &heading,
                    groups,
                    rows: Some(self.interp_rows(page_slice(items, page, POLICIES_PER_PAGE))),
                    pagination: Some(pagination(&base, page, total, items.len())),
                    is_index: false,
                };
                to_value(&Page::new(
                    paged_title(&heading, page),
                    col,
                    crumbs(&[("政策解读", "/interpretations/")], &heading),
                    body,
                ))
            }
        };
        Made::Page("interpretation_list.html", view)
    }

    pub(super) fn disclosure(&self) -> Made {
        let site = self.site;
        let body = Disclosure {
            pages: site
                .pages
                .iter()
                .map(|p| PageLink {
                    title: &p.title,
                    url: &p.url,
                    slug: &p.slug,
                })
                .collect(),
            lists: ledger_links(site),
            reports: report_links(site),
            categories: self.facet_links("catalog", FacetKind::Category, true),
        };
        let page = Page::new(
            "政府信息公开",
            column("政府信息公开", "信息公开目录", "disclosure"),
            crumbs(&[], "政府信息公开"),
            body,
        );
        Made::Page("disclosure.html", to_value(&page))
    }

    pub(super) fn search(&self) -> Made {
        let body = Search {
            years: self.facet_links("policies", FacetKind::Year, false),
        };
        let page = Page::new(
            "站内搜索",
            column("站内搜索", "首页", ""),
            crumbs(&[], "站内搜索"),
            body,
        );
        Made::Page("search.html", to_value(&page))
    }

    pub(super) fn sitemap(&self) -> Made {
        let site = self.site;
        let body = Sitemap {
            pages: page_links(site),
            lists: ledger_links(site),
            reports: report_links(site),
            library_facets: self.facet_nav("policies", self.library_facets, None),
            catalog_facets: self.facet_nav("catalog", &self.catalog_facets[..1], None),
            forms: FORMS
                .iter()
                .enumerate()
                .filter(|(fi, _)| !self.forms[*fi].is_empty())
                .map(|(_, (name, slug))| FormLink {
                    name,
                    url: form_url(slug),
                })
                .collect(),
        };
        let page = Page::new(
            "网站地图",
            column("网站地图", "首页", ""),
            crumbs(&[], "网站地图"),
            body,
        );
        Made::Page("sitemap.html", to_value(&page))
    }

    pub(super) fn not_found(&self) -> Made {
        let page = Page::new(
            "页面不存在",
            column("页面不存在", "首页", ""),
            crumbs(&[], "页面不存在"),
            Nothing {},
        );
        Made::Page("404.html", to_value(&page))
    }
}

/// The rows of page `page` (from 1) of `all`, `per` a page.
pub(super) fn page_slice<T>(all: &[T], page: usize, per: usize) -> &[T] {
    let start = ((page.max(1) - 1) * per).min(all.len());
    &all[start..(start + per).min(all.len())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::pager_url;

    #[test]
    fn pages_slice_their_rows() {
        let all: Vec<usize> = (0..45).collect();
        assert_eq!(page_slice(&all, 1, 20), &all[..20]);
        assert_eq!(page_slice(&all, 3, 20), &all[40..]);
        assert!(page_slice(&all, 9, 20).is_empty());
        assert_eq!(pager_url("/x/", 2), "/x/page/2/");
    }
}
