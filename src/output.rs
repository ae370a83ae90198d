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

use crate::diagnostics::{Code, Diagnostic};
use crate::BuildStats;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// What the disk shows of a file: size, mtime, ctime, inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    ino: u64,
}

#[cfg(unix)]
fn stamp(m: &std::fs::Metadata) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    m.is_file().then(|| Stamp {
        len: m.size(),
        mtime: (m.mtime(), m.mtime_nsec()),
        ctime: (m.ctime(), m.ctime_nsec()),
        ino: m.ino(),
    })
}

#[cfg(not(unix))]
fn stamp(_: &std::fs::Metadata) -> Option<Stamp> {
    None
}

fn stamp_of(p: &Path) -> Option<Stamp> {
    std::fs::symlink_metadata(p).ok().and_then(|m| stamp(&m))
}

/// A file as the previous build left it: the hash of its bytes and its stamp on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Record {
    hash: u128,
    stamp: Stamp,
}

fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Where the file records of an output directory live.
pub fn records_path(root: &Path, out: &Path) -> PathBuf {
    let p = crate::render::keys::path_for(root, out);
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().replacen("out-", "files-", 1))
        .unwrap_or_default();
    p.with_file_name(name)
}

fn load_records(path: &Path) -> HashMap<String, Record> {
    let mut m = HashMap::new();
    let Ok(text) = std::fs::read_to_string(path) else {
        return m;
    };
    let mut lines = text.lines();
    if lines.next() != Some(RECORDS_HEADER) {
        return m;
    }
    for line in lines {
        let Some((nums, rel)) = line.split_once('\t') else {
            continue;
        };
        let f: Vec<&str> = nums.split(' ').collect();
        let parse = || -> Option<Record> {
            let [h, len, ms, mn, cs, cn, ino] = f.as_slice() else {
                return None;
            };
            Some(Record {
                hash: u128::from_str_radix(h, 16).ok()?,
                stamp: Stamp {
                    len: len.parse().ok()?,
                    mtime: (ms.parse().ok()?, mn.parse().ok()?),
                    ctime: (cs.parse().ok()?, cn.parse().ok()?),
                    ino: ino.parse().ok()?,
                },
            })
        };
        if let Some(r) = parse() {
            m.insert(rel.to_string(), r);
        }
    }
    m
}

fn save_records(path: &Path, records: &[(&String, Record)]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    {
        let mut w = io::BufWriter::new(std::fs::File::create(&tmp)?);
        writeln!(w, "{RECORDS_HEADER}")?;
        for (rel, r) in records {
            let s = r.stamp;
            writeln!(
                w,
                "{:032x} {} {} {} {} {} {}\t{rel}",
                r.hash, s.len, s.mtime.0, s.mtime.1, s.ctime.0, s.ctime.1, s.ino
            )?;
        }
        w.flush()?;
    }
    std::fs::rename(&tmp, path)
}

/// Reads the marker of `out`: the files the last build wrote. `None` when there is none.
fn read_marker(out: &Path) -> io::Result<Option<HashSet<String>>> {
    let text = match std::fs::read_to_string(out.join(MARKER)) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut lines = text.lines();
    if lines.next() != Some(MARKER_HEADER) {
        return Err(refuse(
            Code::OutputNotOwned,
            format!(
                "输出目录 {} 中的 {MARKER} 不是本版本 gongkai 能读的格式",
                out.display()
            ),
            "用本版本 gongkai 生成到一个新的空目录，或确认后手动清空该目录",
        ));
    }
    Ok(Some(
        lines
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
    ))
}

/// The files of the last build into `out`, sorted, as its marker lists them (`None`: `out`
/// is not a gongkai output). For whatever runs after [`Writer::commit`], e.g. a manifest.
pub fn owned_files(out: &Path) -> io::Result<Option<Vec<String>>> {
    Ok(read_marker(out)?.map(|set| {
        let mut v: Vec<String> = set.into_iter().collect();
        v.sort();
        v
    }))
}

