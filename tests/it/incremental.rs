//! The build cache: a rebuild renders and writes only what changed, and its output is byte for
//! byte the output of a fresh build.

use crate::support::*;

const POLICY: &str = "content/policies/2016/jilin-2016.md";

#[test]
fn editing_one_body_rewrites_only_its_page() {
    let site = TestSite::demo();
    site.age();
    let (written, _, _) = site.build_ok(&[]).counts();
    assert!(written > 200, "first build writes everything ({written})");
    let caches = std::fs::read_dir(site.path().join(".gongkai-cache"))
        .expect("the cache is in .gongkai-cache/")
        .count();
    assert_eq!(
        caches, 5,
        "one output directory: its job keys, its file records and its inputs; the bodies; \
         the sources"
    );

    // Nothing changed: nothing is written.
    let (written, unchanged, removed) = site.build_ok(&[]).counts();
    assert_eq!((written, removed), (0, 0));
    assert!(unchanged > 200);

    let page = "policies/2016/jilin-2016/index.html";
    let before = std::fs::metadata(site.out().join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    site.append(POLICY, "\n评估结果向社会公开，接受群众监督。\n");
    let (written, _, removed) = site.build_ok(&[]).counts();
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
    site.assert_same_as_fresh_build();
}

#[test]
fn editing_a_template_or_the_config_rewrites_every_page() {
    let site = TestSite::demo();
    site.build_ok(&[]);
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
    let (written, _, _) = site.build_ok(&[]).counts();
    assert!(
        written >= pages,
        "a template edit re-renders every page ({written} of {pages})"
    );
    assert!(site.read_out("index.html").contains("<!-- 模板已修改 -->"));
    assert!(site
        .read_out("policies/2016/jilin-2016/index.html")
        .contains("<!-- 模板已修改 -->"));
    site.assert_same_as_fresh_build();

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
    let (written, _, _) = site.build_ok(&[]).counts();
    assert!(
        written >= pages,
        "a config edit re-renders every page ({written} of {pages})"
    );
    assert!(site
        .read_out("policies/2016/jilin-2016/index.html")
        .contains("0000-7654321"));
    site.assert_same_as_fresh_build();
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
    site.build_ok(&[]);
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
    site.build_ok(&[]);
    assert!(site.read_out(&gone).contains("已停止公开"));
    assert!(
        !site.read_out(&gone).contains("测试文件2"),
        "{gone} no longer shows the document"
    );
    assert!(!site.read_out("policies/index.html").contains("测试文件2"));
    site.assert_same_as_fresh_build();
}

#[test]
fn a_failed_build_leaves_output_and_cache_usable() {
    let site = TestSite::demo();
    site.build_ok(&[]);
    let snapshot = tree(&site.out());
    site.write("templates/base.html", "{% if %}");
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 1, "a template error fails the build");
    let now = tree(&site.out());
    assert!(now == snapshot, "the output is untouched");
    site.remove("templates/base.html");
    let (written, _, removed) = site.build_ok(&[]).counts();
    assert_eq!(
        (written, removed),
        (0, 0),
        "the cache still matches the untouched output"
    );
    site.assert_same_as_fresh_build();
}

// ---------------------------------------------------------------------------------------
// Random edit sequences: after every edit the incremental build (into the same output, with
// the cache) writes exactly what a clean build writes, byte for byte; when the edit breaks
// the site, both fail and the incremental output is left as it was.

mod sequences {
    use crate::support::{tree, Config, Policy};
    use proptest::prelude::*;
    use std::path::Path;

