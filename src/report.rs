//! 信息公开年报: the 政府信息公开工作年度报告 of one year, in the format of 国办公开办函〔2021〕30号.
//!
//! `content/reports/<year>.toml` supplies what the content cannot give (section text, Table 二's
//! decision counts and fees, Tables 三 and 四); Table 二's 规章 / 行政规范性文件 rows are counted
//! from the policies. The schema is in `docs/report-format.md`. Checks: the arithmetic of the
//! national format (`E-REPORT-ARITHMETIC`), one file per year (`E-REPORT-DUPLICATE`), the year
//! matching the file name (`E-REPORT-YEAR`), last year's report after its deadline
//! (`W-REPORT-MISSING`) and 上年结转 against last year's 结转下年度 (`W-REPORT-CARRYOVER`).

use crate::config::{Config, SiteKind};
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Links};
use crate::model::Policy;
use crate::source::fields::{type_name, Fields};
use crate::source::RawData;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

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

/// Table 三 rows written directly under `[applications]`, before the result groups.
const T3_HEAD: [(&str, &str); 2] = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
];
/// 三、本年度办理结果 (一) and (二).
const T3_DIRECT: [(&str, &str); 2] = [
    ("disclosed", "（一）予以公开"),
    (
        "partially_disclosed",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
];
type Group = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);
/// 三、本年度办理结果 (三) to (六): sub-table key, label, rows.
const T3_GROUPS: [Group; 4] = [
    (
        "not_disclosed",
        "（三）不予公开",
        &[
            ("state_secret", "1.属于国家秘密"),
            ("law_prohibited", "2.其他法律行政法规禁止公开"),
            ("security_stability", "3.危及“三安全一稳定”"),
            ("third_party", "4.保护第三方合法权益"),
            ("internal_affairs", "5.属于三类内部事务信息"),
            ("process_info", "6.属于四类过程性信息"),
            ("enforcement_files", "7.属于行政执法案卷"),
            ("query_matters", "8.属于行政查询事项"),
        ],
    ),
    (
        "unable",
        "（四）无法提供",
        &[
            ("not_held", "1.本机关不掌握相关政府信息"),
            ("needs_creation", "2.没有现成信息需要另行制作"),
            ("unclear", "3.补正后申请内容仍不明确"),
        ],
    ),
    (
        "not_processed",
        "（五）不予处理",
        &[
            ("petition", "1.信访举报投诉类申请"),
            ("repeated", "2.重复申请"),
            ("publications", "3.要求提供公开出版物"),
            ("mass_repeated", "4.无正当理由大量反复申请"),
            ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
        ],
    ),
    (
        "other",
        "（六）其他处理",
        &[
            (
                "no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ),
            (
                "no_fee",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ),
            ("other", "3.其他"),
        ],
    ),
];
const T3_TOTAL: (&str, &str) = ("total", "（七）总计");
const T3_RESULTS: &str = "三、本年度办理结果";
const T3_FORWARD: (&str, &str) = ("carried_forward", "四、结转下年度继续办理");
/// Table 四 rows under `[review]`.
const T4_ROWS: [(&str, &str); 3] = [
    ("reconsideration", "行政复议"),
    ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
    ("litigation_after_review", "行政诉讼（复议后起诉）"),
];

/// `website` is the 政府网站工作年度报表 (`crate::website`).
const TOP_KEYS: &[&str] = &[
    "year",
    "text",
    "active",
    "applications",
    "review",
    "website",
];
const TEXT_KEYS: &[&str] = &["overview", "problems", "other"];
const ACTIVE_KEYS: &[&str] = &[
    "licensing",
    "punishment",
    "enforcement",
    "fees",
    "rules",
    "normative",
];
const OVERRIDE_KEYS: &[&str] = &["made", "repealed", "in_force"];

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

/// Counts the published policies of `doc_type` for the year: 本年制发 (published that year),
/// 本年废止 (已废止 or 已失效 with `validity_changed` that year) and 现行有效 (published by
/// 31 December and not void by then).
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
        if p.published <= end && void_at.is_none_or(|d| d > end) {
            c.in_force += 1;
        }
    }
    c
}

/// The date by which the report on `year` must be published (条例 第五十条).
pub fn deadline(kind: SiteKind, year: i32) -> Option<NaiveDate> {
    match kind {
        SiteKind::Department => NaiveDate::from_ymd_opt(year + 1, 1, 31),
        SiteKind::Government => NaiveDate::from_ymd_opt(year + 1, 3, 31),
    }
}

/// A `[table]` header block of a TOML file: its dotted name and byte range (header line to the
/// next header).
struct Block {
    name: String,
    range: Range<usize>,
}

