//! The search index (gongkai's own, under `public/search-index/`): what it holds, and what it
//! never holds.

use crate::support::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Every output file as lowercased text: UTF-8, and for the index's binary files also read as
/// UTF-16LE (the document shards' encoding).
fn output_texts(out: &Path) -> Vec<(String, String)> {
    output_files(out)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(out.join(&f)).unwrap();
            let mut text = String::from_utf8_lossy(&bytes).into_owned();
            if f.ends_with(".bin") {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                text.push('\n');
                text.push_str(&String::from_utf16_lossy(&units));
            }
            (f, text.to_lowercase())
        })
        .collect()
}

/// Output files that contain `marker` (case-insensitive), looking inside the index's files.
fn files_containing(out: &Path, marker: &str) -> Vec<String> {
    let marker = marker.to_lowercase();
    output_texts(out)
        .into_iter()
        .filter(|(_, t)| t.contains(&marker))
        .map(|(f, _)| f)
        .collect()
}

fn varint(b: &[u8], pos: &mut usize) -> usize {
    let (mut v, mut shift) = (0usize, 0);
    loop {
        let x = b[*pos];
        *pos += 1;
        v |= usize::from(x & 0x7f) << shift;
        if x < 0x80 {
            return v;
        }
        shift += 7;
    }
}

fn skip_posting(b: &[u8], pos: &mut usize) {
    if varint(b, pos) != 0 {
        varint(b, pos);
        let len = varint(b, pos);
        *pos += len;
    }
}

/// Every term of the dictionary shards (`search-index/t/*.bin`).
fn terms(out: &Path) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for f in output_files(out) {
        if !(f.starts_with("search-index/t/") && f.ends_with(".bin")) {
            continue;
        }
        let b = std::fs::read(out.join(&f)).unwrap();
        let mut pos = 0;
        while pos < b.len() {
            let len = varint(&b, &mut pos);
            all.insert(String::from_utf8(b[pos..pos + len].to_vec()).unwrap());
            pos += len;
            skip_posting(&b, &mut pos);
            skip_posting(&b, &mut pos);
        }
    }
    all
}

/// The indexed documents, by id: [url, title, type, date, issuer, doc_no, index_no, text (head
/// and rest)].
fn documents(out: &Path) -> Vec<Vec<String>> {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("search-index/meta.json")).unwrap())
            .unwrap();
    let group = meta["group"].as_u64().unwrap() as usize;
    let n = meta["docs"].as_u64().unwrap() as usize;
    let mut docs = Vec::new();
    for g in 0..n.div_ceil(group) {
        let b = std::fs::read(out.join(format!("search-index/d/{g}.bin"))).unwrap();
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let text = String::from_utf16(&units).unwrap();
        let rest: Vec<Vec<String>> = (0..)
            .map_while(|k| std::fs::read(out.join(format!("search-index/x/{g}-{k}.bin"))).ok())
            .map(|b| {
                let units: Vec<u16> = b
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&units)
                    .unwrap()
                    .split('\u{1E}')
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        for (i, d) in text.split('\u{1E}').filter(|d| !d.is_empty()).enumerate() {
            let mut f: Vec<String> = d.split('\u{1F}').map(str::to_string).collect();
            let more: usize = f.pop().unwrap().parse().unwrap();
            for chunk in rest.iter().take(more) {
                // Each chunk repeats the last 40 characters before it.
                let c: String = chunk[i].chars().skip(40).collect();
                f[7].push_str(&c);
            }
            docs.push(f);
        }
    }
    assert_eq!(docs.len(), n, "every document in a shard");
    docs
}

fn with_disclosure(serial: u32, title: &str, body_marker: &str, disclosure: &str) -> Policy {
    Policy::new(serial, title)
        .disclosure(disclosure)
        .body(&format!("{title}的正文，含有{body_marker}字样。"))
}

/// A site with one ordinary policy, plus a policy and a 解读 with the given disclosure whose
/// titles and bodies carry markers (ASCII ones, which stay one word in the index, and a
/// Chinese one).
fn site_with_markers(disclosure: &str) -> TestSite {
    let site = TestSite::new()
        .policy(Policy::new(1, "关于做好政务公开工作的通知"))
        .policy(with_disclosure(
            2,
            "关于QZXTITLEMARKER事项的通知",
            "QZXBODYMARKER和机密甲乙丙丁戊",
            disclosure,
        ))
        .interpretation(
            Interpretation::new("解读：QZXJIEDUTITLE", "TESTORG/2016-00001")
                .set_str("disclosure", disclosure)
                .body("解读正文QZXJIEDUBODY。"),
        );
    let r = site.build();
    assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
    site
}

