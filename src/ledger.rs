//! Ledgers (清单 and 台账): schemas per kind, validated items, task due dates and status.

use crate::deadline::parse_deadline;
use crate::diagnostics::Diagnostic;
use crate::source::fields::Fields;
use crate::source::{is_safe_segment, RawData};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a column's values are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ColType {
    Text,
    /// A string or a list of strings (shown joined with 、).
    TextList,
    Date,
    Bool,
    /// One of the values in `choices`.
    Choice(&'static [&'static str]),
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub required: bool,
    #[serde(skip)]
    pub ty: ColType,
    /// Shown in the list table (long texts only on the item page).
    pub in_table: bool,
}

pub const POWER_TYPES: &[&str] = &[
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
];
pub const STATUSES: &[&str] = &["未启动", "推进中", "已完成"];

/// (kind, 中文名, columns as (key, label, required, type, in_table)).
type Schema = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, bool, ColType, bool)],
);

use ColType::*;
pub const KINDS: &[Schema] = &[
    (
        "power",
        "权力清单",
        &[
            ("code", "事项编码", true, Text, true),
            ("name", "事项名称", true, Text, true),
            ("type", "权力类型", true, Choice(POWER_TYPES), true),
            ("basis", "实施依据", true, Text, false),
            ("subject", "实施主体", true, Text, true),
            ("responsibilities", "责任事项", false, Text, false),
            ("accountability", "追责情形", false, Text, false),
            ("dept", "承办机构", false, Text, true),
        ],
    ),
    (
        "responsibility",
        "责任清单",
        &[
            ("name", "事项名称", true, Text, true),
            ("duties", "职责", true, Text, true),
            ("dept", "责任部门", true, Text, true),
            ("basis", "依据", false, Text, false),
            ("accountability", "追责情形", false, Text, false),
        ],
    ),
    (
        "fees",
        "行政事业性收费目录清单",
        &[
            ("dept", "部门", true, Text, true),
            ("name", "项目名称", true, Text, true),
            ("standard", "收费标准", true, Text, true),
            ("fund_management", "资金管理方式", false, Text, true),
            ("basis", "政策依据", true, Text, false),
            ("approval_level", "批准级次", false, Text, true),
            ("enterprise_related", "涉企收费", false, Bool, true),
        ],
    ),
    (
        "funds",
        "政府性基金目录清单",
        &[
            ("name", "项目名称", true, Text, true),
            ("fund_management", "资金管理方式", false, Text, true),
            ("basis", "政策依据", true, Text, false),
            ("region", "征收地区", false, Text, true),
            ("collection", "征收方式", false, Text, true),
            ("standard", "征收标准", true, Text, true),
        ],
    ),
    (
        "inspection",
        "随机抽查事项清单",
        &[
            ("name", "抽查事项", true, Text, true),
            ("basis", "抽查依据", true, Text, false),
            ("subject", "抽查主体", true, Text, true),
            ("target", "检查对象", false, Text, true),
            ("content", "检查内容", false, Text, false),
            ("method", "抽查方式", true, Text, true),
            ("ratio", "比例和频次", false, Text, true),
        ],
    ),
    (
        "intermediary",
        "中介服务事项清单",
        &[
            ("name", "中介服务事项名称", true, Text, true),
            ("approval_item", "审批事项", true, Text, true),
            ("approval_dept", "审批部门", false, Text, true),
            ("basis", "设定依据", true, Text, false),
            ("provider", "实施机构", false, Text, true),
        ],
    ),
    (
        "services",
        "公共服务事项清单",
        &[
            ("name", "事项名称", true, Text, true),
            ("basis", "设定依据", true, Text, false),
            ("conditions", "申请条件", false, Text, false),
            ("materials", "办理材料", false, TextList, false),
            ("location", "办理地点", false, Text, true),
            ("unit", "办理机构", true, Text, true),
            ("fee", "收费标准", false, Text, true),
            ("time_limit", "办理时限", false, Text, true),
            ("hours", "办理时间", false, Text, false),
            ("phone", "联系电话", false, Text, true),
            ("process", "办理流程", false, Text, false),
        ],
    ),
    (
        "responses",
        "互动回应",
        &[
            ("received", "收到日期", true, Date, true),
            ("question", "留言内容", true, Text, true),
            ("reply", "答复内容", false, Text, false),
            ("replied", "答复日期", false, Date, true),
            ("dept", "答复单位", false, Text, true),
        ],
    ),
    (
        "negative",
        "负面清单",
        &[
            ("category", "类别", true, Text, true),
            ("name", "事项名称", true, Text, true),
            ("measures", "管理措施", false, Text, true),
            ("basis", "依据", true, Text, false),
        ],
    ),
    (
        "tasks",
        "工作台账",
        &[
            ("seq", "序号", false, Text, true),
            ("group", "分组", false, Text, false),
            ("task", "工作任务", true, Text, true),
            ("requirement", "具体要求", true, Text, true),
            ("lead", "牵头单位", true, TextList, true),
            ("channel", "公开载体", false, Text, false),
            ("deadline", "完成时限", true, Text, true),
            ("due", "到期日期", false, Date, false),
            ("status", "进展状态", false, Choice(STATUSES), true),
            ("progress", "进展情况", false, Text, false),
        ],
    ),
];

