//! `gongkai check`: one case per rule, each a minimal complete site that breaks exactly that
//! rule — the base site (the test config and one valid policy) with a field or a file changed
//! by builder calls, or with the files of `tests/fixtures/invalid/<case>/` laid over it where
//! the file itself is the point ([`invalid_case`]). The table below says what the JSON output must
//! contain — every diagnostic's code, path and line, nothing more — and the tests after it
//! cover the human format, exit codes and what must *not* be reported.

use crate::support::*;
use std::collections::BTreeSet;

const POLICY: &str = "content/policies/2016/a.md";
const POWER: &str = "content/lists/power-2016.toml";

/// (case, [(code, path, line)]). Line 0: the diagnostic is about the whole file.
type Expected = (&'static str, &'static [(&'static str, &'static str, usize)]);

const ERRORS: &[Expected] = &[
    // Front matter and site-config.toml.
    ("missing-key", &[("E-MISSING-KEY", POLICY, 2)]),
    ("unknown-key", &[("E-UNKNOWN-KEY", POLICY, 11)]),
    (
        "config-unknown-key",
        &[("E-UNKNOWN-KEY", "site-config.toml", 9)],
    ),
    ("config-base-url", &[("E-CONFIG", "site-config.toml", 3)]),
    (
        "config-missing-theme",
        &[("E-CONFIG", "site-config.toml", 0)],
    ),
    ("invalid-date", &[("E-INVALID-DATE", POLICY, 6)]),
    ("date-as-string", &[("E-INVALID-DATE", POLICY, 7)]),
    ("date-order", &[("E-DATE-ORDER", POLICY, 7)]),
    ("empty-value", &[("E-EMPTY-VALUE", POLICY, 5)]),
    ("invalid-value", &[("E-INVALID-VALUE", POLICY, 10)]),
    ("wrong-type", &[("E-WRONG-TYPE", POLICY, 2)]),
    ("toml-syntax", &[("E-TOML-SYNTAX", POLICY, 2)]),
    ("no-front-matter", &[("E-FRONTMATTER", POLICY, 1)]),
    ("not-utf8-gbk", &[("E-NOT-UTF8", POLICY, 2)]),
    // References between documents.
    (
        "duplicate-index-no",
        &[("E-DUPLICATE-INDEX-NO", "content/policies/2016/b.md", 3)],
    ),
    ("index-no-prefix", &[("E-INDEX-NO-PREFIX", POLICY, 3)]),
    (
        "interprets-unknown",
        &[(
            "E-INTERPRETS-UNKNOWN",
            "content/interpretations/a-jiedu.md",
            3,
        )],
    ),
    (
        "interprets-non-public",
        &[(
            "E-INTERPRETS-UNKNOWN",
            "content/interpretations/b-jiedu.md",
            3,
        )],
    ),
    ("validity-without-date", &[("E-VALIDITY-DATE", POLICY, 11)]),
    ("replaced-by-self", &[("E-REPLACED-BY-CYCLE", POLICY, 11)]),
    (
        "replaced-by-cycle",
        &[
            ("E-REPLACED-BY-CYCLE", POLICY, 11),
            ("E-REPLACED-BY-CYCLE", "content/policies/2016/b.md", 11),
        ],
    ),
    ("index-no-format", &[("E-INDEX-NO-FORMAT", POLICY, 3)]),
    // Full-width digits and a Unicode hyphen: the same 索引号 to a reader.
    (
        "duplicate-index-no-folded",
        &[
            ("E-DUPLICATE-INDEX-NO", "content/policies/2016/b.md", 3),
            ("E-INDEX-NO-FORMAT", "content/policies/2016/b.md", 3),
        ],
    ),
    // A zero-width space is no title.
    ("title-invisible", &[("E-EMPTY-VALUE", POLICY, 2)]),
    (
        "interprets-duplicate",
        &[(
            "E-INTERPRETS-DUPLICATE",
            "content/interpretations/a-jiedu.md",
            3,
        )],
    ),
    (
        "replaced-by-unknown",
        &[("E-REPLACED-BY-UNKNOWN", POLICY, 11)],
    ),
    ("broken-link", &[("E-BROKEN-LINK", POLICY, 13)]),
    ("broken-absolute-link", &[("E-BROKEN-LINK", POLICY, 13)]),
    ("attachment-missing", &[("E-BROKEN-LINK", POLICY, 11)]),
    // Output paths.
    (
        "unsafe-slug",
        &[("E-UNSAFE-SLUG", "content/pages/guide.md", 3)],
    ),
    (
        "slug-reserved",
        &[("E-SLUG-CONFLICT", "content/pages/guide.md", 3)],
    ),
    (
        "slug-duplicate",
        &[("E-SLUG-CONFLICT", "content/pages/zhinan.md", 3)],
    ),
    // Copied files must be safe to serve from the portal's origin.
    (
        "active-svg",
        &[("E-ACTIVE-CONTENT", "content/policies/2016/tu.svg", 0)],
    ),
    (
        "active-svg-static",
        &[("E-ACTIVE-CONTENT", "static/assets/logo.svg", 0)],
    ),
    (
        "active-html-beside",
        &[("E-ACTIVE-CONTENT", "content/policies/2016/baoming.html", 0)],
    ),
    // Output paths that two things would write: check fails wherever build would.
    (
        "url-conflict-feed",
        &[("E-URL-CONFLICT", "content/policies/atom.xml.md", 0)],
    ),
    (
        "url-conflict-facet",
        &[("E-URL-CONFLICT", "content/policies/by-year/2016.md", 0)],
    ),
    (
        "url-conflict-ledger",
        &[("E-URL-CONFLICT", "content/lists/power-2016.csv.toml", 0)],
    ),
    ("url-conflict-code", &[("E-URL-CONFLICT", POWER, 0)]),
    // Personal data in published text, ledgers and report inputs included.
    ("personal-id", &[("E-PERSONAL-ID", POLICY, 13)]),
    (
        "mobile-number",
        &[
            ("E-MOBILE-NUMBER", POWER, 13),
            ("E-MOBILE-NUMBER", POLICY, 13),
        ],
    ),
    // Numbers split by NBSP, ZWSP, spaces, glued to a label or written as entities; the
    // 索引号, 发文字号, 统一社会信用代码 and serial on the last line are not flagged.
    (
        "personal-data-forms",
        &[
            ("E-PERSONAL-ID", POLICY, 13),
            ("E-MOBILE-NUMBER", POLICY, 15),
            ("E-MOBILE-NUMBER", POLICY, 17),
            ("E-MOBILE-NUMBER", POLICY, 19),
            ("E-MOBILE-NUMBER", POLICY, 21),
        ],
    ),
    // A file name reaches URLs and sitemap.xml; site-config.toml is shown on every page.
    (
        "personal-data-filename",
        &[(
            "E-PERSONAL-ID",
            "content/policies/2016/zhangsan-411502198001011232.md",
            0,
        )],
    ),
    (
        "personal-data-config",
        &[("E-MOBILE-NUMBER", "site-config.toml", 8)],
    ),
    (
        "personal-data-report",
        &[("E-MOBILE-NUMBER", "content/reports/2016.toml", 5)],
    ),
    // Ledgers (issue 3): file, item number, key and line.
    ("list-header", &[("E-LIST-HEADER", POWER, 1)]),
    ("ledger-missing-key", &[("E-MISSING-KEY", POWER, 14)]),
    ("ledger-unknown-key", &[("E-UNKNOWN-KEY", POWER, 20)]),
    ("ledger-wrong-type", &[("E-WRONG-TYPE", POWER, 16)]),
    ("ledger-power-type", &[("E-INVALID-VALUE", POWER, 17)]),
    (
        "ledger-duplicate-code",
        &[("E-LIST-DUPLICATE-CODE", POWER, 15)],
    ),
    ("ledger-unsafe-code", &[("E-UNSAFE-PATH", POWER, 8)]),
    (
        "ledger-custom-columns",
        &[("E-LIST-COLUMNS", "content/lists/mulu.toml", 5)],
    ),
    // Annual reports (issue 9): one fixture per arithmetic rule; details in tests/it/report.rs.
    (
        "report-row-total",
        &[("E-REPORT-ARITHMETIC", "content/reports/2016.toml", 8)],
    ),
    (
        "report-review-total",
        &[("E-REPORT-ARITHMETIC", "content/reports/2016.toml", 41)],
    ),
    (
        "report-results-total",
        &[("E-REPORT-ARITHMETIC", "content/reports/2016.toml", 9)],
    ),
    (
        "report-balance",
        &[("E-REPORT-ARITHMETIC", "content/reports/2016.toml", 5)],
    ),
    (
        "report-in-force",
        &[("E-REPORT-ARITHMETIC", "content/reports/2017.toml", 6)],
    ),
    // Counts past 10^12 are refused, so no sum can wrap around (three 6.1e18 "sum" to 105).
    (
        "report-overflow",
        &[
            ("E-INVALID-VALUE", "content/reports/2016.toml", 7),
            ("E-INVALID-VALUE", "content/reports/2016.toml", 7),
            ("E-INVALID-VALUE", "content/reports/2016.toml", 7),
        ],
    ),
    (
        "report-duplicate",
        &[("E-REPORT-DUPLICATE", "content/reports/archive/2016.toml", 2)],
    ),
];

