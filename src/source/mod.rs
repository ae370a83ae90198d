//! Stage 1, **load**: read the site folder into raw, parsed values with their source text.
//!
//! Nothing here decides what is valid; it only reads files, checks they are UTF-8, splits
//! front matter and parses TOML. Every problem becomes a [`Diagnostic`]; no file stops the others.

pub mod frontmatter;
pub mod kept;
pub mod text;

use crate::config::{self, Config};
use crate::diagnostics::{rel_path, Code, Diagnostic};
pub use crate::model::{CopyFile, Section};
pub use crate::paths::is_safe_segment;
pub use crate::tomlpos::toml_error;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;
pub use text::{Table, Text};
use walkdir::WalkDir;

/// A file's path (relative to the site root, `/`-separated) and its UTF-8 text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: Text,
}

/// A Markdown document: parsed front matter plus where its body is.
#[derive(Debug, Clone)]
pub struct RawDoc {
    pub section: Section,
    pub file: SourceFile,
    /// Path inside its section folder without `.md`, e.g. `2016/jilin`.
    pub stem: String,
    pub front_matter: Range<usize>,
    pub body: Range<usize>,
    pub table: Table,
    /// The file's stamp when it was read ([`kept::stamp`]; `None` when it changed too
    /// recently to be trusted, or was not read from disk).
    pub stamp: Option<u64>,
    /// What the last build derived from this file's text, when the file is kept from it.
    pub facts: Option<Arc<[kept::Fact]>>,
}

impl RawDoc {
    pub fn body(&self) -> &str {
        self.file.text.get(self.body.clone()).unwrap_or("")
    }

    /// The fact of `kind` and `salt` the last build derived from this file, when it is
    /// kept from it.
    pub fn fact(&self, kind: u8, salt: u64) -> Option<&kept::Fact> {
        self.facts
            .as_ref()?
            .iter()
            .find(|f| f.kind == kind && f.salt == salt)
    }
}

/// A parsed TOML data file (ledger or report input).
#[derive(Debug, Clone)]
pub struct RawData {
    pub file: SourceFile,
    /// File name without `.toml`, e.g. `power-2016`.
    pub stem: String,
    pub table: Table,
    /// The file's stamp when it was read (ledgers only; as [`RawDoc::stamp`]).
    pub stamp: Option<u64>,
    /// What the last build derived from this file's text, when the file is kept from it.
    pub facts: Option<Arc<[kept::Fact]>>,
}

impl RawData {
    /// A data file read now (nothing kept from an earlier build).
    pub fn new(file: SourceFile, stem: String, table: toml::Table) -> RawData {
        RawData {
            file,
            stem,
            table: table.into(),
            stamp: None,
            facts: None,
        }
    }

    /// The fact of `kind` and `salt` the last build derived from this file (see
    /// [`RawDoc::fact`]).
    pub fn fact(&self, kind: u8, salt: u64) -> Option<&kept::Fact> {
        self.facts
            .as_ref()?
            .iter()
            .find(|f| f.kind == kind && f.salt == salt)
    }
}

/// Everything read from a site folder.
#[derive(Debug)]
pub struct Loaded {
    pub root: PathBuf,
    pub config: Config,
    pub docs: Vec<RawDoc>,
    pub lists: Vec<RawData>,
    pub reports: Vec<RawData>,
    /// Non-source files under `content/` (images, videos, PDFs beside documents), by path
    /// relative to `content/`.
    pub assets: BTreeMap<String, PathBuf>,
    /// Theme and site `static/` files, site files overriding theme files.
    pub statics: Vec<CopyFile>,
    /// Template overrides from disk: theme folder, then the site's `templates/`.
    pub templates: BTreeMap<String, String>,
    /// `content/removed.toml`, the URLs withdrawn on purpose, when there is one.
    pub removed: Option<RawData>,
    pub diags: Vec<Diagnostic>,
    /// The record of the last build the unchanged documents were kept from.
    pub record: Option<Arc<kept::Record>>,
}