pub fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|k| k.0 == kind)
        .map(|k| k.1)
        .unwrap_or("清单")
}

/// One cell's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    List(Vec<String>),
    Bool(bool),
    Date(NaiveDate),
}

impl Value {
    /// How the cell is shown and exported to CSV.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::List(l) => l.join("、"),
            Value::Bool(true) => "是".into(),
            Value::Bool(false) => "否".into(),
            Value::Date(d) => crate::render::cn_date(*d),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// 1-based position in the file.
    pub position: usize,
    /// URL segment: the 事项编码 where the kind has one, else the position.
    pub slug: String,
    pub values: BTreeMap<String, Value>,
    /// Tasks only: due date (from `due`, else parsed from the deadline text).
    pub due: Option<NaiveDate>,
    /// Tasks only: past due at the build date and not 已完成.
    pub overdue: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TaskSummary {
    pub total: usize,
    pub done: usize,
    pub in_progress: usize,
    pub not_started: usize,
    pub overdue: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    pub source: String,
    pub stem: String,
    pub url: String,
    pub title: String,
    pub kind: String,
    pub kind_label: String,
    pub department: Option<String>,
    pub updated: NaiveDate,
    pub description: Option<String>,
    pub columns: Vec<Column>,
    pub items: Vec<Item>,
    pub summary: Option<TaskSummary>,
    /// Old URLs of the ledger page (`aliases` in `[list]`).
    pub aliases: Vec<String>,
}

const LIST_KEYS: &[&str] = &[
    "title",
    "kind",
    "department",
    "updated",
    "description",
    "year",
    "columns",
    "aliases",
];

/// Byte ranges of each `[[items]]` block in the file.
pub fn item_regions(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut starts = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == "[[items]]" {
            // The offset of the `[` itself: `line` may start with multi-byte white space
            // (U+3000 inside a multi-line string), so `pos + 1` need not be a char boundary.
            starts.push(pos + line.len() - line.trim_start().len());
        }
        pos += line.len();
    }
    let mut regions = Vec::new();
    for (i, s) in starts.iter().enumerate() {
        let mut end = starts.get(i + 1).copied().unwrap_or(text.len());
        // A later [table] header ends the block too.
        let mut p = *s + 1;
        for line in text[*s + 1..end].split_inclusive('\n') {
            let t = line.trim();
            if p > *s + 1 && t.starts_with('[') && !t.starts_with("[[items]]") && !t.contains('=') {
                end = p;
                break;
            }
            p += line.len();
        }
        regions.push(*s..end);
    }
    regions
}

