//! Stage 4, **write**: nothing in the output changes until the whole build succeeded, and
//! nothing gongkai did not write is ever replaced or deleted.
//!
//! **Ownership.** An output directory is gongkai's when it holds the marker file
//! [`MARKER`] (`.gongkai-output`), which lists every file the last build wrote. The writer
//! refuses `/`, and [`Writer::for_site`] also refuses the site root, a parent of it, and
//! `content/`, `static/`, `templates/`, `themes/`, `.gongkai-cache/` or anything inside them
//! (`E-OUTPUT-UNSAFE`); it refuses an existing non-empty directory without the marker, and a
//! file where the directory should be (`E-OUTPUT-NOT-OWNED`). In a directory it owns, it
//! replaces and deletes only files listed in the marker: a file someone else put there is
//! kept, and a build that would have to overwrite one fails (`E-OUTPUT-FOREIGN`).
//!
//! **Atomic commit.** The first build writes into `<out>.gongkai-staging` and renames it into
//! place. Later builds update the output in place: a changed or new file is written into the
//! staging directory; on [`Writer::commit`] every old version that is replaced or deleted is
//! first moved aside into the staging directory, and every step is journalled. If any step
//! fails, the journal is undone in reverse (new files removed, old ones moved back, created
//! directories removed) and the staging directory is removed: the output is the previous one,
//! file for file, inode for inode. The marker is replaced last.
//!
//! **No trust in the disk.** After a build, `.gongkai-cache/files-<hash>.txt` records for
//! every output file a 128-bit hash of its bytes and its size, mtime, ctime and inode as they
//! were right after it was written. A file is kept as it is only when the disk still shows
//! exactly that (any write, truncation, `touch` or replacement changes the ctime, which no
//! program can set back); otherwise it is written again. Without the record file (deleted
//! cache), the old bytes are read and compared.
//!
//! (Creating and deleting directories is the slowest thing a build does on disk — every list
//! item is a directory — so a rebuild must not recreate the whole tree.)

mod memory;
mod records;
mod writer;

pub use memory::Memory;
pub use records::{cache_path, intact, owned_files, records_path};
pub use writer::Writer;

use crate::diagnostics::{Code, Diagnostic};
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file that marks a directory as gongkai's output and lists the files gongkai wrote.
pub const MARKER: &str = ".gongkai-output";
const MARKER_HEADER: &str = "gongkai-output 1";
const MARKER_NOTE: &str =
    "# 此目录由 gongkai 生成。gongkai 只替换或删除下列由它写入的文件；删除本文件后 gongkai 将拒绝写入此目录。";
const RECORDS_HEADER: &str = "gongkai-files 1";

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
    /// The bytes of `rel` in the previous output, when they are exactly what the previous
    /// build wrote there (by its record, the file's stamp and a hash of what is read);
    /// `None` otherwise. Reading does not keep the file.
    fn previous(&self, _rel: &str) -> Option<Vec<u8>> {
        None
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
    } else if rel.starts_with(".gongkai") {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("output path {rel:?} is reserved for gongkai"),
        ))
    } else {
        Ok(())
    }
}

/// Why the writer will not use an output directory, as a diagnostic for the user.
#[derive(Debug)]
pub struct Refused(pub Diagnostic);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.message)
    }
}

impl std::error::Error for Refused {}

/// The diagnostic of an error that is a refusal of the writer.
pub fn refusal(e: &io::Error) -> Option<&Diagnostic> {
    e.get_ref()?.downcast_ref::<Refused>().map(|r| &r.0)
}

fn refuse(code: Code, message: String, hint: &str) -> io::Error {
    io::Error::other(Refused(Diagnostic::new(code, message).with_hint(hint)))
}

/// `p` made absolute, with symlinks and `..` resolved as far as it exists (and `..` removed
/// lexically in the part that does not exist yet).
pub fn resolve(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let comps: Vec<Component> = abs.components().collect();
    for i in (1..=comps.len()).rev() {
        let prefix: PathBuf = comps[..i].iter().collect();
        if let Ok(mut r) = prefix.canonicalize() {
            for c in &comps[i..] {
                match c {
                    Component::ParentDir => {
                        r.pop();
                    }
                    Component::Normal(x) => r.push(x),
                    _ => {}
                }
            }
            return r;
        }
    }
    abs
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
        assert!(
            check_rel(".gongkai-output").is_err(),
            "the marker is reserved"
        );
    }

    #[test]
    fn resolves_dots_and_missing_parts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        assert_eq!(resolve(&root.join("content/..")), root);
        assert_eq!(resolve(&root.join("new/../x")), root.join("x"));
        assert_eq!(
            resolve(&root.join("content/./a/b")),
            root.join("content/a/b")
        );
        assert_eq!(resolve(Path::new("/")), PathBuf::from("/"));
    }

    #[test]
    fn a_file_replaced_by_a_directory_and_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let w = Writer::new(&out).unwrap();
        w.put("a", b"file").unwrap();
        w.commit().unwrap();
        let w = Writer::new(&out).unwrap();
        w.put("a/index.html", b"page").unwrap();
        let stats = w.commit().unwrap();
        assert_eq!((stats.written, stats.removed), (1, 0));
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"page");
        let w = Writer::new(&out).unwrap();
        w.put("a", b"file again").unwrap();
        w.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a")).unwrap(), b"file again");
        assert_eq!(owned_files(&out).unwrap(), Some(vec!["a".to_string()]));
        assert_eq!(owned_files(dir.path()).unwrap(), None);
        assert_eq!(
            std::fs::read_to_string(out.join(MARKER))
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>(),
            [MARKER_HEADER, "a"]
        );
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
