//! `gongkai serve` keeps the search index current while edits keep arriving: the real binary
//! on an ephemeral port, a file edited every 100 ms under its feet, and the served index files
//! read over HTTP. Nothing is timed (the latency is printed, not asserted): each check is
//! whether the index changed *before the stream of edits stopped*, which the old behaviour
//! (re-index only once edits pause) never did.

use crate::support::http::{Server, DEADLINE};
use crate::support::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The served index's document shards, as text (titles, URLs, text heads).
fn indexed_text(server: &Server) -> String {
    let Some(meta) = server.get_ok("/search-index/meta.json") else {
        return String::new();
    };
    let meta: serde_json::Value = serde_json::from_slice(&meta).unwrap();
    let (n, g) = (
        meta["docs"].as_u64().unwrap(),
        meta["group"].as_u64().unwrap(),
    );
    let mut text = String::new();
    for i in 0..n.div_ceil(g) {
        if let Some(b) = server.get_ok(&format!("/search-index/d/{i}.bin")) {
            let units: Vec<u16> = b
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            text.push_str(&String::from_utf16_lossy(&units));
        }
    }
    text
}

/// Edits `rel` every 100 ms (one more sentence at the end) until dropped.
struct Typist {
    running: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<usize>>,
}

impl Typist {
    fn start(site: &TestSite, rel: &str) -> Typist {
        let running = Arc::new(AtomicBool::new(true));
        let path = site.path().join(rel);
        let flag = running.clone();
        let thread = std::thread::spawn(move || {
            let mut n = 0;
            while flag.load(Ordering::SeqCst) {
                let old = std::fs::read_to_string(&path).unwrap();
                std::fs::write(&path, format!("{old}\n补充说明第{n}条。\n")).unwrap();
                n += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            n
        });
        Typist {
            running,
            thread: Some(thread),
        }
    }

    /// Stops typing; how many edits were made.
    fn stop(mut self) -> usize {
        self.running.store(false, Ordering::SeqCst);
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for Typist {
    fn drop(&mut self) {
        self.running.store(false, Ordering::SeqCst);
    }
}

/// Polls until `f` holds; returns how long it took.
fn wait(what: &str, mut f: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

#[test]
fn the_index_follows_edits_and_withdrawals_while_edits_keep_arriving() {
    let site = TestSite::new()
        .policy(Policy::new(1, "关于做好政务公开工作的通知"))
        .policy(Policy::new(2, "关于QZXWITHDRAWN事项的通知"))
        .policy(Policy::new(3, "关于开展统计检查的通知"));
    let server = Server::start(site.path());
    wait("the first index", || {
        indexed_text(&server).contains("QZXWITHDRAWN")
    });

    let typist = Typist::start(&site, "content/policies/2016/a.md");
    std::thread::sleep(Duration::from_millis(500));

    // A document withdrawn from 主动公开 leaves the index while another is being edited.
    let b = site.path().join("content/policies/2016/b.md");
    let text = std::fs::read_to_string(&b).unwrap();
    std::fs::write(&b, text.replace("主动公开", "不予公开")).unwrap();
    let gone = wait("the withdrawn document to leave the index", || {
        !indexed_text(&server).contains("QZXWITHDRAWN")
    });
    assert!(
        typist.running.load(Ordering::SeqCst),
        "edits were still arriving"
    );

    // A new title appears while the edits go on.
    let c = site.path().join("content/policies/2016/c.md");
    let text = std::fs::read_to_string(&c).unwrap();
    std::fs::write(
        &c,
        text.replace("关于开展统计检查的通知", "关于开展QZXRENAMED检查的通知"),
    )
    .unwrap();
    let renamed = wait("the edited title in the index", || {
        indexed_text(&server).contains("QZXRENAMED")
    });
    let edits = typist.stop();
    assert!(edits >= 5, "{edits} edits");
    eprintln!(
        "withdrawn: out of the index after {} ms; title edit: in it after {} ms (edits every 100 ms)",
        gone.as_millis(),
        renamed.as_millis()
    );
}

/// The served index files (path under `search-index/` → bytes).
fn served_index(server: &Server) -> std::collections::BTreeMap<String, Vec<u8>> {
    let files: serde_json::Value =
        serde_json::from_slice(&server.get("/__gongkai/files").body).unwrap();
    files["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .filter(|p| p.starts_with("search-index/"))
        .filter_map(|p| Some((p.to_string(), server.get_ok(&format!("/{p}"))?)))
        .collect()
}

#[test]
fn the_served_index_after_edits_is_the_index_a_build_makes() {
    let mut site = TestSite::new();
    for i in 1..=30 {
        site = site.policy(Policy::new(i, &format!("关于第{i}项政务公开工作的通知")));
    }
    let server = Server::start(site.path());
    wait("the first index", || {
        indexed_text(&server).contains("第30项")
    });
    // What a build of the same files makes.
    let fresh = |site: &TestSite| {
        let r = without_body_store(site.path(), || {
            gongkai(&["build", "--output", "fresh"], site.path())
        });
        assert_eq!(r.code, 0, "{}", r.stderr);
        let files: std::collections::BTreeMap<String, Vec<u8>> = tree(&site.path().join("fresh"))
            .into_iter()
            .filter(|(p, _)| p.starts_with("search-index/"))
            .collect();
        std::fs::remove_dir_all(site.path().join("fresh")).unwrap();
        assert!(files.contains_key("search-index/meta.json") && files.len() > 3);
        files
    };
    // Text replaced in place: its old terms must leave the index.
    let title = |i: u32| format!("关于第{i}项政务公开工作的通知");
    let p7 = Policy::new(7, &title(7)).body("替换后的正文，鲲鹏条款。");
    site.write(p7.rel(), &p7.render());
    let want = fresh(&site);
    wait("the served index to equal a fresh build's", || {
        served_index(&server) == want
    });
    // A new document and a document withdrawn: the others are renumbered.
    let new = Policy::new(31, "关于凤凰事项的通知");
    site.write(new.rel(), &new.render());
    let p3 = Policy::new(3, &title(3)).disclosure("不予公开");
    site.write(p3.rel(), &p3.render());
    let want = fresh(&site);
    wait("the served index to equal a fresh build's again", || {
        served_index(&server) == want
    });
}
