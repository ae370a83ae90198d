//! Turning what the editor sends into the content format, without rewriting a file whose
//! meaning did not change.
//!
//! The CMS serializes an entry itself (its own TOML writer, dates as strings, empty fields
//! as `""`). [`prepare`] parses that text, normalizes it (dates back to TOML dates, empty
//! values dropped), and compares it with the file on disk parsed the same way: equal means
//! the file is left alone, byte for byte. Otherwise it is written in the content format:
//! `+++` TOML front matter (or a TOML data file) with keys in the schema's order, the
//! comment lines that opened the old file kept.

use toml::value::{Date, Datetime};
use toml::{Table, Value};

/// Keys that hold a date (`published = 2016-04-26`), at any level.
pub const DATE_KEYS: &[&str] = &[
    "written",
    "published",
    "effective",
    "expires",
    "validity_changed",
    "updated",
    "due",
    "date",
];

/// What kind of file a content path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Policy,
    Interpretation,
    Page,
    List,
    Report,
}

impl FileKind {
    /// The kind of the file at the site-relative `rel`, when the editor may write it.
    pub fn of(rel: &str) -> Option<FileKind> {
        let mut it = rel.split('/');
        if it.next() != Some("content") {
            return None;
        }
        let section = it.next()?;
        let md = rel.ends_with(".md");
        let toml = rel.ends_with(".toml");
        match section {
            "policies" if md => Some(FileKind::Policy),
            "interpretations" if md => Some(FileKind::Interpretation),
            "pages" if md => Some(FileKind::Page),
            "lists" if toml => Some(FileKind::List),
            "reports" if toml => Some(FileKind::Report),
            _ => None,
        }
    }

    fn is_doc(self) -> bool {
        matches!(
            self,
            FileKind::Policy | FileKind::Interpretation | FileKind::Page
        )
    }

    /// The schema kind of the file.
    fn schema(self) -> crate::schema::Kind {
        use crate::schema::Kind;
        match self {
            FileKind::Policy => Kind::Policy,
            FileKind::Interpretation => Kind::Interpretation,
            FileKind::Page => Kind::Page,
            FileKind::List => Kind::List,
            FileKind::Report => Kind::Report,
        }
    }

    /// Key order of the table at `path` (`[]` is the top level; `["items"]` one item): the
    /// schema declaration's.
    fn order(self, path: &[&str], table: &Table) -> Vec<String> {
        use crate::schema::{Key, Type};
        let mut keys: &[Key] = self.schema().keys();
        for (i, seg) in path.iter().enumerate() {
            match keys.iter().find(|k| k.key == *seg).map(|k| k.ty) {
                Some(Type::Table(sub)) | Some(Type::Tables(sub)) => keys = sub,
                Some(Type::LedgerItems) if i + 1 == path.len() => {
                    let kind = table.get("__kind").and_then(Value::as_str).unwrap_or("");
                    keys = crate::schema::LEDGER_KINDS
                        .iter()
                        .find(|l| l.kind == kind)
                        .map(|l| l.columns)
                        .unwrap_or(&[]);
                }
                _ => return Vec::new(),
            }
        }
        keys.iter().map(|k| k.key.to_string()).collect()
    }
}

/// A file's meaning: its table (the front matter, or the whole TOML file) and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub table: Table,
    /// The Markdown body, without leading and trailing blank lines (documents only).
    pub body: String,
}

/// Why a save was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// Not a file the editor writes.
    Kind(String),
    /// The text sent is not front matter + body / TOML.
    Syntax(String),
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::Kind(p) => write!(f, "编辑界面不能保存 {p}"),
            SaveError::Syntax(m) => write!(f, "内容格式错误：{m}"),
        }
    }
}

