//! gongkai (公开): a static site generator for Chinese government information-disclosure
//! portals.
//!
//! The pipeline is the architecture:
//!
//! ```text
//! source::load ──> validate::validate ──> render::render ──> output::write
//!   (Raw* + diags)    (model::Site + diags)  (files into a Sink)  (staging dir, atomic swap)
//! ```
//!
//! [`build`] runs it end to end; `check` stops after `validate`; `serve` reuses every stage.

// A `Diagnostic` (code, message, position, source line, hint) is returned by value on the
// rare error path; boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod calendar;
pub mod config;
pub mod deadline;
pub mod diagnostics;
pub mod ledger;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod source;
pub mod theme;
pub mod validate;

use diagnostics::Diagnostic;
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
    progress.stage("读取", 0);
    let loaded = source::load(root).map_err(Error::Load)?;
    progress.stage("校验", 0);
    Ok(validate::validate(loaded, opts))
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
    /// Build the search index under `pagefind/` (`--no-search` turns it off).
    pub search: bool,
}

/// Loads, validates, renders and writes a site. On any error the previous output is left
/// exactly as it was.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<(BuildStats, Vec<Diagnostic>), Error> {
    build_with_progress(root, opts, &NoProgress)
}

/// [`build`], reporting its stages to `progress`.
pub fn build_with_progress(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<(BuildStats, Vec<Diagnostic>), Error> {
    let (mut site, diags) = check_with_progress(root, &opts.validate, progress)?;
    if diagnostics::has_errors(&diags) {
        return Err(Error::Content(diags));
    }
    if let Some(b) = &opts.base_url {
        site.config.base_url = b.trim_end_matches('/').to_string();
    }
    let out_dir = match &opts.output {
        Some(o) => o.clone(),
        None => root.join(&site.config.output),
    };
    let mut writer =
        output::Writer::for_site(&out_dir, root).map_err(|e| match output::refusal(&e) {
            Some(d) => Error::Output(Box::new(d.clone())),
            None => Error::Io(out_dir.clone(), e),
        })?;
    let out_dir = writer.out().to_path_buf();
    // Pages whose inputs did not change since the last build are taken from its output.
    let cache = render::cache::Cache::load(root, &out_dir);
    let rendered = match render::render_with_progress(&site, &writer, Some(&cache), progress) {
        // The search index is built from the model (not the pages), once they all rendered.
        Ok(n) if opts.search => {
            progress.stage("搜索索引", 0);
            render::search::write(&site, &writer).map(|_| n)
        }
        other => other,
    };
    let pages = match rendered {
        Ok(n) => n,
        Err(d) => {
            writer.abort();
            let mut all = diags;
            all.extend(d);
            return Err(Error::Content(all));
        }
    };
    render::cache::Cache::forget(root, &out_dir);
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
    // Without a cache file the next build renders everything: nothing is lost.
    let _ = cache.save(root, &out_dir);
    stats.pages = pages;
    Ok((stats, diags))
}
