//! What an attacker or a careless webmaster could once get through, one test per way in
//! (docs/security.md lists the guarantees): URLs and file names escaped in every output
//! format, a safe base URL, no unpublished attachment or active content copied, the media
//! allowlist on every image, and the corners that were super-linear.

use crate::support::*;

fn xml_ok(site: &TestSite, rel: &str) -> String {
    let text = site.read_out(rel);
    if let Err(e) = roxmltree::Document::parse(&text) {
        panic!("{rel} is not well-formed XML: {e}\n{text}");
    }
    text
}

// ---------------------------------------------------------------------------------------
// base_url and names in atom.xml, sitemap.xml, robots.txt and ledger URLs (items 9, 12).

#[test]
fn javascript_and_other_non_web_base_urls_are_refused() {
    for bad in [
        "javascript:alert(1)//",
        "data:text/html,x",
        "https://a.gov.cn\\nSitemap: https://evil.example",
    ] {
        let site = TestSite::new()
            .config(Config::new().set("base_url", &format!("\"{bad}\"")))
            .policy(Policy::new(1, "测试文件"));
        let run = site.check_json();
        assert_eq!(run.code, 1, "{bad}: {}{}", run.stdout, run.stderr);
        assert_eq!(
            run.codes(),
            vec![("E-CONFIG".to_string(), "site-config.toml".to_string())],
            "{bad}"
        );
        assert_eq!(site.build().code, 1, "{bad}");
        assert!(!site.out().exists());
    }
    // --base-url is held to the same rule.
    let site = TestSite::new().policy(Policy::new(1, "测试文件"));
    let run = gongkai(&["build", "--base-url", "javascript:alert(1)"], site.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--base-url"), "{}", run.stderr);
    assert!(!site.out().exists());
}

#[test]
fn base_url_is_normalised_and_escaped_in_feeds_and_robots() {
    let site = TestSite::new()
        .config(Config::new().set("base_url", "\"https://Test.GOV.cn/a&b\\\"<c>/\""))
        .policy(Policy::new(1, "测试文件"));
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let atom = xml_ok(&site, "policies/atom.xml");
    assert!(
        atom.contains("href=\"https://test.gov.cn/a&amp;b%22%3Cc%3E/policies/2016/a/\""),
        "{atom}"
    );
    xml_ok(&site, "sitemap.xml");
    assert_eq!(
        site.read_out("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://test.gov.cn/a&b%22%3Cc%3E/sitemap.xml\n"
    );
}

#[test]
fn any_file_name_gives_well_formed_feeds_and_encoded_urls() {
    let site = TestSite::new();
    site.write("content/policies/2016/r&d'x.md", &policy(1, "研发文件"));
    site.write(
        "content/interpretations/r&d'x-jiedu.md",
        "+++\ntitle = \"解读 <研发>\"\ninterprets = [\"TESTORG/2016-00001\"]\npublished = 2016-04-27\n+++\n\n解读正文。\n",
    );
    let ledger = |title: &str| {
        format!("[list]\ntitle = \"{title}\"\nkind = \"negative\"\nupdated = 2016-07-01\n\n[[items]]\ncategory = \"类\"\nname = \"名\"\nbasis = \"依据\"\n")
    };
    site.write("content/lists/a#b.toml", &ledger("井号清单"));
    site.write("content/lists/100%.toml", &ledger("百分号清单"));
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let atom = xml_ok(&site, "policies/atom.xml");
    assert!(
        atom.contains("<link href=\"https://test.gov.cn/policies/2016/r&amp;d&apos;x/\"/>"),
        "{atom}"
    );
    xml_ok(&site, "interpretations/atom.xml");
    let sitemap = xml_ok(&site, "sitemap.xml");
    assert!(
        sitemap.contains("https://test.gov.cn/lists/a%23b/"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("https://test.gov.cn/lists/100%25/"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("/lists/a#b/"), "{sitemap}");
    // The pages are where the encoded URLs say (a browser decodes %23 to #).
    assert!(site.exists_out("lists/a#b/index.html"));
    assert!(site.exists_out("lists/100%/index.html"));
    let index = site.read_out("lists/index.html");
    assert!(index.contains("href=\"/lists/a%23b/\""), "{index}");
    assert!(index.contains("href=\"/lists/100%25/\""), "{index}");
    let json = site.read_out("lists/a#b.json");
    assert!(
        json.contains("https://test.gov.cn/lists/a%23b/1/"),
        "{json}"
    );
}

// ---------------------------------------------------------------------------------------
// Super-linear corners (item 15); their times are in the report of the change, not here.

/// 20,000 headings of one title get 20,000 distinct ids (`标题`, `标题-2` … `标题-20000`).
#[test]
fn many_identical_headings_get_distinct_ids() {
    let site = TestSite::new();
    let body = "## 标题\n\n".repeat(20_000);
    site.write(
        "content/policies/2016/a.md",
        &Policy::new(1, "测试文件").body(&body).render(),
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.read_out("policies/2016/a/index.html");
    assert!(html.contains("<h2 id=\"标题\">"));
    assert!(html.contains("<h2 id=\"标题-20000\">"));
    assert_eq!(html.matches("<h2 id=\"标题-2\">").count(), 1);
}

/// 100,000 nested `<div>`s are refused before the HTML parser sees them (it is quadratic in
/// the depth), with an error at the first raw HTML.
#[test]
fn absurdly_nested_html_is_refused_with_a_diagnostic() {
    let site = TestSite::new();
    let body = format!(
        "正文。\n\n{}x{}\n",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    site.write(
        "content/policies/2016/a.md",
        &Policy::new(1, "测试文件").body(&body).render(),
    );
    let run = site.check_json();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let d = &run.json_diags()[0];
    assert_eq!(d["code"], "E-HTML-TOO-DEEP");
    assert_eq!(d["line"], 15);
    assert!(d["message"].as_str().unwrap().contains("100000 层"), "{d}");
}

// ---------------------------------------------------------------------------------------
// media_hosts (item 8): on Markdown images as on raw HTML, URLs read as a browser reads them.

#[test]
fn media_hosts_allowlist_holds_for_markdown_images_and_odd_urls() {
    let site = TestSite::new();
    site.write_config(Config::new().table("check", "media_hosts", "[\"video.test.gov.cn\"]"));
    // No raw HTML at all: only a Markdown image from another host.
    site.write(
        "content/policies/2016/a.md",
        &Policy::new(1, "测试文件").body("![示意图](https://evil.example/track.png)\n\n![视频截图](https://video.test.gov.cn/a.png)").render(),
    );
    site.write(
        "content/policies/2016/b.md",
        &Policy::new(2, "第二个文件").body("<img alt=\"一\" src=\"https:\\\\evil.example/1.png\">\n<img alt=\"二\" src=\" https://evil.example/2.png\">\n<video src=\"//evil.example/3.mp4\"></video>").render(),
    );
    let run = site.check_json();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.codes(),
        vec![(
            "W-MEDIA-HOST".to_string(),
            "content/policies/2016/a.md".to_string()
        )]
    );
    assert_eq!(site.build().code, 0);
    for page in ["policies/2016/a/index.html", "policies/2016/b/index.html"] {
        let html = site.read_out(page);
        assert!(!html.contains("evil.example"), "{page}: {html}");
    }
    assert!(site
        .read_out("policies/2016/a/index.html")
        .contains("src=\"https://video.test.gov.cn/a.png\""));
}

// ---------------------------------------------------------------------------------------
// Attachments of documents that are not 主动公开, kept in static/ (item 4).

#[test]
fn static_attachments_of_unpublished_documents_are_not_published() {
    let site = TestSite::new();
    let with_attachments = |serial: u32, title: &str, disclosure: &str, files: &[&str]| {
        let list: Vec<String> = files
            .iter()
            .map(|f| format!("{{ title = \"附件\", file = \"{f}\" }}"))
            .collect();
        policy(serial, title).replace(
            "disclosure = \"主动公开\"\n",
            &format!(
                "disclosure = \"{disclosure}\"\nattachments = [{}]\n",
                list.join(", ")
            ),
        )
    };
    site.write(
        "content/policies/2016/a.md",
        &with_attachments(1, "公开文件", "主动公开", &["attachments/shared.pdf"]),
    );
    site.write(
        "content/policies/2016/b.md",
        &with_attachments(
            2,
            "依申请公开文件",
            "依申请公开",
            &["attachments/neibu.pdf", "/attachments/shared.pdf"],
        ),
    );
    site.write(
        "content/policies/2016/c.md",
        &with_attachments(3, "不予公开文件", "不予公开", &["attachments/mimi%20a.pdf"]).replace(
            "不予公开文件的正文。",
            "见[内部材料](/attachments/neibu-2.pdf)。\n\n<p><a href='/attachments/neibu-html.pdf'>附件</a> \
             <img src=/attachments/neibu-img.png alt=图></p>\n\n<p><a href=\"/attachments/html-shared.pdf\">共用</a></p>",
        ),
    );
    // A published document names one of them in raw HTML: that one stays published.
    site.write(
        "content/policies/2016/d.md",
        &Policy::new(4, "另一公开文件")
            .body("<p><a href=\"/attachments/html-shared.pdf\">共用附件</a></p>")
            .render(),
    );
    for f in [
        "shared.pdf",
        "neibu.pdf",
        "neibu-2.pdf",
        "neibu-html.pdf",
        "neibu-img.png",
        "html-shared.pdf",
        "mimi a.pdf",
        "other.pdf",
    ] {
        site.write(&format!("static/attachments/{f}"), &format!("%PDF {f}"));
    }
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Shared with a published document: published. Named by nothing: published (static/ is
    // published as a whole). Named only by unpublished documents: not.
    assert!(site.exists_out("attachments/shared.pdf"));
    assert!(site.exists_out("attachments/other.pdf"));
    assert!(site.exists_out("attachments/html-shared.pdf"));
    for f in [
        "neibu.pdf",
        "neibu-2.pdf",
        "neibu-html.pdf",
        "neibu-img.png",
        "mimi a.pdf",
    ] {
        assert!(
            !site.exists_out(&format!("attachments/{f}")),
            "{f} was published"
        );
    }
    let files = output_files(&site.out()).join("\n");
    assert!(
        !files.contains("neibu") && !files.contains("mimi"),
        "{files}"
    );
}

// ---------------------------------------------------------------------------------------
// check fails where build fails (item 11).

#[test]
fn check_and_build_agree_on_output_path_collisions() {
    for name in [
        "url-conflict-feed",
        "url-conflict-facet",
        "url-conflict-ledger",
        "url-conflict-code",
    ] {
        let site = invalid_case(name);
        let check = site.check_json();
        let build = site.build();
        assert_eq!((check.code, build.code), (1, 1), "{name}: {}", build.stderr);
        assert!(
            build.stderr.contains("E-URL-CONFLICT"),
            "{name}: {}",
            build.stderr
        );
        assert!(
            !build.stderr.contains("Policy(") && !build.stderr.contains("Job"),
            "{}",
            build.stderr
        );
        assert!(!site.out().exists(), "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// Symbolic links are skipped with a word (item 14).

#[cfg(unix)]
#[test]
fn skipped_symlinks_are_named() {
    let site = TestSite::new().policy(Policy::new(1, "测试文件"));
    std::os::unix::fs::symlink(
        site.path().join("site-config.toml"),
        site.path().join("content/policies/2016/b.md"),
    )
    .unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::os::unix::fs::symlink("/etc", site.path().join("static/etc")).unwrap();
    let run = site.check_json();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.codes(),
        vec![
            (
                "W-SYMLINK".to_string(),
                "content/policies/2016/b.md".to_string()
            ),
            ("W-SYMLINK".to_string(), "static/etc".to_string()),
        ]
    );
    assert_eq!(site.build().code, 0);
    assert!(!site.exists_out("policies/2016/b/index.html"));
    assert!(!site.exists_out("etc"));
}