    #[derive(Debug, Clone)]
    enum Edit {
        Body(usize),
        Title(usize),
        Date(usize, u32),
        Disclosure(usize),
        Rename(usize),
        Delete(usize),
        New,
        Template(u8),
        Config(u8),
        Ledger(u8),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (0..6usize).prop_map(Edit::Body),
            (0..6usize).prop_map(Edit::Title),
            (0..6usize, 26..31u32).prop_map(|(i, d)| Edit::Date(i, d)),
            (0..6usize).prop_map(Edit::Disclosure),
            (0..6usize).prop_map(Edit::Rename),
            (0..6usize).prop_map(Edit::Delete),
            Just(Edit::New),
            (0..3u8).prop_map(Edit::Template),
            (0..3u8).prop_map(Edit::Config),
            (0..3u8).prop_map(Edit::Ledger),
        ]
    }

    struct Doc {
        name: String,
        serial: u32,
        title: String,
        published: u32,
        public: bool,
        body: String,
    }

    impl Doc {
        fn text(&self) -> String {
            Policy::new(self.serial, &self.title)
                .set("published", &format!("2016-04-{}", self.published))
                .disclosure(if self.public {
                    "主动公开"
                } else {
                    "依申请公开"
                })
                .body(&self.body)
                .render()
        }
    }

    fn build(root: &Path, out: &Path) -> bool {
        crate::support::api::build_into(root, out).is_ok()
    }

    /// Writes a file when its text changes, dated in the past (a distinct time each write),
    /// so that the unchanged ones are kept from the record of sources, not read again.
    fn write(root: &Path, rel: &str, text: &str) {
        use std::sync::atomic::{AtomicU64, Ordering};
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let p = root.join(rel);
        if std::fs::read_to_string(&p).is_ok_and(|old| old == text) {
            return;
        }
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        crate::support::set_age(&p, 100_000 - WRITES.fetch_add(1, Ordering::Relaxed));
    }

    /// A 权力清单 of `k + 1` items (the last one's name says `k`).
    fn ledger(k: u8) -> String {
        let mut t =
            String::from("[list]\ntitle = \"权力清单\"\nkind = \"power\"\nupdated = 2016-04-26\n");
        for i in 0..=k {
            t.push_str(&format!(
                "\n[[items]]\ncode = \"A-{i}\"\nname = \"事项{i}（第{k}版）\"\ntype = \"行政许可\"\nbasis = \"《行政许可法》\"\nsubject = \"测试市人民政府办公室\"\n"
            ));
        }
        t
    }

    const INTERPRETATION: &str = "+++\ntitle = \"测试文件1的解读\"\ninterprets = [\"TESTORG/2016-00001\"]\npublished = 2016-04-30\nform = \"文字\"\ninterpreter = \"测试市人民政府办公室\"\n+++\n\n解读[原文](../policies/p1.md)。\n";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(12)
        ))]

        #[test]
        fn incremental_builds_equal_clean_builds(edits in prop::collection::vec(edit(), 1..7)) {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            let out = root.join("public");
            write(root, "site-config.toml", &Config::new().render());
            write(root, "content/pages/guide.md", "+++\ntitle = \"信息公开指南\"\n+++\n\n指南。\n");
            write(root, "content/interpretations/j1.md", INTERPRETATION);
            write(root, "content/lists/power.toml", &ledger(0));
            let mut docs: Vec<Doc> = (1..=4)
                .map(|i| Doc {
                    name: format!("p{i}"),
                    serial: i,
                    title: format!("测试文件{i}"),
                    published: 26,
                    public: true,
                    body: format!("测试文件{i}的正文。"),
                })
                .collect();
            for d in &docs {
                write(root, &format!("content/policies/{}.md", d.name), &d.text());
            }
            let base = std::fs::read_to_string(
                super::repo_root().join("themes/default/templates/base.html"),
            )
            .unwrap();
            prop_assert!(build(root, &out));
            let mut serial = 10;
            for (step, e) in edits.iter().enumerate() {
                let n = docs.len().max(1);
                match e {
                    // Added text, and text replaced (terms a document no longer has must
                    // leave the index).
                    Edit::Body(i) if !docs.is_empty() && i % 2 == 0 => {
                        docs[i % n].body.push_str("补充一句。")
                    }
                    Edit::Body(i) if !docs.is_empty() => {
                        docs[i % n].body = format!("改写后的正文{step}。")
                    }
                    Edit::Title(i) if !docs.is_empty() => docs[i % n].title.push('改'),
                    Edit::Date(i, d) if !docs.is_empty() => docs[i % n].published = *d,
                    Edit::Disclosure(i) if !docs.is_empty() => {
                        docs[i % n].public = !docs[i % n].public
                    }
                    Edit::Rename(i) if !docs.is_empty() => {
                        let d = &mut docs[i % n];
                        std::fs::remove_file(root.join(format!("content/policies/{}.md", d.name)))
                            .unwrap();
                        d.name.push('r');
                    }
                    Edit::Delete(i) if !docs.is_empty() => {
                        let d = docs.remove(i % n);
                        std::fs::remove_file(root.join(format!("content/policies/{}.md", d.name)))
                            .unwrap();
                    }
                    Edit::New => {
                        serial += 1;
                        docs.push(Doc {
                            name: format!("n{serial}"),
                            serial,
                            title: format!("新文件{serial}"),
                            published: 27,
                            public: true,
                            body: "新文件的正文。".into(),
                        });
                    }
                    Edit::Template(0) => {
                        let _ = std::fs::remove_file(root.join("templates/base.html"));
                    }
                    Edit::Template(k) => write(
                        root,
                        "templates/base.html",
                        &base.replace("</body>", &format!("<!-- 第{k}版 -->\n</body>")),
                    ),
                    Edit::Ledger(k) => write(root, "content/lists/power.toml", &ledger(*k)),
                    Edit::Config(k) => write(
                        root,
                        "site-config.toml",
                        &Config::new().set("phone", &format!("\"0000-123456{k}\"")).render(),
                    ),
                    _ => {}
                }
                for d in &docs {
                    write(root, &format!("content/policies/{}.md", d.name), &d.text());
                }
                // URL continuity (a build that drops a published URL fails until it is
                // declared withdrawn) is tested in tests/it/publish.rs; here deletes, renames and
                // disclosure flips must go through. Without the output's manifest gongkai
                // has no published URLs to compare with, and a missing file gongkai wrote
                // is one more damaged output the rebuild must repair.
                let _ = std::fs::remove_file(out.join("gongkai.sha256"));
                let before = tree(&out);
                let ok = build(root, &out);
                let fresh = root.join(format!("fresh{step}"));
                let fresh_ok = crate::support::without_body_store(root, || build(root, &fresh));
                prop_assert_eq!(ok, fresh_ok, "step {} ({:?}): incremental and clean builds disagree", step, e);
                if ok {
                    let (a, b) = (tree(&out), tree(&fresh));
                    prop_assert_eq!(
                        a.keys().collect::<Vec<_>>(),
                        b.keys().collect::<Vec<_>>(),
                        "step {} ({:?}): same files", step, e
                    );
                    for (k, v) in &a {
                        prop_assert!(v == &b[k], "step {} ({:?}): {} differs from a clean build", step, e, k);
                    }
                } else {
                    prop_assert!(tree(&out) == before, "step {} ({:?}): a failed build changed the output", step, e);
                }
                let _ = std::fs::remove_dir_all(&fresh);
            }
        }
    }
}

