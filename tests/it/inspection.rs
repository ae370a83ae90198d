//! The national website inspection (检查指标) before publishing: 网页标签 and footer marks on
//! every page, validity from dates, the indicator rules of `check`, the 自查表 and the
//! 政府网站工作年度报表. Fixtures (content only; configs in [`inspection_site`]) are under
//! `tests/fixtures/inspection/`.

use crate::support::*;
use std::collections::BTreeMap;

/// `content="…"` of `<meta name="NAME">` (name compared ASCII case-insensitively, as HTML does).
fn metas(html: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<meta name=\"") {
        rest = &rest[i + 12..];
        let Some(end) = rest.find('"') else { break };
        if rest[..end].eq_ignore_ascii_case(name) {
            if let Some(c) = rest.find("content=\"") {
                let v = &rest[c + 9..];
                out.push(v[..v.find('"').unwrap_or(0)].to_string());
            }
        }
    }
    out
}

fn meta(html: &str, name: &str) -> Option<String> {
    metas(html, name).into_iter().next()
}

fn html_pages(site: &TestSite) -> Vec<String> {
    output_files(&site.out())
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect()
}

/// Every page: the site tags, one description of its own, and column tags or article tags.
#[test]
fn every_page_has_site_tags_and_a_description_of_its_own() {
    let site = TestSite::built_demo();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let pages = html_pages(&site);
    assert!(pages.len() > 100);
    for f in &pages {
        let html = site.read_out(f);
        assert_eq!(
            meta(&html, "SiteName").as_deref(),
            Some("信阳市人民政府"),
            "{f}"
        );
        assert_eq!(
            meta(&html, "SiteDomain").as_deref(),
            Some("www.xinyang.gov.cn"),
            "{f}"
        );
        assert_eq!(
            meta(&html, "SiteIDCode").as_deref(),
            Some("4115000001"),
            "{f}"
        );
        let d = metas(&html, "description");
        assert_eq!(d.len(), 1, "{f}: one description, got {d:?}");
        assert!(d[0].chars().count() >= 10, "{f}: description {:?}", d[0]);
        if let Some(other) = seen.insert(d[0].clone(), f.clone()) {
            panic!("{f} and {other} share the description {:?}", d[0]);
        }
        assert!(
            meta(&html, "ColumnName").is_some_and(|v| !v.is_empty()),
            "{f}"
        );
        assert!(
            meta(&html, "ColumnType").is_some_and(|v| !v.is_empty()),
            "{f}"
        );
        if meta(&html, "ArticleTitle").is_some() {
            for tag in ["PubDate", "ContentSource", "Keywords", "Author", "Url"] {
                assert!(
                    meta(&html, tag).is_some_and(|v| !v.is_empty()),
                    "{f} lacks {tag}"
                );
            }
            let url = meta(&html, "Url").unwrap();
            assert!(
                url.starts_with("https://www.xinyang.gov.cn/"),
                "{f}: Url {url}"
            );
        } else {
            for tag in ["ColumnDescription", "ColumnKeywords"] {
                assert!(
                    meta(&html, tag).is_some_and(|v| !v.is_empty()),
                    "{f} lacks {tag}"
                );
            }
        }
    }
}

#[test]
fn article_pages_carry_the_article_tags() {
    let site = TestSite::built_demo();
    let html = site.read_out("policies/2016/jilin-2016/index.html");
    assert_eq!(
        meta(&html, "Url").as_deref(),
        Some("https://www.xinyang.gov.cn/policies/2016/jilin-2016/")
    );
    assert_eq!(
        meta(&html, "Author").as_deref(),
        Some("吉林省人民政府办公厅")
    );
    let kw = meta(&html, "Keywords").unwrap();
    assert!(kw.contains("政务公开") && kw.contains("通知"), "{kw}");
    assert!(meta(&html, "Description")
        .unwrap()
        .starts_with("印发《2016年全省政务公开工作要点》"));
    assert_eq!(meta(&html, "Image"), None, "no image in this policy");
    assert_eq!(
        meta(&html, "ColumnDescription"),
        None,
        "an article page, not a column page"
    );
    // A 图解 interpretation has an Image, absolute.
    let html = site.read_out("interpretations/jilin-2016-tujie/index.html");
    assert_eq!(
        meta(&html, "Image").as_deref(),
        Some("https://www.xinyang.gov.cn/interpretations/jilin-2016-tujie.svg")
    );
    assert_eq!(meta(&html, "PubDate").as_deref(), Some("2016-04-27 00:00"));
    // A column page.
    let html = site.read_out("policies/index.html");
    assert_eq!(meta(&html, "ArticleTitle"), None);
    assert!(meta(&html, "ColumnKeywords").unwrap().contains("政策文件"));
}

