//! The builder end to end: fixture sites and the demo portal, asserted on the output tree.

use crate::support::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Attribute values of `href=` and `src=` in an HTML text.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            let end = after.find('"').unwrap_or(after.len());
            out.push(after[..end].replace("&amp;", "&"));
            rest = &after[end..];
        }
    }
    out
}

/// `id="…"` values in an HTML text.
fn ids(html: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        let after = &rest[i + 5..];
        let end = after.find('"').unwrap_or(after.len());
        out.insert(after[..end].to_string());
        rest = &after[end..];
    }
    out
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Every internal link and fragment in every HTML page of `out` resolves. Returns the number
/// of links checked.
fn check_links(out: &Path) -> usize {
    let files = output_files(out);
    let file_set: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    let mut id_cache: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut broken = Vec::new();
    let mut checked = 0;
    for f in files.iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(f)).unwrap();
        let page_dir = match f.rfind('/') {
            Some(i) => &f[..i + 1],
            None => "",
        };
        for l in links(&html) {
            if l.starts_with("http://")
                || l.starts_with("https://")
                || l.starts_with("mailto:")
                || l.starts_with("tel:")
                || l.starts_with("//")
            {
                continue;
            }
            checked += 1;
            let (path_part, frag) = match l.split_once('#') {
                Some((p, fr)) => (p.to_string(), Some(decode(fr))),
                None => (l.clone(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or("").to_string();
            let target = if path_part.is_empty() {
                f.clone()
            } else if let Some(abs) = path_part.strip_prefix('/') {
                decode(abs)
            } else {
                format!("{page_dir}{}", decode(&path_part))
            };
            let target = if target.is_empty() || target.ends_with('/') {
                format!("{target}index.html")
            } else {
                target
            };
            if !file_set.contains(target.as_str()) {
                broken.push(format!("{f}: {l}"));
                continue;
            }
            if let Some(frag) = frag.filter(|x| !x.is_empty()) {
                let ids = id_cache.entry(target.clone()).or_insert_with(|| {
                    ids(&std::fs::read_to_string(out.join(&target)).unwrap_or_default())
                });
                if !ids.contains(&frag) {
                    broken.push(format!("{f}: {l} (no id {frag})"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} broken internal links:\n{}",
        broken.len(),
        broken.join("\n")
    );
    checked
}

/// Front matter of a content file, read independently of gongkai's code.
fn front_matter(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap();
    let rest = text.strip_prefix("+++\n").expect("front matter");
    let end = rest.find("\n+++").expect("closing +++");
    toml::from_str(&rest[..end]).unwrap()
}

fn md_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

#[test]
fn demo_portal_has_no_broken_internal_link() {
    let site = TestSite::built_demo();
    let n = check_links(&site.out());
    assert!(n > 1000, "only {n} links checked");
}

#[test]
fn demo_portal_has_every_section() {
    let site = TestSite::built_demo();
    for f in [
        "index.html",
        "404.html",
        "policies/index.html",
        "interpretations/index.html",
        "catalog/index.html",
        "lists/index.html",
        "reports/index.html",
        "disclosure/index.html",
        "search/index.html",
        "sitemap/index.html",
        "guide/index.html",
        "apply/index.html",
        "sitemap.xml",
        "robots.txt",
        "policies/atom.xml",
        "interpretations/atom.xml",
        "assets/gongkai.css",
        "policies/by-year/2016/index.html",
        "policies/by-validity/in-force/index.html",
        "policies/by-validity/expired/index.html",
        "interpretations/by-form/graphic/index.html",
    ] {
        assert!(site.exists_out(f), "missing {f}");
    }
    // Facet pages by 发文机关 and 主题分类, and catalog pages by 公开目录 category, exist and list documents.
    for dir in [
        "policies/by-issuer",
        "policies/by-topic",
        "catalog/by-category",
        "catalog/by-year",
    ] {
        let entries: Vec<_> = std::fs::read_dir(site.out().join(dir)).unwrap().collect();
        assert!(!entries.is_empty(), "{dir} is empty");
    }
    // Every published policy and interpretation has its page; the 依申请公开 one has none.
    for p in md_files(&site.path().join("content/policies")) {
        let fm = front_matter(&p);
        let rel = p
            .strip_prefix(site.path().join("content/policies"))
            .unwrap()
            .with_extension("");
        let page = format!("policies/{}/index.html", rel.to_string_lossy());
        let public = fm["disclosure"].as_str() == Some("主动公开");
        assert_eq!(site.exists_out(&page), public, "{page}");
    }
}

#[test]
fn every_page_carries_the_standard_head_and_footer() {
    let site = TestSite::built_demo();
    let mut pages = 0;
    for f in output_files(&site.out())
        .iter()
        .filter(|f| f.ends_with(".html"))
    {
        let html = site.read_out(f);
        pages += 1;
        assert!(html.contains("<html lang=\"zh-CN\">"), "{f}");
        for tag in [
            "SiteName",
            "SiteDomain",
            "SiteIDCode",
            "ColumnName",
            "ColumnType",
        ] {
            assert!(
                html.contains(&format!("<meta name=\"{tag}\" content=\"")),
                "{f} lacks {tag}"
            );
        }
        assert!(
            html.contains("<meta name=\"SiteIDCode\" content=\"4115000001\">"),
            "{f}"
        );
        assert!(html.contains("主办单位：信阳市人民政府办公室"), "{f}");
        assert!(html.contains("网站标识码：4115000001"), "{f}");
        assert!(
            html.contains(
                "<a href=\"https://beian.miit.gov.cn/\" rel=\"noopener\">豫ICP备05017362号</a>"
            ),
            "{f}"
        );
        assert!(html.contains("豫公网安备"), "{f}");
        if f != "index.html" && f != "404.html" {
            assert!(
                html.contains("aria-label=\"当前位置\""),
                "{f} lacks a breadcrumb"
            );
        }
    }
    assert!(pages > 100);
}

#[test]
fn policy_page_shows_the_standard_metadata() {
    let site = TestSite::built_demo();
    let html = site.read_out("policies/2016/jilin-2016/index.html");
    for s in [
        "吉林省人民政府办公厅关于印发2016年全省政务公开工作要点的通知",
        "<th scope=\"row\">索引号</th><td>11411500005397436X/2016-00121</td>",
        "<th scope=\"row\">发文机关</th><td>吉林省人民政府办公厅</td>",
        "<th scope=\"row\">发文字号</th><td>吉政办发〔2016〕24号</td>",
        "2016年04月20日",
        "2016年04月26日",
        "<th scope=\"row\">主题分类</th>",
        "<th scope=\"row\">有效性</th>",
        "<meta name=\"ArticleTitle\" content=\"吉林省人民政府办公厅关于印发2016年全省政务公开工作要点的通知\">",
        "<meta name=\"PubDate\" content=\"2016-04-26 00:00\">",
        "<meta name=\"ContentSource\" content=\"吉林省人民政府办公厅\">",
        "<meta name=\"ColumnType\" content=\"政策文件\">",
    ] {
        assert!(html.contains(s), "policy page lacks {s}");
    }
}

#[test]
fn repealed_policy_says_so_and_links_its_replacement() {
    let site = TestSite::built_demo();
    let mut seen = 0;
    for p in md_files(&site.path().join("content/policies")) {
        let fm = front_matter(&p);
        let validity = fm
            .get("validity")
            .and_then(|v| v.as_str())
            .unwrap_or("现行有效");
        if validity == "现行有效" || fm["disclosure"].as_str() != Some("主动公开") {
            continue;
        }
        seen += 1;
        let rel = p
            .strip_prefix(site.path().join("content/policies"))
            .unwrap()
            .with_extension("");
        let html = site.read_out(&format!("policies/{}/index.html", rel.to_string_lossy()));
        assert!(
            html.contains(&format!("<strong>本文件{validity}</strong>")),
            "{rel:?}"
        );
        let changed = fm["validity_changed"].as_datetime().unwrap().to_string();
        let (y, m, d) = (&changed[0..4], &changed[5..7], &changed[8..10]);
        assert!(
            html.contains(&format!("{y}年{m}月{d}日")),
            "banner lacks the date"
        );
        if let Some(r) = fm.get("replaced_by").and_then(|v| v.as_str()) {
            let target = md_files(&site.path().join("content/policies"))
                .into_iter()
                .find(|q| front_matter(q)["index_no"].as_str() == Some(r))
                .expect("replacement exists");
            let trel = target
                .strip_prefix(site.path().join("content/policies"))
                .unwrap()
                .with_extension("");
            assert!(html.contains(&format!(
                "请参阅替代文件：<a href=\"/policies/{}/\"",
                trel.to_string_lossy()
            )));
        }
    }
    assert!(
        seen >= 1,
        "the demo should have a policy that is no longer in force"
    );
}

#[test]
fn policies_and_interpretations_link_both_ways() {
    let site = TestSite::built_demo();
    let policies: BTreeMap<String, String> = md_files(&site.path().join("content/policies"))
        .into_iter()
        .filter(|p| front_matter(p)["disclosure"].as_str() == Some("主动公开"))
        .map(|p| {
            let ix = front_matter(&p)["index_no"].as_str().unwrap().to_string();
            let rel = p
                .strip_prefix(site.path().join("content/policies"))
                .unwrap()
                .with_extension("");
            (ix, format!("/policies/{}/", rel.to_string_lossy()))
        })
        .collect();
    let interps = md_files(&site.path().join("content/interpretations"));
    assert!(interps.len() >= 5);
    let mut forms = BTreeSet::new();
    for i in interps {
        let fm = front_matter(&i);
        forms.insert(
            fm.get("form")
                .and_then(|v| v.as_str())
                .unwrap_or("文字")
                .to_string(),
        );
        let rel = i
            .strip_prefix(site.path().join("content/interpretations"))
            .unwrap()
            .with_extension("");
        let url = format!("/interpretations/{}/", rel.to_string_lossy());
        let page = site.read_out(&format!("{}index.html", &url[1..]));
        for ix in fm["interprets"].as_array().unwrap() {
            let purl = &policies[ix.as_str().unwrap()];
            assert!(
                page.contains(&format!("href=\"{purl}\"")),
                "{url} does not link {purl}"
            );
            let ppage = site.read_out(&format!("{}index.html", &purl[1..]));
            assert!(
                ppage.contains(&format!("href=\"{url}\"")),
                "{purl} does not link back to {url}"
            );
        }
    }
    assert!(forms.len() >= 4, "demo 解读 forms: {forms:?}");
}

#[test]
fn feeds_sitemap_and_robots_use_absolute_urls() {
    let site = TestSite::built_demo();
    let feed = site.read_out("policies/atom.xml");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(feed.contains("<link href=\"https://www.xinyang.gov.cn/policies/2016/jilin-2016/\"/>"));
    assert!(
        !feed.contains("内部征求意见稿"),
        "the 依申请公开 document is in the feed"
    );
    let ifeed = site.read_out("interpretations/atom.xml");
    assert!(ifeed.matches("<entry>").count() >= 5);
    let sm = site.read_out("sitemap.xml");
    assert!(sm.contains("<loc>https://www.xinyang.gov.cn/</loc>"));
    assert!(sm.contains("<loc>https://www.xinyang.gov.cn/policies/2016/jilin-2016/</loc><lastmod>2016-04-26</lastmod>"));
    assert!(!sm.contains("<loc>/"), "relative URL in sitemap");
    let robots = site.read_out("robots.txt");
    assert!(robots.contains("Sitemap: https://www.xinyang.gov.cn/sitemap.xml"));
}

#[test]
fn base_url_flag_overrides_the_config() {
    let site = TestSite::demo();
    let r = gongkai(
        &[
            "build",
            "--base-url",
            "https://preview.example.cn/",
            "--output",
            "out",
        ],
        site.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sm = std::fs::read_to_string(site.path().join("out/sitemap.xml")).unwrap();
    assert!(sm.contains("<loc>https://preview.example.cn/</loc>"));
    assert!(!site.exists_out("index.html"), "--output was ignored");
}

#[test]
fn fixture_site_with_theme_overrides_static_files_and_links() {
    let site = TestSite::copy_of(&fixture("basic")).config(Config::short());
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A template in the site's templates/ overrides the theme's, file by file.
    let page = site.read_out("about/index.html");
    assert!(page.contains("OVERRIDDEN-PAGE-TEMPLATE"));
    assert!(
        site.read_out("index.html").contains("主办单位"),
        "other templates still come from the theme"
    );
    // static/ is copied; theme assets too.
    assert_eq!(site.read_out("attachments/plan.txt"), "附件内容\n");
    assert!(site.exists_out("assets/gongkai.css"));
    // Links between content files resolve to URLs; images beside a document are copied.
    let p = site.read_out("policies/2016/b/index.html");
    let anchor =
        percent_encoding::utf8_percent_encode("二-工作目标", percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2D", "-");
    assert!(
        p.contains(&format!("href=\"/policies/2016/a/#{anchor}\"")),
        "{p}"
    );
    assert!(p.contains("src=\"/policies/2016/chart.svg\""));
    assert!(site.exists_out("policies/2016/chart.svg"));
    assert!(
        p.contains("href=\"/attachments/plan.txt\""),
        "attachment link"
    );
    // Markdown features: tables, footnotes, strikethrough, heading anchors, table of contents.
    let a = site.read_out("policies/2016/a/index.html");
    assert!(a.contains("<table>"));
    assert!(a.contains("footnote-definition"));
    assert!(a.contains("<del>"));
    assert!(a.contains("<nav class=\"toc\""), "long document gets a TOC");
    check_links(&site.out());
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::demo();
    let a = gongkai_env(
        &["build", "--output", "a"],
        site.path(),
        &[
            ("SOURCE_DATE_EPOCH", "1480550400"),
            ("RAYON_NUM_THREADS", "1"),
        ],
    );
    let b = gongkai_env(
        &["build", "--output", "b"],
        site.path(),
        &[
            ("SOURCE_DATE_EPOCH", "1480550400"),
            ("RAYON_NUM_THREADS", "2"),
        ],
    );
    assert_eq!((a.code, b.code), (0, 0));
    let fa = output_files(&site.path().join("a"));
    assert_eq!(fa, output_files(&site.path().join("b")));
    for f in fa {
        assert_eq!(
            std::fs::read(site.path().join("a").join(&f)).unwrap(),
            std::fs::read(site.path().join("b").join(&f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn new_scaffolds_a_site_that_builds_and_unique_index_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let r = gongkai(
        &["new", "site", "s", "--title", "样例县人民政府"],
        dir.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let root = dir.path().join("s");
    let r = gongkai(&["new", "policy", "second", "--title", "第二份文件"], &root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = gongkai(&["new", "policy", "third"], &root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut ix = BTreeSet::new();
    for p in md_files(&root.join("content/policies")) {
        let fm = front_matter(&p);
        let i = fm["index_no"].as_str().unwrap().to_string();
        assert!(i.starts_with("000000000000000000/2016-"), "{i}");
        assert!(ix.insert(i), "duplicate 索引号");
        assert_eq!(
            fm["published"].as_datetime().unwrap().to_string(),
            "2016-12-01",
            "today's date"
        );
    }
    assert_eq!(ix.len(), 3);
    // Refuses to overwrite.
    assert_eq!(gongkai(&["new", "policy", "third"], &root).code, 2);
    let r = gongkai(&["build"], &root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = gongkai(&["new", "list", "ledger", "--kind", "power"], &root);
    assert_eq!(r.code, 0);
    let r = gongkai(
        &[
            "new",
            "interpretation",
            "jd",
            "--interprets",
            "000000000000000000/2016-00001",
        ],
        &root,
    );
    assert_eq!(r.code, 0);
    assert!(root.join("content/lists/ledger.toml").exists());
    assert!(root.join("content/interpretations/jd.md").exists());
}

#[test]
fn many_interpretations_paginate_by_form() {
    let site = TestSite::new();
    site.write("content/policies/p.md", &policy(1, "政策"));
    for i in 0..45 {
        let form = if i % 3 == 0 { "图解" } else { "文字" };
        site.write(
            &format!("content/interpretations/j{i:02}.md"),
            &format!("+++\ntitle = \"解读{i}\"\ninterprets = [\"TESTORG/2016-00001\"]\npublished = 2016-04-26\nform = \"{form}\"\n+++\n\n正文{i}。\n"),
        );
    }
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        site.exists_out("interpretations/by-form/text/page/2/index.html"),
        "30 文字 解读 make two pages"
    );
    assert!(!site.exists_out("interpretations/by-form/text/page/3/index.html"));
    assert!(site.exists_out("interpretations/by-form/graphic/index.html"));
    assert!(
        site.read_out("policies/p/index.html")
            .matches("href=\"/interpretations/j")
            .count()
            == 45
    );
    check_links(&site.out());
}