/// The table name of a `[a.b]` header line, normalized (`[ a . "b" ]` → `a.b`).
fn header_name(line: &str) -> Option<String> {
    let t = line.trim();
    let t = t.split_once('#').map(|(a, _)| a.trim_end()).unwrap_or(t);
    if t.starts_with("[[") {
        return None;
    }
    let inner = t.strip_prefix('[')?.strip_suffix(']')?;
    let parts: Vec<&str> = inner
        .split('.')
        .map(|p| p.trim().trim_matches('"'))
        .collect();
    let ok = parts.iter().all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    ok.then(|| parts.join("."))
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if let Some(name) = header_name(line) {
            if let Some(last) = out.last_mut() {
                last.range.end = pos;
            }
            out.push(Block {
                name,
                range: pos..text.len(),
            });
        }
        pos += line.len();
    }
    out
}

/// Reads one TOML file's tables with positions.
struct Reader<'a> {
    path: &'a str,
    text: &'a str,
    blocks: Vec<Block>,
    diags: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    /// Fields for the table at `name` ("" for the top level), positions from its block.
    fn fields(&self, name: &str, table: &'a toml::Table, parent: Range<usize>) -> Fields<'a> {
        let region = if name.is_empty() {
            0..self
                .blocks
                .first()
                .map(|b| b.range.start)
                .unwrap_or(self.text.len())
        } else {
            self.blocks
                .iter()
                .find(|b| b.name == name)
                .map(|b| b.range.clone())
                .unwrap_or(parent)
        };
        let label = if name.is_empty() {
            String::new()
        } else {
            format!("[{name}]")
        };
        let mut f = Fields::new(self.path, self.text, region, table).with_label(label);
        // A sub-table is "written" at its header line.
        for (key, v) in table {
            if v.is_table() && f.written_at(key).is_none() {
                let full = if name.is_empty() {
                    key.clone()
                } else {
                    format!("{name}.{key}")
                };
                if let Some(b) = self.blocks.iter().find(|b| b.name == full) {
                    f.positions.insert(key.clone(), b.range.start);
                }
            }
        }
        f
    }

    /// The sub-table `key` of `f`, if present (wrong type reported).
    fn sub(&mut self, f: &mut Fields<'a>, key: &str) -> Option<&'a toml::Table> {
        let table: &'a toml::Table = f.table;
        match table.get(key) {
            None => None,
            Some(toml::Value::Table(t)) => Some(t),
            Some(v) => {
                f.error(
                    "E-WRONG-TYPE",
                    key,
                    format!("字段 `{key}` 应为表，实际为{}", type_name(v)),
                    Some(format!(
                        "写作 [{}] 表头，下面逐行填写",
                        dotted(&f.label, key)
                    )),
                );
                None
            }
        }
    }

    /// Collects a finished table's diagnostics (unknown keys included).
    fn finish(&mut self, f: Fields<'a>, allowed: &[&str]) {
        self.diags.extend(f.finish(allowed));
    }
}

/// `[applications]` + `other` → `applications.other`.
fn dotted(label: &str, key: &str) -> String {
    let parent = label.trim_start_matches('[').trim_end_matches(']');
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn missing(f: &mut Fields, key: &str, hint: String) {
    f.error(
        "E-MISSING-KEY",
        key,
        format!("缺少字段 `{key}`"),
        Some(hint),
    );
}

/// The largest count a report may give. No body handles a trillion of anything in a year,
/// and with every count at most this, no sum or difference the checks compute (a few hundred
/// counts at most) can overflow: the arithmetic checks cannot be beaten by wrapping.
pub const MAX_COUNT: u64 = 1_000_000_000_000;

fn too_large(f: &mut Fields, key: &str, what: String, x: i64) {
    f.error(
        "E-INVALID-VALUE",
        key,
        format!("{what}过大：{x}（件数不超过 {MAX_COUNT}）"),
        Some("件数填写实际的件数".into()),
    );
}

/// A non-negative integer.
fn count_key(f: &mut Fields, key: &str) -> Option<u64> {
    let i = f.integer(key, false)?;
    if i as u64 > MAX_COUNT && i > 0 {
        too_large(f, key, format!("字段 `{key}` "), i);
        return None;
    }
    if i < 0 {
        f.error(
            "E-INVALID-VALUE",
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
fn row(f: &mut Fields, key: &str, columns: &[&str], required: bool) -> Option<Vec<u64>> {
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
                "E-WRONG-TYPE",
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
            "E-INVALID-VALUE",
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
                    "E-INVALID-VALUE",
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
                    "E-WRONG-TYPE",
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
                "E-REPORT-ARITHMETIC",
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
fn mismatches(left: &[u64], right: &[u64], columns: &[&str]) -> Vec<String> {
    (0..columns.len())
        .filter(|&c| left[c] != right[c])
        .map(|c| format!("“{}”列 {} ≠ {}", columns[c], left[c], right[c]))
        .collect()
}

fn add(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x = x.saturating_add(*y);
    }
}

/// What one file gave, with positions for the cross-year checks.
struct Parsed<'a> {
    report: Report,
    path: &'a str,
    text: &'a str,
    /// Positions of keys used by cross-year checks: `year`, `carried_over`, and
    /// `rules.in_force` etc. for overrides.
    pos: HashMap<String, usize>,
    carried_over: Option<Vec<u64>>,
    carried_forward: Option<Vec<u64>>,
}

/// Reads one report file.
fn parse<'a>(
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
                "E-INVALID-VALUE",
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
                "E-REPORT-YEAR",
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
    let mut rules = shown(count(policies, "规章", year_or_0));
    let mut normative = shown(count(policies, "行政规范性文件", year_or_0));
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
                        "E-REPORT-ARITHMETIC",
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
                    "E-REPORT-ARITHMETIC",
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

fn shown(c: DocCounts) -> DocRow {
    DocRow {
        made: c.made,
        repealed: c.repealed,
        in_force: c.in_force,
        computed: c,
        overridden: Vec::new(),
    }
}

/// 收费金额（万元）: a non-negative number, shown as written.
fn fee(f: &mut Fields) -> Option<String> {
    let table: &toml::Table = f.table;
    let shown = match table.get("fees") {
        Some(toml::Value::Integer(i)) if *i >= 0 => i.to_string(),
        Some(toml::Value::Float(x)) if x.is_finite() && *x >= 0.0 => x.to_string(),
        Some(toml::Value::Integer(_) | toml::Value::Float(_)) => {
            f.error(
                "E-INVALID-VALUE",
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

/// Table 三's rows in national order, laid out with their header cells.
fn table3(values: Option<&BTreeMap<String, Vec<u64>>>) -> Vec<AppGroup> {
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
fn render_text(
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
        return r.body.html.clone();
    }
    let r = markdown::render(path, trimmed, 0..trimmed.len(), dir, links);
    diags.extend(r.diags.into_iter().map(|d| d.at(path, text, key_pos)));
    r.body.html.clone()
}

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
                Diagnostic::error(
                    "E-REPORT-DUPLICATE",
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
                Diagnostic::warning(
                    "W-REPORT-MISSING",
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
            Diagnostic::error(
                "E-REPORT-ARITHMETIC",
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
                Diagnostic::warning(
                    "W-REPORT-CARRYOVER",
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
        assert_eq!(count(&ps, "规章", 2016).made, 2);
        assert_eq!(count(&ps, "行政规范性文件", 2016).made, 1);
        assert_eq!(count(&ps, "规章", 2015).made, 1);
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
        assert_eq!(count(&ps, "规章", 2016), c(0, 2, 2));
        assert_eq!(count(&ps, "规章", 2017), c(0, 1, 1));
        assert_eq!(count(&ps, "规章", 2015), c(0, 0, 4));
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
        assert_eq!(count(&ps, "行政规范性文件", 2016).in_force, 2);
        assert_eq!(count(&ps, "行政规范性文件", 2017).in_force, 2);
    }

    #[test]
    fn made_and_repealed_in_the_same_year() {
        let ps = vec![policy(
            "规章",
            (2016, 2, 1),
            Some((Validity::Repealed, (2016, 11, 1))),
        )];
        assert_eq!(count(&ps, "规章", 2016), c(1, 1, 0));
        assert_eq!(count(&ps, "规章", 2015), c(0, 0, 0));
        assert_eq!(count(&ps, "规章", 2017), c(0, 0, 0));
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
            let (p, c) = (count(&ps, "规章", y - 1), count(&ps, "规章", y));
            assert_eq!(c.in_force, p.in_force + c.made - c.repealed, "year {y}");
        }
    }

    fn report(text: &str) -> (Option<Report>, Vec<Diagnostic>) {
        let raw = RawData {
            file: crate::source::SourceFile {
                path: "content/reports/2016.toml".into(),
                text: text.into(),
            },
            stem: "2016".into(),
            table: toml::from_str(text).unwrap(),
        };
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

    #[test]
    fn header_names_are_normalized() {
        assert_eq!(
            header_name("[ applications . \"other\" ]  # x\n").as_deref(),
            Some("applications.other")
        );
        assert_eq!(header_name("[见附件](a.pdf)\n"), None);
        assert_eq!(header_name("[[items]]\n"), None);
    }
}
