//! Memoized per-file work of [`super::validate_with`], kept between rebuilds by `serve`.
//!
//! Two pure, per-file steps dominate validation at 10,000 documents: rendering a body
//! (Markdown, sanitizing, the privacy scan) and building a ledger (every `[[items]]` block).
//! A [`Memo`] keeps their results keyed by everything they read, so a rebuild after one edit
//! redoes them for that file only. The other rules (duplicate 索引号, links, dates …) always
//! run over the whole model.
//!
//! `validate` uses a disabled memo: nothing is stored, nothing is compared. `build` and
//! `check` use a memo of bodies backed by the body store of `.gongkai-cache/`
//! ([`super::store`]), which keeps them from one process to the next.

pub use super::store::Env;
use super::store::{Keep, Store};
use crate::diagnostics::Diagnostic;
use crate::markdown::{Links, Rendered};
use crate::model::ledger::Ledger;
use crate::source::kept::{Entry, Fact, Record};
use crate::source::{Loaded, RawData, RawDoc, Text};
use chrono::NaiveDate;
use foldhash::HashMap;
use rayon::prelude::*;
use std::any::Any;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A rendered body. The file's path (the key) and text determine everything else it read of
/// the file (its body range, its folder), so they are not compared.
struct DocEntry {
    text: Text,
    /// Whether the body may contain a link ([`may_link`]), which says which `env` it read.
    links: bool,
    env: u64,
    /// The run that last looked it up.
    used: u64,
    rendered: Arc<Rendered>,
}

impl DocEntry {
    /// The memoized body, if it is still valid for `raw` in `env` (marked used in `run`).
    fn hit(&mut self, raw: &RawDoc, env: Env, run: u64) -> Option<Arc<Rendered>> {
        let env = if self.links { env.links } else { env.base };
        (self.env == env && self.text.same(&raw.file.text)).then(|| {
            self.used = run;
            self.rendered.clone()
        })
    }
}

/// Shards of [`Memo`]'s facts (the two cores of a small machine, looking up 100,000
/// documents, would otherwise mostly wait for one lock).
const SHARDS: usize = 16;

/// The shard of the facts of `path`.
fn shard(path: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(path.as_bytes()) % SHARDS as u64) as usize
}

/// A fact of one document (its front matter read into typed fields, with its
/// diagnostics; the site files its body names), with what it was derived from.
struct FrontEntry {
    kind: u8,
    text: Text,
    salt: u64,
    used: u64,
    value: Arc<dyn Any + Send + Sync>,
}

type LedgerResult = (Option<Arc<Ledger>>, Vec<Diagnostic>);

struct LedgerEntry {
    text: Text,
    build_date: NaiveDate,
    allow_personal: bool,
    used: u64,
    result: Arc<LedgerResult>,
}

/// A body from the store, and whether it can link.
type KeptBody = (Rendered, bool);

/// A body to keep in the store: its path, its text's hash, whether it can link, the
/// environment it read, the body.
type ToKeep = (String, u128, bool, u64, Arc<Rendered>);

/// The bodies of a run, for [`Store::save`], and what the run learned of its sources (for
/// the record of sources, [`Record::save`]).
pub struct Keeping {
    store: Store,
    bodies: Vec<ToKeep>,
    sources: Option<(std::path::PathBuf, Vec<Entry>)>,
}

impl Keeping {
    /// Whether a kept body was found damaged (see [`Store::damage`]).
    pub fn damage(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.store.damage()
    }

    /// Keeps the sources in their record (first: it is quick, and its memory is freed
    /// before the bodies are written), and the bodies in the store.
    pub fn save(self) {
        if let Some((root, entries)) = self.sources {
            Record::save(&root, entries);
        }
        self.store
            .save(self.bodies.iter().map(|(path, text, links, env, r)| Keep {
                path,
                text: *text,
                links: *links,
                env: *env,
                rendered: r,
            }));
    }
}

/// A result of per-file work that the record of sources keeps for the next build (see
/// [`Memo::fact`]): encoded into bytes and decoded again, the same value.
pub trait Keepable: Sized {
    /// Which fact of a file it is.
    const KIND: u8;
    fn encode(&self) -> Option<Vec<u8>>;
    fn decode(bytes: &[u8]) -> Option<Self>;
}

