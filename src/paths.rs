//! Paths gongkai writes to: segments safe below the output directory, where the cache
//! of an output directory lives, and how a cache file is replaced whole.

/// A path segment that is safe to use in an output path.
pub fn is_safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.contains(['/', '\\'])
        && !s.chars().any(|c| c.is_control())
}

/// Replaces the file at `path` with `bytes` whole: they are written to a temporary file
/// beside it (named by this process, so two builds never write the same one) and renamed
/// over it, so a reader never sees half a file. Creates the folder when needed.
pub fn replace_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    replace_file_with(path, |w| w.write_all(bytes))
}

/// [`replace_file`] with what `write` writes (streamed: the file need not be in memory
/// whole). On an error the temporary file is removed and the old file stays.
pub fn replace_file_with(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_file_name(format!(
        "{}.{}.tmp",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::File::create(&tmp).and_then(|f| {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, f);
        write(&mut out)?;
        out.flush()
    });
    match written {
        Ok(()) => std::fs::rename(&tmp, path),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Where a cache file of the output directory `out` lives:
/// `<root>/.gongkai-cache/<kind>-<hash of out's absolute path>.txt`, so that builds into
/// different directories keep separate caches.
pub fn cache_file(root: &std::path::Path, out: &std::path::Path, kind: &str) -> std::path::PathBuf {
    let abs = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let hash = xxhash_rust::xxh3::xxh3_64(abs.to_string_lossy().as_bytes());
    root.join(".gongkai-cache")
        .join(format!("{kind}-{hash:016x}.txt"))
}