#[test]
fn an_unchanged_rebuild_does_nothing_and_reports_what_the_last_build_did() {
    let warned = Policy::new(2, "测试市行政规范性文件").set_str("doc_type", "行政规范性文件");
    let site = TestSite::new()
        .policy(Policy::new(1, "关于做好政务公开工作的通知"))
        .policy(warned.clone());
    let build = || gongkai_env(&["build"], site.path(), &[("GONGKAI_PROFILE", "1")]);
    let report = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("阶段 "))
            .map(|l| l.split("用时").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let first = build();
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("W-REG-NO-MISSING"),
        "{}",
        first.stderr
    );
    // A source written again with the same bytes: the build runs, and writes nothing.
    site.write(warned.rel(), &warned.render());
    let touched = build();
    assert!(touched.stderr.contains("阶段 读取"), "{}", touched.stderr);
    assert_eq!(touched.counts().0, 0, "{}", touched.stderr);
    let page = site.out().join("index.html");
    let mtime = || std::fs::metadata(&page).unwrap().modified().unwrap();
    let before = mtime();
    // Nothing changed since: nothing is read or touched, and the report (warnings, counts)
    // is the one the last build gave, but for the time.
    let again = build();
    assert_eq!(again.code, 0);
    assert!(!again.stderr.contains("阶段 读取"), "{}", again.stderr);
    assert_eq!(report(&again.stderr), report(&touched.stderr));
    assert_eq!(mtime(), before);
    // An output file damaged by hand: the build runs and repairs it.
    std::fs::write(&page, "坏了").unwrap();
    let fixed = build();
    assert!(fixed.stderr.contains("阶段 读取"));
    assert_eq!(fixed.counts().0, 1, "{}", fixed.stderr);
    assert!(site.read_out("index.html").contains("<html"));
    // Another option is another input: --no-search builds, and drops the index.
    let r = site.build_ok(&[]);
    assert!(r.counts().2 > 0, "the index is removed: {}", r.stderr);
    site.assert_same_as_fresh_build();
    // A real edit after all that is built.
    site.write(warned.rel(), &warned.clone().body("新的正文。").render());
    let edited = build();
    assert!(edited.counts().0 >= 1);
    assert!(site
        .read_out("policies/2016/b/index.html")
        .contains("新的正文。"));
}