const WARNINGS: &[Expected] = &[
    // Published Fri 2016-09-30; Oct 1–7 国庆 off, Sat 8 and Sun 9 调休 working days:
    // 2016-10-11 is the 4th working day after.
    (
        "late-interpretation",
        &[(
            "W-LATE-INTERPRETATION",
            "content/interpretations/a-jiedu.md",
            4,
        )],
    ),
    ("late-publication", &[("W-LATE-PUBLICATION", POLICY, 7)]),
    // More than a year after the build date (2016-12-01 in tests).
    ("future-published", &[("W-FUTURE-DATE", POLICY, 6)]),
    // A 解读 published 15 years before its policy.
    (
        "interpretation-early",
        &[(
            "W-INTERPRETATION-EARLY",
            "content/interpretations/a-jiedu.md",
            4,
        )],
    ),
    ("doc-no-format", &[("W-DOC-NO-FORMAT", POLICY, 4)]),
    ("image-alt", &[("W-IMAGE-ALT", POLICY, 15)]),
    ("private-use-char", &[("W-PRIVATE-USE-CHAR", POLICY, 13)]),
    ("unsafe-url", &[("W-UNSAFE-URL", POLICY, 13)]),
    // A department's 2015 report, due 2016-01-31, is missing on the test date 2016-12-01.
    (
        "report-missing",
        &[("W-REPORT-MISSING", "site-config.toml", 0)],
    ),
];

