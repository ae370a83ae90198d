//! The national website inspection (检查指标) before publishing: 网页标签 and footer marks on
//! every page, validity from dates, the indicator rules of `check`, the 自查表 and the
//! 政府网站工作年度报表. Fixtures are under `tests/fixtures/inspection/`.

mod common;

use common::*;
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

fn built_demo() -> TestSite {
    let site = TestSite::copy_of(&repo_root());
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
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
    let site = built_demo();
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
    let site = built_demo();
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
    let site = built_demo();
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
    t.write(
        "site-config.toml",
        &CONFIG.replace("site_code = \"0000000001\"\n", ""),
    );
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
    let dir = fixture("inspection/validity-dates");
    // 2016-12-20 is 19 days after 2016-12-01; 2017-06-30 is far off.
    assert_eq!(
        codes_at(&dir, DEC_1_2016),
        vec![(
            "W-POLICY-EXPIRING".to_string(),
            "content/policies/expiring.md".to_string()
        )]
    );
    let run = gongkai(&["check", "--format", "json"], &dir);
    let d = &run.json_diags()[0];
    assert!(
        d["message"].as_str().unwrap().contains("2016年12月20日"),
        "{d}"
    );
    assert_eq!(d["source_line"], "expires = 2016-12-20");
    // 49 days ahead: quiet; once past, the document is 已失效, nothing to warn about.
    assert!(codes_at(&dir, NOV_1_2016).is_empty());
    assert!(codes_at(&dir, DEC_21_2016).is_empty());
}

#[test]
fn effective_and_expires_set_what_every_page_says() {
    let site = TestSite::copy_of(&fixture("inspection/validity-dates"));
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
