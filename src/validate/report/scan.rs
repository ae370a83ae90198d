//! Where the tables and keys of a report file are: `[a.b]` header blocks, read with positions.

use crate::diagnostics::Diagnostic;
use crate::source::fields::{type_name, Fields};
use std::ops::Range;

/// A `[table]` header block of a TOML file: its dotted name and byte range (header line to the
/// next header).
pub(super) struct Block {
    pub(super) name: String,
    pub(super) range: Range<usize>,
}

/// The table name of a `[a.b]` header line, normalized (`[ a . "b" ]` → `a.b`).
pub(super) fn header_name(line: &str) -> Option<String> {
    let t = line.trim();
    let t = t.split_once('#').map(|(a, _)| a.trim_end()).unwrap_or(t);
    if t.starts_with("[[") {
        return None;
    }
    let inner = t.strip_prefix('[')?.strip_suffix(']')?;
    let parts: Vec<&str> = inner
        .split('.')
        .map(|p| p.trim().trim_matches('"'))
        .collect();
    let ok = parts.iter().all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    ok.then(|| parts.join("."))
}

pub(super) fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if let Some(name) = header_name(line) {
            if let Some(last) = out.last_mut() {
                last.range.end = pos;
            }
            out.push(Block {
                name,
                range: pos..text.len(),
            });
        }
        pos += line.len();
    }
    out
}

/// Reads one TOML file's tables with positions.
pub(super) struct Reader<'a> {
    pub(super) path: &'a str,
    pub(super) text: &'a str,
    pub(super) blocks: Vec<Block>,
    pub(super) diags: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    /// Fields for the table at `name` ("" for the top level), positions from its block.
    pub(super) fn fields(
        &self,
        name: &str,
        table: &'a toml::Table,
        parent: Range<usize>,
    ) -> Fields<'a> {
        let region = if name.is_empty() {
            0..self
                .blocks
                .first()
                .map(|b| b.range.start)
                .unwrap_or(self.text.len())
        } else {
            self.blocks
                .iter()
                .find(|b| b.name == name)
                .map(|b| b.range.clone())
                .unwrap_or(parent)
        };
        let label = if name.is_empty() {
            String::new()
        } else {
            format!("[{name}]")
        };
        let mut f = Fields::new(self.path, self.text, region, table).with_label(label);
        // A sub-table is "written" at its header line.
        for (key, v) in table {
            if v.is_table() && f.written_at(key).is_none() {
                let full = if name.is_empty() {
                    key.clone()
                } else {
                    format!("{name}.{key}")
                };
                if let Some(b) = self.blocks.iter().find(|b| b.name == full) {
                    f.positions.insert(key.clone(), b.range.start);
                }
            }
        }
        f
    }

    /// The sub-table `key` of `f`, if present (wrong type reported).
    pub(super) fn sub(&mut self, f: &mut Fields<'a>, key: &str) -> Option<&'a toml::Table> {
        let table: &'a toml::Table = f.table;
        match table.get(key) {
            None => None,
            Some(toml::Value::Table(t)) => Some(t),
            Some(v) => {
                f.error(
                    "E-WRONG-TYPE",
                    key,
                    format!("字段 `{key}` 应为表，实际为{}", type_name(v)),
                    Some(format!(
                        "写作 [{}] 表头，下面逐行填写",
                        dotted(&f.label, key)
                    )),
                );
                None
            }
        }
    }

    /// Collects a finished table's diagnostics (unknown keys included).
    pub(super) fn finish(&mut self, f: Fields<'a>, allowed: &[&str]) {
        self.diags.extend(f.finish(allowed));
    }
}

/// `[applications]` + `other` → `applications.other`.
pub(super) fn dotted(label: &str, key: &str) -> String {
    let parent = label.trim_start_matches('[').trim_end_matches(']');
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_normalized() {
        assert_eq!(
            header_name("[ applications . \"other\" ]  # x\n").as_deref(),
            Some("applications.other")
        );
        assert_eq!(header_name("[见附件](a.pdf)\n"), None);
        assert_eq!(header_name("[[items]]\n"), None);
    }
}