/// Words a diagnostic of a fixture must contain: (fixture, code, field, text).
const DETAILS: &[(&str, &str, &str, &str)] = &[
    ("missing-key", "E-MISSING-KEY", "message", "`issuer`"),
    // Conflicts name both writers in words, not as Rust values.
    (
        "url-conflict-feed",
        "E-URL-CONFLICT",
        "message",
        "gongkai 生成的 policies/atom.xml 与 content/policies/atom.xml.md",
    ),
    ("unknown-key", "E-UNKNOWN-KEY", "hint", "`summary`"),
    ("config-unknown-key", "E-UNKNOWN-KEY", "message", "`adress`"),
    ("invalid-date", "E-INVALID-DATE", "message", "2016-02-30"),
    (
        "not-utf8-gbk",
        "E-NOT-UTF8",
        "hint",
        "iconv -f GB18030 -t UTF-8",
    ),
    ("not-utf8-gbk", "E-NOT-UTF8", "message", "GB18030"),
    (
        "duplicate-index-no",
        "E-DUPLICATE-INDEX-NO",
        "hint",
        "content/policies/2016/a.md",
    ),
    (
        "interprets-unknown",
        "E-INTERPRETS-UNKNOWN",
        "message",
        "不存在",
    ),
    (
        "interprets-non-public",
        "E-INTERPRETS-UNKNOWN",
        "message",
        "不是主动公开",
    ),
    ("personal-id", "E-PERSONAL-ID", "hint", "4115**********1234"),
    ("mobile-number", "E-MOBILE-NUMBER", "hint", "138****1234"),
    ("ledger-missing-key", "E-MISSING-KEY", "message", "第 2 项"),
    (
        "ledger-missing-key",
        "E-MISSING-KEY",
        "message",
        "`subject`",
    ),
    ("ledger-unknown-key", "E-UNKNOWN-KEY", "message", "第 2 项"),
    ("ledger-unknown-key", "E-UNKNOWN-KEY", "message", "`colour`"),
    ("ledger-wrong-type", "E-WRONG-TYPE", "message", "第 2 项"),
    ("ledger-wrong-type", "E-WRONG-TYPE", "message", "`name`"),
    ("ledger-power-type", "E-INVALID-VALUE", "message", "第 2 项"),
    ("ledger-power-type", "E-INVALID-VALUE", "message", "`type`"),
    (
        "ledger-power-type",
        "E-INVALID-VALUE",
        "hint",
        "其他行政权力",
    ),
    (
        "ledger-duplicate-code",
        "E-LIST-DUPLICATE-CODE",
        "message",
        "第 2 项",
    ),
    (
        "ledger-duplicate-code",
        "E-LIST-DUPLICATE-CODE",
        "message",
        "第 1 项",
    ),
    (
        "late-interpretation",
        "W-LATE-INTERPRETATION",
        "message",
        "第 4 个工作日",
    ),
    // The line shown is the key's own line.
    (
        "ledger-unknown-key",
        "E-UNKNOWN-KEY",
        "source_line",
        "colour = \"红\"",
    ),
    (
        "ledger-wrong-type",
        "E-WRONG-TYPE",
        "source_line",
        "name = 42",
    ),
    (
        "ledger-power-type",
        "E-INVALID-VALUE",
        "source_line",
        "type = \"行政审批\"",
    ),
    (
        "ledger-duplicate-code",
        "E-LIST-DUPLICATE-CODE",
        "source_line",
        "code = \"TEST-XK-001\"",
    ),
    (
        "ledger-missing-key",
        "E-MISSING-KEY",
        "source_line",
        "[[items]]",
    ),
    (
        "mobile-number",
        "E-MOBILE-NUMBER",
        "source_line",
        "139-1234-5678",
    ),
    (
        "invalid-date",
        "E-INVALID-DATE",
        "source_line",
        "written = 2016-02-30",
    ),
];