/// Validates one ledger file into a [`Ledger`], with every problem found.
pub fn build(raw: &RawData, build_date: NaiveDate) -> (Option<Ledger>, Vec<Diagnostic>) {
    let path = raw.file.path.as_str();
    let text: &str = &raw.file.text;
    let mut diags = Vec::new();
    let empty = toml::Table::new();
    let list_t = match raw.table.get("list") {
        Some(toml::Value::Table(t)) => t,
        _ => {
            diags.push(
                Diagnostic::error("E-LIST-HEADER", "清单文件缺少 [list] 表")
                    .at(path, text, 0)
                    .with_hint("文件开头写 [list]，再写 title、kind、updated 等字段"),
            );
            &empty
        }
    };
    for key in raw.table.keys() {
        if key != "list" && key != "items" {
            diags.push(
                Diagnostic::error("E-UNKNOWN-KEY", format!("未知字段 `{key}`"))
                    .at(
                        path,
                        text,
                        crate::source::fields::find_key(text, 0..text.len(), key).unwrap_or(0),
                    )
                    .with_hint("清单文件只有 [list] 和 [[items]] 两部分"),
            );
        }
    }
    if !matches!(raw.table.get("list"), Some(toml::Value::Table(_))) {
        // Without [list] there is no kind to check the items against: one error, not one
        // per missing [list] key.
        return (None, diags);
    }
    let list_end = text.find("[[items]]").unwrap_or(text.len());
    let mut f = Fields::new(path, text, 0..list_end, list_t).with_label("[list]".into());
    let title = f.string("title", true);
    let kinds: Vec<&str> = KINDS.iter().map(|k| k.0).chain(["custom"]).collect();
    let kind = f.one_of("kind", true, &kinds);
    let department = f.string("department", false);
    let updated = f.date("updated", true);
    let description = f.string("description", false);
    let year = f.integer("year", false);
    let aliases = crate::continuity::read_aliases(&mut f);
    let columns = match kind.as_deref() {
        Some("custom") => custom_columns(&mut f, list_t),
        Some(k) => {
            if f.has("columns") {
                f.error(
                    "E-UNKNOWN-KEY",
                    "columns",
                    "只有 kind = \"custom\" 的清单可以声明 columns".into(),
                    None,
                );
            }
            schema_columns(k)
        }
        None => Vec::new(),
    };
    diags.extend(f.finish(LIST_KEYS));

    let items_v: Vec<&toml::Table> = match raw.table.get("items") {
        None => Vec::new(),
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|v| match v {
                toml::Value::Table(t) => Some(t),
                _ => None,
            })
            .collect(),
        Some(_) => {
            diags.push(
                Diagnostic::error("E-WRONG-TYPE", "items 应为 [[items]] 表数组").at(path, text, 0),
            );
            Vec::new()
        }
    };
    let (Some(title), Some(kind), Some(updated)) = (title, kind, updated) else {
        return (None, diags);
    };
    let ledger_year = year
        .map(|y| y as i32)
        .unwrap_or_else(|| chrono::Datelike::year(&updated));
    let regions = item_regions(text);
    let allowed: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
    let mut items = Vec::new();
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    for (i, t) in items_v.iter().enumerate() {
        let region = regions.get(i).cloned().unwrap_or(0..text.len());
        let mut f = Fields::new(path, text, region, t).with_label(format!("第 {} 项", i + 1));
        let mut values = BTreeMap::new();
        for c in &columns {
            // A 台账 may leave 完成时限 blank, as the seeds do: kept as written.
            let blank_deadline = c.key == "deadline"
                && t.get("deadline")
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| s.trim().is_empty());
            let v = match c.ty {
                Text if blank_deadline => Some(Value::Text(String::new())),
                Text => f.string(&c.key, c.required).map(Value::Text),
                TextList => f.string_list(&c.key, c.required).map(Value::List),
                Date => f.date(&c.key, c.required).map(Value::Date),
                Bool => f.boolean(&c.key).map(Value::Bool),
                Choice(choices) => f.one_of(&c.key, c.required, choices).map(Value::Text),
            };
            if let Some(v) = v {
                values.insert(c.key.clone(), v);
            }
        }
        let mut slug = (i + 1).to_string();
        if kind == "power" {
            if let Some(Value::Text(code)) = values.get("code") {
                if !is_safe_segment(code) || code.contains(['?', '#', '%']) {
                    f.error(
                        "E-UNSAFE-PATH",
                        "code",
                        format!("事项编码不能用于网址：{code}"),
                        Some("事项编码不能包含 /、\\、..、?、#、% 或控制字符".into()),
                    );
                } else if let Some(first) = codes.get(code) {
                    f.error(
                        "E-LIST-DUPLICATE-CODE",
                        "code",
                        format!("事项编码 {code} 与第 {first} 项重复"),
                        Some("每个事项编码在清单中必须唯一".into()),
                    );
                } else {
                    codes.insert(code.clone(), i + 1);
                    slug = code.clone();
                }
            }
        }
        let (due, overdue) = if kind == "tasks" {
            let due = match values.get("due") {
                Some(Value::Date(d)) => Some(*d),
                _ => match values.get("deadline") {
                    Some(Value::Text(t)) => parse_deadline(t, ledger_year),
                    _ => None,
                },
            };
            let done = matches!(values.get("status"), Some(Value::Text(s)) if s == "已完成");
            (due, due.is_some_and(|d| d < build_date) && !done)
        } else {
            (None, false)
        };
        if kind == "responses" {
            if let Some(d) = reply_late(&values, build_date) {
                let key = if values.contains_key("replied") {
                    "replied"
                } else {
                    "received"
                };
                let at = f.pos(key);
                diags.push(
                    Diagnostic::warning("W-REPLY-LATE", format!("第 {} 项：{d}", i + 1))
                        .at(path, text, at)
                        .with_hint("留言应在收到后 3 个月内答复（政府网站与政务新媒体检查指标：互动回应）；答复后填写 reply 和 replied"),
                );
            }
        }
        diags.extend(f.finish(&allowed));
        items.push(Item {
            position: i + 1,
            slug,
            values,
            due,
            overdue,
        });
    }
    let summary = (kind == "tasks").then(|| {
        let status = |s: &str| {
            items
                .iter()
                .filter(|i| matches!(i.values.get("status"), Some(Value::Text(v)) if v == s))
                .count()
        };
        TaskSummary {
            total: items.len(),
            done: status("已完成"),
            in_progress: status("推进中"),
            not_started: items.len() - status("已完成") - status("推进中"),
            overdue: items.iter().filter(|i| i.overdue).count(),
        }
    });
    let ledger = Ledger {
        source: path.to_string(),
        stem: raw.stem.clone(),
        url: format!("/lists/{}/", crate::validate::encode_path(&raw.stem)),
        title,
        kind_label: kind_label(&kind).to_string(),
        kind,
        department,
        updated,
        description,
        columns,
        items,
        summary,
        aliases,
    };
    (Some(ledger), diags)
}

