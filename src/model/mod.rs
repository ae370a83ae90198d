//! The site model: plain data, only valid, only publishable content. Produced by `validate`,
//! read by `render`. Documents that are not 主动公开 never become model values.
//!
//! The model is the ground floor: it imports only std, chrono, serde and [`crate::config`].
//! Methods here only compute from the data (no diagnostics, and no I/O of their own: the
//! HTML of a body kept by an earlier build is read through [`KeptHtml`], which `validate`
//! provides).

pub mod continuity;
pub mod copies;
pub mod documents;
pub mod ledger;
pub mod report;
pub mod website;

pub use continuity::{Alias, Removed, RemovedStatus};
pub use copies::CopyFile;
pub use documents::{
    Attachment, Body, DocType, Form, Html, Interpretation, KeptHtml, Page, Policy, Section,
    TocEntry, Validity, FORMS,
};
pub use ledger::{Ledger, LedgerKind};
pub use report::Report;
pub use website::WebsiteReport;

use crate::config::Config;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A date as pages and diagnostics write it: `2016年04月26日`.
pub fn cn_date(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

/// Everything `render` needs. Vectors are sorted (newest first for documents) so output is
/// deterministic.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub build_date: NaiveDate,
    pub policies: Vec<Policy>,
    pub interpretations: Vec<Interpretation>,
    pub pages: Vec<Page>,
    pub lists: Vec<Arc<Ledger>>,
    pub reports: Vec<Report>,
    /// 政府网站工作年度报表, by year.
    pub website_reports: Vec<WebsiteReport>,
    /// Files copied verbatim: theme/site static files and content assets, by output path.
    pub copies: Vec<CopyFile>,
    pub templates: BTreeMap<String, String>,
    /// Old URLs of documents and ledgers (`aliases`), each a redirect page.
    pub aliases: Vec<Alias>,
    /// URLs withdrawn on purpose (`content/removed.toml`), each a page saying so.
    pub removed: Vec<Removed>,
}
