//! The output manifest `gongkai.sha256` and `gongkai verify`.
//!
//! Every build writes `<output>/gongkai.sha256`: one line per output file in the format of
//! `sha256sum` (`<64 hex digits>  <relative path>`), sorted by path, every file but itself.
//! `sha256sum -c gongkai.sha256` run inside the output (or a copy of it) checks it with
//! standard tools; [`verify`] also names the files that were *added* (a planted `shell.php`).
//!
//! The build records the hash of every file as it goes through the [`Sink`] (the bytes are in
//! memory anyway), so the manifest costs one SHA-256 pass over what was rendered, not a
//! second read of the output. A page the build cache kept from the previous output keeps the
//! hash the previous manifest gave it: a file changed behind gongkai's back stays detectable.

use crate::output::Sink;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// File name of the manifest inside the output directory.
pub const FILE: &str = "gongkai.sha256";

/// Files gongkai keeps in the output directory for itself, not served content: never listed
/// in the manifest and never reported by `verify`. Only these exact top-level names: a
/// planted hidden file (`.x.php`) is reported like any other.
pub const WRITER_FILES: &[&str] = &[FILE, crate::output::MARKER];

pub fn is_writer_file(rel: &str) -> bool {
    WRITER_FILES.contains(&rel)
}

/// A SHA-256 digest.
pub type Hash = [u8; 32];

pub fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

fn hex(h: &Hash) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(64);
    for b in h {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn unhex(s: &str) -> Option<Hash> {
    fn nibble(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let s = s.as_bytes();
    if s.len() != 64 {
        return None;
    }
    let mut h = [0u8; 32];
    for (out, pair) in h.iter_mut().zip(s.chunks_exact(2)) {
        *out = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(h)
}

/// A parsed manifest: relative path → hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub files: BTreeMap<String, Hash>,
}

/// A line of a manifest that is not `<hex>  <path>`.
#[derive(Debug)]
pub struct ParseError {
    pub line: usize,
    pub text: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "第 {} 行不是 sha256sum 格式（<64 位十六进制>  <路径>）：{}",
            self.line, self.text
        )
    }
}

impl Manifest {
    /// Parses `sha256sum` output (text mode `<hex>  <path>` or binary mode `<hex> *<path>`).
    pub fn parse(text: &str) -> Result<Manifest, ParseError> {
        // Collected, then built at once: a manifest gongkai wrote is sorted already.
        let mut files = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = || ParseError {
                line: i + 1,
                text: line.chars().take(120).collect(),
            };
            let (h, rest) = line.split_at_checked(64).ok_or_else(bad)?;
            let hash = unhex(h).ok_or_else(bad)?;
            let path = rest
                .strip_prefix("  ")
                .or_else(|| rest.strip_prefix(" *"))
                .ok_or_else(bad)?;
            let path = path.strip_prefix("./").unwrap_or(path);
            if crate::output::check_rel(path).is_err() {
                return Err(bad());
            }
            files.push((path.to_string(), hash));
        }
        // Of a path listed twice, the last line counts (a stable sort keeps them in order).
        Ok(Manifest {
            files: files.into_iter().collect(),
        })
    }

    /// Reads a manifest file; `Ok(None)` when it does not exist.
    pub fn read(path: &Path) -> io::Result<Option<Manifest>> {
        match std::fs::read_to_string(path) {
            Ok(t) => Manifest::parse(&t)
                .map(Some)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The text of the manifest, sorted by path (byte order, as `sort` in the C locale).
    pub fn to_text(&self) -> String {
        let files: Vec<(&String, &Hash)> = self.files.iter().collect();
        crate::format::lines(&files, |s, (p, h)| {
            s.push_str(&hex(h));
            s.push_str("  ");
            s.push_str(p);
        })
    }
}

/// A [`Sink`] that passes every file on and records its hash, for the manifest.
pub struct Recorder<'a> {
    inner: &'a dyn Sink,
    /// `None`: kept from the previous output by the build cache (hash known from the
    /// previous manifest or read back from disk). In the order recorded: of one path
    /// recorded twice, the later counts.
    files: Mutex<Vec<(String, Option<Hash>)>>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn Sink) -> Recorder<'a> {
        Recorder {
            inner,
            files: Mutex::new(Vec::new()),
        }
    }

    fn record(&self, rel: &str, h: Option<Hash>) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), h));
    }

    /// The manifest of everything recorded. Hashes of kept files come from `previous` (the
    /// manifest of the output they were kept from), else from the file in `out`.
    pub fn manifest(self, previous: Option<&Manifest>, out: &Path) -> io::Result<Manifest> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        // Sorted on every core (stably), then built at once; of one path recorded twice, the
        // later counts, as in `Manifest::parse`.
        files.par_sort_by(|a, b| a.0.cmp(&b.0));
        let files: BTreeMap<String, Option<Hash>> = files.into_iter().collect();
        let resolved: Vec<io::Result<(String, Hash)>> = files
            .into_par_iter()
            .filter(|(rel, _)| !is_writer_file(rel))
            .map(|(rel, h)| {
                let h = match h.or_else(|| previous.and_then(|m| m.files.get(&rel).copied())) {
                    Some(h) => h,
                    None => sha256(&std::fs::read(out.join(&rel))?),
                };
                Ok((rel, h))
            })
            .collect();
        Ok(Manifest {
            files: resolved.into_iter().collect::<io::Result<_>>()?,
        })
    }
}

