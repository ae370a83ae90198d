//! Stage 4, **write**: files go into a staging directory beside the output and are swapped in
//! only when the whole build succeeded. A file whose bytes did not change is hard-linked from
//! the previous output, so it keeps its mtime and rsync/CDN uploads skip it.

use crate::BuildStats;
use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Where rendered files go: the staging directory for `build`, memory for `serve`.
pub trait Sink: Sync {
    /// Stores a file at `rel` (a `/`-separated path inside the output).
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copies a file from disk to `rel`.
    fn copy(&self, rel: &str, abs: &Path) -> io::Result<()> {
        let bytes = std::fs::read(abs)?;
        self.put(rel, &bytes)
    }
}

/// Refuses output paths that could leave the output directory.
pub fn check_rel(rel: &str) -> io::Result<()> {
    let bad = rel.is_empty()
        || rel.starts_with('/')
        || rel.split('/').any(|s| s.is_empty() || s == "." || s == ".." || s.contains('\\') || s.chars().any(char::is_control));
    if bad {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unsafe output path {rel:?}")))
    } else {
        Ok(())
    }
}

/// Writes a build into `<out>.gongkai-staging` and swaps it in on [`Writer::commit`].
pub struct Writer {
    out: PathBuf,
    staging: PathBuf,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    paths: Mutex<HashSet<String>>,
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!("{name}.{suffix}"))
}

impl Writer {
    pub fn new(out: &Path) -> io::Result<Writer> {
        let staging = sibling(out, "gongkai-staging");
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        if let Some(parent) = staging.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::create_dir_all(&staging)?;
        Ok(Writer {
            out: out.to_path_buf(),
            staging,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            paths: Mutex::new(HashSet::new()),
        })
    }

    fn place(&self, rel: &str, same_as_old: impl FnOnce(&Path) -> bool, write: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
        check_rel(rel)?;
        let target = self.staging.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let old = self.out.join(rel);
        if same_as_old(&old) && std::fs::hard_link(&old, &target).is_ok() {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        } else {
            write(&target)?;
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        self.paths.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
        Ok(())
    }

    /// Removes the staging directory; the previous output is untouched.
    pub fn abort(&mut self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }

    /// Swaps the staging directory in place of the output.
    pub fn commit(self) -> Result<BuildStats, (PathBuf, io::Error)> {
        let paths = self.paths.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut removed = 0;
        if self.out.exists() {
            removed = crate::source::walk(&self.out)
                .iter()
                .filter(|p| !paths.contains(&crate::diagnostics::rel_path(&self.out, p)))
                .count();
            let old = sibling(&self.out, "gongkai-old");
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(|e| (old.clone(), e))?;
            }
            std::fs::rename(&self.out, &old).map_err(|e| (self.out.clone(), e))?;
            if let Err(e) = std::fs::rename(&self.staging, &self.out) {
                let _ = std::fs::rename(&old, &self.out);
                return Err((self.out.clone(), e));
            }
            std::fs::remove_dir_all(&old).map_err(|e| (old.clone(), e))?;
        } else {
            std::fs::rename(&self.staging, &self.out).map_err(|e| (self.out.clone(), e))?;
        }
        Ok(BuildStats {
            pages: 0,
            files: paths.len(),
            written: self.written.into_inner(),
            unchanged: self.unchanged.into_inner(),
            removed,
        })
    }
}

impl Sink for Writer {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.place(
            rel,
            |old| match std::fs::metadata(old) {
                Ok(m) if m.len() == bytes.len() as u64 => std::fs::read(old).map(|b| b == bytes).unwrap_or(false),
                _ => false,
            },
            |target| std::fs::write(target, bytes),
        )
    }

    fn copy(&self, rel: &str, abs: &Path) -> io::Result<()> {
        self.place(
            rel,
            |old| match (std::fs::metadata(old), std::fs::metadata(abs)) {
                (Ok(a), Ok(b)) if a.len() == b.len() => {
                    matches!((std::fs::read(old), std::fs::read(abs)), (Ok(x), Ok(y)) if x == y)
                }
                _ => false,
            },
            |target| std::fs::copy(abs, target).map(|_| ()),
        )
    }
}

/// An in-memory output, for `serve` and tests.
#[derive(Default)]
pub struct Memory {
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Sink for Memory {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_rel(rel)?;
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", ""] {
            assert!(check_rel(bad).is_err(), "{bad}");
        }
        assert!(check_rel("policies/2016/吉林/index.html").is_ok());
    }

    #[test]
    fn unchanged_files_keep_their_inode_and_failed_builds_leave_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let w = Writer::new(&out).unwrap();
        w.put("a/index.html", b"one").unwrap();
        w.put("b.txt", b"two").unwrap();
        w.commit().unwrap();
        let before = std::fs::metadata(out.join("a/index.html")).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let w = Writer::new(&out).unwrap();
        w.put("a/index.html", b"one").unwrap();
        w.put("b.txt", b"changed").unwrap();
        let stats = w.commit().unwrap();
        assert_eq!((stats.written, stats.unchanged), (1, 1));
        let after = std::fs::metadata(out.join("a/index.html")).unwrap().modified().unwrap();
        assert_eq!(before, after);
        let mut w = Writer::new(&out).unwrap();
        w.put("b.txt", b"three").unwrap();
        w.abort();
        assert_eq!(std::fs::read(out.join("b.txt")).unwrap(), b"changed");
    }
}
