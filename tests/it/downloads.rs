//! Ledger downloads round-trip: every `public/lists/<stem>.csv` and `.json` is parsed back
//! (the `csv` crate, `serde_json`) and compared with the source TOML read independently with
//! the `toml` crate: same rows, same values in every field. In CSV a list is joined with 、,
//! a bool is 是/否 and a date is 2016年08月31日; JSON keeps arrays, bools and ISO dates.

use crate::support::*;
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::Path;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Keys the JSON adds to each item (not from the TOML).
const JSON_META: &[&str] = &["position", "url", "due_computed", "overdue"];

fn cn_date(d: &toml::value::Datetime) -> (String, String) {
    let d = d.date.expect("a date");
    (
        format!("{:04}年{:02}月{:02}日", d.year, d.month, d.day),
        format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
    )
}

/// How a TOML value must appear in CSV and in JSON.
fn expected(v: &toml::Value, json: &Json) -> (String, Json) {
    match v {
        toml::Value::String(s) => {
            let s = s.trim().to_string();
            // A column that takes lists shows a single string as a one-item list in JSON.
            let j = if json.is_array() {
                Json::Array(vec![Json::String(s.clone())])
            } else {
                Json::String(s.clone())
            };
            (s, j)
        }
        toml::Value::Array(a) => {
            let items: Vec<String> = a
                .iter()
                .map(|x| x.as_str().expect("string list").trim().to_string())
                .collect();
            (
                items.join("、"),
                Json::Array(items.into_iter().map(Json::String).collect()),
            )
        }
        toml::Value::Boolean(b) => ((if *b { "是" } else { "否" }).to_string(), Json::Bool(*b)),
        toml::Value::Datetime(d) => {
            let (cn, iso) = cn_date(d);
            (cn, Json::String(iso))
        }
        other => panic!("unexpected TOML value in a ledger: {other:?}"),
    }
}

/// The CSV rule (docs/security.md): a cell starting with `=`, `+`, `-`, `@`, a tab or a CR
/// is written with a leading `'` so that spreadsheets show it as text, not run it.
fn neutralised(s: String) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s,
    }
}