/// Parses `text` as a file of `kind` and normalizes it (see the module comment).
pub fn parse(kind: FileKind, text: &str) -> Result<Parsed, SaveError> {
    let (toml_text, body) = if kind.is_doc() {
        let split = crate::source::frontmatter::split(text)
            .map_err(|_| SaveError::Syntax("缺少 +++ 包围的文件信息（front matter）".into()))?;
        (
            &text[split.front_matter.clone()],
            text[split.body.clone()]
                .trim_matches(['\n', '\r'])
                .trim_end(),
        )
    } else {
        (text, "")
    };
    let mut table: Table = toml_text.parse().map_err(|e: toml::de::Error| {
        SaveError::Syntax(e.message().lines().next().unwrap_or("").to_string())
    })?;
    normalize_table(&mut table);
    Ok(Parsed {
        table,
        body: body.to_string(),
    })
}

/// A date written the ways the CMS writes one (`"2016-04-26"`, `2016-04-26T00:00:00Z`).
fn as_date(v: &Value) -> Option<Datetime> {
    let date = match v {
        Value::Datetime(d) => d.date?,
        Value::String(s) => {
            let head = s.get(..10)?;
            if s.len() > 10 && !s[10..].starts_with('T') {
                return None;
            }
            let mut parts = head.split('-');
            let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
            if y.len() != 4 || m.len() != 2 || d.len() != 2 {
                return None;
            }
            Date {
                year: y.parse().ok()?,
                month: m.parse().ok()?,
                day: d.parse().ok()?,
            }
        }
        _ => return None,
    };
    Some(Datetime {
        date: Some(date),
        time: None,
        offset: None,
    })
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Table(t) => t.is_empty(),
        _ => false,
    }
}

fn normalize_value(v: &mut Value) {
    match v {
        Value::Table(t) => normalize_table(t),
        Value::Array(a) => {
            for x in a.iter_mut() {
                normalize_value(x);
            }
            a.retain(|x| !matches!(x, Value::Table(t) if t.is_empty()));
        }
        _ => {}
    }
}

fn normalize_table(t: &mut Table) {
    for (k, v) in t.iter_mut() {
        if DATE_KEYS.contains(&k.as_str()) {
            if let Some(d) = as_date(v) {
                *v = Value::Datetime(d);
            }
        }
        normalize_value(v);
    }
    t.retain(|_, v| !is_empty(v));
}

/// What to write for an entry sent as `raw` to `rel`, given the file now there: `None` when
/// the file means the same already (it keeps its bytes).
pub fn prepare(rel: &str, raw: &str, existing: Option<&str>) -> Result<Option<String>, SaveError> {
    let kind = FileKind::of(rel).ok_or_else(|| SaveError::Kind(rel.to_string()))?;
    let new = parse(kind, raw)?;
    if let Some(text) = existing {
        if let Ok(old) = parse(kind, text) {
            if old == new {
                return Ok(None);
            }
            if let Some(patched) = patch(kind, text, &old, &new) {
                return Ok(Some(patched));
            }
        }
    }
    Ok(Some(render(kind, &new, existing)))
}

/// The old text with only the changed values rewritten, when the change keeps the file's
/// shape (the same keys in every table, the same number of `[[items]]`): comments, blank
/// lines, quoting and order stay as the author left them. `None` when the shape changed.
pub fn patch(kind: FileKind, text: &str, old: &Parsed, new: &Parsed) -> Option<String> {
    let (toml_text, base, body_range) = if kind.is_doc() {
        let split = crate::source::frontmatter::split(text).ok()?;
        (
            &text[split.front_matter.clone()],
            split.front_matter.start,
            Some(split.body),
        )
    } else {
        (text, 0, None)
    };
    let spanned = toml::de::DeTable::parse(toml_text).ok()?;
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    diff_tables(
        toml_text,
        spanned.get_ref(),
        &old.table,
        &new.table,
        &mut edits,
    )?;
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    edits.sort_by_key(|e| e.0.start);
    for (span, replacement) in edits {
        out.push_str(&text[at..base + span.start]);
        out.push_str(&replacement);
        at = base + span.end;
    }
    match body_range {
        Some(body) if old.body != new.body => {
            out.push_str(&text[at..body.start]);
            if !new.body.is_empty() {
                out.push('\n');
                out.push_str(&new.body);
                out.push('\n');
            }
        }
        _ => out.push_str(&text[at..]),
    }
    Some(out)
}

