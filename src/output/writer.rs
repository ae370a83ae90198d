//! The disk writer of `build`: stages the files of a build and commits them in place of the
//! previous output atomically, with a journal to undo every step.

use super::records::{
    content_hash, load_records, marker_text, read_marker, records_path, save_records, stamp_of,
    Record,
};
use super::{check_rel, refuse, resolve, Sink, MARKER};
use crate::diagnostics::Code;
use crate::BuildStats;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
        // The records of the last build are read beside the marker (and used only when the
        // marker says the output is gongkai's).
        let mut kept_records = None;
        let (in_place, owned) = match std::fs::symlink_metadata(&out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => (false, HashSet::new()),
            Err(e) => return Err(e),
            Ok(m) if m.is_dir() => match read_marker_and(&out, &records, &mut kept_records)? {
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
        let prev = match (kept_records, in_place) {
            (Some(prev), true) => prev,
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
        // A path put twice (kept, then written after all) is one file.
        staged.dedup();
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
        let stats = BuildStats {
            pages: 0,
            files: files.len(),
            written: staged.len(),
            unchanged: files.len() - staged.len(),
            removed,
        };
        // Maps of every output path: freed off the build's path.
        let (prev, owned) = (
            std::mem::take(&mut self.prev),
            std::mem::take(&mut self.owned),
        );
        crate::process::drop_aside((files, staged, prev, owned));
        Ok(stats)
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

/// [`read_marker`] of `out`, with the records at `records` read beside it into `prev`.
fn read_marker_and(
    out: &Path,
    records: &Option<PathBuf>,
    prev: &mut Option<HashMap<String, Record>>,
) -> io::Result<Option<HashSet<String>>> {
    let (marker, read) = rayon::join(|| read_marker(out), || records.as_deref().map(load_records));
    *prev = read;
    marker
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
        } else {
            let target = self.staging.join(rel);
            self.parent_dir(&target)?;
            std::fs::write(&target, bytes)?;
            self.staged
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(rel.to_string());
        }
        self.record(rel, hash);
        Ok(())
    }

    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        check_rel(rel).ok()?;
        if !self.in_place || !self.owned.contains(rel) {
            return None;
        }
        let r = self.prev.get(rel)?;
        let path = self.out.join(rel);
        if stamp_of(&path) != Some(r.stamp) {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        (content_hash(&bytes) == r.hash).then_some(bytes)
    }

    fn reuse(&self, rel: &str) -> io::Result<bool> {
        check_rel(rel)?;
        if !self.in_place || !self.owned.contains(rel) {
            return Ok(false);
        }
        match self.prev.get(rel) {
            Some(r) if stamp_of(&self.out.join(rel)) == Some(r.stamp) => {
                self.record(rel, r.hash);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
