//! gongkai (公开): a static site generator for Chinese government information-disclosure
//! portals.
//!
//! The pipeline is the architecture:
//!
//! ```text
//! source::load ──> validate::validate ──> render::run::run ──> output::write
//!   (Raw* + diags)    (model::Site + diags)  (files into a Sink)  (staging dir, atomic swap)
//! ```
//!
//! [`build`] runs it end to end; `check` stops after `validate`; `serve` reuses every stage.

// A `Diagnostic` (code, message, position, source line, hint) is returned by value on the
// rare error path; boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod calendar;
pub mod config;
pub mod continuity;
pub mod deploy;
pub mod diagnostics;
pub mod fields;
pub mod format;
pub mod inspection;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod output;
pub mod paths;
pub mod precompress;
pub mod privacy;
pub mod process;
pub mod render;
pub mod routes;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod source;
pub mod theme;
pub mod tomlpos;
pub mod uptodate;
pub mod validate;

use diagnostics::{Code, Diagnostic};
use std::path::{Path, PathBuf};

/// Why a build or check did not succeed.
#[derive(Debug)]
pub enum Error {
    /// The root or its config could not be read (exit status 2).
    Load(source::LoadError),
    /// The content has errors (exit status 1); all diagnostics, warnings included.
    Content(Vec<Diagnostic>),
    /// Writing the output failed.
    Io(PathBuf, std::io::Error),
    /// The output directory is not one gongkai may write to (exit status 2).
    Output(Box<Diagnostic>),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Load(e) => write!(f, "{e}"),
            Error::Content(d) => write!(
                f,
                "内容有 {} 个错误",
                d.iter().filter(|d| d.is_error()).count()
            ),
            Error::Io(p, e) => write!(f, "写入 {} 失败：{e}", p.display()),
            Error::Output(d) => write!(f, "{}", d.message),
        }
    }
}

impl std::error::Error for Error {}

