//! 信息公开年报 (issue 9): `content/reports/<year>.toml` pages in the national format
//! (国办公开办函〔2021〕30号), Table 二 counted from the policies, and the checks.
//!
//! Table 二 is recounted here independently of gongkai: the policies' front matter is read
//! with the `toml` crate and the numbers compared with what the built page shows.

use crate::support::*;
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Independent recount of Table 二 (第二十条第（一）项).

/// (y, m, d) of a TOML date value.
fn date(v: Option<&toml::Value>) -> Option<(i32, u32, u32)> {
    match v? {
        toml::Value::Datetime(dt) => dt
            .date
            .map(|d| (d.year as i32, d.month as u32, d.day as u32)),
        _ => None,
    }
}

/// Front matter of every policy under `root/content/policies`.
fn front_matters(root: &Path) -> Vec<toml::Table> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root.join("content/policies"))
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.path().extension().and_then(|x| x.to_str()) != Some("md") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let rest = text
            .strip_prefix("+++\n")
            .expect("front matter opens with +++");
        let end = rest.find("\n+++").expect("front matter closes with +++");
        out.push(toml::from_str(&rest[..end]).expect("front matter is TOML"));
    }
    out
}

/// [本年制发, 本年废止, 现行有效] of published policies of `doc_type` for `year`.
fn recount(fms: &[toml::Table], doc_type: &str, year: i32) -> [u64; 3] {
    let s = |t: &toml::Table, k: &str| t.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let mut n = [0u64; 3];
    for fm in fms {
        if s(fm, "disclosure").as_deref() != Some("主动公开")
            || s(fm, "doc_type").as_deref().unwrap_or("其他文件") != doc_type
        {
            continue;
        }
        let published = date(fm.get("published")).unwrap();
        let void = matches!(s(fm, "validity").as_deref(), Some("已废止" | "已失效"));
        let void_at = if void {
            date(fm.get("validity_changed"))
        } else {
            None
        };
        if published.0 == year {
            n[0] += 1;
        }
        if void_at.is_some_and(|d| d.0 == year) {
            n[1] += 1;
        }
        let end = (year, 12, 31);
        if published <= end && void_at.is_none_or(|d| d > end) {
            n[2] += 1;
        }
    }
    n
}

/// Text of the cells after the row header `label` in the page's HTML.
fn row_cells(html: &str, label: &str) -> Vec<String> {
    let start = html
        .find(&format!(">{label}</th>"))
        .unwrap_or_else(|| panic!("no row {label}"));
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    let mut cells = Vec::new();
    let mut rest = row;
    while let Some(i) = rest.find("<td") {
        let open_end = i + rest[i..].find('>').unwrap() + 1;
        let close = open_end + rest[open_end..].find("</td>").unwrap();
        cells.push(rest[open_end..close].trim().to_string());
        rest = &rest[close..];
    }
    cells
}

fn nums(cells: &[String]) -> Vec<u64> {
    cells
        .iter()
        .map(|c| c.parse().unwrap_or_else(|_| panic!("not a number: {c:?}")))
        .collect()
}

fn assert_table_2_matches_recount(site: &TestSite, year: i32) {
    let html = site.read_out(&format!("reports/{year}/index.html"));
    let fms = front_matters(site.path());
    for (label, doc_type) in [("规章", "规章"), ("行政规范性文件", "行政规范性文件")]
    {
        assert_eq!(
            nums(&row_cells(&html, label)),
            recount(&fms, doc_type, year).to_vec(),
            "{year} {label}: page vs independent recount"
        );
    }
}

