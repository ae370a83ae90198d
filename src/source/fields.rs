//! Typed extraction of keys from a parsed TOML table, reporting every problem with its
//! position instead of stopping at the first one (serde's `deny_unknown_fields` would).

use crate::diagnostics::{Code, Diagnostic};
use crate::schema;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::ops::Range;

/// The shape of a key, for messages.
pub fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "字符串",
        toml::Value::Integer(_) => "整数",
        toml::Value::Float(_) => "小数",
        toml::Value::Boolean(_) => "布尔值",
        toml::Value::Datetime(_) => "日期",
        toml::Value::Array(_) => "数组",
        toml::Value::Table(_) => "表",
    }
}

/// Byte offset of the line where `key = …` is written inside `region` of `text`.
pub fn find_key(text: &str, region: Range<usize>, key: &str) -> Option<usize> {
    let region_text = text.get(region.clone())?;
    let mut pos = 0;
    for line in region_text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rest = trimmed
            .strip_prefix(key)
            .or_else(|| trimmed.strip_prefix(&format!("\"{key}\"")));
        if let Some(rest) = rest {
            if rest.trim_start().starts_with('=') {
                return Some(region.start + pos + indent);
            }
        }
        pos += line.len();
    }
    None
}

/// A table being read, with the file text it came from for positions.
pub struct Fields<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// Where this table's keys are written (the front matter, or one `[[items]]` block).
    pub region: Range<usize>,
    pub table: &'a toml::Table,
    /// Prefix for messages, e.g. "第 3 项" for a ledger item.
    pub label: String,
    pub diags: Vec<Diagnostic>,
    /// Positions of keys not written as `key = …` inside `region` (a sub-table's header).
    /// Other keys are found in the text when a diagnostic needs them.
    pub positions: BTreeMap<String, usize>,
}

impl<'a> Fields<'a> {
    pub fn new(path: &'a str, text: &'a str, region: Range<usize>, table: &'a toml::Table) -> Self {
        Fields {
            path,
            text,
            region,
            table,
            label: String::new(),
            diags: Vec::new(),
            positions: BTreeMap::new(),
        }
    }

    pub fn with_label(mut self, label: String) -> Self {
        self.label = label;
        self
    }

    /// Byte offset of a key (or the table's start when the key is not written).
    pub fn pos(&self, key: &str) -> usize {
        self.written_at(key).unwrap_or(self.region.start)
    }

    /// Byte offset of a key, if it is written.
    pub fn written_at(&self, key: &str) -> Option<usize> {
        self.positions
            .get(key)
            .copied()
            .or_else(|| find_key(self.text, self.region.clone(), key))
    }

    fn prefix(&self) -> String {
        if self.label.is_empty() {
            String::new()
        } else {
            format!("{}：", self.label)
        }
    }

    pub fn error(&mut self, code: Code, key: &str, message: String, hint: Option<String>) {
        let mut d = Diagnostic::new(code, format!("{}{}", self.prefix(), message)).at(
            self.path,
            self.text,
            self.pos(key),
        );
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.diags.push(d);
    }

    fn missing(&mut self, key: &str) {
        let d = Diagnostic::new(
            Code::MissingKey,
            format!("{}缺少必填字段 `{key}`", self.prefix()),
        )
        .at(self.path, self.text, self.region.start)
        .with_hint(format!("添加一行 `{key} = …`"));
        self.diags.push(d);
    }

    fn wrong_type(&mut self, key: &str, expected: &str, v: &toml::Value) {
        self.error(
            Code::WrongType,
            key,
            format!("字段 `{key}` 应为{expected}，实际为{}", type_name(v)),
            None,
        );
    }

