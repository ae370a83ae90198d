//! Builds a [`Ledger`] (清单 or 台账) from its TOML file: the kind's columns, every item
//! checked against them, task due dates and status, late replies.

use super::continuity::read_aliases;
use super::deadline::parse_deadline;
use crate::diagnostics::{Code, Diagnostic};
use crate::fields::{find_key, Fields};
use crate::model::cn_date;
use crate::model::ledger::{ColType::*, Column, Item, Ledger, LedgerKind, TaskSummary, Value};
use crate::paths::is_safe_segment;
use crate::source::RawData;
use crate::tomlpos::array_regions;
use chrono::NaiveDate;
use std::collections::BTreeMap;

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
                Diagnostic::new(Code::ListHeader, "清单文件缺少 [list] 表")
                    .at(path, text, 0)
                    .with_hint("文件开头写 [list]，再写 title、kind、updated 等字段"),
            );
            &empty
        }
    };
    for key in raw.table.keys() {
        if key != "list" && key != "items" {
            diags.push(
                Diagnostic::new(Code::UnknownKey, format!("未知字段 `{key}`"))
                    .at(path, text, find_key(text, 0..text.len(), key).unwrap_or(0))
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
    let kinds: Vec<&str> = LedgerKind::ALL.iter().map(|k| k.slug()).collect();
    let kind = f
        .one_of("kind", true, &kinds)
        .and_then(|k| LedgerKind::parse(&k));
    let department = f.string("department", false);
    let updated = f.date("updated", true);
    let description = f.string("description", false);
    let year = f.integer("year", false);
    let aliases = read_aliases(&mut f);
    let columns = match kind {
        Some(LedgerKind::Custom) => custom_columns(&mut f, list_t),
        Some(k) => {
            if f.has("columns") {
                f.error(
                    Code::UnknownKey,
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
                Diagnostic::new(Code::WrongType, "items 应为 [[items]] 表数组").at(path, text, 0),
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
    let regions = array_regions(text, "items");
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
        if kind == LedgerKind::Power {
            if let Some(Value::Text(code)) = values.get("code") {
                if !is_safe_segment(code) || code.contains(['?', '#', '%']) {
                    f.error(
                        Code::UnsafePath,
                        "code",
                        format!("事项编码不能用于网址：{code}"),
                        Some("事项编码不能包含 /、\\、..、?、#、% 或控制字符".into()),
                    );
                } else if let Some(first) = codes.get(code) {
                    f.error(
                        Code::ListDuplicateCode,
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
        let (due, overdue) = if kind == LedgerKind::Tasks {
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
        if kind == LedgerKind::Responses {
            if let Some(d) = reply_late(&values, build_date) {
                let key = if values.contains_key("replied") {
                    "replied"
                } else {
                    "received"
                };
                let at = f.pos(key);
                diags.push(
                    Diagnostic::new(Code::ReplyLate, format!("第 {} 项：{d}", i + 1))
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
    let summary = (kind == LedgerKind::Tasks).then(|| {
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
        url: format!("/lists/{}/", super::encode_path(&raw.stem)),
        title,
        kind_label: kind.label().to_string(),
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
            cn_date(*received),
            cn_date(*r)
        )),
        Some(Value::Date(_)) => None,
        _ if build_date > limit => Some(format!(
            "{}收到的留言超过 {REPLY_MONTHS} 个月未答复",
            cn_date(*received)
        )),
        _ => None,
    }
}

fn schema_columns(kind: LedgerKind) -> Vec<Column> {
    kind.schema()
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
            Code::MissingKey,
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
                Code::ListColumns,
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
        RawData::new(
            SourceFile {
                path: "content/lists/x.toml".into(),
                text: text.into(),
            },
            "x".into(),
            toml::from_str(text).unwrap(),
        )
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
