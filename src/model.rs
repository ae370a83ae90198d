//! The site model: only valid, only publishable content. Produced by `validate`, read by
//! `render`. Documents that are not 主动公开 never become model values.

use crate::config::Config;
use crate::source::{CopyFile, Section};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Validity {
    #[serde(rename = "现行有效")]
    InForce,
    #[serde(rename = "已修改")]
    Amended,
    #[serde(rename = "已废止")]
    Repealed,
    #[serde(rename = "已失效")]
    Expired,
}

impl Validity {
    pub const ALL: [Validity; 4] = [
        Validity::InForce,
        Validity::Amended,
        Validity::Repealed,
        Validity::Expired,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Validity::InForce => "现行有效",
            Validity::Amended => "已修改",
            Validity::Repealed => "已废止",
            Validity::Expired => "已失效",
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            Validity::InForce => "in-force",
            Validity::Amended => "amended",
            Validity::Repealed => "repealed",
            Validity::Expired => "expired",
        }
    }
    pub fn parse(s: &str) -> Option<Validity> {
        Validity::ALL.into_iter().find(|v| v.label() == s)
    }
    /// No longer in force (counts as 本年废止 in the annual report).
    pub fn is_void(self) -> bool {
        matches!(self, Validity::Repealed | Validity::Expired)
    }
}

impl Policy {
    /// What the page, lists and facets say of its validity: 尚未生效 before `effective`.
    pub fn status_label(&self) -> &'static str {
        if self.pending && !self.validity.is_void() {
            "尚未生效"
        } else {
            self.validity.label()
        }
    }
    pub fn status_slug(&self) -> &'static str {
        if self.pending && !self.validity.is_void() {
            "pending"
        } else {
            self.validity.slug()
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// Rendered Markdown body.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Body {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Plain text of the first paragraph (for 内容概述 when none is given).
    pub first_paragraph: String,
    /// Plain text, for search excerpts and feeds.
    pub plain_len: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// Source path relative to the site root.
    pub source: String,
    /// Site-absolute URL ending in `/`, e.g. `/policies/2016/jilin/`.
    pub url: String,
    pub title: String,
    pub index_no: String,
    pub doc_no: Option<String>,
    pub issuer: String,
    pub written: Option<NaiveDate>,
    pub published: NaiveDate,
    pub topic: Option<String>,
    pub genre: Option<String>,
    pub category: String,
    pub validity: Validity,
    pub doc_type: String,
    pub validity_changed: Option<NaiveDate>,
    /// 施行日期 and 有效期至. `validity` and `validity_changed` already say 已失效 once the
    /// build date is past `expires`.
    pub effective: Option<NaiveDate>,
    pub expires: Option<NaiveDate>,
    /// In force only from `effective`, which is after the build date (尚未生效).
    pub pending: bool,
    /// 规范性文件统一登记号.
    pub reg_no: Option<String>,
    /// Index into `Site::policies` of the replacing document.
    pub replaced_by: Option<usize>,
    pub summary: String,
    pub attachments: Vec<Attachment>,
    pub body: Arc<Body>,
    /// Indexes into `Site::interpretations` of the 解读 of this policy, by date.
    pub interpretations: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Interpretation {
    pub source: String,
    pub url: String,
    pub title: String,
    /// Indexes into `Site::policies`.
    pub interprets: Vec<usize>,
    pub published: NaiveDate,
    pub form: String,
    pub interpreter: Option<String>,
    pub summary: String,
    pub body: Arc<Body>,
    /// Working days after the (latest) interpreted policy's publication.
    pub workdays_after: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub source: String,
    pub url: String,
    pub slug: String,
    pub title: String,
    /// `summary` from the front matter, else the first paragraph (the page's description).
    pub summary: String,
    pub body: Arc<Body>,
}

/// The interpretation forms, in display order, with URL slugs.
pub const FORMS: &[(&str, &str)] = &[
    ("文字", "text"),
    ("图解", "graphic"),
    ("视频", "video"),
    ("音频", "audio"),
    ("访谈", "interview"),
];

/// Everything `render` needs. Vectors are sorted (newest first for documents) so output is
/// deterministic.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub build_date: NaiveDate,
    pub policies: Vec<Policy>,
    pub interpretations: Vec<Interpretation>,
    pub pages: Vec<Page>,
    pub lists: Vec<Arc<crate::ledger::Ledger>>,
    pub reports: Vec<crate::report::Report>,
    /// 政府网站工作年度报表, by year.
    pub website_reports: Vec<crate::website::WebsiteReport>,
    /// Files copied verbatim: theme/site static files and content assets, by output path.
    pub copies: Vec<CopyFile>,
    pub templates: BTreeMap<String, String>,
    /// Old URLs of documents and ledgers (`aliases`), each a redirect page.
    pub aliases: Vec<crate::continuity::Alias>,
    /// URLs withdrawn on purpose (`content/removed.toml`), each a page saying so.
    pub removed: Vec<crate::continuity::Removed>,
}

impl Site {
    pub fn section_url(section: Section, stem: &str) -> String {
        format!("/{}/{}/", section.dir(), stem)
    }
}
