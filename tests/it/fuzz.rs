//! No input makes gongkai panic: property tests (proptest) over the parsers that read what
//! webmasters write — the ledger loader, the deadline parser, the personal-data scan, the
//! Markdown renderer, the config parser, the front-matter reader — and, with fewer cases, whole
//! random sites through `check`.
//!
//! The default case counts keep CI fast; for a long run set PROPTEST_CASES, e.g.
//! `PROPTEST_CASES=200000 cargo test --release --test it fuzz::`.

use crate::support::api::{
    self, build_date, build_into, deadline, ledger, markdown, privacy, Diagnostic, RawData,
    Section, SourceFile,
};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// PROPTEST_CASES when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn assert_positions(diags: &[Diagnostic], path: &str) -> Result<(), TestCaseError> {
    for d in diags {
        prop_assert!(d.line >= 1 && d.col >= 1, "{d:?}");
        prop_assert_eq!(d.path.as_str(), path);
        prop_assert!(
            d.code.starts_with("E-") || d.code.starts_with("W-"),
            "{d:?}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Ledger loader.

/// Text fragments a ledger is made of, mixed freely (most mixes are not valid TOML; those
/// that are go through `ledger::build`).
fn tomlish_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[list]".to_string()),
        Just("[[items]]".to_string()),
        Just("  [[items]]  ".to_string()),
        Just("[other]".to_string()),
        Just("[list.sub]".to_string()),
        Just(
            "columns = [{ key = \"a\", label = \"甲\" }, { key = \"a\", label = \"乙\" }, 3]"
                .to_string()
        ),
        Just("description = \"\"\"\n\u{3000}[[items]]\n[x]\n\"\"\"".to_string()),
        Just("\u{feff}".to_string()),
        Just("# 注释 [[items]]".to_string()),
        Just(String::new()),
        (key(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        "\\PC{0,20}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "title",
            "kind",
            "updated",
            "department",
            "description",
            "year",
            "columns",
            "code",
            "name",
            "type",
            "basis",
            "subject",
            "dept",
            "task",
            "requirement",
            "lead",
            "deadline",
            "due",
            "status",
            "seq",
            "enterprise_related",
            "materials",
            "item",
            "items",
            "list",
        ])
        .prop_map(String::from),
        "[a-z_]{1,8}",
        "\"[^\"\\\\\\p{C}]{0,6}\"",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "\"power\"",
            "\"tasks\"",
            "\"custom\"",
            "\"fees\"",
            "\"services\"",
            "\"行政许可\"",
            "\"行政审批\"",
            "\"已完成\"",
            "\"2016年12月底前\"",
            "\"\"",
            "\"  \"",
            "\"a/b\"",
            "\"..\"",
            "\"%\"",
            "\"13812345678\"",
            "2016-07-20",
            "2016-07-20T10:00:00",
            "10:00:00",
            "true",
            "0",
            "-1",
            "9223372036854775807",
            "1.5",
            "nan",
            "[]",
            "[\"市编办\", \"市财政局\"]",
            "[1, \"a\"]",
            "{ key = \"a\" }",
            "[{ key = \"k\", label = \"l\", required = true }]",
        ])
        .prop_map(String::from),
        "\"[^\"\\\\\\p{C}]{0,12}\"".prop_map(String::from),
        any::<i64>().prop_map(|i| i.to_string()),
        (1i32..9999, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
    ]
}

fn raw_data(text: String) -> Option<RawData> {
    let table: toml::Table = toml::from_str(&text).ok()?;
    Some(RawData::new(
        SourceFile {
            path: "content/lists/fuzz.toml".into(),
            text: text.into(),
        },
        "fuzz".into(),
        table,
    ))
}

