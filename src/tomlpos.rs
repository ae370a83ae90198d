//! Positions in TOML text, from the `toml` parser's spans: a parse error as a diagnostic at its
//! line and column, and where each table header's block begins and ends.

use crate::diagnostics::{Code, Diagnostic};
use std::ops::Range;

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
        return Diagnostic::new(Code::InvalidDate, format!("日期无效：{literal}（{msg}）"))
            .at(path, text, offset)
            .with_hint("日期写作 2016-04-26，且须是日历上存在的日期（例如 2 月没有 30 日）");
    }
    Diagnostic::new(Code::TomlSyntax, format!("TOML 语法错误：{msg}"))
        .at(path, text, offset)
        .with_hint("检查引号、等号和日期格式，例如 published = 2016-04-26")
}

/// A table header of a TOML text, `[a.b]` or one `[[a]]` element, with the byte range from
/// the header to the next header (or the end of the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The dotted table name, normalized: `[ a . "b" ]` is `a.b`.
    pub name: String,
    /// `[[name]]`: one element of an array of tables.
    pub array: bool,
    pub range: Range<usize>,
}

/// Every table header of `text`, in text order, found by the TOML parser itself (so a `[`
/// line inside a multi-line string is not one). Empty when `text` is not valid TOML.
pub fn headers(text: &str) -> Vec<Header> {
    let Ok(doc) = toml::de::DeTable::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect(text, doc.get_ref(), "", &mut out);
    out.sort_by_key(|h| h.range.start);
    for i in 0..out.len() {
        out[i].range.end = out.get(i + 1).map_or(text.len(), |h| h.range.start);
    }
    out
}

/// The range of every `[[name]]` element, from its header to the next header.
pub fn array_regions(text: &str, name: &str) -> Vec<Range<usize>> {
    headers(text)
        .into_iter()
        .filter(|h| h.array && h.name == name)
        .map(|h| h.range)
        .collect()
}

/// Pushes the explicit headers below `table` (implicit tables and dotted keys have the span
/// of their key, inline tables start with `{`: neither starts with `[`).
fn collect(text: &str, table: &toml::de::DeTable, prefix: &str, out: &mut Vec<Header>) {
    use toml::de::DeValue;
    for (key, value) in table.iter() {
        let name = format!("{prefix}{}", key.get_ref());
        let starts =
            |span: Range<usize>, with: &str| text.get(span).is_some_and(|s| s.starts_with(with));
        match value.get_ref() {
            DeValue::Table(t) => {
                if starts(value.span(), "[") && !starts(value.span(), "[[") {
                    out.push(Header {
                        name: name.clone(),
                        array: false,
                        range: value.span().start..value.span().start,
                    });
                }
                collect(text, t, &format!("{name}."), out);
            }
            DeValue::Array(elems) => {
                for e in elems {
                    if let DeValue::Table(t) = e.get_ref() {
                        if starts(e.span(), "[[") {
                            out.push(Header {
                                name: name.clone(),
                                array: true,
                                range: e.span().start..e.span().start,
                            });
                        }
                        collect(text, t, &format!("{name}."), out);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_come_from_the_parser_with_ranges_to_the_next_one() {
        let text = "x = 1\n[ a . \"b\" ]  # c\nc = 1\n[active]\nd.e = 2\ns = \"\"\"\n[not]\n\"\"\"\n[[items]]\nq = 1\n[items.sub]\nr = 2\n[[items]]\n";
        let h = headers(text);
        let names: Vec<(&str, bool)> = h.iter().map(|h| (h.name.as_str(), h.array)).collect();
        assert_eq!(
            names,
            [
                ("a.b", false),
                ("active", false),
                ("items", true),
                ("items.sub", false),
                ("items", true)
            ]
        );
        assert_eq!(&text[h[0].range.clone()], "[ a . \"b\" ]  # c\nc = 1\n");
        assert!(text[h[1].range.clone()].contains("[not]"));
        assert_eq!(h[4].range.end, text.len());
        let items = array_regions(text, "items");
        assert_eq!(items.len(), 2);
        assert_eq!(&text[items[0].clone()], "[[items]]\nq = 1\n");
    }

    #[test]
    fn invalid_toml_has_no_headers() {
        assert!(headers("[a\n").is_empty());
        assert!(array_regions("", "items").is_empty());
    }
}