/// Checks the case `name` ([`invalid_case`]).
fn check_fixture(name: &str, extra: &[&str]) -> Run {
    let site = invalid_case(name);
    let mut args = vec!["check", "--format", "json"];
    args.extend(extra);
    gongkai(&args, site.path())
}

/// (code, path, line) of every diagnostic, sorted; line 0 when `expected` has 0 there.
fn got(run: &Run, expected: &[(&str, &str, usize)]) -> Vec<(String, String, usize)> {
    let whole_file: BTreeSet<&str> = expected.iter().filter(|e| e.2 == 0).map(|e| e.0).collect();
    let mut v: Vec<_> = run
        .json_diags()
        .iter()
        .map(|d| {
            let code = d["code"].as_str().unwrap_or("").to_string();
            let line = if whole_file.contains(code.as_str()) {
                0
            } else {
                d["line"].as_u64().unwrap_or(0) as usize
            };
            (code, d["path"].as_str().unwrap_or("").to_string(), line)
        })
        .collect();
    v.sort();
    v
}

fn want(expected: &[(&str, &str, usize)]) -> Vec<(String, String, usize)> {
    let mut v: Vec<_> = expected
        .iter()
        .map(|(c, p, l)| (c.to_string(), p.to_string(), *l))
        .collect();
    v.sort();
    v
}