/// A ledger with a valid [list] head and random items, as TOML text.
fn structured_ledger() -> impl Strategy<Value = (String, Vec<Vec<(String, String)>>)> {
    let kinds = prop::sample::select(vec![
        "power",
        "responsibility",
        "fees",
        "funds",
        "inspection",
        "intermediary",
        "services",
        "negative",
        "tasks",
    ]);
    let item = prop::collection::vec((key(), value()), 0..8);
    (kinds, prop::collection::vec(item, 0..6), any::<bool>()).prop_map(|(kind, items, crlf)| {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text =
            format!("[list]{nl}title = \"清单\"{nl}kind = \"{kind}\"{nl}updated = 2016-07-01{nl}");
        let mut kept = Vec::new();
        for it in items {
            // Later duplicates of a key would make the TOML invalid.
            let mut seen = std::collections::BTreeSet::new();
            let it: Vec<(String, String)> = it
                .into_iter()
                .filter(|(k, _)| seen.insert(k.clone()))
                .collect();
            text.push_str(&format!("{nl}[[items]]{nl}"));
            for (k, v) in &it {
                text.push_str(&format!("{k} = {v}{nl}"));
            }
            kept.push(it);
        }
        (text, kept)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(500)))]

    #[test]
    fn ledger_loader_never_panics_on_tomlish_text(lines in prop::collection::vec(tomlish_line(), 0..24), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        if let Some(raw) = raw_data(text) {
            let (_, diags) = ledger::build(&raw, build_date());
            assert_positions(&diags, "content/lists/fuzz.toml")?;
        }
    }

    #[test]
    fn ledger_loader_reports_items_by_number(input in structured_ledger()) {
        let (text, items) = input;
        let Some(raw) = raw_data(text.clone()) else {
            // Some generated keys collide once quoted (`"title"` and `title`): not a ledger.
            return Ok(());
        };
        let (ledger, diags) = ledger::build(&raw, build_date());
        assert_positions(&diags, "content/lists/fuzz.toml")?;
        let ledger = ledger.expect("the [list] head is valid");
        prop_assert_eq!(ledger.items.len(), items.len());
        for d in &diags {
            // Every item problem names its item, and points into that item's block.
            if let Some(rest) = d.message.strip_prefix("第 ") {
                let n: usize = rest.split(' ').next().unwrap().parse().unwrap();
                prop_assert!(n >= 1 && n <= items.len(), "{d:?}");
                let header_line = text.lines().enumerate().filter(|(_, l)| l.trim() == "[[items]]").nth(n - 1).unwrap().0 + 1;
                prop_assert!(d.line >= header_line, "{d:?} before item {n} at line {header_line}\n{text}");
            }
        }
    }

    #[test]
    fn ledger_loader_never_panics_on_any_text(text in "\\PC{0,200}") {
        if let Some(raw) = raw_data(text) {
            let (_, diags) = ledger::build(&raw, build_date());
            assert_positions(&diags, "content/lists/fuzz.toml")?;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Deadline parser.

fn deadline_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[0-9]{1,4}",
        "[0-9]{15,40}",
        "[０-９]{1,4}",
        "[〇零一二三四五六七八九十百千万两]{1,6}",
        prop::sample::select(vec![
            "年",
            "月",
            "日",
            "号",
            "底",
            "前",
            "末",
            "初",
            "中",
            "上旬",
            "中旬",
            "下旬",
            "第",
            "季度",
            "季",
            "上半年",
            "下半年",
            "年底",
            "年内",
            "全年",
            "启动",
            "开始",
            "起",
            "以来",
            "后",
            "以前",
            "为止",
            "止",
            "至",
            "到",
            "—",
            "-",
            "~",
            "/",
            ".",
            "－",
            "．",
            "／",
            " ",
            "\u{3000}",
            "\u{200b}",
            "\u{feff}",
            "及时公开",
            "长期推进",
            "每季度",
            "，",
            "、",
            "；",
            "完成",
            "\n",
        ])
        .prop_map(String::from),
        "\\PC{0,3}",
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2_000)))]

    #[test]
    fn deadline_parser_never_panics(text in deadline_text(), year in prop_oneof![2000i32..2030, any::<i32>()]) {
        let a = deadline::parse_deadline(&text, year);
        prop_assert_eq!(a, deadline::parse_deadline(&text, year), "deterministic");
    }

    #[test]
    fn deadline_parser_never_panics_on_any_text(text in "\\PC{0,60}", year in any::<i32>()) {
        let _ = deadline::parse_deadline(&text, year);
    }
}