/// The 我为政府网站找错 link names this page, percent-encoded; the 党政机关网站标识 links to
/// its certificate; nothing is loaded from another host.
#[test]
fn footer_marks_are_plain_links_baked_per_page() {
    let site = TestSite::built_demo();
    let html = site.read_out("policies/2016/jilin-2016/index.html");
    assert!(html.contains(
        "<a class=\"jiucuo\" href=\"https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=4115000001&amp;url=https%3A%2F%2Fwww.xinyang.gov.cn%2Fpolicies%2F2016%2Fjilin-2016%2F\" rel=\"noopener\">我为政府网站找错</a>"
    ), "{html}");
    assert!(html.contains("href=\"https://bszs.conac.cn/sitename?method=show&amp;id=bm41000001\""));
    for f in html_pages(&site) {
        let html = site.read_out(&f);
        let start = html.find("<footer").unwrap();
        let footer = &html[start..start + html[start..].find("</footer>").unwrap()];
        assert!(footer.contains("我为政府网站找错</a>"), "{f}");
        assert!(
            !footer.contains("src="),
            "{f}: the footer marks load nothing"
        );
        assert!(
            !html.contains("<script src=\"http"),
            "{f}: a third-party script"
        );
    }
    // A page with a non-ASCII URL: the URL is encoded twice (once in the page URL, once as a
    // query value), so the link takes the reader back to exactly this page.
    let t = TestSite::new();
    t.write("content/policies/2016/吉林.md", &policy(1, "测试文件"));
    assert_eq!(t.build().code, 0);
    let html = t.read_out("policies/2016/吉林/index.html");
    assert!(
        html.contains("site_code=0000000001&amp;url=https%3A%2F%2Ftest.gov.cn%2Fpolicies%2F2016%2F%25E5%2590%2589%25E6%259E%2597%2F\""),
        "{html}"
    );
    // No conac_id: no 党政机关网站标识; no site_code: no 找错 link.
    assert!(!html.contains("conac"));
    t.write_config(Config::new().without("site_code"));
    assert_eq!(t.build().code, 0);
    assert!(!t
        .read_out("policies/2016/吉林/index.html")
        .contains("jiucuo"));
}

