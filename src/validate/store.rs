//! The body store: the rendered bodies of the last build, kept on disk in
//! `.gongkai-cache/bodies/` so that the next build (a new process) renders only the bodies
//! whose file or environment changed.
//!
//! Rendering a body (Markdown, sanitizing, the privacy scan) is the largest part of
//! validation: 2.7 s of a one-edit rebuild at 100,000 documents. The store keeps, for each
//! document file, everything [`super::Memo::markdown`] would produce, keyed by the same
//! things: the xxh3-128 hash of the file's text and the environment it was rendered in
//! ([`Env`]: the privacy setting, media hosts, and the link targets when the body can link).
//!
//! - `index`: a head (postcard: the format, the identity of the gongkai that wrote it, its
//!   version and binary stamp, and the segment files with their lengths), then the entries
//!   in chunks decoded in parallel: per file its key, table of contents, first paragraph,
//!   assets, links and diagnostics, and where its HTML is.
//! - `<hash>.html`: segments, the HTML of many bodies one after another. HTML is read only
//!   when a page or the search index needs it ([`crate::model::Html`]), one `pread` each,
//!   and checked against its hash. A build that finds a kept body altered or missing renders
//!   everything again without the store.
//!
//! Each save writes the new bodies into one new segment, and copies into it the live
//! bodies of segments that are more than half dead, so the store stays under about twice
//! the size of the HTML. Everything here is a cache: deleting the folder only costs time,
//! and a store written by another gongkai is ignored.

use crate::diagnostics::Kept;
use crate::markdown::Rendered;
use crate::model::{Body, Html, KeptHtml, TocEntry};
use foldhash::HashMap;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What a body's rendering reads besides its own file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Env {
    /// Settings every body depends on (privacy check on or off, media hosts).
    pub(super) base: u64,
    /// `base` plus every link target (published documents and their URLs, content assets):
    /// only bodies that can contain a link depend on it.
    pub(super) links: u64,
}

const FORMAT: u32 = 1;
const INDEX: &str = "index";

/// A kept body, without its HTML (which is in a segment).
#[derive(Serialize, Deserialize, Clone)]
struct Entry {
    path: String,
    text: u128,
    links: bool,
    env: u64,
    seg: u32,
    at: u64,
    len: u32,
    sig: u64,
    toc: Vec<(u8, String, String)>,
    first_paragraph: String,
    plain_len: u64,
    assets: Vec<String>,
    absolute_links: Vec<(String, u64)>,
    diags: Vec<Kept>,
}

/// The head of the index file; the entries follow it in `chunks` postcard blobs (decoded
/// in parallel: 100,000 entries are 60 MB).
#[derive(Serialize, Deserialize)]
struct Head {
    format: u32,
    identity: u64,
    /// Segment files (name, length).
    segments: Vec<(String, u64)>,
    /// The byte length of each chunk of entries.
    chunks: Vec<u64>,
}

/// Entries per chunk of the index.
const CHUNK: usize = 4096;

/// The index file: its head's length (8 bytes, little-endian), its head, its chunks.
fn encode_index(head: &mut Head, entries: &[Entry]) -> std::io::Result<Vec<u8>> {
    use rayon::prelude::*;
    let chunks: Vec<Vec<u8>> = entries
        .par_chunks(CHUNK)
        .map(postcard::to_allocvec)
        .collect::<Result<_, _>>()
        .map_err(std::io::Error::other)?;
    head.chunks = chunks.iter().map(|c| c.len() as u64).collect();
    let head = postcard::to_allocvec(head).map_err(std::io::Error::other)?;
    let mut out = Vec::with_capacity(8 + head.len() + chunks.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(&(head.len() as u64).to_le_bytes());
    out.extend_from_slice(&head);
    for c in chunks {
        out.extend_from_slice(&c);
    }
    Ok(out)
}

/// The head and entries of an index file written by the gongkai `identity` (`None` when it
/// is not one).
fn decode_index(bytes: &[u8], identity: u64) -> Option<(Head, Vec<Entry>)> {
    use rayon::prelude::*;
    let n = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?) as usize;
    let head: Head = postcard::from_bytes(bytes.get(8..8usize.checked_add(n)?)?).ok()?;
    if head.format != FORMAT || head.identity != identity {
        return None;
    }
    let mut at = 8 + n;
    let mut chunks = Vec::with_capacity(head.chunks.len());
    for len in &head.chunks {
        let end = at.checked_add(usize::try_from(*len).ok()?)?;
        chunks.push(bytes.get(at..end)?);
        at = end;
    }
    if at != bytes.len() {
        return None;
    }
    let entries: Vec<Vec<Entry>> = chunks
        .par_iter()
        .map(|c| postcard::from_bytes(c).ok())
        .collect::<Option<_>>()?;
    Some((head, entries.into_iter().flatten().collect()))
}

