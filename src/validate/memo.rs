//! Memoized per-file work of [`super::validate_with`], kept between rebuilds by `serve`.
//!
//! Two pure, per-file steps dominate validation at 10,000 documents: rendering a body
//! (Markdown, sanitizing, the privacy scan) and building a ledger (every `[[items]]` block).
//! A [`Memo`] keeps their results keyed by everything they read, so a rebuild after one edit
//! redoes them for that file only. The other rules (duplicate 索引号, links, dates …) always
//! run over the whole model.
//!
//! `validate` uses a disabled memo: nothing is stored, nothing is compared.

use crate::diagnostics::Diagnostic;
use crate::ledger::Ledger;
use crate::markdown::{Links, Rendered};
use crate::source::{RawData, RawDoc};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What a body's rendering reads besides its own file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Env {
    /// Settings every body depends on (privacy check on or off, media hosts).
    base: u64,
    /// `base` plus every link target (published documents and their URLs, content assets):
    /// only bodies that can contain a link depend on it.
    links: u64,
}

struct DocEntry {
    text: String,
    body: Range<usize>,
    dir: String,
    env: u64,
    version: u64,
    rendered: Arc<Rendered>,
}

type LedgerResult = (Option<Ledger>, Vec<Diagnostic>);

struct LedgerEntry {
    text: String,
    build_date: NaiveDate,
    allow_personal: bool,
    version: u64,
    result: Arc<LedgerResult>,
}

/// Results of per-file validation work, by source path (relative to the site root).
#[derive(Default)]
pub struct Memo {
    enabled: bool,
    docs: Mutex<HashMap<String, DocEntry>>,
    ledgers: Mutex<HashMap<String, LedgerEntry>>,
    /// Paths looked up during the current run, to forget files that are gone.
    used: Mutex<HashSet<String>>,
    /// The environment of the last run.
    last_env: Mutex<Env>,
    next_version: AtomicU64,
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
            next_version: AtomicU64::new(1),
            ..Memo::default()
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The environment of this run's bodies. Cheap when disabled.
    pub fn env(&self, links: &Links, allow_personal: bool) -> Env {
        if !self.enabled {
            return Env::default();
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        allow_personal.hash(&mut h);
        links.media_hosts.hash(&mut h);
        let base = h.finish();
        let mut docs: Vec<(&String, &String)> = links.docs.iter().collect();
        docs.sort_unstable();
        docs.hash(&mut h);
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

    fn version(&self) -> u64 {
        self.next_version.fetch_add(1, Ordering::Relaxed)
    }

    /// The rendered body of `raw` located at `dir` inside `content/`, from the memo when
    /// nothing it depends on changed, else from `render`.
    pub fn markdown(
        &self,
        raw: &RawDoc,
        dir: &str,
        env: Env,
        render: impl FnOnce() -> Rendered,
    ) -> Arc<Rendered> {
        if !self.enabled {
            return Arc::new(render());
        }
        let env = if may_link(raw.body()) {
            env.links
        } else {
            env.base
        };
        let path = &raw.file.path;
        lock(&self.used).insert(path.clone());
        if let Some(e) = lock(&self.docs).get(path) {
            if e.env == env && e.body == raw.body && e.dir == dir && e.text == raw.file.text {
                return e.rendered.clone();
            }
        }
        let rendered = Arc::new(render());
        let entry = DocEntry {
            text: raw.file.text.clone(),
            body: raw.body.clone(),
            dir: dir.to_string(),
            env,
            version: self.version(),
            rendered: rendered.clone(),
        };
        lock(&self.docs).insert(path.clone(), entry);
        rendered
    }

    /// A built ledger (and its diagnostics), from the memo when its file is unchanged.
    pub fn ledger(
        &self,
        raw: &RawData,
        build_date: NaiveDate,
        allow_personal: bool,
        build: impl FnOnce() -> LedgerResult,
    ) -> LedgerResult {
        if !self.enabled {
            return build();
        }
        let path = &raw.file.path;
        lock(&self.used).insert(path.clone());
        if let Some(e) = lock(&self.ledgers).get(path) {
            if e.build_date == build_date
                && e.allow_personal == allow_personal
                && e.text == raw.file.text
            {
                return (*e.result).clone();
            }
        }
        let result = Arc::new(build());
        let entry = LedgerEntry {
            text: raw.file.text.clone(),
            build_date,
            allow_personal,
            version: self.version(),
            result: result.clone(),
        };
        lock(&self.ledgers).insert(path.clone(), entry);
        (*result).clone()
    }

    /// Forgets files not looked up since the last call (deleted or renamed files).
    pub fn finish_run(&self) {
        if !self.enabled {
            return;
        }
        let used = std::mem::take(&mut *lock(&self.used));
        lock(&self.docs).retain(|k, _| used.contains(k));
        lock(&self.ledgers).retain(|k, _| used.contains(k));
    }

    /// A number that changes whenever the memoized result for `path` (a document body or a
    /// ledger) was recomputed: equal versions mean identical results. 0 when unknown.
    pub fn version_of(&self, path: &str) -> u64 {
        if let Some(e) = lock(&self.docs).get(path) {
            return e.version;
        }
        lock(&self.ledgers)
            .get(path)
            .map(|e| e.version)
            .unwrap_or(0)
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
