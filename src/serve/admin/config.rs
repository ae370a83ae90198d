//! The CMS configuration (`/admin/config.yml`): one collection per kind of content file,
//! its fields derived from the schema declaration ([`crate::schema`]) — the same keys,
//! 中文名, descriptions (as hints), required keys and enums that `check` and
//! `gongkai schema` use — with the widgets that fit (dates, selects, a relation listing
//! policies by title that stores the 索引号, uploads into `static/attachments/`).
//!
//! The new policy's 索引号 is proposed from `[site] org_code` and the next free serial of
//! the year.

use crate::schema::{self, Key, Kind, Type};
use serde_json::{json, Value};
use std::path::Path;

/// The 中文名 of a key, for diagnostics shown in the form.
pub fn label(key: &str) -> Option<&'static str> {
    fn find(keys: &'static [Key], key: &str) -> Option<&'static str> {
        keys.iter().find_map(|k| match k.ty {
            _ if k.key == key => Some(k.name),
            Type::Table(sub) | Type::Tables(sub) => find(sub, key),
            _ => None,
        })
    }
    [
        Kind::Policy,
        Kind::Interpretation,
        Kind::Page,
        Kind::List,
        Kind::Report,
    ]
    .iter()
    .find_map(|kind| find(kind.keys(), key))
    .or_else(|| {
        schema::LEDGER_KINDS
            .iter()
            .find_map(|l| find(l.columns, key))
    })
}

/// The key written on line `line` (1-based) of `text` (`key = …`), if any.
pub fn field_at_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let (k, _) = l.split_once('=')?;
    let k = k.trim().trim_matches('"');
    (!k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    .then(|| k.to_string())
}

fn date_widget() -> Value {
    json!({
        "widget": "datetime",
        "format": "YYYY-MM-DD",
        "date_format": "YYYY-MM-DD",
        "time_format": false,
        "picker_utc": true,
    })
}

/// Keys whose text is long: a text area rather than a line.
const LONG: &[&str] = &[
    "summary",
    "description",
    "basis",
    "responsibilities",
    "accountability",
    "requirement",
    "progress",
    "overview",
    "problems",
    "other",
];

/// The widget of a value of type `ty` (without name and label).
fn widget(key: &str, ty: Type) -> Option<Value> {
    Some(match ty {
        Type::String | Type::Blankable if LONG.contains(&key) => json!({"widget": "text"}),
        Type::String | Type::Blankable => json!({"widget": "string"}),
        Type::Strings => json!({"widget": "list"}),
        Type::Date => date_widget(),
        Type::Int => json!({"widget": "number", "value_type": "int"}),
        Type::Count => json!({"widget": "number", "value_type": "int", "min": 0}),
        Type::Positive => json!({"widget": "number", "value_type": "int", "min": 1}),
        Type::Amount => json!({"widget": "number", "value_type": "float", "min": 0}),
        Type::Bool => json!({"widget": "boolean"}),
        Type::Enum(options) => json!({"widget": "select", "options": options}),
        Type::List(t) => {
            let mut f = widget(key, *t)?;
            f["name"] = json!(key);
            json!({"widget": "list", "field": f})
        }
        Type::Row(n) => json!({
            "widget": "list",
            "field": {"name": key, "label": "数量", "widget": "number", "value_type": "int", "min": 0},
            "min": n,
            "max": n,
        }),
        Type::Table(keys) => json!({"widget": "object", "fields": fields(keys)}),
        Type::Tables(keys) => json!({"widget": "list", "fields": fields(keys)}),
        // Names chosen by the writer and custom columns have no form: the CMS keeps such
        // values as they are.
        Type::Map(_) | Type::LedgerItems => return None,
    })
}

/// The form field of one declared key: its 中文名, its description as the hint, required as
/// declared, and the widgets gongkai needs (policies by title storing the 索引号, uploads).
fn field(k: &Key) -> Option<Value> {
    let mut v = match k.key {
        "interprets" | "replaced_by" => json!({
            "widget": "relation",
            "collection": "policies",
            "value_field": "index_no",
            "search_fields": ["title", "index_no"],
            "display_fields": ["title"],
            "multiple": k.key == "interprets",
        }),
        "file" => json!({"widget": "file"}),
        _ => widget(k.key, k.ty)?,
    };
    v["name"] = json!(k.key);
    v["label"] = json!(k.name);
    v["required"] = json!(k.required);
    if !k.description.is_empty() {
        v["hint"] = json!(k.description);
    }
    Some(v)
}

fn fields(keys: &[Key]) -> Vec<Value> {
    keys.iter().filter_map(field).collect()
}

fn set(fields: &mut [Value], name: &str, key: &str, value: Value) {
    if let Some(f) = fields.iter_mut().find(|f| f["name"] == name) {
        f[key] = value;
    }
}

