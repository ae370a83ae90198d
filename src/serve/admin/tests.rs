//! Tests of the protocol on a copy of a small site.

use super::*;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    std::fs::create_dir_all(r.join("content/policies/2016")).unwrap();
    std::fs::create_dir_all(r.join("content/pages")).unwrap();
    std::fs::write(
        r.join("site-config.toml"),
        "[site]\ntitle = \"某市人民政府\"\nbase_url = \"https://www.example.gov.cn\"\norg_code = \"X\"\n",
    )
    .unwrap();
    std::fs::write(
        r.join("content/pages/about.md"),
        "+++\ntitle = \"机构职能\"\nslug = \"about\"\n+++\n\n正文。\n",
    )
    .unwrap();
    dir
}

fn call(root: &Path, action: &str, params: Value) -> Answer {
    dispatch(root, &json!({"action": action, "params": params}))
}

#[test]
fn lists_and_reads_entries() {
    let dir = site();
    let r = dir.path();
    let v = call(
        r,
        "entriesByFolder",
        json!({"folder": "content/pages", "extension": "md", "depth": 1}),
    )
    .unwrap();
    assert_eq!(v[0]["file"]["path"], "content/pages/about.md");
    assert!(v[0]["data"].as_str().unwrap().contains("机构职能"));
    let e = call(r, "getEntry", json!({"path": "content/pages/about.md"})).unwrap();
    assert_eq!(e["data"], v[0]["data"]);
    assert_eq!(e["file"]["id"].as_str().unwrap().len(), 64);
    for bad in [
        "site-config.toml",
        "content/../site-config.toml",
        "/etc/passwd",
    ] {
        let err = call(r, "getEntry", json!({"path": bad})).unwrap_err();
        assert_eq!(err.0, StatusCode::FORBIDDEN, "{bad}");
    }
}

#[test]
fn an_unchanged_save_keeps_the_bytes() {
    let dir = site();
    let r = dir.path();
    let path = r.join("content/pages/about.md");
    let before = std::fs::read(&path).unwrap();
    // What the CMS writes back for an entry opened and saved unchanged.
    let raw = "+++\nslug = \"about\"\ntitle = \"机构职能\"\n+++\n正文。";
    let v = call(
        r,
        "persistEntry",
        json!({"entry": {"path": "content/pages/about.md", "raw": raw, "slug": "about"}, "assets": []}),
    )
    .unwrap();
    assert_eq!(v["files"][0]["written"], false);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let changed = raw.replace("机构职能", "机构概况");
    let v = call(
        r,
        "persistEntry",
        json!({"entry": {"path": "content/pages/about.md", "raw": changed, "slug": "about"}, "assets": []}),
    )
    .unwrap();
    assert_eq!(v["files"][0]["written"], true);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "+++\ntitle = \"机构概况\"\nslug = \"about\"\n+++\n\n正文。\n"
    );
}

#[test]
fn a_save_returns_the_diagnostics_of_the_file_with_their_field() {
    let dir = site();
    let r = dir.path();
    let raw = "+++\ntitle = \"关于某事的通知\"\nindex_no = \"Y/2016-00001\"\nissuer = \"某市人民政府\"\npublished = \"2016-04-26\"\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\n+++\n正文。\n";
    let v = call(
        r,
        "persistEntry",
        json!({"entry": {"path": "content/policies/2016/a.md", "raw": raw, "slug": "a"}, "assets": []}),
    )
    .unwrap();
    let written = std::fs::read_to_string(r.join("content/policies/2016/a.md")).unwrap();
    assert!(written.contains("published = 2016-04-26\n"), "{written}");
    let d = v["diagnostics"].as_array().unwrap();
    let prefix = d
        .iter()
        .find(|d| d["code"] == "E-INDEX-NO-PREFIX")
        .expect("E-INDEX-NO-PREFIX");
    assert_eq!(prefix["field"], "index_no");
    assert_eq!(prefix["label"], "索引号");
}

#[test]
fn writes_only_entries_under_content_and_uploads_under_attachments() {
    let dir = site();
    let r = dir.path();
    let config = std::fs::read(r.join("site-config.toml")).unwrap();
    for path in [
        "site-config.toml",
        "themes/default/page.html",
        "content/a.html",
        "content/.a.md",
        "static/a.md",
    ] {
        let err = call(
            r,
            "persistEntry",
            json!({"entry": {"path": path, "raw": "+++\n+++\n", "slug": "a"}, "assets": []}),
        )
        .unwrap_err();
        assert!(err.0.is_client_error(), "{path}");
        if path != "site-config.toml" {
            assert!(!r.join(path).exists(), "{path}");
        }
    }
    let asset =
        json!({"path": "static/attachments/a.pdf", "content": "JVBERg==", "encoding": "base64"});
    let v = call(r, "persistMedia", json!({"asset": asset})).unwrap();
    assert_eq!(v["name"], "a.pdf");
    assert_eq!(
        std::fs::read(r.join("static/attachments/a.pdf")).unwrap(),
        b"%PDF"
    );
    let outside = json!({"path": "static/a.js", "content": "eA==", "encoding": "base64"});
    assert!(call(r, "persistMedia", json!({"asset": outside})).is_err());
    assert!(!r.join("static/a.js").exists());
    let listed = call(r, "getMedia", json!({"mediaFolder": "static/attachments"})).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    call(r, "deleteFile", json!({"path": "static/attachments/a.pdf"})).unwrap();
    assert!(!r.join("static/attachments/a.pdf").exists());
    assert!(call(r, "deleteFile", json!({"path": "site-config.toml"})).is_err());
    assert_eq!(std::fs::read(r.join("site-config.toml")).unwrap(), config);
}

#[test]
fn changes_are_accepted_only_as_json_from_this_origin() {
    let mut h = HeaderMap::new();
    h.insert(header::HOST, "127.0.0.1:8000".parse().unwrap());
    assert!(!request_ok(&h), "no content type");
    h.insert(
        header::CONTENT_TYPE,
        "application/json; charset=utf-8".parse().unwrap(),
    );
    assert!(request_ok(&h));
    h.insert(header::ORIGIN, "http://127.0.0.1:8000".parse().unwrap());
    assert!(request_ok(&h));
    h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    assert!(!request_ok(&h));
    h.insert(header::ORIGIN, "http://127.0.0.1:8000".parse().unwrap());
    h.insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert!(!request_ok(&h));
    let mut t = HeaderMap::new();
    t.insert(header::HOST, "127.0.0.1:8000".parse().unwrap());
    t.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
    assert!(!request_ok(&t));
}
