//! Where the tables and keys of a report file are: `[a.b]` header blocks, read with positions.

use crate::diagnostics::{Code, Diagnostic};
use crate::fields::{type_name, Fields};
use crate::tomlpos::{headers, Header};
use std::ops::Range;

/// The `[table]` header blocks of a report file, by dotted name, each from its header to the
/// next one (the TOML parser's spans: see [`crate::tomlpos::headers`]).
pub(super) fn blocks(text: &str) -> Vec<Header> {
    headers(text).into_iter().filter(|h| !h.array).collect()
}

/// Reads one TOML file's tables with positions.
pub(super) struct Reader<'a> {
    pub(super) path: &'a str,
    pub(super) text: &'a str,
    pub(super) blocks: Vec<Header>,
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
                    Code::WrongType,
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
        let text = "[ applications . \"other\" ]  # x\nq = 1\ns = \"\"\"\n[见附件](a.pdf)\n\"\"\"\n[[items]]\n";
        let names: Vec<String> = blocks(text).into_iter().map(|b| b.name).collect();
        assert_eq!(names, ["applications.other"]);
    }
}