const MARKERS: &[&str] = &[
    "QZXTITLEMARKER",
    "QZXBODYMARKER",
    "机密甲乙丙丁戊",
    "QZXJIEDUTITLE",
    "QZXJIEDUBODY",
];

/// The dictionary terms a marker would produce: ASCII words lowercased, Chinese as pairs.
fn marker_terms(m: &str) -> Vec<String> {
    if m.is_ascii() {
        vec![m.to_lowercase()]
    } else {
        let c: Vec<char> = m.chars().collect();
        // 机密 itself may occur in public text: only the pairs of 甲乙丙丁戊.
        c.windows(2).skip(2).map(|w| w.iter().collect()).collect()
    }
}

#[test]
fn non_public_documents_are_in_no_output_file_not_even_the_index() {
    for disclosure in ["依申请公开", "不予公开"] {
        let site = site_with_markers(disclosure);
        assert!(site.exists_out("search-index/meta.json"));
        let docs = documents(&site.out());
        assert_eq!(docs.len(), 1, "only the public policy is indexed: {docs:?}");
        let dict = terms(&site.out());
        assert!(dict.contains("政务"), "the public policy's terms are there");
        for m in MARKERS {
            assert_eq!(
                files_containing(&site.out(), m),
                Vec::<String>::new(),
                "{disclosure} marker {m} leaked"
            );
            for t in marker_terms(m) {
                assert!(
                    !dict.contains(&t),
                    "{disclosure}: term {t} of {m} in the dictionary"
                );
            }
        }
    }
}

#[test]
fn the_same_markers_in_public_documents_are_found_in_the_index() {
    // The control for the test above: the checks do see into the index's binary files.
    let site = site_with_markers("主动公开");
    let dict = terms(&site.out());
    for m in MARKERS {
        for t in marker_terms(m) {
            assert!(dict.contains(&t), "term {t} of {m} not in the dictionary");
        }
        let found = files_containing(&site.out(), m);
        assert!(
            found.iter().any(|f| f.starts_with("search-index/d/")),
            "{m} not in a document shard: {found:?}"
        );
    }
}