impl Sink for Recorder<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.put(rel, bytes)?;
        self.record(rel, Some(sha256(bytes)));
        Ok(())
    }

    fn copy(&self, rel: &str, abs: &Path) -> io::Result<()> {
        self.inner.copy(rel, abs)?;
        self.record(rel, Some(sha256(&std::fs::read(abs)?)));
        Ok(())
    }

    fn reuse(&self, rel: &str) -> io::Result<bool> {
        let kept = self.inner.reuse(rel)?;
        if kept {
            self.record(rel, None);
        }
        Ok(kept)
    }

    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        self.inner.previous(rel)
    }
}

/// What [`verify`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// In the manifest and in the directory, with other bytes (or not a regular file).
    pub changed: Vec<String>,
    /// In the manifest, not in the directory.
    pub missing: Vec<String>,
    /// In the directory, not in the manifest.
    pub added: Vec<String>,
    /// Files that matched.
    pub ok: usize,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.added.is_empty()
    }
}

/// The name a file of a mirrored site has in the manifest: a crawler may keep URL escapes in
/// file names (`%E5%90%89`, or `%25` for `%`), which gongkai writes decoded.
fn manifest_name<'m>(rel: &str, m: &'m Manifest) -> Option<&'m str> {
    if let Some((k, _)) = m.files.get_key_value(rel) {
        return Some(k);
    }
    if rel.contains('%') {
        let decoded = percent_encoding::percent_decode_str(rel)
            .decode_utf8()
            .ok()?;
        return m
            .files
            .get_key_value(decoded.as_ref())
            .map(|(k, _)| k.as_str());
    }
    None
}

/// Compares `dir` with `manifest`: every changed, missing and added file. The manifest file
/// itself and the writer's own hidden files are not content and are skipped.
pub fn verify(dir: &Path, manifest: &Manifest) -> io::Result<Report> {
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{} 不是目录", dir.display()),
        ));
    }
    let mut entries: Vec<(String, PathBuf, bool)> = Vec::new();
    for e in walkdir::WalkDir::new(dir).follow_links(false) {
        let e = e.map_err(io::Error::other)?;
        if e.file_type().is_dir() {
            continue;
        }
        let rel = crate::diagnostics::rel_path(dir, e.path());
        if is_writer_file(&rel) {
            continue;
        }
        entries.push((rel, e.path().to_path_buf(), e.file_type().is_file()));
    }
    // Hash in parallel; a symlink or special file is never what gongkai wrote.
    let checked: Vec<(String, Option<&str>, bool)> = entries
        .par_iter()
        .map(|(rel, abs, regular)| {
            let name = manifest_name(rel, manifest);
            let same = match (name, regular) {
                (Some(n), true) => std::fs::read(abs)
                    .map(|b| sha256(&b) == manifest.files[n])
                    .unwrap_or(false),
                _ => false,
            };
            (rel.clone(), name, same)
        })
        .collect();
    let mut report = Report::default();
    let mut present: BTreeSet<&str> = BTreeSet::new();
    for (rel, name, same) in checked {
        match name {
            None => report.added.push(rel),
            Some(n) => {
                present.insert(n);
                if same {
                    report.ok += 1;
                } else {
                    report.changed.push(n.to_string());
                }
            }
        }
    }
    report.missing = manifest
        .files
        .keys()
        .filter(|k| !present.contains(k.as_str()) && !is_writer_file(k))
        .cloned()
        .collect();
    report.changed.sort();
    report.added.sort();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_sha256sum_format() {
        let mut m = Manifest::default();
        m.files.insert("b/index.html".into(), sha256(b"x"));
        m.files.insert("a.css".into(), sha256(b""));
        let t = m.to_text();
        assert_eq!(
            t.lines().next().unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.css"
        );
        assert_eq!(Manifest::parse(&t).unwrap(), m);
        let binary = t.replace("  ", " *");
        assert_eq!(Manifest::parse(&binary).unwrap(), m);
    }

    #[test]
    fn bad_lines_and_escaping_paths_are_refused() {
        for bad in [
            "zz  a",
            &format!("{}  ../etc/passwd", "0".repeat(64)),
            &format!("{} a", "0".repeat(64)),
        ] {
            let e = Manifest::parse(&format!("\n{bad}\n")).unwrap_err();
            assert_eq!(e.line, 2, "{bad}");
        }
    }

    #[test]
    fn verify_names_changed_missing_and_added() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("吉")).unwrap();
        std::fs::write(d.join("a.html"), "a").unwrap();
        std::fs::write(d.join("吉/index.html"), "b").unwrap();
        let mut m = Manifest::default();
        m.files.insert("a.html".into(), sha256(b"a"));
        m.files.insert("吉/index.html".into(), sha256(b"b"));
        assert!(verify(d, &m).unwrap().is_clean());
        // A mirror that kept the URL escapes in its file names still matches.
        std::fs::rename(d.join("吉"), d.join("%E5%90%89")).unwrap();
        assert!(verify(d, &m).unwrap().is_clean());
        m.files.insert("gone.html".into(), sha256(b"g"));
        std::fs::write(d.join("a.html"), "a<script>").unwrap();
        std::fs::write(d.join("shell.php"), "<?php").unwrap();
        let r = verify(d, &m).unwrap();
        assert_eq!(r.changed, ["a.html"]);
        assert_eq!(r.missing, ["gone.html"]);
        assert_eq!(r.added, ["shell.php"]);
    }
}
