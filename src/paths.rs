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
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_file_name(format!(
        "{}.{}.tmp",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
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
