//! The incremental build behind `serve`.
//!
//! The same stages as `build` — load, validate, render — with what survives between rebuilds:
//!
//! - **load**: the loaded files stay in memory ([`super::sources`]); a change re-reads only the
//!   paths the watcher reported (a whole subtree for a directory). `site-config.toml` reloads
//!   everything.
//! - **validate** runs over the whole model every time (duplicate 索引号, links and dates are
//!   site-wide rules), with bodies and ledgers memoized per file ([`Memo`]).
//! - **render**: the one render loop ([`render::run`]) into a memory sink; every job gets a
//!   key ([`render::keys::model_keys`]) and only jobs with a new key render. A template change
//!   re-renders every job from the cached model, without validating again. A body edit alone
//!   is previewed first ([`super::preview`]).
//!
//! The stored bytes are exactly what `build` writes (the live-reload script is added when a
//! page is served, not stored). A rebuild that fails leaves the last good output in place.

use super::preview::{published_urls, Entity};
use super::sources::Sources;
use crate::diagnostics::{self, Code, Diagnostic};
use crate::model::Site;
use crate::output::Sink;
use crate::render::keys::State;
use crate::render::{self, Prepared};
use crate::source::{self, Item};
use crate::validate::{self, Memo};
use axum::body::Bytes;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tera::Tera;

/// What changed on disk since the last rebuild.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// `site-config.toml` (or something the watcher could not follow): reload everything.
    pub full: bool,
    /// Something under `templates/`, `static/` or `themes/`.
    pub theme: bool,
    /// Changed paths (absolute) under `content/`.
    pub content: BTreeSet<PathBuf>,
    /// Every changed path, for re-reading copied files.
    pub paths: BTreeSet<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.full && !self.theme && self.content.is_empty()
    }

    pub fn merge(&mut self, other: Changes) {
        self.full |= other.full;
        self.theme |= other.theme;
        self.content.extend(other.content);
        self.paths.extend(other.paths);
    }
}

/// Milliseconds spent in each stage of a rebuild.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Timings {
    pub load: f64,
    pub validate: f64,
    /// Prepared data, plan and job keys.
    pub plan: f64,
    pub render: f64,
    pub total: f64,
}

/// The result of a successful rebuild: files to store and files to drop.
#[derive(Default)]
pub struct Update {
    pub put: Vec<(String, Bytes)>,
    pub remove: Vec<String>,
    /// Jobs rendered, and jobs whose output was kept.
    pub rendered: usize,
    pub kept: usize,
    /// Warnings (a successful build has no errors).
    pub diags: Vec<Diagnostic>,
    pub timings: Timings,
    /// The new model when content changed (for the search index).
    pub model: Option<Arc<Site>>,
    /// The previous model, to be dropped off the request path.
    pub garbage: Option<Arc<Site>>,
    /// A preview of body edits (see [`Engine::apply`]); the full build follows.
    pub preview: bool,
}

/// The last successful build.
struct Good {
    site: Arc<Site>,
    diags: Vec<Diagnostic>,
    tera: Tera,
    /// The job keys of its render.
    state: State,
    stored: Stored,
}

/// What the store holds after a good build, besides the keys of its jobs.
#[derive(Default)]
struct Stored {
    /// Content hashes of the files not made by a job (old URLs' pages, theme and copied
    /// files): a file is stored again only when its bytes changed.
    extras: HashMap<String, u64>,
    /// Where each copied file was read from.
    sources: HashMap<String, PathBuf>,
    /// Every path of the output.
    paths: BTreeSet<String>,
}

/// The memory sink of a rebuild: collects the files to store. A kept job's files stay as they
/// are; a copied file is read again only when its source changed.
struct Collect<'a> {
    /// The last good build, unless everything is produced again.
    prev: Option<&'a Stored>,
    dirty: &'a BTreeSet<PathBuf>,
    put: Mutex<Vec<(String, Bytes)>>,
    hashes: Mutex<HashMap<String, u64>>,
    sources: Mutex<HashMap<String, PathBuf>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sink for Collect<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        crate::output::check_rel(rel)?;
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        if self.prev.and_then(|p| p.extras.get(rel)) != Some(&hash) {
            lock(&self.put).push((rel.to_string(), Bytes::copy_from_slice(bytes)));
        }
        lock(&self.hashes).insert(rel.to_string(), hash);
        Ok(())
    }

    fn copy(&self, rel: &str, abs: &Path) -> std::io::Result<()> {
        lock(&self.sources).insert(rel.to_string(), abs.to_path_buf());
        let same = self.prev.and_then(|p| {
            let unchanged = p.sources.get(rel).is_some_and(|a| a == abs)
                && !self.dirty.iter().any(|d| abs.starts_with(d));
            p.extras.get(rel).filter(|_| unchanged)
        });
        match same {
            Some(hash) => {
                lock(&self.hashes).insert(rel.to_string(), *hash);
                Ok(())
            }
            None => self.put(rel, &std::fs::read(abs)?),
        }
    }

    fn reuse(&self, _rel: &str) -> std::io::Result<bool> {
        Ok(self.prev.is_some())
    }
}