/// The fields every JSON diagnostic has.
fn assert_well_formed(name: &str, run: &Run) {
    for d in run.json_diags() {
        let code = d["code"].as_str().unwrap();
        let severity = if code.starts_with("E-") {
            "error"
        } else {
            "warning"
        };
        assert_eq!(d["severity"], severity, "{name}: {d}");
        assert!(!d["message"].as_str().unwrap().is_empty(), "{name}: {d}");
        assert!(
            d["line"].as_u64().unwrap() >= 1 && d["col"].as_u64().unwrap() >= 1,
            "{name}: {d}"
        );
        assert!(d["hint"].is_string() || d["hint"].is_null(), "{name}: {d}");
    }
}

#[test]
fn every_error_fixture_reports_its_code_path_and_line() {
    let mut failures = Vec::new();
    for (name, expected) in ERRORS {
        let run = check_fixture(name, &[]);
        assert_well_formed(name, &run);
        if got(&run, expected) != want(expected) || run.code != 1 {
            failures.push(format!(
                "{name}: exit {} (want 1)\n  got  {:?}\n  want {:?}\n  stderr {}",
                run.code,
                got(&run, expected),
                want(expected),
                run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn warnings_fail_only_with_strict() {
    let mut failures = Vec::new();
    for (name, expected) in WARNINGS {
        let run = check_fixture(name, &[]);
        assert_well_formed(name, &run);
        if got(&run, expected) != want(expected) || run.code != 0 {
            failures.push(format!(
                "{name}: exit {} (want 0)\n  got  {:?}\n  want {:?}",
                run.code,
                got(&run, expected),
                want(expected)
            ));
        }
        let strict = check_fixture(name, &["--strict"]);
        if got(&strict, expected) != want(expected) || strict.code != 1 {
            failures.push(format!("{name} --strict: exit {} (want 1)", strict.code));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn diagnostics_name_the_key_item_and_fix() {
    for (name, code, field, text) in DETAILS {
        let run = check_fixture(name, &[]);
        let diags = run.json_diags();
        let d = diags
            .iter()
            .find(|d| d["code"] == *code)
            .unwrap_or_else(|| panic!("{name}: no {code} in {}", run.stdout));
        let value = d[*field].as_str().unwrap_or("");
        assert!(
            value.contains(text),
            "{name}: {code} {field} {value:?} lacks {text:?}"
        );
    }
}

/// Every case is in the table, and is made one way: by builder calls or by a fixture folder.
#[test]
fn every_fixture_is_in_the_table() {
    let listed: BTreeSet<&str> = ERRORS.iter().chain(WARNINGS).map(|(n, _)| *n).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixture("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let built: BTreeSet<&str> = listed
        .iter()
        .copied()
        .filter(|n| built_case(n).is_some())
        .collect();
    let both: Vec<&&str> = built.iter().filter(|n| on_disk.contains(**n)).collect();
    assert!(both.is_empty(), "built and also a fixture folder: {both:?}");
    let mut made: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
    made.extend(&built);
    assert_eq!(
        listed, made,
        "cases without a test, or tests without a case"
    );
}

/// A 解读 on the 3rd working day after its policy is on time: Fri 2016-09-30 → Mon 2016-10-10
/// counts Sat 8 and Sun 9 (调休 working days) and Mon 10; the 国庆 holiday does not count.
#[test]
fn interpretation_on_the_third_working_day_is_on_time() {
    let site = interpretation_on_the_third_working_day();
    let run = gongkai(&["check", "--format", "json", "--strict"], site.path());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.json_diags().is_empty(), "{}", run.stdout);
}

/// A file name with a backslash or a control character (git cannot keep them portably, so
/// the test creates them): each is an error naming the file.
#[test]
fn unsafe_file_names_are_errors() {
    let site = TestSite::base();
    let clean = site.check_json();
    assert_eq!(
        clean.code, 0,
        "the fixture alone is valid: {}",
        clean.stdout
    );
    site.write("content/policies/2016/a\\b.md", &policy(2, "反斜杠文件"));
    site.write(
        "content/policies/2016/tab\u{9}name.md",
        &policy(3, "控制字符文件"),
    );
    site.write("content/policies/2016/bell\u{7}.md", &policy(4, "响铃文件"));
    let run = site.check_json();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let mut codes = run.codes();
    codes.sort();
    assert_eq!(
        codes,
        vec![
            (
                "E-UNSAFE-PATH".to_string(),
                "content/policies/2016/a\\b.md".to_string()
            ),
            (
                "E-UNSAFE-PATH".to_string(),
                "content/policies/2016/bell\u{7}.md".to_string()
            ),
            (
                "E-UNSAFE-PATH".to_string(),
                "content/policies/2016/tab\u{9}name.md".to_string()
            ),
        ]
    );
    // And a build refuses to write anything.
    assert_eq!(site.build().code, 1);
    assert!(!site.out().exists());
}

#[test]
fn human_format_is_rustc_like() {
    let site = invalid_case("ledger-missing-key");
    let run = gongkai(&["check"], site.path());
    assert_eq!(run.code, 1);
    let e = &run.stderr;
    assert!(
        e.contains("error[E-MISSING-KEY]: 第 2 项：缺少必填字段 `subject`"),
        "{e}"
    );
    assert!(e.contains("--> content/lists/power-2016.toml:14:1"), "{e}");
    assert!(e.contains("14 | [[items]]"), "{e}");
    assert!(e.contains("   | ^"), "{e}");
    assert!(e.contains("= 提示: 添加一行 `subject = …`"), "{e}");
    assert!(e.contains("1 个错误，0 个警告"), "{e}");
    assert!(!e.contains('\u{1b}'), "NO_COLOR: no escape codes");
    assert!(run.stdout.is_empty());

    let site = invalid_case("doc-no-format");
    let run = gongkai(&["check"], site.path());
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("warning[W-DOC-NO-FORMAT]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/policies/2016/a.md:4:1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("4 | doc_no = \"测政办发(2016)1号\""),
        "{}",
        run.stderr
    );
}

/// Masked personal data, 统一社会信用代码, 索引号 and office phone numbers are not personal data.
#[test]
fn masked_forms_and_codes_pass() {
    let site = TestSite::new().policy(Policy::new(1, "测试文件").body(
        "联系人身份证号4115**********1234，手机138****1234，１３８＊＊＊＊１２３４。\n\n\
             统一社会信用代码11411500005397436X、91410000MA44XXXX0B、12410000MB1234567X；\
             索引号11411500005397436X/2016-00998、11220000013544357T/2016-00998。\n\n\
             电话0376-6201234，传真0376-6201235，邮编464000，文号豫政〔2016〕13号，\
             ICP备案豫ICP备05017362号，公安备案豫公网安备41150202000001号，\
             编号20160426123456789012（20位）。",
    ));
    let site = site.list(List::new("services", "services", "公共服务事项").item(&[
        ("name", "\"事项\""),
        ("basis", "\"依据\""),
        ("unit", "\"市政务服务中心\""),
        ("phone", "\"0376-6201234 / 138****1234\""),
    ]));
    let run = site.check_json();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.json_diags().is_empty(), "{}", run.stdout);
}

/// Personal data in several forms and places of one site, all found in one run.
#[test]
fn personal_data_in_every_form_and_place() {
    let site = TestSite::new()
        .policy(Policy::new(1, "测试文件").body(
            "甲 11010519491231002X\n\n乙 138-1234-5678\n\n丙 139 1234 5678\n\n丁 １３６１２３４５６７８\n\n戊 +8615012345678\n\n己 11010519491231002x",
        ))
        .page(Page::new("guide", "指南").body("联系人 13712345678"));
    let run = site.check_json();
    assert_eq!(run.code, 1);
    let lines = run.code_lines();
    let id = "E-PERSONAL-ID".to_string();
    let mobile = "E-MOBILE-NUMBER".to_string();
    assert_eq!(
        lines,
        vec![
            (mobile.clone(), 5),
            (id.clone(), 13),
            (mobile.clone(), 15),
            (mobile.clone(), 17),
            (mobile.clone(), 19),
            (mobile, 21),
            (id, 23)
        ]
    );
    // site-config.toml may allow it (a site that must publish such numbers).
    site.write_config(Config::new().table("check", "allow_personal_info", "true"));
    assert_eq!(site.check_json().code, 0);
}

/// Personal data in a document that is not published is not an error: nothing of it is output.
#[test]
fn personal_data_in_unpublished_documents_is_not_reported() {
    let site = TestSite::new().policy(Policy::new(1, "测试文件")).policy(
        Policy::new(2, "内部文件")
            .disclosure("不予公开")
            .body("联系人 13712345678"),
    );
    let run = site.check_json();
    assert_eq!(run.code, 0, "{}", run.stdout);
}

/// A file with many problems, and several bad files: every problem in one run.
#[test]
fn every_problem_in_one_run() {
    let site = TestSite::new();
    site.write(
        "content/policies/2016/a.md",
        "+++\ntitle = 1\nindex_no = \"OTHER/2016-00001\"\ndoc_no = \"测政办发(2016)1号\"\nwritten = 2016-04-26\npublished = 2016-04-20\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\nvalidity = \"已废止\"\ncolour = \"红\"\n+++\n\n手机 13812345678，[链接](missing.md)\n",
    );
    site.write("content/policies/2016/b.md", "no front matter\n");
    site.write("content/interpretations/c.md", "+++\ntitle = \"解读\"\ninterprets = [\"TESTORG/2016-09999\"]\npublished = 2016-04-27\n+++\n\n正文\n");
    // 正文 in GBK.
    site.write_bytes(
        "content/pages/d.md",
        &[
            b"+++\ntitle = \"page\"\n+++\n\n".as_slice(),
            &[0xd5, 0xfd, 0xce, 0xc4],
        ]
        .concat(),
    );
    let run = site.check_json();
    assert_eq!(run.code, 1);
    let mut got = run.codes();
    got.sort();
    let a = "content/policies/2016/a.md";
    let mut want: Vec<(String, String)> = [
        ("E-WRONG-TYPE", a),
        ("E-INDEX-NO-PREFIX", a),
        ("W-DOC-NO-FORMAT", a),
        ("E-MISSING-KEY", a),
        ("E-DATE-ORDER", a),
        ("E-VALIDITY-DATE", a),
        ("E-UNKNOWN-KEY", a),
        // The body is checked even though the front matter has errors.
        ("E-MOBILE-NUMBER", a),
        ("E-BROKEN-LINK", a),
        ("E-FRONTMATTER", "content/policies/2016/b.md"),
        ("E-INTERPRETS-UNKNOWN", "content/interpretations/c.md"),
        ("E-NOT-UTF8", "content/pages/d.md"),
    ]
    .iter()
    .map(|(c, p)| (c.to_string(), p.to_string()))
    .collect();
    want.sort();
    assert_eq!(got, want, "{}", run.stdout);
    // Human output says how many.
    let human = gongkai(&["check"], site.path());
    assert!(
        human.stderr.contains("11 个错误，1 个警告"),
        "{}",
        human.stderr
    );
}

#[test]
fn bad_usage_exits_2() {
    let site = TestSite::new();
    let empty = tempfile::tempdir().unwrap();
    for (args, dir) in [
        (
            vec!["check", "--root", "/nonexistent/gongkai-site"],
            site.path(),
        ),
        (vec!["check"], empty.path()),
        (vec!["check", "--format", "json"], empty.path()),
        (vec!["build"], empty.path()),
        (vec!["check", "--format", "xml"], site.path()),
        (vec!["check", "--strictly"], site.path()),
        (vec!["frobnicate"], site.path()),
        (vec![], site.path()),
    ] {
        let run = gongkai(&args, dir);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
    }
    // A missing config is named.
    let run = gongkai(&["check"], empty.path());
    assert!(run.stderr.contains("site-config.toml"), "{}", run.stderr);
    // A root that is a file.
    let run = gongkai(&["check", "--root", "site-config.toml"], site.path());
    assert_eq!(run.code, 2);
}

/// Inputs that once made gongkai panic: a UTF-8 byte-order mark before a site-config.toml
/// without [build], and a ledger whose multi-line string holds an ideographic space before
/// `[[items]]`.
#[test]
fn byte_order_marks_and_wide_spaces_do_not_panic() {
    let site = TestSite::new();
    site.write("site-config.toml", &format!("\u{feff}{CONFIG}"));
    site.write(
        "content/policies/2016/a.md",
        &format!("\u{feff}{}", policy(1, "测试文件")),
    );
    site.write(
        "content/lists/a.toml",
        "\u{feff}[list]\ntitle = \"清单\"\nkind = \"negative\"\nupdated = 2016-07-01\ndescription = \"\"\"\n\u{3000}[[items]]\n\"\"\"\n\n[[items]]\ncategory = \"类\"\nname = \"名\"\nbasis = \"依据\"\n",
    );
    let run = site.check_json();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(site.build().code, 0);
}

#[test]
fn the_demo_passes_strict_check() {
    let run = gongkai(&["check", "--strict", "--format", "json"], &repo_root());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.json_diags().is_empty(), "{}", run.stdout);
}

/// `[check] extra_holidays` / `extra_workdays` in site-config.toml change the count.
#[test]
fn site_config_adds_holidays_and_working_days() {
    // Late by one day (Tue 2016-10-11 is the 4th working day) …
    let late = invalid_case("late-interpretation");
    assert_eq!(late.check_json().codes().len(), 1);
    // … but on time when the site declares Mon 2016-10-10 a local holiday.
    late.write_config(Config::new().table("check", "extra_holidays", "[2016-10-10]"));
    let run = late.check_json();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.json_diags().is_empty(), "{}", run.stdout);

    // On time (3rd working day) …
    let on_time = interpretation_on_the_third_working_day();
    let run = on_time.check_json();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.json_diags().is_empty(), "{}", run.stdout);
    // … but late when the site works on Fri 2016-10-07, an official holiday.
    on_time.write_config(Config::new().table("check", "extra_workdays", "[2016-10-07]"));
    let run = on_time.check_json();
    assert_eq!(
        run.codes(),
        vec![(
            "W-LATE-INTERPRETATION".to_string(),
            "content/interpretations/a-jiedu.md".to_string()
        )]
    );
    assert!(run.json_diags()[0]["message"]
        .as_str()
        .unwrap()
        .contains("第 4 个工作日"));
}

/// A 规章 published as a 政府令 is numbered 第×号: not a malformed 发文字号.
#[test]
fn decree_numbers_are_well_formed() {
    let site = TestSite::new().policy(
        Policy::new(1, "测试市政府信息公开规定").set_str("doc_no", "测试市人民政府令第12号"),
    );
    let run = site.check_json();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.json_diags().is_empty(), "{}", run.stdout);
}
