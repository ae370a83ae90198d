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
pub mod inspection;
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
pub mod website;

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
        }
    }
}

impl std::error::Error for Error {}

/// Loads and validates a site: what `check` runs.
pub fn check(
    root: &Path,
    opts: &validate::Options,
) -> Result<(model::Site, Vec<Diagnostic>), Error> {
    let loaded = source::load(root).map_err(Error::Load)?;
    Ok(validate::validate(loaded, opts))
}

/// Loads and validates a site and runs every 检查指标 rule (also those that a site without
/// `[inspection]` does not get from `check`): what `check --inspection` runs. Returns the
/// diagnostics and the 自查表.
pub fn inspect(
    root: &Path,
    opts: &validate::Options,
) -> Result<(model::Site, Vec<Diagnostic>, Vec<inspection::Row>), Error> {
    let loaded = source::load(root).map_err(Error::Load)?;
    let (site, mut diags) = validate::validate_with(&loaded, opts, &validate::Memo::default());
    if site.config.inspection.is_none() {
        diags.extend(inspection::site_rules(
            &site,
            &loaded,
            &config::InspectionConfig::default(),
        ));
        diagnostics::sort(&mut diags);
    }
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
    /// Build the search index under `pagefind/` (`--no-search` turns it off).
    pub search: bool,
}

/// Loads, validates, renders and writes a site. On any error the previous output is left
/// exactly as it was.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<(BuildStats, Vec<Diagnostic>), Error> {
    let (mut site, diags) = check(root, &opts.validate)?;
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
    let mut writer = output::Writer::new(&out_dir).map_err(|e| Error::Io(out_dir.clone(), e))?;
    // Pages whose inputs did not change since the last build are taken from its output.
    let cache = render::cache::Cache::load(root, &out_dir);
    let rendered = match render::render_cached(&site, &writer, Some(&cache)) {
        // The search index is built from the model (not the pages), once they all rendered.
        Ok(n) if opts.search => render::search::write(&site, &writer).map(|_| n),
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
    let mut stats = writer.commit().map_err(|(p, e)| Error::Io(p, e))?;
    // Without a cache file the next build renders everything: nothing is lost.
    let _ = cache.save(root, &out_dir);
    stats.pages = pages;
    Ok((stats, diags))
}