/// One segment file, open for reading.
struct Segment {
    name: String,
    len: u64,
    file: std::fs::File,
    damaged: Arc<AtomicBool>,
}

impl Segment {
    fn read_at(&self, at: u64, len: u32) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0; len as usize];
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            self.file.read_exact_at(&mut buf, at)?;
        }
        #[cfg(not(unix))]
        {
            use std::io::{Read, Seek};
            let mut f = self.file.try_clone()?;
            f.seek(std::io::SeekFrom::Start(at))?;
            f.read_exact(&mut buf)?;
        }
        Ok(buf)
    }
}

impl KeptHtml for Segment {
    fn read(&self, at: u64, len: u32, sig: u64) -> Option<String> {
        let read = self
            .read_at(at, len)
            .ok()
            .filter(|b| xxhash_rust::xxh3::xxh3_64(b) == sig)
            .and_then(|b| String::from_utf8(b).ok());
        if read.is_none() {
            self.damaged.store(true, Ordering::Relaxed);
        }
        read
    }
}

/// The bodies kept by the last build of a site (empty when there is none it can use).
pub struct Store {
    dir: PathBuf,
    identity: u64,
    segments: Vec<Arc<Segment>>,
    /// By path; a hit takes its entry out (each file is looked up once).
    entries: std::sync::Mutex<HashMap<String, Entry>>,
    /// How many entries the store had when opened.
    opened: usize,
    damaged: Arc<AtomicBool>,
}

/// The gongkai that writes a store: its version and its binary (a rebuilt gongkai of the
/// same version may render differently).
fn identity() -> u64 {
    crate::source::kept::identity(FORMAT)
}

impl Store {
    /// The folder of the store of the site at `root`.
    pub fn dir(root: &Path) -> PathBuf {
        root.join(".gongkai-cache").join("bodies")
    }

    /// The store of the site at `root`; empty when there is none, or it is damaged or was
    /// written by another gongkai.
    pub fn open(root: &Path) -> Store {
        let dir = Store::dir(root);
        let identity = identity();
        let damaged = Arc::new(AtomicBool::new(false));
        let mut store = Store {
            dir,
            identity,
            segments: Vec::new(),
            entries: Default::default(),
            opened: 0,
            damaged,
        };
        let Some((head, entries)) = std::fs::read(store.dir.join(INDEX))
            .ok()
            .and_then(|b| decode_index(&b, identity))
        else {
            return store;
        };
        // A segment that is missing or not as long as it was written is not used.
        let opened: Vec<Option<Arc<Segment>>> = head
            .segments
            .into_iter()
            .map(|(name, len)| {
                if !is_segment_name(&name) {
                    return None;
                }
                let file = std::fs::File::open(store.dir.join(&name)).ok()?;
                (file.metadata().ok()?.len() == len).then(|| {
                    Arc::new(Segment {
                        name,
                        len,
                        file,
                        damaged: store.damaged.clone(),
                    })
                })
            })
            .collect();
        let mut renumber = vec![u32::MAX; opened.len()];
        for (i, s) in opened.into_iter().enumerate() {
            if let Some(s) = s {
                renumber[i] = store.segments.len() as u32;
                store.segments.push(s);
            }
        }
        let mut map = HashMap::default();
        for mut e in entries {
            let Some(&seg) = renumber.get(e.seg as usize) else {
                continue;
            };
            let fits = store
                .segments
                .get(seg as usize)
                .is_some_and(|s| e.at.saturating_add(e.len as u64) <= s.len);
            if fits {
                e.seg = seg;
                map.insert(e.path.clone(), e);
            }
        }
        store.opened = map.len();
        store.entries = map.into();
        store
    }