#[test]
fn demo_report_renders_with_table_2_recounted_independently() {
    let site = TestSite::demo();
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_table_2_matches_recount(&site, 2016);
    let html = site.read_out("reports/2016/index.html");
    assert!(html.contains("<h1>信阳市人民政府2016年政府信息公开工作年度报告</h1>"));
    // The demo has one 主动公开 行政规范性文件 published in 2016: the recount is not vacuous.
    assert_eq!(nums(&row_cells(&html, "行政规范性文件")), vec![1, 0, 1]);
    // Values from content/reports/2016.toml.
    assert_eq!(row_cells(&html, "行政许可"), vec!["18653"]);
    assert_eq!(row_cells(&html, "行政事业性收费"), vec!["8642.37"]);
    assert_eq!(
        nums(&row_cells(&html, "一、本年新收政府信息公开申请数量")),
        vec![86, 9, 1, 2, 4, 3, 105]
    );
    assert_eq!(
        nums(&row_cells(&html, "（七）总计")),
        vec![84, 9, 1, 2, 4, 3, 103]
    );
    assert!(
        html.contains("全年共受理政府信息公开申请105件"),
        "section 一 text is rendered"
    );
}

#[test]
fn table_2_counts_made_repealed_and_in_force_over_several_years() {
    let site = TestSite::new();
    let mut serial = 0;
    let mut policy = |published: &str,
                      doc_type: &str,
                      disclosure: &str,
                      void: Option<(&str, &str)>| {
        serial += 1;
        let validity = match void {
            Some((v, d)) => format!("validity = \"{v}\"\nvalidity_changed = {d}\n"),
            None => String::new(),
        };
        let year = &published[..4];
        site.write(
            &format!("content/policies/{year}/p{serial}.md"),
            &format!(
                "+++\ntitle = \"测试文件{serial}\"\nindex_no = \"TESTORG/{year}-{serial:05}\"\nissuer = \"测试市人民政府\"\npublished = {published}\ncategory = \"政策文件\"\ndisclosure = \"{disclosure}\"\ndoc_type = \"{doc_type}\"\n{validity}+++\n\n正文。\n"
            ),
        );
    };
    policy("2015-03-02", "规章", "主动公开", None);
    policy(
        "2015-06-01",
        "规章",
        "主动公开",
        Some(("已废止", "2016-05-03")),
    );
    // Made and repealed in the same year.
    policy(
        "2016-02-01",
        "规章",
        "主动公开",
        Some(("已废止", "2016-10-10")),
    );
    policy("2016-12-30", "规章", "主动公开", None);
    policy("2016-04-05", "行政规范性文件", "主动公开", None);
    // Void on 2017-01-16: in force on 2016-12-31.
    policy(
        "2016-05-04",
        "行政规范性文件",
        "主动公开",
        Some(("已失效", "2017-01-16")),
    );
    // 已修改 is still in force.
    policy(
        "2016-07-01",
        "行政规范性文件",
        "主动公开",
        Some(("已修改", "2016-12-01")),
    );
    // Not published: not counted.
    policy("2016-08-01", "行政规范性文件", "依申请公开", None);
    policy("2016-08-02", "其他文件", "主动公开", None);
    policy("2017-01-10", "规章", "主动公开", None);
    for year in [2015, 2016, 2017] {
        site.write(
            &format!("content/reports/{year}.toml"),
            &format!("year = {year}\n"),
        );
    }
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for year in [2015, 2016, 2017] {
        assert_table_2_matches_recount(&site, year);
    }
    let p = |y: i32, label: &str| {
        nums(&row_cells(
            &site.read_out(&format!("reports/{y}/index.html")),
            label,
        ))
    };
    assert_eq!(p(2016, "规章"), vec![2, 2, 2]);
    assert_eq!(p(2016, "行政规范性文件"), vec![3, 0, 3]);
    assert_eq!(p(2017, "行政规范性文件"), vec![0, 1, 2]);
    // Computed numbers satisfy 现行有效 = 上年现行有效 + 本年制发 − 本年废止: no diagnostics.
    let check = site.check_json();
    assert!(
        check
            .codes()
            .iter()
            .all(|(c, _)| !c.starts_with("E-REPORT")),
        "{:?}",
        check.codes()
    );
}

// ---------------------------------------------------------------------------------------------
// The page.

