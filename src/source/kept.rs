//! The record of sources, `.gongkai-cache/sources`: what the last build learned of each
//! document file, so that the next build (a new process) reads only the files that changed.
//!
//! Per file: its stamp (size, mtime, ctime, inode), the xxh3-128 hash of its text, where its
//! front matter and body are, and the facts validation derived from the text alone (its
//! typed front matter with the diagnostics, the site files its body names), each encoded by
//! validation ([`Fact`]) and opaque here. A file whose stamp is unchanged is not read: its
//! [`Text`] is read only if something asks for it (a new diagnostic's position, a body not
//! in the body store), and checked against the kept hash then.
//!
//! A stamp is trusted only when the file's mtime was at least [`RACY`] older than the load
//! that recorded it (a file changed twice within the filesystem's timestamp granularity
//! would otherwise look unchanged). Reading a kept file that turns out changed marks the
//! record damaged: the build then reads everything again. Like everything in
//! `.gongkai-cache/`, the record is a cache: deleting it costs one full read, and a record
//! written by another gongkai is ignored.

use super::text::Text;
use foldhash::HashMap;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const FORMAT: u32 = 1;
const FILE: &str = "sources";

/// How much older than the load a file's mtime must be for its stamp to be trusted.
pub const RACY: Duration = Duration::from_secs(2);

/// Something validation derived from a file's text alone, encoded by validation.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Fact {
    pub kind: u8,
    /// What else the fact depends on (settings), as validation hashes it.
    pub salt: u64,
    pub bytes: Arc<[u8]>,
}

/// One kept file.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Entry {
    pub path: String,
    pub stamp: u64,
    pub hash: u128,
    pub front_matter: (u32, u32),
    pub body: (u32, u32),
    pub facts: Arc<[Fact]>,
}

#[derive(Serialize, Deserialize)]
struct Head {
    format: u32,
    identity: u64,
    /// The byte length and xxh3-64 hash of each chunk of entries.
    chunks: Vec<(u64, u64)>,
}

/// Entries per chunk (decoded in parallel).
const CHUNK: usize = 4096;

/// The gongkai that writes a cache file: its version, the file's format and its binary (a
/// rebuilt gongkai of the same version may read or render differently).
pub fn identity(format: u32) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(&format.to_le_bytes());
    if let Some(m) = std::env::current_exe()
        .ok()
        .and_then(|e| std::fs::metadata(e).ok())
    {
        h.update(&m.len().to_le_bytes());
        if let Ok(t) = m.modified() {
            h.update(format!("{t:?}").as_bytes());
        }
    }
    h.digest()
}

/// A file's stamp, when it may be trusted by a later load (its mtime at least [`RACY`]
/// before `started`, the start of this load).
pub fn stamp(m: &std::fs::Metadata, started: SystemTime) -> Option<u64> {
    let old = m.modified().ok()? + RACY <= started;
    if !old || !m.is_file() {
        return None;
    }
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        for n in [
            m.size() as i64,
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec(),
        ] {
            h.update(&n.to_le_bytes());
        }
        h.update(&m.ino().to_le_bytes());
    }
    #[cfg(not(unix))]
    {
        h.update(&m.len().to_le_bytes());
        h.update(format!("{:?}", m.modified().ok()).as_bytes());
    }
    Some(h.digest())
}

/// The record of the last build of a site (empty when there is none it can use).
pub struct Record {
    entries: HashMap<String, Entry>,
    damaged: Arc<AtomicBool>,
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Record({} files)", self.entries.len())
    }
}

impl Record {
    pub fn file(root: &Path) -> PathBuf {
        root.join(".gongkai-cache").join(FILE)
    }

    /// The record of the site at `root`.
    pub fn open(root: &Path) -> Record {
        let entries = std::fs::read(Record::file(root))
            .ok()
            .and_then(|b| decode(&b))
            .unwrap_or_default();
        Record {
            entries: entries.into_iter().map(|e| (e.path.clone(), e)).collect(),
            damaged: Arc::default(),
        }
    }

    /// How many files it keeps.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every kept file.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// The kept file `path` (relative to the root), when its stamp is still `stamp`.
    pub fn get(&self, path: &str, stamp: u64) -> Option<&Entry> {
        self.entries.get(path).filter(|e| e.stamp == stamp)
    }

    /// The text of a kept file, read when asked for.
    pub fn text(&self, abs: PathBuf, e: &Entry) -> Text {
        Text::later(abs, e.hash, e.body.1 as usize, self.damaged.clone())
    }

    /// Whether a kept file was found changed when it was read.
    pub fn damaged(&self) -> bool {
        self.damaged.load(Ordering::Relaxed)
    }

