//! Path segments that are safe to write below the output directory.

/// A path segment that is safe to use in an output path.
pub fn is_safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.contains(['/', '\\'])
        && !s.chars().any(|c| c.is_control())
}
