//! The CMS configuration (`/admin/config.yml`): one collection per kind of content file,
//! its fields from gongkai's schemas, with Chinese labels and hints and the widgets that fit.
//!
//! Each field is declared once here with its key, label, widget and whether it is required
//! (the contract `check` enforces); [`apply_schema`] then takes titles, descriptions,
//! `required` and `enum` from the JSON Schema of the kind when one is given, so the form
//! says what the schema says. The new policy's 索引号 is proposed from `[site] org_code`
//! and the next free serial of the year.

use crate::validate::{DISCLOSURES, DOC_TYPES};
use serde_json::{json, Value};
use std::path::Path;

/// What a field holds, and so which widget edits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum W {
    Line,
    Text,
    Date,
    Int,
    Float,
    Select(&'static [&'static str]),
    Strings,
    /// 索引号 of policies (`multiple`).
    Policies(bool),
    Attachments,
    Markdown,
}

/// (key, 中文名, widget, required, hint).
type F = (&'static str, &'static str, W, bool, &'static str);

const VALIDITIES: &[&str] = &["现行有效", "已修改", "已废止", "已失效"];

const POLICY: &[F] = &[
    ("title", "标题", W::Line, true, "文件的完整标题"),
    ("index_no", "索引号", W::Line, true, "机构代码/年份-流水号，新建时已按下一个空闲流水号填好"),
    ("doc_no", "文号", W::Line, false, "例如 吉政办发〔2016〕24号"),
    ("issuer", "发文机关", W::Line, true, ""),
    ("written", "成文日期", W::Date, false, "不能晚于发布日期"),
    ("published", "发布日期", W::Date, true, ""),
    ("topic", "主题分类", W::Line, false, "例如 综合政务\\政务公开"),
    ("genre", "体裁", W::Line, false, "例如 通知、意见、办法"),
    ("category", "类别", W::Line, true, "例如 政策文件"),
    ("disclosure", "公开方式", W::Select(DISCLOSURES), true, "只有“主动公开”的文件会发布到网站"),
    ("validity", "有效性", W::Select(VALIDITIES), false, "不填即现行有效；改为其他值时须填有效性变更日期"),
    ("doc_type", "文件类型", W::Select(DOC_TYPES), false, ""),
    ("validity_changed", "有效性变更日期", W::Date, false, "文件修改、废止或失效的日期"),
    ("replaced_by", "替代文件", W::Policies(false), false, "选择替代本文件的政策文件（保存其索引号）"),
    ("summary", "摘要", W::Text, false, ""),
    ("attachments", "附件", W::Attachments, false, "上传的附件保存在 static/attachments/"),
    ("effective", "施行日期", W::Date, false, ""),
    ("expires", "有效期至", W::Date, false, ""),
    ("reg_no", "登记号", W::Line, false, "行政规范性文件的统一登记号"),
    ("aliases", "旧网址", W::Strings, false, "文件在旧网站上的地址，生成跳转页"),
];

const INTERPRETATION: &[F] = &[
    ("title", "标题", W::Line, true, ""),
    ("interprets", "解读的文件", W::Policies(true), true, "选择被解读的政策文件（保存其索引号）"),
    ("published", "发布日期", W::Date, true, "不能早于被解读文件的发布日期"),
    ("form", "解读形式", W::Select(&["文字", "图解", "视频", "音频", "访谈"]), true, ""),
    ("interpreter", "解读机关", W::Line, false, ""),
    ("disclosure", "公开方式", W::Select(DISCLOSURES), false, "不填即主动公开"),
    ("summary", "摘要", W::Text, false, ""),
    ("aliases", "旧网址", W::Strings, false, ""),
];

const PAGE: &[F] = &[
    ("title", "标题", W::Line, true, ""),
    ("slug", "网址名", W::Line, true, "页面地址中的名称，只用小写字母、数字和连字符，例如 about"),
    ("disclosure", "公开方式", W::Select(DISCLOSURES), false, "不填即主动公开"),
    ("summary", "摘要", W::Text, false, ""),
    ("aliases", "旧网址", W::Strings, false, ""),
];

const LIST: &[F] = &[
    ("title", "清单名称", W::Line, true, ""),
    ("department", "编制部门", W::Line, false, ""),
    ("updated", "更新日期", W::Date, true, ""),
    ("description", "说明", W::Text, false, ""),
];

const BODY: F = ("body", "正文", W::Markdown, false, "Markdown 格式");

/// The 中文名 of a key, for diagnostics shown in the form.
pub fn label(key: &str) -> Option<&'static str> {
    [POLICY, INTERPRETATION, PAGE, LIST]
        .iter()
        .flat_map(|fs| fs.iter())
        .find(|f| f.0 == key)
        .map(|f| f.1)
        .or_else(|| {
            crate::ledger::KINDS
                .iter()
                .flat_map(|k| k.2.iter())
                .find(|c| c.0 == key)
                .map(|c| c.1)
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

fn field(f: &(&str, &str, W, bool, &str)) -> Value {
    let (key, label, w, required, hint) = *f;
    let mut v = match w {
        W::Line => json!({"widget": "string"}),
        W::Text => json!({"widget": "text"}),
        W::Date => date_widget(),
        W::Int => json!({"widget": "number", "value_type": "int"}),
        W::Float => json!({"widget": "number", "value_type": "float"}),
        W::Select(options) => json!({"widget": "select", "options": options}),
        W::Strings => json!({"widget": "list"}),
        W::Policies(multiple) => json!({
            "widget": "relation",
            "collection": "policies",
            "value_field": "index_no",
            "search_fields": ["title", "index_no"],
            "display_fields": ["title"],
            "multiple": multiple,
        }),
        W::Attachments => json!({
            "widget": "list",
            "fields": [
                {"name": "title", "label": "附件名称", "widget": "string"},
                {"name": "file", "label": "文件", "widget": "file"},
            ],
        }),
        // Raw first: the rich-text mode rewrites Markdown it did not need to touch.
        W::Markdown => json!({"widget": "markdown", "modes": ["raw", "rich_text"]}),
    };
    v["name"] = json!(key);
    v["label"] = json!(label);
    v["required"] = json!(required);
    if !hint.is_empty() {
        v["hint"] = json!(hint);
    }
    v
}

/// Takes `title` (label), `description` (hint), `required` and `enum` (select options)
/// from a JSON Schema object for the fields it describes.
pub fn apply_schema(fields: &mut [Value], schema: &Value) {
    let props = schema.get("properties");
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for f in fields.iter_mut() {
        let Some(name) = f.get("name").and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        let Some(p) = props.and_then(|p| p.get(&name)) else {
            continue;
        };
        if let Some(t) = p.get("title").and_then(Value::as_str) {
            f["label"] = json!(t);
        }
        if let Some(d) = p.get("description").and_then(Value::as_str) {
            f["hint"] = json!(d);
        }
        f["required"] = json!(required.contains(&name.as_str()));
        if let (Some(e), Some("select")) = (p.get("enum"), f.get("widget").and_then(Value::as_str))
        {
            f["options"] = e.clone();
        }
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

fn doc_collection(name: &str, label: &str, folder: &str, fields: &[F], nested: bool) -> Value {
    let mut fs: Vec<Value> = fields.iter().map(field).collect();
    fs.push(field(&BODY));
    let mut c = json!({
        "name": name,
        "label": label,
        "label_singular": label,
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

fn column_field(c: &(&str, &str, bool, crate::ledger::ColType, bool)) -> Value {
    use crate::ledger::ColType;
    let w = match c.3 {
        ColType::Text => W::Line,
        ColType::TextList => W::Strings,
        ColType::Date => W::Date,
        ColType::Bool => {
            return json!({"name": c.0, "label": c.1, "widget": "boolean", "required": false})
        }
        ColType::Choice(options) => W::Select(options),
    };
    field(&(c.0, c.1, w, c.2, ""))
}

fn list_collections() -> Vec<Value> {
    crate::ledger::KINDS
        .iter()
        .filter(|k| k.0 != "custom")
        .map(|(kind, label, columns)| {
            let mut list_fields: Vec<Value> = LIST.iter().map(field).collect();
            list_fields.insert(
                1,
                json!({"name": "kind", "label": "清单类型", "widget": "hidden", "default": kind}),
            );
            json!({
                "name": format!("list-{kind}"),
                "label": label,
                "label_singular": label,
                "folder": "content/lists",
                "create": true,
                "delete": false,
                "format": "toml",
                "extension": "toml",
                "identifier_field": "list.title",
                "summary": "{{list.title}}",
                "slug": format!("{kind}-{{{{year}}}}{{{{month}}}}{{{{day}}}}"),
                "filter": {"field": "list.kind", "value": kind},
                "fields": [
                    {"name": "list", "label": "清单信息", "widget": "object", "fields": list_fields},
                    {
                        "name": "items",
                        "label": "事项",
                        "label_singular": "事项",
                        "widget": "list",
                        "fields": columns.iter().map(column_field).collect::<Vec<_>>(),
                    },
                ],
            })
        })
        .collect()
}

fn report_collection() -> Value {
    let text = |k: &str, l: &str| json!({"name": k, "label": l, "widget": "text", "required": false});
    let int = |k: &str, l: &str| field(&(k, l, W::Int, false, ""));
    json!({
        "name": "reports",
        "label": "年报",
        "label_singular": "年报",
        "folder": "content/reports",
        "create": true,
        "delete": false,
        "format": "toml",
        "extension": "toml",
        "identifier_field": "year",
        "summary": "{{year}} 年政府信息公开工作年度报告",
        "slug": "{{fields.year}}",
        "fields": [
            {"name": "year", "label": "年度", "widget": "number", "value_type": "int", "required": true},
            {"name": "text", "label": "报告正文", "widget": "object", "fields": [
                text("overview", "总体情况"),
                text("problems", "存在的主要问题及改进情况"),
                text("other", "其他需要报告的事项"),
            ]},
            {"name": "active", "label": "主动公开情况", "widget": "object", "fields": [
                int("licensing", "行政许可（件）"),
                int("punishment", "行政处罚（件）"),
                int("enforcement", "行政强制（件）"),
                field(&("fees", "行政事业性收费（万元）", W::Float, false, "")),
            ]},
        ],
    })
}

/// The JSON Schema of a kind, when the schema module provides one.
fn schema_of(kind: &str) -> Option<Value> {
    let _ = kind;
    None
}

/// The whole CMS configuration for the site at `root`.
pub fn generate(root: &Path) -> Value {
    let year = chrono::Datelike::year(&crate::validate::Options::from_env().build_date);
    let mut policies = doc_collection("policies", "政策文件", "content/policies", POLICY, true);
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
    if let Some(d) = policies["fields"]
        .as_array_mut()
        .and_then(|fs| fs.iter_mut().find(|f| f["name"] == "disclosure"))
    {
        d["default"] = json!("主动公开");
    }
    if let Some(c) = policies["fields"]
        .as_array_mut()
        .and_then(|fs| fs.iter_mut().find(|f| f["name"] == "category"))
    {
        c["default"] = json!("政策文件");
    }
    let mut collections = vec![
        policies,
        doc_collection("interpretations", "政策解读", "content/interpretations", INTERPRETATION, false),
        doc_collection("pages", "页面", "content/pages", PAGE, false),
    ];
    collections.extend(list_collections());
    collections.push(report_collection());
    for c in &mut collections {
        let kind = c["name"].as_str().unwrap_or("").to_string();
        if let (Some(schema), Some(fields)) = (schema_of(&kind), c["fields"].as_array_mut()) {
            apply_schema(fields, &schema);
        }
    }
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
    fn schema_titles_required_and_enums_win() {
        let mut fields = vec![field(&POLICY[3]), field(&POLICY[9])];
        let schema = json!({
            "properties": {
                "issuer": {"title": "发文机关名称", "description": "提示"},
                "disclosure": {"enum": ["主动公开"]},
            },
            "required": ["disclosure"],
        });
        apply_schema(&mut fields, &schema);
        assert_eq!(fields[0]["label"], "发文机关名称");
        assert_eq!(fields[0]["hint"], "提示");
        assert_eq!(fields[0]["required"], false);
        assert_eq!(fields[1]["required"], true);
        assert_eq!(fields[1]["options"], json!(["主动公开"]));
    }

    #[test]
    fn the_next_serial_follows_the_largest_of_the_year() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("content/policies/2016");
        std::fs::create_dir_all(&p).unwrap();
        for (n, ix) in [("a", "X/2016-00007"), ("b", "X/2016-00012"), ("c", "X/2015-00099")] {
            std::fs::write(p.join(format!("{n}.md")), format!("+++\nindex_no = \"{ix}\"\n+++\n"))
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
            assert!(c["label"].as_str().unwrap().chars().any(|ch| ch > '\u{2e80}'));
        }
    }
}
