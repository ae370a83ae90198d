//! Lays out Table 三 in national row order with its row headers, and renders section text.

use super::schema::*;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Links};
use crate::model::report::{AppGroup, AppRow, HeadCell};
use std::collections::BTreeMap;

/// Table 三's rows in national order, laid out with their header cells.
pub(super) fn table3(values: Option<&BTreeMap<String, Vec<u64>>>) -> Vec<AppGroup> {
    let get = |k: &str| values.and_then(|v| v.get(k).cloned());
    let cell = |text: &'static str, rowspan: usize, colspan: usize, scope: &'static str| HeadCell {
        text,
        rowspan,
        colspan,
        scope,
    };
    let simple = |key: &str, label: &'static str, heads: Vec<HeadCell>| AppRow {
        key: key.to_string(),
        label,
        heads,
        values: get(key),
    };

    let head = T3_HEAD
        .iter()
        .map(|(k, l)| simple(k, l, vec![cell(l, 1, 3, "row")]))
        .collect();
    let results_rows = T3_DIRECT.len() + T3_GROUPS.iter().map(|g| g.2.len()).sum::<usize>() + 1;
    let mut results = Vec::new();
    for (i, (k, l)) in T3_DIRECT.iter().enumerate() {
        let mut heads = Vec::new();
        if i == 0 {
            heads.push(cell(T3_RESULTS, results_rows, 1, "rowgroup"));
        }
        heads.push(cell(l, 1, 2, "row"));
        results.push(simple(k, l, heads));
    }
    for (group, glabel, rows) in &T3_GROUPS {
        for (i, (k, l)) in rows.iter().enumerate() {
            let mut heads = Vec::new();
            if i == 0 {
                heads.push(cell(glabel, rows.len(), 1, "row"));
            }
            heads.push(cell(l, 1, 1, "row"));
            results.push(simple(&format!("{group}.{k}"), l, heads));
        }
    }
    results.push(simple(
        T3_TOTAL.0,
        T3_TOTAL.1,
        vec![cell(T3_TOTAL.1, 1, 2, "row")],
    ));
    let forward = vec![simple(
        T3_FORWARD.0,
        T3_FORWARD.1,
        vec![cell(T3_FORWARD.1, 1, 3, "row")],
    )];
    vec![
        AppGroup { rows: head },
        AppGroup { rows: results },
        AppGroup { rows: forward },
    ]
}

/// Renders a section's Markdown. Positions point into the file when the string is written
/// there verbatim (the usual `"""…"""`), else at the key.
pub(super) fn render_text(
    path: &str,
    text: &str,
    key_pos: usize,
    value: &str,
    dir: &str,
    links: &Links,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let trimmed = value.trim();
    if let Some(i) = text.get(key_pos..).and_then(|rest| rest.find(trimmed)) {
        let start = key_pos + i;
        let r = markdown::render(path, text, start..start + trimmed.len(), dir, links);
        diags.extend(r.diags);
        return r.body.html.as_str().to_string();
    }
    let r = markdown::render(path, trimmed, 0..trimmed.len(), dir, links);
    diags.extend(r.diags.into_iter().map(|d| d.at(path, text, key_pos)));
    r.body.html.as_str().to_string()
}