    /// Whether a kept body was found altered or missing when it was read.
    pub fn damage(&self) -> Arc<AtomicBool> {
        self.damaged.clone()
    }

    /// The kept body of the file `path` whose text hashes to `text`, when it was rendered in
    /// `env`; with whether it can link (which part of `env` it read).
    pub(super) fn hit(&self, path: &str, text: u128, env: Env) -> Option<(Rendered, bool)> {
        let e = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            let e = entries.get(path)?;
            let want = if e.links { env.links } else { env.base };
            if e.text != text || e.env != want {
                return None;
            }
            entries.remove(path)?
        };
        let seg = self.segments.get(e.seg as usize)?.clone();
        let diags = Kept::all(e.diags)?;
        let body = Body {
            html: Html::kept(seg, e.at, e.len, e.sig),
            toc: e
                .toc
                .into_iter()
                .map(|(level, id, title)| TocEntry { level, id, title })
                .collect(),
            first_paragraph: e.first_paragraph,
            plain_len: e.plain_len as usize,
        };
        let rendered = Rendered {
            body: Arc::new(body),
            assets: e.assets.into_iter().collect(),
            absolute_links: e
                .absolute_links
                .into_iter()
                .map(|(l, at)| (l, at as usize))
                .collect(),
            diags,
        };
        Some((rendered, e.links))
    }

    /// The segment (by number) that `html` is kept in, when it is one of this store's.
    fn segment_of(&self, html: &Html) -> Option<(u32, u64, u32)> {
        let (kept, at, len) = html.place()?;
        let ptr = Arc::as_ptr(kept) as *const ();
        self.segments
            .iter()
            .position(|s| Arc::as_ptr(s) as *const () == ptr)
            .map(|i| (i as u32, at, len))
    }

    /// Keeps `bodies` (path, text hash, whether it can link, the environment it read,
    /// the rendered body): the store then holds exactly these. Errors are ignored: the next
    /// build renders what is not kept.
    pub fn save<'a>(&self, bodies: impl Iterator<Item = Keep<'a>>) {
        let _ = self.try_save(bodies);
    }

    fn try_save<'a>(&self, bodies: impl Iterator<Item = Keep<'a>>) -> std::io::Result<()> {
        let mut bodies: Vec<Keep<'a>> = bodies.collect();
        bodies.sort_unstable_by(|a, b| a.path.cmp(b.path));
        let placed: Vec<Option<(u32, u64, u32)>> = bodies
            .iter()
            .map(|b| self.segment_of(&b.rendered.body.html))
            .collect();
        // Every body came from the store, and no kept one is gone: the store is already this
        // (a body is taken from the store only when its key matched).
        if placed.iter().all(Option::is_some) && bodies.len() == self.opened {
            return Ok(());
        }
        // Live bytes per segment: a segment more than half dead is copied out.
        let mut live = vec![0u64; self.segments.len()];
        for (s, _, len) in placed.iter().flatten() {
            live[*s as usize] += *len as u64;
        }
        let keep: Vec<bool> = self
            .segments
            .iter()
            .zip(&live)
            .map(|(s, live)| *live * 2 >= s.len && *live > 0)
            .collect();
        let mut segments: Vec<(String, u64)> = Vec::new();
        let mut renumber = vec![u32::MAX; self.segments.len()];
        for (i, s) in self.segments.iter().enumerate() {
            if keep[i] {
                renumber[i] = segments.len() as u32;
                segments.push((s.name.clone(), s.len));
            }
        }
        let new_seg = segments.len() as u32;
        std::fs::create_dir_all(&self.dir)?;
        // The new bodies go straight to a file (at 100,000 documents they are 700 MB).
        let mut fresh = Fresh::create(&self.dir)?;
        let mut entries = Vec::with_capacity(bodies.len());
        for (b, place) in bodies.iter().zip(&placed) {
            let html = &b.rendered.body.html;
            let (seg, at, len) = match place {
                Some((s, at, len)) if keep[*s as usize] => (renumber[*s as usize], *at, *len),
                _ => {
                    let (at, len) = fresh.push(html.as_str().as_bytes())?;
                    (new_seg, at, len)
                }
            };
            let body = &b.rendered.body;
            entries.push(Entry {
                path: b.path.to_string(),
                text: b.text,
                links: b.links,
                env: b.env,
                seg,
                at,
                len,
                sig: html.sig(),
                toc: body
                    .toc
                    .iter()
                    .map(|t| (t.level, t.id.clone(), t.title.clone()))
                    .collect(),
                first_paragraph: body.first_paragraph.clone(),
                plain_len: body.plain_len as u64,
                assets: b.rendered.assets.iter().cloned().collect(),
                absolute_links: b
                    .rendered
                    .absolute_links
                    .iter()
                    .map(|(l, at)| (l.clone(), *at as u64))
                    .collect(),
                diags: b.rendered.diags.iter().map(Kept::of).collect(),
            });
        }
        // A kept body that could not be read is not written as empty.
        if self.damaged.load(Ordering::Relaxed) {
            fresh.discard();
            return Ok(());
        }
        if let Some(seg) = fresh.finish()? {
            segments.push(seg);
        }
        let mut head = Head {
            format: FORMAT,
            identity: self.identity,
            segments,
            chunks: Vec::new(),
        };
        crate::paths::replace_file(&self.dir.join(INDEX), &encode_index(&mut head, &entries)?)?;
        // Segments the index no longer names (and leftovers of a crashed save).
        let named: std::collections::HashSet<&str> =
            head.segments.iter().map(|(n, _)| n.as_str()).collect();
        for e in std::fs::read_dir(&self.dir)?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name != INDEX && !named.contains(name.as_str()) && is_store_file(&name) {
                let _ = std::fs::remove_file(e.path());
            }
        }
        Ok(())
    }

    /// Removes the store of the site at `root` (after a kept body was found damaged).
    pub fn clear(root: &Path) {
        let dir = Store::dir(root);
        if let Ok(rd) = std::fs::read_dir(&dir) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name == INDEX || is_store_file(&name) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

/// One body to keep (see [`Store::save`]).
pub struct Keep<'a> {
    pub path: &'a str,
    pub text: u128,
    pub links: bool,
    pub env: u64,
    pub rendered: &'a Rendered,
}