impl Loaded {
    /// Whether a document kept from the last build turned out changed when it was read:
    /// what was derived from it cannot be trusted (load again without the record).
    pub fn kept_damaged(&self) -> bool {
        self.record.as_ref().is_some_and(|r| r.damaged())
    }
}

/// Problems that stop loading altogether (exit status 2).
#[derive(Debug)]
pub enum LoadError {
    Unreadable(PathBuf, std::io::Error),
    /// The config is missing or unusable; the diagnostics say why.
    Config(Vec<Diagnostic>),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Unreadable(p, e) => write!(f, "无法读取 {}：{e}", p.display()),
            LoadError::Config(d) => {
                write!(f, "site-config.toml 无法使用")?;
                for d in d {
                    write!(f, "\n{d}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// The bytes of the file at `abs`, read straight into shared memory. (Reading into a `Vec`
/// and then into an `Arc<str>` copied every source text once more: 470 MB, and as much
/// fresh memory, at 100,000 documents.)
fn read_shared(abs: &Path) -> std::io::Result<(Arc<[u8]>, std::fs::Metadata)> {
    use std::io::Read;
    let mut f = std::fs::File::open(abs)?;
    let meta = f.metadata()?;
    let len = usize::try_from(meta.len()).map_err(std::io::Error::other)?;
    // SAFETY: zeroed bytes are initialized `u8`s.
    let mut buf: Arc<[u8]> = unsafe { Arc::new_zeroed_slice(len).assume_init() };
    let whole = Arc::get_mut(&mut buf).is_some_and(|b| f.read_exact(b).is_ok());
    // The file changed size while it was read: it is read again as it is now.
    if !whole || f.read(&mut [0u8])? != 0 {
        let bytes = std::fs::read(abs)?.into();
        return Ok((bytes, std::fs::metadata(abs)?));
    }
    Ok((buf, meta))
}

/// Reads a file as UTF-8; a file in another encoding becomes a diagnostic that says how to
/// convert it.
pub fn read_utf8(root: &Path, abs: &Path) -> Result<SourceFile, Diagnostic> {
    read_stamped(root, abs).map(|(f, _)| f)
}

/// [`read_utf8`], with the file's metadata as it was read.
fn read_stamped(root: &Path, abs: &Path) -> Result<(SourceFile, std::fs::Metadata), Diagnostic> {
    let path = rel_path(root, abs);
    let (bytes, meta) = read_shared(abs)
        .map_err(|e| Diagnostic::new(Code::Io, format!("无法读取文件：{e}")).in_file(&path))?;
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: the bytes were just checked to be UTF-8, and `str` has the layout of
        // `[u8]`.
        let text: Arc<str> = unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) };
        return Ok((
            SourceFile {
                path,
                text: text.into(),
            },
            meta,
        ));
    }
    match String::from_utf8(bytes.to_vec()) {
        Ok(text) => Ok((
            SourceFile {
                path,
                text: text.into(),
            },
            meta,
        )),
        Err(e) => {
            let bytes = e.into_bytes();
            let bad = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
            let line = bytes[..bad].iter().filter(|b| **b == b'\n').count() + 1;
            let (_, _, had_errors) = encoding_rs::GB18030.decode(&bytes);
            let mut d = Diagnostic::new(
                Code::NotUtf8,
                if had_errors {
                    "文件不是 UTF-8 编码".to_string()
                } else {
                    "文件不是 UTF-8 编码（看起来是 GBK/GB18030）".to_string()
                },
            )
            .in_file(&path);
            d.line = line;
            d.hint = Some(format!(
                "请转换为 UTF-8 后再发布：iconv -f GB18030 -t UTF-8 '{path}' > tmp && mv tmp '{path}'"
            ));
            Err(d)
        }
    }
}

/// Hidden and editor temporary files (`.x`, `x~`, `#x#`, `x.swp`), skipped by [`walk`].
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.starts_with('#') || name.ends_with(".swp")
}

/// Lists files under `dir` (sorted, hidden and editor temp files skipped).
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    walk_all(dir).0
}

