//! Files for editors' tools and the Chinese manual: `new site` writes `.taplo.toml` and the
//! schemas it names (the bytes `gongkai schema` prints), the demo carries the same, and every
//! `gongkai …` command the manual shows exists.

use crate::support::{gongkai, repo_root};
use std::path::Path;

const SCHEMAS: [&str; 3] = ["site-config", "list", "report"];

/// `gongkai schema <kind>` as printed.
fn schema_output(kind: &str) -> String {
    let r = gongkai(&["schema", kind], &repo_root());
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn new_site_writes_taplo_config_and_the_schemas_gongkai_schema_prints() {
    let dir = tempfile::tempdir().unwrap();
    let r = gongkai(&["new", "site", "s"], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let root = dir.path().join("s");
    let taplo = read(&root.join(".taplo.toml"));
    for kind in SCHEMAS {
        let file = format!("schemas/{kind}.schema.json");
        assert_eq!(
            read(&root.join(&file)),
            schema_output(kind),
            "{file} differs from `gongkai schema {kind}`"
        );
        assert!(
            taplo.contains(&format!("path = \"./{file}\"")),
            ".taplo.toml does not name {file}:\n{taplo}"
        );
    }
    for glob in [
        "\"site-config.toml\"",
        "\"content/lists/*.toml\"",
        "\"content/reports/*.toml\"",
    ] {
        assert!(taplo.contains(glob), "{glob} missing:\n{taplo}");
    }
    // Every rule is a taplo [[rule]] with include and [rule.schema] path.
    let parsed: toml::Table = taplo.parse().expect(".taplo.toml is TOML");
    let rules = parsed["rule"].as_array().expect("[[rule]]");
    assert_eq!(rules.len(), 3);
    for rule in rules {
        assert!(rule["include"].as_array().is_some_and(|a| !a.is_empty()));
        assert!(rule["schema"]["path"].as_str().is_some());
    }
    // The new site still builds with the extra files in it.
    let r = gongkai(&["check"], &root);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The demo at the repository root is a site too: its `.taplo.toml` and schemas are what
/// `new site` writes (regenerate with `gongkai new site` and copy, or `gongkai schema`).
#[test]
fn demo_editor_files_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(gongkai(&["new", "site", "s"], dir.path()).code, 0);
    let fresh = dir.path().join("s");
    let demo = repo_root();
    let mut files = vec![".taplo.toml".to_string()];
    files.extend(SCHEMAS.iter().map(|k| format!("schemas/{k}.schema.json")));
    for f in files {
        assert_eq!(
            read(&demo.join(&f)),
            read(&fresh.join(&f)),
            "{f} at the repository root is out of date: copy it from `gongkai new site`"
        );
    }
}

/// Every `gongkai <sub> [<sub>]` written in docs/zh/*.md, as words.
fn documented_commands() -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let dir = repo_root().join("docs/zh");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let text = read(&p);
        for (i, _) in text.match_indices("gongkai ") {
            // Only the program name, not part of a longer word (`gongkai-cache`, `/gongkai`).
            let before = text[..i].chars().next_back();
            if before.is_some_and(|c| {
                c.is_ascii_alphanumeric() || c == '-' || c == '/' || c == '.' || c == '_'
            }) {
                continue;
            }
            let words: Vec<String> = text[i + "gongkai ".len()..]
                .split(|c: char| c.is_whitespace() || c == '`' || c == '）' || c == '，')
                .take_while(|w| {
                    !w.is_empty()
                        && w.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                        && !w.starts_with('-')
                })
                .take(2)
                .map(String::from)
                .collect();
            if !words.is_empty() {
                out.push((name.clone(), words));
            }
        }
    }
    out
}

#[test]
fn every_command_in_the_chinese_manual_exists() {
    let found = documented_commands();
    for must in ["new", "check", "build", "serve", "deploy"] {
        assert!(
            found.iter().any(|(_, w)| w[0] == must),
            "the manual never shows `gongkai {must}`"
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for (file, words) in found {
        // `gongkai new site`: the second word is a subcommand only if the first has some.
        let first = gongkai(&[words[0].as_str(), "--help"], &repo_root());
        assert_eq!(
            first.code, 0,
            "{file}: `gongkai {}` is not a command:\n{}",
            words[0], first.stderr
        );
        let mut args: Vec<&str> = vec![words[0].as_str()];
        if words.len() > 1 && first.stdout.contains("Commands:") {
            args.push(words[1].as_str());
        }
        if !seen.insert(args.join(" ")) {
            continue;
        }
        args.push("--help");
        let r = gongkai(&args, &repo_root());
        assert_eq!(
            r.code,
            0,
            "{file}: `gongkai {}` is not a command:\n{}",
            args.join(" "),
            r.stderr
        );
    }
}
