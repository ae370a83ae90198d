//! Stage 4, **write**: nothing in the output changes until the whole build succeeded.
//!
//! The first build writes into a staging directory beside the output and renames it into
//! place. Later builds update the output in place: a file whose bytes did not change is not
//! touched at all (it keeps its mtime and inode, so rsync/CDN uploads skip it), a changed or
//! new file is written into the staging directory and moved over the old one only on
//! [`Writer::commit`], and files the build no longer produces are deleted then. A failed build
//! leaves the previous output exactly as it was.
//!
//! (Creating and deleting directories is the slowest thing a build does on disk — every list
//! item is a directory — so a rebuild must not recreate the whole tree.)

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
    /// Keeps `rel` as it is in the previous output, when there is one (the build cache says it
    /// would come out the same). False when the file has to be produced.
    fn reuse(&self, _rel: &str) -> io::Result<bool> {
        Ok(false)
    }
}

/// Refuses output paths that could leave the output directory.
pub fn check_rel(rel: &str) -> io::Result<()> {
    let bad = rel.is_empty()
        || rel.starts_with('/')
        || rel.split('/').any(|s| {
            s.is_empty()
                || s == "."
                || s == ".."
                || s.contains('\\')
                || s.chars().any(char::is_control)
        });
    if bad {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unsafe output path {rel:?}"),
        ))
    } else {
        Ok(())
    }
}

/// Writes a build: into `<out>.gongkai-staging`, then into `out` on [`Writer::commit`].
pub struct Writer {
    out: PathBuf,
    staging: PathBuf,
    /// The output exists: update it in place (else the staging directory becomes it).
    in_place: bool,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    /// Every file of this build.
    paths: Mutex<HashSet<String>>,
    /// Directories already created inside the staging directory.
    dirs: Mutex<HashSet<PathBuf>>,
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
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
            in_place: out.is_dir(),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            paths: Mutex::new(HashSet::new()),
            dirs: Mutex::new(HashSet::new()),
        })
    }

    fn place(
        &self,
        rel: &str,
        same_as_old: impl FnOnce(&Path) -> bool,
        write: impl FnOnce(&Path) -> io::Result<()>,
    ) -> io::Result<()> {
        check_rel(rel)?;
        let target = self.staging.join(rel);
        let old = self.out.join(rel);
        if self.in_place && same_as_old(&old) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        } else {
            self.parent_dir(&target)?;
            write(&target)?;
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        self.paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
        Ok(())
    }

    /// Creates the parent directory of `target` once per build, not once per file.
    fn parent_dir(&self, target: &Path) -> io::Result<()> {
        if let Some(parent) = target.parent() {
            if !self
                .dirs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(parent)
            {
                std::fs::create_dir_all(parent)?;
                self.dirs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(parent.to_path_buf());
            }
        }
        Ok(())
    }

    /// Removes the staging directory; the previous output is untouched.
    pub fn abort(&mut self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }

    /// Puts the build in place of the previous output.
    pub fn commit(self) -> Result<BuildStats, (PathBuf, io::Error)> {
        let paths = self.paths.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut removed = 0;
        if self.in_place {
            // Changed and new files: each moved over its old version.
            for abs in all_files(&self.staging) {
                let rel = crate::diagnostics::rel_path(&self.staging, &abs);
                let target = self.out.join(&rel);
                if let Some(parent) = target.parent() {
                    if !parent.is_dir() {
                        // A file may stand where a directory is now needed.
                        clear_path(&self.out, parent);
                        std::fs::create_dir_all(parent).map_err(|e| (parent.to_path_buf(), e))?;
                    }
                }
                if target.is_dir() {
                    std::fs::remove_dir_all(&target).map_err(|e| (target.clone(), e))?;
                }
                std::fs::rename(&abs, &target).map_err(|e| (target.clone(), e))?;
            }
            // Files no longer produced, then directories left empty.
            for abs in all_files(&self.out) {
                if !paths.contains(&crate::diagnostics::rel_path(&self.out, &abs)) {
                    std::fs::remove_file(&abs).map_err(|e| (abs.clone(), e))?;
                    removed += 1;
                    let mut dir = abs.parent();
                    while let Some(d) = dir.filter(|d| *d != self.out) {
                        if std::fs::remove_dir(d).is_err() {
                            break;
                        }
                        dir = d.parent();
                    }
                }
            }
            std::fs::remove_dir_all(&self.staging).map_err(|e| (self.staging.clone(), e))?;
        } else {
            if self.out.exists() {
                // Not a directory: a file in the way.
                std::fs::remove_file(&self.out).map_err(|e| (self.out.clone(), e))?;
            }
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

/// Every file (and symlink) under `dir`, hidden ones too, sorted.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// Removes the file, if any, that stands at `dir` or one of its parents inside `out`.
fn clear_path(out: &Path, dir: &Path) {
    let mut d = Some(dir);
    while let Some(p) = d.filter(|p| *p != out) {
        if p.is_file() {
            let _ = std::fs::remove_file(p);
            return;
        }
        d = p.parent();
    }
}

impl Sink for Writer {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.place(
            rel,
            |old| match std::fs::metadata(old) {
                Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
                    std::fs::read(old).map(|b| b == bytes).unwrap_or(false)
                }
                _ => false,
            },
            |target| std::fs::write(target, bytes),
        )
    }

    fn copy(&self, rel: &str, abs: &Path) -> io::Result<()> {
        self.place(
            rel,
            |old| match (std::fs::metadata(old), std::fs::metadata(abs)) {
                (Ok(a), Ok(b)) if a.is_file() && a.len() == b.len() => {
                    matches!((std::fs::read(old), std::fs::read(abs)), (Ok(x), Ok(y)) if x == y)
                }
                _ => false,
            },
            |target| std::fs::copy(abs, target).map(|_| ()),
        )
    }

    fn reuse(&self, rel: &str) -> io::Result<bool> {
        check_rel(rel)?;
        if !self.in_place || !self.out.join(rel).is_file() {
            return Ok(false);
        }
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        self.paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
        Ok(true)
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
        let before = std::fs::metadata(out.join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let w = Writer::new(&out).unwrap();
        w.put("a/index.html", b"one").unwrap();
        w.put("b.txt", b"changed").unwrap();
        let stats = w.commit().unwrap();
        assert_eq!((stats.written, stats.unchanged), (1, 1));
        let after = std::fs::metadata(out.join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
        let mut w = Writer::new(&out).unwrap();
        w.put("b.txt", b"three").unwrap();
        w.abort();
        assert_eq!(std::fs::read(out.join("b.txt")).unwrap(), b"changed");
    }
}