fn marker_text<'a>(files: impl Iterator<Item = &'a String>) -> String {
    let sorted: BTreeSet<&String> = files.collect();
    let mut s = format!("{MARKER_HEADER}\n{MARKER_NOTE}\n");
    for f in sorted {
        s.push_str(f);
        s.push('\n');
    }
    s
}

/// Which move of a commit fails on purpose (`GONGKAI_FAULT_MOVE=<n>`, or `last`: the
/// replacement of the marker), so that tests can prove the rollback; unset in normal use.
#[derive(Clone, Copy)]
enum Fault {
    At(usize),
    Last,
}

/// Writes a build: into `<out>.gongkai-staging`, then into `out` on [`Writer::commit`].
pub struct Writer {
    out: PathBuf,
    staging: PathBuf,
    /// The output is an earlier gongkai output: update it in place (else the staging
    /// directory becomes it).
    in_place: bool,
    /// Files the previous build wrote (from the marker): the only ones that may be replaced.
    owned: HashSet<String>,
    /// Hashes and stamps of the previous build's files, when the cache has them.
    prev: HashMap<String, Record>,
    records: Option<PathBuf>,
    fault: Option<Fault>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    /// Every file of this build, with the hash of its bytes.
    files: Mutex<HashMap<String, u128>>,
    /// Files written into the staging directory.
    staged: Mutex<Vec<String>>,
    /// Directories already created inside the staging directory.
    dirs: Mutex<HashSet<PathBuf>>,
    done: bool,
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!("{name}.{suffix}"))
}

const HINT_DEDICATED: &str =
    "输出目录必须是 gongkai 专用的目录，例如站点根目录下的 public/（默认，[build] output = \"public\"）";

/// One step of a commit, and how to undo it.
enum Undo {
    /// `target` was moved aside to `backup`.
    Restore { backup: PathBuf, target: PathBuf },
    /// A new file was moved to this path.
    Remove(PathBuf),
    /// This directory was created.
    RemoveDir(PathBuf),
}

/// What stands at a directory path of the output, as far as the commit is concerned.
#[derive(Clone, Copy, PartialEq)]
enum DirState {
    Dir,
    Missing,
    /// A file the previous build wrote; it is moved aside for the directory.
    OwnedFile,
    /// Something gongkai did not write (a file, a symlink), or below one.
    Foreign,
}

impl Writer {
    /// A writer for `out`, refusing `/`, a non-empty directory that is not gongkai's and a
    /// file in the way. Unchanged files are found by comparing bytes.
    pub fn new(out: &Path) -> io::Result<Writer> {
        Writer::open(out, None)
    }

    /// A writer for the output `out` of the site at `root`: also refuses the root, its
    /// parents and its source folders, and keeps file records in the root's `.gongkai-cache/`.
    pub fn for_site(out: &Path, root: &Path) -> io::Result<Writer> {
        let o = resolve(out);
        let r = resolve(root);
        let unsafe_out = |what: String| {
            Err(refuse(
                Code::OutputUnsafe,
                format!("不能把{what}（{}）作为输出目录", o.display()),
                HINT_DEDICATED,
            ))
        };
        if o.parent().is_none() {
            return unsafe_out("文件系统根目录 /".into());
        }
        if o == r {
            return unsafe_out("站点根目录".into());
        }
        if r.starts_with(&o) {
            return unsafe_out("站点根目录的上级目录".into());
        }
        for d in ["content", "static", "templates", "themes", ".gongkai-cache"] {
            if o.starts_with(r.join(d)) {
                return unsafe_out(format!(" {d}/ 或其中的目录"));
            }
        }
        Writer::open(&o, Some(records_path(root, &o)))
    }

