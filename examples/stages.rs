//! Times each pipeline stage on a site: `cargo run --release --example stages -- DIR`.
//! Rendering goes to a sink that only counts bytes, so disk speed does not enter.

use gongkai::output::Sink;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// mimalloc: rendering allocates many small strings and JSON values on every thread; the
/// system allocator spent a fifth of the render time in malloc/free (see README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Count(AtomicUsize, AtomicUsize);
impl Sink for Count {
    fn put(&self, _rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.0.fetch_add(1, Ordering::Relaxed);
        self.1.fetch_add(bytes.len(), Ordering::Relaxed);
        Ok(())
    }
}

fn main() {
    // As `gongkai build` runs.
    gongkai::process::no_huge_pages();
    gongkai::process::keep_freed_memory();
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("site dir"));
    let opts = gongkai::validate::Options::from_env();
    let t = Instant::now();
    let loaded = gongkai::source::load(&root).expect("load");
    let t_load = t.elapsed();
    // Twice with a memo (as `serve` runs it): the second run redoes only site-wide rules.
    let memo = gongkai::validate::Memo::new();
    let t = Instant::now();
    let _ = gongkai::validate::validate_with(&loaded, &opts, &memo);
    let t_validate = t.elapsed();
    let t = Instant::now();
    let (site, diags) = gongkai::validate::validate_with(&loaded, &opts, &memo);
    let t_warm = t.elapsed();
    let t = Instant::now();
    let _ = gongkai::render::search::index(&site);
    let t_search = t.elapsed();
    if std::env::var_os("STAGES_SEARCH").is_some() {
        let t = Instant::now();
        let recs = gongkai::render::search::records(&site);
        let t_text = t.elapsed();
        let t = Instant::now();
        let mut n = 0usize;
        for d in &recs {
            gongkai::search::text::tokens(&d.weighted, |_| n += 1);
            gongkai::search::text::tokens(&d.body, |_| n += 1);
        }
        eprintln!(
            "search: records text {:.3}s, tokens (1 thread) {:.3}s ({n} tokens)",
            t_text.as_secs_f64(),
            t.elapsed().as_secs_f64()
        );
    }
    let sink = Count(AtomicUsize::new(0), AtomicUsize::new(0));
    let t = Instant::now();
    let pages = gongkai::render::run::all(&site, &sink)
        .expect("render")
        .pages;
    let t_render = t.elapsed();
    println!(
        "load {:.3}s  validate {:.3}s  (again, memoized {:.3}s)  search index {:.3}s  render {:.3}s  ({} pages, {} files, {} MB, {} diagnostics)",
        t_load.as_secs_f64(),
        t_validate.as_secs_f64(),
        t_warm.as_secs_f64(),
        t_search.as_secs_f64(),
        t_render.as_secs_f64(),
        pages,
        sink.0.load(Ordering::Relaxed),
        sink.1.load(Ordering::Relaxed) / 1_000_000,
        diags.len()
    );
    if std::env::var_os("STAGES_BY_KIND").is_some() {
        by_kind(&site);
    }
}

/// `STAGES_BY_KIND=1`: renders every job once more on one thread and prints the time per job
/// kind (where the render time goes).
fn by_kind(site: &gongkai::model::Site) {
    let tera = gongkai::render::templates(&site.templates, &site.copies).expect("templates");
    let p = gongkai::render::Prepared::new(site);
    let mut acc: std::collections::BTreeMap<String, (usize, f64, f64)> = Default::default();
    for job in gongkai::render::plan(&p) {
        let kind = format!("{job:?}")
            .split([' ', '(', '{'])
            .next()
            .unwrap_or("")
            .to_string();
        let t = Instant::now();
        let _ = p.fingerprint(&job);
        let tf = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _ = p.run(&tera, &job).expect("render");
        let e = acc.entry(kind).or_default();
        e.0 += 1;
        e.1 += t.elapsed().as_secs_f64();
        e.2 += tf;
    }
    for (k, (n, s, f)) in acc {
        println!("{k:20} {n:6} jobs  render {s:7.3}s  fingerprint {f:7.3}s");
    }
}