/// [`walk`], and the symbolic links found (never followed: a link could lead out of the
/// site), sorted.
pub fn walk_all(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    if !dir.is_dir() {
        return (Vec::new(), Vec::new());
    }
    let mut out = Vec::new();
    let mut links = Vec::new();
    for e in WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() {
            out.push(e.into_path());
        } else if e.path_is_symlink() && e.depth() > 0 {
            links.push(e.into_path());
        }
    }
    out.sort();
    links.sort();
    (out, links)
}

/// The files and symbolic links under `content/` with their metadata, as a walk of the whole
/// site that ran just before the load found them (the up-to-date check's, see
/// [`crate::uptodate`]): the load then neither walks `content/` nor stats its files again.
#[derive(Debug)]
pub struct Listing {
    files: Vec<(PathBuf, std::fs::Metadata)>,
    links: Vec<PathBuf>,
    /// When the walk began: a file changed after it is not trusted by its stamp.
    began: SystemTime,
}

impl Listing {
    /// A listing whose walk begins now.
    pub fn begin() -> Listing {
        Listing {
            files: Vec::new(),
            links: Vec::new(),
            began: SystemTime::now(),
        }
    }

    /// One entry of the walk: `rel` is its path below `content/` (not empty), `meta` its
    /// own metadata (a link's, not its target's). Entries are given in walk order.
    pub fn add(&mut self, root: &Path, rel: &Path, meta: std::fs::Metadata) {
        // What [`walk_all`] prunes: hidden and editor files, and everything inside hidden
        // folders.
        if rel
            .components()
            .any(|c| is_ignored(&c.as_os_str().to_string_lossy()))
        {
            return;
        }
        let abs = root.join("content").join(rel);
        if meta.file_type().is_file() {
            self.files.push((abs, meta));
        } else if meta.file_type().is_symlink() {
            self.links.push(abs);
        }
    }

    /// The listing in [`walk_all`]'s order.
    pub fn finish(mut self) -> Listing {
        self.files.sort_by(|a, b| a.0.cmp(&b.0));
        self.links.sort();
        self
    }
}

/// W-SYMLINK: a symbolic link that was skipped, by name.
pub fn symlink_diag(root: &Path, link: &Path) -> Diagnostic {
    let path = rel_path(root, link);
    Diagnostic::new(Code::Symlink, format!("已跳过符号链接：{path}"))
        .in_file(&path)
        .with_hint("gongkai 不跟随符号链接（它可能指向网站目录以外的文件）；请把文件本身放到这里")
}

/// One file under `content/`, loaded by [`load_one`].
pub enum Item {
    Doc(RawDoc),
    List(RawData),
    Report(RawData),
    /// `content/removed.toml`: the URLs withdrawn on purpose.
    Removed(RawData),
    Asset(String, PathBuf),
}

/// Loads a site folder.
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    load_with(root, None, None)
}