/// Compares one ledger's downloads with its source; returns the number of rows checked.
fn round_trip(site_root: &Path, out: &Path, stem: &str) -> usize {
    let src_text =
        std::fs::read_to_string(site_root.join(format!("content/lists/{stem}.toml"))).unwrap();
    let src: toml::Table = toml::from_str(&src_text).unwrap();
    let kind = src["list"]["kind"].as_str().unwrap();
    let items: Vec<&toml::Table> = src
        .get("items")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().map(|i| i.as_table().unwrap()).collect())
        .unwrap_or_default();

    // JSON.
    let json: Json =
        serde_json::from_slice(&std::fs::read(out.join(format!("lists/{stem}.json"))).unwrap())
            .unwrap();
    assert_eq!(
        json["title"],
        src["list"]["title"].as_str().unwrap().trim(),
        "{stem}"
    );
    assert_eq!(json["kind"], kind, "{stem}");
    let (_, updated) = cn_date(src["list"]["updated"].as_datetime().unwrap());
    assert_eq!(json["updated"], updated.as_str(), "{stem}");
    let columns: Vec<(String, String)> = json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_string(),
                c["label"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let jitems = json["items"].as_array().unwrap();
    assert_eq!(jitems.len(), items.len(), "{stem}: JSON rows");

    // CSV: UTF-8 BOM first (Excel needs it), then a header row of labels.
    let bytes = std::fs::read(out.join(format!("lists/{stem}.csv"))).unwrap();
    assert!(bytes.starts_with(BOM), "{stem}.csv starts with a UTF-8 BOM");
    let mut reader = csv::Reader::from_reader(&bytes[BOM.len()..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut want_header = vec!["序号".to_string()];
    want_header.extend(columns.iter().map(|(_, l)| l.clone()));
    if kind == "tasks" {
        want_header.extend(["推算到期日期".to_string(), "是否逾期".to_string()]);
    }
    assert_eq!(header, want_header, "{stem}: CSV header");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), items.len(), "{stem}: CSV rows");

    for (i, ((item, row), jitem)) in items.iter().zip(&rows).zip(jitems).enumerate() {
        let at = format!("{stem} item {}", i + 1);
        assert_eq!(&row[0], (i + 1).to_string(), "{at}: 序号");
        assert_eq!(jitem["position"], i + 1, "{at}: position");
        for (j, (key, label)) in columns.iter().enumerate() {
            let cell = &row[j + 1];
            match item.get(key) {
                None => {
                    assert_eq!(cell, "", "{at}: {label} is empty in CSV");
                    assert!(jitem.get(key).is_none(), "{at}: {key} absent in JSON");
                }
                Some(v) => {
                    let (want_csv, want_json) = expected(v, &jitem[key]);
                    assert_eq!(cell, neutralised(want_csv), "{at}: {label} in CSV");
                    assert_eq!(jitem[key], want_json, "{at}: {key} in JSON");
                }
            }
        }
        // Nothing more, nothing less: the JSON item has the TOML item's keys plus metadata.
        let jkeys: BTreeSet<&str> = jitem
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| !JSON_META.contains(k))
            .collect();
        let tkeys: BTreeSet<&str> = item.keys().map(String::as_str).collect();
        assert_eq!(jkeys, tkeys, "{at}: keys");
        assert!(
            jitem["url"].as_str().unwrap().starts_with("https://"),
            "{at}: absolute url"
        );
        if kind == "tasks" {
            let n = columns.len();
            let overdue = jitem["overdue"].as_bool().unwrap();
            assert_eq!(
                &row[n + 2],
                if overdue { "是" } else { "否" },
                "{at}: 是否逾期"
            );
            assert_eq!(
                &row[n + 1],
                jitem["due_computed"].as_str().unwrap_or(""),
                "{at}: 推算到期日期"
            );
            if let Some(due) = item.get("due").and_then(|v| v.as_datetime()) {
                assert_eq!(
                    jitem["due_computed"],
                    cn_date(due).1.as_str(),
                    "{at}: due wins over the deadline text"
                );
            }
        }
    }
    items.len()
}

fn stems(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join("content/lists"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".toml").map(String::from))
        .collect();
    v.sort();
    v
}

#[test]
fn demo_downloads_round_trip() {
    let site = TestSite::demo();
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stems = stems(site.path());
    assert!(stems.len() >= 5, "{stems:?}");
    let rows: usize = stems
        .iter()
        .map(|s| round_trip(site.path(), &site.out(), s))
        .sum();
    assert!(rows > 100, "{rows} rows");
}

/// Every kind, with commas, quotes, line breaks, padding, lists, bools and dates.
#[test]
fn awkward_values_round_trip() {
    let site = fixture_site("valid/downloads");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stems = stems(site.path());
    assert_eq!(stems, ["custom", "fees", "power", "services", "tasks"]);
    for s in &stems {
        round_trip(site.path(), &site.out(), s);
    }
    // Spot checks of what the comparison relies on.
    let csv = site.read_out("lists/tasks.csv");
    assert!(
        csv.contains("\"推进重大决策预公开，\"\"征求意见\"\"环节全部公开\""),
        "{csv}"
    );
    assert!(csv.contains("市政府办、市发展改革委"));
    assert!(
        site.read_out("lists/fees.csv").contains(",是\n")
            || site.read_out("lists/fees.csv").contains(",是\r\n")
    );
    // Formula cells are text in CSV, the value itself in JSON.
    let csv = site.read_out("lists/custom.csv");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"点击\"\")\""),
        "{csv}"
    );
    assert!(csv.contains(",'@SUM(A1:A2)"), "{csv}");
    assert!(csv.contains("'+1+cmd|"), "{csv}");
    let json: Json = serde_json::from_str(&site.read_out("lists/custom.json")).unwrap();
    assert_eq!(json["items"][2]["note"][0], "@SUM(A1:A2)");
    let json: Json = serde_json::from_str(&site.read_out("lists/services.json")).unwrap();
    assert_eq!(json["items"][0]["materials"].as_array().unwrap().len(), 3);
}
