//! Times the incremental rebuild `serve` runs after a front-matter edit, in process:
//! `cargo run --release --example serve_edit -- DIR [EDITS]`. DIR is modified in place (one
//! policy's title) and restored at the end. Prints per-stage times for each edit.

use gongkai::serve::engine::{Changes, Engine};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().expect("site dir"))
        .canonicalize()
        .expect("site dir");
    let edits: usize = args.next().map(|s| s.parse().expect("edits")).unwrap_or(10);
    let opts = gongkai::validate::Options::from_env();
    let mut engine = Engine::new(root.clone(), opts);
    let t = Instant::now();
    let first = engine.rebuild(&mut |_| false).expect("first build");
    println!(
        "first build {:.0} ms ({} files)",
        t.elapsed().as_secs_f64() * 1000.0,
        first.map(|u| u.put.len()).unwrap_or(0)
    );
    let policies = root.join("content/policies");
    let file = walkdir::WalkDir::new(&policies)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("a policy")
        .into_path();
    let original = std::fs::read_to_string(&file).expect("read");
    let mut totals = Vec::new();
    for n in 0..edits {
        let text = original.replacen("title = \"", &format!("title = \"改{n} "), 1);
        std::fs::write(&file, text).expect("write");
        let mut ch = Changes::default();
        ch.content.insert(file.clone());
        ch.paths.insert(file.clone());
        let t = Instant::now();
        engine.apply(&ch).expect("apply");
        let u = engine
            .rebuild(&mut |_| false)
            .expect("rebuild")
            .expect("update");
        let total = t.elapsed().as_secs_f64() * 1000.0;
        totals.push(total);
        println!(
            "edit {n}: {total:.1} ms  load {:.1} validate {:.1} plan {:.1} render {:.1}  ({} rendered, {} put)",
            u.timings.load, u.timings.validate, u.timings.plan, u.timings.render, u.rendered, u.put.len()
        );
    }
    std::fs::write(&file, original).expect("restore");
    totals.sort_by(|a, b| a.total_cmp(b));
    if !totals.is_empty() {
        println!("median {:.1} ms", totals[totals.len() / 2]);
    }
}
