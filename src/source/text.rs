//! A source file's text: read when the file is loaded, or — for a file the last build read
//! and that has not changed since ([`super::kept`]) — only when something asks for it.
//!
//! A kept file's text is checked against the hash it had when it was kept; a file found
//! changed after all marks its record damaged, and the build reads everything again.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The text of a source file, shared (cloning is cheap).
#[derive(Clone)]
pub struct Text(Arc<Cell>);

struct Cell {
    text: OnceLock<Arc<str>>,
    /// The xxh3-128 hash of the text, once known.
    hash: OnceLock<u128>,
    /// Where a text not read yet is read from.
    later: Option<Later>,
}

struct Later {
    abs: PathBuf,
    /// Its length when kept: a file found changed reads as this many spaces (so that the
    /// kept ranges still fit) until the build starts again.
    len: usize,
    /// Set when the file is not what it was when kept.
    damaged: Arc<AtomicBool>,
}

/// The hash a text is known by (in the body store and the record of sources).
pub fn text_hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

impl Text {
    /// A text read now.
    pub fn new(text: Arc<str>) -> Text {
        Text(Arc::new(Cell {
            text: OnceLock::from(text),
            hash: OnceLock::new(),
            later: None,
        }))
    }

    /// The text of the file at `abs`, known to hash to `hash`, read when first asked for.
    /// When it does not hash to `hash` then, `damaged` is set.
    pub fn later(abs: PathBuf, hash: u128, len: usize, damaged: Arc<AtomicBool>) -> Text {
        Text(Arc::new(Cell {
            text: OnceLock::new(),
            hash: OnceLock::from(hash),
            later: Some(Later { abs, len, damaged }),
        }))
    }

    /// The text, read now if it was not yet.
    pub fn as_str(&self) -> &str {
        self.0.text.get_or_init(|| {
            let Some(later) = &self.0.later else {
                return Arc::from("");
            };
            let read = std::fs::read(&later.abs)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .filter(|t| Some(&text_hash(t)) == self.0.hash.get());
            match read {
                Some(t) => t.into(),
                None => {
                    later.damaged.store(true, Ordering::Relaxed);
                    " ".repeat(later.len).into()
                }
            }
        })
    }

    /// The xxh3-128 hash of the text (known without reading a kept file).
    pub fn hash(&self) -> u128 {
        *self.0.hash.get_or_init(|| text_hash(self.as_str()))
    }

    /// The text's length in bytes (known without reading a kept file).
    pub fn len(&self) -> usize {
        match (self.0.text.get(), &self.0.later) {
            (Some(t), _) => t.len(),
            (None, Some(later)) => later.len,
            (None, None) => 0,
        }
    }

    /// Whether the text is empty (known without reading a kept file).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the text has been read from its file.
    pub fn is_read(&self) -> bool {
        self.0.text.get().is_some()
    }

    /// Whether two texts are the same (without reading kept files when their hashes say).
    pub fn same(&self, other: &Text) -> bool {
        if Arc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        match (self.0.text.get(), other.0.text.get()) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            (Some(a), Some(b)) if self.0.hash.get().is_none() || other.0.hash.get().is_none() => {
                a == b
            }
            _ => self.hash() == other.hash(),
        }
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.text.get() {
            Some(t) => std::fmt::Debug::fmt(&**t, f),
            None => write!(f, "<not read: {:032x}>", self.hash()),
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s.into())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(s.into())
    }
}

impl From<Arc<str>> for Text {
    fn from(s: Arc<str>) -> Text {
        Text::new(s)
    }
}

/// A document's front matter as a TOML table: parsed when the file is loaded, or — for a
/// kept file — from its text when first asked for.
#[derive(Clone)]
pub struct Table(Arc<TableCell>);

struct TableCell {
    table: OnceLock<toml::Table>,
    later: Option<(Text, std::ops::Range<usize>)>,
}

impl Table {
    pub fn new(table: toml::Table) -> Table {
        Table(Arc::new(TableCell {
            table: OnceLock::from(table),
            later: None,
        }))
    }

    /// The table of the front matter at `range` of `text`, parsed when first asked for (a
    /// kept file parsed when it was kept; a changed one has marked its record damaged).
    pub fn later(text: Text, range: std::ops::Range<usize>) -> Table {
        Table(Arc::new(TableCell {
            table: OnceLock::new(),
            later: Some((text, range)),
        }))
    }
}

impl Deref for Table {
    type Target = toml::Table;
    fn deref(&self) -> &toml::Table {
        self.0.table.get_or_init(|| {
            self.0
                .later
                .as_ref()
                .and_then(|(text, range)| text.get(range.clone()))
                .and_then(|fm| toml::from_str(fm).ok())
                .unwrap_or_default()
        })
    }
}

impl From<toml::Table> for Table {
    fn from(t: toml::Table) -> Table {
        Table::new(t)
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_text_is_read_when_asked_for_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "政务公开").unwrap();
        let damaged = Arc::new(AtomicBool::new(false));
        let t = Text::later(p.clone(), text_hash("政务公开"), 12, damaged.clone());
        assert!(!t.is_read());
        assert_eq!(t.hash(), text_hash("政务公开"));
        assert!(!t.is_read(), "the hash is known without reading");
        assert_eq!(t.len(), 12);
        assert!(!t.is_read(), "and the length");
        assert!(t.same(&Text::from("政务公开")));
        assert_eq!(&*t, "政务公开");
        assert!(t.is_read() && !damaged.load(Ordering::Relaxed));

        // Changed since it was kept: the text is not trusted, the record is damaged.
        std::fs::write(&p, "政务公开了").unwrap();
        let t = Text::later(p, text_hash("政务公开"), 12, damaged.clone());
        assert_eq!(&*t, " ".repeat(12));
        assert!(damaged.load(Ordering::Relaxed));
    }

    #[test]
    fn texts_compare_by_content() {
        let a = Text::from("一");
        assert!(a.same(&a.clone()));
        assert!(a.same(&Text::from("一")));
        assert!(!a.same(&Text::from("二")));
    }
}