/// Longest time to answer a message: 3 months (检查指标, 互动回应差).
pub const REPLY_MONTHS: u32 = 3;

/// Why a 互动回应 item is late, if it is: replied more than 3 months after it was received,
/// or not replied and received more than 3 months before the build date.
pub fn reply_late(values: &BTreeMap<String, Value>, build_date: NaiveDate) -> Option<String> {
    let Some(Value::Date(received)) = values.get("received") else {
        return None;
    };
    let limit = received.checked_add_months(chrono::Months::new(REPLY_MONTHS))?;
    match values.get("replied") {
        Some(Value::Date(r)) if *r > limit => Some(format!(
            "{}收到的留言{}才答复，超过 {REPLY_MONTHS} 个月",
            crate::render::cn_date(*received),
            crate::render::cn_date(*r)
        )),
        Some(Value::Date(_)) => None,
        _ if build_date > limit => Some(format!(
            "{}收到的留言超过 {REPLY_MONTHS} 个月未答复",
            crate::render::cn_date(*received)
        )),
        _ => None,
    }
}

fn schema_columns(kind: &str) -> Vec<Column> {
    KINDS
        .iter()
        .find(|k| k.0 == kind)
        .map(|k| {
            k.2.iter()
                .map(|(key, label, required, ty, in_table)| Column {
                    key: key.to_string(),
                    label: label.to_string(),
                    required: *required,
                    ty: *ty,
                    in_table: *in_table,
                })
                .collect()
        })
        .unwrap_or_default()
}

