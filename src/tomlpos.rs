//! Positions in TOML text: a `toml` parse error as a diagnostic at its line and column.

use crate::diagnostics::Diagnostic;

/// A TOML syntax error as a diagnostic; `base` is where the TOML starts in `text`.
pub fn toml_error(path: &str, text: &str, base: usize, e: &toml::de::Error) -> Diagnostic {
    let offset = base + e.span().map(|s| s.start).unwrap_or(0);
    let msg = e.message().lines().next().unwrap_or("").to_string();
    // The TOML parser checks dates itself (2016-02-30, 2016-13-01): report those as dates.
    if msg.starts_with("invalid date") || msg.starts_with("invalid time") {
        let literal = e
            .span()
            .and_then(|s| text.get(base + s.start..base + s.end))
            .unwrap_or("")
            .trim();
        return Diagnostic::error("E-INVALID-DATE", format!("日期无效：{literal}（{msg}）"))
            .at(path, text, offset)
            .with_hint("日期写作 2016-04-26，且须是日历上存在的日期（例如 2 月没有 30 日）");
    }
    Diagnostic::error("E-TOML-SYNTAX", format!("TOML 语法错误：{msg}"))
        .at(path, text, offset)
        .with_hint("检查引号、等号和日期格式，例如 published = 2016-04-26")
}