fn de_get<'a, 'i>(
    t: &'a toml::de::DeTable<'i>,
    key: &str,
) -> Option<&'a toml::Spanned<toml::de::DeValue<'i>>> {
    t.iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

/// Collects the edits turning `old` into `new` (both normalized) in the text of `spanned`.
fn diff_tables(
    text: &str,
    spanned: &toml::de::DeTable,
    old: &Table,
    new: &Table,
    edits: &mut Vec<(std::ops::Range<usize>, String)>,
) -> Option<()> {
    if old.len() != new.len() || old.keys().any(|k| !new.contains_key(k)) {
        return None;
    }
    for (k, nv) in new {
        let ov = &old[k];
        if ov == nv {
            continue;
        }
        let sv = de_get(spanned, k)?;
        let span = sv.span();
        let written = text.get(span.clone())?;
        // `[[items]]` sections (not an inline `[{ … }]`).
        let sections = written.starts_with("[[") && !written[2..].trim_start().starts_with('{');
        match (ov, nv, sv.get_ref()) {
            (Value::Table(ot), Value::Table(nt), toml::de::DeValue::Table(st))
                if !written.starts_with('{') =>
            {
                diff_tables(text, st, ot, nt, edits)?;
            }
            (Value::Array(oa), Value::Array(na), toml::de::DeValue::Array(sa))
                if is_table_array(ov) && is_table_array(nv) && sections =>
            {
                if oa.len() != na.len() || sa.len() != oa.len() {
                    return None;
                }
                for ((o, n), s) in oa.iter().zip(na).zip(sa.iter()) {
                    if o == n {
                        continue;
                    }
                    let (Value::Table(ot), Value::Table(nt), toml::de::DeValue::Table(st)) =
                        (o, n, s.get_ref())
                    else {
                        return None;
                    };
                    diff_tables(text, st, ot, nt, edits)?;
                }
            }
            _ => {
                edits.push((span, inline_value(nv, written)));
            }
        }
    }
    Some(())
}

/// `v` written inline, in the style of `was` (the old value's text) for strings.
fn inline_value(v: &Value, was: &str) -> String {
    match v {
        Value::String(s) if !was.starts_with("\"\"\"") && !was.starts_with("'''") => {
            basic_string(s)
        }
        other => other.to_string(),
    }
}

/// A one-line TOML basic string.
fn basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The content-format text of `parsed`; `existing` gives the opening comment lines and the
/// order of keys the schema does not list.
pub fn render(kind: FileKind, parsed: &Parsed, existing: Option<&str>) -> String {
    let old = existing.unwrap_or("");
    let mut out = String::new();
    if kind.is_doc() {
        out.push_str("+++\n");
        write_keys(&mut out, kind, &[], &parsed.table, old, true);
        out.push_str("+++\n");
        if !parsed.body.is_empty() {
            out.push('\n');
            out.push_str(&parsed.body);
            out.push('\n');
        }
    } else {
        let comments: String = old
            .split_inclusive('\n')
            .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
            .collect();
        if comments.contains('#') {
            out.push_str(comments.trim_end());
            out.push_str("\n\n");
        }
        write_table(&mut out, kind, &[], &parsed.table, old);
    }
    out
}

/// A key as TOML writes it: bare when it can be.
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        Value::String(k.to_string()).to_string()
    }
}

/// The keys of `t` in the order to write them: the schema's first, then the others as the
/// old file had them, then alphabetically.
fn ordered<'t>(
    kind: FileKind,
    path: &[&str],
    t: &'t Table,
    old: &str,
) -> Vec<(&'t String, &'t Value)> {
    let order = kind.order(path, t);
    let mut keys: Vec<(&String, &Value)> = t.iter().filter(|(k, _)| *k != "__kind").collect();
    keys.sort_by_key(|(k, _)| {
        let schema = order.iter().position(|o| o == *k).unwrap_or(usize::MAX);
        let seen = old
            .find(&format!("\n{} ", k))
            .or_else(|| old.find(&format!("\n{}=", k)))
            .unwrap_or(usize::MAX);
        (schema, seen, (*k).clone())
    });
    keys
}