/// The `[site] org_code` of the site at `root`.
fn org_code(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("site-config.toml")).ok()?;
    let t: toml::Table = text.parse().ok()?;
    Some(t.get("site")?.get("org_code")?.as_str()?.to_string())
}

/// The 索引号 proposed for a new policy published in `year`: `<org_code>/<year>-<serial>`,
/// the serial one more than the largest used in that year, five digits at least.
pub fn next_index_no(root: &Path, org_code: &str, year: i32) -> String {
    let prefix = format!("{org_code}/{year}-");
    let mut max = 0u64;
    for f in crate::source::walk(&root.join("content/policies")) {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let Ok(split) = crate::source::frontmatter::split(&text) else {
            continue;
        };
        let Ok(t) = text[split.front_matter].parse::<toml::Table>() else {
            continue;
        };
        if let Some(serial) = t
            .get("index_no")
            .and_then(toml::Value::as_str)
            .and_then(|ix| ix.strip_prefix(&prefix))
            .and_then(|s| s.parse::<u64>().ok())
        {
            max = max.max(serial);
        }
    }
    format!("{prefix}{:05}", max + 1)
}

fn doc_collection(name: &str, folder: &str, kind: Kind, nested: bool) -> Value {
    let mut fs = fields(kind.keys());
    fs.push(json!({
        "name": "body",
        "label": "正文",
        "widget": "markdown",
        "required": false,
        "hint": "Markdown 格式",
        // Raw first: the rich-text mode rewrites Markdown it did not need to touch.
        "modes": ["raw", "rich_text"],
    }));
    set(&mut fs, "disclosure", "default", json!("主动公开"));
    let mut c = json!({
        "name": name,
        "label": kind.title(),
        "label_singular": kind.title(),
        "description": kind.description(),
        "folder": folder,
        "create": true,
        "delete": false,
        "format": "toml-frontmatter",
        "extension": "md",
        "identifier_field": "title",
        "summary": "{{title}}",
        // File names from the 发布日期 (titles are Chinese: an ASCII slug of one is empty).
        "slug": "{{fields.published | date('YYYYMMDD')}}-{{hour}}{{minute}}{{second}}",
        "fields": fs,
    });
    if nested {
        // Policies live in a folder per year: content/policies/2016/…. The CMS fills a path
        // template without filters and only from a field it calls a date (not 发布日期), so
        // the folder is the year the entry is created in; the file name has the 发布日期.
        c["path"] = json!("{{year}}/{{slug}}");
    }
    if name == "pages" {
        c["slug"] = json!("{{fields.slug}}");
    }
    c
}

fn list_collections() -> Vec<Value> {
    let list_keys = match Kind::List
        .keys()
        .iter()
        .find(|k| k.key == "list")
        .map(|k| k.ty)
    {
        Some(Type::Table(keys)) => keys,
        _ => schema::LIST,
    };
    schema::LEDGER_KINDS
        .iter()
        .map(|l| {
            // One collection per kind: `kind` is fixed, `columns` belongs to custom lists.
            let mut list_fields: Vec<Value> = list_keys
                .iter()
                .filter(|k| k.key != "columns")
                .filter_map(field)
                .collect();
            set(&mut list_fields, "kind", "widget", json!("hidden"));
            set(&mut list_fields, "kind", "default", json!(l.kind));
            let mut items = fields(l.columns);
            let summary = items
                .iter()
                .find(|f| f["required"] == true)
                .and_then(|f| f["name"].as_str())
                .map(|n| format!("{{{{fields.{n}}}}}"))
                .unwrap_or_default();
            items.retain(|f| f.is_object());
            json!({
                "name": format!("list-{}", l.kind),
                "label": l.name,
                "label_singular": l.name,
                "folder": "content/lists",
                "create": true,
                "delete": false,
                "format": "toml",
                "extension": "toml",
                "identifier_field": "list.title",
                "summary": "{{list.title}}",
                "slug": format!("{}-{{{{year}}}}{{{{month}}}}{{{{day}}}}", l.kind),
                "filter": {"field": "list.kind", "value": l.kind},
                "fields": [
                    {"name": "list", "label": "清单信息", "widget": "object", "fields": list_fields},
                    {
                        "name": "items",
                        "label": "事项",
                        "label_singular": "事项",
                        "widget": "list",
                        "summary": summary,
                        "fields": items,
                    },
                ],
            })
        })
        .collect()
}

fn report_collection() -> Value {
    json!({
        "name": "reports",
        "label": "年报",
        "label_singular": "年报",
        "description": Kind::Report.description(),
        "folder": "content/reports",
        "create": true,
        "delete": false,
        "format": "toml",
        "extension": "toml",
        "identifier_field": "year",
        "summary": "{{year}} 年政府信息公开工作年度报告",
        "slug": "{{fields.year}}",
        "fields": fields(Kind::Report.keys()),
    })
}