/// The segment files of the body store (`.gongkai-cache/bodies/*.html`).
fn body_segments(site: &TestSite) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(site.path().join(".gongkai-cache/bodies"))
        .expect("the build keeps its rendered bodies")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    v.sort();
    v
}

#[test]
fn kept_bodies_report_what_rendering_them_reports() {
    let site = TestSite::demo();
    // A warning and then an error found in a body's text.
    site.append(POLICY, "\n附件\u{E000}见[指南](/guide/)。\n");
    let first = site.check_json();
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("W-PRIVATE-USE-CHAR"),
        "{}",
        first.stdout
    );
    assert!(!body_segments(&site).is_empty());
    // The second check takes every body from the store: the same report.
    let again = site.check_json();
    assert_eq!((again.code, &again.stdout), (0, &first.stdout));
    site.append(POLICY, "\n联系人身份证号 11010519491231002X。\n");
    let first = site.check_json();
    assert_eq!(first.code, 1, "{}", first.stdout);
    assert!(first.stdout.contains("E-PERSONAL-ID"), "{}", first.stdout);
    let again = site.check_json();
    assert_eq!((again.code, &again.stdout), (1, &first.stdout));
    let built = gongkai(&["build"], site.path());
    assert_eq!(built.code, 1, "a kept body's error still stops the build");
    assert!(built.stderr.contains("E-PERSONAL-ID"), "{}", built.stderr);
}

#[test]
fn a_damaged_body_store_is_not_published_but_built_again() {
    let site = TestSite::demo();
    site.build_ok(&[]);
    let page = "policies/2016/jilin-2016/index.html";
    let good = site.read_out(page);
    // One byte of a kept body changed (same length), then a template edit that makes every
    // page read its body again.
    let seg = body_segments(&site)
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let mut bytes = std::fs::read(&seg).unwrap();
    // An ASCII letter: the text is still UTF-8, only its hash tells.
    let at = (bytes.len() / 2..bytes.len())
        .find(|&i| bytes[i].is_ascii_lowercase())
        .unwrap();
    bytes[at] = bytes[at].to_ascii_uppercase();
    std::fs::write(&seg, &bytes).unwrap();
    let base =
        std::fs::read_to_string(repo_root().join("themes/default/templates/base.html")).unwrap();
    site.write(
        "templates/base.html",
        &base.replace("</body>", "<!-- 第二版 -->\n</body>"),
    );
    site.build_ok(&[]);
    assert!(site.read_out(page).contains("第二版"));
    assert_eq!(
        site.read_out(page).replace("<!-- 第二版 -->\n", ""),
        good,
        "the page is made from its source, not from the damaged store"
    );
    site.assert_same_as_fresh_build();
    // The store was made again: the next build uses it and reads it whole.
    assert!(body_segments(&site)
        .iter()
        .all(|p| std::fs::read(p).unwrap() != bytes));
    site.write(
        "templates/base.html",
        &base.replace("</body>", "<!-- 第三版 -->\n</body>"),
    );
    site.build_ok(&[]);
    site.assert_same_as_fresh_build();
}