fn custom_columns(f: &mut Fields, list_t: &toml::Table) -> Vec<Column> {
    let Some(toml::Value::Array(cols)) = list_t.get("columns") else {
        f.error(
            "E-MISSING-KEY",
            "kind",
            "kind = \"custom\" 的清单必须声明 columns".into(),
            Some("columns = [{ key = \"name\", label = \"名称\", required = true }]".into()),
        );
        return Vec::new();
    };
    let mut out: Vec<Column> = Vec::new();
    for c in cols {
        let (key, label, required) = match c {
            toml::Value::Table(t) => (
                t.get("key").and_then(|v| v.as_str()),
                t.get("label").and_then(|v| v.as_str()),
                t.get("required").and_then(|v| v.as_bool()).unwrap_or(false),
            ),
            _ => (None, None, false),
        };
        match (key, label) {
            (Some(k), Some(l)) if !k.is_empty() && !out.iter().any(|c| c.key == k) => {
                out.push(Column {
                    key: k.into(),
                    label: l.into(),
                    required,
                    ty: TextList,
                    in_table: true,
                })
            }
            _ => f.error(
                "E-LIST-COLUMNS",
                "columns",
                "columns 的每一项须有不重复的 key 和 label".into(),
                Some("columns = [{ key = \"name\", label = \"名称\", required = true }]".into()),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn raw(text: &str) -> RawData {
        RawData {
            file: SourceFile {
                path: "content/lists/x.toml".into(),
                text: text.into(),
            },
            stem: "x".into(),
            table: toml::from_str(text).unwrap(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn power_list_errors_name_item_key_and_line() {
        let text = "[list]\ntitle = \"权力清单\"\nkind = \"power\"\nupdated = 2016-07-01\n\n[[items]]\ncode = \"A1\"\nname = \"甲\"\ntype = \"行政许可\"\nbasis = \"法\"\nsubject = \"市局\"\n\n[[items]]\ncode = \"A1\"\nname = \"乙\"\ntype = \"行政审批\"\nbasis = \"法\"\ncolour = \"红\"\n";
        let (l, diags) = build(&raw(text), d("2016-08-01"));
        let got: Vec<_> = diags.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(
            got,
            vec![
                ("E-INVALID-VALUE", 16),
                ("E-MISSING-KEY", 13),
                ("E-LIST-DUPLICATE-CODE", 14),
                ("E-UNKNOWN-KEY", 18)
            ]
        );
        assert!(diags[0].message.starts_with("第 2 项"));
        assert_eq!(l.unwrap().items[0].slug, "A1");
    }

    #[test]
    fn tasks_get_due_dates_and_overdue() {
        let text = "[list]\ntitle = \"台账\"\nkind = \"tasks\"\nupdated = 2016-07-20\n\n[[items]]\ntask = \"甲\"\nrequirement = \"r\"\nlead = [\"市编办\", \"市政府办\"]\ndeadline = \"2016年7月20日前\"\nstatus = \"推进中\"\n\n[[items]]\ntask = \"乙\"\nrequirement = \"r\"\nlead = \"市财政局\"\ndeadline = \"及时公开\"\n\n[[items]]\ntask = \"丙\"\nrequirement = \"r\"\nlead = \"市财政局\"\ndeadline = \"2016年7月底前\"\ndue = 2016-08-31\nstatus = \"已完成\"\n";
        let (l, diags) = build(&raw(text), d("2016-09-01"));
        assert!(diags.is_empty(), "{diags:?}");
        let l = l.unwrap();
        assert_eq!(l.items[0].due, Some(d("2016-07-20")));
        assert!(l.items[0].overdue);
        assert_eq!(l.items[1].due, None);
        assert!(!l.items[1].overdue);
        assert_eq!(l.items[2].due, Some(d("2016-08-31")));
        assert!(!l.items[2].overdue);
        let s = l.summary.unwrap();
        assert_eq!(
            (s.total, s.done, s.in_progress, s.not_started, s.overdue),
            (3, 1, 1, 1, 1)
        );
        assert_eq!(l.items[0].values["lead"].display(), "市编办、市政府办");
    }

    #[test]
    fn custom_lists_declare_columns() {
        let text = "[list]\ntitle = \"目录\"\nkind = \"custom\"\nupdated = 2016-07-20\ncolumns = [{ key = \"item\", label = \"公开事项\", required = true }]\n\n[[items]]\nitem = \"甲\"\n\n[[items]]\nother = \"乙\"\n";
        let (l, diags) = build(&raw(text), d("2016-09-01"));
        let got: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(got, vec!["E-MISSING-KEY", "E-UNKNOWN-KEY"]);
        assert_eq!(l.unwrap().columns[0].label, "公开事项");
    }
}