pub struct Engine {
    root: PathBuf,
    opts: validate::Options,
    memo: Memo,
    src: Option<Sources>,
    last: Option<Good>,
    /// The sources changed since the last good model (it must be validated again).
    model_stale: bool,
    /// The templates changed since the last good build (Tera must be built again).
    tera_stale: bool,
    /// Config or templates changed: every job renders again.
    all_stale: bool,
    /// Paths changed since the last good build (copied files among them are read again).
    dirty: BTreeSet<PathBuf>,
    /// The last full build succeeded and only body edits happened since: a body edit can be
    /// previewed before the whole site is validated again (see [`Engine::apply`]).
    fast_ok: bool,
    /// Milliseconds spent reading changes not yet built.
    load_ms: f64,
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

impl Engine {
    pub fn new(root: PathBuf, opts: validate::Options) -> Engine {
        Engine {
            root,
            opts,
            memo: Memo::new(),
            src: None,
            last: None,
            model_stale: true,
            tera_stale: true,
            all_stale: true,
            dirty: BTreeSet::new(),
            fast_ok: false,
            load_ms: 0.0,
        }
    }

    /// Forgets everything but the last good output, after a failure the engine cannot vouch
    /// for: the next build reads every file and renders every page again.
    pub fn reset(&mut self) {
        self.src = None;
        self.memo = Memo::new();
        self.model_stale = true;
        self.tera_stale = true;
        self.all_stale = true;
        self.fast_ok = false;
    }

    /// Whether there is a good build to serve.
    pub fn has_output(&self) -> bool {
        self.last.is_some()
    }

    /// Applies `ch` to the loaded sources.
    fn load(&mut self, ch: &Changes) -> Result<(), Vec<Diagnostic>> {
        self.dirty.extend(ch.paths.iter().cloned());
        if ch.full || self.src.is_none() {
            self.src = None;
            self.model_stale = true;
            self.tera_stale = true;
            self.all_stale = true;
            self.src = Some(Sources::load(&self.root)?);
            return Ok(());
        }
        let Some(src) = self.src.as_mut() else {
            return Ok(());
        };
        if ch.theme {
            let (templates, statics, theme_diags) =
                source::load_theme_files(&self.root, &src.loaded.config.theme);
            if templates != src.loaded.templates {
                self.tera_stale = true;
                self.all_stale = true;
            }
            if statics != src.loaded.statics || theme_diags != src.theme_diags {
                self.model_stale = true;
            }
            src.loaded.templates = templates;
            src.loaded.statics = statics;
            src.theme_diags = theme_diags;
        }
        for abs in &ch.content {
            src.apply(&self.root, abs);
            self.model_stale = true;
        }
        Ok(())
    }

    /// Reads what `ch` changed. When it is only body edits of published documents (the front
    /// matter unchanged, nothing in the body that other pages or checks see), renders their
    /// pages at once and returns them: a preview of the full build, which must follow
    /// ([`Engine::rebuild`]) and is the only source of truth. `Ok(None)`: a full build is needed
    /// before anything can be shown.
    pub fn apply(&mut self, ch: &Changes) -> Result<Option<Update>, Vec<Diagnostic>> {
        let started = Instant::now();
        let files = self.preview(ch);
        let t_load = ms(started);
        let loading = Instant::now();
        self.load(ch)?;
        self.load_ms += ms(loading);
        match files {
            Some(files) => Ok(Some(self.preview_update(files, started, t_load))),
            None => {
                self.fast_ok = false;
                Ok(None)
            }
        }
    }

    fn preview_update(&self, files: render::Files, started: Instant, t_load: f64) -> Update {
        let total = ms(started);
        Update {
            rendered: files.len(),
            put: files
                .into_iter()
                .map(|(p, b)| (p, Bytes::from(b)))
                .collect(),
            diags: self
                .last
                .as_ref()
                .map(|g| g.diags.clone())
                .unwrap_or_default(),
            timings: Timings {
                load: t_load,
                render: total - t_load,
                total,
                ..Timings::default()
            },
            preview: true,
            ..Update::default()
        }
    }

    /// The preview of `ch` without applying it (see [`Engine::apply`]): for use while a full
    /// build reads the sources. `None` when `ch` needs the full build.
    pub fn preview_of(&self, ch: &Changes) -> Option<Update> {
        let started = Instant::now();
        self.preview(ch)
            .map(|files| self.preview_update(files, started, 0.0))
    }