/// What a long build or check reports as it goes: the CLI draws a progress bar from it on a
/// terminal. Every method does nothing by default.
pub trait Progress: Sync {
    /// A new stage begins (读取, 校验, 渲染, 写入); `total` is its number of steps, 0 when
    /// not known.
    fn stage(&self, _name: &'static str, _total: u64) {}
    /// One more step of the current stage is done.
    fn advance(&self) {}
}

/// Reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {}

/// Loads and validates a site: what `check` runs.
pub fn check(
    root: &Path,
    opts: &validate::Options,
) -> Result<(model::Site, Vec<Diagnostic>), Error> {
    check_with_progress(root, opts, &NoProgress)
}

/// [`check`], reporting its stages to `progress`.
pub fn check_with_progress(
    root: &Path,
    opts: &validate::Options,
    progress: &dyn Progress,
) -> Result<(model::Site, Vec<Diagnostic>), Error> {
    let (site, diags, memo) = checked(root, opts, progress, true, None)?;
    if let Some(k) = memo.into_keeping() {
        k.save();
    }
    Ok((site, diags))
}

/// [`check`], with the bodies of the last build (`.gongkai-cache/bodies/`) when `stored`;
/// the memo is returned to be saved.
fn checked(
    root: &Path,
    opts: &validate::Options,
    progress: &dyn Progress,
    stored: bool,
    listing: Option<&source::Listing>,
) -> Result<(model::Site, Vec<Diagnostic>, validate::Memo), Error> {
    match check_once(root, opts, progress, (stored, stored), listing)? {
        Some(checked) => Ok(checked),
        // A document kept from the last build changed after all: everything is read again.
        None => {
            source::kept::Record::clear(root);
            check_once(root, opts, progress, (stored, false), listing)?
                .ok_or_else(|| Error::Io(source::kept::Record::file(root), damaged()))
        }
    }
}

/// One load and validation for [`checked`]: with the body store when `stored`, keeping
/// unchanged documents from the record of sources when `kept`, walking `content/` unless
/// a `listing` of it is given. `None` when a kept document turned out changed (nothing
/// derived from the record can be trusted then).
fn check_once(
    root: &Path,
    opts: &validate::Options,
    progress: &dyn Progress,
    (stored, kept): (bool, bool),
    listing: Option<&source::Listing>,
) -> Result<Option<(model::Site, Vec<Diagnostic>, validate::Memo)>, Error> {
    progress.stage("读取", 0);
    // The documents the last build read, and the bodies it rendered.
    let (record, store) = rayon::join(
        || kept.then(|| std::sync::Arc::new(source::kept::Record::open(root))),
        || stored.then(|| validate::Store::open(root)),
    );
    let loaded = source::load_with(root, record, listing).map_err(Error::Load)?;
    progress.stage("校验", 0);
    let memo = match store {
        Some(store) => validate::Memo::with_store(store),
        None => validate::Memo::default(),
    };
    let (site, diags) = validate::validate_with(&loaded, opts, &memo);
    if loaded.kept_damaged() {
        return Ok(None);
    }
    // What the record of sources keeps is gathered beside the output-path check.
    let ((), conflicts) = rayon::join(
        || memo.learn_sources(&loaded),
        || output_conflicts(&site, &diags),
    );
    // 130,000 documents take a tenth of a second to free: not on the build's path.
    process::drop_aside(loaded);
    let mut diags = diags;
    if !conflicts.is_empty() {
        diags.extend(conflicts);
        diagnostics::sort(&mut diags);
    }
    Ok(Some((site, diags, memo)))
}

/// Output paths two things would write, found by [`checked`] so that `check` fails where
/// `build` would (the model is only complete when validation found no error).
fn output_conflicts(site: &model::Site, diags: &[Diagnostic]) -> Vec<Diagnostic> {
    if diagnostics::has_errors(diags) {
        return Vec::new();
    }
    render::output_conflicts(site)
}

/// Loads and validates a site and runs every 检查指标 rule (also those that a site without
/// `[inspection]` does not get from `check`): what `check --inspection` runs. Returns the
/// diagnostics and the 自查表.
pub fn inspect(
    root: &Path,
    opts: &validate::Options,
) -> Result<(model::Site, Vec<Diagnostic>, Vec<inspection::Row>), Error> {
    inspect_with_progress(root, opts, &NoProgress)
}

/// [`inspect`], reporting its stages to `progress`.
pub fn inspect_with_progress(
    root: &Path,
    opts: &validate::Options,
    progress: &dyn Progress,
) -> Result<(model::Site, Vec<Diagnostic>, Vec<inspection::Row>), Error> {
    progress.stage("读取", 0);
    let loaded = source::load(root).map_err(Error::Load)?;
    progress.stage("校验", 0);
    let (site, mut diags) = validate::validate_with(&loaded, opts, &validate::Memo::default());
    if site.config.inspection.is_none() {
        diags.extend(inspection::site_rules(
            &site,
            &loaded,
            &config::InspectionConfig::default(),
        ));
    }
    // The same output-path collisions `check` and `build` find.
    if !diagnostics::has_errors(&diags) {
        diags.extend(render::output_conflicts(&site));
    }
    diagnostics::sort(&mut diags);
    let rows = inspection::self_check(&site, &diags);
    Ok((site, diags, rows))
}

/// Summary of a finished build.
#[derive(Debug, Clone, Default)]
pub struct BuildStats {
    pub pages: usize,
    pub files: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Options for [`build`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub validate: validate::Options,
    /// Build the search index under `search-index/` (`--no-search` turns it off).
    pub search: bool,
    /// Write a `.gz` beside every text file (`--precompress`, for nginx `gzip_static`).
    pub precompress: bool,
    /// The manifest of the published site to compare URLs with (`--previous FILE`); by
    /// default the `gongkai.sha256` of the output directory.
    pub previous: Option<PathBuf>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            output: None,
            base_url: None,
            validate: validate::Options::from_env(),
            search: true,
            precompress: false,
            previous: None,
        }
    }
}

