//! Documents of the portal: policies (政策文件), their interpretations (政策解读) and pages,
//! with the closed sets that describe them (有效性, 解读形式, 文件类型).

use chrono::NaiveDate;
use serde::Serialize;
use std::sync::Arc;

/// Which part of `content/` a Markdown file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Policy,
    Interpretation,
    Page,
}

impl Section {
    pub fn dir(self) -> &'static str {
        match self {
            Section::Policy => "policies",
            Section::Interpretation => "interpretations",
            Section::Page => "pages",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
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

#[derive(Debug, Clone, Serialize, Hash)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// Where the HTML of a body rendered by an earlier build is kept (the body store of
/// `.gongkai-cache/`), read only when a page or the search index needs it.
pub trait KeptHtml: Send + Sync {
    /// The `len` bytes at `at`, when they are still what was written (`sig` is their hash);
    /// `None` marks the store damaged, and the build starts again without it.
    fn read(&self, at: u64, len: u32, sig: u64) -> Option<String>;
}

/// The HTML of a rendered body, with its hash. It is in memory, or in the body store
/// (see [`KeptHtml`]) until first read.
#[derive(Clone, Default)]
pub struct Html {
    text: std::sync::OnceLock<String>,
    sig: u64,
    kept: Option<(Arc<dyn KeptHtml>, u64, u32)>,
}

impl Html {
    /// HTML in memory; `sig` is the hash of its bytes.
    pub fn new(text: String, sig: u64) -> Html {
        Html {
            text: text.into(),
            sig,
            kept: None,
        }
    }

    /// HTML kept at `at` in `kept`, `len` bytes hashing to `sig`.
    pub fn kept(kept: Arc<dyn KeptHtml>, at: u64, len: u32, sig: u64) -> Html {
        Html {
            text: std::sync::OnceLock::new(),
            sig,
            kept: Some((kept, at, len)),
        }
    }

    /// The HTML (read from the store the first time; empty when the store is damaged,
    /// which the store reports).
    pub fn as_str(&self) -> &str {
        self.text.get_or_init(|| match &self.kept {
            Some((k, at, len)) => k.read(*at, *len, self.sig).unwrap_or_default(),
            None => String::new(),
        })
    }

    /// The hash of the HTML's bytes (no read).
    pub fn sig(&self) -> u64 {
        self.sig
    }

    /// Where the HTML is kept, when it came from the store (read since or not).
    pub fn place(&self) -> Option<(&Arc<dyn KeptHtml>, u64, u32)> {
        self.kept.as_ref().map(|(k, at, len)| (k, *at, *len))
    }
}

impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.text.get() {
            Some(t) => t.fmt(f),
            None => write!(f, "<kept html {:016x}>", self.sig),
        }
    }
}

impl Serialize for Html {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Rendered Markdown body.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Body {
    pub html: Html,
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

/// The interpretation forms, in display order, with URL slugs (the table behind [`Form`]).
pub const FORMS: &[(&str, &str)] = &[
    ("文字", "text"),
    ("图解", "graphic"),
    ("视频", "video"),
    ("音频", "audio"),
    ("访谈", "interview"),
];

/// 解读形式: how a policy is interpreted. Serialized as its Chinese label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Form {
    Text,
    Graphic,
    Video,
    Audio,
    Interview,
}

impl Form {
    /// In display order (the order of [`FORMS`]).
    pub const ALL: [Form; 5] = [
        Form::Text,
        Form::Graphic,
        Form::Video,
        Form::Audio,
        Form::Interview,
    ];
    pub fn label(self) -> &'static str {
        FORMS[self as usize].0
    }
    /// The URL segment of its list, `/interpretations/by-form/<slug>/`.
    pub fn slug(self) -> &'static str {
        FORMS[self as usize].1
    }
    pub fn parse(s: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.label() == s)
    }
}

impl Serialize for Form {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// 文件类型 of a policy: what Table 二 of the annual report counts. Serialized as its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocType {
    /// 规章.
    Rule,
    /// 行政规范性文件.
    Normative,
    /// 其他文件 (the default).
    Other,
}

impl DocType {
    pub const ALL: [DocType; 3] = [DocType::Rule, DocType::Normative, DocType::Other];
    pub fn label(self) -> &'static str {
        match self {
            DocType::Rule => "规章",
            DocType::Normative => "行政规范性文件",
            DocType::Other => "其他文件",
        }
    }
    /// The report input key of its Table 二 row (`rules`, `normative`).
    pub fn slug(self) -> &'static str {
        match self {
            DocType::Rule => "rules",
            DocType::Normative => "normative",
            DocType::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<DocType> {
        DocType::ALL.into_iter().find(|d| d.label() == s)
    }
}

impl Serialize for DocType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_their_labels() {
        for f in Form::ALL {
            assert_eq!(Form::parse(f.label()), Some(f));
        }
        assert_eq!(Form::Graphic.label(), "图解");
        assert_eq!(Form::Graphic.slug(), "graphic");
        assert_eq!(Form::parse("漫画"), None);
        for d in DocType::ALL {
            assert_eq!(DocType::parse(d.label()), Some(d));
        }
        assert_eq!(DocType::parse("其他"), None);
        for v in Validity::ALL {
            assert_eq!(Validity::parse(v.label()), Some(v));
        }
    }

    #[test]
    fn enums_serialize_as_their_chinese_label() {
        let j = serde_json::to_string(&(Form::Video, DocType::Normative, Validity::Amended));
        assert_eq!(j.unwrap(), r#"["视频","行政规范性文件","已修改"]"#);
    }
}
