//! `gongkai serve`: live preview.
//!
//! ```text
//!  notify ──> watch (burst ≤ 50 ms) ──> engine (incremental build) ──> Store (memory) ──> HTTP
//!                                                   │                      │
//!                                                   └── status ──> SSE ──> live.js (reload / overlay)
//!                                                   └── background thread (drops, search index)
//! ```
//!
//! - [`watch`] turns file events into [`engine::Changes`];
//! - [`engine`] rebuilds only what the changes touch (`render::keys` decides which jobs);
//! - [`http`] serves the rendered files from memory at the built site's URLs and pushes a
//!   status event after every rebuild; the page reloads, or shows the diagnostics over the
//!   last good version when the rebuild failed.
//!
//! Work that must not delay a refresh (dropping the previous model, the search index) runs on
//! the background thread after the new pages are swapped in: see [`Background`].

pub mod admin;
pub mod engine;
pub mod http;
mod preview;
mod sources;
pub mod watch;

use crate::diagnostics::{Code, Diagnostic};
use crate::model::Site;
use axum::body::Bytes;
use engine::{Changes, Engine, Update};
use http::{Shared, Status};
use std::io::{IsTerminal, Write};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Options {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
}

/// More changed files than this: every open page reloads.
const MAX_CHANGED: usize = 2000;

/// What the background thread is given.
pub enum Task {
    /// Something expensive to drop (the previous site model).
    Drop(Box<dyn Send>),
    /// A new model was swapped in: its search index is due.
    Model(Arc<Site>),
    /// A search index, ready to be swapped in.
    Index(Vec<(String, Arc<[u8]>)>),
}

/// Work that must never delay a refresh, on two threads of its own:
///
/// - `gongkai-background` drops old models and swaps finished search indexes into the store;
/// - `gongkai-index`, at the lowest CPU priority, keeps the search index (`search-index/`, as
///   `build` writes it) up to date: as soon as a new model is swapped in it indexes it (the
///   newest one, when several arrived meanwhile), so even while edits keep arriving the index
///   trails the pages by one index build (tens of milliseconds for a typical portal). It
///   never holds the store's lock (a starved low-priority thread holding it would stall every
///   request).
pub struct Background {
    tx: mpsc::Sender<Task>,
}

impl Background {
    pub fn start(shared: Arc<Shared>) -> Background {
        let (tx, rx) = mpsc::channel::<Task>();
        let (index_tx, index_rx) = mpsc::channel::<Arc<Site>>();
        let done = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("gongkai-index".into())
            .spawn(move || indexer(&index_rx, &done))
            .and_then(|_| {
                std::thread::Builder::new()
                    .name("gongkai-background".into())
                    .spawn(move || background(&shared, &rx, &index_tx))
            });
        if let Err(e) = spawned {
            eprintln!("警告：无法启动后台线程，站内搜索索引不会更新：{e}");
        }
        Background { tx }
    }

    pub fn send(&self, task: Task) {
        let _ = self.tx.send(task);
    }
}

fn background(shared: &Shared, rx: &mpsc::Receiver<Task>, index: &mpsc::Sender<Arc<Site>>) {
    while let Ok(task) = rx.recv() {
        match task {
            Task::Drop(garbage) => drop(garbage),
            Task::Model(site) => {
                let _ = index.send(site);
            }
            Task::Index(files) => {
                let mut store = shared.write();
                let prefix = format!("{}/", crate::render::search::DIR);
                store.files.retain(|p, _| !p.starts_with(&prefix));
                for (p, b) in files {
                    store.files.insert(p, Bytes::from_owner(b));
                }
            }
        }
    }
}

/// Makes the calling thread yield the CPU to every other thread (nice 19): the indexer runs
/// only on time the rebuilds and requests leave free.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority has no memory effects; on Linux, `who = 0` names the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

fn indexer(rx: &mpsc::Receiver<Arc<Site>>, done: &mpsc::Sender<Task>) {
    lower_priority();
    // The index gets a pool of its own: on the global one its tasks would queue ahead of a
    // rebuild's. One thread a core, all at the lowest priority: the index uses the cores the
    // rebuilds and requests leave idle.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
        .thread_name(|_| "gongkai-index".into())
        .start_handler(|_| lower_priority())
        .build()
        .ok();
    // The last index made: the next one is updated from it (only edited documents are
    // indexed again).
    let mut held: Option<crate::render::search::Held> = None;
    while let Ok(mut site) = rx.recv() {
        // Only the newest model matters: older ones go back to be dropped.
        while let Ok(newer) = rx.try_recv() {
            let _ = done.send(Task::Drop(Box::new(std::mem::replace(&mut site, newer))));
        }
        let index = || crate::render::search::index_held(&site, held.as_ref());
        let next = match &pool {
            Some(pool) => pool.install(index),
            None => index(),
        };
        let _ = done.send(Task::Index(next.files.clone()));
        if let Some(old) = held.replace(next) {
            let _ = done.send(Task::Drop(Box::new(old)));
        }
        // The model goes back to be dropped at normal priority.
        let _ = done.send(Task::Drop(Box::new(site)));
    }
}

