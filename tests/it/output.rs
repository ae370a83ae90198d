//! The output directory is gongkai's only when gongkai says so: what the writer refuses, what it
//! keeps, how a failed move is rolled back and how a damaged output file is repaired.
//!
//! Refusals are one case per folder in `tests/fixtures/output/<case>/`: `case.toml` says how
//! the build is called (`args`, `config` appended to the site config, `dirs` to create) and
//! which diagnostic code it must fail with (`""`: it must succeed); `files/` is laid over a
//! small test site before the build.

use crate::support::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const MARKER: &str = ".gongkai-output";

fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                (
                    std::fs::read(e.path()).unwrap(),
                    m.modified().unwrap(),
                    m.ino(),
                ),
            )
        })
        .collect()
}

/// Nothing named `*.gongkai-staging` (or any other leftover of the writer) beside `dir`'s
/// entries or inside `dir`.
fn no_leftovers(dir: &Path) {
    let left: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().display().to_string())
        .filter(|p| p.contains(".gongkai-staging") || p.contains(".gongkai-backup"))
        .collect();
    assert!(left.is_empty(), "writer leftovers: {left:?}");
}

fn small_site() -> TestSite {
    let site = TestSite::new()
        .policy(Policy::new(1, "甲文件"))
        .policy(Policy::new(2, "乙文件"));
    site.write("static/logo.txt", "logo");
    site
}

#[derive(serde::Deserialize)]
struct Case {
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    config: String,
    #[serde(default)]
    dirs: Vec<String>,
    code: String,
}

fn run_case(name: &str, dir: &Path) {
    let case: Case = toml::from_str(&std::fs::read_to_string(dir.join("case.toml")).unwrap())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let site = small_site();
    if !case.config.is_empty() {
        let config = std::fs::read_to_string(site.path().join("site-config.toml")).unwrap();
        site.write("site-config.toml", &format!("{config}\n{}", case.config));
    }
    for d in &case.dirs {
        std::fs::create_dir_all(site.path().join(d)).unwrap();
    }
    let files = dir.join("files");
    if files.is_dir() {
        for e in walkdir::WalkDir::new(&files)
            .into_iter()
            .filter_map(Result::ok)
        {
            let rel = e.path().strip_prefix(&files).unwrap();
            if e.file_type().is_file() {
                site.write_bytes(
                    &rel.display().to_string(),
                    &std::fs::read(e.path()).unwrap(),
                );
            }
        }
    }
    let before = snapshot(site.path());
    let mut args = vec!["build", "--no-search"];
    args.extend(case.args.iter().map(String::as_str));
    let r = gongkai(&args, site.path());
    if case.code.is_empty() {
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(
            site.out().join(MARKER).is_file(),
            "{name}: marked as gongkai's"
        );
        assert!(site.exists_out("policies/2016/a/index.html"), "{name}");
    } else {
        assert_eq!(r.code, 2, "{name}: refused as bad usage:\n{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("[{}]", case.code)),
            "{name}: expected {} in:\n{}",
            case.code,
            r.stderr
        );
        assert!(r.stderr.contains("提示"), "{name}: a hint:\n{}", r.stderr);
        assert!(
            snapshot(site.path()) == before,
            "{name}: the site folder changed"
        );
    }
    no_leftovers(site.path());
}

#[test]
fn output_directory_cases() {
    let root = fixture("output");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    // The cases that would reach outside the temporary site run last, after every other case
    // showed that refusals work.
    cases.sort_by_key(|p| {
        let n = p.file_name().unwrap().to_string_lossy().into_owned();
        n.contains("parent") || n.contains("filesystem-root")
    });
    assert!(cases.len() >= 10, "{cases:?}");
    for dir in cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        run_case(&name, &dir);
    }
    assert!(!Path::new("/.gongkai-output").exists());
}

#[test]
fn files_gongkai_did_not_write_are_kept() {
    let site = small_site();
    assert_eq!(site.build().code, 0);
    site.write_bytes("public/thesis.docx", b"PK\x03\x04 thesis");
    site.write("public/policies/2016/notes.txt", "私人笔记");
    site.write(
        "content/policies/2016/b.md",
        &policy(2, "乙文件").replace("的正文", "修订后的正文"),
    );
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.counts().0 >= 1, "b's page is rewritten: {}", r.stderr);
    assert!(site
        .read_out("policies/2016/b/index.html")
        .contains("修订后的正文"));
    assert_eq!(
        std::fs::read(site.out().join("thesis.docx")).unwrap(),
        b"PK\x03\x04 thesis"
    );
    assert_eq!(site.read_out("policies/2016/notes.txt"), "私人笔记");
}

