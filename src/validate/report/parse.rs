//! Reads one report file into its figures, checking every count and the national format's
//! arithmetic within the year.

use super::counting::{count, shown};
use super::layout::{render_text, table3};
use super::scan::{blocks, Reader};
use super::schema::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::fields::{type_name, Fields};
use crate::markdown::Links;
use crate::model::report::*;
use crate::model::{DocType, Policy};
use crate::source::RawData;
use std::collections::{BTreeMap, HashMap};

pub(super) fn missing(f: &mut Fields, key: &str, hint: String) {
    f.error(
        Code::MissingKey,
        key,
        format!("缺少字段 `{key}`"),
        Some(hint),
    );
}

/// The largest count a report may give. No body handles a trillion of anything in a year,
/// and with every count at most this, no sum or difference the checks compute (a few hundred
/// counts at most) can overflow: the arithmetic checks cannot be beaten by wrapping.
pub const MAX_COUNT: u64 = 1_000_000_000_000;

pub(super) fn too_large(f: &mut Fields, key: &str, what: String, x: i64) {
    f.error(
        Code::InvalidValue,
        key,
        format!("{what}过大：{x}（件数不超过 {MAX_COUNT}）"),
        Some("件数填写实际的件数".into()),
    );
}

/// A non-negative integer.
pub(super) fn count_key(f: &mut Fields, key: &str) -> Option<u64> {
    let i = f.integer(key, false)?;
    if i as u64 > MAX_COUNT && i > 0 {
        too_large(f, key, format!("字段 `{key}` "), i);
        return None;
    }
    if i < 0 {
        f.error(
            Code::InvalidValue,
            key,
            format!("字段 `{key}` 不能为负数：{i}"),
            Some("件数填写 0 或正整数".into()),
        );
        return None;
    }
    Some(i as u64)
}