/// The manifest at `path` as a diagnostic when it cannot be used.
fn read_manifest(path: &Path, required: bool) -> Result<Option<manifest::Manifest>, Diagnostic> {
    let shown = path.display().to_string();
    match manifest::Manifest::read(path) {
        Ok(None) if required => Err(Diagnostic::new(
            Code::Manifest,
            format!("找不到上次发布的清单文件：{shown}"),
        )
        .in_file(&shown)
        .with_hint("--previous 填写从网站下载的 gongkai.sha256")),
        Ok(m) => Ok(m),
        Err(e) => Err(
            Diagnostic::new(Code::Manifest, format!("清单文件无法读取：{e}"))
                .in_file(&shown)
                .with_hint("清单由 gongkai build 生成；文件损坏时删除它（本次生成将不比较网址）"),
        ),
    }
}

/// URL continuity for `check` and `build`: `E-URL-REMOVED` for every page of the previous
/// output (its `gongkai.sha256`, or the manifest `previous`) that `site` no longer produces.
/// Without a previous manifest (a first build) there is nothing to compare.
pub fn check_urls(site: &model::Site, out_dir: &Path, previous: Option<&Path>) -> Vec<Diagnostic> {
    let local = match previous {
        Some(_) => None,
        None => match read_manifest(&out_dir.join(manifest::FILE), false) {
            Ok(m) => m,
            Err(d) => return vec![d],
        },
    };
    compare_urls(site, out_dir, previous, local.as_ref())
}

/// [`check_urls`] with the output directory's manifest already read.
fn compare_urls(
    site: &model::Site,
    out_dir: &Path,
    previous: Option<&Path>,
    local: Option<&manifest::Manifest>,
) -> Vec<Diagnostic> {
    let old_out = out_dir.is_dir().then_some(out_dir);
    match previous {
        Some(p) => match read_manifest(p, true) {
            Ok(Some(m)) => continuity::check(site, &m, old_out),
            Ok(_) => Vec::new(),
            Err(d) => vec![d],
        },
        None => local
            .map(|m| continuity::check(site, m, old_out))
            .unwrap_or_default(),
    }
}

/// The output directory a build of `root` writes (`--output`, else `[build].output`).
pub fn output_dir(root: &Path, site: &model::Site, output: Option<&Path>) -> PathBuf {
    match output {
        Some(o) => o.to_path_buf(),
        None => root.join(&site.config.output),
    }
}

/// Loads, validates, renders and writes a site. On any error the previous output is left
/// exactly as it was.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<(BuildStats, Vec<Diagnostic>), Error> {
    build_with_progress(root, opts, &NoProgress)
}

/// The output directory a build of `root` with `opts` will write, from `--output` or the
/// config alone (`None` when the config cannot be read: the build reports why).
fn planned_output(root: &Path, opts: &BuildOptions) -> Option<PathBuf> {
    if let Some(o) = &opts.output {
        return Some(o.clone());
    }
    let text = std::fs::read_to_string(root.join("site-config.toml")).ok()?;
    let (config, _) = config::parse("site-config.toml", &text);
    Some(root.join(config?.output))
}

