//! A built ledger as the record of sources keeps it, so that an unchanged ledger file is
//! neither parsed nor built again by the next build.
//!
//! The model's ledger serializes for templates (cells untagged, column types skipped), which
//! a compact binary format cannot read back. This module mirrors it in plain tagged types
//! and converts both ways; a value that does not convert back (a column type this gongkai
//! does not know) is simply built again.

use super::memo::Keepable;
use crate::diagnostics::{Diagnostic, Kept};
use crate::model::ledger::{ColType, Column, Item, Ledger, LedgerKind, TaskSummary, Value, KINDS};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What building one ledger file gave: the ledger when it is usable, and its diagnostics.
pub struct KeptLedger(pub (Option<Arc<Ledger>>, Vec<Diagnostic>));

/// What a kept ledger depends on besides its text.
pub fn ledger_salt(build_date: NaiveDate, allow_personal: bool) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(build_date.to_string().as_bytes());
    h.update(&[allow_personal as u8]);
    h.digest()
}

impl Keepable for KeptLedger {
    const KIND: u8 = 5;

    fn encode(&self) -> Option<Vec<u8>> {
        let ledger = self.0 .0.as_deref().map(Shape::of);
        let diags: Vec<Kept> = self.0 .1.iter().map(Kept::of).collect();
        postcard::to_allocvec(&(ledger, diags)).ok()
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let (ledger, diags): (Option<Shape>, Vec<Kept>) = postcard::from_bytes(bytes).ok()?;
        let ledger = match ledger {
            Some(s) => Some(Arc::new(s.into_ledger()?)),
            None => None,
        };
        Some(KeptLedger((ledger, Kept::all(diags)?)))
    }
}

#[derive(Serialize, Deserialize)]
struct Shape {
    source: String,
    stem: String,
    url: String,
    title: String,
    kind: String,
    kind_label: String,
    department: Option<String>,
    updated: NaiveDate,
    description: Option<String>,
    columns: Vec<ColumnShape>,
    items: Vec<ItemShape>,
    summary: Option<[u64; 5]>,
    aliases: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct ColumnShape {
    key: String,
    label: String,
    required: bool,
    ty: TypeShape,
    in_table: bool,
}

#[derive(Serialize, Deserialize)]
enum TypeShape {
    Text,
    TextList,
    Date,
    Bool,
    Choice(Vec<String>),
}

#[derive(Serialize, Deserialize)]
struct ItemShape {
    position: u64,
    slug: String,
    values: Vec<(String, ValueShape)>,
    due: Option<NaiveDate>,
    overdue: bool,
}

#[derive(Serialize, Deserialize)]
enum ValueShape {
    Text(String),
    List(Vec<String>),
    Bool(bool),
    Date(NaiveDate),
}

impl Shape {
    fn of(l: &Ledger) -> Shape {
        Shape {
            source: l.source.clone(),
            stem: l.stem.clone(),
            url: l.url.clone(),
            title: l.title.clone(),
            kind: l.kind.slug().to_string(),
            kind_label: l.kind_label.clone(),
            department: l.department.clone(),
            updated: l.updated,
            description: l.description.clone(),
            columns: l
                .columns
                .iter()
                .map(|c| ColumnShape {
                    key: c.key.clone(),
                    label: c.label.clone(),
                    required: c.required,
                    ty: match c.ty {
                        ColType::Text => TypeShape::Text,
                        ColType::TextList => TypeShape::TextList,
                        ColType::Date => TypeShape::Date,
                        ColType::Bool => TypeShape::Bool,
                        ColType::Choice(cs) => {
                            TypeShape::Choice(cs.iter().map(|s| s.to_string()).collect())
                        }
                    },
                    in_table: c.in_table,
                })
                .collect(),
            items: l
                .items
                .iter()
                .map(|it| ItemShape {
                    position: it.position as u64,
                    slug: it.slug.clone(),
                    values: it
                        .values
                        .iter()
                        .map(|(k, v)| {
                            let v = match v {
                                Value::Text(s) => ValueShape::Text(s.clone()),
                                Value::List(l) => ValueShape::List(l.clone()),
                                Value::Bool(b) => ValueShape::Bool(*b),
                                Value::Date(d) => ValueShape::Date(*d),
                            };
                            (k.clone(), v)
                        })
                        .collect(),
                    due: it.due,
                    overdue: it.overdue,
                })
                .collect(),
            summary: l.summary.as_ref().map(|s| {
                [s.total, s.done, s.in_progress, s.not_started, s.overdue].map(|n| n as u64)
            }),
            aliases: l.aliases.clone(),
        }
    }

