//! The rebuild with nothing to do: when no input of the last successful build into an output
//! directory changed and that output is still exactly what the build wrote, `build` does no
//! work at all and reports what the last build reported.
//!
//! The inputs of a build are every file and folder under the site root (the output
//! directory, its staging folder, `.gongkai-cache/` and `.git/` aside) by path, size,
//! mtime, ctime and inode (folders by their entries); the gongkai binary (by the same stamp, so a rebuilt gongkai of the
//! same version counts as new); the build options (output, `--base-url`, `--no-search`,
//! `--precompress`, `--previous` and that file's stamp, the build date); and every
//! `GONGKAI_*` environment variable. Their hash is kept in `.gongkai-cache/` with the last
//! build's summary and diagnostics. Any difference — one byte of one file, a `touch`, a new
//! empty folder — and the build runs as usual.
//!
//! The output is checked too ([`crate::output::intact`]): every file the last build recorded
//! has the stamp it had then, and the marker lists exactly those files. A damaged, deleted
//! or replaced output file sends the build down the usual path, which repairs it.
//!
//! The record is removed before a build changes the output and written after it succeeded,
//! so it never describes an output it did not come from.

use crate::diagnostics::{Diagnostic, Kept};
use crate::source::Listing;
use crate::{BuildOptions, BuildStats};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

const FORMAT: u32 = 2;

/// The hash of every input of a build (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inputs(u64);

/// What the last successful build reported.
#[derive(Serialize, Deserialize)]
struct Record {
    format: u32,
    inputs: u64,
    pages: usize,
    files: usize,
    diags: Vec<Kept>,
}

fn stamp_hash(m: &std::fs::Metadata, h: &mut impl Hasher) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (
            m.size(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec(),
            m.ino(),
        )
            .hash(h);
    }
    #[cfg(not(unix))]
    {
        (m.len(), m.modified().ok()).hash(h);
    }
    (m.is_dir(), m.is_file(), m.file_type().is_symlink()).hash(h);
}

impl Inputs {
    /// The inputs of building `root` into `out` with `opts`; `None` when one cannot be read
    /// (the build then runs as usual and reports it).
    pub fn of(root: &Path, out: &Path, opts: &BuildOptions) -> Option<Inputs> {
        Inputs::listed(root, out, opts).map(|(i, _)| i)
    }

    /// [`Inputs::of`], with what the walk found under `content/` for the load to use
    /// (`None` when the walk does not see all of it: the output folder inside `content/`).
    pub fn listed(
        root: &Path,
        out: &Path,
        opts: &BuildOptions,
    ) -> Option<(Inputs, Option<Listing>)> {
        let mut listing = Listing::begin();
        let out = crate::output::resolve(out);
        let staging = PathBuf::from(format!("{}.gongkai-staging", out.display()));
        let root_abs = crate::output::resolve(root);
        let skip = [
            out,
            staging,
            root_abs.join(".gongkai-cache"),
            root_abs.join(".git"),
        ];
        let content = root_abs.join("content");
        let listable = std::fs::symlink_metadata(&content).is_ok_and(|m| m.is_dir())
            && !skip.iter().any(|s| s.starts_with(&content));
        let root_meta = std::fs::metadata(&root_abs).ok()?;
        let mut found = vec![(root_abs.clone(), root_meta)];
        walk(&root_abs, &skip, &mut found)?;
        use rayon::prelude::*;
        let entries: Vec<(String, u64)> = found
            .par_iter()
            .map(|(path, m)| {
                let mut h = crate::render::keys::StableHasher::default();
                // A folder is its entries, which are listed here; its own mtime changes when
                // a build adds and removes its staging folder beside the output.
                if m.is_dir() {
                    "dir".hash(&mut h);
                } else {
                    stamp_hash(m, &mut h);
                }
                if m.file_type().is_symlink() {
                    // What the link points at is read, not the link.
                    if let Ok(m) = std::fs::metadata(path) {
                        stamp_hash(&m, &mut h);
                    }
                }
                let rel = path.strip_prefix(&root_abs).ok()?;
                Some((rel.to_string_lossy().into_owned(), h.finish()))
            })
            .collect::<Option<_>>()?;
        if listable {
            for (path, m) in found {
                if let Ok(rel) = path.strip_prefix(&content) {
                    if !rel.as_os_str().is_empty() {
                        listing.add(root, rel, m);
                    }
                }
            }
        }
        let mut h = crate::render::keys::StableHasher::default();
        (FORMAT, env!("CARGO_PKG_VERSION"), entries).hash(&mut h);
        let exe = std::env::current_exe().ok()?;
        stamp_hash(&std::fs::metadata(exe).ok()?, &mut h);
        // Every option, as it prints (a new option is covered without a change here).
        format!("{opts:?}").hash(&mut h);
        if let Some(p) = &opts.previous {
            if let Ok(m) = std::fs::metadata(p) {
                stamp_hash(&m, &mut h);
            }
        }
        let mut env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("GONGKAI_") && k != "GONGKAI_PROFILE")
            .collect();
        env.sort();
        env.hash(&mut h);
        Some((Inputs(h.finish()), listable.then(|| listing.finish())))
    }
}

