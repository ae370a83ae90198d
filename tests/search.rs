//! The search index (Pagefind, under `public/pagefind/`): what it holds, and what it never holds.

mod common;

use common::*;
use std::io::Read;
use std::path::Path;

/// Every output file as text: gzip'd files (Pagefind's `.pf_*`) decompressed, and the zero-width
/// spaces Pagefind puts between the words of Chinese content removed, lowercased.
fn output_texts(out: &Path) -> Vec<(String, String)> {
    output_files(out)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(out.join(&f)).unwrap();
            let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
                let mut plain = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut plain)
                    .unwrap_or_else(|e| panic!("{f}: {e}"));
                plain
            } else {
                bytes
            };
            let text = String::from_utf8_lossy(&bytes)
                .replace('\u{200B}', "")
                .to_lowercase();
            (f, text)
        })
        .collect()
}

/// Output files that contain `marker` (case-insensitive), looking inside compressed files.
fn files_containing(out: &Path, marker: &str) -> Vec<String> {
    let marker = marker.to_lowercase();
    output_texts(out)
        .into_iter()
        .filter(|(_, t)| t.contains(&marker))
        .map(|(f, _)| f)
        .collect()
}

/// The decoded Pagefind fragments (one JSON object per indexed page).
fn fragments(out: &Path) -> Vec<serde_json::Value> {
    output_texts(out)
        .into_iter()
        .filter(|(f, _)| f.ends_with(".pf_fragment"))
        .map(|(f, t)| {
            let json = t
                .strip_prefix("pagefind_dcd")
                .unwrap_or_else(|| panic!("{f}: no pagefind_dcd header"));
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{f}: {e}"))
        })
        .collect()
}

fn with_disclosure(serial: u32, title: &str, body_marker: &str, disclosure: &str) -> String {
    policy(serial, title)
        .replace(
            "disclosure = \"主动公开\"",
            &format!("disclosure = \"{disclosure}\""),
        )
        .replace("的正文。", &format!("的正文，含有{body_marker}字样。"))
}

const INTERPRETATION: &str = "+++\ntitle = \"解读：MARKER_TITLE\"\ninterprets = [\"TESTORG/2016-00001\"]\npublished = 2016-04-27\ndisclosure = \"DISCLOSURE\"\n+++\n\n解读正文MARKER_BODY。\n";

/// A site with one ordinary policy, plus a policy and a 解读 with the given disclosure whose
/// titles and bodies carry markers (ASCII ones, which stay one word in the index, and a
/// Chinese one).
fn site_with_markers(disclosure: &str) -> TestSite {
    let site = TestSite::new();
    site.write(
        "content/policies/2016/a.md",
        &policy(1, "关于做好政务公开工作的通知"),
    );
    site.write(
        "content/policies/2016/b.md",
        &with_disclosure(
            2,
            "关于QZXTITLEMARKER事项的通知",
            "QZXBODYMARKER和机密甲乙丙丁戊",
            disclosure,
        ),
    );
    site.write(
        "content/interpretations/a-jiedu.md",
        &INTERPRETATION
            .replace("MARKER_TITLE", "QZXJIEDUTITLE")
            .replace("MARKER_BODY", "QZXJIEDUBODY")
            .replace("DISCLOSURE", disclosure),
    );
    let r = site.build();
    assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
    site
}

const MARKERS: &[&str] = &[
    "QZXTITLEMARKER",
    "QZXBODYMARKER",
    "机密甲乙丙丁戊",
    "QZXJIEDUTITLE",
    "QZXJIEDUBODY",
];

#[test]
fn non_public_documents_are_in_no_output_file_not_even_the_compressed_index() {
    for disclosure in ["依申请公开", "不予公开"] {
        let site = site_with_markers(disclosure);
        assert!(site.exists_out("pagefind/pagefind-entry.json"));
        assert!(
            !fragments(&site.out()).is_empty(),
            "the public policy is indexed"
        );
        for m in MARKERS {
            assert_eq!(
                files_containing(&site.out(), m),
                Vec::<String>::new(),
                "{disclosure} marker {m} leaked"
            );
        }
    }
}

