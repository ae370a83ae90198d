//! Tests of the schema declaration and of the JSON Schemas derived from it (checked with a real validator).
use super::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn every_table(keys: &'static [Key], out: &mut Vec<&'static [Key]>) {
    out.push(keys);
    for k in keys {
        match k.ty {
            Type::Table(t) | Type::Tables(t) => every_table(t, out),
            _ => {}
        }
    }
}

#[test]
fn keys_are_unique_and_named() {
    let mut tables = Vec::new();
    for kind in Kind::ALL {
        every_table(kind.keys(), &mut tables);
    }
    for l in LEDGER_KINDS {
        tables.push(l.columns);
    }
    for t in tables {
        let names: BTreeSet<&str> = t.iter().map(|k| k.key).collect();
        assert_eq!(names.len(), t.len(), "duplicate key in {:?}", names);
        for k in t {
            assert!(!k.name.is_empty(), "{} has no 中文名", k.key);
        }
    }
}

#[test]
fn kinds_round_trip_their_names() {
    for kind in Kind::ALL {
        assert_eq!(Kind::parse(kind.name()), Some(kind));
    }
    assert_eq!(Kind::parse("policies"), None);
}

#[test]
fn list_kind_enum_names_every_ledger_kind() {
    let Some(Type::Enum(kinds)) = find(LIST, "kind").map(|k| k.ty) else {
        panic!("[list].kind is an enum");
    };
    let declared: Vec<&str> = LEDGER_KINDS
        .iter()
        .map(|k| k.kind)
        .chain(["custom"])
        .collect();
    assert_eq!(kinds, declared.as_slice());
}

#[test]
fn schema_of_policy_has_chinese_titles_required_and_enums() {
    let s = json_schema(Kind::Policy);
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["title"], "政策文件");
    assert_eq!(s["properties"]["index_no"]["title"], "索引号");
    assert_eq!(s["properties"]["published"]["format"], "date");
    assert_eq!(
        s["properties"]["disclosure"]["enum"],
        serde_json::json!(["主动公开", "依申请公开", "不予公开"])
    );
    let required: Vec<&str> = s["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        [
            "title",
            "index_no",
            "issuer",
            "published",
            "category",
            "disclosure"
        ]
    );
    assert_eq!(s["additionalProperties"], false);
}

/// Loads each file given as TOML (front matter for `.md`), converts it to JSON (dates as
/// strings) and validates it against the schema file given first; prints one line per file:
/// `ok <path>` or `bad <path>: <first error>`.
const VALIDATE_PY: &str = r#"
import datetime, json, sys, tomllib
from jsonschema import Draft202012Validator, FormatChecker
schema = json.load(open(sys.argv[1], encoding="utf-8"))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema, format_checker=FormatChecker())
def plain(x):
    if isinstance(x, dict): return {k: plain(y) for k, y in x.items()}
    if isinstance(x, list): return [plain(y) for y in x]
    if isinstance(x, (datetime.date, datetime.datetime, datetime.time)): return x.isoformat()
    return x
for path in sys.argv[2:]:
    text = open(path, encoding="utf-8-sig").read()
    if path.endswith(".md"):
        text = text.split("+++", 2)[1]
    doc = plain(tomllib.loads(text))
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    print(("ok " + path) if not errors else ("bad " + path + ": " + errors[0].message))
"#;

