//! The build cache: a rebuild renders and writes only what changed, and its output is byte for
//! byte the output of a fresh build.

mod common;

use common::*;
use std::path::Path;

/// (written, unchanged, removed) from the "生成完成：…" line.
fn counts(r: &Run) -> (usize, usize, usize) {
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("生成完成"))
        .unwrap_or_else(|| panic!("no summary in:\n{}", r.stderr));
    let num = |label: &str| -> usize {
        let end = line
            .find(label)
            .unwrap_or_else(|| panic!("no {label} in {line}"));
        let start = line[..end]
            .rfind(['（', '，'])
            .map(|i| i + line[i..].chars().next().unwrap().len_utf8())
            .unwrap_or(0);
        line[start..end]
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("bad number before {label} in {line}"))
    };
    (num(" 个已更新"), num(" 个未变"), num(" 个已删除"))
}

fn build(site: &TestSite) -> Run {
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
    r
}

/// A fresh build of the same site into another directory has the same files and bytes.
fn assert_same_as_fresh_build(site: &TestSite) {
    let fresh = site.path().join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    let r = gongkai(&["build", "--no-search", "--output", "fresh"], site.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(counts(&r).1, 0, "a fresh build reuses nothing");
    let (a, b) = (output_files(&site.out()), output_files(&fresh));
    assert_eq!(a, b, "same files");
    for f in &a {
        assert!(
            read(&site.out(), f) == read(&fresh, f),
            "{f} differs from a fresh build"
        );
    }
    std::fs::remove_dir_all(&fresh).unwrap();
}

fn read(dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).unwrap()
}

fn append(site: &TestSite, rel: &str, text: &str) {
    let p = site.path().join(rel);
    let mut s = std::fs::read_to_string(&p).unwrap();
    s.push_str(text);
    std::fs::write(p, s).unwrap();
}

const POLICY: &str = "content/policies/2016/jilin-2016.md";

#[test]
fn editing_one_body_rewrites_only_its_page() {
    let site = TestSite::copy_of(&repo_root());
    let (written, _, _) = counts(&build(&site));
    assert!(written > 200, "first build writes everything ({written})");
    let caches = std::fs::read_dir(site.path().join(".gongkai-cache"))
        .expect("the cache is in .gongkai-cache/")
        .count();
    assert_eq!(caches, 1);

    // Nothing changed: nothing is written.
    let (written, unchanged, removed) = counts(&build(&site));
    assert_eq!((written, removed), (0, 0));
    assert!(unchanged > 200);

    let page = "policies/2016/jilin-2016/index.html";
    let before = std::fs::metadata(site.out().join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    append(&site, POLICY, "\n评估结果向社会公开，接受群众监督。\n");
    let (written, _, removed) = counts(&build(&site));
    assert!(
        (1..=3).contains(&written),
        "one edit rewrites its page, not the site ({written} files)"
    );
    assert_eq!(removed, 0);
    assert!(site
        .read_out(page)
        .contains("评估结果向社会公开，接受群众监督。"));
    let after = std::fs::metadata(site.out().join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "untouched pages keep their mtime");
    assert_same_as_fresh_build(&site);
}

#[test]
fn editing_a_template_or_the_config_rewrites_every_page() {
    let site = TestSite::copy_of(&repo_root());
    build(&site);
    let pages = output_files(&site.out())
        .iter()
        .filter(|f| f.ends_with(".html"))
        .count();

    let base =
        std::fs::read_to_string(repo_root().join("themes/default/templates/base.html")).unwrap();
    site.write(
        "templates/base.html",
        &base.replace("</body>", "<!-- 模板已修改 -->\n</body>"),
    );
    let (written, _, _) = counts(&build(&site));
    assert!(
        written >= pages,
        "a template edit re-renders every page ({written} of {pages})"
    );
    assert!(site.read_out("index.html").contains("<!-- 模板已修改 -->"));
    assert!(site
        .read_out("policies/2016/jilin-2016/index.html")
        .contains("<!-- 模板已修改 -->"));
    assert_same_as_fresh_build(&site);

    let config = std::fs::read_to_string(site.path().join("site-config.toml")).unwrap();
    let phone = config
        .lines()
        .find(|l| l.starts_with("phone"))
        .expect("the demo has a phone")
        .to_string();
    site.write(
        "site-config.toml",
        &config.replace(&phone, "phone = \"0000-7654321\""),
    );
    let (written, _, _) = counts(&build(&site));
    assert!(
        written >= pages,
        "a config edit re-renders every page ({written} of {pages})"
    );
    assert!(site
        .read_out("policies/2016/jilin-2016/index.html")
        .contains("0000-7654321"));
    assert_same_as_fresh_build(&site);
}

#[test]
fn deleting_a_document_removes_its_page() {
    let site = TestSite::new();
    for i in 1..=3 {
        site.write(
            &format!("content/policies/p{i}.md"),
            &policy(i, &format!("测试文件{i}")),
        );
    }
    build(&site);
    let gone = output_files(&site.out())
        .into_iter()
        .find(|f| f.starts_with("policies/") && f.contains("p2/"))
        .expect("p2's page");
    site.remove("content/policies/p2.md");
    // A published URL may not vanish silently: the deletion is declared.
    site.write(
        "content/removed.toml",
        "[[removed]]\nurl = \"/policies/p2/\"\nreason = \"已废止\"\ndate = 2016-12-01\n",
    );
    // Its URL now serves the withdrawal page (so no file is deleted).
    build(&site);
    assert!(site.read_out(&gone).contains("已停止公开"));
    assert!(
        !site.read_out(&gone).contains("测试文件2"),
        "{gone} no longer shows the document"
    );
    assert!(!site.read_out("policies/index.html").contains("测试文件2"));
    assert_same_as_fresh_build(&site);
}

#[test]
fn a_failed_build_leaves_output_and_cache_usable() {
    let site = TestSite::copy_of(&repo_root());
    build(&site);
    let snapshot: Vec<(String, Vec<u8>)> = output_files(&site.out())
        .into_iter()
        .map(|f| (f.clone(), read(&site.out(), &f)))
        .collect();
    site.write("templates/base.html", "{% if %}");
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 1, "a template error fails the build");
    let now: Vec<(String, Vec<u8>)> = output_files(&site.out())
        .into_iter()
        .map(|f| (f.clone(), read(&site.out(), &f)))
        .collect();
    assert!(now == snapshot, "the output is untouched");
    site.remove("templates/base.html");
    let (written, _, removed) = counts(&build(&site));
    assert_eq!(
        (written, removed),
        (0, 0),
        "the cache still matches the untouched output"
    );
    assert_same_as_fresh_build(&site);
}
