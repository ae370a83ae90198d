//! The pages and downloads of ledgers (清单): the list index, each ledger's table pages,
//! each item's page, and the CSV and JSON downloads.

use super::chrome::{clip, column, crumbs, paged_title, pagination, to_value, Page, Pagination};
use super::listings::page_slice;
use super::rows::LedgerLink;
use super::{Files, Made, Prepared};
use crate::format::cn_date;
use crate::model::ledger::{Ledger, Value as Cell};
use crate::model::Site;
use crate::routes::{download_paths, download_urls, item_url, pager_url, ROWS_PER_PAGE};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

#[derive(Serialize)]
struct KindGroup<'a> {
    kind_label: &'a str,
    lists: Vec<LedgerLink<'a>>,
}

#[derive(Serialize)]
struct ListIndex<'a> {
    kinds: Vec<KindGroup<'a>>,
}

/// A ledger's column.
#[derive(Serialize)]
struct ColumnHead<'a> {
    key: &'a str,
    label: &'a str,
}

/// The ledger a table page shows (`list.*`).
#[derive(Serialize)]
struct LedgerHead<'a> {
    title: &'a str,
    kind: &'a str,
    kind_label: &'a str,
    department: &'a Option<String>,
    updated_cn: String,
    description: &'a Option<String>,
    count: usize,
    summary: &'a Option<crate::model::ledger::TaskSummary>,
    url: &'a str,
    csv: String,
    json: String,
}

#[derive(Serialize)]
struct TableCell<'a> {
    key: &'a str,
    text: String,
    rowspan: usize,
}

#[derive(Serialize)]
struct Row<'a> {
    url: String,
    position: usize,
    group_start: Option<String>,
    overdue: bool,
    due_cn: Option<String>,
    status: Option<String>,
    cells: Vec<TableCell<'a>>,
}

#[derive(Serialize)]
struct ListPage<'a> {
    list: LedgerHead<'a>,
    description: String,
    columns: Vec<ColumnHead<'a>>,
    rows: Vec<Row<'a>>,
    pagination: Pagination,
    is_tasks: bool,
}

/// The ledger an item page belongs to (`list.*`).
#[derive(Serialize)]
struct ItemLedger<'a> {
    title: &'a str,
    url: &'a str,
    kind_label: &'a str,
    department: &'a Option<String>,
    updated_cn: String,
}

#[derive(Serialize)]
struct ItemLink {
    url: String,
    position: usize,
}

#[derive(Serialize)]
struct Field<'a> {
    label: &'a str,
    text: String,
}

#[derive(Serialize)]
struct ItemFacts {
    position: usize,
    overdue: bool,
    due_cn: Option<String>,
    is_task: bool,
}

#[derive(Serialize)]
struct ItemPage<'a> {
    heading: &'a str,
    list: ItemLedger<'a>,
    description: String,
    back: String,
    prev: Option<ItemLink>,
    next: Option<ItemLink>,
    fields: Vec<Field<'a>>,
    item: ItemFacts,
}

/// The JSON download of a ledger.
#[derive(Serialize)]
struct Download<'a> {
    title: &'a str,
    kind: &'a str,
    kind_label: &'a str,
    department: &'a Option<String>,
    updated: String,
    columns: Vec<ColumnHead<'a>>,
    items: Vec<Value>,
}

fn heads(l: &Ledger) -> Vec<ColumnHead<'_>> {
    l.columns
        .iter()
        .map(|c| ColumnHead {
            key: &c.key,
            label: &c.label,
        })
        .collect()
}