/// The whole CMS configuration for the site at `root`.
pub fn generate(root: &Path) -> Value {
    let year = chrono::Datelike::year(&crate::validate::Options::from_env().build_date);
    let mut policies = doc_collection("policies", "content/policies", Kind::Policy, true);
    if let Some(code) = org_code(root) {
        if let Some(ix) = policies["fields"]
            .as_array_mut()
            .and_then(|fs| fs.iter_mut().find(|f| f["name"] == "index_no"))
        {
            ix["default"] = json!(next_index_no(root, &code, year));
            ix["pattern"] = json!([
                format!("^{}/\\d{{4}}-\\d{{1,10}}$", regex::escape(&code)),
                format!("索引号写作 {code}/{year}-00001"),
            ]);
        }
    }
    if let Some(c) = policies["fields"]
        .as_array_mut()
        .and_then(|fs| fs.iter_mut().find(|f| f["name"] == "category"))
    {
        c["default"] = json!("政策文件");
    }
    let mut collections = vec![
        policies,
        doc_collection(
            "interpretations",
            "content/interpretations",
            Kind::Interpretation,
            false,
        ),
        doc_collection("pages", "content/pages", Kind::Page, false),
    ];
    collections.extend(list_collections());
    collections.push(report_collection());
    json!({
        "backend": {"name": "proxy", "proxy_url": "/admin/api/v1", "branch": "main"},
        "locale": "zh_Hans",
        "media_folder": super::paths::MEDIA_DIR,
        "public_folder": "attachments",
        "site_url": "/",
        "display_url": "/",
        "show_preview_links": false,
        "slug": {"encoding": "ascii", "clean_accents": true},
        "collections": collections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_on_their_lines() {
        let t = "+++\ntitle = \"a\"\n\"doc_no\" = \"b\"\n+++\n";
        assert_eq!(field_at_line(t, 2).as_deref(), Some("title"));
        assert_eq!(field_at_line(t, 3).as_deref(), Some("doc_no"));
        assert_eq!(field_at_line(t, 1), None);
        assert_eq!(field_at_line(t, 0), None);
        assert_eq!(label("issuer"), Some("发文机关"));
    }

    #[test]
    fn fields_come_from_the_schema_declaration() {
        let fs = fields(Kind::Policy.keys());
        let issuer = fs.iter().find(|f| f["name"] == "issuer").unwrap();
        assert_eq!(issuer["label"], "发文机关");
        assert_eq!(issuer["required"], true);
        let d = fs.iter().find(|f| f["name"] == "disclosure").unwrap();
        assert_eq!(d["widget"], "select");
        assert_eq!(d["options"], json!(schema::DISCLOSURES));
        let p = fs.iter().find(|f| f["name"] == "published").unwrap();
        assert_eq!(p["widget"], "datetime");
        let r = fs.iter().find(|f| f["name"] == "replaced_by").unwrap();
        assert_eq!(
            (&r["widget"], &r["value_field"]),
            (&json!("relation"), &json!("index_no"))
        );
        let a = fs.iter().find(|f| f["name"] == "attachments").unwrap();
        assert_eq!(a["fields"][1]["widget"], "file");
        let required: Vec<&str> = Kind::Policy
            .keys()
            .iter()
            .filter(|k| k.required)
            .map(|k| k.key)
            .collect();
        let form_required: Vec<&str> = fs
            .iter()
            .filter(|f| f["required"] == true)
            .filter_map(|f| f["name"].as_str())
            .collect();
        assert_eq!(form_required, required);
    }

    #[test]
    fn the_next_serial_follows_the_largest_of_the_year() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("content/policies/2016");
        std::fs::create_dir_all(&p).unwrap();
        for (n, ix) in [
            ("a", "X/2016-00007"),
            ("b", "X/2016-00012"),
            ("c", "X/2015-00099"),
        ] {
            std::fs::write(
                p.join(format!("{n}.md")),
                format!("+++\nindex_no = \"{ix}\"\n+++\n"),
            )
            .unwrap();
        }
        assert_eq!(next_index_no(dir.path(), "X", 2016), "X/2016-00013");
        assert_eq!(next_index_no(dir.path(), "X", 2017), "X/2017-00001");
    }

    #[test]
    fn every_collection_has_fields_and_a_chinese_label() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = generate(dir.path());
        assert_eq!(cfg["locale"], "zh_Hans");
        let cs = cfg["collections"].as_array().unwrap();
        assert!(cs.len() >= 5);
        for c in cs {
            assert!(!c["fields"].as_array().unwrap().is_empty());
            assert!(c["label"]
                .as_str()
                .unwrap()
                .chars()
                .any(|ch| ch > '\u{2e80}'));
        }
    }
}