    pub fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    pub fn string(&mut self, key: &str, required: bool) -> Option<String> {
        match self.table.get(key) {
            None if required => {
                self.missing(key);
                None
            }
            None => None,
            Some(toml::Value::String(s)) => {
                // Only invisible characters (a zero-width space …) is as empty as nothing.
                let s = if s.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
                    ""
                } else {
                    s.trim()
                };
                if s.is_empty() && required {
                    self.error(
                        Code::EmptyValue,
                        key,
                        format!("字段 `{key}` 不能为空"),
                        None,
                    );
                    None
                } else if s.is_empty() {
                    None
                } else {
                    Some(s.to_string())
                }
            }
            Some(v) => {
                let v = v.clone();
                self.wrong_type(key, "字符串", &v);
                None
            }
        }
    }

    /// A string, or a list of strings (e.g. several 牵头单位).
    pub fn string_list(&mut self, key: &str, required: bool) -> Option<Vec<String>> {
        match self.table.get(key) {
            None if required => {
                self.missing(key);
                None
            }
            None => None,
            Some(toml::Value::String(s)) => Some(vec![s.trim().to_string()]),
            Some(toml::Value::Array(a)) => {
                let mut out = Vec::new();
                for v in a {
                    match v {
                        toml::Value::String(s) => out.push(s.trim().to_string()),
                        other => {
                            let other = other.clone();
                            self.wrong_type(key, "字符串数组", &other);
                            return None;
                        }
                    }
                }
                if out.is_empty() && required {
                    self.error(
                        Code::EmptyValue,
                        key,
                        format!("字段 `{key}` 不能为空"),
                        None,
                    );
                    return None;
                }
                Some(out)
            }
            Some(v) => {
                let v = v.clone();
                self.wrong_type(key, "字符串或字符串数组", &v);
                None
            }
        }
    }

    pub fn date(&mut self, key: &str, required: bool) -> Option<NaiveDate> {
        match self.table.get(key) {
            None if required => {
                self.missing(key);
                None
            }
            None => None,
            Some(toml::Value::Datetime(dt)) => match (dt.date, dt.time) {
                (Some(d), None) => {
                    let nd = NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32);
                    if nd.is_none() {
                        self.error(
                            Code::InvalidDate,
                            key,
                            format!("字段 `{key}` 不是有效日期：{dt}"),
                            Some("日期写作 2016-04-26".into()),
                        );
                    }
                    nd
                }
                _ => {
                    self.error(
                        Code::InvalidDate,
                        key,
                        format!("字段 `{key}` 应为日期（不含时间）：{dt}"),
                        Some("日期写作 2016-04-26".into()),
                    );
                    None
                }
            },
            Some(toml::Value::String(s)) => {
                let s = s.clone();
                self.error(
                    Code::InvalidDate,
                    key,
                    format!("字段 `{key}` 应为 TOML 日期，而不是字符串 \"{s}\""),
                    Some(format!("去掉引号：{key} = 2016-04-26")),
                );
                None
            }
            Some(v) => {
                let v = v.clone();
                self.wrong_type(key, "日期", &v);
                None
            }
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.table.get(key) {
            None => None,
            Some(toml::Value::Boolean(b)) => Some(*b),
            Some(v) => {
                let v = v.clone();
                self.wrong_type(key, "布尔值（true/false）", &v);
                None
            }
        }
    }

    pub fn integer(&mut self, key: &str, required: bool) -> Option<i64> {
        match self.table.get(key) {
            None if required => {
                self.missing(key);
                None
            }
            None => None,
            Some(toml::Value::Integer(i)) => Some(*i),
            Some(v) => {
                let v = v.clone();
                self.wrong_type(key, "整数", &v);
                None
            }
        }
    }

    pub fn number(&mut self, key: &str) -> Option<f64> {
        match self.table.get(key) {
            None => None,
            Some(toml::Value::Integer(i)) => Some(*i as f64),
            Some(toml::Value::Float(f)) => Some(*f),
            Some(v) => {
                let v = v.clone();
                self.wrong_type(key, "数字", &v);
                None
            }
        }
    }

    /// A string that must be one of `allowed`.
    pub fn one_of(&mut self, key: &str, required: bool, allowed: &[&str]) -> Option<String> {
        let s = self.string(key, required)?;
        if allowed.contains(&s.as_str()) {
            Some(s)
        } else {
            self.error(
                Code::InvalidValue,
                key,
                format!("字段 `{key}` 的值 \"{s}\" 不在允许范围内"),
                Some(format!("可选值：{}", allowed.join("、"))),
            );
            None
        }
    }

    /// Reports every key that `keys` does not declare and returns the diagnostics gathered.
    pub fn finish_keys(self, keys: &[schema::Key]) -> Vec<Diagnostic> {
        self.finish(&schema::names(keys))
    }

    /// Reports every key not in `allowed` and returns the diagnostics gathered.
    pub fn finish(mut self, allowed: &[&str]) -> Vec<Diagnostic> {
        let unknown: Vec<String> = self
            .table
            .keys()
            .filter(|k| !allowed.contains(&k.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            let hint = match closest(&key, allowed) {
                Some(c) => format!("是不是 `{c}`？可用字段：{}", allowed.join(", ")),
                None => format!("可用字段：{}", allowed.join(", ")),
            };
            self.error(
                Code::UnknownKey,
                &key,
                format!("未知字段 `{key}`"),
                Some(hint),
            );
        }
        self.diags
    }
}

/// The allowed key closest to a typo (edit distance ≤ 2).
fn closest<'k>(key: &str, allowed: &[&'k str]) -> Option<&'k str> {
    allowed
        .iter()
        .map(|a| (edit_distance(key, a), *a))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Characters that show nothing: zero-width spaces and joiners, the word joiner, soft
/// hyphen, byte-order mark, and the other format characters people paste by accident.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_problem_with_positions() {
        let text = "title = 1\ntitel = \"x\"\npublished = \"2016-04-26\"\n";
        let table: toml::Table = toml::from_str(text).unwrap();
        let mut f = Fields::new("a.md", text, 0..text.len(), &table);
        assert_eq!(f.string("title", true), None);
        assert_eq!(f.date("published", true), None);
        assert_eq!(f.string("issuer", true), None);
        let diags = f.finish(&["title", "published", "issuer"]);
        let codes: Vec<_> = diags.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(
            codes,
            vec![
                ("E-WRONG-TYPE", 1),
                ("E-INVALID-DATE", 3),
                ("E-MISSING-KEY", 1),
                ("E-UNKNOWN-KEY", 2)
            ]
        );
        assert!(diags[3].hint.as_deref().unwrap().contains("`title`"));
    }

    #[test]
    fn find_key_ignores_prefixes() {
        let text = "titles = 1\ntitle = 2\n";
        assert_eq!(find_key(text, 0..text.len(), "title"), Some(11));
    }
}