impl Prepared<'_> {
    pub(super) fn list_index(&self) -> Made {
        let mut by_kind: BTreeMap<(usize, &str), Vec<LedgerLink>> = BTreeMap::new();
        for l in &self.site.lists {
            let order = crate::model::ledger::KINDS
                .iter()
                .position(|k| k.0 == l.kind)
                .unwrap_or(99);
            by_kind
                .entry((order, l.kind_label.as_str()))
                .or_default()
                .push(LedgerLink {
                    department: Some(&l.department),
                    count: Some(l.items.len()),
                    ..LedgerLink::new(l)
                });
        }
        let body = ListIndex {
            kinds: by_kind
                .into_iter()
                .map(|((_, kind_label), lists)| KindGroup { kind_label, lists })
                .collect(),
        };
        let page = Page::new(
            "清单公开",
            column("清单公开", "信息公开目录", "lists"),
            crumbs(&[], "清单公开"),
            body,
        );
        Made::Page("list_index.html", to_value(&page))
    }

    pub(super) fn list_page(&self, l: &Ledger, page: usize) -> Made {
        let total = crate::routes::pages(l.items.len(), ROWS_PER_PAGE);
        let cols: Vec<&crate::model::ledger::Column> =
            l.columns.iter().filter(|c| c.in_table).collect();
        let items = page_slice(&l.items, page, ROWS_PER_PAGE);
        let merge =
            |key: &str| l.kind == "tasks" && (key == "seq" || key == "task" || key == "lead");
        // Rowspans for merged cells: consecutive equal values within this page (and group).
        let mut spans: Vec<Vec<usize>> = vec![vec![1; cols.len()]; items.len()];
        for (ci, c) in cols.iter().enumerate() {
            if !merge(&c.key) {
                continue;
            }
            let mut start = 0;
            for r in 1..=items.len() {
                let same = r < items.len()
                    && items[r].values.get(&c.key) == items[start].values.get(&c.key)
                    && items[r].values.get("group") == items[start].values.get("group")
                    && items[r].values.contains_key(&c.key);
                if !same {
                    spans[start][ci] = r - start;
                    for s in spans.iter_mut().take(r).skip(start + 1) {
                        s[ci] = 0;
                    }
                    start = r;
                }
            }
        }
        let mut rows = Vec::with_capacity(items.len());
        let mut last_group: Option<String> = None;
        for (ri, it) in items.iter().enumerate() {
            let group = it.values.get("group").map(Cell::display);
            let group_start = if group != last_group && group.is_some() {
                group.clone()
            } else {
                None
            };
            last_group = group;
            rows.push(Row {
                url: item_url(&l.url, &it.slug),
                position: it.position,
                group_start,
                overdue: it.overdue,
                due_cn: it.due.map(cn_date),
                status: it.values.get("status").map(Cell::display),
                cells: cols
                    .iter()
                    .enumerate()
                    .map(|(ci, c)| TableCell {
                        key: &c.key,
                        text: it.values.get(&c.key).map(Cell::display).unwrap_or_default(),
                        rowspan: spans[ri][ci],
                    })
                    .collect(),
            });
        }
        let [csv, json] = download_urls(&l.stem);
        let description = match &l.description {
            Some(d) if !d.trim().is_empty() && page == 1 => d.clone(),
            _ => format!(
                "{}：{}公开的{}，共{}项，更新于{}。{}",
                l.title,
                l.department.as_deref().unwrap_or(&self.site.config.title),
                l.kind_label,
                l.items.len(),
                cn_date(l.updated),
                if page > 1 {
                    format!("第{page}页。")
                } else {
                    String::new()
                }
            ),
        };
        let body = ListPage {
            list: LedgerHead {
                title: &l.title,
                kind: l.kind.slug(),
                kind_label: &l.kind_label,
                department: &l.department,
                updated_cn: cn_date(l.updated),
                description: &l.description,
                count: l.items.len(),
                summary: &l.summary,
                url: &l.url,
                csv,
                json,
            },
            description,
            columns: cols
                .iter()
                .map(|c| ColumnHead {
                    key: &c.key,
                    label: &c.label,
                })
                .collect(),
            rows,
            pagination: pagination(&l.url, page, total, l.items.len()),
            is_tasks: l.kind == "tasks",
        };
        let view = Page::new(
            paged_title(&l.title, page),
            column(&l.kind_label, "信息公开目录", "lists"),
            crumbs(&[("清单公开", "/lists/")], &l.title),
            body,
        );
        Made::Page("list.html", to_value(&view))
    }

    pub(super) fn list_item(&self, l: &Ledger, i: usize) -> Made {
        let it = &l.items[i];
        let name = ["name", "task", "question"]
            .iter()
            .find_map(|k| {
                // A message can be long: its first words name the item.
                let n = if *k == "question" { 40 } else { usize::MAX };
                it.values.get(*k).map(|v| clip(&v.display(), n))
            })
            .unwrap_or_else(|| format!("第{}项", it.position));
        let title = format!("{name} - {}", l.title);
        let link = |j: usize| ItemLink {
            url: item_url(&l.url, &l.items[j].slug),
            position: l.items[j].position,
        };
        let description = format!(
            "{}第{}项：{}。{}",
            l.title,
            it.position,
            name,
            l.columns
                .iter()
                .filter(|c| !matches!(c.key.as_str(), "name" | "task" | "question"))
                .filter_map(|c| it.values.get(&c.key).map(|v| format!(
                    "{}：{}",
                    c.label,
                    v.display().trim_end_matches('。')
                )))
                .take(3)
                .collect::<Vec<_>>()
                .join("；")
        );
        let body = ItemPage {
            heading: &name,
            list: ItemLedger {
                title: &l.title,
                url: &l.url,
                kind_label: &l.kind_label,
                department: &l.department,
                updated_cn: cn_date(l.updated),
            },
            description,
            back: pager_url(&l.url, i / ROWS_PER_PAGE + 1),
            prev: (i > 0).then(|| link(i - 1)),
            next: (i + 1 < l.items.len()).then(|| link(i + 1)),
            fields: l
                .columns
                .iter()
                .filter_map(|c| {
                    it.values.get(&c.key).map(|v| Field {
                        label: &c.label,
                        text: v.display(),
                    })
                })
                .collect(),
            item: ItemFacts {
                position: it.position,
                overdue: it.overdue,
                due_cn: it.due.map(cn_date),
                is_task: l.kind == "tasks",
            },
        };
        let view = Page::new(
            title,
            column(&l.kind_label, "信息公开目录", "lists"),
            crumbs(&[("清单公开", "/lists/"), (&l.title, &l.url)], &name),
            body,
        );
        Made::Page("list_item.html", to_value(&view))
    }
}

