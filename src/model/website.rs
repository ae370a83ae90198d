//! The 政府网站工作年度报表 of one year: its rows, as shown, and the counts by column.

use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub key: &'static str,
    pub label: &'static str,
    /// As shown; "—" when neither the file nor the content gives it.
    pub value: String,
    /// Counted from the content (not written in the file).
    pub computed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowGroup {
    pub name: &'static str,
    pub rows: Vec<Row>,
}

/// One column's 信息发布 of the year, counted from the content.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnCount {
    pub name: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct WebsiteReport {
    pub year: i32,
    pub source: String,
    /// `/reports/<year>/website/`.
    pub url: String,
    /// 网站名称, 首页网址 … from site-config.toml.
    pub identity: Vec<(String, String)>,
    pub groups: Vec<RowGroup>,
    /// 信息发布 by column (公开目录 categories, 政策解读 by form, 清单 updated that year).
    pub by_column: Vec<ColumnCount>,
}

/// 年度报表 due date of `year`'s table: 31 January of the next year.
pub fn deadline(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year + 1, 1, 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_due_on_31_january() {
        assert_eq!(deadline(2016), NaiveDate::from_ymd_opt(2017, 1, 31));
    }
}
