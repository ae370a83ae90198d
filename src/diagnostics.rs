//! Typed diagnostics: a code, a severity, a position and a hint.
//!
//! Every stage reports problems as [`Diagnostic`] values; nothing is a bare string, so
//! tests assert codes and the CLI prints them like rustc (or as JSON lines). The codes are
//! declared once, with their severity and docs, in [`Code`].

mod code;

pub use code::{codes_md, rules_zh, Code, Doc};

/// The manual's page on the codes, relative to the repository (or site) root.
pub const RULES_DOC: &str = "docs/zh/检查规则.md";
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in the content, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub line: usize,
    pub col: usize,
    /// The offending source line, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// A [`Diagnostic`] as a cache file keeps it (its code by name).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Kept {
    code: String,
    severity: Severity,
    message: String,
    path: String,
    line: usize,
    col: usize,
    source_line: Option<String>,
    hint: Option<String>,
}

impl Kept {
    pub fn of(d: &Diagnostic) -> Kept {
        Kept {
            code: d.code.to_string(),
            severity: d.severity,
            message: d.message.clone(),
            path: d.path.clone(),
            line: d.line,
            col: d.col,
            source_line: d.source_line.clone(),
            hint: d.hint.clone(),
        }
    }

    /// Every diagnostic of `kept` again; `None` when one has a code this gongkai does not
    /// know.
    pub fn all(kept: Vec<Kept>) -> Option<Vec<Diagnostic>> {
        kept.into_iter().map(Kept::diagnostic).collect()
    }

    /// The diagnostic again; `None` when its code is not one this gongkai knows.
    pub fn diagnostic(self) -> Option<Diagnostic> {
        Some(Diagnostic {
            code: Code::parse(&self.code)?.as_str(),
            severity: self.severity,
            message: self.message,
            path: self.path,
            line: self.line,
            col: self.col,
            source_line: self.source_line,
            hint: self.hint,
        })
    }
}

impl Diagnostic {
    /// A diagnostic with `code`, whose severity the code gives.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.as_str(),
            severity: code.severity(),
            message: message.into(),
            path: String::new(),
            line: 0,
            col: 0,
            source_line: None,
            hint: None,
        }
    }

    /// The declared code of this diagnostic (`None` only for a string no [`Code`] declares).
    pub fn kind(&self) -> Option<Code> {
        Code::parse(self.code)
    }

    /// Attaches the file only (no position): the diagnostic is about the whole file.
    pub fn in_file(mut self, path: &str) -> Self {
        self.path = path.to_string();
        self.line = self.line.max(1);
        self.col = self.col.max(1);
        self
    }

    /// Attaches a position given as a byte offset into `text` (the whole file's text).
    pub fn at(mut self, path: &str, text: &str, offset: usize) -> Self {
        let (line, col, source) = locate(text, offset);
        self.path = path.to_string();
        self.line = line;
        self.col = col;
        self.source_line = Some(source.to_string());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where the manual explains this code: `docs/zh/检查规则.md#<CODE>`.
    pub fn docs_link(&self) -> String {
        let anchor = Code::parse(self.code).map_or(self.code, Code::anchor);
        format!("{RULES_DOC}#{anchor}")
    }

    /// rustc-style text, coloured when `color` is set.
    pub fn render_human(&self, color: bool) -> String {
        let (sev, sev_color) = match self.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
        };
        let (c, b, blue, reset) = if color {
            (sev_color, "\x1b[1m", "\x1b[1;34m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{c}{sev}[{}]{reset}{b}: {}{reset}",
            self.code, self.message
        );
        if !self.path.is_empty() {
            let _ = writeln!(
                out,
                "  {blue}-->{reset} {}:{}:{}",
                self.path, self.line, self.col
            );
        }
        if let Some(src) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let _ = writeln!(out, "{blue}{pad} |{reset}");
            let _ = writeln!(out, "{blue}{num} |{reset} {src}");
            let before: String = src.chars().take(self.col.saturating_sub(1)).collect();
            let _ = writeln!(
                out,
                "{blue}{pad} |{reset} {}{c}^{reset}",
                " ".repeat(display_width(&before))
            );
        }
        if let Some(h) = &self.hint {
            let _ = writeln!(
                out,
                "{blue}{} = {reset}{b}提示{reset}: {h}",
                " ".repeat(self.line.to_string().len())
            );
        }
        let _ = writeln!(
            out,
            "{blue}{} = {reset}{b}详见{reset}: {}",
            " ".repeat(self.line.to_string().len()),
            self.docs_link()
        );
        out
    }

    /// One JSON object: the fields, and `docs`, the manual's section on the code.
    pub fn render_json(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("docs".into(), serde_json::Value::String(self.docs_link()));
        }
        serde_json::to_string(&v).unwrap_or_default()
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}[{}]: {} ({}:{}:{})",
            match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            self.code,
            self.message,
            self.path,
            self.line,
            self.col
        )
    }
}

