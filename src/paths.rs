//! Paths gongkai writes to: segments safe below the output directory, and where the cache
//! of an output directory lives.

/// A path segment that is safe to use in an output path.
pub fn is_safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.contains(['/', '\\'])
        && !s.chars().any(|c| c.is_control())
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