/// Results of per-file validation work, by source path (relative to the site root).
#[derive(Default)]
pub struct Memo {
    enabled: bool,
    /// The bodies of the last build (for `build` and `check`, which start from nothing).
    store: Option<Store>,
    /// With a store, this run's bodies (kept in a list: a run of `build` looks each up once).
    to_keep: Mutex<Vec<ToKeep>>,
    docs: Mutex<HashMap<String, DocEntry>>,
    /// Facts by path (then kind), in shards by path: looked up from every core at once.
    fronts: [Mutex<HashMap<String, Vec<FrontEntry>>>; SHARDS],
    ledgers: Mutex<HashMap<String, LedgerEntry>>,
    /// With a store, the facts of this run per file (for the record of sources), and
    /// whether any was derived anew (else the record is already what it would be).
    learned: Mutex<HashMap<String, Vec<Fact>>>,
    learned_new: std::sync::atomic::AtomicBool,
    /// What to keep in the record of sources (see [`Memo::learn_sources`]).
    sources: Mutex<Option<(std::path::PathBuf, Vec<Entry>)>>,
    /// The current run: entries not looked up in a run are forgotten at its end (files that
    /// are gone).
    run: AtomicU64,
    /// The environment of the last run.
    last_env: Mutex<Env>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Can this Markdown contain a link or an image (the only things that read link targets)?
/// Inline links and images need `](`, reference definitions `]:`; autolinks are absolute.
fn may_link(body: &str) -> bool {
    body.contains("](") || body.contains("]:")
}

impl Memo {
    /// A memo that keeps results (for `serve`).
    pub fn new() -> Memo {
        Memo {
            enabled: true,
            ..Memo::default()
        }
    }