/// Terminal width of a string: CJK and full-width characters take two columns.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

/// 1-based line and column (in characters) of a byte offset, and the text of that line.
pub fn locate(text: &str, offset: usize) -> (usize, usize, &str) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    let line = text[..line_start].matches('\n').count() + 1;
    let col = text[line_start..offset].chars().count() + 1;
    (line, col, text[line_start..line_end].trim_end_matches('\r'))
}

/// Path relative to the root, with `/` separators, for messages and URLs.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Sorts diagnostics by file and position so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.path, a.line, a.col, a.code, &a.message)
            .cmp(&(&b.path, b.line, b.col, b.code, &b.message))
    });
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_chars_not_bytes() {
        let text = "+++\ntitle = \"标题\"\nbad = 1\n";
        let off = text.find("bad").unwrap();
        assert_eq!(locate(text, off), (3, 1, "bad = 1"));
        let off = text.find('"').unwrap() + 1;
        assert_eq!(locate(text, off), (2, 10, "title = \"标题\""));
    }

    #[test]
    fn human_rendering_has_code_position_and_marker() {
        let text = "a\nxx 错误 here\n";
        let d = Diagnostic::new(Code::BrokenLink, "坏了")
            .at("content/a.md", text, text.find("here").unwrap())
            .with_hint("修好它");
        let s = d.render_human(false);
        assert!(s.contains("error[E-BROKEN-LINK]: 坏了"));
        assert!(s.contains("content/a.md:2:7"));
        assert!(s.contains("2 | xx 错误 here"));
        // marker under "here": "xx " (3) + "错误" (4 columns) + " " (1) = 8 spaces
        assert!(s.contains(&format!("  | {}^", " ".repeat(8))));
        assert!(s.contains("提示: 修好它"));
        assert!(s.contains("详见: docs/zh/检查规则.md#E-BROKEN-LINK"));
        let j: serde_json::Value = serde_json::from_str(&d.render_json()).unwrap();
        assert_eq!(j["docs"], "docs/zh/检查规则.md#E-BROKEN-LINK");
        assert_eq!(j["code"], "E-BROKEN-LINK");
    }

    /// Every code's `docs` link lands on an anchor of the generated 检查规则.md.
    #[test]
    fn every_code_has_its_anchor_in_the_rules_doc() {
        let doc = rules_zh();
        for c in Code::ALL {
            let link = Diagnostic::new(*c, "x").docs_link();
            let anchor = link
                .strip_prefix("docs/zh/检查规则.md#")
                .expect("links the rules");
            assert!(
                doc.contains(&format!("<a id=\"{anchor}\"></a>")),
                "no anchor {anchor} in 检查规则.md"
            );
        }
    }

    #[test]
    fn new_takes_the_severity_from_the_code() {
        let d = Diagnostic::new(Code::LateInterpretation, "晚了");
        assert_eq!(
            (d.code, d.severity),
            ("W-LATE-INTERPRETATION", Severity::Warning)
        );
        assert_eq!(d.kind(), Some(Code::LateInterpretation));
        assert!(Diagnostic::new(Code::BrokenLink, "x").is_error());
    }

    /// Every code string written in `src/` is a declared [`Code`] with the severity it is
    /// used with, so the transitional string constructors cannot invent a code.
    #[test]
    fn every_code_literal_in_src_is_declared() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src];
        let mut found = 0;
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                for (i, _) in text.match_indices("\"E-").chain(text.match_indices("\"W-")) {
                    let rest = &text[i + 1..];
                    let end = rest
                        .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'))
                        .unwrap_or(rest.len());
                    if !rest[end..].starts_with('"') || end < 3 {
                        continue;
                    }
                    let lit = &rest[..end];
                    let code = Code::parse(lit);
                    assert!(
                        code.is_some(),
                        "{}: {lit} is not declared in src/diagnostics/code.rs",
                        p.display()
                    );
                    let before = text[..i].trim_end();
                    let used_as = if before.ends_with("warning(") {
                        Some(Severity::Warning)
                    } else if before.ends_with("error(") {
                        Some(Severity::Error)
                    } else {
                        None
                    };
                    if let (Some(sev), Some(c)) = (used_as, code) {
                        assert_eq!(sev, c.severity(), "{}: {lit}", p.display());
                    }
                    found += 1;
                }
            }
        }
        assert!(found > 50);
    }

    /// The docs' code lists are generated: they cannot drift from the codes.
    #[test]
    fn docs_code_lists_are_up_to_date() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for (path, text) in [
            ("docs/codes.md", codes_md()),
            ("docs/zh/检查规则.md", rules_zh()),
        ] {
            let committed = std::fs::read_to_string(root.join(path)).unwrap_or_default();
            assert!(
                committed == text,
                "{path} is out of date: run `cargo run -- docs` and commit it"
            );
        }
    }
}
