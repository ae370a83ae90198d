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
