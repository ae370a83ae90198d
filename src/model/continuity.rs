//! URL continuity values: old URLs that redirect (`aliases`) and URLs withdrawn on purpose.

use chrono::NaiveDate;
use serde::Serialize;

/// Output path of the file that lists withdrawn URLs, relative to the site root.
pub const REMOVED_FILE: &str = "content/removed.toml";

/// An old URL of a document that redirects to its current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    /// The old URL as written (site-absolute).
    pub url: String,
    /// Its output path, e.g. `policies/2016/old/index.html`.
    pub path: String,
    /// The document's current URL and title.
    pub target: String,
    pub title: String,
    /// The source file that declared it.
    pub source: String,
}

/// A URL withdrawn on purpose (`content/removed.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub url: String,
    pub path: String,
    pub reason: String,
    pub date: NaiveDate,
    /// `已停止公开` (default) or `已撤销`.
    pub status: RemovedStatus,
    /// Byte offset of the entry in `content/removed.toml`, for diagnostics.
    #[serde(skip)]
    pub offset: usize,
}

/// Statuses a withdrawn URL can have, as written in `removed.toml` (the labels of
/// [`RemovedStatus`], default first).
pub const STATUSES: &[&str] = &["已停止公开", "已撤销"];

/// Why a URL is gone. Serialized as its Chinese label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum RemovedStatus {
    /// 已停止公开 (the default).
    #[default]
    Withdrawn,
    /// 已撤销.
    Revoked,
}

impl RemovedStatus {
    pub const ALL: [RemovedStatus; 2] = [RemovedStatus::Withdrawn, RemovedStatus::Revoked];
    pub fn label(self) -> &'static str {
        STATUSES[self as usize]
    }
    pub fn parse(s: &str) -> Option<RemovedStatus> {
        RemovedStatus::ALL.into_iter().find(|r| r.label() == s)
    }
}

impl Serialize for RemovedStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl PartialEq<&str> for RemovedStatus {
    fn eq(&self, other: &&str) -> bool {
        self.label() == *other
    }
}

/// File extensions of pages (what is compared between builds).
pub const PAGE_EXT: &[&str] = &[".html", ".htm", ".shtml"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_statuses_parse_and_serialize_as_labels() {
        for r in RemovedStatus::ALL {
            assert_eq!(RemovedStatus::parse(r.label()), Some(r));
        }
        assert_eq!(RemovedStatus::default().label(), "已停止公开");
        assert!(RemovedStatus::Revoked == "已撤销");
        assert_eq!(
            serde_json::to_string(&RemovedStatus::Revoked).unwrap(),
            "\"已撤销\""
        );
    }
}