    fn open(out: &Path, records: Option<PathBuf>) -> io::Result<Writer> {
        let out = resolve(out);
        if out.parent().is_none() {
            return Err(refuse(
                Code::OutputUnsafe,
                "不能把文件系统根目录 / 作为输出目录".into(),
                HINT_DEDICATED,
            ));
        }
        let (in_place, owned) = match std::fs::symlink_metadata(&out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => (false, HashSet::new()),
            Err(e) => return Err(e),
            Ok(m) if m.is_dir() => match read_marker(&out)? {
                Some(owned) => (true, owned),
                None if std::fs::read_dir(&out)?.next().is_none() => (false, HashSet::new()),
                None => {
                    return Err(refuse(
                        Code::OutputNotOwned,
                        format!(
                            "输出目录 {} 已有文件，但不是 gongkai 生成的（没有 {MARKER}）；gongkai 不会删除或覆盖它们",
                            out.display()
                        ),
                        "换一个不存在或空的输出目录（--output 或 [build] output）；如果这确实是旧版 gongkai 的输出，请先手动删除它",
                    ))
                }
            },
            Ok(_) => {
                return Err(refuse(
                    Code::OutputNotOwned,
                    format!("输出路径 {} 是一个文件，不是目录", out.display()),
                    "换一个输出目录，或先移走这个文件",
                ))
            }
        };
        let staging = sibling(&out, "gongkai-staging");
        if std::fs::symlink_metadata(&staging).is_ok() {
            // Left by a build that was killed: named by gongkai, holds nothing else.
            std::fs::remove_dir_all(&staging)?;
        }
        if let Some(parent) = staging.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::create_dir(&staging)?;
        let prev = match (&records, in_place) {
            (Some(p), true) => load_records(p),
            _ => HashMap::new(),
        };
        let fault = std::env::var("GONGKAI_FAULT_MOVE")
            .ok()
            .and_then(|v| match v.as_str() {
                "last" => Some(Fault::Last),
                n => n.parse().ok().map(Fault::At),
            });
        Ok(Writer {
            out,
            staging,
            in_place,
            owned,
            prev,
            records,
            fault,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            files: Mutex::new(HashMap::new()),
            staged: Mutex::new(Vec::new()),
            dirs: Mutex::new(HashSet::new()),
            done: false,
        })
    }