// ---------------------------------------------------------------------------------------
// Personal-data scan.

/// An 18-digit 居民身份证号 with a valid GB 11643 check digit.
fn id_card() -> impl Strategy<Value = String> {
    (
        110000u32..660000,
        1900i32..2099,
        1u32..13,
        1u32..29,
        0u32..1000,
    )
        .prop_map(|(region, y, m, d, seq)| {
            let first17 = format!("{region:06}{y:04}{m:02}{d:02}{seq:03}");
            const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            let sum: u32 = first17
                .bytes()
                .zip(W)
                .map(|(c, w)| u32::from(c - b'0') * w)
                .sum();
            let check = b"10X98765432"[(sum % 11) as usize] as char;
            format!("{first17}{check}")
        })
}

fn mobile() -> impl Strategy<Value = String> {
    (3u8..10, 0u32..1_000_000_000).prop_map(|(second, rest)| format!("1{second}{rest:09}"))
}

/// Text around personal data: never an ASCII letter or digit next to it.
fn filler() -> impl Strategy<Value = String> {
    "[一-龥，。：；（）、 \n]{1,12}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(5_000)))]

    #[test]
    fn privacy_scan_never_panics(text in "\\PC{0,200}") {
        for (off, _) in privacy::scan(&text) {
            prop_assert!(text.is_char_boundary(off) && off < text.len());
            let c = text[off..].chars().next().unwrap();
            prop_assert!(c.is_ascii_digit() || ('０'..='９').contains(&c), "{c:?}");
        }
    }

    #[test]
    fn ids_and_mobiles_are_found_and_masked_ones_pass(a in filler(), id in id_card(), b in filler(), m in mobile(), c in filler()) {
        use crate::support::api::privacy::{scan, Found};
        let text = format!("{a}{id}{b}{m}{c}");
        let kinds: Vec<Found> = scan(&text).into_iter().map(|(_, k)| k).collect();
        prop_assert_eq!(kinds, vec![Found::IdCard, Found::Mobile], "{}", text);
        let masked = format!("{a}{}**********{}{b}{}****{}{c}", &id[..4], &id[14..], &m[..3], &m[7..]);
        prop_assert!(scan(&masked).is_empty(), "{}", masked);
    }
}

// ---------------------------------------------------------------------------------------
// Markdown renderer and sanitizer.

fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "<script>",
            "</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">",
            "</a>",
            "<svg onload=alert(1)>",
            "<iframe src=\"https://evil.example/\">",
            "<div style=\"x\">",
            "</div>",
            "<video src=\"https://video.test.gov.cn/a.mp4\">",
            "<video src=\"https://evil.example/a.mp4\">",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<math>",
            "<style>",
            "<table>",
            "<",
            ">",
            "&",
            "&#106;",
            "\"",
            "'",
            "[a](javascript:alert(1))",
            "[a](JaVa\tScRiPt:x)",
            "[a](data:text/html,x)",
            "[b](../x.md)",
            "[c](/abs/)",
            "[d](b.md#h)",
            "![](tu.svg)",
            "![图](tu.svg)",
            "![x](https://evil.example/a.png)",
            "[^1]",
            "[^1]: 注",
            "# ",
            "## ",
            "### ",
            "|a|b|\n|-|-|\n|1|2|\n",
            "```\n",
            "    ",
            "> ",
            "- ",
            "1. ",
            "~~",
            "**",
            "*",
            "`",
            "\n",
            "\n\n",
            "\r\n",
            "\t",
            "\u{feff}",
            "\u{0}",
            "\u{202e}",
            "正文",
            "13812345678",
            "%E5%",
        ])
        .prop_map(String::from),
        "\\PC{0,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// Attribute names of every tag in HTML that came out of the renderer.