fn is_table_array(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_table))
}

/// `key = value` lines of `t` (all values inline).
fn write_keys(
    out: &mut String,
    kind: FileKind,
    path: &[&str],
    t: &Table,
    old: &str,
    inline_all: bool,
) {
    for (k, v) in ordered(kind, path, t, old) {
        if !inline_all && (v.is_table() || is_table_array(v)) {
            continue;
        }
        let v = match v {
            // Inline tables keep their keys in the schema's order too.
            Value::Array(a) if is_table_array(v) => {
                let mut sub = path.to_vec();
                sub.push(k);
                let items: Vec<String> = a
                    .iter()
                    .filter_map(Value::as_table)
                    .map(|t| inline_table(kind, &sub, t, old))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            Value::Table(t) => {
                let mut sub = path.to_vec();
                sub.push(k);
                inline_table(kind, &sub, t, old)
            }
            other => other.to_string(),
        };
        out.push_str(&format!("{} = {}\n", key(k), v));
    }
}

fn inline_table(kind: FileKind, path: &[&str], t: &Table, old: &str) -> String {
    let parts: Vec<String> = ordered(kind, path, t, old)
        .into_iter()
        .map(|(k, v)| format!("{} = {}", key(k), v))
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

/// A TOML data file's table: its own keys, then `[sub]` tables, then `[[arrays]]`.
fn write_table(out: &mut String, kind: FileKind, path: &[&str], t: &Table, old: &str) {
    write_keys(out, kind, path, t, old, false);
    let header = |path: &[&str], k: &str| {
        let mut p: Vec<String> = path.iter().map(|s| key(s)).collect();
        p.push(key(k));
        p.join(".")
    };
    let list_kind = t
        .get("list")
        .and_then(|l| l.get("kind"))
        .and_then(Value::as_str)
        .map(str::to_string);
    for (k, v) in ordered(kind, path, t, old) {
        let mut sub = path.to_vec();
        sub.push(k);
        match v {
            Value::Table(st) => {
                if !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
                out.push_str(&format!("[{}]\n", header(path, k)));
                write_table(out, kind, &sub, st, old);
            }
            Value::Array(a) if is_table_array(v) => {
                for item in a.iter().filter_map(Value::as_table) {
                    if !out.is_empty() && !out.ends_with("\n\n") {
                        out.push('\n');
                    }
                    out.push_str(&format!("[[{}]]\n", header(path, k)));
                    let mut item = item.clone();
                    if let (Some(lk), true) = (&list_kind, path.is_empty() && k == "items") {
                        item.insert("__kind".into(), Value::String(lk.clone()));
                    }
                    write_table(out, kind, &sub, &item, old);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "+++\ntitle = \"关于印发某办法的通知\"\nindex_no = \"X/2016-00001\"\nissuer = \"某市人民政府\"\nwritten = 2016-04-20\npublished = 2016-04-26\ntopic = '综合政务\\政务公开'\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\nattachments = [{ title = \"附件\", file = \"attachments/a.pdf\" }]\n+++\n\n正文。\n";

    #[test]
    fn unchanged_meaning_is_not_rewritten() {
        // The CMS's own writer: other key order, dates as strings, empty fields, no blank line.
        let cms = "+++\ntitle = \"关于印发某办法的通知\"\npublished = \"2016-04-26\"\nwritten = \"2016-04-20T00:00:00.000Z\"\nindex_no = \"X/2016-00001\"\nissuer = \"某市人民政府\"\ntopic = \"综合政务\\\\政务公开\"\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\ndoc_no = \"\"\nattachments = [{file = \"attachments/a.pdf\", title = \"附件\"}]\naliases = []\n+++\n正文。";
        assert_eq!(
            prepare("content/policies/2016/a.md", cms, Some(POLICY)),
            Ok(None)
        );
    }

    #[test]
    fn a_change_is_written_in_schema_order() {
        let cms = "+++\npublished = \"2016-04-27\"\ntitle = \"关于印发某办法的通知\"\nindex_no = \"X/2016-00001\"\nissuer = \"某市人民政府\"\nwritten = \"2016-04-20\"\ntopic = \"综合政务\\\\政务公开\"\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\nattachments = [{file = \"attachments/a.pdf\", title = \"附件\"}]\n+++\n正文。\n";
        let out = prepare("content/policies/2016/a.md", cms, Some(POLICY))
            .unwrap()
            .unwrap();
        assert_eq!(out, POLICY.replace("2016-04-26", "2016-04-27"));
    }

    #[test]
    fn a_new_file_is_written_in_the_content_format() {
        let cms = "+++\ntitle = \"页面\"\nslug = \"about\"\n+++\n";
        assert_eq!(
            prepare("content/pages/about.md", cms, None)
                .unwrap()
                .unwrap(),
            "+++\ntitle = \"页面\"\nslug = \"about\"\n+++\n"
        );
    }

    #[test]
    fn data_files_keep_their_opening_comments_and_column_order() {
        let old = "# 权力清单（演示）。\n\n[list]\ntitle = \"权力清单\"\nkind = \"power\"\nupdated = 2016-12-20\n\n[[items]]\ncode = \"A-1\"\nname = \"甲\"\ntype = \"行政许可\"\nbasis = \"法\"\nsubject = \"市局\"\n";
        let unchanged = "[list]\nkind = \"power\"\ntitle = \"权力清单\"\nupdated = \"2016-12-20\"\n\n[[items]]\nname = \"甲\"\ncode = \"A-1\"\ntype = \"行政许可\"\nbasis = \"法\"\nsubject = \"市局\"\ndept = \"\"\n";
        assert_eq!(
            prepare("content/lists/power.toml", unchanged, Some(old)),
            Ok(None)
        );
        let changed = unchanged.replace("\"甲\"", "\"乙\"");
        assert_eq!(
            prepare("content/lists/power.toml", &changed, Some(old))
                .unwrap()
                .unwrap(),
            old.replace("\"甲\"", "\"乙\"")
        );
    }

    #[test]
    fn a_changed_value_is_rewritten_in_place() {
        let old = "# 台账\n\n[list]\ntitle = \"台账\"\nkind = \"tasks\"\nupdated = 2016-08-31\n\n[[items]]\n# 第一项\ntask  =  \"甲\"\nrequirement = \"一\\n二\"\nlead = [\"市编办\"]\n\n[[items]]\ntask = \"乙\"\nrequirement = \"r\"\nlead = \"市政府办\"\n";
        let cms = "[list]\ntitle = \"台账\"\nkind = \"tasks\"\nupdated = \"2016-09-01\"\n\n[[items]]\ntask = \"甲\"\nrequirement = \"一\\n二\\n三\"\nlead = [\"市编办\"]\n\n[[items]]\ntask = \"乙\"\nrequirement = \"r\"\nlead = \"市政府办\"\n";
        let out = prepare("content/lists/t.toml", cms, Some(old))
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            old.replace("2016-08-31", "2016-09-01")
                .replace("\\n二\"", "\\n二\\n三\"")
        );
        let doc = "+++\ntitle = \"页面\"  # 标题\nslug = \"about\"\n+++\n\n正文。\n";
        let cms = "+++\nslug = \"about\"\ntitle = \"新页面\"\n+++\n新正文。";
        assert_eq!(
            prepare("content/pages/about.md", cms, Some(doc))
                .unwrap()
                .unwrap(),
            "+++\ntitle = \"新页面\"  # 标题\nslug = \"about\"\n+++\n\n新正文。\n"
        );
    }

    #[test]
    fn refuses_what_is_not_an_entry() {
        assert!(matches!(
            prepare("content/a.html", "x", None),
            Err(SaveError::Kind(_))
        ));
        assert!(matches!(
            prepare("content/pages/a.md", "no front matter", None),
            Err(SaveError::Syntax(_))
        ));
        assert!(matches!(
            prepare("content/lists/a.toml", "[list", None),
            Err(SaveError::Syntax(_))
        ));
    }
}