/// Appends every entry below `dir` to `found` with its own metadata (a link's, not its
/// target's): depth first, each folder's entries in byte order of their names, the `skip`
/// folders left out with everything in them. Subfolders are read in parallel (`walkdir` is
/// serial, and a site of 100,000 documents has 130,000 files to stat). `None` on any error.
fn walk(dir: &Path, skip: &[PathBuf], found: &mut Vec<(PathBuf, std::fs::Metadata)>) -> Option<()> {
    use rayon::prelude::*;
    let mut names: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .ok()?
        .collect::<Result<_, _>>()
        .ok()?;
    names.sort_by_key(std::fs::DirEntry::file_name);
    let parts: Vec<Vec<(PathBuf, std::fs::Metadata)>> = names
        .par_iter()
        .filter_map(|e| {
            let path = e.path();
            if skip.contains(&path) {
                return None;
            }
            // Stat relative to the open folder (`fstatat`), not by the whole path.
            let meta = e.metadata();
            Some(meta.ok().and_then(|m| {
                let is_dir = m.is_dir();
                let mut part = vec![(path, m)];
                if is_dir {
                    let below = part[0].0.clone();
                    walk(&below, skip, &mut part)?;
                }
                Some(part)
            }))
        })
        .collect::<Option<_>>()?;
    found.extend(parts.into_iter().flatten());
    Some(())
}

fn path_for(root: &Path, out: &Path) -> PathBuf {
    crate::paths::cache_file(root, out, "uptodate")
}

/// The first line of a record: its format and inputs.
fn head_line(inputs: Inputs) -> String {
    format!("gongkai-uptodate {FORMAT} {:016x}\n", inputs.0)
}

/// The summary and diagnostics of the last build into `out`, when it had exactly these
/// `inputs` and its output is intact.
pub fn last(root: &Path, out: &Path, inputs: Inputs) -> Option<(BuildStats, Vec<Diagnostic>)> {
    let text = std::fs::read(path_for(root, out)).ok()?;
    // The first line says which inputs the record is for: the rest (every diagnostic, 11 MB
    // at 100,000 documents) is parsed only when they are these.
    let (head, body) = text.split_at(text.iter().position(|b| *b == b'\n')? + 1);
    if head != head_line(inputs).as_bytes() {
        return None;
    }
    let r: Record = serde_json::from_slice(body).ok()?;
    if r.format != FORMAT || r.inputs != inputs.0 || !crate::output::intact(root, out) {
        return None;
    }
    let diags = Kept::all(r.diags)?;
    let stats = BuildStats {
        pages: r.pages,
        files: r.files,
        written: 0,
        unchanged: r.files,
        removed: 0,
    };
    Some((stats, diags))
}

/// Forgets the last build into `out` (before its output is replaced).
pub fn forget(root: &Path, out: &Path) {
    let _ = std::fs::remove_file(path_for(root, out));
}