fn attribute_names(html: &str) -> Vec<(String, String)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let tag = html[i + 1..j].to_ascii_lowercase();
        loop {
            while j < b.len() && (b[j] == b' ' || b[j] == b'/' || b[j] == b'\n') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let start = j;
            while j < b.len() && !matches!(b[j], b' ' | b'=' | b'>' | b'/' | b'\n') {
                j += 1;
            }
            let name = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if b.get(j) == Some(&b'=') && b.get(j + 1) == Some(&b'"') {
                let end = html[j + 2..]
                    .find('"')
                    .map(|k| j + 2 + k)
                    .unwrap_or(b.len());
                value = html[j + 2..end].to_string();
                j = end + 1;
            }
            out.push((format!("{tag} {name}"), value));
        }
        i = j;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1_000)))]

    #[test]
    fn markdown_render_never_panics_and_stays_safe(body in markdownish(), prefix in "(\\+\\+\\+\n[a-z]{0,3}\n\\+\\+\\+\n)?") {
        let text = format!("{prefix}{body}");
        let start = prefix.len();
        let docs: markdown::DocUrls = [("policies/2016/b.md".to_string(), "/policies/2016/b/".to_string())].into_iter().collect();
        let assets: BTreeMap<String, PathBuf> = [("policies/2016/tu.svg".to_string(), PathBuf::from("/x"))].into_iter().collect();
        let hosts = vec!["video.test.gov.cn".to_string()];
        let links = markdown::Links { docs: &docs, assets: &assets, media_hosts: &hosts };
        let r = markdown::render("content/policies/2016/a.md", &text, start..text.len(), "policies/2016", &links);
        assert_positions(&r.diags, "content/policies/2016/a.md")?;
        let html = r.body.html.as_str();
        prop_assert!(!html.to_ascii_lowercase().contains("<script"), "{}", html);
        for (attr, value) in attribute_names(html) {
            let name = attr.split(' ').nth(1).unwrap_or("");
            prop_assert!(!name.starts_with("on"), "{} in {}", attr, html);
            // Media only from the configured host.
            let media = attr.starts_with("video ") || attr.starts_with("audio ") || attr.starts_with("source ");
            prop_assert!(!(media && value.contains("evil.example")), "{}={} in {}", attr, value, html);
            // pulldown-cmark writes table alignment as a style; nothing else may.
            prop_assert!(name != "style" || value.starts_with("text-align"), "{}={} in {}", attr, value, html);
            if matches!(name, "href" | "src" | "poster" | "action" | "formaction" | "xlink:href") {
                let v: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
                prop_assert!(!v.starts_with("javascript:") && !v.starts_with("data:") && !v.starts_with("vbscript:"), "{}={} in {}", attr, value, html);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// site-config.toml and front matter.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1_000)))]

    #[test]
    fn config_parser_never_panics(lines in prop::collection::vec(prop_oneof![
        Just("[site]".to_string()), Just("[build]".to_string()), Just("[check]".to_string()), Just("[other]".to_string()),
        Just("\u{feff}".to_string()), Just("title = \"某市\"".to_string()), Just("base_url = \"https://a.gov.cn\"".to_string()),
        Just("org_code = \"X\"".to_string()), Just("extra_workdays = [2016-10-08, 1]".to_string()),
        Just("media_hosts = [\"a\"]".to_string()), Just("theme = \"../x\"".to_string()),
        (key(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
    ], 0..12), bom in any::<bool>()) {
        let text = format!("{}{}", if bom { "\u{feff}" } else { "" }, lines.join("\n"));
        let (_, diags) = api::parse_config("site-config.toml", &text);
        assert_positions(&diags, "site-config.toml")?;
    }

    #[test]
    fn front_matter_reader_never_panics(fm in prop::collection::vec((key(), value()), 0..10), body in "\\PC{0,40}", bom in any::<bool>(), close in any::<bool>()) {
        let text = format!(
            "{}+++\n{}{}{body}",
            if bom { "\u{feff}" } else { "" },
            fm.iter().map(|(k, v)| format!("{k} = {v}\n")).collect::<String>(),
            if close { "+++\n" } else { "" },
        );
        let file = SourceFile { path: "content/policies/a.md".into(), text: text.into() };
        match api::parse_doc(Section::Policy, file, "a".into()) {
            Ok(doc) => prop_assert!(doc.file.text.get(doc.body.clone()).is_some()),
            Err(d) => assert_positions(&[d], "content/policies/a.md")?,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Whole sites: random documents through load and validate.

fn doc_text() -> impl Strategy<Value = String> {
    let fm_line = prop_oneof![
        (key(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        prop::sample::select(vec![
            "title = \"文件\"",
            "index_no = \"TESTORG/2016-00001\"",
            "index_no = \"TESTORG/2016-00002\"",
            "issuer = \"市政府\"",
            "published = 2016-09-30",
            "written = 2016-09-01",
            "category = \"政策文件\"",
            "disclosure = \"主动公开\"",
            "disclosure = \"不予公开\"",
            "validity = \"已废止\"",
            "validity_changed = 2016-01-01",
            "replaced_by = \"TESTORG/2016-00002\"",
            "interprets = [\"TESTORG/2016-00001\"]",
            "slug = \"guide\"",
            "slug = \"policies\"",
            "doc_no = \"测〔2016〕01号\"",
            "attachments = [{ title = \"附件\", file = \"../../x.pdf\" }]",
            "attachments = 3",
        ])
        .prop_map(String::from),
    ];
    (prop::collection::vec(fm_line, 0..12), markdownish()).prop_map(|(fm, body)| {
        let mut seen = std::collections::BTreeSet::new();
        let fm: Vec<String> = fm
            .into_iter()
            .filter(|l| seen.insert(l.split(" = ").next().unwrap_or("").to_string()))
            .collect();
        format!("+++\n{}\n+++\n\n{body}", fm.join("\n"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn random_sites_check_without_panic(docs in prop::collection::vec((prop::sample::select(vec![
        "policies/2016/a.md", "policies/2016/b.md", "policies/c.md", "interpretations/j.md", "interpretations/k.md",
        "pages/guide.md", "pages/about.md",
    ]), doc_text()), 0..8), ledger in prop::collection::vec(tomlish_line(), 0..12)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("site-config.toml"), "[site]\ntitle = \"测试市\"\nbase_url = \"https://test.gov.cn\"\norg_code = \"TESTORG\"\n").unwrap();
        for (rel, text) in &docs {
            let p = root.join("content").join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        std::fs::create_dir_all(root.join("content/lists")).unwrap();
        std::fs::write(root.join("content/lists/l.toml"), ledger.join("\n")).unwrap();
        std::fs::write(root.join("content/policies/tu.svg").as_path(), "<svg/>").ok();
        let opts = api::validate_options();
        let (site, diags) = api::check(root, &opts).expect("the config is valid");
        for d in &diags {
            prop_assert!(d.line >= 1 && d.col >= 1 && !d.path.is_empty(), "{d:?}");
        }
        // Only 主动公开 documents reach the model.
        for p in &site.policies {
            prop_assert!(std::fs::read_to_string(root.join(&p.source)).unwrap().contains("disclosure = \"主动公开\""));
        }
    }
}

/// The generators stay useful: enough of what they make is valid TOML to reach the ledger
/// checks (rather than being thrown away at the TOML parser).
#[test]
fn generators_make_enough_valid_ledgers() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let lines = prop::collection::vec(tomlish_line(), 0..24);
    let structured = structured_ledger();
    let (mut tomlish_ok, mut structured_ok, mut with_items) = (0, 0, 0);
    for _ in 0..300 {
        let text = lines.new_tree(&mut runner).unwrap().current().join("\n");
        if let Some(raw) = raw_data(text) {
            tomlish_ok += 1;
            if raw
                .table
                .get("items")
                .and_then(|v| v.as_array())
                .is_some_and(|a| !a.is_empty())
            {
                with_items += 1;
            }
        }
        if raw_data(structured.new_tree(&mut runner).unwrap().current().0).is_some() {
            structured_ok += 1;
        }
    }
    eprintln!("valid TOML: tomlish {tomlish_ok}/300 ({with_items} with items), structured {structured_ok}/300");
    assert!(
        tomlish_ok >= 15 && with_items >= 3,
        "tomlish {tomlish_ok}, with items {with_items}"
    );
    assert!(structured_ok >= 150, "structured {structured_ok}");
}

// ---------------------------------------------------------------------------------------
// The writer in random output-directory situations: whatever is in the output folder before
// a build, nothing gongkai did not write is changed, a failed build changes nothing at all,
// and a successful one leaves exactly what a fresh build writes (beside the foreign files).

const OUT_CONFIG: &str =
    "[site]\ntitle = \"测试市\"\nbase_url = \"https://test.gov.cn\"\norg_code = \"TESTORG\"\n";

fn out_policy(serial: u32) -> String {
    format!(
        "+++\ntitle = \"测试文件{serial}\"\nindex_no = \"TESTORG/2016-{serial:05}\"\ndoc_no = \"测政办发〔2016〕{serial}号\"\nissuer = \"测试市人民政府办公室\"\nwritten = 2016-04-20\npublished = 2016-04-26\ntopic = \"综合政务\\\\政务公开\"\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\n+++\n\n正文{serial}。\n"
    )
}

/// What happens to the output folder between the first and the second build.
#[derive(Debug, Clone)]
enum OutOp {
    /// Someone puts a file there (path picked from a list that includes page paths).
    Foreign(usize),
    /// An output file is truncated.
    Truncate(usize),
    /// An output file is deleted.
    Delete(usize),
    /// An output file is replaced by a symlink to a file outside the output.
    Symlink(usize),
    /// The marker is deleted.
    Unmark,
}

const FOREIGN_PATHS: &[&str] = &[
    "thesis.docx",
    "policies/notes.txt",
    "policies/2016/p3/index.html",
    "policies/2016/p3",
    ".env",
    "policies/2016/p1/extra.html",
];

fn out_op() -> impl Strategy<Value = OutOp> {
    prop_oneof![
        (0..FOREIGN_PATHS.len()).prop_map(OutOp::Foreign),
        any::<prop::sample::Index>().prop_map(|i| OutOp::Truncate(i.index(1 << 16))),
        any::<prop::sample::Index>().prop_map(|i| OutOp::Delete(i.index(1 << 16))),
        any::<prop::sample::Index>().prop_map(|i| OutOp::Symlink(i.index(1 << 16))),
        Just(OutOp::Unmark),
    ]
}

/// Every entry under `dir` (symlinks as their target text), by relative path.
fn tree(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let v = if e.file_type().is_symlink() {
                let t = std::fs::read_link(e.path()).unwrap();
                format!("-> {}", t.display()).into_bytes()
            } else {
                std::fs::read(e.path()).unwrap()
            };
            (rel, v)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    #[test]
    fn the_writer_never_touches_what_it_did_not_write(
        prior in prop_oneof![Just("none"), Just("empty"), Just("built"), Just("foreign"), Just("file")],
        ops in prop::collection::vec(out_op(), 0..5),
        add_doc in any::<bool>(),
        remove_doc in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = root.join("public");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "outside").unwrap();
        std::fs::create_dir_all(root.join("content/policies/2016")).unwrap();
        std::fs::write(root.join("site-config.toml"), OUT_CONFIG).unwrap();
        for i in 1..=2 {
            std::fs::write(root.join(format!("content/policies/2016/p{i}.md")), out_policy(i)).unwrap();
        }
        match prior {
            "empty" => std::fs::create_dir_all(&out).unwrap(),
            "built" => prop_assert!(build_into(&root, &out).is_ok()),
            "foreign" => {
                std::fs::create_dir_all(&out).unwrap();
                std::fs::write(out.join("thesis.docx"), "论文").unwrap();
            }
            "file" => std::fs::write(&out, "a file").unwrap(),
            _ => {}
        }
        let marker = out.join(".gongkai-output");
        let owned: std::collections::BTreeSet<String> = std::fs::read_to_string(&marker)
            .map(|t| t.lines().skip(1).filter(|l| !l.starts_with('#')).map(str::to_string).collect())
            .unwrap_or_default();
        let listed: Vec<String> = owned.iter().cloned().collect();
        for op in &ops {
            match op {
                OutOp::Foreign(i) => {
                    let p = out.join(FOREIGN_PATHS[*i]);
                    if out.is_dir() && !p.exists() {
                        std::fs::create_dir_all(p.parent().unwrap()).ok();
                        std::fs::write(&p, "别人的文件").ok();
                    }
                }
                OutOp::Truncate(i) | OutOp::Delete(i) | OutOp::Symlink(i) if !listed.is_empty() => {
                    let p = out.join(&listed[i % listed.len()]);
                    // Not through a symlink an earlier op made (that would be the test
                    // writing outside the output, not the build).
                    if p.symlink_metadata().is_ok_and(|m| m.is_file()) {
                        match op {
                            OutOp::Truncate(_) => std::fs::write(&p, "").unwrap(),
                            OutOp::Delete(_) => std::fs::remove_file(&p).unwrap(),
                            _ => {
                                std::fs::remove_file(&p).unwrap();
                                std::os::unix::fs::symlink(&outside, &p).unwrap();
                            }
                        }
                    }
                }
                OutOp::Unmark => { let _ = std::fs::remove_file(&marker); }
                _ => {}
            }
        }
        if add_doc {
            std::fs::write(root.join("content/policies/2016/p3.md"), out_policy(3)).unwrap();
        }
        if remove_doc {
            std::fs::remove_file(root.join("content/policies/2016/p2.md")).unwrap();
        }
        let owned_now: std::collections::BTreeSet<String> = std::fs::read_to_string(&marker)
            .map(|t| t.lines().skip(1).filter(|l| !l.starts_with('#')).map(str::to_string).collect())
            .unwrap_or_default();
        let before = if out.is_dir() { tree(&out) } else { BTreeMap::new() };
        let out_file_before = std::fs::read(&out).ok();

        let result = build_into(&root, &out);

        prop_assert_eq!(std::fs::read_to_string(&outside).unwrap(), "outside", "a file outside the output changed");
        let leftovers: Vec<String> = std::fs::read_dir(&root).unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("gongkai-staging"))
            .collect();
        prop_assert!(leftovers.is_empty(), "{:?}", leftovers);
        match result {
            Err(e) => {
                if out_file_before.is_some() {
                    prop_assert_eq!(std::fs::read(&out).ok(), out_file_before);
                } else {
                    prop_assert!(tree(&out) == before, "a failed build ({}) changed the output", e);
                }
                prop_assert!(matches!(e, api::Error::Output(_) | api::Error::Content(_)), "{e:?}");
            }
            Ok(()) => {
                let after = tree(&out);
                // Foreign files (not listed in the marker before the build) are all still there.
                for (rel, bytes) in &before {
                    if !owned_now.contains(rel) && rel != ".gongkai-output" {
                        prop_assert_eq!(after.get(rel), Some(bytes), "{} was not gongkai's", rel);
                    }
                }
                // gongkai's files are a fresh build's, byte for byte.
                let fresh = dir.path().join("fresh");
                crate::support::without_body_store(&root, || build_into(&root, &fresh)).unwrap();
                let fresh_tree = tree(&fresh);
                for (rel, bytes) in &fresh_tree {
                    prop_assert_eq!(after.get(rel), Some(bytes), "{} differs from a fresh build", rel);
                }
                for rel in after.keys() {
                    prop_assert!(fresh_tree.contains_key(rel) || (before.contains_key(rel) && !owned_now.contains(rel)),
                        "{} is neither gongkai's nor foreign", rel);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// serve: the Host check and the request path (DNS rebinding, open redirects, traversal).

fn host_header() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("127.0.0.1".to_string()),
        Just("localhost".to_string()),
        Just("[::1]".to_string()),
        Just("evil.example".to_string()),
        Just("127.0.0.1.evil.example".to_string()),
        Just("localhost.evil.example".to_string()),
        "[a-z0-9.\\-\\[\\]:]{0,20}",
        "\\PC{0,12}",
    ];
    let port = prop_oneof![
        Just(String::new()),
        Just(":8000".to_string()),
        Just(":8001".to_string()),
        ":[0-9+\\-]{0,7}",
    ];
    (name, port).prop_map(|(n, p)| format!("{n}{p}"))
}

fn request_path() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("/".to_string()),
            Just("//".to_string()),
            Just("..".to_string()),
            Just("%2e%2e".to_string()),
            Just("%2f".to_string()),
            Just("%5c".to_string()),
            Just("\\".to_string()),
            Just("evil.example".to_string()),
            Just("policies".to_string()),
            "[a-z%0-9.]{1,6}",
        ],
        0..8,
    )
    .prop_map(|parts| format!("/{}", parts.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

    /// Only a loopback name or an IP literal with no port or the server's port is answered.
    #[test]
    fn serve_answers_only_its_own_host(host in host_header()) {
        use crate::support::api::host_ok;
        let ok = host_ok(&host, 8000);
        let (name, port) = match host.strip_prefix('[') {
            Some(r) => match r.split_once(']') {
                Some((a, p)) => (format!("[{a}]"), p.to_string()),
                None => (host.clone(), String::new()),
            },
            None => match host.rsplit_once(':') {
                Some((n, p)) => (n.to_string(), format!(":{p}")),
                None => (host.clone(), String::new()),
            },
        };
        let local_name = name.eq_ignore_ascii_case("localhost")
            || name.parse::<std::net::Ipv4Addr>().is_ok()
            || name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).is_some_and(|n| n.parse::<std::net::Ipv6Addr>().is_ok());
        let right_port = port.is_empty() || port == ":8000";
        prop_assert_eq!(ok, local_name && right_port, "{:?}", host);
    }

    /// A request path resolves to a file inside the site or is refused, and a redirect built
    /// from it stays on this site.
    #[test]
    fn serve_paths_stay_inside_the_site(path in request_path(), q in prop::option::of("[a-z=&]{0,6}")) {
        use crate::support::api::{redirect_target, resolve};
        if let Some((rel, dir)) = resolve(&path) {
            prop_assert!(!rel.starts_with('/'), "{}", rel);
            prop_assert!(rel.split('/').all(|s| s != ".." && s != "." && !s.contains('\\')), "{}", rel);
            // Only a path naming no directory is redirected (to the directory).
            let to = if dir { "/".to_string() } else { redirect_target(&rel, q.as_deref()) };
            prop_assert!(to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"), "{} → {}", path, to);
            prop_assert!(url::Url::parse("http://127.0.0.1:8000/").unwrap().join(&to).unwrap().host_str() == Some("127.0.0.1"), "{} → {}", path, to);
        }
    }
}