/// Runs [`VALIDATE_PY`] with Python's `jsonschema` (scripts/test installs it).
fn validate_with_python(kind: Kind, files: &[PathBuf]) -> Vec<String> {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // One folder per call: tests run in parallel.
    let dir = std::env::temp_dir().join(format!(
        "gongkai-schema-{}-{}-{n}",
        std::process::id(),
        kind.name()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = dir.join("schema.json");
    std::fs::write(&schema, json_schema(kind).to_string()).unwrap();
    let out = Command::new("python3")
        .arg("-c")
        .arg(VALIDATE_PY)
        .arg(&schema)
        .args(files)
        .output()
        .expect("python3 with jsonschema is needed (pip install jsonschema)");
    assert!(
        out.status.success(),
        "python3 jsonschema failed (pip install jsonschema): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

#[test]
fn the_demo_validates_against_every_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let content = root.join("content");
    let mut checked = 0;
    for (kind, dir, ext) in [
        (Kind::Policy, "policies", "md"),
        (Kind::Interpretation, "interpretations", "md"),
        (Kind::Page, "pages", "md"),
        (Kind::List, "lists", "toml"),
        (Kind::Report, "reports", "toml"),
    ] {
        let mut files = Vec::new();
        files_under(&content.join(dir), ext, &mut files);
        assert!(!files.is_empty(), "no demo {dir}");
        for line in validate_with_python(kind, &files) {
            assert!(line.starts_with("ok "), "{}: {line}", kind.name());
            checked += 1;
        }
    }
    let lines = validate_with_python(Kind::SiteConfig, &[root.join("site-config.toml")]);
    assert!(lines[0].starts_with("ok "), "{lines:?}");
    assert!(checked > 20);
}

#[test]
fn broken_files_do_not_validate() {
    let dir = std::env::temp_dir().join(format!("gongkai-schema-broken-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let policy = "+++\ntitle = \"关于印发的通知\"\nindex_no = \"X/2016-00001\"\nissuer = \"市政府\"\npublished = 2016-04-26\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\n";
    let good = write("good.md", &format!("{policy}+++\n正文\n"));
    let cases = [
        (Kind::Policy, good.clone(), true),
        (
            Kind::Policy,
            write("enum.md", &format!("{}+++\n", policy.replace("\"主动公开\"", "\"公开\""))),
            false,
        ),
        (
            Kind::Policy,
            write("unknown.md", &format!("{policy}titel = \"x\"\n+++\n")),
            false,
        ),
        (
            Kind::Policy,
            write("date.md", &format!("{}+++\n", policy.replace("2016-04-26", "\"2016-04-26x\""))),
            false,
        ),
        (
            Kind::Policy,
            write("missing.md", &format!("{}+++\n", policy.replace("issuer = \"市政府\"\n", ""))),
            false,
        ),
        (
            Kind::List,
            write(
                "power.toml",
                "[list]\ntitle = \"权力清单\"\nkind = \"power\"\nupdated = 2016-07-01\n\n[[items]]\nname = \"许可\"\ntype = \"行政许可\"\nbasis = \"法\"\nsubject = \"市局\"\n",
            ),
            false,
        ),
        (
            Kind::List,
            write(
                "power-ok.toml",
                "[list]\ntitle = \"权力清单\"\nkind = \"power\"\nupdated = 2016-07-01\n\n[[items]]\ncode = \"1\"\nname = \"许可\"\ntype = \"行政许可\"\nbasis = \"法\"\nsubject = \"市局\"\n",
            ),
            true,
        ),
        (
            Kind::Report,
            write("2016.toml", "year = 2016\n[review]\nreconsideration = [1, 0, 0, 0]\nlitigation_direct = [0, 0, 0, 0, 0]\nlitigation_after_review = [0, 0, 0, 0, 0]\n"),
            false,
        ),
        (
            Kind::SiteConfig,
            write("site-config.toml", "[site]\ntitle = \"某市\"\nbase_url = \"https://a.gov.cn\"\n"),
            false,
        ),
    ];
    for (kind, path, valid) in cases {
        let lines = validate_with_python(kind, std::slice::from_ref(&path));
        assert_eq!(
            lines[0].starts_with("ok "),
            valid,
            "{}: {}",
            kind.name(),
            lines[0]
        );
    }
}

/// `docs/zh/内容格式.md` is generated: it cannot drift from the declarations.
#[test]
fn content_format_doc_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/zh/内容格式.md");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == content_format_zh(),
        "docs/zh/内容格式.md is out of date: run `cargo run -- docs` and commit it"
    );
}
