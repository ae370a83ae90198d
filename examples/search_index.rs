//! What the search index costs on a site: `cargo run --release --example search_index -- DIR`.
//!
//! Loads and validates the site, then builds the index as `gongkai build` does (files streamed
//! to a sink that only counts them; the real writer also puts them on disk) and prints one
//! JSON object: documents, index files and bytes, indexing wall and CPU seconds, and the peak
//! memory the indexing added on top of the loaded model (Linux: the peak RSS is reset through
//! `/proc/self/clear_refs` before indexing, then read from `VmHWM`). Used by `bench/run`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts what `build` would write, keeping nothing (as the writer, which streams to disk).
struct Count(AtomicUsize, AtomicUsize, AtomicUsize);
impl gongkai::output::Sink for Count {
    fn put(&self, _rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.0.fetch_add(1, Ordering::Relaxed);
        self.1.fetch_add(bytes.len(), Ordering::Relaxed);
        self.2.fetch_max(bytes.len(), Ordering::Relaxed);
        Ok(())
    }
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A `/proc/self/status` field in KiB.
fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of this process.
fn cpu_s() -> f64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11..13).map_or(0.0, |v| {
        v.iter().filter_map(|x| x.parse::<f64>().ok()).sum()
    });
    ticks / 100.0
}

fn main() {
    // As `gongkai build` runs.
    gongkai::process::no_huge_pages();
    gongkai::process::keep_freed_memory();
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("site dir"));
    let opts = gongkai::validate::Options::from_env();
    let loaded = gongkai::source::load(&root).expect("load");
    let (site, _) = gongkai::validate::validate(loaded, &opts);
    // The model's signatures: a build computes them for the page keys anyway.
    let sigs = gongkai::render::keys::Sigs::of(&site);
    let rss_before = status_kb("VmRSS:").unwrap_or(0);
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (t, c) = (Instant::now(), cpu_s());
    let sink = Count(
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    gongkai::render::search::write(&site, &sigs, 0, &sink, None).expect("index");
    let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_s() - c);
    let peak = status_kb("VmHWM:").unwrap_or(0);
    let (files, bytes, largest) = (
        sink.0.into_inner(),
        sink.1.into_inner(),
        sink.2.into_inner(),
    );
    let docs = gongkai::render::search::records(&site).len();
    println!(
        "{{\"docs\": {docs}, \"index_files\": {}, \"index_bytes\": {bytes}, \"largest_file\": {largest}, \
         \"index_wall_s\": {wall:.3}, \"index_cpu_s\": {cpu:.2}, \"rss_before_mb\": {:.1}, \
         \"index_peak_over_mb\": {:.1}, \"threads\": {}}}",
        files,
        rss_before as f64 / 1024.0,
        peak.saturating_sub(rss_before) as f64 / 1024.0,
        rayon::current_num_threads()
    );
}
