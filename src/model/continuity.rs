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
    pub status: String,
    /// Byte offset of the entry in `content/removed.toml`, for diagnostics.
    #[serde(skip)]
    pub offset: usize,
}

/// Statuses a withdrawn URL can have.
pub const STATUSES: &[&str] = &["已停止公开", "已撤销"];

/// File extensions of pages (what is compared between builds).
pub const PAGE_EXT: &[&str] = &[".html", ".htm", ".shtml"];
