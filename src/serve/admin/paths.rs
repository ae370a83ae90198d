//! Which site paths the editor may read and write: the build's path rules, applied to the
//! paths the browser sends.
//!
//! A path is relative, `/`-separated, and every segment is a safe, visible file name (no
//! `..`, no hidden or editor-temporary file, no character that some file system refuses).
//! Entries live under `content/`, uploads under `static/attachments/`; no symbolic link is
//! followed on the way (one could lead out of the site).

use std::path::{Path, PathBuf};

/// Where uploaded attachments go (the CMS's `media_folder`).
pub const MEDIA_DIR: &str = "static/attachments";

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a relative path of safe, visible names.
    Unsafe(String),
    /// Outside the area this action may touch.
    Outside(String),
    /// A symbolic link lies on the way.
    Symlink(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Unsafe(p) => write!(f, "路径不合法：{p}（只能使用相对路径和普通文件名）"),
            Refusal::Outside(p) => write!(
                f,
                "不允许访问 {p}：编辑界面只读写 content/ 下的内容文件和 {MEDIA_DIR}/ 下的附件"
            ),
            Refusal::Symlink(p) => write!(f, "路径 {p} 经过符号链接，已拒绝"),
        }
    }
}

/// What an action may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Entries: `.md` and `.toml` files under `content/`.
    Content,
    /// Uploads under `static/attachments/`.
    Media,
    /// Either of the two.
    Any,
}

/// A file name segment that is safe on every file system and not hidden.
fn segment_ok(s: &str) -> bool {
    crate::source::is_safe_segment(s)
        && !crate::source::is_ignored(s)
        && !s.ends_with(['.', ' '])
        && !s.starts_with(' ')
        && !s.contains(['<', '>', ':', '"', '|', '?', '*'])
        && s.len() <= 255
}

/// Checks `rel` (as the browser sent it) and returns its segments.
pub fn segments(rel: &str) -> Result<Vec<&str>, Refusal> {
    let unsafe_ = || Refusal::Unsafe(rel.to_string());
    if rel.is_empty() || rel.starts_with('/') || rel.contains('\\') {
        return Err(unsafe_());
    }
    let segs: Vec<&str> = rel.trim_end_matches('/').split('/').collect();
    if segs.iter().all(|s| segment_ok(s)) {
        Ok(segs)
    } else {
        Err(unsafe_())
    }
}

/// Whether the checked segments lie in `area` (a folder itself counts: `content`).
fn in_area(segs: &[&str], area: Area, folder: bool) -> bool {
    let content = segs.first() == Some(&"content")
        && (folder
            || (segs.len() > 1
                && segs
                    .last()
                    .is_some_and(|n| n.ends_with(".md") || n.ends_with(".toml"))));
    let media_prefix: Vec<&str> = MEDIA_DIR.split('/').collect();
    let media = segs.len() >= media_prefix.len() + usize::from(!folder)
        && segs[..media_prefix.len()] == media_prefix[..];
    match area {
        Area::Content => content,
        Area::Media => media,
        Area::Any => content || media,
    }
}

/// The absolute path of `rel` under `root` when it is safe, in `area`, and reached without
/// a symbolic link (the file itself may be missing). `folder`: `rel` names a folder.
pub fn resolve(root: &Path, rel: &str, area: Area, folder: bool) -> Result<PathBuf, Refusal> {
    let segs = segments(rel)?;
    if !in_area(&segs, area, folder) {
        return Err(Refusal::Outside(rel.to_string()));
    }
    let mut abs = root.to_path_buf();
    for (i, seg) in segs.iter().enumerate() {
        abs.push(seg);
        match std::fs::symlink_metadata(&abs) {
            Ok(m) if m.file_type().is_symlink() => return Err(Refusal::Symlink(rel.to_string())),
            Ok(_) => {}
            // Missing from here on: nothing below can be a link.
            Err(_) => {
                for rest in &segs[i + 1..] {
                    abs.push(rest);
                }
                return Ok(abs);
            }
        }
    }
    Ok(abs)
}

/// The site-relative path of `abs` (under `root`), with `/` separators.
pub fn relative(root: &Path, abs: &Path) -> Option<String> {
    let rel = abs.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// Files under the folder `rel` (at most `depth` levels down) whose names end with
/// `extension`, as site-relative paths, sorted; hidden files and links are skipped.
pub fn list(root: &Path, rel: &str, extension: &str, depth: usize, area: Area) -> Vec<String> {
    let Ok(dir) = resolve(root, rel, area, true) else {
        return Vec::new();
    };
    let (files, _links) = crate::source::walk_all(&dir);
    let mut out: Vec<String> = files
        .iter()
        .filter(|f| {
            f.strip_prefix(&dir)
                .map(|r| r.components().count() <= depth)
                .unwrap_or(false)
        })
        .filter_map(|f| relative(root, f))
        .filter(|r| r.ends_with(extension) && segments(r).is_ok())
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes_hidden_and_unsafe_names() {
        let root = Path::new("/site");
        for bad in [
            "",
            "/etc/passwd",
            "content/../site-config.toml",
            "content/./a.md",
            "content/.hidden.md",
            "content/a.md~",
            "content\\a.md",
            "content/a:b.md",
            "content/a.md.",
            "content//a.md",
            "content/a\u{0}.md",
        ] {
            assert!(
                matches!(
                    resolve(root, bad, Area::Any, false),
                    Err(Refusal::Unsafe(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn entries_in_content_uploads_in_attachments() {
        let root = Path::new("/nonexistent-site");
        assert!(resolve(root, "content/policies/2016/a.md", Area::Content, false).is_ok());
        assert!(resolve(root, "content/lists/a.toml", Area::Content, false).is_ok());
        for outside in [
            "site-config.toml",
            "content/a.html",
            "content",
            "static/a.pdf",
            "themes/default/page.html",
        ] {
            assert!(
                matches!(
                    resolve(root, outside, Area::Content, false),
                    Err(Refusal::Outside(_))
                ),
                "{outside}"
            );
        }
        assert!(resolve(root, "static/attachments/a.pdf", Area::Media, false).is_ok());
        assert!(resolve(root, "static/attachments", Area::Media, true).is_ok());
        assert!(resolve(root, "static/attachments", Area::Media, false).is_err());
        assert!(resolve(root, "static/a.pdf", Area::Media, false).is_err());
        assert!(resolve(root, "content/a.md", Area::Media, false).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn no_link_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("content/policies")).unwrap();
        assert!(matches!(
            resolve(root, "content/policies/a.md", Area::Content, false),
            Err(Refusal::Symlink(_))
        ));
        std::fs::write(outside.path().join("x.md"), "+++\n+++\n").unwrap();
        assert!(list(root, "content/policies", ".md", 2, Area::Content).is_empty());
        std::fs::write(root.join("content/a.md"), "x").unwrap();
        assert_eq!(
            list(root, "content", ".md", 3, Area::Content),
            vec!["content/a.md".to_string()]
        );
    }
}