/// A CSV cell as spreadsheets may safely open it: a value starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return would be run as a formula by Excel or WPS (CSV injection), so
/// it gets a leading `'`, which they show as text. The JSON download keeps the value as is.
pub fn csv_cell(s: String) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// CSV (UTF-8 with BOM, for Excel) and JSON downloads of a ledger: one row per item, every field.
pub fn downloads(site: &Site, l: &Ledger) -> Files {
    let mut csv_bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut csv_bytes);
        let mut header: Vec<&str> = vec!["序号"];
        header.extend(l.columns.iter().map(|c| c.label.as_str()));
        if l.kind == "tasks" {
            header.extend(["推算到期日期", "是否逾期"]);
        }
        let _ = w.write_record(&header);
        for it in &l.items {
            let mut rec: Vec<String> = vec![it.position.to_string()];
            rec.extend(
                l.columns.iter().map(|c| {
                    csv_cell(it.values.get(&c.key).map(Cell::display).unwrap_or_default())
                }),
            );
            if l.kind == "tasks" {
                rec.push(it.due.map(|d| d.to_string()).unwrap_or_default());
                rec.push(if it.overdue { "是" } else { "否" }.into());
            }
            let _ = w.write_record(&rec);
        }
        let _ = w.flush();
    }
    // Each item's keys are its ledger's columns: a map, not a struct.
    let items: Vec<Value> = l
        .items
        .iter()
        .map(|it| {
            let mut m = Map::new();
            m.insert("position".into(), json!(it.position));
            m.insert(
                "url".into(),
                json!(format!(
                    "{}{}",
                    site.config.base_url,
                    item_url(&l.url, &it.slug)
                )),
            );
            for c in &l.columns {
                if let Some(v) = it.values.get(&c.key) {
                    m.insert(
                        c.key.clone(),
                        serde_json::to_value(v).unwrap_or(Value::Null),
                    );
                }
            }
            if l.kind == "tasks" {
                m.insert("due_computed".into(), json!(it.due.map(|d| d.to_string())));
                m.insert("overdue".into(), json!(it.overdue));
            }
            Value::Object(m)
        })
        .collect();
    let doc = Download {
        title: &l.title,
        kind: l.kind.slug(),
        kind_label: &l.kind_label,
        department: &l.department,
        updated: l.updated.to_string(),
        columns: heads(l),
        items,
    };
    // Through a `Value`, so that keys come out sorted as they always have.
    let json_bytes = serde_json::to_vec_pretty(&to_value(&doc)).unwrap_or_default();
    let [csv_path, json_path] = download_paths(&l.stem);
    vec![(csv_path, csv_bytes), (json_path, json_bytes)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_in_csv() {
        assert_eq!(csv_cell("=1+1".into()), "'=1+1");
        assert_eq!(csv_cell("正常".into()), "正常");
    }
}