#[test]
fn year_alone_renders_every_section_and_national_row() {
    let site = TestSite::new();
    site.write("content/reports/2016.toml", "year = 2016\n");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.read_out("reports/2016/index.html");
    assert!(html.contains("<h1>测试市人民政府2016年政府信息公开工作年度报告</h1>"));
    for h in [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ] {
        assert!(html.contains(&format!("{h}</h2>")), "section {h}");
    }
    // Table 二: the computed rows (no policies: zeros), the rest not given.
    assert_eq!(nums(&row_cells(&html, "规章")), vec![0, 0, 0]);
    assert_eq!(nums(&row_cells(&html, "行政规范性文件")), vec![0, 0, 0]);
    for h in [
        "第二十条第（一）项",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
        "本年收费金额（单位：万元）",
    ] {
        assert!(html.contains(&format!(">{h}</th>")), "Table 二 header {h}");
    }
    for label in ["行政许可", "行政处罚", "行政强制", "行政事业性收费"] {
        assert_eq!(row_cells(&html, label), vec!["—"], "{label}");
    }
    // Table 三: every national row, in order, 7 columns each.
    let rows = [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "5.属于三类内部事务信息",
        "6.属于四类过程性信息",
        "7.属于行政执法案卷",
        "8.属于行政查询事项",
        "1.本机关不掌握相关政府信息",
        "2.没有现成信息需要另行制作",
        "3.补正后申请内容仍不明确",
        "1.信访举报投诉类申请",
        "2.重复申请",
        "3.要求提供公开出版物",
        "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
        "（七）总计",
        "四、结转下年度继续办理",
    ];
    let table3 = &html[html.find("id=\"report-table-3\"").unwrap()..];
    let mut at = 0;
    for r in rows {
        let i = table3[at..]
            .find(&format!(">{r}</th>"))
            .unwrap_or_else(|| panic!("row {r} missing or out of order"));
        at += i;
        assert_eq!(row_cells(&table3[at..], r).len(), 7, "{r}");
    }
    for h in [
        "三、本年度办理结果",
        "（三）不予公开",
        "（四）无法提供",
        "（五）不予处理",
        "（六）其他处理",
    ] {
        assert!(table3.contains(&format!(">{h}</th>")), "group {h}");
    }
    for h in [
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ] {
        assert!(
            table3.contains(&format!(">{h}</th>")),
            "Table 三 column {h}"
        );
    }
    assert!(table3.contains("<th scope=\"col\" colspan=\"5\">法人或其他组织</th>"));
    assert!(table3.contains("<th scope=\"rowgroup\" rowspan=\"22\">三、本年度办理结果</th>"));
    // Table 四: two-level header, 15 columns.
    let table4 = &html[html.find("id=\"report-table-4\"").unwrap()..];
    for h in ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"] {
        assert!(
            table4.contains(&format!(">{h}</th>")),
            "Table 四 header {h}"
        );
    }
    assert_eq!(
        table4[..table4.find("</table>").unwrap()]
            .matches(">结果维持</th>")
            .count(),
        3
    );
    // Accessible and scrollable on a phone.
    for id in ["report-table-2", "report-table-3", "report-table-4"] {
        let i = html.find(&format!("id=\"{id}\"")).unwrap();
        let before = &html[..i];
        let wrap = before
            .rfind("<div class=\"table-wrap\">")
            .expect("table-wrap");
        assert!(
            !before[wrap..].contains("</div>"),
            "{id} is inside the table-wrap div"
        );
        let table = &html[i..];
        let table = &table[..table.find("</table>").unwrap()];
        assert!(table.contains("<caption>"), "{id} has a caption");
    }
    // Print styles for the report.
    assert!(html.contains("<style media=\"print\">"));
}

