//! The loaded sources of `serve`, kept up to date file by file between rebuilds.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{self, Item, Loaded};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The loaded site, kept up to date file by file.
pub(super) struct Sources {
    pub(super) loaded: Loaded,
    config_diags: Vec<Diagnostic>,
    pub(super) theme_diags: Vec<Diagnostic>,
    /// Files under `content/` that could not be loaded, by absolute path.
    file_errors: BTreeMap<PathBuf, Diagnostic>,
}

fn load_error(e: source::LoadError) -> Vec<Diagnostic> {
    match e {
        source::LoadError::Config(d) => d,
        source::LoadError::Unreadable(p, e) => {
            vec![Diagnostic::new(
                Code::Io,
                format!("无法读取 {}：{e}", p.display()),
            )]
        }
    }
}

impl Sources {
    /// Reads everything, like [`source::load`], keeping the pieces apart so that one file or
    /// the theme can be reloaded alone.
    pub(super) fn load(root: &Path) -> Result<Sources, Vec<Diagnostic>> {
        let meta = std::fs::metadata(root)
            .map_err(|e| load_error(source::LoadError::Unreadable(root.to_path_buf(), e)))?;
        if !meta.is_dir() {
            let e = std::io::Error::new(std::io::ErrorKind::NotADirectory, "不是目录");
            return Err(load_error(source::LoadError::Unreadable(
                root.to_path_buf(),
                e,
            )));
        }
        let config_file =
            source::read_utf8(root, &root.join("site-config.toml")).map_err(|d| vec![d])?;
        let (config, config_diags) = crate::config::parse(&config_file.path, &config_file.text);
        let Some(config) = config else {
            return Err(config_diags);
        };
        let content = root.join("content");
        let results: Vec<(PathBuf, Result<Item, Diagnostic>)> = source::walk(&content)
            .into_par_iter()
            .map(|abs| {
                let r = source::load_one(root, &content, &abs);
                (abs, r)
            })
            .collect();
        let (templates, statics, theme_diags) = source::load_theme_files(root, &config.theme);
        let mut src = Sources {
            loaded: Loaded {
                root: root.to_path_buf(),
                config,
                docs: Vec::new(),
                lists: Vec::new(),
                reports: Vec::new(),
                assets: BTreeMap::new(),
                statics,
                templates,
                removed: None,
                diags: Vec::new(),
                record: None,
            },
            config_diags,
            theme_diags,
            file_errors: BTreeMap::new(),
        };
        for (abs, r) in results {
            src.insert(abs, r);
        }
        Ok(src)
    }

    /// Files keep the order `load` gives them (sorted paths), which validation relies on
    /// (the first of two equal 索引号 is the one kept).
    fn insert(&mut self, abs: PathBuf, item: Result<Item, Diagnostic>) {
        let l = &mut self.loaded;
        match item {
            Ok(Item::Doc(d)) => {
                let at = l
                    .docs
                    .partition_point(|x| Path::new(&x.file.path) < Path::new(&d.file.path));
                l.docs.insert(at, d);
            }
            Ok(Item::List(d)) => {
                let at = l
                    .lists
                    .partition_point(|x| Path::new(&x.file.path) < Path::new(&d.file.path));
                l.lists.insert(at, d);
            }
            Ok(Item::Report(d)) => {
                let at = l
                    .reports
                    .partition_point(|x| Path::new(&x.file.path) < Path::new(&d.file.path));
                l.reports.insert(at, d);
            }
            Ok(Item::Removed(d)) => l.removed = Some(d),
            Ok(Item::Asset(rel, abs)) => {
                l.assets.insert(rel, abs);
            }
            Err(d) => {
                self.file_errors.insert(abs, d);
            }
        }
    }

    /// Re-reads one changed path under `content/`: a file (changed, new or deleted) or a
    /// directory (everything under it).
    pub(super) fn apply(&mut self, root: &Path, abs: &Path) {
        let content = root.join("content");
        let (Ok(in_content), Ok(in_root)) = (abs.strip_prefix(&content), abs.strip_prefix(root))
        else {
            return;
        };
        let under = |p: &str| Path::new(p).starts_with(in_root);
        let l = &mut self.loaded;
        l.docs.retain(|d| !under(&d.file.path));
        l.lists.retain(|d| !under(&d.file.path));
        l.reports.retain(|d| !under(&d.file.path));
        if l.removed.as_ref().is_some_and(|d| under(&d.file.path)) {
            l.removed = None;
        }
        l.assets.retain(|_, a| !a.starts_with(abs));
        self.file_errors.retain(|p, _| !p.starts_with(abs));
        if in_content
            .components()
            .any(|c| source::is_ignored(&c.as_os_str().to_string_lossy()))
        {
            return;
        }
        let files = match std::fs::symlink_metadata(abs) {
            Ok(m) if m.is_dir() => source::walk(abs),
            Ok(m) if m.is_file() => vec![abs.to_path_buf()],
            _ => return,
        };
        let loaded: Vec<(PathBuf, Result<Item, Diagnostic>)> = files
            .into_par_iter()
            .map(|f| {
                let r = source::load_one(root, &content, &f);
                (f, r)
            })
            .collect();
        for (f, r) in loaded {
            self.insert(f, r);
        }
    }

    pub(super) fn assemble_diags(&mut self) {
        let mut d = self.config_diags.clone();
        d.extend(self.file_errors.values().cloned());
        d.extend(self.theme_diags.iter().cloned());
        self.loaded.diags = d;
    }
}
