//! The rows listings show, and the small links pages share: one policy, one 解读, one
//! ledger, one report.

use crate::format::cn_date;
use crate::model::ledger::Ledger;
use crate::model::{Interpretation, Policy, Site};
use serde::Serialize;

/// A title and its URL.
#[derive(Serialize)]
pub struct Link<'a> {
    pub title: &'a str,
    pub url: &'a str,
}

/// A policy in a listing (`rows`, `policies`); the policy page adds its details.
#[derive(Serialize)]
pub struct PolicyRow<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub index_no: &'a str,
    pub doc_no: &'a Option<String>,
    pub issuer: &'a str,
    pub published: String,
    pub published_cn: String,
    pub validity: &'static str,
    pub validity_slug: &'static str,
    pub summary: &'a str,
    pub topic: &'a Option<String>,
    pub category: &'a str,
}

impl<'a> PolicyRow<'a> {
    pub fn new(p: &'a Policy) -> Self {
        PolicyRow {
            title: &p.title,
            url: &p.url,
            index_no: &p.index_no,
            doc_no: &p.doc_no,
            issuer: &p.issuer,
            published: p.published.to_string(),
            published_cn: cn_date(p.published),
            validity: p.status_label(),
            validity_slug: p.status_slug(),
            summary: &p.summary,
            topic: &p.topic,
            category: &p.category,
        }
    }
}

/// A 解读 in a listing; `P` is what its policies are shown as (links in a listing, rows on
/// the 解读's own page).
#[derive(Serialize)]
pub struct InterpRow<'a, P> {
    pub title: &'a str,
    pub url: &'a str,
    pub form: &'a str,
    pub published: String,
    pub published_cn: String,
    pub interpreter: &'a Option<String>,
    pub summary: &'a str,
    pub policies: Vec<P>,
}

/// A 解读 in a listing, its policies as links.
pub type InterpListRow<'a> = InterpRow<'a, Link<'a>>;

impl<'a, P> InterpRow<'a, P> {
    pub fn with(i: &'a Interpretation, policy: impl Fn(usize) -> P) -> Self {
        InterpRow {
            title: &i.title,
            url: &i.url,
            form: &i.form,
            published: i.published.to_string(),
            published_cn: cn_date(i.published),
            interpreter: &i.interpreter,
            summary: &i.summary,
            policies: i.interprets.iter().map(|p| policy(*p)).collect(),
        }
    }
}

impl<'a> InterpListRow<'a> {
    pub fn new(site: &'a Site, i: &'a Interpretation) -> Self {
        InterpRow::with(i, |p| Link {
            title: &site.policies[p].title,
            url: &site.policies[p].url,
        })
    }
}

/// A report of one year.
#[derive(Serialize)]
pub struct YearLink<'a> {
    pub year: i32,
    pub url: &'a str,
}

/// Every annual report of the site, newest first.
pub fn report_links(site: &Site) -> Vec<YearLink<'_>> {
    site.reports
        .iter()
        .rev()
        .map(|r| YearLink {
            year: r.year,
            url: &r.url,
        })
        .collect()
}

/// A ledger as the home page and the list index show it.
#[derive(Serialize)]
pub struct LedgerLink<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub kind_label: &'a str,
    pub updated_cn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<&'a Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

impl<'a> LedgerLink<'a> {
    pub fn new(l: &'a Ledger) -> Self {
        LedgerLink {
            title: &l.title,
            url: &l.url,
            kind_label: &l.kind_label,
            updated_cn: cn_date(l.updated),
            department: None,
            count: None,
        }
    }
}

/// Title and URL of every page, or of every ledger.
pub fn page_links(site: &Site) -> Vec<Link<'_>> {
    site.pages
        .iter()
        .map(|p| Link {
            title: &p.title,
            url: &p.url,
        })
        .collect()
}

pub fn ledger_links(site: &Site) -> Vec<Link<'_>> {
    site.lists
        .iter()
        .map(|l| Link {
            title: &l.title,
            url: &l.url,
        })
        .collect()
}
