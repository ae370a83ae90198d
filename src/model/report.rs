//! Figures of the 政府信息公开工作年度报告 (国办公开办函〔2021〕30号), as validated and laid out.

use crate::config::SiteKind;
use chrono::NaiveDate;
use serde::Serialize;

/// Table 三 columns (申请人情况), in input order; the last is 总计.
pub const APPLICANT_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];
/// Table 四 columns, in input order; the last is 总计.
pub const OUTCOME_COLUMNS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
/// 本年制发 / 本年废止 / 现行有效 for one document type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DocCounts {
    pub made: u64,
    pub repealed: u64,
    pub in_force: u64,
}

/// One Table 二 row of 第二十条第（一）项: the numbers shown, and those counted from content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DocRow {
    /// Shown: the file's override where given, else the computed count.
    pub made: u64,
    pub repealed: u64,
    pub in_force: u64,
    /// Counted from the policies.
    pub computed: DocCounts,
    /// Which of made / repealed / in_force the file overrides.
    pub overridden: Vec<&'static str>,
}

/// A header cell of Table 三's row headers.
#[derive(Debug, Clone, Serialize)]
pub struct HeadCell {
    pub text: &'static str,
    pub rowspan: usize,
    pub colspan: usize,
    /// `row` or `rowgroup`.
    pub scope: &'static str,
}

/// A Table 三 row in national order.
#[derive(Debug, Clone, Serialize)]
pub struct AppRow {
    /// Input key, e.g. `not_disclosed.state_secret`.
    pub key: String,
    pub label: &'static str,
    /// Row header cells to write before the values (rowspans already laid out).
    pub heads: Vec<HeadCell>,
    /// The 7 numbers, total last; `None` when the file has no `[applications]`.
    pub values: Option<Vec<u64>>,
}

/// A `<tbody>` of Table 三: 一–二, 三 (本年度办理结果), 四.
#[derive(Debug, Clone, Serialize)]
pub struct AppGroup {
    pub rows: Vec<AppRow>,
}

/// Table 四: each row 5 numbers (结果维持, 结果纠正, 其他结果, 尚未审结, 总计).
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub reconsideration: Vec<u64>,
    pub litigation_direct: Vec<u64>,
    pub litigation_after_review: Vec<u64>,
}

/// Sections 一、五、六 as HTML (Markdown rendered and sanitized).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportText {
    pub overview: Option<String>,
    pub problems: Option<String>,
    pub other: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub year: i32,
    pub source: String,
    /// `/reports/<year>/`.
    pub url: String,
    pub text: ReportText,
    /// Table 二, 第二十条第（一）项.
    pub rules: DocRow,
    pub normative: DocRow,
    /// Table 二, 第（五）项 行政许可 / 第（六）项 行政处罚、行政强制: 本年处理决定数量.
    pub licensing: Option<u64>,
    pub punishment: Option<u64>,
    pub enforcement: Option<u64>,
    /// Table 二, 第（八）项 行政事业性收费 本年收费金额（万元）, as written.
    pub fees: Option<String>,
    /// Table 三, always every national row; values only when the file gives them.
    pub applications: Vec<AppGroup>,
    pub applications_given: bool,
    /// Table 四.
    pub review: Option<Review>,
}

/// The date by which the report on `year` must be published (条例 第五十条).
pub fn deadline(kind: SiteKind, year: i32) -> Option<NaiveDate> {
    match kind {
        SiteKind::Department => NaiveDate::from_ymd_opt(year + 1, 1, 31),
        SiteKind::Government => NaiveDate::from_ymd_opt(year + 1, 3, 31),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn governments_publish_by_31_march_departments_by_31_january() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(deadline(SiteKind::Government, 2016), d(2017, 3, 31));
        assert_eq!(deadline(SiteKind::Department, 2016), d(2017, 1, 31));
    }
}
