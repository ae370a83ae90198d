//! Watching the site folder: notify events, filtered to what the site is made of and
//! coalesced into one [`Changes`] per burst (an editor's save is several events: write a
//! temporary file, rename it over the original).

use super::engine::Changes;
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher as _};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A burst ends after this long without events…
pub const QUIET: Duration = Duration::from_millis(8);
/// …or this long after its first event, whichever comes first.
const MAX: Duration = Duration::from_millis(50);

/// What [`Watcher::wait`] saw.
pub enum Next {
    Changes(Changes),
    Timeout,
    /// The watcher stopped.
    Closed,
}

pub struct Watcher {
    root: PathBuf,
    /// Changes received but not yet handed out.
    stash: RefCell<Changes>,
    rx: Receiver<notify::Result<notify::Event>>,
    _watcher: notify::RecommendedWatcher,
}

impl Watcher {
    /// Watches `root` (an absolute, canonical path) recursively.
    pub fn start(root: &Path) -> Result<Watcher, String> {
        let (tx, rx) = mpsc::channel();
        let mut w =
            notify::recommended_watcher(tx).map_err(|e| format!("无法监视文件变化：{e}"))?;
        w.watch(root, RecursiveMode::Recursive)
            .map_err(|e| format!("无法监视 {}：{e}", root.display()))?;
        Ok(Watcher {
            root: root.to_path_buf(),
            stash: RefCell::default(),
            rx,
            _watcher: w,
        })
    }

    /// Blocks until something the site is made of changed (or `timeout` passed), then
    /// gathers the rest of the burst.
    pub fn wait(&self, timeout: Option<Duration>) -> Next {
        let mut ch = self.stash.take();
        let deadline = timeout.map(|t| Instant::now() + t);
        while ch.is_empty() {
            let ev = match deadline {
                None => match self.rx.recv() {
                    Ok(ev) => ev,
                    Err(_) => return Next::Closed,
                },
                Some(d) => match self
                    .rx
                    .recv_timeout(d.saturating_duration_since(Instant::now()))
                {
                    Ok(ev) => ev,
                    Err(RecvTimeoutError::Timeout) => return Next::Timeout,
                    Err(RecvTimeoutError::Disconnected) => return Next::Closed,
                },
            };
            self.add(ev, &mut ch);
        }
        let first = Instant::now();
        loop {
            let left = MAX.saturating_sub(first.elapsed());
            if left.is_zero() {
                break;
            }
            match self.rx.recv_timeout(QUIET.min(left)) {
                Ok(ev) => self.add(ev, &mut ch),
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Next::Changes(ch)
    }

    /// Whether more changes arrived (e.g. during a rebuild): a failure just seen may come from
    /// a file read halfway through being written, and need not be shown.
    pub fn has_more(&self) -> bool {
        let mut stash = self.stash.borrow_mut();
        while let Ok(ev) = self.rx.try_recv() {
            self.add(ev, &mut stash);
        }
        !stash.is_empty()
    }

    /// Changes that arrived since the last call (they stay queued for [`Watcher::wait`] too).
    pub fn poll(&self) -> Option<Changes> {
        let mut new = Changes::default();
        while let Ok(ev) = self.rx.try_recv() {
            self.add(ev, &mut new);
        }
        if new.is_empty() {
            return None;
        }
        self.stash.borrow_mut().merge(new.clone());
        Some(new)
    }

    fn add(&self, ev: notify::Result<notify::Event>, ch: &mut Changes) {
        let ev = match ev {
            Ok(ev) => ev,
            // Events may have been lost: read everything again.
            Err(_) => {
                ch.full = true;
                return;
            }
        };
        match ev.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
            EventKind::Access(_) => return,
            _ => {}
        }
        if ev.need_rescan() {
            ch.full = true;
        }
        for p in &ev.paths {
            classify(&self.root, p, ch);
        }
    }
}

/// Sorts a changed path into `ch`; paths that are not part of the site are dropped.
pub fn classify(root: &Path, path: &Path, ch: &mut Changes) {
    let Ok(rel) = path.strip_prefix(root) else {
        return;
    };
    let names: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let Some(first) = names.first() else {
        ch.full = true;
        return;
    };
    // Hidden files and editors' temporary files are not part of the site.
    if names.iter().skip(1).any(|n| crate::source::is_ignored(n)) {
        return;
    }
    match first.as_str() {
        "site-config.toml" => ch.full = true,
        "content" => {
            ch.content.insert(path.to_path_buf());
            ch.paths.insert(path.to_path_buf());
        }
        "templates" | "static" | "themes" => {
            ch.theme = true;
            ch.paths.insert(path.to_path_buf());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_site_paths() {
        let root = Path::new("/site");
        let mut ch = Changes::default();
        classify(root, Path::new("/site/content/policies/a.md"), &mut ch);
        classify(root, Path::new("/site/content/policies/.a.md.swp"), &mut ch);
        classify(root, Path::new("/site/content/policies/a.md~"), &mut ch);
        classify(root, Path::new("/site/public/index.html"), &mut ch);
        classify(root, Path::new("/elsewhere/x"), &mut ch);
        assert_eq!(ch.content.len(), 1);
        assert!(!ch.full && !ch.theme);
        classify(root, Path::new("/site/templates/base.html"), &mut ch);
        assert!(ch.theme && !ch.full);
        classify(root, Path::new("/site/site-config.toml"), &mut ch);
        assert!(ch.full);
    }
}