/// A row of counts by `columns` (the last is 总计): all of them, or all but the total (then
/// computed). A total that differs from the sum is reported and replaced by the sum.
pub(super) fn row(f: &mut Fields, key: &str, columns: &[&str], required: bool) -> Option<Vec<u64>> {
    let n = columns.len();
    let example = || {
        let nums: Vec<String> = (0..n - 1).map(|_| "0".to_string()).collect();
        format!("{key} = [{}]", nums.join(", "))
    };
    let table: &toml::Table = f.table;
    let arr = match table.get(key) {
        None => {
            if required {
                missing(
                    f,
                    key,
                    format!("本表各行都要填写，没有的写 0：{}", example()),
                );
            }
            return None;
        }
        Some(toml::Value::Array(a)) => a,
        Some(v) => {
            f.error(
                Code::WrongType,
                key,
                format!(
                    "字段 `{key}` 应为 {n} 个整数组成的数组，实际为{}",
                    type_name(v)
                ),
                Some(format!("依次为{}：{}", columns.join("、"), example())),
            );
            return None;
        }
    };
    if arr.len() != n && arr.len() != n - 1 {
        f.error(
            Code::InvalidValue,
            key,
            format!(
                "字段 `{key}` 应有 {n} 个数（{}），或 {} 个数（不含总计，自动合计），实际为 {} 个",
                columns.join("、"),
                n - 1,
                arr.len()
            ),
            Some(example()),
        );
        return None;
    }
    let mut out = Vec::with_capacity(n);
    let mut ok = true;
    for (i, v) in arr.iter().enumerate() {
        match v {
            toml::Value::Integer(x) if *x >= 0 && *x as u64 <= MAX_COUNT => out.push(*x as u64),
            toml::Value::Integer(x) if *x > 0 => {
                too_large(
                    f,
                    key,
                    format!("字段 `{key}` 的第 {} 个数（{}）", i + 1, columns[i]),
                    *x,
                );
                ok = false;
            }
            toml::Value::Integer(x) => {
                f.error(
                    Code::InvalidValue,
                    key,
                    format!(
                        "字段 `{key}` 的第 {} 个数（{}）不能为负数：{x}",
                        i + 1,
                        columns[i]
                    ),
                    Some("件数填写 0 或正整数".into()),
                );
                ok = false;
            }
            other => {
                f.error(
                    Code::WrongType,
                    key,
                    format!(
                        "字段 `{key}` 的第 {} 个数（{}）应为整数，实际为{}",
                        i + 1,
                        columns[i],
                        type_name(other)
                    ),
                    Some("件数写作不带引号的整数，例如 12".into()),
                );
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    let sum: u64 = out[..n - 1].iter().fold(0, |a, b| a.saturating_add(*b));
    if out.len() == n {
        if out[n - 1] != sum {
            f.error(
                Code::ReportArithmetic,
                key,
                format!(
                    "行合计不符（总计 = 各列之和）：`{key}` 的“总计”列为 {}，而{}之和为 {sum}",
                    out[n - 1],
                    columns[..n - 1].join("、")
                ),
                Some("核对各列数字；也可以只写前几列，总计由 gongkai 计算".into()),
            );
            out[n - 1] = sum;
        }
    } else {
        out.push(sum);
    }
    Some(out)
}

/// Columns where `left` and `right` differ, as "“自然人”列 84 ≠ 83".
pub(super) fn mismatches(left: &[u64], right: &[u64], columns: &[&str]) -> Vec<String> {
    (0..columns.len())
        .filter(|&c| left[c] != right[c])
        .map(|c| format!("“{}”列 {} ≠ {}", columns[c], left[c], right[c]))
        .collect()
}

pub(super) fn add(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x = x.saturating_add(*y);
    }
}

/// What one file gave, with positions for the cross-year checks.
pub(super) struct Parsed<'a> {
    pub(super) report: Report,
    pub(super) path: &'a str,
    pub(super) text: &'a str,
    /// Positions of keys used by cross-year checks: `year`, `carried_over`, and
    /// `rules.in_force` etc. for overrides.
    pub(super) pos: HashMap<String, usize>,
    pub(super) carried_over: Option<Vec<u64>>,
    pub(super) carried_forward: Option<Vec<u64>>,
}

/// Reads one report file.
pub(super) fn parse<'a>(
    raw: &'a RawData,
    policies: &[Policy],
    links: &Links,
) -> (Option<Parsed<'a>>, Vec<Diagnostic>) {
    let path = raw.file.path.as_str();
    let text: &str = &raw.file.text;
    let mut r = Reader {
        path,
        text,
        blocks: blocks(text),
        diags: Vec::new(),
    };
    let whole = 0..text.len();
    let mut pos: HashMap<String, usize> = HashMap::new();

    let mut top = r.fields("", &raw.table, whole.clone());
    let year = match top.integer("year", true) {
        Some(y) if (1..=9999).contains(&y) => Some(y as i32),
        Some(y) => {
            top.error(
                Code::InvalidValue,
                "year",
                format!("年度 {y} 无效"),
                Some("写作 year = 2016".into()),
            );
            None
        }
        None => None,
    };
    pos.insert("year".into(), top.pos("year"));
    let file_year = raw
        .stem
        .rsplit('/')
        .next()
        .and_then(|s| s.parse::<i32>().ok());
    if let (Some(y), Some(fy)) = (year, file_year) {
        if y != fy {
            top.error(
                Code::ReportYear,
                "year",
                format!("年度 {y} 与文件名 {fy}.toml 不一致"),
                Some(format!("改为 year = {fy}，或把文件改名为 {y}.toml")),
            );
        }
    }

    // Sections 一、五、六.
    let mut text_out = ReportText::default();
    if let Some(t) = r.sub(&mut top, "text") {
        let mut f = r.fields("text", t, whole.clone());
        let dir = match raw.stem.rfind('/') {
            Some(i) => format!("reports/{}", &raw.stem[..i]),
            None => "reports".to_string(),
        };
        for key in TEXT_KEYS {
            if let Some(s) = f.string(key, false) {
                let html = render_text(path, text, f.pos(key), &s, &dir, links, &mut r.diags);
                match *key {
                    "overview" => text_out.overview = Some(html),
                    "problems" => text_out.problems = Some(html),
                    _ => text_out.other = Some(html),
                }
            }
        }
        r.finish(f, TEXT_KEYS);
    }

    // Table 二.
    let year_or_0 = year.unwrap_or(0);
    let mut rules = shown(count(policies, DocType::Rule, year_or_0));
    let mut normative = shown(count(policies, DocType::Normative, year_or_0));
    let (mut licensing, mut punishment, mut enforcement, mut fees) = (None, None, None, None);
    if let Some(t) = r.sub(&mut top, "active") {
        let mut f = r.fields("active", t, whole.clone());
        licensing = count_key(&mut f, "licensing");
        punishment = count_key(&mut f, "punishment");
        enforcement = count_key(&mut f, "enforcement");
        fees = fee(&mut f);
        for (key, doc_row) in [("rules", &mut rules), ("normative", &mut normative)] {
            if let Some(t) = r.sub(&mut f, key) {
                let name = format!("active.{key}");
                let mut g = r.fields(&name, t, f.region.clone());
                for k in OVERRIDE_KEYS {
                    if let Some(v) = count_key(&mut g, k) {
                        pos.insert(format!("{key}.{k}"), g.pos(k));
                        doc_row.overridden.push(k);
                        match *k {
                            "made" => doc_row.made = v,
                            "repealed" => doc_row.repealed = v,
                            _ => doc_row.in_force = v,
                        }
                    }
                }
                r.finish(g, OVERRIDE_KEYS);
            }
        }
        r.finish(f, ACTIVE_KEYS);
    }

    // Table 三.
    let mut values: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let applications_given = raw.table.contains_key("applications");
    if let Some(t) = r.sub(&mut top, "applications") {
        let mut f = r.fields("applications", t, whole.clone());
        let mut allowed: Vec<&str> = Vec::new();
        for (key, _) in T3_HEAD.iter().chain(&T3_DIRECT).chain([&T3_FORWARD]) {
            allowed.push(key);
            if let Some(v) = row(&mut f, key, &APPLICANT_COLUMNS, true) {
                values.insert(key.to_string(), v);
            }
        }
        // Sum of (一) to (六), None when a row is missing.
        let mut sum: Option<Vec<u64>> = Some(vec![0; 7]);
        for (key, _) in &T3_DIRECT {
            match (values.get(*key), sum.as_mut()) {
                (Some(v), Some(s)) => add(s, v),
                _ => sum = None,
            }
        }
        for (group, _, rows) in &T3_GROUPS {
            allowed.push(group);
            let sub = r.sub(&mut f, group);
            let Some(t) = sub else {
                if !f.has(group) {
                    let example: String = rows
                        .iter()
                        .map(|(k, _)| format!("{k} = [0, 0, 0, 0, 0, 0, 0]\n"))
                        .collect();
                    missing(
                        &mut f,
                        group,
                        format!("添加\n[applications.{group}]\n{example}"),
                    );
                }
                sum = None;
                continue;
            };
            let name = format!("applications.{group}");
            let mut g = r.fields(&name, t, f.region.clone());
            for (key, _) in rows.iter() {
                match row(&mut g, key, &APPLICANT_COLUMNS, true) {
                    Some(v) => {
                        if let Some(s) = sum.as_mut() {
                            add(s, &v);
                        }
                        values.insert(format!("{group}.{key}"), v);
                    }
                    None => sum = None,
                }
            }
            let keys: Vec<&str> = rows.iter().map(|(k, _)| *k).collect();
            r.finish(g, &keys);
        }
        allowed.push(T3_TOTAL.0);
        // (七)总计: given and checked, or computed.
        let total = if f.has(T3_TOTAL.0) {
            let given = row(&mut f, T3_TOTAL.0, &APPLICANT_COLUMNS, false);
            if let (Some(g), Some(s)) = (&given, &sum) {
                let bad = mismatches(g, s, &APPLICANT_COLUMNS);
                if !bad.is_empty() {
                    f.error(
                        Code::ReportArithmetic,
                        T3_TOTAL.0,
                        format!("三（七）总计应等于（一）至（六）各项（含各小项）之和：{}", bad.join("；")),
                        Some(format!("按列相加（一）予以公开至（六）其他处理的各行；也可以删去 total，由 gongkai 计算。各列之和为 {s:?}")),
                    );
                }
            }
            given
        } else {
            sum
        };
        if let Some(t) = &total {
            values.insert(T3_TOTAL.0.to_string(), t.clone());
        }
        // 一 + 二 = 三(七) + 四.
        if let (Some(n), Some(o), Some(t), Some(fw)) = (
            values.get("new"),
            values.get("carried_over"),
            &total,
            values.get("carried_forward"),
        ) {
            let left: Vec<u64> = (0..7).map(|c| n[c] + o[c]).collect();
            let right: Vec<u64> = (0..7).map(|c| t[c] + fw[c]).collect();
            let bad = mismatches(&left, &right, &APPLICANT_COLUMNS);
            if !bad.is_empty() {
                f.error(
                    Code::ReportArithmetic,
                    "new",
                    format!("一 + 二 应等于 三（七）+ 四（本年新收 + 上年结转 = 办理结果总计 + 结转下年度）：{}", bad.join("；")),
                    Some("按列核对 new + carried_over 与 total + carried_forward".into()),
                );
            }
        }
        pos.insert("carried_over".into(), f.pos("carried_over"));
        r.finish(f, &allowed);
    }

    // Table 四.
    let mut review = None;
    if let Some(t) = r.sub(&mut top, "review") {
        let mut f = r.fields("review", t, whole.clone());
        let rows: Vec<Option<Vec<u64>>> = T4_ROWS
            .iter()
            .map(|(k, _)| row(&mut f, k, &OUTCOME_COLUMNS, true))
            .collect();
        if let [Some(a), Some(b), Some(c)] = &rows[..] {
            review = Some(Review {
                reconsideration: a.clone(),
                litigation_direct: b.clone(),
                litigation_after_review: c.clone(),
            });
        }
        let keys: Vec<&str> = T4_ROWS.iter().map(|(k, _)| *k).collect();
        r.finish(f, &keys);
    }

    r.diags.extend(top.finish(TOP_KEYS));
    let Some(year) = year else {
        return (None, r.diags);
    };
    let carried_over = values.get("carried_over").cloned();
    let carried_forward = values.get("carried_forward").cloned();
    let report = Report {
        year,
        source: path.to_string(),
        url: format!("/reports/{year}/"),
        text: text_out,
        rules,
        normative,
        licensing,
        punishment,
        enforcement,
        fees,
        applications: table3(applications_given.then_some(&values)),
        applications_given,
        review,
    };
    let parsed = Parsed {
        report,
        path,
        text,
        pos,
        carried_over,
        carried_forward,
    };
    (Some(parsed), r.diags)
}

/// 收费金额（万元）: a non-negative number, shown as written.
pub(super) fn fee(f: &mut Fields) -> Option<String> {
    let table: &toml::Table = f.table;
    let shown = match table.get("fees") {
        Some(toml::Value::Integer(i)) if *i >= 0 => i.to_string(),
        Some(toml::Value::Float(x)) if x.is_finite() && *x >= 0.0 => x.to_string(),
        Some(toml::Value::Integer(_) | toml::Value::Float(_)) => {
            f.error(
                Code::InvalidValue,
                "fees",
                "收费金额应为非负数（单位：万元）".into(),
                Some("例如 fees = 8642.37；没有收费写 0".into()),
            );
            return None;
        }
        _ => {
            f.number("fees")?;
            return None;
        }
    };
    Some(shown)
}