/// A segment being written: to a temporary file, named by its hash when finished.
struct Fresh {
    dir: PathBuf,
    tmp: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
    hash: xxhash_rust::xxh3::Xxh3,
    len: u64,
}

impl Fresh {
    fn create(dir: &Path) -> std::io::Result<Fresh> {
        let tmp = dir.join(format!("segment.{}.tmp", std::process::id()));
        Ok(Fresh {
            dir: dir.to_path_buf(),
            out: std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?),
            tmp,
            hash: xxhash_rust::xxh3::Xxh3::new(),
            len: 0,
        })
    }

    /// Appends `bytes`; where they are.
    fn push(&mut self, bytes: &[u8]) -> std::io::Result<(u64, u32)> {
        use std::io::Write;
        let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
        self.out.write_all(bytes)?;
        self.hash.update(bytes);
        let at = self.len;
        self.len += bytes.len() as u64;
        Ok((at, len))
    }

    fn discard(self) {
        let _ = std::fs::remove_file(&self.tmp);
    }

    /// The segment (name, length), or `None` when nothing was written.
    fn finish(self) -> std::io::Result<Option<(String, u64)>> {
        if self.len == 0 {
            self.discard();
            return Ok(None);
        }
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        drop(file);
        let name = format!("{:016x}.html", self.hash.digest());
        std::fs::rename(&self.tmp, self.dir.join(&name))?;
        Ok(Some((name, self.len)))
    }
}