fn socket_addr(bind: &str, port: u16) -> Result<SocketAddr, String> {
    if let Ok(ip) = bind.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    (bind, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| format!("无法解析监听地址 {bind}"))
}

fn print_diags(diags: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}", d.render_human(color));
    }
}

/// Applies a rebuild's result to the store and tells the browsers.
struct Publisher {
    shared: Arc<Shared>,
    background: Background,
    rebuilds: u64,
    printed_warnings: Vec<Diagnostic>,
}

impl Publisher {
    fn publish(&mut self, result: Result<Update, Vec<Diagnostic>>) {
        self.rebuilds += 1;
        match result {
            Ok(u) => {
                // Only files whose bytes differ count as changed (a full build after a preview
                // renders the previewed pages again, identically).
                let mut changed: Vec<String> = Vec::new();
                let mut removed = 0;
                let generation = {
                    let mut store = self.shared.write();
                    for (p, b) in u.put {
                        if store.files.get(&p) != Some(&b) {
                            changed.push(p.clone());
                            store.files.insert(p, b);
                        }
                    }
                    for p in &u.remove {
                        if store.files.remove(p).is_some() {
                            changed.push(p.clone());
                            removed += 1;
                        }
                    }
                    if !changed.is_empty() {
                        store.generation += 1;
                    }
                    store.generation
                };
                let files = changed.len();
                let reload_all = changed.len() > MAX_CHANGED;
                let status = Status {
                    rebuild: self.rebuilds,
                    generation,
                    ok: true,
                    diagnostics: Vec::new(),
                    warnings: u.diags.len(),
                    changed: if reload_all { Vec::new() } else { changed },
                    reload_all,
                    preview: u.preview,
                    timings: u.timings,
                };
                self.shared.status.send_replace(Arc::new(status));
                if let Some(site) = u.garbage {
                    self.background.send(Task::Drop(Box::new(site)));
                }
                if let Some(site) = u.model {
                    self.background.send(Task::Model(site));
                }
                if u.diags != self.printed_warnings {
                    print_diags(&u.diags);
                    self.printed_warnings = u.diags;
                }
                let t = u.timings;
                if u.preview {
                    if files == 0 {
                        return;
                    }
                    eprintln!(
                        "已预览：{} 个页面（只改了正文），用时 {:.0} 毫秒；稍后全站校验",
                        files, t.total
                    );
                } else {
                    eprintln!(
                        "已更新：{} 个文件有变化，删除 {} 个（重新生成 {} 个页面任务，沿用 {} 个），{} 个警告，用时 {:.0} 毫秒（读取 {:.0} · 校验 {:.0} · 规划 {:.0} · 渲染 {:.0}）",
                        files - removed,
                        removed,
                        u.rendered,
                        u.kept,
                        self.printed_warnings.len(),
                        t.total,
                        t.load,
                        t.validate,
                        t.plan,
                        t.render
                    );
                }
            }
            Err(mut diags) => {
                if diags.is_empty() {
                    diags.push(Diagnostic::new(Code::Internal, "生成失败，原因不明"));
                }
                print_diags(&diags);
                let errors: Vec<Diagnostic> =
                    diags.iter().filter(|d| d.is_error()).cloned().collect();
                eprintln!(
                    "生成失败：{} 个错误，{} 个警告；浏览器中仍显示上次成功生成的页面，修改后会自动更新",
                    errors.len(),
                    diags.len() - errors.len()
                );
                self.printed_warnings.clear();
                let generation = self.shared.read().generation;
                let status = Status {
                    rebuild: self.rebuilds,
                    generation,
                    ok: false,
                    warnings: diags.len() - errors.len(),
                    diagnostics: errors,
                    ..Status::default()
                };
                self.shared.status.send_replace(Arc::new(status));
            }
        }
    }
}

/// After a previewed body edit, the full build runs once the edits pause this long.
const FULL_IDLE: Duration = Duration::from_millis(200);

/// While edits keep arriving without such a pause, the full build (and so the search index)
/// runs anyway once the oldest previewed edit is this old, and then is not stopped by newer
/// edits: the model, and the search index built from it, never trail the edits by much more.
const FULL_MAX_LAG: Duration = Duration::from_millis(300);