// The record of sources: a rebuild reads only the documents whose file changed. (Built in
// this process: a record is read only by the gongkai that wrote it.)

#[test]
fn a_rebuild_reads_only_the_documents_that_changed() {
    use gongkai::source::{self, kept::Record};
    let site = TestSite::demo();
    site.age();
    api::build_into(site.path(), &site.out()).unwrap();
    let all = source::load(site.path()).unwrap().docs.len();
    let lists = source::load(site.path()).unwrap().lists.len();
    assert!(lists > 0);
    let record = std::sync::Arc::new(Record::open(site.path()));
    assert_eq!(
        record.len(),
        all + lists,
        "every document and ledger is kept"
    );

    site.append(POLICY, "\n评估结果向社会公开，接受群众监督。\n");
    // A file saved just now is read (its stamp cannot be trusted yet), and so is a new one.
    let new = "content/policies/2016/new-2016.md";
    let text = std::fs::read_to_string(site.path().join(POLICY)).unwrap();
    site.write(
        new,
        &text
            .replace("2016-00121", "2016-00977")
            .replace("吉政办发〔2016〕24号", "吉政办发〔2016〕97号"),
    );
    let loaded = source::load_with(site.path(), Some(record), None).unwrap();
    let read: Vec<&str> = loaded
        .docs
        .iter()
        .filter(|d| d.file.text.is_read())
        .map(|d| d.file.path.as_str())
        .collect();
    assert_eq!(read, [POLICY, new]);
    assert_eq!(loaded.docs.len(), all + 1);

    // What the build makes of the kept ones is what a fresh build makes of them all.
    api::build_into(site.path(), &site.out()).unwrap();
    site.assert_same_as_fresh_default_build();
    // The next build keeps the two, once they are old enough.
    set_age(&site.path().join(POLICY), 60);
    set_age(&site.path().join(new), 60);
    api::build_into(site.path(), &site.out()).unwrap();
    let loaded = source::load_with(
        site.path(),
        Some(std::sync::Arc::new(Record::open(site.path()))),
        None,
    )
    .unwrap();
    assert!(loaded.docs.iter().all(|d| !d.file.text.is_read()));
    assert!(loaded.lists.iter().all(|l| !l.file.text.is_read()));
}

#[test]
fn a_kept_document_found_changed_is_read_again_and_built_right() {
    use gongkai::source::kept::{self, Record};
    let site = TestSite::demo();
    site.age();
    api::build_into(site.path(), &site.out()).unwrap();
    site.append(POLICY, "\n评估结果向社会公开，接受群众监督。\n");
    set_age(&site.path().join(POLICY), 60);
    // A record that claims the edited file is as it was (its stamp is its stamp now, its
    // hash and what was derived from it are of the old text): the edit is found when the
    // text is read, and the build starts again without the record.
    let path = site.path().join(POLICY);
    let stamp = kept::stamp(
        &std::fs::metadata(&path).unwrap(),
        std::time::SystemTime::now(),
    )
    .unwrap();
    let record = Record::open(site.path());
    let mut entries: Vec<kept::Entry> = gongkai::source::load(site.path())
        .unwrap()
        .docs
        .iter()
        .filter_map(|d| record.get(&d.file.path, d.stamp?).cloned())
        .collect();
    let old = record
        .entries()
        .find(|e| e.path == POLICY)
        .cloned()
        .unwrap();
    entries.push(kept::Entry {
        stamp,
        facts: Vec::new().into(),
        ..old
    });
    Record::save(site.path(), entries);
    api::build_into(site.path(), &site.out()).unwrap();
    assert!(site
        .read_out("policies/2016/jilin-2016/index.html")
        .contains("评估结果向社会公开，接受群众监督。"));
    site.assert_same_as_fresh_default_build();
}
