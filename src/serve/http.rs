//! The preview server: the site from memory, at the same URLs as the built site, plus the
//! live-reload endpoints under `/__gongkai/`.
//!
//! A request path is percent-decoded segment by segment and refused (400) when a segment is
//! `.`, `..` or holds `/`, `\` or a control character; the decoded path is only ever a key
//! into the map of rendered files, so nothing outside the built site can be read.

use super::engine::Timings;
use crate::diagnostics::Diagnostic;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use tokio::sync::watch;

/// The client side of live reload and of the error overlay.
pub const LIVE_JS: &str = include_str!("live.js");

/// The rendered site: output path → bytes, exactly as `build` would write them.
#[derive(Default)]
pub struct Store {
    pub files: HashMap<String, Bytes>,
    /// Bumped whenever files change; pages carry the generation they were served at.
    pub generation: u64,
}

/// What the browser is told after every rebuild.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Status {
    /// Bumped after every rebuild, good or bad.
    pub rebuild: u64,
    /// The store's generation (see [`Store::generation`]).
    pub generation: u64,
    /// The last rebuild succeeded.
    pub ok: bool,
    /// Errors of the last rebuild when it failed.
    pub diagnostics: Vec<Diagnostic>,
    pub warnings: usize,
    /// Output paths changed (stored or removed) by the last rebuild.
    pub changed: Vec<String>,
    /// Too many changes to list: every open page reloads.
    pub reload_all: bool,
    /// A preview of an edit (only the edited document's page); the full rebuild follows.
    pub preview: bool,
    pub timings: Timings,
}

pub struct Shared {
    pub store: RwLock<Store>,
    pub status: watch::Sender<Arc<Status>>,
}

impl Shared {
    pub fn new() -> Shared {
        Shared {
            store: RwLock::new(Store::default()),
            status: watch::Sender::new(Arc::new(Status::default())),
        }
    }

    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn write(&self) -> std::sync::RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for Shared {
    fn default() -> Self {
        Shared::new()
    }
}

/// The routes, answering only requests addressed to this machine on `port` (see
/// [`host_ok`]).
pub fn router(shared: Arc<Shared>, port: u16) -> Router {
    Router::new()
        .route("/__gongkai/live.js", get(live_js))
        .route("/__gongkai/status", get(status))
        .route("/__gongkai/events", get(events))
        .route("/__gongkai/files", get(files))
        .merge(super::admin::router())
        .fallback(site)
        .with_state(shared)
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| async move {
                let host = req
                    .headers()
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_string)
                    .or_else(|| req.uri().authority().map(|a| a.to_string()));
                match host {
                    None => plain(StatusCode::BAD_REQUEST, "请求缺少 Host 头\n"),
                    Some(h) if !host_ok(&h, port) => plain(
                        StatusCode::MISDIRECTED_REQUEST,
                        "预览服务只回应发往本机地址的请求（127.0.0.1、localhost、[::1]）\n",
                    ),
                    Some(_) => next.run(req).await,
                }
            },
        ))
}

/// Where a directory requested without its slash redirects: built from the resolved path
/// `rel`, never from the request's own text, so it is always a path on this site (`//x`
/// would send the browser to the host `x`).
pub fn redirect_target(rel: &str, query: Option<&str>) -> String {
    let mut to = format!("/{}/", crate::validate::encode_path(rel.trim_matches('/')));
    if to == "//" {
        to.pop();
    }
    if let Some(q) = query {
        to.push('?');
        to.push_str(q);
    }
    to
}

/// Whether a `Host` header names this server: `localhost` or an IP address (the loopback
/// addresses, or the machine's own when `--bind` opened it to the network), with no port
/// or `port`. Any other name is refused: a page on another site that re-points its own
/// name at 127.0.0.1 (DNS rebinding) must not read the preview, whose status holds source
/// lines of files that are not public.
pub fn host_ok(host: &str, port: u16) -> bool {
    let (name, rest) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, rest)) if addr.parse::<std::net::Ipv6Addr>().is_ok() => (None, rest),
            _ => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, _)) => (Some(name), &host[name.len()..]),
            None => (Some(host), ""),
        },
    };
    let port_ok = match rest.strip_prefix(':') {
        None => rest.is_empty(),
        Some(p) => p.parse::<u16>() == Ok(port) && p.bytes().all(|b| b.is_ascii_digit()),
    };
    let name_ok = name.is_none_or(|n| {
        n.eq_ignore_ascii_case("localhost") || n.parse::<std::net::Ipv4Addr>().is_ok()
    });
    port_ok && name_ok
}

async fn live_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        LIVE_JS,
    )
        .into_response()
}

fn json_response<T: serde::Serialize>(v: &T) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_string(v).unwrap_or_default(),
    )
        .into_response()
}

async fn status(State(sh): State<Arc<Shared>>) -> Response {
    let s = sh.status.borrow().clone();
    json_response(&*s)
}

/// FNV-1a, 64 bits: a stable digest for `/__gongkai/files`.
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Every stored file with its size and FNV-1a digest, for tests and debugging.
async fn files(State(sh): State<Arc<Shared>>) -> Response {
    let store = sh.read();
    let mut list: Vec<(&String, &Bytes)> = store.files.iter().collect();
    list.sort();
    let v: Vec<serde_json::Value> = list
        .into_iter()
        .map(|(p, b)| serde_json::json!({"path": p, "len": b.len(), "fnv64": format!("{:016x}", fnv64(b))}))
        .collect();
    json_response(&serde_json::json!({"generation": store.generation, "files": v}))
}

