//! 信息公开年报 (annual report) inputs and the figures computed from content.
//! (Minimal version: year and Table 二 computed rows; the full national format comes with
//! the annual-report work.)

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::Policy;
use crate::source::fields::Fields;
use crate::source::RawData;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// 本年制发 / 本年废止 / 现行有效 for one document type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DocCounts {
    pub made: u64,
    pub repealed: u64,
    pub in_force: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub year: i32,
    pub source: String,
    pub url: String,
    pub rules: DocCounts,
    pub normative: DocCounts,
}

/// Counts policies of `doc_type` for the year.
pub fn count(policies: &[Policy], doc_type: &str, year: i32) -> DocCounts {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let mut c = DocCounts::default();
    for p in policies.iter().filter(|p| p.doc_type == doc_type) {
        if p.published.year() == year {
            c.made += 1;
        }
        let void_at = p.validity_changed.filter(|_| p.validity.is_void());
        if void_at.is_some_and(|d| d.year() == year) {
            c.repealed += 1;
        }
        if p.published <= end && !void_at.is_some_and(|d| d <= end) {
            c.in_force += 1;
        }
    }
    c
}

pub fn build_all(
    raws: &[RawData],
    policies: &[Policy],
    _config: &Config,
    _build_date: NaiveDate,
) -> (Vec<Report>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut reports = Vec::new();
    for raw in raws {
        let text = &raw.file.text;
        let mut f = Fields::new(&raw.file.path, text, 0..text.len(), &raw.table);
        let year = f.integer("year", true);
        let keys: Vec<&str> = raw.table.keys().map(String::as_str).collect();
        diags.extend(f.finish(&keys));
        if let Some(year) = year {
            let year = year as i32;
            reports.push(Report {
                year,
                source: raw.file.path.clone(),
                url: format!("/reports/{year}/"),
                rules: count(policies, "规章", year),
                normative: count(policies, "行政规范性文件", year),
            });
        }
    }
    reports.sort_by_key(|r| r.year);
    (reports, diags)
}