/// `<16 hex digits>.html`: the name of a segment.
fn is_segment_name(name: &str) -> bool {
    name.strip_suffix(".html")
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A file the store wrote: a segment, or a temporary file of a save.
fn is_store_file(name: &str) -> bool {
    is_segment_name(name) || name.ends_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Diagnostic};

    fn rendered(html: &str) -> Rendered {
        let sig = xxhash_rust::xxh3::xxh3_64(html.as_bytes());
        Rendered {
            body: Arc::new(Body {
                html: Html::new(html.to_string(), sig),
                toc: vec![TocEntry {
                    level: 2,
                    id: "一".into(),
                    title: "一、总体要求".into(),
                }],
                first_paragraph: "第一段。".into(),
                plain_len: 42,
            }),
            assets: ["policies/tu.png".to_string()].into(),
            absolute_links: vec![("/guide/".into(), 7)],
            diags: vec![Diagnostic::new(Code::PersonalId, "疑似身份证号").in_file("a.md")],
        }
    }

    const ENV: Env = Env { base: 1, links: 2 };

    fn save(root: &Path, bodies: &[(&str, u128, bool, &Rendered)]) {
        Store::open(root).save(bodies.iter().map(|(path, text, links, r)| Keep {
            path,
            text: *text,
            links: *links,
            env: if *links { ENV.links } else { ENV.base },
            rendered: r,
        }));
    }

    fn segments(root: &Path) -> usize {
        std::fs::read_dir(Store::dir(root))
            .unwrap()
            .filter(|e| is_segment_name(&e.as_ref().unwrap().file_name().to_string_lossy()))
            .count()
    }

    /// A lookup in the store as a new build opens it.
    fn hit(root: &Path, path: &str, text: u128, env: Env) -> Option<Rendered> {
        Store::open(root).hit(path, text, env).map(|(r, _)| r)
    }

    #[test]
    fn a_kept_body_comes_back_as_it_was_rendered() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (a, b) = (
            rendered("<p>甲</p>"),
            rendered("<p>乙，见<a href=\"/x/\">x</a></p>"),
        );
        save(root, &[("a.md", 1, false, &a), ("b.md", 2, true, &b)]);
        let store = Store::open(root);
        let (got, links) = store.hit("a.md", 1, ENV).expect("kept");
        assert!(!links);
        assert_eq!(got.body.html.as_str(), "<p>甲</p>");
        assert_eq!(got.body.html.sig(), a.body.html.sig());
        assert_eq!(got.body.toc[0].title, "一、总体要求");
        assert_eq!(got.body.first_paragraph, "第一段。");
        assert_eq!(got.body.plain_len, 42);
        assert_eq!(got.assets, a.assets);
        assert_eq!(got.absolute_links, a.absolute_links);
        assert_eq!(got.diags, a.diags);
        assert!(!store.damage().load(Ordering::Relaxed));
        let (got, links) = store.hit("b.md", 2, ENV).unwrap();
        assert!(links);
        assert_eq!(got.body.html.as_str(), b.body.html.as_str());
        // Another text, another environment: not this body.
        assert!(hit(root, "a.md", 3, ENV).is_none());
        assert!(hit(root, "a.md", 1, Env { base: 9, links: 2 }).is_none());
        assert!(hit(root, "b.md", 2, Env { base: 1, links: 9 }).is_none());
        // A body that cannot link does not read the link targets.
        assert!(hit(root, "a.md", 1, Env { base: 1, links: 9 }).is_some());
        assert!(hit(root, "c.md", 1, ENV).is_none());
        // Many bodies (several chunks of the index) come back, each its own.
        let many: Vec<(String, Rendered)> = (0..CHUNK * 2 + 7)
            .map(|i| (format!("p{i}.md"), rendered(&format!("<p>第{i}篇</p>"))))
            .collect();
        let list: Vec<(&str, u128, bool, &Rendered)> = many
            .iter()
            .enumerate()
            .map(|(i, (p, r))| (p.as_str(), i as u128, false, r))
            .collect();
        save(root, &list);
        let store = Store::open(root);
        for (i, (p, _)) in many.iter().enumerate().step_by(97) {
            let (got, _) = store.hit(p, i as u128, ENV).unwrap();
            assert_eq!(got.body.html.as_str(), format!("<p>第{i}篇</p>"));
        }
    }

    #[test]
    fn a_damaged_store_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let a = rendered("<p>原来的正文</p>");
        save(dir.path(), &[("a.md", 1, false, &a)]);
        let seg = std::fs::read_dir(Store::dir(dir.path()))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "html"))
            .unwrap();
        // The same length, other bytes: found when read, and the store says so.
        let bytes = std::fs::read(&seg).unwrap();
        let mut edited = bytes.clone();
        edited[3] ^= 1;
        std::fs::write(&seg, &edited).unwrap();
        let store = Store::open(dir.path());
        let (got, _) = store.hit("a.md", 1, ENV).unwrap();
        assert!(
            !store.damage().load(Ordering::Relaxed),
            "read only when needed"
        );
        assert_eq!(got.body.html.as_str(), "");
        assert!(store.damage().load(Ordering::Relaxed));
        // A damaged store is not saved over.
        store.save(std::iter::empty());
        assert!(hit(dir.path(), "a.md", 1, ENV).is_some());
        // Shorter than written: its bodies are not used.
        std::fs::write(&seg, &bytes[..bytes.len() - 1]).unwrap();
        assert!(hit(dir.path(), "a.md", 1, ENV).is_none());
        // A damaged index, or one another gongkai wrote: an empty store.
        std::fs::write(&seg, &bytes).unwrap();
        assert!(hit(dir.path(), "a.md", 1, ENV).is_some());
        let index = Store::dir(dir.path()).join(INDEX);
        let good = std::fs::read(&index).unwrap();
        let (mut head, entries) = decode_index(&good, identity()).unwrap();
        head.identity ^= 1;
        std::fs::write(&index, encode_index(&mut head, &entries).unwrap()).unwrap();
        assert!(hit(dir.path(), "a.md", 1, ENV).is_none());
        std::fs::write(&index, &good).unwrap();
        assert!(hit(dir.path(), "a.md", 1, ENV).is_some());
        std::fs::write(&index, &good[..good.len() - 1]).unwrap();
        assert!(hit(dir.path(), "a.md", 1, ENV).is_none());
        std::fs::write(Store::dir(dir.path()).join(INDEX), b"\x01\x02garbage").unwrap();
        assert!(hit(dir.path(), "a.md", 1, ENV).is_none());
        // Cleared: only the store's own files go.
        std::fs::write(Store::dir(dir.path()).join("notes.txt"), "mine").unwrap();
        Store::clear(dir.path());
        let left: Vec<_> = std::fs::read_dir(Store::dir(dir.path()))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["notes.txt"]);
    }

    #[test]
    fn the_store_keeps_only_what_the_last_save_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let kept = rendered(&"<p>不变的正文。</p>".repeat(50));
        // Each save changes one small body: the big one stays in the first segment.
        for i in 0..5u128 {
            let small = rendered(&format!("<p>第{i}版</p>"));
            save(
                root,
                &[
                    ("big.md", 100, false, &kept),
                    ("small.md", i, false, &small),
                ],
            );
            assert_eq!(
                hit(root, "small.md", i, ENV).unwrap().body.html.as_str(),
                format!("<p>第{i}版</p>")
            );
            assert_eq!(
                hit(root, "big.md", 100, ENV).unwrap().body.html.as_str(),
                kept.body.html.as_str()
            );
            assert!(segments(root) <= 3, "{} segments", segments(root));
        }
        // Once every body changed, the old segments are dead and removed.
        let fresh = rendered("<p>新</p>");
        save(root, &[("big.md", 101, false, &fresh)]);
        assert_eq!(segments(root), 1);
        let store = Store::open(root);
        assert!(store.hit("small.md", 4, ENV).is_none());
        assert_eq!(
            store.hit("big.md", 101, ENV).unwrap().0.body.html.as_str(),
            "<p>新</p>"
        );
    }
}
