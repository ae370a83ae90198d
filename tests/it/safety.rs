//! The safety guarantees of CONTENT-FORMAT.md, each with a test that would catch its breach:
//! non-public documents leave no trace, raw HTML is sanitized, a failed build leaves the
//! previous output exactly as it was (and unchanged files are not rewritten), and the same
//! input gives the same bytes whatever the thread count.

use crate::support::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

/// Every output file as (relative path, readable bytes): gzip members (Pagefind's index and
/// fragments, any `.gz`) are decompressed, others are as written.
fn readable_outputs(dir: &Path) -> Vec<(String, Vec<u8>, bool)> {
    output_files(dir)
        .into_iter()
        .map(|rel| {
            let raw = std::fs::read(dir.join(&rel)).unwrap();
            if raw.starts_with(&[0x1f, 0x8b]) {
                let mut out = Vec::new();
                flate2::read::MultiGzDecoder::new(&raw[..])
                    .read_to_end(&mut out)
                    .unwrap_or_else(|e| panic!("{rel}: gzip header but not gzip: {e}"));
                (rel, out, true)
            } else {
                (rel, raw, false)
            }
        })
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Files (by path or content) where a marker occurs.
fn where_found(files: &[(String, Vec<u8>, bool)], marker: &str) -> Vec<String> {
    files
        .iter()
        .filter(|(rel, bytes, _)| rel.contains(marker) || contains(bytes, marker))
        .map(|(rel, _, _)| rel.clone())
        .collect()
}

fn doc(fm: &str, body: &str) -> String {
    format!("+++\n{fm}+++\n\n{body}\n")
}

fn policy_fm(title: &str, index_no: &str, disclosure: &str, extra: &str) -> String {
    format!(
        "title = \"{title}\"\nindex_no = \"{index_no}\"\ndoc_no = \"测政办发〔2016〕9号\"\nissuer = \"测试市人民政府办公室\"\nwritten = 2016-04-20\npublished = 2016-04-26\ntopic = \"综合政务\\\\政务公开\"\ncategory = \"政策文件\"\ndisclosure = \"{disclosure}\"\n{extra}"
    )
}

// ---------------------------------------------------------------------------------------
// 1. A document that is not 主动公开 leaves no trace in any output file.

/// Markers that must not appear anywhere in the output: titles, bodies, summaries, 索引号
/// serials, slugs and an asset file name of non-public documents.
const SECRETS: &[&str] = &[
    "qzxreqtitle",
    "申请公开才给看的文件",
    "qzxreqbody",
    "qzxreqsummary",
    "77701",
    "qzxdenytitle",
    "不予公开的内部文件",
    "qzxdenybody",
    "77702",
    "qzxsecretimg",
    "qzxinterptitle",
    "不予公开的解读",
    "qzxinterpbody",
    "qzxpagetitle",
    "qzxpagebody",
    "qzxpageslug",
    "qzxdefaultslug",
];

fn leak_site() -> TestSite {
    let site = TestSite::new();
    // The control: published, so its markers must be found (proves the search works).
    site.write(
        "content/policies/2016/public.md",
        &doc(
            &policy_fm("公开的文件qzxpublictitle", "TESTORG/2016-00001", "主动公开", ""),
            "正文qzxpublicbody，一段足够长的文字，以便搜索索引收录这一段内容。\n\n![示意图](public.svg)",
        ),
    );
    site.write(
        "content/policies/2016/public.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write(
        "content/policies/2016/request.md",
        &doc(
            &policy_fm(
                "申请公开才给看的文件qzxreqtitle",
                "TESTORG/2016-77701",
                "依申请公开",
                "summary = \"qzxreqsummary\"\n",
            ),
            "正文qzxreqbody。",
        ),
    );
    site.write(
        "content/policies/2016/deny.md",
        &doc(
            &policy_fm(
                "不予公开的内部文件qzxdenytitle",
                "TESTORG/2016-77702",
                "不予公开",
                "attachments = [{ title = \"qzxdenyattachment\", file = \"qzxsecretimg.svg\" }]\n",
            ),
            "正文qzxdenybody。\n\n![内部图](qzxsecretimg.svg)",
        ),
    );
    // Referenced only by the non-public policy: must not be copied.
    site.write(
        "content/policies/2016/qzxsecretimg.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><!--qzxsecretsvg--></svg>",
    );
    site.write(
        "content/interpretations/deny-jiedu.md",
        &doc(
            "title = \"不予公开的解读qzxinterptitle\"\ninterprets = [\"TESTORG/2016-00001\"]\npublished = 2016-04-27\ndisclosure = \"不予公开\"\n",
            "解读正文qzxinterpbody。",
        ),
    );
    site.write(
        "content/pages/qzxdefaultslug.md",
        &doc(
            "title = \"内部页面qzxpagetitle\"\ndisclosure = \"不予公开\"\n",
            "页面正文qzxpagebody。",
        ),
    );
    site.write(
        "content/pages/internal.md",
        &doc("title = \"内部页面二qzxpagetitle\"\nslug = \"qzxpageslug\"\ndisclosure = \"依申请公开\"\n", "页面正文qzxpagebody。"),
    );
    site
}

#[test]
fn non_public_documents_leave_no_trace() {
    let site = leak_site();
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = readable_outputs(&site.out());
    assert!(
        files.len() > 20,
        "a whole site was built: {} files",
        files.len()
    );

    // The control markers are found, in several kinds of output.
    let found = where_found(&files, "qzxpublictitle");
    for expected in [
        "policies/2016/public/index.html",
        "policies/index.html",
        "catalog/index.html",
        "policies/atom.xml",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "control title not in {expected}: {found:?}"
        );
    }
    assert!(!where_found(&files, "qzxpublicbody").is_empty());
    assert!(
        site.exists_out("policies/2016/public.svg"),
        "the public document's image is copied"
    );
    // When a search index is written compressed, the control is found inside it too: the
    // decompression works, so the absence of secrets there means something.
    if files.iter().any(|(_, _, gz)| *gz) {
        let in_gz: Vec<String> = files
            .iter()
            .filter(|(_, b, gz)| *gz && contains(b, "qzxpublicbody"))
            .map(|(r, _, _)| r.clone())
            .collect();
        assert!(!in_gz.is_empty(), "control body not in any compressed file");
    }

    let mut leaks = Vec::new();
    for marker in SECRETS {
        let found = where_found(&files, marker);
        if !found.is_empty() {
            leaks.push(format!("{marker}: {found:?}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "non-public content leaked:\n{}",
        leaks.join("\n")
    );
    assert!(!site.exists_out("qzxpageslug/index.html"));
    assert!(!site.exists_out("qzxdefaultslug/index.html"));
    assert!(!site.exists_out("interpretations/deny-jiedu/index.html"));
    assert!(!site.exists_out("policies/2016/deny/index.html"));
    assert!(!site.exists_out("policies/2016/request/index.html"));
    // The public policy's page lists no interpretation: its only one is not public.
    assert!(site
        .read_out("policies/2016/public/index.html")
        .contains("暂无解读"));
}

/// A link from a public document to a non-public one is an error, not a way to publish it.
#[test]
fn links_to_non_public_documents_are_errors() {
    let site = leak_site();
    site.write(
        "content/pages/guide.md",
        &doc(
            "title = \"指南\"\n",
            "见[依申请文件](../policies/2016/request.md)。",
        ),
    );
    let run = site.check_json();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.codes(),
        vec![(
            "E-BROKEN-LINK".to_string(),
            "content/pages/guide.md".to_string()
        )]
    );
    assert!(run.json_diags()[0]["message"]
        .as_str()
        .unwrap()
        .contains("未公开"));
    assert_eq!(site.build().code, 1);
    assert!(!site.out().exists());
}

// ---------------------------------------------------------------------------------------
// 2. Raw HTML is sanitized; tables, images and media from configured hosts survive.

const ATTACKS: &str = r#"<script>alert('qzxscript')</script>

<img src="tu.svg" alt="示意图" onerror="alert('qzxonerror')">

<a href="javascript:alert('qzxjslink')">点此</a> <a href=" JaVaScRiPt:alert('qzxjslink2')">又一个</a>
<a href="&#106;avascript:alert('qzxjslink3')">实体</a> <a href="vbscript:msgbox('qzxvbs')">vb</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">qzxdatalink</a>

<iframe src="https://video.test.gov.cn/qzxiframe"></iframe>

<svg onload="alert('qzxsvg')"><circle r="1"/></svg>

<div style="background:url(javascript:alert('qzxstyleurl'))">样式</div>
<p style="position:fixed;top:0;left:0;width:100%;height:100%">qzxoverlay</p>
<style>body{display:none} .qzxstyletag{}</style>

<form action="https://evil.example/qzxform"><input name="a" onfocus="alert(1)" autofocus></form>
<object data="qzxobject.swf"></object><embed src="qzxembed.swf">
<meta http-equiv="refresh" content="0;url=https://evil.example/qzxmeta">
<base href="https://evil.example/qzxbase/">
<math><mtext><table><mglyph><style><img src=x onerror="alert('qzxmxss')"></style></mglyph></table></mtext></math>
<details open ontoggle="alert('qzxtoggle')">详情</details>
<a href="https://www.gov.cn/" target="_blank" onclick="alert('qzxonclick')" onmouseover="x()">国务院</a>

<video controls src="https://video.test.gov.cn/qzxgoodvideo.mp4"></video>

<video controls src="https://evil.example/qzxbadvideo.mp4"></video>

<video controls><source src="https://evil.example/qzxbadsource.mp4" type="video/mp4"></video>

[markdown link](javascript:alert('qzxmdjs'))

| 项目 | 数量 |
|---|---|
| 主动公开 | 12 |

![办理流程图](tu.svg)
"#;

/// Things that must not be in the sanitized body, whatever the markup around them.
const FORBIDDEN: &[&str] = &[
    "<script",
    "qzxscript",
    "onerror",
    "qzxonerror",
    "javascript:",
    "qzxjslink",
    "vbscript",
    "qzxvbs",
    "data:text",
    "<iframe",
    "qzxiframe",
    "<svg",
    "onload",
    "qzxsvg",
    "style=",
    "qzxstyleurl",
    "position:fixed",
    "<style",
    "qzxstyletag",
    "<form",
    "qzxform",
    "onfocus",
    "<input",
    "<object",
    "qzxobject",
    "<embed",
    "qzxembed",
    "<meta",
    "qzxmeta",
    "<base",
    "qzxbase",
    "qzxmxss",
    "ontoggle",
    "qzxtoggle",
    "onclick",
    "onmouseover",
    "qzxonclick",
    "evil.example",
    "qzxbadvideo",
    "qzxbadsource",
    "qzxmdjs",
];

fn body_of(html: &str) -> &str {
    let start = html.find("<div class=\"body\">").expect("a body");
    let end = html[start..]
        .find("<section class=\"related\"")
        .map(|i| start + i)
        .unwrap_or(html.len());
    &html[start..end]
}

#[test]
fn raw_html_is_sanitized() {
    let site = TestSite::new();
    site.write_config(Config::new().table("check", "media_hosts", "[\"video.test.gov.cn\"]"));
    site.write(
        "content/policies/2016/a.md",
        &doc(
            &policy_fm("带原始 HTML 的文件", "TESTORG/2016-00001", "主动公开", ""),
            ATTACKS,
        ),
    );
    site.write(
        "content/policies/2016/tu.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("W-UNSAFE-URL"),
        "the markdown javascript: link is reported: {}",
        run.stderr
    );
    let page = site.read_out("policies/2016/a/index.html");
    let body = body_of(&page);
    let lower = body.to_ascii_lowercase();
    let bad: Vec<&&str> = FORBIDDEN
        .iter()
        .filter(|f| lower.contains(&f.to_ascii_lowercase()))
        .collect();
    assert!(bad.is_empty(), "unsafe markup survived: {bad:?}\n{body}");

    // What a disclosure page needs survives.
    assert!(
        body.contains("<table>") && body.contains("<td>主动公开</td>"),
        "{body}"
    );
    assert!(
        body.contains("src=\"/policies/2016/tu.svg\"") && body.contains("alt=\"办理流程图\""),
        "{body}"
    );
    assert!(body.contains("alt=\"示意图\""), "{body}");
    assert!(
        body.contains("<video")
            && body.contains("src=\"https://video.test.gov.cn/qzxgoodvideo.mp4\""),
        "{body}"
    );
    assert!(body.contains("href=\"https://www.gov.cn/\""), "{body}");
    assert!(
        body.contains("rel=\"noopener noreferrer\""),
        "links get rel: {body}"
    );
    assert!(
        body.contains("qzxoverlay") && body.contains("点此"),
        "text stays, markup goes: {body}"
    );

    // No other output carries the attacks either (feeds, search index, sitemap …).
    let files = readable_outputs(&site.out());
    for marker in [
        "qzxscript",
        "qzxonerror",
        "qzxjslink",
        "qzxsvg",
        "qzxstyleurl",
        "qzxbadvideo",
        "qzxmxss",
        "qzxonclick",
        "evil.example",
    ] {
        let found = where_found(&files, marker);
        assert!(found.is_empty(), "{marker} in {found:?}");
    }
}

/// Template variables are escaped: a title with markup is shown as text.
#[test]
fn titles_are_escaped() {
    let site = TestSite::new();
    site.write(
        "content/policies/2016/a.md",
        &doc(
            &policy_fm(
                "关于<script>alert('qzxtitle')</script>\\\"><img src=x onerror=alert(1)>的通知",
                "TESTORG/2016-00001",
                "主动公开",
                "",
            ),
            "正文。",
        ),
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = readable_outputs(&site.out());
    let mut seen = 0;
    for (rel, bytes, _) in &files {
        if !(rel.ends_with(".html") || rel.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("<script>alert('qzxtitle')"),
            "{rel} has the raw title"
        );
        assert!(
            !text.contains("<img src=x onerror"),
            "{rel} has the raw title"
        );
        if text.contains("qzxtitle") {
            seen += 1;
        }
    }
    assert!(
        seen >= 3,
        "the escaped title is shown on several pages ({seen})"
    );
    assert!(site
        .read_out("policies/2016/a/index.html")
        .contains("&lt;script&gt;"));
}

// ---------------------------------------------------------------------------------------
// 3. Output is atomic, and unchanged files are not rewritten.

#[derive(Debug, PartialEq)]
struct Stamp {
    bytes: Vec<u8>,
    mtime: SystemTime,
    #[cfg(unix)]
    inode: u64,
}

fn snapshot(dir: &Path) -> BTreeMap<String, Stamp> {
    output_files(dir)
        .into_iter()
        .map(|rel| {
            let p = dir.join(&rel);
            let m = std::fs::metadata(&p).unwrap();
            let stamp = Stamp {
                bytes: std::fs::read(&p).unwrap(),
                mtime: m.modified().unwrap(),
                #[cfg(unix)]
                inode: std::os::unix::fs::MetadataExt::ino(&m),
            };
            (rel, stamp)
        })
        .collect()
}

fn atomic_site() -> TestSite {
    let site = TestSite::new()
        .policy(Policy::new(1, "甲文件"))
        .policy(Policy::new(2, "乙文件"))
        .policy(Policy::new(3, "丙文件"));
    site.write(
        "content/pages/guide.md",
        "+++\ntitle = \"信息公开指南\"\n+++\n\n指南正文。\n",
    );
    site.write("static/attachments/a.pdf", "%PDF-1.4 test");
    site
}

fn no_staging_left(site: &TestSite) {
    let names: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with("public.")),
        "staging or old output left behind: {names:?}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_exactly_as_it_was() {
    let site = atomic_site();
    assert_eq!(site.build().code, 0);
    let before = snapshot(&site.out());
    assert!(before.contains_key("policies/2016/c/index.html"));

    // A content error: validation fails before anything is written.
    site.write(
        "content/policies/2016/c.md",
        "+++\ntitle = \"丙文件\"\n+++\n坏文件",
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("原有输出目录未改动"), "{}", run.stderr);
    assert!(
        snapshot(&site.out()) == before,
        "output changed after a failed build"
    );
    no_staging_left(&site);

    // A template that fails only for free pages: policy pages were already staged when it
    // fails, and still nothing reaches the output.
    site.write("content/policies/2016/c.md", &policy(3, "丙文件（修订）"));
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}{{ no_such_variable.at_all }}{% endblock content %}");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("E-TEMPLATE"), "{}", run.stderr);
    assert!(
        snapshot(&site.out()) == before,
        "output changed after a failed render"
    );
    no_staging_left(&site);
}

#[test]
fn unchanged_files_are_not_rewritten_and_removed_documents_disappear() {
    let site = atomic_site();
    assert_eq!(site.build().code, 0);
    let before = snapshot(&site.out());

    // Fix-and-rebuild: c changes, b is removed, a is untouched.
    site.write(
        "content/policies/2016/c.md",
        &Policy::new(3, "丙文件")
            .body("丙文件修订后的正文。")
            .render(),
    );
    site.remove("content/policies/2016/b.md");
    // Its URL was published: the removal is declared (else the build fails, E-URL-REMOVED).
    site.write(
        "content/removed.toml",
        "[[removed]]\nurl = \"/policies/2016/b/\"\nreason = \"已废止\"\ndate = 2016-12-01\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = snapshot(&site.out());
    no_staging_left(&site);

    let a = "policies/2016/a/index.html";
    assert_eq!(
        after[a], before[a],
        "an untouched page keeps its bytes, mtime and inode"
    );
    let pdf = "attachments/a.pdf";
    assert_eq!(
        after[pdf], before[pdf],
        "an untouched static file keeps its bytes, mtime and inode"
    );
    let c = "policies/2016/c/index.html";
    assert_ne!(after[c].bytes, before[c].bytes);
    assert!(String::from_utf8_lossy(&after[c].bytes).contains("丙文件修订后的正文"));
    #[cfg(unix)]
    assert_ne!(
        after[c].inode, before[c].inode,
        "a changed page is a new file"
    );
    assert!(after[c].mtime >= before[c].mtime);
    let b = String::from_utf8_lossy(&after["policies/2016/b/index.html"].bytes).into_owned();
    assert!(
        !b.contains("乙文件") && b.contains("已停止公开"),
        "the removed document's page says it is withdrawn, and nothing of it: {b}"
    );
    assert!(!String::from_utf8_lossy(&after["policies/index.html"].bytes).contains("乙文件"));

    // Every file whose bytes are the same is the same file: nothing is rewritten needlessly.
    let mut kept = 0;
    for (rel, s) in &after {
        if let Some(old) = before.get(rel) {
            if old.bytes == s.bytes {
                assert_eq!(old, s, "{rel}: same bytes but rewritten");
                kept += 1;
            }
        }
    }
    assert!(kept > 5, "most files are unchanged ({kept})");

    // A rebuild with no change rewrites nothing.
    let run = site.build();
    assert_eq!(run.code, 0);
    assert!(
        snapshot(&site.out()) == after,
        "a no-op rebuild changed the output"
    );
    assert!(run.stderr.contains("0 个已更新"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// 4. The same input gives the same bytes, whatever the thread count.

#[test]
fn builds_are_deterministic_across_thread_counts() {
    let demo = TestSite::demo();
    let outs = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for threads in ["1", "2"] {
        let out = outs.path().join(format!("out-{threads}"));
        let run = gongkai_env(
            &["build", "--output", out.to_str().unwrap()],
            demo.path(),
            &[
                ("SOURCE_DATE_EPOCH", "1480550400"),
                ("RAYON_NUM_THREADS", threads),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let tree: BTreeMap<String, Vec<u8>> = output_files(&out)
            .into_iter()
            .map(|rel| (rel.clone(), std::fs::read(out.join(&rel)).unwrap()))
            .collect();
        trees.push(tree);
    }
    let (one, two) = (&trees[0], &trees[1]);
    assert!(
        one.len() > 100,
        "the demo builds a whole site ({} files)",
        one.len()
    );
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>(),
        "same files"
    );
    let differ: Vec<&String> = one.keys().filter(|k| one[*k] != two[*k]).collect();
    assert!(
        differ.is_empty(),
        "files differ between 1 and 2 threads: {differ:?}"
    );
}