    /// The pages of documents whose body alone changed, rendered from the last good model with
    /// the new bodies, reading the changed files but changing nothing; `None` when any change
    /// needs the full build.
    fn preview(&self, ch: &Changes) -> Option<render::Files> {
        if !self.fast_ok || ch.full || ch.theme || ch.content.is_empty() {
            return None;
        }
        let src = self.src.as_ref()?;
        let good = self.last.as_ref()?;
        let site = &*good.site;
        let config = &src.loaded.config;
        let content = self.root.join("content");
        let allow_personal = config.check.allow_personal_info;
        let mut doc_urls: Option<crate::markdown::DocUrls> = None;
        let mut out = Vec::new();
        for abs in &ch.content {
            let Ok(Item::Doc(raw)) = source::load_one(&self.root, &content, abs) else {
                return None;
            };
            let old = src
                .loaded
                .docs
                .iter()
                .find(|d| d.file.path == raw.file.path)?;
            if old.section != raw.section {
                return None;
            }
            let entity = Entity::find(site, &raw.file.path)?;
            // The front matter and everything before the body: the same, or an edit only this
            // document's page shows.
            let patch =
                if old.file.text.get(..old.body.start) == raw.file.text.get(..raw.body.start) {
                    None
                } else {
                    Some(entity.patched(site, &raw, old, &config.org_code)?)
                };
            // Link targets, only for a body that may have links (the map is large).
            let empty = crate::markdown::DocUrls::default();
            let docs = if raw.body().contains("](") || raw.body().contains("]:") {
                &*doc_urls.get_or_insert_with(|| published_urls(site))
            } else {
                &empty
            };
            let links = crate::markdown::Links {
                docs,
                assets: &src.loaded.assets,
                media_hosts: &config.check.media_hosts,
            };
            let quiet = |r: &crate::markdown::Rendered| {
                r.diags.is_empty() && r.assets.is_empty() && r.absolute_links.is_empty()
            };
            if !quiet(&*self.memo.peek(&raw.file.path)?) {
                return None;
            }
            let r = validate::body_of(
                &raw,
                &links,
                allow_personal,
                &self.memo,
                self.memo.last_env(),
            );
            // Diagnostics, copied assets and the summary are the full build's business.
            if !quiet(&r) || r.body.first_paragraph != entity.body(site).first_paragraph {
                return None;
            }
            let (mini, job) = entity.mini_site(site, r.body.clone(), patch);
            out.extend(Prepared::new(&mini).run(&good.tera, &job).ok()?);
        }
        Some(out)
    }