#[test]
fn a_foreign_file_where_a_page_goes_fails_the_build_and_changes_nothing() {
    let site = small_site();
    assert_eq!(site.build().code, 0);
    site.write("public/policies/2016/c/index.html", "别人的页面");
    site.write("content/policies/2016/c.md", &policy(3, "丙文件"));
    site.write(
        "content/policies/2016/a.md",
        &policy(1, "甲文件").replace("的正文", "修订后的正文"),
    );
    let before = snapshot(&site.out());
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("[E-OUTPUT-FOREIGN]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("policies/2016/c/index.html"),
        "{}",
        r.stderr
    );
    assert!(snapshot(&site.out()) == before, "the output changed");
    no_leftovers(site.path());
}

#[test]
fn a_failed_move_rolls_the_whole_output_back() {
    let site = TestSite::demo();
    assert_eq!(gongkai(&["build", "--no-search"], site.path()).code, 0);
    let before = snapshot(&site.out());
    // Every page changes, one document goes, one comes.
    let base =
        std::fs::read_to_string(repo_root().join("themes/default/templates/base.html")).unwrap();
    site.write(
        "templates/base.html",
        &base.replace("</body>", "<!-- 新模板 -->\n</body>"),
    );
    site.remove("content/interpretations/yingkou-2016-wenzi.md");
    site.write(
        "content/removed.toml",
        "[[removed]]\nurl = \"/interpretations/yingkou-2016-wenzi/\"\nreason = \"解读已并入新文件\"\ndate = 2016-12-01\n",
    );
    site.write(
        "content/policies/2016/new-2016.md",
        &std::fs::read_to_string(repo_root().join("content/policies/2016/jilin-2016.md"))
            .unwrap()
            .replace("2016-00121", "2016-09121")
            .replace("24号", "99号")
            .replace("工作要点的通知", "工作要点的补充通知"),
    );
    for at in ["1", "2", "37", "last"] {
        let r = gongkai_env(
            &["build", "--no-search"],
            site.path(),
            &[
                ("SOURCE_DATE_EPOCH", "1480550400"),
                ("GONGKAI_FAULT_MOVE", at),
            ],
        );
        assert_eq!(r.code, 1, "move {at} fails the build:\n{}", r.stderr);
        assert!(r.stderr.contains("原有输出目录未改动"), "{}", r.stderr);
        assert!(
            snapshot(&site.out()) == before,
            "after a failure at move {at} the output is the previous one, byte for byte"
        );
        no_leftovers(site.path());
    }
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.read_out("index.html").contains("<!-- 新模板 -->"));
    site.assert_same_as_fresh_build();
}

#[test]
fn a_failed_first_build_leaves_nothing() {
    let site = small_site();
    let r = gongkai_env(
        &["build", "--no-search"],
        site.path(),
        &[
            ("SOURCE_DATE_EPOCH", "1480550400"),
            ("GONGKAI_FAULT_MOVE", "1"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!site.out().exists());
    no_leftovers(site.path());
}

#[test]
fn damaged_output_files_are_repaired() {
    let site = TestSite::demo();
    assert_eq!(gongkai(&["build", "--no-search"], site.path()).code, 0);
    let truncated = "policies/2016/jilin-2016/index.html";
    let edited = "index.html";
    let css = output_files(&site.out())
        .into_iter()
        .find(|f| f.ends_with(".css"))
        .expect("a stylesheet");
    std::fs::write(site.out().join(truncated), b"").unwrap();
    // Same length, same mtime: only the content differs.
    let p = site.out().join(edited);
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&p).unwrap();
    let at = bytes.len() / 2;
    bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&p, &bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&p)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    std::fs::write(site.out().join(&css), b"/* hand-edited */").unwrap();
    std::fs::remove_file(site.out().join("policies/index.html")).unwrap();

    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.counts().0,
        4,
        "the four damaged files are written: {}",
        r.stderr
    );
    site.assert_same_as_fresh_build();
    // And then nothing is left to repair.
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.counts().0, 0, "{}", r.stderr);
}