/// [`load`], keeping from `record` (the last build's) the documents whose stamp did not
/// change: they are not read (see [`kept`]). With a `listing` of `content/` taken just
/// before, that folder is not walked again.
pub fn load_with(
    root: &Path,
    record: Option<Arc<kept::Record>>,
    listing: Option<&Listing>,
) -> Result<Loaded, LoadError> {
    let started = listing.map_or_else(SystemTime::now, |l| l.began);
    let root_meta =
        std::fs::metadata(root).map_err(|e| LoadError::Unreadable(root.to_path_buf(), e))?;
    if !root_meta.is_dir() {
        return Err(LoadError::Unreadable(
            root.to_path_buf(),
            std::io::Error::new(std::io::ErrorKind::NotADirectory, "不是目录"),
        ));
    }
    let config_path = root.join("site-config.toml");
    let config_file = read_utf8(root, &config_path).map_err(|d| LoadError::Config(vec![d]))?;
    let (config, config_diags) = config::parse(&config_file.path, &config_file.text);
    let Some(config) = config else {
        return Err(LoadError::Config(config_diags));
    };
    let diags = config_diags;

    let content = root.join("content");
    let walked;
    let (files, links): (Vec<(&Path, Option<&std::fs::Metadata>)>, &[PathBuf]) = match listing {
        Some(l) => (
            l.files
                .iter()
                .map(|(p, m)| (p.as_path(), Some(m)))
                .collect(),
            &l.links,
        ),
        None => {
            walked = walk_all(&content);
            (
                walked.0.iter().map(|p| (p.as_path(), None)).collect(),
                &walked.1,
            )
        }
    };
    let mut diags = diags;
    diags.extend(links.iter().map(|l| symlink_diag(root, l)));
    let results: Vec<Result<Item, Diagnostic>> = files
        .par_iter()
        .map(|&(abs, meta)| load_one_with(root, &content, abs, (record.as_deref(), started, meta)))
        .collect();

    let mut docs = Vec::new();
    let mut lists = Vec::new();
    let mut reports = Vec::new();
    let mut assets = BTreeMap::new();
    let mut removed = None;
    for r in results {
        match r {
            Ok(Item::Doc(d)) => docs.push(d),
            Ok(Item::List(l)) => lists.push(l),
            Ok(Item::Report(r)) => reports.push(r),
            Ok(Item::Removed(r)) => removed = Some(r),
            Ok(Item::Asset(rel, abs)) => {
                assets.insert(rel, abs);
            }
            Err(d) => diags.push(d),
        }
    }

    let (templates, statics, theme_diags) = load_theme_files(root, &config.theme);
    diags.extend(theme_diags);

    Ok(Loaded {
        root: root.to_path_buf(),
        config,
        docs,
        lists,
        reports,
        assets,
        statics,
        templates,
        removed,
        diags,
        record,
    })
}

fn unsafe_path_diag(path: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnsafePath,
        format!("文件名不安全：{}", path.escape_debug()),
    )
    .in_file(path)
    .with_hint("文件名和目录名不能包含 ..、/、\\ 或控制字符")
}

/// Loads one file under `content/` (what [`load`] does for each; `serve` reloads single files).
pub fn load_one(root: &Path, content: &Path, abs: &Path) -> Result<Item, Diagnostic> {
    load_one_with(root, content, abs, (None, SystemTime::now(), None))
}

/// [`load_one`], keeping a document from `record` when its stamp did not change; `started`
/// is when the load began (files changed after it are not to be trusted later), `meta` the
/// file's metadata when the walk that found it has it.
fn load_one_with(
    root: &Path,
    content: &Path,
    abs: &Path,
    (record, started, meta): (
        Option<&kept::Record>,
        SystemTime,
        Option<&std::fs::Metadata>,
    ),
) -> Result<Item, Diagnostic> {
    let in_content = abs.strip_prefix(content).unwrap_or(abs);
    let segments: Vec<String> = in_content
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let rel_to_root = rel_path(root, abs);
    if segments
        .iter()
        .any(|s| !is_safe_segment(s) || s.contains('\u{fffd}'))
    {
        return Err(unsafe_path_diag(&rel_to_root));
    }
    let top = segments.first().map(String::as_str).unwrap_or("");
    let ext = abs.extension().and_then(|e| e.to_str()).unwrap_or("");
    let section = match top {
        "policies" => Some(Section::Policy),
        "interpretations" => Some(Section::Interpretation),
        "pages" => Some(Section::Page),
        _ => None,
    };
    if segments.len() == 1 && top == "removed.toml" {
        let file = read_utf8(root, abs)?;
        let table: toml::Table =
            toml::from_str(&file.text).map_err(|e| toml_error(&file.path, &file.text, 0, &e))?;
        return Ok(Item::Removed(RawData::new(file, "removed".into(), table)));
    }
    match (top, section, ext) {
        (_, Some(section), "md") => {
            let stem = segments[1..].join("/");
            let stem = stem.strip_suffix(".md").unwrap_or(&stem).to_string();
            if let Some(record) = record.filter(|r| !r.is_empty()) {
                if let Some(e) = kept_entry(record, abs, &rel_to_root, started, meta) {
                    return Ok(Item::Doc(kept_doc(record, section, abs, e, stem)));
                }
            }
            let (file, meta) = read_stamped(root, abs)?;
            let mut doc = parse_doc(section, file, stem)?;
            doc.stamp = kept::stamp(&meta, started);
            Ok(Item::Doc(doc))
        }
        ("lists" | "reports", _, "toml") => {
            let stem = segments[1..].join("/");
            let stem = stem.strip_suffix(".toml").unwrap_or(&stem).to_string();
            if top == "lists" {
                if let Some(record) = record.filter(|r| !r.is_empty()) {
                    if let Some(e) = kept_entry(record, abs, &rel_to_root, started, meta) {
                        return Ok(Item::List(kept_data(record, abs, e, stem)));
                    }
                }
            }
            let (file, meta) = read_stamped(root, abs)?;
            let table: toml::Table = toml::from_str(&file.text)
                .map_err(|e| toml_error(&file.path, &file.text, 0, &e))?;
            let mut data = RawData::new(file, stem, table);
            Ok(if top == "lists" {
                data.stamp = kept::stamp(&meta, started);
                Item::List(data)
            } else {
                Item::Report(data)
            })
        }
        _ => Ok(Item::Asset(segments.join("/"), abs.to_path_buf())),
    }
}