    /// Runs `f` on another thread, calling `during` every few milliseconds until it is done:
    /// `during` may preview newer edits meanwhile, and says whether the result is outdated.
    fn waiting<T: Send>(
        &self,
        during: &mut dyn FnMut(&Engine) -> bool,
        f: impl FnOnce() -> T + Send,
    ) -> Result<(T, bool), Vec<Diagnostic>> {
        let mut outdated = false;
        std::thread::scope(|s| {
            let h = s.spawn(f);
            while !h.is_finished() {
                outdated |= during(self);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            h.join()
                .map(|v| (v, outdated))
                .map_err(|_| vec![Diagnostic::new(Code::Internal, "生成预览时出现内部错误")])
        })
    }

    /// Rebuilds everything that changed since the last good build. `during` is called while
    /// the long stages run (see [`Engine::preview_of`]); when it reports newer edits the build
    /// stops (`Ok(None)`) and is redone with them. On error the last good output stays.
    pub fn rebuild(
        &mut self,
        during: &mut dyn FnMut(&Engine) -> bool,
    ) -> Result<Option<Update>, Vec<Diagnostic>> {
        let mut result = self.full(during);
        if let Ok(Some(u)) = &mut result {
            u.timings.load += self.load_ms;
            u.timings.total += self.load_ms;
            self.load_ms = 0.0;
            self.fast_ok = true;
            self.dirty.clear();
        } else if result.is_err() {
            self.fast_ok = false;
        }
        result
    }

    fn full(
        &mut self,
        during: &mut dyn FnMut(&Engine) -> bool,
    ) -> Result<Option<Update>, Vec<Diagnostic>> {
        let started = Instant::now();
        let mut t = Timings::default();
        self.load(&Changes::default())?;
        let validate_now = self.model_stale || self.last.is_none();
        match self.src.as_mut() {
            Some(src) if validate_now => src.assemble_diags(),
            Some(_) => {}
            None => return Err(Vec::new()),
        }
        t.load = ms(started);
        // From here on the engine is only read, until the commit.
        let this: &Engine = self;
        let Some(src) = this.src.as_ref() else {
            return Err(Vec::new());
        };

        // Validate, or keep the model when only templates changed.
        let stage = Instant::now();
        let mut validated: Option<(Site, Vec<Diagnostic>)> = None;
        if validate_now {
            let ((site, diags), outdated) = this.waiting(during, || {
                validate::validate_with(&src.loaded, &this.opts, &this.memo)
            })?;
            if outdated {
                return Ok(None);
            }
            if diagnostics::has_errors(&diags) {
                return Err(diags);
            }
            validated = Some((site, diags));
        }
        t.validate = ms(stage);

        let last = this.last.as_ref();
        let (site, diags): (&Site, &Vec<Diagnostic>) = match (&validated, last) {
            (Some((s, d)), _) => (s, d),
            (None, Some(g)) => (&*g.site, &g.diags),
            (None, None) => return Err(Vec::new()),
        };
        let new_tera = if this.tera_stale || last.is_none() {
            Some(render::templates(&src.loaded.templates, &site.copies)?)
        } else {
            None
        };
        let tera: &Tera = match (&new_tera, last) {
            (Some(t), _) => t,
            (None, Some(g)) => &g.tera,
            (None, None) => return Err(Vec::new()),
        };
        let force_all = this.all_stale || last.is_none();

        // Plan: which jobs have a new key.
        let stage = Instant::now();
        let ((prepared, jobs, keys), outdated) = this.waiting(during, || {
            let prepared = Prepared::new(site);
            let jobs = render::plan(&prepared);
            let keys = render::keys::model_keys(&prepared, &render::keys::Sigs::of(site), &jobs);
            (prepared, jobs, keys)
        })?;
        if outdated {
            return Ok(None);
        }
        t.plan = ms(stage);

        // Render the jobs with a new key; store what changed.
        let stage = Instant::now();
        let previous = last.filter(|_| !force_all);
        let sink = Collect {
            prev: previous.map(|g| &g.stored),
            dirty: &this.dirty,
            put: Mutex::new(Vec::new()),
            hashes: Mutex::new(HashMap::new()),
            sources: Mutex::new(HashMap::new()),
        };
        let outcome = render::run::run(
            &prepared,
            &jobs,
            tera,
            &sink,
            render::run::Keying::Model(&keys),
            previous.map(|g| &g.state),
            &crate::NoProgress,
        )
        .map_err(|errors| {
            let mut all = diags.clone();
            all.extend(errors);
            all
        })?;
        let remove: Vec<String> = last
            .map(|g| {
                g.stored
                    .paths
                    .iter()
                    .filter(|p| !outcome.paths.contains(*p))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let put = sink.put.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut extras = sink.hashes.into_inner().unwrap_or_else(|e| e.into_inner());
        extras.retain(|p, _| outcome.state.key_of(p).is_none());
        let stored = Stored {
            extras,
            sources: sink.sources.into_inner().unwrap_or_else(|e| e.into_inner()),
            paths: outcome.paths,
        };
        let (new_state, rendered_count, kept) = (outcome.state, outcome.rendered, outcome.kept);
        t.render = ms(stage);
        drop(prepared);

        // Commit.
        let diags = diags.clone();
        let mut model = None;
        let garbage = match validated {
            Some((site, _)) => {
                let site = Arc::new(site);
                model = Some(site.clone());
                let old = self.last.take();
                // The old keys and files (a map of every output path) are freed off the
                // pass, as the old model is (`garbage`).
                let (tera, old_site) = match (new_tera, old) {
                    (Some(t), old) => (
                        t,
                        old.map(|g| {
                            crate::process::drop_aside((g.state, g.stored, g.diags, g.tera));
                            g.site
                        }),
                    ),
                    (None, Some(g)) => {
                        crate::process::drop_aside((g.state, g.stored, g.diags));
                        (g.tera, Some(g.site))
                    }
                    (None, None) => return Err(Vec::new()),
                };
                self.last = Some(Good {
                    site,
                    diags: diags.clone(),
                    tera,
                    state: new_state,
                    stored,
                });
                old_site
            }
            None => {
                let Some(g) = self.last.as_mut() else {
                    return Err(Vec::new());
                };
                if let Some(t) = new_tera {
                    g.tera = t;
                }
                let old = (
                    std::mem::replace(&mut g.state, new_state),
                    std::mem::replace(&mut g.stored, stored),
                );
                crate::process::drop_aside(old);
                None
            }
        };
        self.model_stale = false;
        self.tera_stale = false;
        self.all_stale = false;
        t.total = ms(started);
        Ok(Some(Update {
            put,
            remove,
            rendered: rendered_count,
            kept,
            diags,
            timings: t,
            model,
            garbage,
            preview: false,
        }))
    }
}