/// [`build`], reporting its stages to `progress`.
pub fn build_with_progress(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<(BuildStats, Vec<Diagnostic>), Error> {
    // Nothing changed since the last build into this output: nothing to do.
    progress.stage("核对", 0);
    let planned = planned_output(root, opts).map(|o| output::resolve(&o));
    let (inputs, listing) = planned
        .as_ref()
        .and_then(|out| uptodate::Inputs::listed(root, out, opts))
        .map_or((None, None), |(i, l)| (Some(i), l));
    if let (Some(out), Some(inputs)) = (&planned, inputs) {
        if let Some(last) = uptodate::last(root, out, inputs) {
            return Ok(last);
        }
    }
    let done = (planned.as_deref(), inputs);
    let listing = listing.as_ref();
    match build_once(root, opts, progress, done, (true, listing)) {
        Ok(built) => built,
        // A kept body was altered: everything is rendered again, without the store.
        Err(Damaged) => {
            validate::Store::clear(root);
            source::kept::Record::clear(root);
            build_once(root, opts, progress, done, (false, listing))
                .unwrap_or_else(|Damaged| Err(Error::Io(validate::Store::dir(root), damaged())))
        }
    }
}

/// A body kept by the last build could not be read as it was written.
struct Damaged;

fn damaged() -> std::io::Error {
    std::io::Error::other("构建缓存已损坏")
}

/// A build (see [`build_with_progress`]), with the body store when `stored`. `done` is
/// where the build's record goes when it succeeds: the output it planned, its inputs.
fn build_once(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
    done: (Option<&Path>, Option<uptodate::Inputs>),
    (stored, listing): (bool, Option<&source::Listing>),
) -> Result<Result<(BuildStats, Vec<Diagnostic>), Error>, Damaged> {
    let (site, diags, memo) = match checked(root, &opts.validate, progress, stored, listing) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let mut saving = Saving::new(memo.into_keeping());
    let built = build_checked(root, opts, progress, done, (site, diags), &mut saving);
    saving.finish();
    if saving.damaged() {
        return Err(Damaged);
    }
    Ok(built)
}

/// The bodies of a build, kept in the store on a thread of their own while the pages
/// render: only once the build may write (a refused build leaves the site folder as it was).
struct Saving {
    bodies: Option<validate::Keeping>,
    damage: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Saving {
    fn new(bodies: Option<validate::Keeping>) -> Saving {
        Saving {
            damage: bodies.as_ref().map(validate::Keeping::damage),
            bodies,
            thread: None,
        }
    }

    fn start(&mut self) {
        if let Some(b) = self.bodies.take() {
            self.thread = Some(std::thread::spawn(move || b.save()));
        }
    }

    /// Whether a kept body was found damaged so far.
    fn damaged(&self) -> bool {
        self.damage
            .as_ref()
            .is_some_and(|d| d.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn finish(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The build of a checked site: renders, writes and commits it (aborting, the previous
/// output untouched, when a kept body turns out damaged).
fn build_checked(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
    (planned, inputs): (Option<&Path>, Option<uptodate::Inputs>),
    (mut site, mut diags): (model::Site, Vec<Diagnostic>),
    saving: &mut Saving,
) -> Result<(BuildStats, Vec<Diagnostic>), Error> {
    if diagnostics::has_errors(&diags) {
        // Kept for the build after the fix.
        saving.start();
        return Err(Error::Content(diags));
    }
    progress.stage("准备", 0);
    if let Some(b) = &opts.base_url {
        site.config.base_url = config::normalize_base_url(b).map_err(|why| {
            Error::Load(source::LoadError::Config(vec![Diagnostic::new(
                Code::Config,
                format!("--base-url 不可用（{why}）：{}", b.escape_debug()),
            )
            .with_hint("例如 --base-url https://www.xinyang.gov.cn")]))
        })?;
    }
    let given = output_dir(root, &site, opts.output.as_deref());
    let out_dir = output::resolve(&given);
    // Whether the output directory is gongkai's (its marker and file records read) is found
    // beside what the build reads from it: the manifest of the output this build replaces
    // (the URLs to keep, and the hashes of the files the build cache keeps from it) and the
    // job keys of the last build (pages whose inputs did not change are taken from its
    // output). Nothing read is used, and nothing is written, unless the directory is
    // gongkai's.
    let (writer, (manifest_read, previous)) = rayon::join(
        || output::Writer::for_site(&given, root),
        || {
            rayon::join(
                || {
                    read_manifest(&out_dir.join(manifest::FILE), false).map(|m| {
                        // No published URL vanishes without an alias or a declared withdrawal.
                        let d = compare_urls(&site, &out_dir, opts.previous.as_deref(), m.as_ref());
                        (m, d)
                    })
                },
                || render::keys::State::load(root, &out_dir),
            )
        },
    );
    let writer = writer.map_err(|e| match output::refusal(&e) {
        Some(d) => Error::Output(Box::new(d.clone())),
        None => Error::Io(given.clone(), e),
    })?;
    debug_assert_eq!(writer.out(), out_dir);
    saving.start();
    let kept_from = match manifest_read {
        Ok((m, d)) => {
            diags.extend(d);
            m
        }
        Err(d) => {
            diags.push(d);
            return Err(Error::Content(diags));
        }
    };
    if diagnostics::has_errors(&diags) {
        return Err(Error::Content(diags));
    }
    let mut writer = writer;
    let recorder = manifest::Recorder::new(&writer);
    let gz = precompress::Precompress::new(&recorder);
    let sink: &dyn output::Sink = if opts.precompress { &gz } else { &recorder };
    let rendered = render::templates(&site.templates, &site.copies).and_then(|tera| {
        progress.stage("计算依赖", 0);
        let prepared = render::Prepared::new(&site);
        let jobs = render::plan(&prepared);
        let salt = render::run::salt(&prepared);
        let sigs = render::keys::Sigs::of(&site);
        let keys = render::keys::model_keys(&prepared, &sigs, &jobs);
        let keys = render::keys::salted(&keys, salt);
        render::run::run(
            &prepared,
            &jobs,
            &tera,
            sink,
            render::run::Keying::Model(&keys),
            Some(&previous),
            progress,
        )
        .map(|o| (o, salt, sigs))
    });
    let rendered = match rendered {
        // The search index is built from the model (not the pages), once they all rendered;
        // kept whole when nothing it is made of changed.
        Ok((mut o, salt, sigs)) if opts.search => {
            progress.stage("搜索索引", 0);
            let key = render::keys::salted(&[render::keys::search_key(&site, &sigs)], salt)[0];
            let kept = previous
                .paths_of(key)
                .filter(|paths| {
                    paths
                        .iter()
                        .all(|p| output::Sink::reuse(sink, p).unwrap_or(false))
                })
                .map(<[String]>::to_vec);
            match kept {
                Some(paths) => Ok((paths, render::search::kept(&site, &sigs, key))),
                // Else updated from the index in the output when it can be, else built.
                None => {
                    let last = render::search::Last::load(root, &out_dir);
                    let last = last
                        .as_ref()
                        .and_then(|l| previous.paths_of(l.key).map(|p| (l, p)));
                    render::search::write(&site, &sigs, key, sink, last)
                }
            }
            .map(|(paths, last)| {
                o.state.insert(key, paths);
                (o, Some(last))
            })
        }
        other => other.map(|(o, ..)| (o, None)),
    };
    // A page made with a damaged kept body must not be published.
    if saving.damaged() {
        writer.abort();
        return Err(Error::Io(validate::Store::dir(root), damaged()));
    }
    let listed = match rendered {
        Ok((o, last)) => recorder
            .manifest(kept_from.as_ref(), &out_dir)
            .map(|m| ((o, last), m))
            .map_err(|e| vec![Diagnostic::new(Code::Io, format!("生成清单失败：{e}"))]),
        Err(d) => Err(d),
    };
    // Every file of the build is listed; the manifest goes in with them, atomically.
    let listed = listed.and_then(|(o, m)| {
        output::Sink::put(&writer, manifest::FILE, m.to_text().as_bytes())
            .map(|_| o)
            .map_err(|e| vec![Diagnostic::new(Code::Io, format!("写入清单失败：{e}"))])
    });
    let (outcome, last_index) = match listed {
        Ok(o) => o,
        Err(d) => {
            writer.abort();
            diags.extend(d);
            return Err(Error::Content(diags));
        }
    };
    render::keys::State::forget(root, &out_dir);
    render::search::Last::forget(root, &out_dir);
    uptodate::forget(root, &out_dir);
    progress.stage("写入", 0);
    let mut stats = writer
        .commit()
        .map_err(|(p, e)| match output::refusal(&e) {
            // Something gongkai did not write is in the way: nothing was changed.
            Some(d) => {
                let mut all = diags.clone();
                all.push(d.clone());
                Error::Content(all)
            }
            None => Error::Io(p, e),
        })?;
    stats.pages = outcome.pages;
    // Without these cache files the next build does more work: nothing is lost.
    rayon::scope(|s| {
        s.spawn(|_| {
            let _ = outcome.state.save(root, &out_dir);
        });
        if let Some(last) = &last_index {
            s.spawn(|_| {
                let _ = last.save(root, &out_dir);
            });
        }
        if let (Some(out), Some(inputs)) = (planned, inputs) {
            if out == out_dir {
                uptodate::save(root, &out_dir, inputs, &stats, &diags);
            }
        }
    });
    // The model and the last build's records take a third of a second to free at 100,000
    // documents: not on the build's path.
    process::drop_aside((site, previous, kept_from, outcome));
    Ok((stats, diags))
}