/// The record's entry of the file at `abs` when its stamp (from the walk's `meta`, else
/// read now) is still the one recorded.
fn kept_entry<'r>(
    record: &'r kept::Record,
    abs: &Path,
    rel_to_root: &str,
    started: SystemTime,
    meta: Option<&std::fs::Metadata>,
) -> Option<&'r kept::Entry> {
    let stamp = match meta {
        Some(m) => kept::stamp(m, started),
        None => std::fs::symlink_metadata(abs)
            .ok()
            .and_then(|m| kept::stamp(&m, started)),
    };
    record.get(rel_to_root, stamp?)
}

/// A ledger kept from the last build's record: its text and table are read only when asked
/// for (what validation built of it is among its facts).
fn kept_data(record: &kept::Record, abs: &Path, e: &kept::Entry, stem: String) -> RawData {
    let text = record.text(abs.to_path_buf(), e);
    let len = e.body.1 as usize;
    RawData {
        file: SourceFile {
            path: e.path.clone(),
            text: text.clone(),
        },
        stem,
        table: Table::later(text, 0..len),
        stamp: Some(e.stamp),
        facts: Some(e.facts.clone()),
    }
}

/// A document kept from the last build's record: its text and table are read only when
/// asked for.
fn kept_doc(
    record: &kept::Record,
    section: Section,
    abs: &Path,
    e: &kept::Entry,
    stem: String,
) -> RawDoc {
    let text = record.text(abs.to_path_buf(), e);
    let front_matter = e.front_matter.0 as usize..e.front_matter.1 as usize;
    RawDoc {
        section,
        file: SourceFile {
            path: e.path.clone(),
            text: text.clone(),
        },
        stem,
        table: Table::later(text, front_matter.clone()),
        front_matter,
        body: e.body.0 as usize..e.body.1 as usize,
        stamp: Some(e.stamp),
        facts: Some(e.facts.clone()),
    }
}

/// Parses a Markdown document's front matter. Pure: text in, raw document out.
pub fn parse_doc(section: Section, file: SourceFile, stem: String) -> Result<RawDoc, Diagnostic> {
    let split = match frontmatter::split(&file.text) {
        Ok(s) => s,
        Err(frontmatter::SplitError::NoOpening) => {
            return Err(
                Diagnostic::new(Code::Frontmatter, "文件缺少 +++ 开头的 TOML 头部信息")
                    .at(&file.path, &file.text, 0)
                    .with_hint("文件第一行应为 +++，接着是 title = \"…\" 等字段，再以 +++ 结束"),
            )
        }
        Err(frontmatter::SplitError::NoClosing(at)) => {
            return Err(
                Diagnostic::new(Code::Frontmatter, "头部信息没有结束的 +++ 行")
                    .at(&file.path, &file.text, at.saturating_sub(1))
                    .with_hint("在头部字段之后加一行 +++"),
            )
        }
    };
    let fm = &file.text[split.front_matter.clone()];
    let table: toml::Table = toml::from_str(fm)
        .map_err(|e| toml_error(&file.path, &file.text, split.front_matter.start, &e))?;
    Ok(RawDoc {
        section,
        file,
        stem,
        front_matter: split.front_matter,
        body: split.body,
        table: table.into(),
        stamp: None,
        facts: None,
    })
}