    /// The output directory (resolved).
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// True when the previous output's file at `rel` is, by its record and stamp, the file
    /// with bytes of hash `hash` and length `len` (without a record: by comparing bytes).
    fn same_as_old(&self, rel: &str, hash: u128, bytes: &[u8]) -> bool {
        if !self.in_place || !self.owned.contains(rel) {
            return false;
        }
        let old = self.out.join(rel);
        match self.prev.get(rel) {
            Some(r) => {
                r.hash == hash
                    && r.stamp.len == bytes.len() as u64
                    && stamp_of(&old) == Some(r.stamp)
            }
            None => match std::fs::symlink_metadata(&old) {
                Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
                    std::fs::read(&old).map(|b| b == bytes).unwrap_or(false)
                }
                _ => false,
            },
        }
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
        self.done = true;
        let _ = std::fs::remove_dir_all(&self.staging);
    }

    /// Puts the build in place of the previous output, or leaves the previous output exactly
    /// as it was and returns the error.
    pub fn commit(mut self) -> Result<BuildStats, (PathBuf, io::Error)> {
        self.done = true;
        let files = std::mem::take(&mut *self.files.lock().unwrap_or_else(|e| e.into_inner()));
        let mut staged =
            std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
        staged.sort();
        let removed = if self.in_place {
            self.commit_in_place(&files, &staged)?
        } else {
            self.commit_new(&files)?
        };
        if let Some(path) = &self.records {
            let staged: HashSet<&String> = staged.iter().collect();
            // One stat per written file, on every core.
            use rayon::prelude::*;
            let mut recs: Vec<(&String, Record)> = files
                .par_iter()
                .filter_map(|(rel, &hash)| {
                    let stamp = match self.prev.get(rel) {
                        Some(r) if !staged.contains(rel) && r.hash == hash => r.stamp,
                        _ => stamp_of(&self.out.join(rel))?,
                    };
                    Some((rel, Record { hash, stamp }))
                })
                .collect();
            recs.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
            // Without records the next build compares bytes: nothing is lost.
            let _ = save_records(path, &recs);
        }
        Ok(BuildStats {
            pages: 0,
            files: files.len(),
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed,
        })
    }

    fn fail_at(&self, n: usize, last: bool) -> io::Result<()> {
        match self.fault {
            Some(Fault::At(k)) if k == n => {
                Err(io::Error::other(format!("第 {n} 步移动按要求失败")))
            }
            Some(Fault::Last) if last => Err(io::Error::other("最后一步移动按要求失败")),
            _ => Ok(()),
        }
    }

    /// First build: the staging directory, marked, becomes the output.
    fn commit_new(&self, files: &HashMap<String, u128>) -> Result<usize, (PathBuf, io::Error)> {
        let r = std::fs::write(self.staging.join(MARKER), marker_text(files.keys()))
            .and_then(|_| self.fail_at(1, true))
            // `out` is absent or an empty directory, which rename replaces.
            .and_then(|_| std::fs::rename(&self.staging, &self.out));
        r.map(|_| 0).map_err(|e| {
            let _ = std::fs::remove_dir_all(&self.staging);
            (self.out.clone(), e)
        })
    }

    /// What stands at the output directory `rel` (`""`: the output itself), memoized.
    fn dir_state(&self, rel: &str, memo: &mut HashMap<String, DirState>) -> io::Result<DirState> {
        if rel.is_empty() {
            return Ok(DirState::Dir);
        }
        if let Some(s) = memo.get(rel) {
            return Ok(*s);
        }
        let parent = rel.rsplit_once('/').map_or("", |(p, _)| p);
        let state = match self.dir_state(parent, memo)? {
            DirState::Dir => match std::fs::symlink_metadata(self.out.join(rel)) {
                Ok(m) if m.is_dir() => DirState::Dir,
                Ok(m) if m.is_file() && self.owned.contains(rel) => DirState::OwnedFile,
                Ok(_) => DirState::Foreign,
                Err(e) if e.kind() == io::ErrorKind::NotFound => DirState::Missing,
                Err(e) => return Err(e),
            },
            DirState::Missing | DirState::OwnedFile => DirState::Missing,
            DirState::Foreign => DirState::Foreign,
        };
        memo.insert(rel.to_string(), state);
        Ok(state)
    }

    /// Files under the directory `rel` of the output that gongkai did not write.
    fn foreign_below(&self, rel: &str) -> Vec<String> {
        walkdir::WalkDir::new(self.out.join(rel))
            .follow_links(false)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| !e.file_type().is_dir())
            .map(|e| crate::diagnostics::rel_path(&self.out, e.path()))
            .filter(|r| !self.owned.contains(r))
            .collect()
    }

    fn commit_in_place(
        &self,
        files: &HashMap<String, u128>,
        staged: &[String],
    ) -> Result<usize, (PathBuf, io::Error)> {
        let fail = |p: PathBuf, e: io::Error| {
            let _ = std::fs::remove_dir_all(&self.staging);
            (p, e)
        };
        // 1. Nothing changes yet: is anything gongkai did not write in the way?
        let mut memo = HashMap::new();
        let mut foreign = Vec::new();
        for rel in staged {
            let parent = rel.rsplit_once('/').map_or("", |(p, _)| p);
            let state = self
                .dir_state(parent, &mut memo)
                .map_err(|e| fail(self.out.join(parent), e))?;
            match state {
                DirState::Foreign => foreign.push(rel.clone()),
                DirState::Missing | DirState::OwnedFile => {}
                DirState::Dir => match std::fs::symlink_metadata(self.out.join(rel)) {
                    Ok(m) if m.is_file() && self.owned.contains(rel) => {}
                    Ok(m) if m.is_dir() => foreign.extend(self.foreign_below(rel)),
                    Ok(_) => foreign.push(rel.clone()),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(fail(self.out.join(rel), e)),
                },
            }
        }
        if !foreign.is_empty() {
            foreign.sort();
            let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
            return Err(fail(
                self.out.join(&foreign[0]),
                refuse(
                    Code::OutputForeign,
                    format!(
                        "输出目录 {} 中有 {} 个不是 gongkai 写入的文件挡住了要生成的文件：{}",
                        self.out.display(),
                        foreign.len(),
                        shown.join("、")
                    ),
                    "gongkai 不会覆盖不是它写入的文件：请移走这些文件后重新生成",
                ),
            ));
        }

        // 2. Every step journalled; any failure undoes them all.
        let backups = self.staging.join(".gongkai-backup");
        let mut journal: Vec<Undo> = Vec::new();
        let mut removed_paths: Vec<PathBuf> = Vec::new();
        let result = (|| -> Result<(), (PathBuf, io::Error)> {
            std::fs::create_dir(&backups).map_err(|e| (backups.clone(), e))?;
            let mut n_backup = 0usize;
            let mut set_aside = |target: &Path, journal: &mut Vec<Undo>| -> io::Result<()> {
                n_backup += 1;
                let backup = backups.join(n_backup.to_string());
                std::fs::rename(target, &backup)?;
                journal.push(Undo::Restore {
                    backup,
                    target: target.to_path_buf(),
                });
                Ok(())
            };
            let mut moves = 0usize;
            let mut created: HashSet<String> = HashSet::new();
            // New files: the marker claims them before they arrive, so that even a killed
            // build leaves only files the marker lists.
            if files.keys().any(|f| !self.owned.contains(f)) {
                let next = self.staging.join(".gongkai-output.claim");
                let text = marker_text(self.owned.iter().chain(files.keys()));
                std::fs::write(&next, text).map_err(|e| (next.clone(), e))?;
                let marker = self.out.join(MARKER);
                moves += 1;
                self.fail_at(moves, false)
                    .and_then(|_| set_aside(&marker, &mut journal))
                    .and_then(|_| std::fs::rename(&next, &marker))
                    .map_err(|e| (marker.clone(), e))?;
                journal.push(Undo::Remove(marker));
            }
            for rel in staged {
                let target = self.out.join(rel);
                // Parent directories, from the top: create the missing ones, move aside a
                // file the previous build wrote where a directory is now needed.
                let parent = rel.rsplit_once('/').map_or("", |(p, _)| p);
                let mut chain = Vec::new();
                let mut d = parent;
                while !d.is_empty() && !created.contains(d) {
                    chain.push(d);
                    d = d.rsplit_once('/').map_or("", |(p, _)| p);
                }
                for d in chain.into_iter().rev() {
                    let abs = self.out.join(d);
                    match memo.get(d).copied().unwrap_or(DirState::Missing) {
                        DirState::Dir => {}
                        DirState::OwnedFile => {
                            set_aside(&abs, &mut journal).map_err(|e| (abs.clone(), e))?;
                            std::fs::create_dir(&abs).map_err(|e| (abs.clone(), e))?;
                            journal.push(Undo::RemoveDir(abs));
                        }
                        _ => {
                            std::fs::create_dir(&abs).map_err(|e| (abs.clone(), e))?;
                            journal.push(Undo::RemoveDir(abs));
                        }
                    }
                    created.insert(d.to_string());
                }
                // The old version (a file, or a directory of old files) is moved aside.
                if std::fs::symlink_metadata(&target).is_ok() {
                    set_aside(&target, &mut journal).map_err(|e| (target.clone(), e))?;
                }
                moves += 1;
                self.fail_at(moves, false)
                    .and_then(|_| std::fs::rename(self.staging.join(rel), &target))
                    .map_err(|e| (target.clone(), e))?;
                journal.push(Undo::Remove(target));
            }
            // Files the build no longer produces (only those the previous build wrote).
            let mut gone: Vec<&String> = self
                .owned
                .iter()
                .filter(|f| !files.contains_key(*f))
                .collect();
            gone.sort();
            for rel in gone {
                let target = self.out.join(rel);
                match std::fs::symlink_metadata(&target) {
                    Ok(m) if m.is_file() => {
                        moves += 1;
                        self.fail_at(moves, false)
                            .and_then(|_| set_aside(&target, &mut journal))
                            .map_err(|e| (target.clone(), e))?;
                        removed_paths.push(target);
                    }
                    _ => {}
                }
            }
            // The marker, last: from now on the output is the new one. (Unchanged when the
            // build made the same files: a no-op rebuild touches nothing.)
            if files.len() == self.owned.len() && files.keys().all(|f| self.owned.contains(f)) {
                return Ok(());
            }
            let next = self.staging.join(".gongkai-output.next");
            std::fs::write(&next, marker_text(files.keys())).map_err(|e| (next.clone(), e))?;
            let marker = self.out.join(MARKER);
            moves += 1;
            self.fail_at(moves, true)
                .and_then(|_| set_aside(&marker, &mut journal))
                .and_then(|_| std::fs::rename(&next, &marker))
                .map_err(|e| (marker.clone(), e))?;
            Ok(())
        })();

        match result {
            Ok(()) => {
                // Directories left empty by removed files (a foreign file keeps its own).
                let mut gone_dirs: Vec<PathBuf> = removed_paths
                    .iter()
                    .filter_map(|t| t.parent().map(Path::to_path_buf))
                    .collect();
                gone_dirs.sort();
                gone_dirs.dedup();
                for mut d in gone_dirs.into_iter().rev() {
                    while d != self.out && d.starts_with(&self.out) {
                        if std::fs::remove_dir(&d).is_err() {
                            break;
                        }
                        d.pop();
                    }
                }
                let _ = std::fs::remove_dir_all(&self.staging);
                Ok(removed_paths.len())
            }
            Err((path, e)) => {
                let mut undo_errors = Vec::new();
                for u in journal.into_iter().rev() {
                    let r = match &u {
                        Undo::Restore { backup, target } => std::fs::rename(backup, target),
                        Undo::Remove(p) => std::fs::remove_file(p),
                        Undo::RemoveDir(p) => std::fs::remove_dir(p),
                    };
                    if let Err(err) = r {
                        undo_errors.push(format!("{err}"));
                    }
                }
                if undo_errors.is_empty() {
                    let _ = std::fs::remove_dir_all(&self.staging);
                    Err((
                        path,
                        io::Error::new(e.kind(), format!("{e}（已全部回滚，原有输出目录未改动）")),
                    ))
                } else {
                    Err((
                        path,
                        io::Error::new(
                            e.kind(),
                            format!(
                                "{e}；回滚时又有 {} 处失败（{}），被替换的旧文件保存在 {}",
                                undo_errors.len(),
                                undo_errors[0],
                                backups.display()
                            ),
                        ),
                    ))
                }
            }
        }
    }

    fn record(&self, rel: &str, hash: u128) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), hash);
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

impl Sink for Writer {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_rel(rel)?;
        let hash = content_hash(bytes);
        if self.same_as_old(rel, hash, bytes) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        } else {
            let target = self.staging.join(rel);
            self.parent_dir(&target)?;
            std::fs::write(&target, bytes)?;
            self.written.fetch_add(1, Ordering::Relaxed);
            self.staged
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(rel.to_string());
        }
        self.record(rel, hash);
        Ok(())
    }

    fn reuse(&self, rel: &str) -> io::Result<bool> {
        check_rel(rel)?;
        if !self.in_place || !self.owned.contains(rel) {
            return Ok(false);
        }
        match self.prev.get(rel) {
            Some(r) if stamp_of(&self.out.join(rel)) == Some(r.stamp) => {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                self.record(rel, r.hash);
                Ok(true)
            }
            _ => Ok(false),
        }
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