    /// Keeps `entries` (sorted by path) for the next build. Errors are ignored: the next
    /// build reads what is not kept.
    pub fn save(root: &Path, mut entries: Vec<Entry>) {
        entries.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let _ = crate::paths::replace_file_with(&Record::file(root), |w| encode(&entries, w));
    }

    /// Removes the record of the site at `root`.
    pub fn clear(root: &Path) {
        let _ = std::fs::remove_file(Record::file(root));
    }
}

/// The record file: its chunks of entries, then its head, then the head's length (8 bytes,
/// little-endian). Written as it is encoded, a chunk at a time: at 100,000 documents the
/// record is 55 MB, and a build's peak memory is while it renders.
fn encode(entries: &[Entry], w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut chunks = Vec::new();
    for chunk in entries.chunks(CHUNK) {
        let bytes = postcard::to_allocvec(chunk).map_err(std::io::Error::other)?;
        w.write_all(&bytes)?;
        chunks.push((bytes.len() as u64, xxhash_rust::xxh3::xxh3_64(&bytes)));
    }
    let head = Head {
        format: FORMAT,
        identity: identity(FORMAT),
        chunks,
    };
    let head = postcard::to_allocvec(&head).map_err(std::io::Error::other)?;
    w.write_all(&head)?;
    w.write_all(&(head.len() as u64).to_le_bytes())
}

/// The entries of a record written by this gongkai (`None` when it is not one, or damaged).
fn decode(bytes: &[u8]) -> Option<Vec<Entry>> {
    use rayon::prelude::*;
    let end = bytes.len().checked_sub(8)?;
    let n = u64::from_le_bytes(bytes.get(end..)?.try_into().ok()?) as usize;
    let head_at = end.checked_sub(n)?;
    let head: Head = postcard::from_bytes(bytes.get(head_at..end)?).ok()?;
    if head.format != FORMAT || head.identity != identity(FORMAT) {
        return None;
    }
    let mut at = 0usize;
    let mut chunks = Vec::with_capacity(head.chunks.len());
    for (len, sum) in &head.chunks {
        let next = at.checked_add(usize::try_from(*len).ok()?)?;
        chunks.push((bytes.get(at..next)?, *sum));
        at = next;
    }
    if at != head_at {
        return None;
    }
    let entries: Vec<Vec<Entry>> = chunks
        .par_iter()
        .map(|(c, sum)| {
            (xxhash_rust::xxh3::xxh3_64(c) == *sum)
                .then(|| postcard::from_bytes(c).ok())
                .flatten()
        })
        .collect::<Option<_>>()?;
    Some(entries.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, stamp: u64) -> Entry {
        Entry {
            path: path.into(),
            stamp,
            hash: 7,
            front_matter: (4, 20),
            body: (24, 30),
            facts: vec![Fact {
                kind: 1,
                salt: 2,
                bytes: Arc::from(&b"abc"[..]),
            }]
            .into(),
        }
    }

    #[test]
    fn a_record_keeps_its_entries_and_refuses_damage() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(Record::open(root).is_empty());
        let many: Vec<Entry> = (0..5000)
            .map(|i| entry(&format!("content/policies/p{i}.md"), i))
            .collect();
        Record::save(root, many);
        let r = Record::open(root);
        assert_eq!(r.len(), 5000);
        let e = r.get("content/policies/p42.md", 42).unwrap();
        assert_eq!(
            (e.hash, e.front_matter, &*e.facts[0].bytes),
            (7, (4, 20), &b"abc"[..])
        );
        assert!(
            r.get("content/policies/p42.md", 43).is_none(),
            "stamp changed"
        );

        // A truncated or altered record is not used.
        let f = Record::file(root);
        let bytes = std::fs::read(&f).unwrap();
        std::fs::write(&f, &bytes[3..]).unwrap();
        assert!(Record::open(root).is_empty());
        std::fs::write(&f, &bytes[..bytes.len() - 3]).unwrap();
        assert!(Record::open(root).is_empty());
        let mut altered = bytes.clone();
        altered[100] ^= 1;
        std::fs::write(&f, &altered).unwrap();
        assert!(Record::open(root).is_empty(), "a changed byte is found");
        std::fs::write(&f, &bytes).unwrap();
        assert_eq!(Record::open(root).len(), 5000);
        Record::clear(root);
        assert!(!f.exists());
    }

    #[test]
    fn stamps_of_files_changed_just_now_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "x").unwrap();
        let now = SystemTime::now();
        assert_eq!(stamp(&std::fs::metadata(&p).unwrap(), now), None);
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(now - Duration::from_secs(3600)).unwrap();
        let a = stamp(&std::fs::metadata(&p).unwrap(), now).unwrap();
        f.set_modified(now - Duration::from_secs(3599)).unwrap();
        let b = stamp(&std::fs::metadata(&p).unwrap(), now).unwrap();
        assert_ne!(a, b);
    }
}
