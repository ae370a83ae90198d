//! Test support: build fixture sites with the real `gongkai` binary and look at what it wrote.
//! Modelled on mdBook's `BookTest`: a temp site, files added by path, commands run, output read.
//! A site states only what its test is about: `TestSite::base().policy(Policy::base().without("issuer"))`
//! ([`content`] fills every other field with a valid value).
#![allow(dead_code)]

pub mod api;
pub mod cases;
pub mod content;
pub mod http;

pub use cases::{
    built_case, inspection_site, interpretation_on_the_third_working_day, invalid_case,
};
pub use content::{Config, Interpretation, List, Page, Policy};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The demo site at the repository root, or a fixture under `tests/fixtures/`.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// A minimal valid `site-config.toml` (org_code `TESTORG`).
pub const CONFIG: &str = r#"[site]
title = "测试市人民政府"
base_url = "https://test.gov.cn"
host = "测试市人民政府办公室"
site_code = "0000000001"
icp = "测ICP备00000001号"
police_record = "测公网安备00000000000001号"
phone = "0000-1234567"
address = "测试市人民路1号"
org_code = "TESTORG"
"#;

/// A valid 主动公开 policy with the given 索引号 serial, for building up sites.
pub fn policy(serial: u32, title: &str) -> String {
    Policy::new(serial, title).render()
}

/// Title of the base policy every check fixture starts from.
pub const BASE_POLICY_TITLE: &str = "测试市政务公开工作要点";

/// A site built from `tests/fixtures/<name>` (e.g. `invalid/broken-link`): the test config
/// ([`CONFIG`]) and the base policy (`content/policies/2016/a.md`, [`policy`]`(1, …)`), with
/// the fixture's own files over them — a fixture holds only what makes its case. Fixtures
/// with `content/reports/` get no base policy (their figures count the policies).
pub fn fixture_site(name: &str) -> TestSite {
    let src = fixture(name);
    assert!(src.is_dir(), "fixture {name} is missing");
    let site = if src.join("content/reports").is_dir() {
        TestSite::new()
    } else {
        TestSite::base()
    };
    site.overlay(&src);
    site
}

