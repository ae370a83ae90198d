//! The one render loop: the jobs of a prepared site into a [`Sink`], with the conflict checks
//! and the static copies, for `build` (disk), `serve` (memory) and tests (counting).
//!
//! A job is rendered unless the previous render's [`State`] holds its key and the sink can
//! keep what it produced then ([`Sink::reuse`]); the keys come from the model
//! ([`keys::model_keys`]: persisted by `build`, salted with [`salt`]; kept in memory by
//! `serve`). Every output path — of a rendered job, of a kept one, of an old URL's
//! page or of a copied file — is claimed once; a second claim is `E-URL-CONFLICT`.

use super::keys::{self, StableHasher, State};
use super::{conflict_diag, job_owner, source_of, Files, Prepared};
use crate::diagnostics::{Code, Diagnostic};
use crate::output::Sink;
use crate::routes::Job;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use tera::Tera;

/// How the jobs of a render are keyed.
pub enum Keying<'a> {
    /// No keys: every job renders.
    None,
    /// One key per job, in plan order, from the model ([`keys::model_keys`]).
    Model(&'a [u64]),
}

/// What a render did.
#[derive(Default)]
pub struct Outcome {
    /// HTML files of the jobs (rendered or kept).
    pub pages: usize,
    /// Jobs rendered, and jobs whose previous output was kept.
    pub rendered: usize,
    pub kept: usize,
    /// The keys of this render, for the next one.
    pub state: State,
    /// Every path of the output.
    pub paths: BTreeSet<String>,
}