#[test]
fn the_same_markers_in_public_documents_are_found_in_the_index() {
    // The control for the test above: the grep does see inside Pagefind's gzip'd files.
    let site = site_with_markers("主动公开");
    for m in MARKERS {
        let found = files_containing(&site.out(), m);
        assert!(
            found.iter().any(|f| f.ends_with(".pf_fragment")),
            "{m} not in a fragment: {found:?}"
        );
    }
    for m in ["QZXTITLEMARKER", "QZXBODYMARKER", "QZXJIEDUBODY"] {
        let found = files_containing(&site.out(), m);
        assert!(
            found.iter().any(|f| f.ends_with(".pf_index")),
            "{m} not in the word index: {found:?}"
        );
    }
}

#[test]
fn demo_index_holds_every_published_document_page_and_list_item_once() {
    let site = TestSite::copy_of(&repo_root());
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let entry = site.read_out("pagefind/pagefind-entry.json");
    assert!(entry.contains("\"zh-cn\""), "indexed as Chinese: {entry}");
    assert!(site.exists_out("pagefind/pagefind.js"));
    for unused in [
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-highlight.js",
        "pagefind-modular-ui.js",
    ] {
        assert!(
            !site.exists_out(&format!("pagefind/{unused}")),
            "{unused} is not published"
        );
    }
    let frags = fragments(&site.out());
    let urls: Vec<&str> = frags.iter().map(|f| f["url"].as_str().unwrap()).collect();
    let mut unique = urls.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), urls.len(), "each page once");
    let by_url = |u: &str| {
        frags
            .iter()
            .find(|f| f["url"] == u)
            .unwrap_or_else(|| panic!("{u} not indexed; have {urls:?}"))
    };

    let jilin = by_url("/policies/2016/jilin-2016/");
    assert_eq!(
        jilin["meta"]["title"],
        "吉林省人民政府办公厅关于印发2016年全省政务公开工作要点的通知"
    );
    assert_eq!(jilin["meta"]["date"], "2016年04月26日");
    assert_eq!(jilin["meta"]["issuer"], "吉林省人民政府办公厅");
    assert_eq!(jilin["meta"]["doc_no"], "吉政办发〔2016〕24号");
    assert_eq!(jilin["filters"]["类型"][0], "政策文件");
    assert_eq!(jilin["filters"]["年份"][0], "2016");
    assert_eq!(jilin["filters"]["发文机关"][0], "吉林省人民政府办公厅");
    assert!(jilin["content"].as_str().unwrap().contains("预决算"));

    let fee = frags
        .iter()
        .find(|f| {
            f["meta"]["title"]
                .as_str()
                .unwrap()
                .starts_with("不动产登记费")
        })
        .expect("fees item indexed");
    assert!(fee["url"]
        .as_str()
        .unwrap()
        .starts_with("/lists/fees-2016/"));
    assert_eq!(fee["filters"]["类型"][0], "清单");
    assert_eq!(fee["meta"]["issuer"], "信阳市财政局");

    assert_eq!(
        by_url("/interpretations/jilin-2016-tujie/")["filters"]["类型"][0],
        "政策解读"
    );
    assert_eq!(by_url("/guide/")["filters"]["类型"][0], "其他");
    // Navigation pages are not search results.
    for u in ["/", "/policies/", "/catalog/", "/search/", "/sitemap/"] {
        assert!(!urls.contains(&u), "{u} indexed");
    }
    // Every document and page of the model is there: one fragment per policy, 解读 and page.
    let html = |p: &str| site.read_out(p);
    for dir in ["policies/2016", "policies/2017"] {
        for e in std::fs::read_dir(site.out().join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if site.exists_out(&format!("{dir}/{name}/index.html")) {
                by_url(&format!("/{dir}/{name}/"));
            }
        }
    }
    assert!(html("search/index.html").contains("/assets/search.js"));
}

#[test]
fn no_search_flag_builds_without_the_index() {
    let site = TestSite::new();
    site.write(
        "content/policies/2016/a.md",
        &policy(1, "关于做好政务公开工作的通知"),
    );
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.exists_out("search/index.html"));
    assert!(!site.exists_out("pagefind"), "no index with --no-search");
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.exists_out("pagefind/pagefind-entry.json"));
}
