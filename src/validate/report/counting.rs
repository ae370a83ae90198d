//! What Table 二 counts from the policies themselves, and when a report is due.

use crate::model::report::{DocCounts, DocRow};
use crate::model::{DocType, Policy};
use chrono::{Datelike, NaiveDate};

/// Counts the published policies of `doc_type` for the year: 本年制发 (published that year),
/// 本年废止 (已废止 or 已失效 with `validity_changed` that year) and 现行有效 (published by
/// 31 December and not void by then).
pub fn count(policies: &[Policy], doc_type: DocType, year: i32) -> DocCounts {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let mut c = DocCounts::default();
    for p in policies.iter().filter(|p| p.doc_type == doc_type.label()) {
        if p.published.year() == year {
            c.made += 1;
        }
        let void_at = p.validity_changed.filter(|_| p.validity.is_void());
        if void_at.is_some_and(|d| d.year() == year) {
            c.repealed += 1;
        }
        if p.published <= end && void_at.is_none_or(|d| d > end) {
            c.in_force += 1;
        }
    }
    c
}

pub(super) fn shown(c: DocCounts) -> DocRow {
    DocRow {
        made: c.made,
        repealed: c.repealed,
        in_force: c.in_force,
        computed: c,
        overridden: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Validity;

    fn policy(
        doc_type: &str,
        published: (i32, u32, u32),
        void: Option<(Validity, (i32, u32, u32))>,
    ) -> Policy {
        let d = |(y, m, dd): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        Policy {
            source: "content/policies/a.md".into(),
            url: "/policies/a/".into(),
            title: "t".into(),
            index_no: "X/2016-00001".into(),
            doc_no: None,
            issuer: "i".into(),
            written: None,
            published: d(published),
            topic: None,
            genre: None,
            category: "政策文件".into(),
            validity: void.map(|v| v.0).unwrap_or(Validity::InForce),
            doc_type: doc_type.into(),
            validity_changed: void.map(|v| d(v.1)),
            effective: None,
            expires: None,
            pending: false,
            reg_no: None,
            replaced_by: None,
            summary: String::new(),
            attachments: Vec::new(),
            body: Default::default(),
            interpretations: Vec::new(),
        }
    }

    fn c(made: u64, repealed: u64, in_force: u64) -> DocCounts {
        DocCounts {
            made,
            repealed,
            in_force,
        }
    }

    #[test]
    fn made_counts_publications_of_that_year_and_type() {
        let ps = vec![
            policy("规章", (2016, 1, 1), None),
            policy("规章", (2016, 12, 31), None),
            policy("规章", (2015, 12, 31), None),
            policy("规章", (2017, 1, 1), None),
            policy("行政规范性文件", (2016, 5, 5), None),
            policy("其他文件", (2016, 5, 5), None),
        ];
        assert_eq!(count(&ps, DocType::Rule, 2016).made, 2);
        assert_eq!(count(&ps, DocType::Normative, 2016).made, 1);
        assert_eq!(count(&ps, DocType::Rule, 2015).made, 1);
    }

    #[test]
    fn repealed_counts_void_changes_of_that_year_only() {
        let ps = vec![
            policy(
                "规章",
                (2014, 3, 1),
                Some((Validity::Repealed, (2016, 6, 1))),
            ),
            policy(
                "规章",
                (2014, 3, 1),
                Some((Validity::Expired, (2016, 12, 31))),
            ),
            policy(
                "规章",
                (2014, 3, 1),
                Some((Validity::Repealed, (2017, 1, 1))),
            ),
            // 已修改 is still in force: not 废止.
            policy(
                "规章",
                (2014, 3, 1),
                Some((Validity::Amended, (2016, 6, 1))),
            ),
        ];
        assert_eq!(count(&ps, DocType::Rule, 2016), c(0, 2, 2));
        assert_eq!(count(&ps, DocType::Rule, 2017), c(0, 1, 1));
        assert_eq!(count(&ps, DocType::Rule, 2015), c(0, 0, 4));
    }

    #[test]
    fn in_force_is_as_of_31_december() {
        let ps = vec![
            policy("行政规范性文件", (2016, 12, 31), None),
            policy("行政规范性文件", (2017, 1, 1), None),
            policy(
                "行政规范性文件",
                (2010, 1, 1),
                Some((Validity::Expired, (2016, 12, 31))),
            ),
            policy(
                "行政规范性文件",
                (2010, 1, 1),
                Some((Validity::Expired, (2017, 1, 1))),
            ),
        ];
        assert_eq!(count(&ps, DocType::Normative, 2016).in_force, 2);
        assert_eq!(count(&ps, DocType::Normative, 2017).in_force, 2);
    }

    #[test]
    fn made_and_repealed_in_the_same_year() {
        let ps = vec![policy(
            "规章",
            (2016, 2, 1),
            Some((Validity::Repealed, (2016, 11, 1))),
        )];
        assert_eq!(count(&ps, DocType::Rule, 2016), c(1, 1, 0));
        assert_eq!(count(&ps, DocType::Rule, 2015), c(0, 0, 0));
        assert_eq!(count(&ps, DocType::Rule, 2017), c(0, 0, 0));
    }

    #[test]
    fn computed_counts_satisfy_the_cross_year_rule() {
        let ps = vec![
            policy("规章", (2014, 2, 1), None),
            policy(
                "规章",
                (2015, 2, 1),
                Some((Validity::Repealed, (2016, 11, 1))),
            ),
            policy(
                "规章",
                (2016, 2, 1),
                Some((Validity::Expired, (2016, 3, 1))),
            ),
            policy("规章", (2016, 7, 1), None),
            policy(
                "规章",
                (2017, 7, 1),
                Some((Validity::Repealed, (2018, 1, 1))),
            ),
        ];
        for y in 2014..=2018 {
            let (p, c) = (
                count(&ps, DocType::Rule, y - 1),
                count(&ps, DocType::Rule, y),
            );
            assert_eq!(c.in_force, p.in_force + c.made - c.repealed, "year {y}");
        }
    }
}
