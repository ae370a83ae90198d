//! 信息公开年报: the 政府信息公开工作年度报告 of one year, in the format of 国办公开办函〔2021〕30号.
//!
//! `content/reports/<year>.toml` supplies what the content cannot give (section text, Table 二's
//! decision counts and fees, Tables 三 and 四); Table 二's 规章 / 行政规范性文件 rows are counted
//! from the policies. The schema is in `docs/report-format.md`. Checks: the arithmetic of the
//! national format (`E-REPORT-ARITHMETIC`), one file per year (`E-REPORT-DUPLICATE`), the year
//! matching the file name (`E-REPORT-YEAR`), last year's report after its deadline
//! (`W-REPORT-MISSING`) and 上年结转 against last year's 结转下年度 (`W-REPORT-CARRYOVER`).

mod counting;
mod layout;
mod parse;
mod scan;
mod schema;

pub use counting::count;
pub use parse::MAX_COUNT;

use crate::config::{Config, SiteKind};
use crate::diagnostics::{Code, Diagnostic};
use crate::markdown::{self, Links};
use crate::model::report::{deadline, Report, APPLICANT_COLUMNS};
use crate::model::Policy;
use crate::source::RawData;
use chrono::{Datelike, NaiveDate};
use parse::{mismatches, parse, Parsed};
use std::collections::BTreeMap;

pub fn build_all(
    raws: &[RawData],
    policies: &[Policy],
    config: &Config,
    build_date: NaiveDate,
) -> (Vec<Report>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // Report text may link to published policies by their file, like any document.
    let docs: markdown::DocUrls = policies
        .iter()
        .map(|p| {
            (
                p.source
                    .strip_prefix("content/")
                    .unwrap_or(&p.source)
                    .to_string(),
                p.url.clone(),
            )
        })
        .collect();
    let assets = BTreeMap::new();
    let links = Links {
        docs: &docs,
        assets: &assets,
        media_hosts: &config.check.media_hosts,
    };

    let mut sorted: Vec<&RawData> = raws.iter().collect();
    sorted.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    let mut parsed: Vec<Parsed> = Vec::new();
    for raw in sorted {
        let (p, ds) = parse(raw, policies, &links);
        diags.extend(ds);
        let Some(p) = p else { continue };
        if let Some(first) = parsed.iter().find(|q| q.report.year == p.report.year) {
            diags.push(
                Diagnostic::new(
                    Code::ReportDuplicate,
                    format!("{}年的年报已由 {} 给出", p.report.year, first.path),
                )
                .at(p.path, p.text, p.pos["year"])
                .with_hint("每个年度只写一个 content/reports/<年度>.toml"),
            );
            continue;
        }
        parsed.push(p);
    }
    parsed.sort_by_key(|p| p.report.year);

    for w in parsed.windows(2) {
        let (prev, cur) = (&w[0], &w[1]);
        if cur.report.year != prev.report.year + 1 {
            continue;
        }
        diags.extend(cross_year(prev, cur));
    }

    // Last year's report, once its deadline has passed.
    let due = build_date.year() - 1;
    let active = policies.iter().any(|p| p.published.year() == due)
        || parsed.iter().any(|p| p.report.year == due - 1);
    if let Some(dl) = deadline(config.kind, due) {
        if build_date > dl && active && !parsed.iter().any(|p| p.report.year == due) {
            let (who, other) = match config.kind {
                SiteKind::Department => ("部门", "若本站属于县级以上人民政府，在 [site] 中写 kind = \"government\"（截止日期为3月31日）"),
                SiteKind::Government => ("县级以上人民政府", "若本站属于政府部门，在 [site] 中写 kind = \"department\"（截止日期为1月31日）"),
            };
            diags.push(
                Diagnostic::new(
                    Code::ReportMissing,
                    format!(
                        "缺少{due}年政府信息公开工作年度报告（{who}应于{}年{:02}月{:02}日前公布）",
                        dl.year(),
                        dl.month(),
                        dl.day()
                    ),
                )
                .in_file("site-config.toml")
                .with_hint(format!(
                    "添加 content/reports/{due}.toml（最少一行 year = {due}）；{other}"
                )),
            );
        }
    }

    (parsed.into_iter().map(|p| p.report).collect(), diags)
}

