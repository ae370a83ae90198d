//! The shape of `src/` that docs/architecture.md promises, checked on the source text: no
//! import cycle between modules, the model on the ground floor, small files with a stated job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lines of a file before its first `#[cfg(test)]` (the non-test code).
const MAX_LINES: usize = 800;

/// What `src/model/` may name: the standard library, chrono, serde, and the config below it.
const MODEL_CRATES: &[&str] = &["std", "core", "alloc", "chrono", "serde"];
const MODEL_MODULES: &[&str] = &["model", "config"];

struct Module {
    /// `["render", "views", "ledgers"]`; empty for the crate root.
    path: Vec<String>,
    file: PathBuf,
    text: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every module of the library (the binary's `main.rs` is not one).
fn modules() -> Vec<Module> {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .filter(|f| f.file_name().unwrap() != "main.rs")
        .map(|file| {
            let rel = file.strip_prefix(&src).unwrap().with_extension("");
            let mut path: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if path.last().is_some_and(|l| l == "mod" || l == "lib") {
                path.pop();
            }
            let text = std::fs::read_to_string(&file).unwrap();
            Module { path, file, text }
        })
        .collect()
}

/// The code of a file before its tests, without comments and string literals (so a path in a
/// doc comment or a message is not an import).
fn code(text: &str) -> String {
    let head = text.split("#[cfg(test)]").next().unwrap();
    let mut out = String::with_capacity(head.len());
    let b: Vec<char> = head.chars().collect();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            '/' if b.get(i + 1) == Some(&'/') => {
                while i < b.len() && b[i] != '\n' {
                    i += 1;
                }
            }
            '/' if b.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            'r' if b.get(i + 1) == Some(&'#')
                || (b.get(i + 1) == Some(&'"') && !ident(b.get(i.wrapping_sub(1)))) =>
            {
                // raw string r"…" / r#"…"#
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&'"') {
                    out.push(b[i]);
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= b.len() {
                        break;
                    }
                    if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            '"' => {
                i += 1;
                while i < b.len() && b[i] != '"' {
                    if b[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            '\'' if b.get(i + 2) == Some(&'\'') || (b.get(i + 1) == Some(&'\\')) => {
                // a char literal ('"', '\n', '\''); lifetimes ('a) are left alone
                let mut j = i + 1;
                if b.get(j) == Some(&'\\') {
                    j += 1;
                }
                j += 1;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Expands one use tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.len() - 1];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(expand)
        .map(|p| format!("{prefix}{p}"))
        .collect()
}

/// Every path a module names: its `use` items, expanded, and every `crate::…` / `super::…`
/// path written inline.
fn named_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = find_word(rest, "use") {
        let after = &rest[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        out.extend(expand(after[..end].trim()));
        rest = &after[end..];
    }
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if ident(code[..at].chars().last().as_ref()) {
                continue;
            }
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(path);
        }
    }
    out
}

fn find_word(hay: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = hay[from..].find(word) {
        let at = from + i;
        let before = hay[..at].chars().last();
        let after = hay[at + word.len()..].chars().next();
        if !ident(before.as_ref()) && after.is_some_and(char::is_whitespace) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// The module a path names, resolved against the modules that exist: `crate::render::views::Prepared`
/// is `render::views`. None for a path outside the crate.
fn target(from: &[String], path: &str, known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let (mut base, rest): (Vec<String>, &[&str]) = match segs.first()? {
        &"crate" => (Vec::new(), &segs[1..]),
        &"super" => {
            let mut b = from.to_vec();
            let mut n = 0;
            while segs.get(n) == Some(&"super") {
                b.pop();
                n += 1;
            }
            (b, &segs[n..])
        }
        &"self" => (from.to_vec(), &segs[1..]),
        first => {
            // `use child::Item` names a child module of this one
            let mut child = from.to_vec();
            child.push(first.to_string());
            if !known.contains(&child) {
                return None;
            }
            (from.to_vec(), &segs[..])
        }
    };
    for s in rest {
        let mut next = base.clone();
        next.push(s.to_string());
        if known.contains(&next) {
            base = next;
        } else {
            break;
        }
    }
    Some(base)
}

/// For an import `from → to`, the pair of sibling modules it links (below their common parent);
/// None when one contains the other (a module and its own children).
fn siblings(from: &[String], to: &[String]) -> Option<(Vec<String>, Vec<String>)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() || common == to.len() {
        return None;
    }
    Some((from[..=common].to_vec(), to[..=common].to_vec()))
}

fn graph(mods: &[Module]) -> BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> {
    let known: BTreeSet<Vec<String>> = mods.iter().map(|m| m.path.clone()).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    for m in mods {
        for p in named_paths(&code(&m.text)) {
            let Some(t) = target(&m.path, &p, &known) else {
                continue;
            };
            if let Some((a, b)) = siblings(&m.path, &t) {
                edges
                    .entry(a)
                    .or_default()
                    .entry(b)
                    .or_insert_with(|| format!("{} names {p}", m.file.display()));
            }
        }
    }
    edges
}

fn cycle(edges: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>) -> Option<Vec<String>> {
    fn visit(
        n: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<(Vec<String>, String)>,
    ) -> Option<Vec<String>> {
        state.insert(n.clone(), 1);
        for (m, why) in edges.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|(s, _)| s == m).unwrap_or(0);
                    let mut c: Vec<String> = stack[at..].iter().map(|(_, w)| w.clone()).collect();
                    c.push(why.clone());
                    return Some(c);
                }
                0 => {
                    stack.push((m.clone(), why.clone()));
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                    stack.pop();
                }
                _ => {}
            }
        }
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            let mut stack = vec![(n.clone(), String::new())];
            if let Some(c) = visit(n, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_import_cycle_between_modules() {
    let mods = modules();
    assert!(mods.len() > 40, "found the modules of src/");
    let edges = graph(&mods);
    assert!(
        edges
            .get(&vec!["serve".to_string()])
            .is_some_and(|e| e.contains_key(&vec!["render".to_string()])),
        "the scan sees imports (serve uses render)"
    );
    let all: Vec<String> = edges
        .iter()
        .flat_map(|(a, bs)| {
            bs.iter()
                .map(move |(b, w)| format!("{} -> {}: {w}", a.join("::"), b.join("::")))
        })
        .collect();
    if let Some(c) = cycle(&edges) {
        if std::env::var_os("GONGKAI_ARCH_EDGES").is_some() {
            eprintln!("{}", all.join("\n"));
        }
        panic!("import cycle:\n  {}", c.join("\n  "));
    }
}

#[test]
fn the_model_imports_nothing_above_it() {
    let mods = modules();
    let known: BTreeSet<Vec<String>> = mods.iter().map(|m| m.path.clone()).collect();
    let mut bad = Vec::new();
    let model: Vec<&Module> = mods
        .iter()
        .filter(|m| m.path.first().is_some_and(|p| p == "model"))
        .collect();
    assert!(model.len() >= 5, "src/model/ has its files");
    for m in model {
        for p in named_paths(&code(&m.text)) {
            let first = p.split("::").next().unwrap_or("");
            let ok = match target(&m.path, &p, &known) {
                Some(t) => t
                    .first()
                    .is_some_and(|t| MODEL_MODULES.contains(&t.as_str())),
                None => MODEL_CRATES.contains(&first) || first.starts_with(char::is_uppercase),
            };
            if !ok {
                bad.push(format!("{} uses {p}", m.file.display()));
            }
        }
    }
    assert!(bad.is_empty(), "the model reaches up:\n{}", bad.join("\n"));
}

#[test]
fn every_file_is_small_and_says_its_job() {
    let mut bad = Vec::new();
    for m in modules() {
        let lines = m.text.split("#[cfg(test)]").next().unwrap().lines().count();
        if lines > MAX_LINES {
            bad.push(format!(
                "{}: {lines} lines of non-test code (at most {MAX_LINES})",
                m.file.display()
            ));
        }
        if !m.text.starts_with("//!") {
            bad.push(format!(
                "{}: the first line is not a `//!` comment saying its job",
                m.file.display()
            ));
        }
    }
    let main = std::fs::read_to_string(src_dir().join("main.rs")).unwrap();
    if !main.starts_with("//!") {
        bad.push("src/main.rs: no `//!` first line".into());
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_scanner_finds_what_it_must() {
    let text = "//! x\nuse crate::a::{b, c::{d, e}};\nuse super::f;\n// crate::g::h\nlet s = \"crate::i\";\nfn x() { crate::j::k(); }\n";
    let paths = named_paths(&code(text));
    for want in [
        "crate::a::b",
        "crate::a::c::d",
        "crate::a::c::e",
        "super::f",
        "crate::j::k",
    ] {
        assert!(paths.iter().any(|p| p == want), "{want} in {paths:?}");
    }
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("crate::g") || p.contains("crate::i")),
        "{paths:?}"
    );
    let mut edges = BTreeMap::new();
    let a = vec!["a".to_string()];
    let b = vec!["b".to_string()];
    edges.insert(a.clone(), BTreeMap::from([(b.clone(), "a→b".to_string())]));
    assert!(cycle(&edges).is_none());
    edges.insert(b, BTreeMap::from([(a, "b→a".to_string())]));
    assert!(cycle(&edges).is_some(), "a two-module cycle is found");
}