#[test]
fn reports_index_lists_every_year_and_the_disclosure_column_links_it() {
    let site = TestSite::new();
    site.write("content/reports/2015.toml", "year = 2015\n");
    site.write("content/reports/2016.toml", "year = 2016\n");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let index = site.read_out("reports/index.html");
    let a = index.find("href=\"/reports/2016/\"").expect("2016 listed");
    let b = index.find("href=\"/reports/2015/\"").expect("2015 listed");
    assert!(a < b, "newest first");
    assert!(index.contains("测试市人民政府2015年政府信息公开工作年度报告"));
    let disclosure = site.read_out("disclosure/index.html");
    assert!(disclosure.contains("href=\"/reports/\""));
    assert!(disclosure.contains("href=\"/reports/2016/\""));
}

#[test]
fn short_rows_are_totalled_and_overrides_replace_computed_numbers() {
    let site = TestSite::new();
    site.write(
        "content/reports/2016.toml",
        "year = 2016\n\n[active]\nlicensing = 0\n\n[active.normative]\nin_force = 41\n\n[review]\nreconsideration = [1, 2, 0, 1]\nlitigation_direct = [0, 0, 0, 0]\nlitigation_after_review = [0, 0, 0, 0, 0]\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.read_out("reports/2016/index.html");
    assert_eq!(nums(&row_cells(&html, "行政规范性文件")), vec![0, 0, 41]);
    assert_eq!(row_cells(&html, "行政许可"), vec!["0"]);
    let t4 = &html[html.find("data-row=\"review\"").unwrap()..];
    let t4 = &t4[..t4.find("</tr>").unwrap()];
    assert!(
        t4.starts_with("data-row=\"review\"><td>1</td><td>2</td><td>0</td><td>1</td><td>4</td>"),
        "{t4}"
    );
}

// ---------------------------------------------------------------------------------------------
// Checks: one failing fixture per rule under tests/fixtures/invalid/report-*/.

const REPORT: &str = "content/reports/2016.toml";

/// (fixture, code, path, line, words the message must contain).
const FIXTURES: &[(&str, &str, &str, usize, &[&str])] = &[
    // Row totals: 总计 = sum of the columns, Table 三 and Table 四.
    (
        "report-row-total",
        "E-REPORT-ARITHMETIC",
        REPORT,
        8,
        &["行合计", "partially_disclosed", "“总计”列为 2"],
    ),
    (
        "report-review-total",
        "E-REPORT-ARITHMETIC",
        REPORT,
        41,
        &["行合计", "litigation_direct"],
    ),
    // 三（七）总计 = Σ（一）…（六）, per column.
    (
        "report-results-total",
        "E-REPORT-ARITHMETIC",
        REPORT,
        9,
        &["（七）总计", "“自然人”列 3 ≠ 2", "“总计”列 4 ≠ 3"],
    ),
    // 一 + 二 = 三（七）+ 四, per column.
    (
        "report-balance",
        "E-REPORT-ARITHMETIC",
        REPORT,
        5,
        &["一 + 二", "“自然人”列 4 ≠ 5"],
    ),
    // 现行有效 = 上年现行有效 + 本年制发 − 本年废止, across years, over the shown numbers.
    (
        "report-in-force",
        "E-REPORT-ARITHMETIC",
        "content/reports/2017.toml",
        6,
        &[
            "规章",
            "现行有效 = 上年现行有效 + 本年制发 − 本年废止",
            "7",
            "= 6",
        ],
    ),
    (
        "report-duplicate",
        "E-REPORT-DUPLICATE",
        "content/reports/archive/2016.toml",
        2,
        &["content/reports/2016.toml"],
    ),
];

#[test]
fn each_rule_has_a_failing_fixture() {
    for (name, code, path, line, words) in FIXTURES {
        let site = invalid_case(name);
        let run = gongkai(&["check", "--format", "json"], site.path());
        let diags = run.json_diags();
        assert_eq!(
            diags.len(),
            1,
            "{name}: exactly one diagnostic, got {}",
            run.stdout
        );
        let d = &diags[0];
        assert_eq!(d["code"], *code, "{name}");
        assert_eq!(d["path"], *path, "{name}");
        assert_eq!(d["line"], *line as u64, "{name}: {}", run.stdout);
        let msg = d["message"].as_str().unwrap();
        for w in *words {
            assert!(msg.contains(w), "{name}: message {msg:?} lacks {w:?}");
        }
        assert_eq!(run.code, 1, "{name}: errors exit 1");
    }
}

/// Noon in China on 2016-02-01, 2016-01-31, 2016-03-31 and 2016-04-01, as SOURCE_DATE_EPOCH.
const FEB_1_2016: &str = "1454299200";
const JAN_31_2016: &str = "1454212800";
const MAR_31_2016: &str = "1459396800";
const APR_1_2016: &str = "1459483200";

fn missing_warnings(dir: &Path, epoch: &str) -> Vec<(String, String)> {
    gongkai_env(
        &["check", "--format", "json"],
        dir,
        &[("SOURCE_DATE_EPOCH", epoch)],
    )
    .codes()
    .into_iter()
    .filter(|(c, _)| c == "W-REPORT-MISSING")
    .collect()
}

#[test]
fn last_years_report_is_missing_after_the_deadline() {
    // A department with a 2015 policy and no 2015 report: due 31 January 2016.
    let site = invalid_case("report-missing");
    let dir = site.path().to_path_buf();
    assert_eq!(
        missing_warnings(&dir, FEB_1_2016),
        vec![("W-REPORT-MISSING".into(), "site-config.toml".into())]
    );
    assert!(
        missing_warnings(&dir, JAN_31_2016).is_empty(),
        "not on the deadline day"
    );
    let run = gongkai_env(
        &["check", "--strict"],
        &dir,
        &[("SOURCE_DATE_EPOCH", FEB_1_2016)],
    );
    assert_eq!(run.code, 1, "a warning fails --strict");
    assert!(run.stderr.contains("2016年01月31日"), "{}", run.stderr);

    // The same site as a government: due 31 March.
    let gov = TestSite::copy_of(&dir);
    let config = std::fs::read_to_string(gov.path().join("site-config.toml")).unwrap();
    gov.write(
        "site-config.toml",
        &config.replace("kind = \"department\"", "kind = \"government\""),
    );
    assert!(missing_warnings(gov.path(), FEB_1_2016).is_empty());
    assert!(missing_warnings(gov.path(), MAR_31_2016).is_empty());
    assert_eq!(missing_warnings(gov.path(), APR_1_2016).len(), 1);
    // Writing the report silences it.
    gov.write("content/reports/2015.toml", "year = 2015\n");
    assert!(missing_warnings(gov.path(), APR_1_2016).is_empty());
}

#[test]
fn new_sites_and_the_demo_are_not_nagged() {
    // No content in the year the report would cover.
    assert!(missing_warnings(TestSite::new().path(), APR_1_2016).is_empty());
    // The demo (reports: 2016; policies: 2016–2017) on 2026-05-01 has nothing in 2025 …
    let demo = repo_root();
    assert!(missing_warnings(&demo, "1777608000").is_empty());
    // … but on 2018-04-01 its 2017 report is overdue.
    assert_eq!(missing_warnings(&demo, "1522555200").len(), 1);
}

#[test]
fn schema_errors_name_the_key_and_line() {
    let site = TestSite::new();
    site.write(
        "content/reports/2016.toml",
        "year = 2016\n\n[text]\noverveiw = \"x\"\n\n[active]\nlicensing = \"18653\"\npunishment = -3\n\n[review]\nreconsideration = [1, 0, 0]\nlitigation_direct = [0, 0, 0, 0, 0]\n",
    );
    let run = site.check_json();
    let mut got = run.code_lines();
    got.sort();
    let want: Vec<(String, u64)> = [
        ("E-INVALID-VALUE", 8),  // negative count
        ("E-INVALID-VALUE", 11), // 3 numbers where 4 or 5 are expected
        ("E-MISSING-KEY", 10),   // [review] present without litigation_after_review
        ("E-UNKNOWN-KEY", 4),
        ("E-WRONG-TYPE", 7),
    ]
    .iter()
    .map(|(c, l)| (c.to_string(), *l))
    .collect();
    assert_eq!(got, want, "{}", run.stdout);
    let unknown = run
        .json_diags()
        .into_iter()
        .find(|d| d["code"] == "E-UNKNOWN-KEY")
        .unwrap();
    assert!(unknown["hint"].as_str().unwrap().contains("`overview`"));
    assert_eq!(run.code, 1);
}

#[test]
fn year_must_match_the_file_name() {
    let site = TestSite::new();
    site.write("content/reports/2016.toml", "# 年报\nyear = 2017\n");
    let run = site.check_json();
    assert_eq!(
        run.codes(),
        vec![("E-REPORT-YEAR".to_string(), REPORT.to_string())]
    );
    assert_eq!(run.json_diags()[0]["line"], 2);
}

/// A complete, balanced `[applications]` table with the given 上年结转 and 结转下年度 (自然人 column).
fn applications(carried_over: u64, carried_forward: u64) -> String {
    let z = "[0, 0, 0, 0, 0, 0]";
    let groups: [(&str, &[&str]); 4] = [
        (
            "not_disclosed",
            &[
                "state_secret",
                "law_prohibited",
                "security_stability",
                "third_party",
                "internal_affairs",
                "process_info",
                "enforcement_files",
                "query_matters",
            ],
        ),
        ("unable", &["not_held", "needs_creation", "unclear"]),
        (
            "not_processed",
            &[
                "petition",
                "repeated",
                "publications",
                "mass_repeated",
                "confirmation",
            ],
        ),
        ("other", &["no_correction", "no_fee", "other"]),
    ];
    // 10 new + carried_over = 10 disclosed + carried_forward.
    let new = 10 + carried_forward - carried_over;
    let mut s = format!(
        "[applications]\nnew = [{new}, 0, 0, 0, 0, 0]\ncarried_over = [{carried_over}, 0, 0, 0, 0, 0]\ndisclosed = [10, 0, 0, 0, 0, 0]\npartially_disclosed = {z}\ncarried_forward = [{carried_forward}, 0, 0, 0, 0, 0]\n"
    );
    for (g, keys) in groups {
        s.push_str(&format!("\n[applications.{g}]\n"));
        for k in keys {
            s.push_str(&format!("{k} = {z}\n"));
        }
    }
    s
}

#[test]
fn carried_over_is_compared_with_last_years_carried_forward() {
    let site = TestSite::new().policy(Policy::new(1, "测试市政务公开办法"));
    site.write(
        "content/reports/2015.toml",
        &format!("year = 2015\n\n{}", applications(0, 3)),
    );
    site.write(
        "content/reports/2016.toml",
        &format!("year = 2016\n\n[text]\nother = \"\"\"\n详见[办法](../policies/2016/a.md)。\n\"\"\"\n\n{}", applications(2, 1)),
    );
    let run = site.check_json();
    assert_eq!(
        run.codes(),
        vec![("W-REPORT-CARRYOVER".to_string(), REPORT.to_string())],
        "{}",
        run.stdout
    );
    let d = &run.json_diags()[0];
    assert_eq!(d["source_line"], "carried_over = [2, 0, 0, 0, 0, 0]");
    assert!(d["message"].as_str().unwrap().contains("“自然人”列 2 ≠ 3"));
    // A warning only: the site builds, and the text links to the policy's page.
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.read_out("reports/2016/index.html");
    assert!(
        html.contains("<a href=\"/policies/2016/a/\">办法</a>"),
        "policy link resolved"
    );
    // Computed 总计 column and (七)总计.
    assert_eq!(
        nums(&row_cells(&html, "（七）总计")),
        vec![10, 0, 0, 0, 0, 0, 10]
    );
    assert_eq!(
        nums(&row_cells(&html, "二、上年结转政府信息公开申请数量")),
        vec![2, 0, 0, 0, 0, 0, 2]
    );
}