/// 现行有效 = 上年现行有效 + 本年制发 − 本年废止 over the shown numbers, and 上年结转 against
/// last year's 结转下年度继续办理.
fn cross_year(prev: &Parsed, cur: &Parsed) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let (py, cy) = (prev.report.year, cur.report.year);
    for (key, label, p, c) in [
        ("rules", "规章", &prev.report.rules, &cur.report.rules),
        (
            "normative",
            "行政规范性文件",
            &prev.report.normative,
            &cur.report.normative,
        ),
    ] {
        let expected = p.in_force as i64 + c.made as i64 - c.repealed as i64;
        if c.in_force as i64 == expected {
            continue;
        }
        let at = ["in_force", "made", "repealed"]
            .iter()
            .find_map(|k| cur.pos.get(&format!("{key}.{k}")).map(|&o| (cur, o)))
            .or_else(|| prev.pos.get(&format!("{key}.in_force")).map(|&o| (prev, o)))
            .unwrap_or((cur, cur.pos["year"]));
        out.push(
            Diagnostic::new(
                Code::ReportArithmetic,
                format!(
                    "{label}的现行有效件数不符（现行有效 = 上年现行有效 + 本年制发 − 本年废止）：{cy}年现行有效 {}，而 {py}年现行有效 {} + {cy}年本年制发 {} − 本年废止 {} = {expected}",
                    c.in_force, p.in_force, c.made, c.repealed
                ),
            )
            .at(at.0.path, at.0.text, at.1)
            .with_hint(format!(
                "核对 [active.{key}] 中填写的数字；系统中文件不全时，各年都要填写 in_force（计算值：{cy}年制发 {}、废止 {}、现行有效 {}）",
                c.computed.made, c.computed.repealed, c.computed.in_force
            )),
        );
    }
    if let (Some(fw), Some(co)) = (&prev.carried_forward, &cur.carried_over) {
        let bad = mismatches(co, fw, &APPLICANT_COLUMNS);
        if !bad.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::ReportCarryover,
                    format!(
                        "{cy}年“上年结转”与{py}年“结转下年度继续办理”不一致：{}",
                        bad.join("；")
                    ),
                )
                .at(cur.path, cur.text, cur.pos["carried_over"])
                .with_hint(format!(
                    "上年结转一般等于 {} 中的 carried_forward",
                    prev.path
                )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str) -> (Option<Report>, Vec<Diagnostic>) {
        let raw = RawData::new(
            crate::source::SourceFile {
                path: "content/reports/2016.toml".into(),
                text: text.into(),
            },
            "2016".into(),
            toml::from_str(text).unwrap(),
        );
        let docs = markdown::DocUrls::default();
        let assets = BTreeMap::new();
        let links = Links {
            docs: &docs,
            assets: &assets,
            media_hosts: &[],
        };
        let (p, d) = parse(&raw, &[], &links);
        (p.map(|p| p.report), d)
    }

    fn codes(d: &[Diagnostic]) -> Vec<(&str, usize)> {
        d.iter().map(|d| (d.code, d.line)).collect()
    }

    #[test]
    fn year_alone_is_a_report_with_every_national_row() {
        let (r, d) = report("year = 2016\n");
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        let rows: usize = r.applications.iter().map(|g| g.rows.len()).sum();
        assert_eq!(rows, 2 + 2 + 8 + 3 + 5 + 3 + 1 + 1);
        assert!(r
            .applications
            .iter()
            .all(|g| g.rows.iter().all(|r| r.values.is_none())));
        assert!(r.review.is_none());
    }

    #[test]
    fn short_rows_get_their_total_and_long_rows_are_checked() {
        let (_, d) = report("year = 2016\n[review]\nreconsideration = [1, 2, 0, 0]\nlitigation_direct = [1, 0, 0, 0, 2]\nlitigation_after_review = [0, 0, 0, 0, 0]\n");
        assert_eq!(codes(&d), vec![("E-REPORT-ARITHMETIC", 4)]);
        assert!(d[0].message.contains("“总计”列为 2"), "{}", d[0].message);
    }

    #[test]
    fn wrong_types_negatives_lengths_and_unknown_keys() {
        let text = "year = 2016\nyaer = 1\n[active]\nlicensing = \"12\"\npunishment = -1\nfees = -0.5\n[active.rules]\nin_force = 3\nmade_ = 1\n[review]\nreconsideration = [1, 2]\nlitigation_direct = [1, \"0\", 0, 0]\nlitigation_after_review = [0, 0, 0, -1]\n";
        let (r, d) = report(text);
        let mut got = codes(&d);
        got.sort();
        assert_eq!(
            got,
            vec![
                ("E-INVALID-VALUE", 5),
                ("E-INVALID-VALUE", 6),
                ("E-INVALID-VALUE", 11),
                ("E-INVALID-VALUE", 13),
                ("E-UNKNOWN-KEY", 2),
                ("E-UNKNOWN-KEY", 9),
                ("E-WRONG-TYPE", 4),
                ("E-WRONG-TYPE", 12),
            ]
        );
        let r = r.unwrap();
        assert_eq!(r.rules.in_force, 3);
        assert_eq!(r.rules.overridden, vec!["in_force"]);
    }

    #[test]
    fn unknown_tables_are_located_at_their_header() {
        let (_, d) = report("year = 2016\n\n[activ]\nlicensing = 1\n");
        assert_eq!(codes(&d), vec![("E-UNKNOWN-KEY", 3)]);
    }
}