/// Turns changes into published rebuilds, until the watcher stops.
///
/// A body edit is previewed at once ([`Engine::apply`]); the full build follows when the
/// edits pause, and gives way (starts over later) when new edits arrive meanwhile. Any other
/// change gets the full build at once.
fn rebuild_loop(watcher: &watch::Watcher, engine: &mut Engine, publisher: &mut Publisher) {
    let mut full_due = false;
    // Since when the previews have been ahead of the model.
    let mut behind: Option<Instant> = None;
    loop {
        let forced = full_due && behind.is_some_and(|b| b.elapsed() >= FULL_MAX_LAG);
        let next = if forced {
            watch::Next::Timeout
        } else {
            watcher.wait(full_due.then_some(FULL_IDLE))
        };
        if let watch::Next::Closed = next {
            return;
        }
        // No input may stop the server: a panic while building is reported like an error,
        // and the next build starts from scratch (the last good pages stay served).
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match next {
            watch::Next::Closed => Ok(None),
            watch::Next::Timeout => {
                // Edits arriving meanwhile (once their burst is over) are previewed from the
                // last good model; the build then starts over with them.
                let mut previewing = true;
                let mut burst = Changes::default();
                let mut last_event = Instant::now();
                engine.rebuild(&mut |engine: &Engine| {
                    let seen = watcher.poll().map(|ch| {
                        burst.merge(ch);
                        last_event = Instant::now();
                    });
                    if previewing && !burst.is_empty() && last_event.elapsed() >= watch::QUIET {
                        match engine.preview_of(&burst) {
                            Some(preview) => publisher.publish(Ok(preview)),
                            None => previewing = false,
                        }
                        burst = Changes::default();
                    }
                    seen.is_some() && !forced
                })
            }
            watch::Next::Changes(ch) => match engine.apply(&ch) {
                Ok(Some(preview)) => Ok(Some(preview)),
                Ok(None) => engine.rebuild(&mut |_| false),
                Err(d) => Err(d),
            },
        }));
        let result = built.unwrap_or_else(|_| {
            engine.reset();
            Err(vec![Diagnostic::new(
                Code::Internal,
                "生成预览时出现内部错误，已重新读取全部文件",
            )
            .with_hint(
                "这是生成器的问题，请带上终端中的完整输出报告给 gongkai 的维护者",
            )])
        });
        match result {
            Ok(Some(u)) => {
                full_due = u.preview;
                behind = if u.preview {
                    behind.or_else(|| Some(Instant::now()))
                } else {
                    None
                };
                publisher.publish(Ok(u));
            }
            // Outdated by newer edits: they come next, then the full build again.
            Ok(None) => {
                full_due = true;
                behind = behind.or_else(|| Some(Instant::now()));
            }
            Err(d) => {
                full_due = false;
                // A newer state is on its way: don't flash an error that it may fix.
                if !watcher.has_more() {
                    publisher.publish(Err(d));
                }
            }
        }
    }
}

/// Runs the preview server until the process is stopped.
pub fn run(opts: Options) -> Result<(), String> {
    let root = std::fs::canonicalize(&opts.root)
        .map_err(|e| format!("无法读取 {}：{e}", opts.root.display()))?;
    if !root.join("site-config.toml").is_file() {
        return Err(format!(
            "{} 不是网站目录：缺少 site-config.toml",
            root.display()
        ));
    }
    let addr = socket_addr(&opts.bind, opts.port)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动：{e}"))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                format!("端口 {} 已被占用，请用 --port 指定其他端口", opts.port)
            } else {
                format!("无法监听 {addr}：{e}")
            }
        })?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;

    // Watch before the first build so that no edit made during it is missed.
    admin::set_root(&root);
    let watcher = watch::Watcher::start(&root)?;
    let shared = Arc::new(Shared::new());
    let mut publisher = Publisher {
        background: Background::start(shared.clone()),
        shared: shared.clone(),
        rebuilds: 0,
        printed_warnings: Vec::new(),
    };
    let mut engine = Engine::new(root, crate::validate::Options::from_env());
    eprintln!("正在生成预览 …");
    let first = engine
        .apply(&Changes {
            full: true,
            ..Changes::default()
        })
        .and_then(|_| engine.rebuild(&mut |_| false));
    publisher.publish(first.map(Option::unwrap_or_default));

    println!("正在预览：http://{local}/");
    let _ = std::io::stdout().flush();
    if !local.ip().is_loopback() {
        eprintln!(
            "注意：预览服务监听 {}，同一网络中的其他电脑也能访问",
            local.ip()
        );
    }
    eprintln!("修改内容、模板或配置后页面会自动更新；按 Ctrl+C 停止");

    std::thread::Builder::new()
        .name("gongkai-rebuild".into())
        .spawn(move || rebuild_loop(&watcher, &mut engine, &mut publisher))
        .map_err(|e| format!("无法启动：{e}"))?;

    rt.block_on(async move { axum::serve(listener, http::router(shared, local.port())).await })
        .map_err(|e| format!("预览服务出错：{e}"))
}
