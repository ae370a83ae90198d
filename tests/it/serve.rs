//! `gongkai serve`: the real binary on an ephemeral port, edited under its feet.
//!
//! Nothing here is timed: every wait polls until the expected state appears, with a generous
//! deadline that only a hang would reach.

use crate::support::http::{Server, DEADLINE};
use crate::support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// What serve says about itself and holds.
trait Status {
    fn status(&self) -> Value;
    fn files(&self) -> BTreeMap<String, String>;
}

impl Status for Server {
    fn status(&self) -> Value {
        serde_json::from_slice(&self.get("/__gongkai/status").body).expect("status JSON")
    }

    /// Every stored file and its digest.
    fn files(&self) -> BTreeMap<String, String> {
        let v: Value =
            serde_json::from_slice(&self.get("/__gongkai/files").body).expect("files JSON");
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["fnv64"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

fn without_search_index(mut files: BTreeMap<String, String>) -> BTreeMap<String, String> {
    files.retain(|k, _| !k.starts_with("search-index/"));
    files
}

fn fnv64(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// A fresh `gongkai build` of `site` into a temporary directory: every file and its digest.
fn full_build(site: &Path) -> BTreeMap<String, String> {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("public");
    let r = gongkai(
        &[
            "build",
            "--root",
            site.to_str().unwrap(),
            "--output",
            dest.to_str().unwrap(),
        ],
        site,
    );
    assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
    output_files(&dest)
        .into_iter()
        // The writer's ownership marker and the manifest describe a build's output; serve
        // keeps no files to list.
        .filter(|f| f != ".gongkai-output" && f != "gongkai.sha256")
        .map(|f| {
            let bytes = std::fs::read(dest.join(&f)).unwrap();
            (f, fnv64(&bytes))
        })
        .collect()
}

fn diff(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
    let mut d = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => d.push(format!("only served: {k}")),
            Some(w) if w != v => d.push(format!("differs: {k}")),
            _ => {}
        }
    }
    d.extend(
        b.keys()
            .filter(|k| !a.contains_key(*k))
            .map(|k| format!("only built: {k}")),
    );
    d
}

/// Waits until what serve holds is exactly what `build` writes for the same tree.
fn assert_equals_build(server: &Server, site: &TestSite, step: &str) {
    let built = full_build(site.path());
    let start = Instant::now();
    loop {
        let served = server.files();
        let d = diff(&served, &built);
        if d.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "after {step}: served output differs from a full build:\n{}\nserve log:\n{}",
            d.join("\n"),
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits for a rebuild after `before` that succeeded.
fn wait_rebuilt(server: &Server, before: u64, step: &str) -> Value {
    let mut last = Value::Null;
    server.wait(step, |s| {
        last = s.status();
        last["rebuild"].as_u64().unwrap_or(0) > before && last["ok"] == true
    });
    last
}

fn rebuilds(server: &Server) -> u64 {
    server.status()["rebuild"].as_u64().unwrap()
}

const JILIN: &str = "content/policies/2016/jilin-2016.md";
const JILIN_URL: &str = "/policies/2016/jilin-2016/";

/// Appends a paragraph.
fn append(site: &TestSite, rel: &str, text: &str) {
    site.append(rel, &format!("\n{text}\n"));
}

/// Saves like an editor does: a temporary file renamed over the original (one event).
fn save_atomically(site: &TestSite, rel: &str, text: &str) {
    let target = site.path().join(rel);
    let tmp = target.with_file_name(format!(
        ".{}.tmp",
        target.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &target).unwrap();
}

fn replace(site: &TestSite, rel: &str, from: &str, to: &str) {
    let old = std::fs::read_to_string(site.path().join(rel)).unwrap();
    assert!(old.contains(from), "{rel} has no {from:?}");
    site.write(rel, &old.replacen(from, to, 1));
}

#[test]
fn an_edit_appears_in_the_served_page_and_only_that_page_is_rebuilt() {
    let site = TestSite::demo();
    let server = Server::start(site.path());
    let page = server.get(JILIN_URL);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(
        page.text().contains("<script src=\"/__gongkai/live.js\""),
        "serve adds the live-reload script"
    );
    assert!(!page.text().contains("新加的一段话"));

    let before = without_search_index(server.files());
    let text = std::fs::read_to_string(site.path().join(JILIN)).unwrap();
    save_atomically(
        &site,
        JILIN,
        &format!("{text}\n新加的一段话：预览应当立即显示。\n"),
    );
    server.wait("the edit to appear", |s| {
        s.get(JILIN_URL).text().contains("新加的一段话")
    });
    // A body edit past the first paragraph changes that page and nothing else (the search
    // index aside), also once the full build that follows the preview is done.
    assert_equals_build(&server, &site, "a body edit");
    let after = without_search_index(server.files());
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(changed, ["policies/2016/jilin-2016/index.html"]);
    assert_eq!(before.len(), after.len());

    // The served page is the built page plus the script, and the script never reaches `build`.
    let built = full_build(site.path());
    let served = server.files();
    assert_eq!(
        served.get("policies/2016/jilin-2016/index.html"),
        built.get("policies/2016/jilin-2016/index.html")
    );
    let out = tempfile::tempdir().unwrap();
    let r = gongkai(
        &[
            "build",
            "--root",
            site.path().to_str().unwrap(),
            "--output",
            out.path().join("p").to_str().unwrap(),
        ],
        site.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in output_files(&out.path().join("p")) {
        let bytes = std::fs::read(out.path().join("p").join(&f)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__gongkai"),
            "{f} has the live-reload script"
        );
    }
    let built_page =
        std::fs::read_to_string(out.path().join("p/policies/2016/jilin-2016/index.html")).unwrap();
    let served_page = server.get(JILIN_URL).text();
    let script = served_page
        .find("<script src=\"/__gongkai/live.js\"")
        .unwrap();
    let end = script + served_page[script..].find("</script>\n").unwrap() + "</script>\n".len();
    assert_eq!(
        format!("{}{}", &served_page[..script], &served_page[end..]),
        built_page
    );

    let js = server.get("/__gongkai/live.js");
    assert_eq!(js.status, 200);
    assert!(js.text().contains("EventSource(\"/__gongkai/events\")"));
}

#[test]
fn a_broken_edit_shows_the_diagnostic_keeps_the_last_good_page_and_the_fix_restores_it() {
    let site = TestSite::demo();
    let server = Server::start(site.path());
    let good = server.get(JILIN_URL).text();

    // Bad TOML in the front matter: a string left open.
    let original = std::fs::read_to_string(site.path().join(JILIN)).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let bad_line = lines.iter().position(|l| l.starts_with("doc_no")).unwrap() + 1;
    replace(&site, JILIN, "24号\"", "24号");
    replace(&site, JILIN, "+++\n\n", "+++\n\n这句话不应出现。\n\n");
    let mut status = Value::Null;
    server.wait("the E-TOML-SYNTAX status", |s| {
        status = s.status();
        status["ok"] == false
            && status["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["path"] == JILIN)
    });
    // Its 解读 lose their policy too; the diagnostic of the edited file names file and line.
    let d = status["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == JILIN)
        .unwrap();
    assert_eq!(d["code"], "E-TOML-SYNTAX", "{status}");
    assert_eq!(d["path"], JILIN);
    assert_eq!(d["line"], bad_line as u64);
    assert!(d["message"].as_str().unwrap().contains("TOML"));
    assert!(
        server.log().contains("error[E-TOML-SYNTAX]"),
        "printed in the terminal too"
    );

    // The server lives and still serves the last good page; the overlay is the script's job.
    let page = server.get(JILIN_URL);
    assert_eq!(page.status, 200);
    assert_eq!(page.text(), good);
    assert!(server
        .get("/__gongkai/live.js")
        .text()
        .contains("内容有错误，页面仍显示上次成功生成的版本"));
    assert!(server
        .get("/__gongkai/live.js")
        .text()
        .contains("alertdialog"));

    // A broken config: still alive, the diagnostic names the config.
    let config = std::fs::read_to_string(site.path().join("site-config.toml")).unwrap();
    site.write("site-config.toml", "[site\ntitle = \"x\"\n");
    server.wait("the config error", |s| {
        let st = s.status();
        st["ok"] == false
            && st["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["path"] == "site-config.toml")
    });
    assert_eq!(server.get(JILIN_URL).text(), good);
    site.write("site-config.toml", &config);

    // A file that is not UTF-8 (saved as GBK): still alive, named in the status.
    site.write_bytes(
        "content/pages/gbk.md",
        b"+++\ntitle = \"\xb9\xab\xbf\xaa\"\n+++\n",
    );
    server.wait("the encoding error", |s| {
        let st = s.status();
        st["ok"] == false
            && st["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == "E-NOT-UTF8")
    });
    site.remove("content/pages/gbk.md");

    // The fix restores the page, with the new text.
    site.write(
        JILIN,
        &original.replacen("+++\n\n", "+++\n\n修好以后的新句子。\n\n", 1),
    );
    server.wait("the fixed page", |s| {
        s.status()["ok"] == true && s.get(JILIN_URL).text().contains("修好以后的新句子")
    });
    assert!(!server.get(JILIN_URL).text().contains("这句话不应出现"));
}

/// A page on another site that points its own name at 127.0.0.1 (DNS rebinding) sends its
/// name in `Host`: the preview answers only its own addresses, so the status (which shows
/// source lines of files that are not public) cannot be read that way.
#[test]
fn only_requests_to_local_addresses_are_answered() {
    let site = TestSite::demo();
    let server = Server::start(site.path());
    let port = server.port;
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(
            server
                .get_with_host("/__gongkai/status", Some(&host))
                .status,
            200,
            "{host}"
        );
    }
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
    ] {
        for path in [
            "/__gongkai/status",
            "/__gongkai/events",
            "/__gongkai/files",
            "/",
            "/policies/",
        ] {
            let r = server.get_with_host(path, Some(&host));
            assert_eq!(r.status, 421, "{host} {path}");
            assert!(!r.text().contains("diagnostics"), "{host} {path}");
        }
    }
    assert_eq!(server.get_with_host("/__gongkai/status", None).status, 400);
}

#[test]
fn requests_cannot_leave_the_site() {
    let site = TestSite::demo();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        site.path().join("site-config.toml"),
        site.path().join("static/leak.toml"),
    )
    .unwrap();
    let server = Server::start(site.path());
    for path in [
        "/../site-config.toml",
        "/%2e%2e/site-config.toml",
        "/%2e%2e/Cargo.toml",
        "/..%2f..%2fetc/passwd",
        "/%2E%2E%2F%2E%2E%2Fsite-config.toml",
        "/policies/..%5c..%5csite-config.toml",
        "/policies/%2e%2e/%2e%2e/site-config.toml",
        "/site-config.toml",
        "/content/policies/2016/jilin-2016.md",
        "/leak.toml",
        "/a%00b",
    ] {
        let r = server.get(path);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        let text = r.text();
        assert!(
            !text.contains("org_code") && !text.contains("root:x:") && !text.contains("[package]"),
            "{path} leaked a file"
        );
    }
    // A missing page is the site's 404 page, with status 404.
    let r = server.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("页面不存在"));
    // A directory without its slash redirects; other types are right.
    let r = server.get("/policies");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location").as_deref(), Some("/policies/"));
    // … to a path on this site, however the request was written (no open redirect).
    for path in ["//policies", "///policies", "//policies?x=1"] {
        let r = server.get(path);
        assert_eq!(r.status, 301, "{path}");
        let to = r.header("location").unwrap();
        assert!(to.starts_with("/policies/"), "{path} → {to}");
    }
    assert_eq!(server.get("//evil.example").status, 404);
    assert_eq!(server.get("/\\evil.example").status, 400);
    assert_eq!(
        server
            .get("/assets/gongkai.css")
            .header("content-type")
            .as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(server.get("/policies/index.html").status, 200);
    assert!(server
        .get("/sitemap.xml")
        .header("content-type")
        .unwrap()
        .ends_with("; charset=utf-8"));
}

#[test]
fn incremental_output_equals_a_full_build() {
    let site = TestSite::demo();
    let server = Server::start(site.path());
    assert_equals_build(&server, &site, "start");

    // Body edit, then a title edit that changes listings, facets, home, feeds and the 解读.
    append(&site, JILIN, "正文末尾增加的一句话。");
    replace(&site, JILIN, "title = \"", "title = \"（修订）");
    // An interpretation edit (its policy page lists it).
    replace(
        &site,
        "content/interpretations/yingkou-2016-wenzi.md",
        "title = \"",
        "title = \"新版",
    );
    let b = rebuilds(&server);
    wait_rebuilt(&server, b, "content edits");
    assert_equals_build(&server, &site, "body, title and 解读 edits");

    // A new policy and a new 解读 linking to it; a document that becomes 主动公开.
    let shaoyang =
        std::fs::read_to_string(site.path().join("content/policies/2017/shaoyang-2017.md"))
            .unwrap();
    site.write(
        "content/policies/2017/new-2017.md",
        &shaoyang.replacen("2017-00156", "2017-09999", 1).replacen(
            "title = \"",
            "title = \"新增文件：",
            1,
        ),
    );
    site.write(
        "content/interpretations/new-2017-wenzi.md",
        "+++\ntitle = \"新增文件的解读\"\ninterprets = [\"11411500005397436X/2017-09999\"]\npublished = 2017-06-23\n+++\n\n解读《[新增文件](../policies/2017/new-2017.md)》。\n",
    );
    replace(
        &site,
        "content/policies/2016/xinyang-2016-pinggu-neibu.md",
        "依申请公开",
        "主动公开",
    );
    let b = rebuilds(&server);
    wait_rebuilt(&server, b, "new files");
    assert_equals_build(&server, &site, "new files");

    // A rename (URL changes), a delete, a new directory with a page.
    std::fs::rename(
        site.path()
            .join("content/interpretations/yingkou-2016-wenzi.md"),
        site.path()
            .join("content/interpretations/yingkou-2016-jiedu.md"),
    )
    .unwrap();
    site.remove("content/interpretations/new-2017-wenzi.md");
    site.remove("content/policies/2017/new-2017.md");
    site.write(
        "content/policies/2018/a.md",
        &shaoyang.replacen("2017-00156", "2018-00001", 1).replacen(
            "published = 2017-",
            "published = 2018-",
            1,
        ),
    );
    site.write("static/extra/notice.txt", "静态文件\n");
    let b = rebuilds(&server);
    wait_rebuilt(&server, b, "rename and delete");
    assert_equals_build(&server, &site, "rename, delete, new directory, static file");

    // A template of the site's own (re-renders everything from the cached model).
    let tpl =
        std::fs::read_to_string(site.path().join("themes/default/templates/404.html")).unwrap();
    site.write(
        "templates/404.html",
        &tpl.replacen("页面不存在", "页面不存在（本站模板）", 1),
    );
    let b = rebuilds(&server);
    wait_rebuilt(&server, b, "template edit");
    assert!(server.get("/nowhere/").text().contains("本站模板"));
    assert_equals_build(&server, &site, "template edit");

    // A config edit rebuilds everything.
    replace(&site, "site-config.toml", "title = \"", "title = \"预览");
    let b = rebuilds(&server);
    wait_rebuilt(&server, b, "config edit");
    assert_equals_build(&server, &site, "config edit");

    // An editor's atomic save: write a temporary file, rename it over the original.
    let text = std::fs::read_to_string(site.path().join(JILIN)).unwrap();
    save_atomically(
        &site,
        JILIN,
        &text.replacen("正文末尾增加的一句话。", "原子保存后的句子。", 1),
    );
    server.wait("the atomic save", |s| {
        s.get(JILIN_URL).text().contains("原子保存后的句子")
    });
    assert_equals_build(&server, &site, "atomic save");
}

/// The engine behind `serve`, driven directly: a title edit is previewed (only the edited
/// document's page, at once) and the full build that follows still updates every listing;
/// an edit other documents can see (发布日期) is not previewed.
#[test]
fn a_title_edit_is_previewed_and_a_linking_edit_waits_for_the_full_build() {
    use crate::support::api::{self, Changes, Engine};
    let site = TestSite::demo();
    let root = site.path().canonicalize().unwrap();
    let opts = api::validate_options();
    let mut engine = Engine::new(root.clone(), opts);
    engine.rebuild(&mut |_| false).unwrap().unwrap();
    let changed = |rel: &str| {
        let abs = root.join(rel);
        let mut ch = Changes::default();
        ch.content.insert(abs.clone());
        ch.paths.insert(abs);
        ch
    };
    let page_of = |u: &api::Update, path: &str| {
        u.put
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
    };

    replace(&site, JILIN, "title = \"吉林省", "title = \"预览标题吉林省");
    let preview = engine
        .apply(&changed(JILIN))
        .unwrap()
        .expect("a title edit is previewed");
    assert!(preview.preview);
    let paths: Vec<&str> = preview.put.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["policies/2016/jilin-2016/index.html"]);
    let html = page_of(&preview, "policies/2016/jilin-2016/index.html").unwrap();
    assert!(
        html.contains("预览标题吉林省"),
        "the preview shows the new title"
    );
    let full = engine.rebuild(&mut |_| false).unwrap().unwrap();
    assert!(!full.preview);
    let home = page_of(&full, "index.html").expect("the home page lists the policy");
    assert!(home.contains("预览标题吉林省"));
    assert_eq!(
        page_of(&full, "policies/2016/jilin-2016/index.html").as_deref(),
        Some(html.as_str()),
        "the preview equals the full build's page"
    );

    // A new 发布日期 moves the policy in every listing (and may change 解读 deadlines).
    replace(
        &site,
        JILIN,
        "published = 2016-04-26",
        "published = 2016-04-27",
    );
    assert!(
        engine.apply(&changed(JILIN)).unwrap().is_none(),
        "an edit of the date needs the full build"
    );
    let full = engine.rebuild(&mut |_| false).unwrap().unwrap();
    let page = page_of(&full, "policies/2016/jilin-2016/index.html").unwrap();
    assert!(page.contains("2016年04月27日"));
}

/// The engine's render goes through the one render loop: a rebuild with nothing changed
/// renders no job and stores nothing; a title edit renders a few jobs and stores their pages.
#[test]
fn a_rebuild_without_changes_renders_and_stores_nothing() {
    use crate::support::api::{self, Changes, Engine};
    let site = TestSite::demo();
    let root = site.path().canonicalize().unwrap();
    let mut engine = Engine::new(root.clone(), api::validate_options());
    let first = engine.rebuild(&mut |_| false).unwrap().unwrap();
    assert_eq!(first.kept, 0);
    assert!(first.rendered > 100, "{} jobs", first.rendered);
    let again = engine.rebuild(&mut |_| false).unwrap().unwrap();
    assert_eq!((again.rendered, again.kept), (0, first.rendered));
    let stored: Vec<&String> = again.put.iter().map(|(p, _)| p).collect();
    assert!(stored.is_empty(), "{stored:?}");
    assert!(again.remove.is_empty(), "{:?}", again.remove);

    replace(&site, JILIN, "title = \"吉林省", "title = \"改过标题吉林省");
    let mut ch = Changes::default();
    ch.content.insert(root.join(JILIN));
    ch.paths.insert(root.join(JILIN));
    let _ = engine.apply(&ch).unwrap();
    let edited = engine.rebuild(&mut |_| false).unwrap().unwrap();
    assert!(
        edited.rendered >= 3 && edited.rendered * 10 < first.rendered,
        "{} of {} jobs",
        edited.rendered,
        first.rendered
    );
    let page = edited
        .put
        .iter()
        .find(|(p, _)| p == "policies/2016/jilin-2016/index.html")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .expect("the edited page is stored");
    assert!(page.contains("改过标题吉林省"));
}

/// The live-reload channel itself: an SSE client (as the page's EventSource) gets `hello`
/// with the current status, then a `status` event when a save breaks the site (not ok, the
/// diagnostic named) and another when the fix lands (ok, the page listed as changed).
#[test]
fn live_reload_events_report_a_broken_save_and_its_fix() {
    let site = TestSite::demo();
    let server = Server::start(site.path());
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        s,
        "GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
        server.port
    )
    .unwrap();
    let mut reader = BufReader::new(s);
    // Reads SSE lines until an event with a data line; returns (event name, data as JSON).
    let mut next_event = || -> (String, Value) {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).expect("read event stream");
            assert!(n > 0, "event stream closed; serve log:\n{}", server.log());
            let line = line.trim_end_matches(['\r', '\n']);
            // Chunk-size lines of the chunked body match nothing here and are passed over.
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim());
            } else if line.is_empty() && !data.is_empty() {
                return (name, serde_json::from_str(&data).expect("status JSON"));
            }
        }
    };
    // Headers first, then the hello event with the current (good) status.
    let (name, hello) = next_event();
    assert_eq!(name, "hello");
    assert_eq!(hello["ok"], true, "{hello}");

    let original = std::fs::read_to_string(site.path().join(JILIN)).unwrap();
    site.write(
        JILIN,
        &original.replacen("title = ", "title = 1\ntitel = ", 1),
    );
    let broken = loop {
        let (name, st) = next_event();
        assert_eq!(name, "status");
        if st["ok"] == false {
            break st;
        }
    };
    assert!(
        broken["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == JILIN),
        "{broken}"
    );
    site.write(
        JILIN,
        &original.replacen("+++\n\n", "+++\n\n修好以后的事件。\n\n", 1),
    );
    let fixed = loop {
        let (_, st) = next_event();
        if st["ok"] == true && !st["preview"].as_bool().unwrap_or(false) {
            break st;
        }
    };
    assert!(
        fixed["diagnostics"].as_array().unwrap().is_empty(),
        "{fixed}"
    );
    assert!(server.get(JILIN_URL).text().contains("修好以后的事件"));
}