#[test]
fn new_config_keys_are_checked() {
    let t = TestSite::new();
    t.write(
        "site-config.toml",
        &format!("{CONFIG}conac_id = \"bm/../x\"\n[inspection]\nlimits = {{ \"工作动态\" = \"两周\" }}\nlimts = 1\n"),
    );
    let run = t.check_json();
    assert_eq!(run.code, 1);
    let codes: Vec<String> = run.codes().into_iter().map(|c| c.0).collect();
    assert_eq!(
        codes,
        ["E-CONFIG", "E-WRONG-TYPE", "E-UNKNOWN-KEY"],
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// B. Validity from dates.

/// SOURCE_DATE_EPOCH values (08:00 in China on the day).
const NOV_1_2016: &str = "1477958400";
const DEC_1_2016: &str = "1480550400";
const DEC_21_2016: &str = "1482278400";
const JAN_2_2017: &str = "1483315200";

fn codes_at(dir: &std::path::Path, epoch: &str) -> Vec<(String, String)> {
    gongkai_env(
        &["check", "--format", "json"],
        dir,
        &[("SOURCE_DATE_EPOCH", epoch)],
    )
    .codes()
}

fn build_at(site: &TestSite, epoch: &str) {
    let run = gongkai_env(&["build"], site.path(), &[("SOURCE_DATE_EPOCH", epoch)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn policy_expiring_within_30_days_is_a_warning() {
    let fixture = inspection_site("validity-dates");
    let dir = fixture.path();
    // 2016-12-20 is 19 days after 2016-12-01; 2017-06-30 is far off.
    assert_eq!(
        codes_at(dir, DEC_1_2016),
        vec![(
            "W-POLICY-EXPIRING".to_string(),
            "content/policies/expiring.md".to_string()
        )]
    );
    let run = gongkai(&["check", "--format", "json"], dir);
    let d = &run.json_diags()[0];
    assert!(
        d["message"].as_str().unwrap().contains("2016年12月20日"),
        "{d}"
    );
    assert_eq!(d["source_line"], "expires = 2016-12-20");
    // 49 days ahead: quiet; once past, the document is 已失效, nothing to warn about.
    assert!(codes_at(dir, NOV_1_2016).is_empty());
    assert!(codes_at(dir, DEC_21_2016).is_empty());
}

#[test]
fn effective_and_expires_set_what_every_page_says() {
    let site = inspection_site("validity-dates");
    build_at(&site, DEC_1_2016);
    // Before 施行日期: 尚未生效 on the page, in lists and in the facets.
    let html = site.read_out("policies/pending/index.html");
    assert!(html.contains("<strong>本文件尚未生效</strong>，自<time datetime=\"2017-01-01\">2017年01月01日</time>起施行。"), "{html}");
    assert!(html.contains("<span class=\"tag tag-pending\">尚未生效</span>"));
    assert!(html.contains("<th scope=\"row\">登记号</th><td colspan=\"3\">CSSZ-2016-00001</td>"));
    let list = site.read_out("policies/index.html");
    assert!(
        list.contains("<span class=\"tag tag-pending\">尚未生效</span>"),
        "{list}"
    );
    let pending = site.read_out("policies/by-validity/pending/index.html");
    assert!(pending.contains("测试市尚未施行的办法") && !pending.contains("测试市已到期的办法"));
    // After 有效期至: 已失效 from the next day, as if written `validity = "已失效"`.
    let html = site.read_out("policies/expired/index.html");
    assert!(
        html.contains("<strong>本文件已失效</strong>（2016年07月01日）"),
        "{html}"
    );
    let expired = site.read_out("policies/by-validity/expired/index.html");
    assert!(expired.contains("测试市已到期的办法") && !expired.contains("测试市即将到期的办法"));
    assert!(!site
        .read_out("policies/expiring/index.html")
        .contains("validity-banner"));
    // 年报 Table 二: made 4 in 2016, one of them void on 2016-07-01.
    let report = site.read_out("reports/2016/index.html");
    let row = &report[report.find(">行政规范性文件</th>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains(">4</td>") && row.contains(">1</td>") && row.contains(">3</td>"),
        "{row}"
    );

    // A month later: the pending one is in force, the expiring one 已失效 on 2016-12-21.
    build_at(&site, JAN_2_2017);
    let html = site.read_out("policies/pending/index.html");
    assert!(
        !html.contains("尚未生效") && !html.contains("validity-banner"),
        "{html}"
    );
    assert!(!site.exists_out("policies/by-validity/pending/index.html"));
    let html = site.read_out("policies/expiring/index.html");
    assert!(
        html.contains("<strong>本文件已失效</strong>（2016年12月21日）"),
        "{html}"
    );
    let report = site.read_out("reports/2016/index.html");
    let row = &report[report.find(">行政规范性文件</th>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(">4</td>") && row.contains(">2</td>"), "{row}");
}

#[test]
fn expires_before_effective_is_an_error() {
    let t = TestSite::new();
    t.write(
        "content/policies/a.md",
        &policy(1, "测试文件").replace(
            "disclosure = \"主动公开\"\n",
            "disclosure = \"主动公开\"\neffective = 2016-05-01\nexpires = 2016-04-30\n",
        ),
    );
    let run = t.check_json();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.codes(),
        vec![(
            "E-DATE-ORDER".to_string(),
            "content/policies/a.md".to_string()
        )]
    );
}

#[test]
fn normative_document_without_reg_no_is_a_warning() {
    let t = TestSite::new();
    let doc = policy(1, "测试市某某管理办法").replace(
        "disclosure = \"主动公开\"\n",
        "disclosure = \"主动公开\"\ndoc_type = \"行政规范性文件\"\n",
    );
    t.write("content/policies/a.md", &doc);
    let run = t.check_json();
    assert_eq!(run.code, 0);
    assert_eq!(
        run.codes(),
        vec![(
            "W-REG-NO-MISSING".to_string(),
            "content/policies/a.md".to_string()
        )]
    );
    assert_eq!(
        run.json_diags()[0]["source_line"],
        "doc_type = \"行政规范性文件\""
    );
    // With a 登记号: clean, and the number is in the metadata table.
    t.write(
        "content/policies/a.md",
        &doc.replace("doc_type", "reg_no = \"CSSZ-2016-00001\"\ndoc_type"),
    );
    assert!(t.check_json().json_diags().is_empty());
    // Other document types need none.
    t.write("content/policies/a.md", &policy(1, "测试文件"));
    assert!(t.check_json().json_diags().is_empty());
}

// ---------------------------------------------------------------------------------------------
// A. Indicators in `check`.

const NOV_10_2016: &str = "1478736000";

fn diags_at(dir: &std::path::Path, args: &[&str], epoch: &str) -> Vec<serde_json::Value> {
    let mut a = vec!["check", "--format", "json"];
    a.extend(args);
    gongkai_env(&a, dir, &[("SOURCE_DATE_EPOCH", epoch)])
        .json_diags()
        .into_iter()
        .filter(|d| d.get("code").is_some())
        .collect()
}

fn code_list(diags: &[serde_json::Value]) -> Vec<(String, String, u64)> {
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(v: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    v.iter()
        .map(|(c, p, l)| (c.to_string(), p.to_string(), *l))
        .collect()
}

/// 工作动态 (2 weeks), 政策文件 (6 months), 规划计划 (1 year) by default; 财政信息 by
/// `[inspection] limits`. On 2016-11-10 every column is within its limit.
#[test]
fn columns_within_their_limits_pass() {
    let fixture = inspection_site("columns");
    let dir = fixture.path();
    assert!(diags_at(dir, &[], NOV_10_2016).is_empty());
}

/// On 2016-12-21: 工作动态 is 50 days old (limit 14), 财政信息 203 (limit 200 from the
/// config); the home page has nothing from the last 2 weeks and the site has a 动态 column.
#[test]
fn stale_columns_warn_and_a_stale_home_page_vetoes() {
    let fixture = inspection_site("columns");
    let dir = fixture.path();
    let d = diags_at(dir, &[], DEC_21_2016);
    assert_eq!(
        code_list(&d),
        owned(&[
            ("W-COLUMN-STALE", "content/policies/finance.md", 5),
            ("W-COLUMN-STALE", "content/policies/news.md", 5),
            ("W-INSPECTION-VETO", "site-config.toml", 10),
        ])
    );
    let msg = d[1]["message"].as_str().unwrap();
    for s in ["工作动态", "2016年11月01日", "14 天"] {
        assert!(msg.contains(s), "{msg} lacks {s}");
    }
    assert!(d[0]["hint"]
        .as_str()
        .unwrap()
        .contains("[inspection] limits"));
    assert!(d[1]["hint"]
        .as_str()
        .unwrap()
        .contains("动态、要闻类栏目 2 周"));
    assert!(d[2]["message"].as_str().unwrap().contains("网站不更新"));
}

/// Five stale columns veto the site (栏目不更新).
#[test]
fn five_stale_columns_veto() {
    let t = TestSite::new().config(Config::new().empty_table("inspection"));
    let cats = [
        "通知公告",
        "政策文件",
        "人事信息",
        "规划计划",
        "政策文件汇编",
    ];
    for (i, c) in cats.iter().enumerate() {
        t.write(
            &format!("content/policies/p{i}.md"),
            &Policy::new(i as u32 + 1, "测试文件")
                .set_str("category", c)
                .set("published", "2015-01-05")
                .set("written", "2015-01-05")
                .render(),
        );
    }
    let d = diags_at(t.path(), &[], DEC_1_2016);
    let codes: Vec<&str> = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "W-COLUMN-STALE").count(),
        5,
        "{codes:?}"
    );
    let veto: Vec<_> = d
        .iter()
        .filter(|d| d["code"] == "W-INSPECTION-VETO")
        .collect();
    assert_eq!(veto.len(), 1, "{codes:?}");
    assert!(veto[0]["message"].as_str().unwrap().contains("栏目不更新"));
    // Four are not enough.
    t.remove("content/policies/p4.md");
    let d = diags_at(t.path(), &[], DEC_1_2016);
    assert!(d.iter().all(|d| d["code"] != "W-INSPECTION-VETO"), "{d:?}");
}

/// Without `[inspection]`, plain `check` leaves the site rules out (a fixture or an archive
/// is not inspected); `check --inspection` runs them anyway.
#[test]
fn site_rules_need_inspection_in_config_or_the_flag() {
    let t = inspection_site("columns");
    t.write_config(Config::new());
    assert!(diags_at(t.path(), &[], DEC_21_2016).is_empty());
    let d = diags_at(t.path(), &["--inspection"], DEC_21_2016);
    let codes: Vec<&str> = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
    // 财政信息 has no default limit, and no config gives it one now.
    assert_eq!(codes, ["W-COLUMN-STALE", "W-INSPECTION-VETO"]);
}

#[test]
fn declared_column_without_items_is_empty() {
    let t = TestSite::new();
    t.write(
        "site-config.toml",
        &format!("{CONFIG}[inspection]\ncolumns = [\"政策文件\", \"重点领域信息\"]\n"),
    );
    t.write("content/policies/a.md", &policy(1, "测试文件"));
    let d = diags_at(t.path(), &[], "1462060800"); // 2016-05-01
    assert_eq!(
        code_list(&d),
        owned(&[("W-COLUMN-EMPTY", "site-config.toml", 12)])
    );
    assert!(d[0]["message"].as_str().unwrap().contains("重点领域信息"));
    t.write(
        "site-config.toml",
        &format!("{CONFIG}[inspection]\ncolumns = [\"政策文件\"]\n"),
    );
    assert!(diags_at(t.path(), &[], "1462060800").is_empty());
}

/// Items 2–6 lack 6 of the ten elements each: one warning per item, named in Chinese, and
/// five such items veto (服务不实用).
#[test]
fn incomplete_guides_warn_and_five_poor_ones_veto() {
    let fixture = inspection_site("guide");
    let dir = fixture.path();
    let d = diags_at(dir, &[], DEC_1_2016);
    assert_eq!(
        code_list(&d),
        owned(&[
            ("W-GUIDE-INCOMPLETE", "content/lists/services.toml", 19),
            ("W-GUIDE-INCOMPLETE", "content/lists/services.toml", 25),
            ("W-GUIDE-INCOMPLETE", "content/lists/services.toml", 31),
            ("W-GUIDE-INCOMPLETE", "content/lists/services.toml", 37),
            ("W-GUIDE-INCOMPLETE", "content/lists/services.toml", 43),
            ("W-INSPECTION-VETO", "site-config.toml", 8),
        ])
    );
    assert_eq!(
        d[0]["message"],
        "办事指南第 2 项“事项2”缺少 6 项要素：申请条件、办理材料、办理地点、收费标准、办理时间、办理流程"
    );
    // Only the complete item left: clean. Four poor items: warnings, no veto.
    let t = TestSite::copy_of(dir);
    let text = std::fs::read_to_string(dir.join("content/lists/services.toml")).unwrap();
    // The header, then items 1–6.
    let parts: Vec<&str> = text.split("\n[[items]]").collect();
    t.write(
        "content/lists/services.toml",
        &parts[..2].join("\n[[items]]"),
    );
    assert!(diags_at(t.path(), &[], DEC_1_2016).is_empty());
    t.write(
        "content/lists/services.toml",
        &parts[..6].join("\n[[items]]"),
    );
    let d = diags_at(t.path(), &[], DEC_1_2016);
    assert_eq!(d.len(), 4, "{d:?}");
    assert!(d.iter().all(|d| d["code"] == "W-GUIDE-INCOMPLETE"));
}

/// A ledger whose file did not change is kept from the last run: it is not read again, it
/// warns as it did, and on another build date (逾期 and late replies depend on it) it is
/// built again.
#[test]
fn a_kept_ledger_warns_the_same_and_is_built_again_on_another_date() {
    use gongkai::source::{self, kept::Record};
    let fixture = inspection_site("responses");
    let site = TestSite::copy_of(fixture.path());
    site.age();
    // In this process, so that the record of sources is this gongkai's.
    let check = |y: i32, m: u32, d: u32| -> Vec<(String, String, usize, String)> {
        let opts = gongkai::validate::Options {
            build_date: chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        };
        let (_, diags) = gongkai::check(site.path(), &opts).unwrap();
        diags
            .into_iter()
            .map(|d| (d.code.to_string(), d.path, d.line, d.message))
            .collect()
    };
    let first = check(2016, 12, 1);
    let late =
        |d: &[(String, String, usize, String)]| d.iter().filter(|d| d.0 == "W-REPLY-LATE").count();
    assert_eq!(late(&first), 2, "{first:?}");
    let record = Record::open(site.path());
    assert!(record
        .entries()
        .any(|e| e.path == "content/lists/messages.toml"));
    let loaded = source::load_with(site.path(), Some(std::sync::Arc::new(record)), None).unwrap();
    assert!(!loaded.lists.is_empty());
    assert!(loaded.lists.iter().all(|l| !l.file.text.is_read()));
    assert_eq!(check(2016, 12, 1), first);
    // 2017-02-02: item 4 is late too.
    let later = check(2017, 2, 2);
    assert_eq!(late(&later), 3, "{later:?}");
    std::fs::remove_dir_all(site.path().join(".gongkai-cache")).unwrap();
    assert_eq!(check(2017, 2, 2), later);
}

/// A reply later than 3 months, or none after 3 months, is late; the ledger is a page like
/// any other.
#[test]
fn late_replies_warn_and_responses_render_like_other_ledgers() {
    let fixture = inspection_site("responses");
    let dir = fixture.path();
    let d = diags_at(dir, &[], DEC_1_2016);
    assert_eq!(
        code_list(&d),
        owned(&[
            ("W-REPLY-LATE", "content/lists/messages.toml", 18),
            ("W-REPLY-LATE", "content/lists/messages.toml", 22),
        ])
    );
    assert!(d[0]["message"]
        .as_str()
        .unwrap()
        .contains("2016年06月15日才答复"));
    assert!(d[1]["message"]
        .as_str()
        .unwrap()
        .contains("超过 3 个月未答复"));
    // Three months after 2016-11-01 have not passed on 2016-12-01: item 4 is not late yet …
    // … but is on 2017-02-02.
    let d = diags_at(dir, &[], "1485993600");
    assert_eq!(d.len(), 3, "{d:?}");

    let site = TestSite::copy_of(dir);
    assert_eq!(site.build().code, 0);
    let html = site.read_out("lists/messages/index.html");
    for s in [
        "收到日期",
        "留言内容",
        "答复日期",
        "答复单位",
        "2016年08月02日",
        "请问老旧小区改造什么时候开始？",
    ] {
        assert!(html.contains(s), "list page lacks {s}");
    }
    let item = site.read_out("lists/messages/1/index.html");
    assert!(item.contains("老旧小区改造计划已于9月公布"), "{item}");
    assert!(site.read_out("lists/messages.csv").contains("答复内容"));

    // Replied in time, or not yet due: clean.
    let ok = TestSite::copy_of(dir);
    let text = std::fs::read_to_string(dir.join("content/lists/messages.toml")).unwrap();
    let parts: Vec<&str> = text.split("\n[[items]]").collect();
    ok.write(
        "content/lists/messages.toml",
        &[parts[0], parts[1], parts[4]].join("\n[[items]]"),
    );
    assert!(diags_at(ok.path(), &[], DEC_1_2016).is_empty());
}

#[test]
fn services_know_hours() {
    let t = TestSite::new();
    t.write(
        "content/lists/s.toml",
        "[list]\ntitle = \"办事指南\"\nkind = \"services\"\nupdated = 2016-07-01\n\n[[items]]\nname = \"事项\"\nbasis = \"依据\"\nunit = \"中心\"\nhours = \"工作日 9:00-17:00\"\n",
    );
    assert_eq!(t.build().code, 0);
    assert!(t.read_out("lists/s/1/index.html").contains("办理时间"));
}

// ---------------------------------------------------------------------------------------------
// The 自查表.

const INDICATORS: [&str; 12] = [
    "栏目更新",
    "空白栏目",
    "办事指南要素",
    "规范性文件统一登记",
    "互动回应",
    "文件有效期",
    "链接可用性",
    "网页标签",
    "解读关联",
    "解读时效",
    "年报按时",
    "个人信息",
];

fn rows(run: &Run) -> Vec<serde_json::Value> {
    run.json_diags()
        .into_iter()
        .filter(|v| v.get("indicator").is_some())
        .collect()
}

#[test]
fn self_check_json_has_one_row_per_indicator_then_the_diagnostics() {
    let run = gongkai_env(
        &["check", "--inspection", "--format", "json"],
        inspection_site("guide").path(),
        &[("SOURCE_DATE_EPOCH", DEC_1_2016)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = run.json_diags();
    let r = rows(&run);
    assert_eq!(
        r.iter()
            .map(|r| r["indicator"].as_str().unwrap())
            .collect::<Vec<_>>(),
        INDICATORS
    );
    // Rows first, each with exactly the four keys.
    assert!(all[..12].iter().all(|v| v.get("indicator").is_some()));
    for row in &r {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["codes", "detail", "indicator", "status"], "{row}");
        assert!(["pass", "warn", "fail"].contains(&row["status"].as_str().unwrap()));
    }
    let guide = &r[2];
    assert_eq!(guide["status"], "fail", "{guide}");
    assert_eq!(
        guide["codes"],
        serde_json::json!(["W-GUIDE-INCOMPLETE", "W-INSPECTION-VETO"])
    );
    assert!(
        guide["detail"].as_str().unwrap().starts_with("5 处"),
        "{guide}"
    );
    assert_eq!(r[0]["status"], "pass", "{}", r[0]);
    assert_eq!(r[7]["status"], "pass", "{}", r[7]);
    assert_eq!(all.len(), 12 + 6, "the six diagnostics follow");
    // --strict fails on the warnings, as plain check does.
    let strict = gongkai(
        &["check", "--inspection", "--strict"],
        inspection_site("guide").path(),
    );
    assert_eq!(strict.code, 1);
}

#[test]
fn self_check_table_for_people_and_a_printable_page() {
    let site = inspection_site("columns");
    let run = gongkai_env(
        &["check", "--inspection", "--html", "selfcheck.html"],
        site.path(),
        &[("SOURCE_DATE_EPOCH", DEC_21_2016)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("网站检查指标自查表（2016年12月21日）"),
        "{}",
        run.stdout
    );
    let line = run.stdout.lines().find(|l| l.contains("栏目更新")).unwrap();
    assert!(
        line.contains("不通过") && line.contains("工作动态、财政信息；单项否决"),
        "{line}"
    );
    assert!(run.stderr.contains("warning[W-COLUMN-STALE]"));
    let html = std::fs::read_to_string(site.path().join("selfcheck.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for i in INDICATORS {
        assert!(html.contains(&format!("<th scope=\"row\">{i}</th>")), "{i}");
    }
    assert!(html.contains("<tr class=\"fail\"><th scope=\"row\">栏目更新</th><td>不通过</td>"));
    assert!(
        !html.contains("<script") && !html.contains("http"),
        "self-contained"
    );
    // Never into the output directory: the next publication would carry it.
    let run = gongkai(
        &["check", "--inspection", "--html", "public/selfcheck.html"],
        site.path(),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("输出目录"), "{}", run.stderr);
    assert!(!site.path().join("public/selfcheck.html").exists());
    // --html needs --inspection.
    assert_eq!(gongkai(&["check", "--html", "x.html"], site.path()).code, 2);
}

/// The demo: every row of its 自查表 passes on the date the tests build it, and plain
/// `check --strict` stays clean on any date (it has no `[inspection]`).
#[test]
fn the_demo_self_check_passes() {
    let run = gongkai(
        &["check", "--inspection", "--format", "json", "--strict"],
        &repo_root(),
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    for r in rows(&run) {
        assert_eq!(r["status"], "pass", "{r}");
    }
    assert_eq!(run.json_diags().len(), 12, "{}", run.stdout);
}

// ---------------------------------------------------------------------------------------------
// D. 政府网站工作年度报表.

fn cell(html: &str, key: &str) -> String {
    let at = html
        .find(&format!("data-key=\"{key}\">"))
        .unwrap_or_else(|| panic!("no row {key}"));
    let rest = &html[at + key.len() + 12..];
    rest[..rest.find("</td>").unwrap()].to_string()
}

const COUNTED: &str = " <span class=\"muted\">（据网站内容统计）</span>";

#[test]
fn website_report_counts_what_content_tells_and_reads_the_rest() {
    let site = inspection_site("website-report");
    build_at(&site, JAN_2_2017);
    let html = site.read_out("reports/2016/website/index.html");
    assert!(html.contains("<h1>测试市人民政府2016年政府网站工作年度报表</h1>"));
    // From the content: 3 policies + 2 解读; 2 in 工作动态; 1 文字 + 1 图解; 2 办事指南;
    // 3 messages received, 2 replied (10 and 20 days), 1 with a published reply.
    for (key, want) in [
        ("published", "5"),
        ("news_updates", "2"),
        ("catalog_updates", "3"),
        ("interpretations", "2"),
        ("interpretation_materials", "1"),
        ("interpretation_products", "1"),
        ("service_catalog", "是"),
        ("service_items", "2"),
        ("messages_received", "3"),
        ("messages_done", "2"),
        ("reply_days", "15.0"),
        ("messages_public", "1"),
    ] {
        assert_eq!(cell(&html, key), format!("{want}{COUNTED}"), "{key}");
    }
    // From the file, and — for what neither gives.
    for (key, want) in [
        ("visitors", "1200"),
        ("cases", "30"),
        ("weibo_name", "测试发布"),
        ("innovation", "无障碍浏览"),
        ("filled", "2017年01月20日"),
        ("overview_updates", "—"),
        ("smart_qa", "—"),
    ] {
        assert_eq!(cell(&html, key), want, "{key}");
    }
    assert!(html.contains("<th scope=\"row\" colspan=\"2\">政府网站标识码</th><td>0000000001</td>"));
    assert!(
        html.contains("<th scope=\"row\">工作动态</th><td>2</td>"),
        "by column"
    );
    assert!(html.contains("<th scope=\"row\">政策解读（图解）</th><td>1</td>"));
    assert!(html.contains("<th scope=\"row\">互动回应（更新份数）</th><td>1</td>"));
    let index = site.read_out("reports/index.html");
    assert!(index.contains(
        "<a href=\"/reports/2016/website/\">测试市人民政府2016年政府网站工作年度报表</a>"
    ));
    // A number written in the file wins over the count.
    let text = std::fs::read_to_string(site.path().join("content/reports/2016.toml")).unwrap();
    site.write(
        "content/reports/2016.toml",
        &text.replace("visits = 5600", "visits = 5600\nnews_updates = 120"),
    );
    build_at(&site, JAN_2_2017);
    assert_eq!(
        cell(
            &site.read_out("reports/2016/website/index.html"),
            "news_updates"
        ),
        "120"
    );
}

#[test]
fn website_report_inputs_are_checked() {
    let site = inspection_site("website-report");
    site.write(
        "content/reports/2016.toml",
        "year = 2016\n\n[website]\nvisitors = -1\ncases = 31\ncases_person = 20\ncases_legal = 10\nvisiters = 3\n",
    );
    let run = gongkai_env(
        &["check", "--format", "json"],
        site.path(),
        &[("SOURCE_DATE_EPOCH", JAN_2_2017)],
    );
    assert_eq!(run.code, 1);
    let got = run.code_lines();
    assert_eq!(
        got,
        [
            ("E-INVALID-VALUE".to_string(), 4),
            ("E-REPORT-ARITHMETIC".to_string(), 5),
            ("E-UNKNOWN-KEY".to_string(), 8),
        ]
    );
}

/// Due 31 January: a site with content in 2016 and no 2016 table is warned from 1 February.
#[test]
fn missing_website_report_after_31_january() {
    let site = inspection_site("website-report");
    site.write("content/reports/2016.toml", "year = 2016\n");
    let missing = |epoch: &str, args: &[&str]| -> usize {
        diags_at(site.path(), args, epoch)
            .iter()
            .filter(|d| d["code"] == "W-WEBSITE-REPORT-MISSING")
            .count()
    };
    const JAN_31_2017: &str = "1485820800";
    const FEB_1_2017: &str = "1485907200";
    assert_eq!(missing(JAN_31_2017, &[]), 0, "not on the deadline day");
    assert_eq!(missing(FEB_1_2017, &[]), 1);
    assert!(!site.exists_out("reports/2016/website/index.html"));
    // The 自查表 shows it under 年报按时.
    let run = gongkai_env(
        &["check", "--inspection", "--format", "json"],
        site.path(),
        &[("SOURCE_DATE_EPOCH", FEB_1_2017)],
    );
    let row = rows(&run)
        .into_iter()
        .find(|r| r["indicator"] == "年报按时")
        .unwrap();
    assert_eq!(row["status"], "warn");
    assert_eq!(
        row["codes"],
        serde_json::json!(["W-WEBSITE-REPORT-MISSING"])
    );
    // Written: quiet.
    site.write("content/reports/2016.toml", "year = 2016\n[website]\n");
    assert_eq!(missing(FEB_1_2017, &[]), 0);
}

/// The docs name every code these rules emit and every `[website]` key.
#[test]
fn docs_cover_every_code_and_key() {
    let inspection = std::fs::read_to_string(repo_root().join("docs/inspection.md")).unwrap();
    for code in [
        "W-COLUMN-STALE",
        "W-COLUMN-EMPTY",
        "W-INSPECTION-VETO",
        "W-GUIDE-INCOMPLETE",
        "W-REG-NO-MISSING",
        "W-REPLY-LATE",
        "W-POLICY-EXPIRING",
        "W-WEBSITE-REPORT-MISSING",
    ] {
        assert!(inspection.contains(&format!("`{code}`")), "{code}");
    }
    for i in INDICATORS {
        assert!(inspection.contains(i), "{i}");
    }
    let website = std::fs::read_to_string(repo_root().join("docs/website-report.md")).unwrap();
    for key in crate::support::api::website_keys() {
        assert!(website.contains(&format!("| `{key}` |")), "{key}");
    }
}

/// A new site is a portal in operation: its config turns the site rules on, and it starts clean.
#[test]
fn new_sites_are_inspected_and_start_clean() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(gongkai(&["new", "site", "s"], dir.path()).code, 0);
    let root = dir.path().join("s");
    let config = std::fs::read_to_string(root.join("site-config.toml")).unwrap();
    assert!(config.contains("\n[inspection]\n"), "{config}");
    let run = gongkai(&["check", "--strict", "--format", "json"], &root);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.json_diags().is_empty(), "{}", run.stdout);
}

/// Pages made outside the usual jobs (a withdrawn URL's page) carry the tags too.
#[test]
fn withdrawal_pages_carry_the_site_tags() {
    let t = TestSite::new();
    t.write("content/policies/a.md", &policy(1, "测试文件"));
    t.write(
        "content/removed.toml",
        "[[removed]]\nurl = \"/policies/old/\"\nreason = \"已被新文件替代\"\ndate = 2016-11-01\n",
    );
    let run = t.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = t.read_out("policies/old/index.html");
    assert_eq!(meta(&html, "SiteIDCode").as_deref(), Some("0000000001"));
    assert_eq!(metas(&html, "description").len(), 1, "{html}");
    assert!(html.contains("我为政府网站找错</a>"));
}