#[test]
fn demo_index_holds_every_published_document_page_and_list_item_once() {
    let site = TestSite::demo();
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!site.exists_out("pagefind"), "no Pagefind files any more");
    let meta: serde_json::Value =
        serde_json::from_str(&site.read_out("search-index/meta.json")).unwrap();
    assert_eq!(
        meta["types"],
        serde_json::json!(["政策文件", "政策解读", "清单", "其他"])
    );
    let docs = documents(&site.out());
    let urls: Vec<&str> = docs.iter().map(|d| d[0].as_str()).collect();
    let mut unique = urls.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), urls.len(), "each page once");
    // Facets: each document's (type, year, issuer) from the runs in meta.json.
    let blocks = meta["blocks"].as_array().unwrap();
    let facet = |id: usize| {
        let b = blocks
            .iter()
            .rev()
            .find(|b| b[0].as_u64().unwrap() as usize <= id)
            .unwrap();
        let issuer = b[3].as_i64().unwrap();
        (
            meta["types"][b[1].as_u64().unwrap() as usize]
                .as_str()
                .unwrap()
                .to_string(),
            b[2].as_u64().unwrap(),
            if issuer < 0 {
                String::new()
            } else {
                meta["issuers"][issuer as usize]
                    .as_str()
                    .unwrap()
                    .to_string()
            },
        )
    };
    let by_url = |u: &str| {
        let id = urls
            .iter()
            .position(|x| *x == u)
            .unwrap_or_else(|| panic!("{u} not indexed; have {urls:?}"));
        (&docs[id], facet(id))
    };

    let (jilin, f) = by_url("/policies/2016/jilin-2016/");
    assert_eq!(
        jilin[1],
        "吉林省人民政府办公厅关于印发2016年全省政务公开工作要点的通知"
    );
    assert_eq!(jilin[2], "政策文件");
    assert_eq!(jilin[3], "2016年04月26日");
    assert_eq!(jilin[4], "吉林省人民政府办公厅");
    assert_eq!(jilin[5], "吉政办发〔2016〕24号");
    assert_eq!(f, ("政策文件".into(), 2016, "吉林省人民政府办公厅".into()));
    assert!(jilin[7].contains("预决算"), "{}", jilin[7]);

    let fee = docs
        .iter()
        .position(|d| d[1].starts_with("不动产登记费"))
        .expect("fees item indexed");
    assert!(docs[fee][0].starts_with("/lists/fees-2016/"));
    assert_eq!(docs[fee][2], "清单");
    assert_eq!(docs[fee][4], "信阳市财政局");
    assert_eq!(facet(fee).0, "清单");

    assert_eq!(
        by_url("/interpretations/jilin-2016-tujie/").1 .0,
        "政策解读"
    );
    assert_eq!(by_url("/guide/").1 .0, "其他");
    // Navigation pages are not search results.
    for u in ["/", "/policies/", "/catalog/", "/search/", "/sitemap/"] {
        assert!(!urls.contains(&u), "{u} indexed");
    }
    // Every policy page of the output is in the index.
    for dir in ["policies/2016", "policies/2017"] {
        for e in std::fs::read_dir(site.out().join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if site.exists_out(&format!("{dir}/{name}/index.html")) {
                by_url(&format!("/{dir}/{name}/"));
            }
        }
    }
    // Full-width and half-width forms are one term; Latin words are whole and lowercased.
    let dict = terms(&site.out());
    for t in ["2016", "吉政", "政办", "办发", "预决", "决算", "预", "号"] {
        assert!(dict.contains(t), "{t} not a term");
    }
    assert!(!dict.iter().any(|t| t.contains('〔') || t.contains('２')));
    let search = site.read_out("search/index.html");
    assert!(
        search.contains("<script type=\"module\" src=\"/assets/search."),
        "the search script, under its hashed name"
    );
}

#[test]
fn rebuild_rewrites_only_the_index_files_that_changed() {
    let site = TestSite::new();
    for i in 1..=40 {
        site.write(
            &format!("content/policies/2016/p{i}.md"),
            &policy(i, &format!("关于第{i}项政务公开工作的通知")),
        );
    }
    assert_eq!(site.build().code, 0);
    let index_files = |site: &TestSite| -> Vec<(String, Vec<u8>)> {
        output_files(&site.out())
            .into_iter()
            .filter(|f| f.starts_with("search-index/"))
            .map(|f| {
                let b = std::fs::read(site.out().join(&f)).unwrap();
                (f, b)
            })
            .collect()
    };
    let before = index_files(&site);
    let mtimes = |site: &TestSite| -> Vec<std::time::SystemTime> {
        before
            .iter()
            .map(|(f, _)| {
                std::fs::metadata(site.out().join(f))
                    .unwrap()
                    .modified()
                    .unwrap()
            })
            .collect()
    };
    let t0 = mtimes(&site);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // Unchanged content: no index file is touched.
    assert_eq!(site.build().code, 0);
    assert_eq!(mtimes(&site), t0, "an unchanged rebuild rewrites nothing");
    // One body edit: only the files whose bytes change get a new mtime, and they are few.
    site.write(
        "content/policies/2016/p7.md",
        &policy(7, "关于第7项政务公开工作的通知").replace("的正文。", "的正文，新增鲲鹏条款。"),
    );
    assert_eq!(site.build().code, 0);
    let after = index_files(&site);
    assert_eq!(after.len(), before.len());
    let t1 = mtimes(&site);
    let mut touched = 0;
    for (i, ((f, old), (_, new))) in before.iter().zip(&after).enumerate() {
        if old == new {
            assert_eq!(t0[i], t1[i], "{f}: same bytes, yet rewritten");
        } else {
            touched += 1;
        }
    }
    assert!(touched >= 2, "the edit reached the index");
    assert!(
        touched * 3 < before.len(),
        "{touched} of {} index files rewritten",
        before.len()
    );
    assert!(terms(&site.out()).contains("鲲鹏"));
}

