//! What a build leaves beside its output: the marker listing the files gongkai wrote, and
//! the records (hash and disk stamp of every file) that let the next build trust the disk.

use super::{refuse, MARKER, MARKER_HEADER, MARKER_NOTE, RECORDS_HEADER};
use crate::diagnostics::Code;
use foldhash::{HashMap, HashMapExt, HashSet};
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// What the disk shows of a file: size, mtime, ctime, inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    pub(super) len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    ino: u64,
}

#[cfg(unix)]
pub(super) fn stamp(m: &std::fs::Metadata) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    m.is_file().then(|| Stamp {
        len: m.size(),
        mtime: (m.mtime(), m.mtime_nsec()),
        ctime: (m.ctime(), m.ctime_nsec()),
        ino: m.ino(),
    })
}

#[cfg(not(unix))]
pub(super) fn stamp(_: &std::fs::Metadata) -> Option<Stamp> {
    None
}

pub(super) fn stamp_of(p: &Path) -> Option<Stamp> {
    std::fs::symlink_metadata(p).ok().and_then(|m| stamp(&m))
}

/// A file as the previous build left it: the hash of its bytes and its stamp on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Record {
    pub(super) hash: u128,
    pub(super) stamp: Stamp,
}

pub(super) fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Where the build cache of an output directory lives (the render keys of its last build):
/// `<root>/.gongkai-cache/out-<hash>.txt`, the hash of the absolute path of `out`.
pub fn cache_path(root: &Path, out: &Path) -> PathBuf {
    crate::paths::cache_file(root, out, "out")
}

/// Where the file records of an output directory live.
pub fn records_path(root: &Path, out: &Path) -> PathBuf {
    crate::paths::cache_file(root, out, "files")
}

pub(super) fn load_records(path: &Path) -> HashMap<String, Record> {
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

pub(super) fn save_records(path: &Path, records: &[(&String, Record)]) -> io::Result<()> {
    let body = crate::format::lines(records, |out, (rel, r)| {
        use std::fmt::Write as _;
        let s = r.stamp;
        let _ = write!(
            out,
            "{:032x} {} {} {} {} {} {}\t{rel}",
            r.hash, s.len, s.mtime.0, s.mtime.1, s.ctime.0, s.ctime.1, s.ino
        );
    });
    crate::paths::replace_file(path, format!("{RECORDS_HEADER}\n{body}").as_bytes())
}

/// Reads the marker of `out`: the files the last build wrote. `None` when there is none.
pub(super) fn read_marker(out: &Path) -> io::Result<Option<HashSet<String>>> {
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

/// True when the output `out` of the site at `root` is exactly what its last build left:
/// the marker lists the files the records describe, and each has the stamp (size, mtime,
/// ctime, inode) it had then. False without records or marker.
pub fn intact(root: &Path, out: &Path) -> bool {
    use rayon::prelude::*;
    let out = super::resolve(out);
    let Ok(Some(owned)) = read_marker(&out) else {
        return false;
    };
    let records = load_records(&records_path(root, &out));
    if records.is_empty()
        || records.len() != owned.len()
        || !owned.iter().all(|f| records.contains_key(f))
    {
        return false;
    }
    records
        .par_iter()
        .all(|(rel, r)| stamp_of(&out.join(rel)) == Some(r.stamp))
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

pub(super) fn marker_text<'a>(files: impl Iterator<Item = &'a String>) -> String {
    let sorted: BTreeSet<&String> = files.collect();
    let mut s = format!("{MARKER_HEADER}\n{MARKER_NOTE}\n");
    for f in sorted {
        s.push_str(f);
        s.push('\n');
    }
    s
}