/// What one job came to.
struct Done {
    key: Option<u64>,
    paths: Vec<String>,
    rendered: bool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Renders `jobs` (the plan of `prepared`) into `sink`: those whose key `previous` does not
/// hold, or all of them without `previous`. Then the redirect pages of old URLs, the theme's
/// assets and the site's copied files. Reports the stage 渲染 and each job to `progress`.
#[allow(clippy::too_many_arguments)]
pub fn run(
    prepared: &Prepared,
    jobs: &[Job],
    tera: &Tera,
    sink: &dyn Sink,
    keying: Keying,
    previous: Option<&State>,
    progress: &dyn crate::Progress,
) -> Result<Outcome, Vec<Diagnostic>> {
    let site = prepared.site;
    let assets = super::fingerprints(&site.copies);
    progress.stage("渲染", jobs.len() as u64);
    let errors: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
    let put = |job: &Job, path: &str, bytes: &[u8]| {
        if let Err(e) = sink.put(path, bytes) {
            let d = Diagnostic::new(
                Code::Io,
                format!("写入 {path} 失败（{}）：{e}", job_owner(site, job, path)),
            );
            let d = match source_of(site, job) {
                Some(src) => d.in_file(&src),
                None => d,
            };
            lock(&errors).push(d);
        }
    };
    let emit = |job: &Job, key: Option<u64>, files: Files| -> Done {
        let paths = files.iter().map(|(p, _)| p.clone()).collect();
        for (p, b) in &files {
            put(job, p, b);
        }
        Done {
            key,
            paths,
            rendered: true,
        }
    };
    #[allow(clippy::result_large_err)]
    let one = |i: usize, job: &Job| -> Result<Done, Diagnostic> {
        let Keying::Model(keys) = &keying else {
            return Ok(emit(job, None, prepared.run(tera, job)?));
        };
        let key = keys[i];
        if let Some(paths) = previous.and_then(|s| s.paths_of(key)) {
            if paths.iter().all(|p| sink.reuse(p).unwrap_or(false)) {
                return Ok(Done {
                    key: Some(key),
                    paths: paths.to_vec(),
                    rendered: false,
                });
            }
        }
        Ok(emit(job, Some(key), prepared.run(tera, job)?))
    };
    let done: Vec<Option<Done>> = jobs
        .par_iter()
        .enumerate()
        .map(|(i, job)| {
            let r = one(i, job);
            progress.advance();
            r.map_err(|d| lock(&errors).push(d)).ok()
        })
        .collect();

    // Every output path, claimed once, in plan order.
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut out = Outcome::default();
    // Sorted by path, then by job: a path claimed again is a conflict with the job that
    // claimed it just before.
    let mut claims: Vec<(&str, usize)> = done
        .iter()
        .enumerate()
        .filter_map(|(i, d)| Some((i, d.as_ref()?)))
        .flat_map(|(i, d)| d.paths.iter().map(move |p| (p.as_str(), i)))
        .collect();
    claims.par_sort_unstable();
    for w in claims.windows(2) {
        let ((path, first), (same, i)) = (w[0], w[1]);
        if path == same {
            let (job, other) = (&jobs[i], &jobs[first]);
            errors.push(conflict_diag(
                path,
                &job_owner(site, other, path),
                &job_owner(site, job, path),
                source_of(site, job)
                    .or_else(|| source_of(site, other))
                    .as_deref(),
            ));
        }
    }
    claims.dedup_by(|a, b| a.0 == b.0);
    out.pages = claims.iter().filter(|(p, _)| p.ends_with(".html")).count();
    let mut paths: BTreeSet<String> = claims.iter().map(|(p, _)| p.to_string()).collect();
    drop(claims);
    for d in done.into_iter().flatten() {
        if d.rendered {
            out.rendered += 1;
        } else {
            out.kept += 1;
        }
        if let Some(key) = d.key {
            out.state.insert(key, d.paths);
        }
    }
    let copied: BTreeSet<&str> = site.copies.iter().map(|c| c.rel.as_str()).collect();
    // A static file where a job writes.
    let clashing: BTreeSet<&str> = copied
        .iter()
        .copied()
        .filter(|rel| paths.contains(*rel))
        .collect();
    for rel in &clashing {
        errors.push(Diagnostic::new(
            Code::UrlConflict,
            format!("静态文件与生成的页面地址相同：{rel}"),
        ));
    }

    // Redirect pages of old URLs and pages of withdrawn ones: in no listing, feed or sitemap.
    match prepared.old_url_pages(tera) {
        Ok(files) => {
            for (path, bytes) in files {
                if paths.contains(&path) || copied.contains(path.as_str()) {
                    errors.push(
                        Diagnostic::new(
                            Code::UrlConflict,
                            format!("旧网址与生成的页面地址相同：{path}"),
                        )
                        .with_hint("修改 aliases 或 content/removed.toml 中的网址"),
                    );
                } else if let Err(e) = sink.put(&path, &bytes) {
                    errors.push(Diagnostic::new(Code::Io, format!("写入 {path} 失败：{e}")));
                } else {
                    paths.insert(path);
                }
            }
        }
        Err(d) => errors.push(d),
    }
    // Theme assets under their content-hashed names, and the theme's files the site keeps.
    for (hashed, bytes) in assets.values() {
        match sink.put(hashed, bytes) {
            Ok(()) => {
                paths.insert(hashed.clone());
            }
            Err(e) => errors.push(Diagnostic::new(
                Code::Io,
                format!("写入 {hashed} 失败：{e}"),
            )),
        }
    }
    for (rel, bytes) in crate::theme::STATIC {
        if !copied.contains(rel) {
            match sink.put(rel, bytes) {
                Ok(()) => {
                    paths.insert(rel.to_string());
                }
                Err(e) => errors.push(Diagnostic::new(Code::Io, format!("写入 {rel} 失败：{e}"))),
            }
        }
    }
    // The site's static files and the assets its documents use.
    let copy_errors: Vec<Diagnostic> = site
        .copies
        .par_iter()
        .filter(|c| !clashing.contains(c.rel.as_str()))
        .filter_map(|c| {
            sink.copy(&c.rel, &c.abs).err().map(|e| {
                Diagnostic::new(
                    Code::Io,
                    format!("复制 {} 失败（来源 {}）：{e}", c.rel, c.abs.display()),
                )
            })
        })
        .collect();
    errors.extend(copy_errors);
    paths.extend(site.copies.iter().map(|c| c.rel.clone()));
    if errors.is_empty() {
        out.paths = paths;
        Ok(out)
    } else {
        errors.sort_by(|a, b| a.message.cmp(&b.message));
        errors.dedup();
        Err(errors)
    }
}

/// Renders the whole site into `sink`, every job, without keys (the stages example, tests).
pub fn all(site: &crate::model::Site, sink: &dyn Sink) -> Result<Outcome, Vec<Diagnostic>> {
    let tera = super::templates(&site.templates, &site.copies)?;
    let prepared = Prepared::new(site);
    let jobs = super::plan(&prepared);
    run(
        &prepared,
        &jobs,
        &tera,
        sink,
        Keying::None,
        None,
        &crate::NoProgress,
    )
}

/// What every page of a build depends on besides its own model values, for
/// [`keys::salted`]: the gongkai version, the templates, the theme's asset names, the site
/// settings and the shared context (navigation, build date).
pub fn salt(p: &Prepared) -> u64 {
    let mut h = StableHasher::default();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    crate::theme::TEMPLATES.hash(&mut h);
    p.site.templates.hash(&mut h);
    for (k, (v, _)) in &super::fingerprints(&p.site.copies) {
        (k, v).hash(&mut h);
    }
    if let Ok(config) = serde_json::to_value(&p.site.config) {
        keys::hash_value(&config, &mut h);
    }
    keys::hash_value(&Value::Object(p.base.clone()), &mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Site;
    use crate::validate;
    use std::collections::BTreeMap;
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A sink that stores only paths and counts what it is given.
    #[derive(Default)]
    struct Counting {
        /// Paths put since the last [`Counting::take`].
        puts: Mutex<BTreeSet<String>>,
        copies: AtomicUsize,
        stored: Mutex<BTreeMap<String, Vec<u8>>>,
    }

    impl Counting {
        fn take(&self) -> BTreeSet<String> {
            self.copies.store(0, Ordering::Relaxed);
            std::mem::take(&mut *lock(&self.puts))
        }
        fn text(&self, rel: &str) -> String {
            String::from_utf8_lossy(&lock(&self.stored)[rel]).into_owned()
        }
    }

    impl Sink for Counting {
        fn put(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
            lock(&self.puts).insert(rel.to_string());
            lock(&self.stored).insert(rel.to_string(), bytes.to_vec());
            Ok(())
        }
        fn copy(&self, rel: &str, _abs: &Path) -> std::io::Result<()> {
            self.copies.fetch_add(1, Ordering::Relaxed);
            lock(&self.stored).insert(rel.to_string(), Vec::new());
            Ok(())
        }
        fn reuse(&self, rel: &str) -> std::io::Result<bool> {
            Ok(lock(&self.stored).contains_key(rel))
        }
    }

    fn demo() -> Site {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = crate::source::load(root).unwrap();
        let opts = validate::Options {
            build_date: chrono::NaiveDate::from_ymd_opt(2016, 12, 1).unwrap(),
        };
        let (site, diags) = validate::validate(loaded, &opts);
        assert!(!crate::diagnostics::has_errors(&diags), "{diags:?}");
        site
    }

    /// Renders `site` keyed by the model, after `previous`.
    fn by_model(site: &Site, sink: &Counting, previous: Option<&State>) -> Outcome {
        let tera = crate::render::templates(&site.templates, &site.copies).unwrap();
        let prepared = Prepared::new(site);
        let jobs = crate::render::plan(&prepared);
        let keys = keys::model_keys(&prepared, &keys::Sigs::of(site), &jobs);
        let keying = Keying::Model(&keys);
        let np = &crate::NoProgress;
        run(&prepared, &jobs, &tera, sink, keying, previous, np).unwrap()
    }

    fn job_pages(puts: &BTreeSet<String>, state: &State) -> Vec<String> {
        puts.iter()
            .filter(|p| state.key_of(p).is_some())
            .cloned()
            .collect()
    }

    #[test]
    fn an_unchanged_site_renders_no_job_and_one_edit_renders_few() {
        let site = demo();
        let sink = Counting::default();
        let first = by_model(&site, &sink, None);
        assert_eq!(sink.copies.load(Ordering::Relaxed), site.copies.len());
        let all = sink.take();
        assert_eq!(first.kept, 0);
        assert!(first.rendered > 100, "{} jobs", first.rendered);
        assert_eq!(
            job_pages(&all, &first.state).len(),
            first.state.len(),
            "every job's file reached the sink"
        );

        // The same site again: no job renders, no page reaches the sink.
        let second = by_model(&site, &sink, Some(&first.state));
        let puts = sink.take();
        assert_eq!(second.rendered, 0);
        assert_eq!(second.kept, first.rendered);
        assert_eq!(job_pages(&puts, &second.state), Vec::<String>::new());
        assert_eq!(second.paths, first.paths);

        // One policy's title: its page and the pages listing it, nothing else.
        let mut edited = site;
        let i = edited
            .policies
            .iter()
            .position(|p| p.url == "/policies/2016/jilin-2016/")
            .unwrap();
        edited.policies[i].title = "改过标题的吉林省文件".into();
        let third = by_model(&edited, &sink, Some(&second.state));
        let pages = job_pages(&sink.take(), &third.state);
        assert_eq!(third.rendered + third.kept, first.rendered);
        assert!(
            pages.contains(&"policies/2016/jilin-2016/index.html".to_string()),
            "{pages:?}"
        );
        assert!(pages.contains(&"index.html".to_string()), "{pages:?}");
        assert!(
            third.rendered >= 3 && third.rendered * 10 < first.rendered,
            "{} of {} jobs rendered: {pages:?}",
            third.rendered,
            first.rendered
        );
        assert!(sink
            .text("policies/2016/jilin-2016/index.html")
            .contains("改过标题的吉林省文件"));
    }

    #[test]
    fn a_new_salt_renders_every_job_and_the_same_salt_none() {
        let site = demo();
        let tera = crate::render::templates(&site.templates, &site.copies).unwrap();
        let prepared = Prepared::new(&site);
        let jobs = crate::render::plan(&prepared);
        let model = keys::model_keys(&prepared, &keys::Sigs::of(&site), &jobs);
        let sink = Counting::default();
        let np = &crate::NoProgress;
        let salt = super::salt(&prepared);
        let k1 = keys::salted(&model, salt);
        let first = run(&prepared, &jobs, &tera, &sink, Keying::Model(&k1), None, np).unwrap();
        assert!(sink.take().contains("policies/2016/jilin-2016/index.html"));
        let again = Some(&first.state);
        let second = run(
            &prepared,
            &jobs,
            &tera,
            &sink,
            Keying::Model(&k1),
            again,
            np,
        )
        .unwrap();
        assert_eq!(job_pages(&sink.take(), &second.state), Vec::<String>::new());
        assert_eq!((second.rendered, second.kept), (0, first.rendered));
        assert_eq!(second.paths, first.paths);
        // Another gongkai version, template or setting: every job renders again.
        let k2 = keys::salted(&model, salt ^ 1);
        let third = run(
            &prepared,
            &jobs,
            &tera,
            &sink,
            Keying::Model(&k2),
            again,
            np,
        )
        .unwrap();
        assert_eq!((third.rendered, third.kept), (first.rendered, 0));
        // The salt reads the site settings.
        let mut other = demo();
        other.config.title.push('市');
        assert_ne!(super::salt(&Prepared::new(&other)), salt);
    }

    #[test]
    fn two_jobs_writing_one_path_are_a_conflict() {
        let mut site = demo();
        let copy = site.copies[0].clone();
        site.copies.push(crate::model::CopyFile {
            rel: "index.html".into(),
            ..copy
        });
        let errors = all(&site, &Counting::default()).err().unwrap();
        assert!(
            errors
                .iter()
                .any(|d| d.message == "静态文件与生成的页面地址相同：index.html"),
            "{errors:?}"
        );
    }
}