/// Keeps what a successful build with `inputs` into `out` reported. Without it, the next
/// build just runs as usual.
pub fn save(root: &Path, out: &Path, inputs: Inputs, stats: &BuildStats, diags: &[Diagnostic]) {
    let r = Record {
        format: FORMAT,
        inputs: inputs.0,
        pages: stats.pages,
        files: stats.files,
        diags: diags.iter().map(Kept::of).collect(),
    };
    let path = path_for(root, out);
    let write = || -> std::io::Result<()> {
        let mut bytes = head_line(inputs).into_bytes();
        serde_json::to_writer(&mut bytes, &r).map_err(std::io::Error::other)?;
        crate::paths::replace_file(&path, &bytes)
    };
    let _ = write();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> BuildOptions {
        BuildOptions {
            validate: crate::validate::Options {
                build_date: chrono::NaiveDate::from_ymd_opt(2016, 12, 1).unwrap(),
            },
            ..BuildOptions::default()
        }
    }

    #[test]
    fn any_input_change_changes_the_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let out = root.join("public");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), "甲").unwrap();
        let a = Inputs::of(root, &out, &opts()).unwrap();
        assert_eq!(Inputs::of(root, &out, &opts()), Some(a), "stable");
        // The output, the cache and .git are not inputs.
        std::fs::create_dir_all(out.join("x")).unwrap();
        std::fs::create_dir_all(root.join(".gongkai-cache")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/HEAD"), "ref").unwrap();
        assert_eq!(Inputs::of(root, &out, &opts()), Some(a));
        // A new empty folder, a same-size edit, another option: new inputs.
        std::fs::create_dir_all(root.join("content/new")).unwrap();
        let b = Inputs::of(root, &out, &opts()).unwrap();
        assert_ne!(a, b);
        std::fs::write(root.join("content/a.md"), "乙").unwrap();
        let c = Inputs::of(root, &out, &opts()).unwrap();
        assert_ne!(b, c);
        let other = BuildOptions {
            search: false,
            ..opts()
        };
        assert_ne!(Inputs::of(root, &out, &other), Some(c));
        let later = BuildOptions {
            validate: crate::validate::Options {
                build_date: chrono::NaiveDate::from_ymd_opt(2016, 12, 2).unwrap(),
            },
            ..opts()
        };
        assert_ne!(Inputs::of(root, &out, &later), Some(c));
    }

    #[test]
    fn the_listing_is_what_the_load_would_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let out = root.join("public");
        let doc = "+++\ntitle = \"甲\"\n+++\n正文\n";
        for (path, text) in [
            (
                "site-config.toml",
                "[site]\ntitle = \"测试\"\nbase_url = \"https://a.gov.cn\"\norg_code = \"11411500005397436X\"\n",
            ),
            ("content/pages/a.md", doc),
            ("content/pages/.hidden/b.md", doc),
            ("content/pages/c.md~", doc),
            ("content/.x/d.md", doc),
            ("content/files/e.pdf", "%PDF"),
            ("content/files/#f#", "x"),
            ("public/index.html", "x"),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", root.join("content/files/link")).unwrap();
        let summary = |l: &crate::source::Loaded| {
            let docs: Vec<String> = l.docs.iter().map(|d| d.file.path.clone()).collect();
            let assets: Vec<String> = l.assets.keys().cloned().collect();
            let diags: Vec<(String, String)> = l
                .diags
                .iter()
                .map(|d| (d.code.to_string(), d.path.clone()))
                .collect();
            (docs, assets, diags)
        };
        let (_, listing) = Inputs::listed(root, &out, &opts()).unwrap();
        let listing = listing.expect("content/ is listed");
        let walked = crate::source::load(root).unwrap();
        let listed = crate::source::load_with(root, None, Some(&listing)).unwrap();
        assert_eq!(summary(&listed), summary(&walked));
        assert_eq!(summary(&walked).0, vec!["content/pages/a.md".to_string()]);
        assert_eq!(summary(&walked).1, vec!["files/e.pdf".to_string()]);
        // An output folder inside content/ is not walked: no listing then.
        let inside = root.join("content/out");
        assert!(Inputs::listed(root, &inside, &opts()).unwrap().1.is_none());
    }
}