    /// A memo of bodies only, backed by `store` (for `build` and `check`); its bodies go
    /// back to the store through [`Memo::into_keeping`].
    pub fn with_store(store: Store) -> Memo {
        Memo {
            store: Some(store),
            ..Memo::default()
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether bodies are memoized (in memory for `serve`, through a store for `build`).
    fn keeps_bodies(&self) -> bool {
        self.enabled || self.store.is_some()
    }

    /// This run's bodies, to keep in the store (`None` without one). The memo's copies of
    /// the source texts are dropped here, so they are not held while the bodies are saved.
    pub fn into_keeping(self) -> Option<Keeping> {
        let store = self.store?;
        let bodies = self.to_keep.into_inner().unwrap_or_else(|e| e.into_inner());
        let sources = self.sources.into_inner().unwrap_or_else(|e| e.into_inner());
        Some(Keeping {
            store,
            bodies,
            sources,
        })
    }

    /// Notes what to keep of `loaded`'s documents in the record of sources (with a store):
    /// per document read with a stamp to trust, its stamp, hash, ranges and the facts this
    /// run derived of it. Nothing when the record already holds exactly that.
    pub fn learn_sources(&self, loaded: &Loaded) {
        if self.store.is_none() {
            return;
        }
        let mut learned = std::mem::take(&mut *lock(&self.learned));
        let unchanged = !self.learned_new.load(Ordering::Relaxed)
            && loaded.docs.iter().all(|d| d.facts.is_some())
            && loaded.lists.iter().all(|l| l.facts.is_some())
            && loaded.record.as_ref().map(|r| r.len())
                == Some(loaded.docs.len() + loaded.lists.len());
        if unchanged {
            return;
        }
        let range = |r: &std::ops::Range<usize>| (r.start as u32, r.end as u32);
        let mut entries: Vec<Entry> = loaded
            .docs
            .iter()
            .filter_map(|d| {
                Some(Entry {
                    path: d.file.path.clone(),
                    stamp: d.stamp?,
                    hash: d.file.text.hash(),
                    front_matter: range(&d.front_matter),
                    body: range(&d.body),
                    facts: learned.remove(&d.file.path).unwrap_or_default().into(),
                })
            })
            .collect();
        // A ledger is kept whole: its text is all "front matter", its body empty (its
        // length is known without reading a kept file).
        entries.extend(loaded.lists.iter().filter_map(|l| {
            let len = l.file.text.len();
            Some(Entry {
                path: l.file.path.clone(),
                stamp: l.stamp?,
                hash: l.file.text.hash(),
                front_matter: range(&(0..len)),
                body: range(&(len..len)),
                facts: learned.remove(&l.file.path).unwrap_or_default().into(),
            })
        }));
        if entries.is_empty() && loaded.record.as_ref().is_none_or(|r| r.is_empty()) {
            return;
        }
        *lock(&self.sources) = Some((loaded.root.clone(), entries));
    }

    /// Notes a fact of the file `path` for the record of sources.
    fn learn(&self, path: &str, fact: Fact, new: bool) {
        if new {
            self.learned_new.store(true, Ordering::Relaxed);
        }
        lock(&self.learned)
            .entry(path.to_string())
            .or_default()
            .push(fact);
    }

    /// The environment of this run's bodies. Cheap when disabled.
    pub fn env(&self, links: &Links, allow_personal: bool) -> Env {
        if !self.keeps_bodies() {
            return Env::default();
        }
        // A stable hash: a store keeps it from one process to the next.
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        allow_personal.hash(&mut h);
        links.media_hosts.hash(&mut h);
        let base = h.finish();
        // The link targets (one per document) hashed pair by pair and summed: the same for
        // the same map in any order, without sorting 100,000 pairs on every run.
        let docs: u64 = links
            .docs
            .par_iter()
            .map(|(k, v)| {
                let mut p = xxhash_rust::xxh3::Xxh3::new();
                p.update(k.as_bytes());
                p.update(&[0]);
                p.update(v.as_bytes());
                p.digest()
            })
            .reduce(|| 0, u64::wrapping_add);
        (links.docs.len(), docs).hash(&mut h);
        for k in links.assets.keys() {
            k.hash(&mut h);
        }
        let env = Env {
            base,
            links: h.finish(),
        };
        *lock(&self.last_env) = env;
        env
    }

    /// The environment of the last run (see [`Memo::env`]).
    pub fn last_env(&self) -> Env {
        *lock(&self.last_env)
    }

    /// The rendered body last memoized for `path`.
    pub fn peek(&self, path: &str) -> Option<Arc<Rendered>> {
        lock(&self.docs).get(path).map(|e| e.rendered.clone())
    }

    /// The rendered body of `raw`, from the memo when
    /// nothing it depends on changed, else from `render`.
    pub fn markdown(
        &self,
        raw: &RawDoc,
        env: Env,
        render: impl FnOnce() -> Rendered,
    ) -> Arc<Rendered> {
        if !self.keeps_bodies() {
            return Arc::new(render());
        }
        let path = &raw.file.path;
        let run = self.run.load(Ordering::Relaxed);
        if let Some(hit) = lock(&self.docs)
            .get_mut(path)
            .and_then(|e| e.hit(raw, env, run))
        {
            return hit;
        }
        let links = may_link(raw.body());
        let rendered = Arc::new(render());
        let env = if links { env.links } else { env.base };
        if self.store.is_some() {
            lock(&self.to_keep).push((
                path.clone(),
                raw.file.text.hash(),
                links,
                env,
                rendered.clone(),
            ));
            return rendered;
        }
        let entry = DocEntry {
            text: raw.file.text.clone(),
            links,
            env,
            used: run,
            rendered: rendered.clone(),
        };
        lock(&self.docs).insert(path.clone(), entry);
        rendered
    }

    /// The memoized bodies of `raws` that are still valid in `env`, looked up under one lock
    /// (thousands of lookups from several threads would mostly wait for each other); `None`
    /// where [`Memo::markdown`] must render.
    pub fn markdown_hits(&self, raws: &[&RawDoc], env: Env) -> Vec<Option<Arc<Rendered>>> {
        if !self.keeps_bodies() {
            return vec![None; raws.len()];
        }
        let run = self.run.load(Ordering::Relaxed);
        let mut hits: Vec<Option<Arc<Rendered>>> = {
            let mut docs = lock(&self.docs);
            raws.iter()
                .map(|raw| docs.get_mut(&raw.file.path)?.hit(raw, env, run))
                .collect()
        };
        let Some(store) = &self.store else {
            return hits;
        };
        // The rest from the store, looked up in parallel (hashing every text).
        let found: Vec<(usize, u128, Option<KeptBody>)> = hits
            .par_iter()
            .zip(raws)
            .enumerate()
            .filter(|(_, (hit, _))| hit.is_none())
            .map(|(i, (_, raw))| {
                let hash = raw.file.text.hash();
                (i, hash, store.hit(&raw.file.path, hash, env))
            })
            .collect();
        let mut to_keep = lock(&self.to_keep);
        to_keep.reserve(found.len());
        for (i, hash, kept) in found {
            let Some((rendered, links)) = kept else {
                continue;
            };
            let rendered = Arc::new(rendered);
            let env = if links { env.links } else { env.base };
            to_keep.push((
                raws[i].file.path.clone(),
                hash,
                links,
                env,
                rendered.clone(),
            ));
            hits[i] = Some(rendered);
        }
        hits
    }

    /// What `read` derives from `raw`'s text alone (its front matter read into a draft, the
    /// site files its body names), from the memo when the file is unchanged, or (for
    /// `build` and `check`) from the record of sources of the last build. `salt` stands for
    /// everything else `read` depends on (settings).
    pub fn fact<T: Keepable + Any + Send + Sync>(
        &self,
        raw: &RawDoc,
        salt: u64,
        read: impl FnOnce() -> T,
    ) -> Arc<T> {
        if !self.enabled {
            return match self.store {
                Some(_) => Arc::new(self.fact_kept(raw, salt, read)),
                None => Arc::new(read()),
            };
        }
        let path = &raw.file.path;
        let run = self.run.load(Ordering::Relaxed);
        let fronts = &self.fronts[shard(path)];
        if let Some(es) = lock(fronts).get_mut(path.as_str()) {
            if let Some(e) = es.iter_mut().find(|e| e.kind == T::KIND) {
                if e.salt == salt && e.text.same(&raw.file.text) {
                    if let Ok(v) = e.value.clone().downcast::<T>() {
                        e.used = run;
                        return v;
                    }
                }
            }
        }
        let value = Arc::new(read());
        let entry = FrontEntry {
            kind: T::KIND,
            text: raw.file.text.clone(),
            salt,
            used: run,
            value: value.clone(),
        };
        let mut fronts = lock(fronts);
        let es = fronts.entry(path.clone()).or_default();
        es.retain(|e| e.kind != T::KIND);
        es.push(entry);
        value
    }

    /// [`Memo::fact`] for `build` and `check`: from the record of sources when the file is
    /// kept from it, else from `read`; noted for the next record either way.
    fn fact_kept<T: Keepable>(&self, raw: &RawDoc, salt: u64, read: impl FnOnce() -> T) -> T {
        self.kept_or(&raw.file.path, raw.fact(T::KIND, salt), salt, read)
    }

    /// The value of the fact `kept` of the file `path` when it decodes, else `read()`;
    /// noted for the next record of sources either way.
    pub(super) fn kept_or<T: Keepable>(
        &self,
        path: &str,
        kept: Option<&Fact>,
        salt: u64,
        read: impl FnOnce() -> T,
    ) -> T {
        let kept = kept.and_then(|f| T::decode(&f.bytes).map(|v| (v, f.clone())));
        if let Some((value, fact)) = kept {
            self.learn(path, fact, false);
            return value;
        }
        let value = read();
        if let Some(bytes) = value.encode() {
            let fact = Fact {
                kind: T::KIND,
                salt,
                bytes: bytes.into(),
            };
            self.learn(path, fact, true);
        }
        value
    }

    /// Whether facts are kept from one build to the next (`build` and `check`, with a store):
    /// then [`Memo::kept_or`] keeps them.
    pub(super) fn keeps_facts(&self) -> bool {
        !self.enabled && self.store.is_some()
    }

    /// A built ledger (and its diagnostics), from the memo when its file is unchanged.
    pub fn ledger(
        &self,
        raw: &RawData,
        build_date: NaiveDate,
        allow_personal: bool,
        build: impl FnOnce() -> LedgerResult,
    ) -> Arc<LedgerResult> {
        if !self.enabled {
            return Arc::new(build());
        }
        let path = &raw.file.path;
        let run = self.run.load(Ordering::Relaxed);
        if let Some(e) = lock(&self.ledgers).get_mut(path) {
            if e.build_date == build_date
                && e.allow_personal == allow_personal
                && e.text.same(&raw.file.text)
            {
                e.used = run;
                return e.result.clone();
            }
        }
        let result = Arc::new(build());
        let entry = LedgerEntry {
            text: raw.file.text.clone(),
            build_date,
            allow_personal,
            used: run,
            result: result.clone(),
        };
        lock(&self.ledgers).insert(path.clone(), entry);
        result
    }

    /// Forgets files not looked up since the last call (deleted or renamed files).
    pub fn finish_run(&self) {
        if !self.keeps_bodies() {
            return;
        }
        let run = self.run.fetch_add(1, Ordering::Relaxed);
        lock(&self.docs).retain(|_, e| e.used == run);
        for fronts in &self.fronts {
            lock(fronts).retain(|_, es| {
                es.retain(|e| e.used == run);
                !es.is_empty()
            });
        }
        lock(&self.ledgers).retain(|_, e| e.used == run);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_detected_conservatively() {
        assert!(may_link("见[通知](../a.md)。"));
        assert!(may_link("见[通知][1]。\n\n[1]: ../a.md"));
        assert!(!may_link(
            "没有链接的正文，<https://example.com> 是绝对地址。"
        ));
    }
}