/// Theme templates and static files: the built-in default theme, then `themes/<name>/` in the
/// site, then the site's own `templates/` and `static/`, each overriding file by file.
pub fn load_theme_files(
    root: &Path,
    theme: &str,
) -> (BTreeMap<String, String>, Vec<CopyFile>, Vec<Diagnostic>) {
    let mut templates = BTreeMap::new();
    let mut statics: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut diags = Vec::new();
    let theme_dir = root.join("themes").join(theme);
    if theme != "default" && !theme_dir.is_dir() {
        diags.push(
            Diagnostic::new(Code::Config, format!("找不到主题 `{theme}`"))
                .in_file("site-config.toml")
                .with_hint(format!("主题应位于 themes/{theme}/templates/")),
        );
    }
    for dir in [theme_dir.join("templates"), root.join("templates")] {
        for abs in walk(&dir) {
            let name = rel_path(&dir, &abs);
            match read_utf8(root, &abs) {
                Ok(f) => {
                    templates.insert(name, f.text.to_string());
                }
                Err(d) => diags.push(d),
            }
        }
    }
    for dir in [theme_dir.join("static"), root.join("static")] {
        let (files, links) = walk_all(&dir);
        diags.extend(links.iter().map(|l| symlink_diag(root, l)));
        for abs in files {
            let rel = rel_path(&dir, &abs);
            if rel.split('/').any(|s| !is_safe_segment(s)) {
                diags.push(unsafe_path_diag(&rel_path(root, &abs)));
                continue;
            }
            statics.insert(rel, abs);
        }
    }
    let statics = statics
        .into_iter()
        .map(|(rel, abs)| CopyFile { rel, abs })
        .collect();
    (templates, statics, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_doc_reports_toml_errors_at_file_line() {
        let file = SourceFile {
            path: "content/policies/a.md".into(),
            text: "+++\ntitle = \"a\"\npublished = 2016-13-01\n+++\nbody".into(),
        };
        let d = parse_doc(Section::Policy, file, "a".into()).unwrap_err();
        assert_eq!(d.code, "E-INVALID-DATE");
        assert_eq!(d.line, 3);
        let file = SourceFile {
            path: "content/policies/a.md".into(),
            text: "+++\ntitle = \"a\n+++\nbody".into(),
        };
        let d = parse_doc(Section::Policy, file, "a".into()).unwrap_err();
        assert_eq!(d.code, "E-TOML-SYNTAX");
        assert_eq!(d.line, 2);
    }

    #[test]
    fn files_read_as_utf8_or_say_where_they_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(root.join(name), bytes).unwrap();
            root.join(name)
        };
        let f = read_utf8(root, &write("a.md", "政务公开\n第二行".as_bytes())).unwrap();
        assert_eq!((f.path.as_str(), &*f.text), ("a.md", "政务公开\n第二行"));
        assert_eq!(&*read_utf8(root, &write("empty.md", b"")).unwrap().text, "");
        // 政务 in GBK on the second line.
        let d = read_utf8(root, &write("gbk.md", b"title\n\xd5\xfe\xce\xf1")).unwrap_err();
        assert_eq!((d.code, d.line), ("E-NOT-UTF8", 2));
        assert!(d.message.contains("GBK"), "{}", d.message);
        assert_eq!(
            read_utf8(root, &root.join("missing.md")).unwrap_err().code,
            "E-IO"
        );
    }

    #[test]
    fn unsafe_segments() {
        assert!(is_safe_segment("jilin-2016"));
        assert!(is_safe_segment("吉林"));
        assert!(!is_safe_segment(".."));
        assert!(!is_safe_segment("a\\b"));
        assert!(!is_safe_segment("a\u{7}b"));
    }
}