#[test]
fn a_kept_index_is_repaired_when_damaged_and_rebuilt_when_a_document_goes() {
    let site = site_with_markers("主动公开");
    let fresh = |site: &TestSite| {
        let mut files: Vec<(String, Vec<u8>)> = output_files(&site.out())
            .into_iter()
            .filter(|f| f.starts_with("search-index/"))
            .map(|f| {
                let b = std::fs::read(site.out().join(&f)).unwrap();
                (f, b)
            })
            .collect();
        files.sort();
        files
    };
    let before = fresh(&site);
    // A rebuild keeps the index whole; a truncated or hand-edited index file is not trusted.
    std::fs::write(site.out().join("search-index/meta.json"), b"").unwrap();
    let shard = before
        .iter()
        .find(|(f, _)| f.starts_with("search-index/d/"))
        .map(|(f, _)| f.clone())
        .unwrap();
    std::fs::write(site.out().join(&shard), b"edited by hand").unwrap();
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fresh(&site), before, "both damaged files written again");
    // The marked policy turns 依申请公开: the kept index must not keep it findable.
    let hidden = with_disclosure(
        2,
        "关于QZXTITLEMARKER事项的通知",
        "QZXBODYMARKER和机密甲乙丙丁戊",
        "依申请公开",
    );
    site.write(hidden.rel(), &hidden.render());
    site.write(
        "content/removed.toml",
        "[[removed]]\nurl = \"/policies/2016/b/\"\nreason = \"改为依申请公开\"\ndate = 2016-12-01\n",
    );
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    for m in ["QZXTITLEMARKER", "QZXBODYMARKER"] {
        assert_eq!(
            files_containing(&site.out(), m),
            Vec::<String>::new(),
            "{m}"
        );
    }
    site.assert_same_as_fresh_default_build();
}

#[test]
fn an_edit_updates_the_index_to_what_a_fresh_build_makes() {
    let site = TestSite::new();
    let body = |i: u32, text: &str| {
        policy(i, &format!("关于第{i}项政务公开工作的通知")).replace("的正文。", text)
    };
    for i in 1..=60 {
        site.write(
            &format!("content/policies/2016/p{i}.md"),
            &body(i, "的正文。"),
        );
    }
    site.write(
        "content/policies/2016/p7.md",
        &body(7, "的正文，麒麟条款。"),
    );
    assert_eq!(site.build().code, 0);
    assert!(terms(&site.out()).contains("麒麟"));
    let damage = |prefix: &str| {
        let f = output_files(&site.out())
            .into_iter()
            .find(|f| f.starts_with(prefix))
            .unwrap();
        let mut b = std::fs::read(site.out().join(&f)).unwrap();
        b[0] ^= 1;
        std::fs::write(site.out().join(&f), b).unwrap();
    };
    // A document shard of other documents, which the update would keep.
    damage("search-index/d/3.bin");
    // The text is replaced: the old term leaves the index, the new one is found.
    site.write(
        "content/policies/2016/p7.md",
        &body(7, "的正文，鲲鹏条款。"),
    );
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dict = terms(&site.out());
    assert!(dict.contains("鲲鹏") && !dict.contains("麒麟"));
    site.assert_same_as_fresh_default_build();
    // A new document, a document gone and a date changed (which renumbers the others), with
    // a dictionary shard the update would read damaged.
    damage("search-index/t/");
    site.write(
        "content/policies/2016/p61.md",
        &body(61, "的正文，凤凰条款。"),
    );
    std::fs::remove_file(site.path().join("content/policies/2016/p60.md")).unwrap();
    site.write(
        "content/removed.toml",
        "[[removed]]\nurl = \"/policies/2016/p60/\"\nreason = \"已废止\"\ndate = 2016-12-01\n",
    );
    let p3 = body(3, "的正文。").replace("2016-04-26", "2016-05-03");
    site.write("content/policies/2016/p3.md", &p3);
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(terms(&site.out()).contains("凤凰"));
    site.assert_same_as_fresh_default_build();
}

#[test]
fn no_search_flag_builds_without_the_index() {
    let site = TestSite::new().policy(Policy::new(1, "关于做好政务公开工作的通知"));
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.exists_out("search/index.html"));
    assert!(
        !site.exists_out("search-index"),
        "no index with --no-search"
    );
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.exists_out("search-index/meta.json"));
}