/// The result of running the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Diagnostics printed with `--format json`, as values.
    pub fn json_diags(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect()
    }

    /// (code, line) of every JSON diagnostic, in the order printed.
    pub fn code_lines(&self) -> Vec<(String, u64)> {
        self.json_diags()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    /// (written, unchanged, removed) from the "生成完成：…" line of a build.
    pub fn counts(&self) -> (usize, usize, usize) {
        let line = self
            .stderr
            .lines()
            .find(|l| l.contains("生成完成"))
            .unwrap_or_else(|| panic!("no summary in:\n{}", self.stderr));
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

    /// (code, path) of every JSON diagnostic.
    pub fn codes(&self) -> Vec<(String, String)> {
        self.json_diags()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or("").to_string(),
                    d["path"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }
}

/// The build date of every test, 2016-12-01, as `SOURCE_DATE_EPOCH`.
pub const EPOCH: &str = "1480550400";

/// Runs `gongkai` with arguments; `SOURCE_DATE_EPOCH` fixed to 2016-12-01 ([`EPOCH`]) unless given.
pub fn gongkai(args: &[&str], dir: &Path) -> Run {
    gongkai_env(args, dir, &[("SOURCE_DATE_EPOCH", EPOCH)])
}

pub fn gongkai_env(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.args(args).current_dir(dir).env("NO_COLOR", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    Run::from(c.output().expect("run gongkai"))
}

/// A site in a temporary directory.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// A site with the test config and nothing else.
    pub fn new() -> TestSite {
        let t = TestSite {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        t.write("site-config.toml", CONFIG);
        t
    }

    /// The base site of the check cases: the test config and the base policy
    /// (`content/policies/2016/a.md`, [`Policy::base`]).
    pub fn base() -> TestSite {
        TestSite::new().policy(Policy::base())
    }

    /// Replaces `site-config.toml`.
    #[must_use = "the site is returned: keep it (its directory goes with it)"]
    pub fn config(self, config: Config) -> TestSite {
        self.file("site-config.toml", &config.render())
    }

    /// Rewrites `site-config.toml` of a site in use.
    pub fn write_config(&self, config: Config) -> &TestSite {
        self.write("site-config.toml", &config.render())
    }

    /// Adds (or replaces) a policy at its path.
    #[must_use = "the site is returned: keep it (its directory goes with it)"]
    pub fn policy(self, policy: Policy) -> TestSite {
        self.file(policy.rel(), &policy.render())
    }

    #[must_use = "the site is returned: keep it (its directory goes with it)"]
    pub fn interpretation(self, doc: Interpretation) -> TestSite {
        self.file(doc.rel(), &doc.render())
    }

    #[must_use = "the site is returned: keep it (its directory goes with it)"]
    pub fn page(self, page: Page) -> TestSite {
        self.file(page.rel(), &page.render())
    }

    #[must_use = "the site is returned: keep it (its directory goes with it)"]
    pub fn list(self, list: List) -> TestSite {
        self.file(list.rel(), &list.render())
    }

    /// Adds (or replaces) any file: the builder form of [`TestSite::write`].
    #[must_use = "the site is returned: keep it (its directory goes with it)"]
    pub fn file(self, rel: &str, text: &str) -> TestSite {
        self.write(rel, text);
        self
    }

    /// A copy of the demo portal at the repository root.
    pub fn demo() -> TestSite {
        TestSite::copy_of(&repo_root())
    }

    /// The demo portal, built.
    pub fn built_demo() -> TestSite {
        let site = TestSite::demo();
        let r = site.build();
        assert_eq!(r.code, 0, "demo build failed:\n{}", r.stderr);
        site
    }

    /// A copy of a directory (a fixture or the demo): site-config.toml, content/, static/, templates/, themes/.
    pub fn copy_of(src: &Path) -> TestSite {
        let t = TestSite {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        t.overlay(src);
        t
    }

    /// Copies the site files of `src` over this site (replacing files of the same path).
    pub fn overlay(&self, src: &Path) {
        let t = self;
        for entry in walkdir::WalkDir::new(src)
            .into_iter()
            .filter_map(Result::ok)
        {
            let rel = entry.path().strip_prefix(src).unwrap();
            let first = rel
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned());
            let keep = matches!(
                first.as_deref(),
                Some("site-config.toml" | "content" | "static" | "templates" | "themes")
            );
            if !keep {
                continue;
            }
            let dst = t.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dst).unwrap();
            } else {
                std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
                std::fs::copy(entry.path(), &dst).unwrap();
            }
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) -> &TestSite {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &TestSite {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    /// Makes every file under `content/` an hour old, as files are that an editor saved
    /// before the build (a file changed in the last seconds is always read again).
    pub fn age(&self) -> &TestSite {
        for e in walkdir::WalkDir::new(self.path().join("content")) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                set_age(e.path(), 3600);
            }
        }
        self
    }

    pub fn remove(&self, rel: &str) -> &TestSite {
        std::fs::remove_file(self.path().join(rel)).unwrap();
        self
    }

    /// Appends `text` to a file of the site.
    pub fn append(&self, rel: &str, text: &str) -> &TestSite {
        let old = std::fs::read_to_string(self.path().join(rel)).unwrap();
        self.write(rel, &format!("{old}{text}"))
    }

    pub fn build(&self) -> Run {
        gongkai(&["build"], self.path())
    }

    /// `gongkai build --no-search` with more arguments, which must succeed.
    pub fn build_ok(&self, args: &[&str]) -> Run {
        let mut a = vec!["build", "--no-search"];
        a.extend_from_slice(args);
        let r = gongkai(&a, self.path());
        assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
        r
    }

    /// Builds afresh into `fresh/` (deleted after): it reuses nothing and has the same files
    /// and bytes as the site's output.
    pub fn assert_same_as_fresh_build(&self) {
        self.assert_same_as_fresh(&["--no-search"]);
    }

    /// [`Self::assert_same_as_fresh_build`] for a site built with the default flags (search on).
    pub fn assert_same_as_fresh_default_build(&self) {
        self.assert_same_as_fresh(&[]);
    }

    fn assert_same_as_fresh(&self, flags: &[&str]) {
        let fresh = self.path().join("fresh");
        let _ = std::fs::remove_dir_all(&fresh);
        let mut args = vec!["build", "--output", "fresh"];
        args.extend_from_slice(flags);
        let r = without_body_store(self.path(), || gongkai(&args, self.path()));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.counts().1, 0, "a fresh build reuses nothing");
        let (a, b) = (tree(&self.out()), tree(&fresh));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "same files"
        );
        for (k, v) in &a {
            assert!(v == &b[k], "{k} differs from a fresh build");
        }
        std::fs::remove_dir_all(&fresh).unwrap();
    }

    pub fn check_json(&self) -> Run {
        gongkai(&["check", "--format", "json"], self.path())
    }

    pub fn out(&self) -> PathBuf {
        self.path().join("public")
    }

    /// Text of an output file (panics with the list of files when missing).
    pub fn read_out(&self, rel: &str) -> String {
        let p = self.out().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|_| {
            let files = output_files(&self.out());
            panic!(
                "missing output {rel}; have {} files, e.g. {:?}",
                files.len(),
                &files[..files.len().min(40)]
            )
        })
    }

    pub fn exists_out(&self, rel: &str) -> bool {
        self.out().join(rel).exists()
    }
}

/// Every file under `dir` and its bytes, by relative path.
/// Runs `f` (a build) as if the site at `root` had never been built: without the rendered
/// bodies kept in `.gongkai-cache/bodies/`, which are put back afterwards.
pub fn without_body_store<T>(root: &Path, f: impl FnOnce() -> T) -> T {
    let store = root.join(".gongkai-cache/bodies");
    let aside = root.join(".gongkai-cache/bodies-aside");
    let sources = root.join(".gongkai-cache/sources");
    let sources_aside = root.join(".gongkai-cache/sources-aside");
    let had = std::fs::rename(&store, &aside).is_ok();
    let had_sources = std::fs::rename(&sources, &sources_aside).is_ok();
    let r = f();
    let _ = std::fs::remove_dir_all(&store);
    let _ = std::fs::remove_file(&sources);
    if had {
        std::fs::rename(&aside, &store).unwrap();
    }
    if had_sources {
        std::fs::rename(&sources_aside, &sources).unwrap();
    }
    r
}

/// Sets the mtime of the file at `path` to `secs` seconds ago.
pub fn set_age(path: &Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(secs))
        .unwrap();
}

pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    output_files(dir)
        .into_iter()
        .map(|f| {
            let b = std::fs::read(dir.join(&f)).unwrap();
            (f, b)
        })
        .collect()
}

/// Every file under `dir`, relative, sorted.
pub fn output_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    v.sort();
    v
}