async fn events(
    State(sh): State<Arc<Shared>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let rx = sh.status.subscribe();
    let stream = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        let name = if first {
            "hello"
        } else {
            rx.changed().await.ok()?;
            "status"
        };
        let s = rx.borrow_and_update().clone();
        let ev = Event::default()
            .event(name)
            .data(serde_json::to_string(&*s).unwrap_or_default());
        Some((Ok(ev), (rx, false)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The output path a request path names, with whether it named a directory; `None` when a
/// segment is unsafe or not UTF-8.
pub fn resolve(raw: &str) -> Option<(String, bool)> {
    let path = raw.strip_prefix('/')?;
    let dir = path.is_empty() || path.ends_with('/');
    let mut segs: Vec<String> = Vec::new();
    for seg in path.split('/') {
        if seg.is_empty() {
            continue;
        }
        let d = percent_encoding::percent_decode_str(seg)
            .decode_utf8()
            .ok()?;
        if d == "." || d == ".." || d.contains(['/', '\\']) || d.chars().any(char::is_control) {
            return None;
        }
        segs.push(d.into_owned());
    }
    let mut rel = segs.join("/");
    if dir {
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str("index.html");
    }
    Some((rel, dir))
}

fn content_type(rel: &str) -> String {
    let mime = mime_guess::from_path(rel).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.essence_str(),
            "application/javascript"
                | "application/json"
                | "application/xml"
                | "application/atom+xml"
                | "application/rss+xml"
                | "image/svg+xml"
        );
    if textual {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

/// Adds the live-reload script before `</body>` (the last one), or at the end.
pub fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let tag =
        format!("<script src=\"/__gongkai/live.js\" data-generation=\"{generation}\"></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn file_response(status: StatusCode, rel: &str, bytes: Bytes, generation: u64) -> Response {
    let ct = content_type(rel);
    let body = if ct.starts_with("text/html") {
        Bytes::from(inject(&bytes, generation))
    } else {
        bytes
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&ct).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// Shown for a missing page when the site has no `404.html` yet (no good build so far).
const NO_SITE: &str = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>页面不存在</title></head>\n<body><h1>页面不存在</h1><p>网站尚未成功生成，请根据提示修改内容。</p></body></html>\n";

async fn site(State(sh): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "只支持 GET 和 HEAD 请求\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Some((rel, dir)) = resolve(uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "请求地址不合法\n");
    };
    let store = sh.read();
    if let Some(b) = store.files.get(&rel) {
        return file_response(StatusCode::OK, &rel, b.clone(), store.generation);
    }
    if !dir && store.files.contains_key(&format!("{rel}/index.html")) {
        let to = redirect_target(&rel, uri.query());
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
        if let Ok(v) = HeaderValue::from_str(&to) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    match store.files.get("404.html") {
        Some(b) => file_response(
            StatusCode::NOT_FOUND,
            "404.html",
            b.clone(),
            store.generation,
        ),
        None => file_response(
            StatusCode::NOT_FOUND,
            "404.html",
            Bytes::from_static(NO_SITE.as_bytes()),
            store.generation,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths_and_refuses_escapes() {
        assert_eq!(resolve("/"), Some(("index.html".into(), true)));
        assert_eq!(
            resolve("/policies/"),
            Some(("policies/index.html".into(), true))
        );
        assert_eq!(resolve("/policies"), Some(("policies".into(), false)));
        assert_eq!(
            resolve("/a/%E5%90%89/"),
            Some(("a/吉/index.html".into(), true))
        );
        for bad in [
            "/../site-config.toml",
            "/%2e%2e/Cargo.toml",
            "/..%2f..%2fetc/passwd",
            "/a/%2E/b",
            "/a%5cb",
            "/a%00b",
            "/%ff",
            "x",
        ] {
            assert_eq!(resolve(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_local_host_names_are_answered() {
        for ok in [
            "127.0.0.1:8000",
            "127.0.0.1",
            "localhost:8000",
            "LOCALHOST:8000",
            "[::1]:8000",
            "[::1]",
            "192.168.1.20:8000",
        ] {
            assert!(host_ok(ok, 8000), "{ok}");
        }
        for bad in [
            "evil.example:8000",
            "evil.example",
            "127.0.0.1.evil.example:8000",
            "localhost.evil.example:8000",
            "127.0.0.1:8001",
            "127.0.0.1:+8000",
            "127.0.0.1:",
            "[::1]:8001",
            "[::1",
            "[evil]:8000",
            "localhost:8000:8000",
            "",
            "127.1:8000",
        ] {
            assert!(!host_ok(bad, 8000), "{bad}");
        }
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", 3);
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains(
            "<p>x</p><script src=\"/__gongkai/live.js\" data-generation=\"3\"></script>\n</BODY>"
        ));
        assert!(String::from_utf8(inject(b"<p>no body</p>", 1))
            .unwrap()
            .ends_with("</script>\n"));
    }

    #[test]
    fn text_types_have_a_charset() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/gongkai.css"),
            "text/css; charset=utf-8"
        );
        assert!(content_type("lists/a.csv").ends_with("; charset=utf-8"));
        assert!(content_type("sitemap.xml").ends_with("; charset=utf-8"));
        assert_eq!(content_type("a.png"), "image/png");
    }
}