    fn into_ledger(self) -> Option<Ledger> {
        let mut columns = Vec::with_capacity(self.columns.len());
        for c in self.columns {
            let ty = match c.ty {
                TypeShape::Text => ColType::Text,
                TypeShape::TextList => ColType::TextList,
                TypeShape::Date => ColType::Date,
                TypeShape::Bool => ColType::Bool,
                TypeShape::Choice(cs) => ColType::Choice(known_choices(&cs)?),
            };
            columns.push(Column {
                key: c.key,
                label: c.label,
                required: c.required,
                ty,
                in_table: c.in_table,
            });
        }
        let items = self
            .items
            .into_iter()
            .map(|it| Item {
                position: it.position as usize,
                slug: it.slug,
                values: it
                    .values
                    .into_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            ValueShape::Text(s) => Value::Text(s),
                            ValueShape::List(l) => Value::List(l),
                            ValueShape::Bool(b) => Value::Bool(b),
                            ValueShape::Date(d) => Value::Date(d),
                        };
                        (k, v)
                    })
                    .collect(),
                due: it.due,
                overdue: it.overdue,
            })
            .collect();
        let summary =
            self.summary.map(
                |[total, done, in_progress, not_started, overdue]| TaskSummary {
                    total: total as usize,
                    done: done as usize,
                    in_progress: in_progress as usize,
                    not_started: not_started as usize,
                    overdue: overdue as usize,
                },
            );
        Some(Ledger {
            source: self.source,
            stem: self.stem,
            url: self.url,
            title: self.title,
            kind: LedgerKind::parse(&self.kind)?,
            kind_label: self.kind_label,
            department: self.department,
            updated: self.updated,
            description: self.description,
            columns,
            items,
            summary,
            aliases: self.aliases,
        })
    }
}

/// The schema's list of choices equal to `cs` (every choice column comes from [`KINDS`]).
fn known_choices(cs: &[String]) -> Option<&'static [&'static str]> {
    KINDS
        .iter()
        .flat_map(|k| k.2.iter())
        .find_map(|col| match col.3 {
            ColType::Choice(list) if list.iter().copied().eq(cs.iter().map(String::as_str)) => {
                Some(list)
            }
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{RawData, SourceFile};

    fn built(text: &str) -> (Option<Arc<Ledger>>, Vec<Diagnostic>) {
        let table: toml::Table = toml::from_str(text).unwrap();
        let raw = RawData::new(
            SourceFile {
                path: "content/lists/x.toml".into(),
                text: text.into(),
            },
            "x".into(),
            table,
        );
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let (l, d) = super::super::ledger::build(&raw, date);
        (l.map(Arc::new), d)
    }

    fn round_trip(text: &str) -> KeptLedger {
        let value = KeptLedger(built(text));
        let back = KeptLedger::decode(&value.encode().unwrap()).expect("decodes");
        // What templates see of the ledger, and what the checks see of its columns.
        let json = |l: &Option<Arc<Ledger>>| serde_json::to_string(l).unwrap();
        assert_eq!(json(&value.0 .0), json(&back.0 .0));
        let types = |l: &Option<Arc<Ledger>>| {
            l.as_ref()
                .map(|l| l.columns.iter().map(|c| c.ty).collect::<Vec<_>>())
        };
        assert_eq!(types(&value.0 .0), types(&back.0 .0));
        assert_eq!(value.0 .1, back.0 .1);
        back
    }

    #[test]
    fn a_power_list_with_a_warning_comes_back_the_same() {
        let back = round_trip(
            r#"[list]
title = "权力清单"
kind = "power"
updated = 2026-01-05
aliases = ["/old/power/"]

[[items]]
code = "A-1"
name = "建设工程规划许可"
type = "行政许可"
basis = "《城乡规划法》"
department = "市自然资源局"

[[items]]
code = "A-2"
name = "罚款"
type = "不存在的类型"
basis = "《行政处罚法》"
department = "市市场监管局"
"#,
        );
        let (ledger, diags) = back.0;
        assert_eq!(ledger.expect("a ledger").items.len(), 2);
        assert!(!diags.is_empty(), "the unknown 权力类型 is diagnosed");
    }

    #[test]
    fn tasks_with_dates_booleans_and_a_summary_come_back_the_same() {
        round_trip(
            r#"[list]
title = "重点工作台账"
kind = "tasks"
updated = 2026-03-01

[[items]]
task = "推进政务公开标准化"
department = "市政府办公室"
deadline = "2026年6月底前"
status = "推进中"

[[items]]
task = "完成年报"
department = "市政府办公室"
deadline = "2026年1月31日前"
status = "已完成"
"#,
        );
        let (l, _) = built(
            "[list]\ntitle = \"t\"\nkind = \"tasks\"\nupdated = 2026-03-01\n\n[[items]]\ntask = \"a\"\ndepartment = \"b\"\ndeadline = \"2026年1月31日前\"\nstatus = \"推进中\"\n",
        );
        assert!(
            l.unwrap().summary.is_some(),
            "the case has a summary to keep"
        );
    }

    #[test]
    fn a_file_that_builds_no_ledger_keeps_its_errors() {
        let (ledger, diags) = round_trip("[list]\ntitle = \"缺少类型\"\n").0;
        assert!(ledger.is_none() && !diags.is_empty());
    }

    #[test]
    fn an_unknown_choice_list_is_not_trusted() {
        assert!(known_choices(&["甲".to_string()]).is_none());
        let statuses: Vec<String> = crate::model::ledger::STATUSES
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(known_choices(&statuses).is_some());
    }
}
