//! The browser editor at `/admin/`: the bundled Decap CMS, its configuration from gongkai's
//! schemas, and the CMS's local-backend protocol answered by `serve` itself.
//!
//! ```text
//!  /admin/               index.html (the CMS page, Chinese interface)
//!  /admin/decap-cms.js   the bundled CMS (gzip, from the binary)
//!  /admin/config.yml     collections generated from the schemas (see [`config`])
//!  /admin/api/v1         POST {action, params}: the decap-server `local_fs` protocol
//! ```
//!
//! Every path the browser sends goes through [`paths`] (the build's rules: entries under
//! `content/`, uploads under `static/attachments/`, no `..`, hidden file or link); a saved
//! entry goes through [`save`] (byte-stable when unchanged, the content format otherwise)
//! and is then checked, its diagnostics returned with the key they concern. The watcher
//! sees the written file and the preview rebuilds as for any edit.

pub mod config;
pub mod paths;
pub mod save;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use paths::{Area, Refusal};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const INDEX_HTML: &str = include_str!("index.html");
const DECAP_JS_GZ: &[u8] = include_bytes!("assets/decap-cms.js.gz");

static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Tells the editor which site it edits (the canonical site root); `serve` calls it once.
pub fn set_root(root: &Path) {
    let _ = ROOT.set(root.to_path_buf());
}

/// The editor's routes, for `http::router` (under its Host check).
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/admin", get(redirect))
        .route("/admin/", get(index))
        .route("/admin/index.html", get(index))
        .route("/admin/decap-cms.js", get(decap_js))
        .route("/admin/config.yml", get(config_yml))
        .route("/admin/api/v1", post(api))
}

async fn redirect() -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, "/admin/")],
    )
        .into_response()
}

async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        INDEX_HTML,
    )
        .into_response()
}

async fn decap_js(headers: HeaderMap) -> Response {
    let gzip_ok = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let ct = (header::CONTENT_TYPE, "text/javascript; charset=utf-8");
    let cache = (header::CACHE_CONTROL, "no-cache");
    if gzip_ok {
        return ([ct, cache, (header::CONTENT_ENCODING, "gzip")], DECAP_JS_GZ).into_response();
    }
    let mut out = Vec::new();
    let mut d = flate2::read::GzDecoder::new(DECAP_JS_GZ);
    match std::io::Read::read_to_end(&mut d, &mut out) {
        Ok(_) => ([ct, cache], out).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn root() -> Option<&'static Path> {
    ROOT.get().map(PathBuf::as_path)
}

async fn config_yml() -> Response {
    let Some(root) = root() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let root = root.to_path_buf();
    let cfg = tokio::task::spawn_blocking(move || config::generate(&root))
        .await
        .unwrap_or_else(|_| json!({}));
    // JSON is YAML: the CMS reads the file with a YAML parser.
    (
        [
            (header::CONTENT_TYPE, "text/yaml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_string_pretty(&cfg).unwrap_or_default(),
    )
        .into_response()
}

/// An answer of the protocol: JSON, or `{error}` with a status.
fn reply(status: StatusCode, v: &Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        v.to_string(),
    )
        .into_response()
}

fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    reply(status, &json!({ "error": message.to_string() }))
}

/// Whether a request may change files: sent as JSON (a plain form or `text/plain` POST from
/// another site cannot set that type without a CORS preflight, which is never answered),
/// and, when the browser names its origin, from this server's own.
pub fn request_ok(headers: &HeaderMap) -> bool {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_ok = match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => true,
        Some(Ok(origin)) => {
            let authority = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            authority.is_some() && authority == host
        }
        Some(Err(_)) => false,
    };
    let site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("same-origin");
    json && origin_ok && matches!(site, "same-origin" | "none")
}

async fn api(headers: HeaderMap, body: Bytes) -> Response {
    if !request_ok(&headers) {
        return error(
            StatusCode::FORBIDDEN,
            "编辑接口只接受本机编辑页面发出的 JSON 请求",
        );
    }
    let Some(root) = root() else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "编辑服务尚未就绪");
    };
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("请求不是合法的 JSON：{e}")),
    };
    let root = root.to_path_buf();
    match tokio::task::spawn_blocking(move || dispatch(&root, &req)).await {
        Ok(Ok(v)) => reply(StatusCode::OK, &v),
        Ok(Err((status, msg))) => error(status, msg),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "编辑服务内部错误"),
    }
}

type Answer = Result<Value, (StatusCode, String)>;

fn refused(r: Refusal) -> (StatusCode, String) {
    (StatusCode::FORBIDDEN, r.to_string())
}

fn bad(msg: impl Into<String>) -> (StatusCode, String) {
    (StatusCode::UNPROCESSABLE_ENTITY, msg.into())
}

fn str_param<'a>(params: &'a Value, key: &str) -> Result<&'a str, (StatusCode, String)> {
    params
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("缺少参数 {key}")))
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// One entry as the protocol returns it (`data: null` when it cannot be read).
fn entry(root: &Path, rel: &str) -> Value {
    let text = paths::resolve(root, rel, Area::Content, false)
        .ok()
        .and_then(|abs| std::fs::read(abs).ok());
    match text {
        Some(bytes) => json!({
            "data": String::from_utf8_lossy(&bytes),
            "file": { "path": rel, "id": sha256_hex(&bytes) },
        }),
        None => json!({ "data": null, "file": { "path": rel, "id": null } }),
    }
}

fn media_file(root: &Path, rel: &str) -> Answer {
    let abs = paths::resolve(root, rel, Area::Media, false).map_err(refused)?;
    let bytes = std::fs::read(&abs).map_err(|e| bad(format!("无法读取 {rel}：{e}")))?;
    Ok(json!({
        "id": sha256_hex(&bytes),
        "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
        "encoding": "base64",
        "path": rel,
        "name": rel.rsplit('/').next().unwrap_or(rel),
    }))
}

/// Writes `bytes` to `abs`, creating its folder; a temporary file renamed into place, so
/// the watcher never reads half a file.
fn write_file(abs: &Path, bytes: &[u8]) -> Result<(), (StatusCode, String)> {
    let fail = |e: std::io::Error| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("写入 {} 失败：{e}", abs.display()),
        )
    };
    let dir = abs.parent().ok_or_else(|| bad("路径没有所在目录"))?;
    std::fs::create_dir_all(dir).map_err(fail)?;
    let name = abs.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.gongkai-tmp"));
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, abs).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

fn decode_asset(asset: &Value) -> Result<(String, Vec<u8>), (StatusCode, String)> {
    let path = str_param(asset, "path")?.to_string();
    let content = str_param(asset, "content")?;
    if asset.get("encoding").and_then(Value::as_str) != Some("base64") {
        return Err(bad("附件内容须以 base64 编码"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content)
        .map_err(|e| bad(format!("附件内容不是合法的 base64：{e}")))?;
    Ok((path, bytes))
}

/// Saves one data file of an entry; returns whether it was written.
fn persist_data_file(root: &Path, file: &Value) -> Result<(String, bool), (StatusCode, String)> {
    let rel = str_param(file, "path")?;
    let raw = str_param(file, "raw")?;
    let abs = paths::resolve(root, rel, Area::Content, false).map_err(refused)?;
    let existing = std::fs::read_to_string(&abs).ok();
    let out = save::prepare(rel, raw, existing.as_deref()).map_err(|e| bad(e.to_string()))?;
    if let Some(text) = &out {
        write_file(&abs, text.as_bytes())?;
    }
    Ok((rel.to_string(), out.is_some()))
}

/// The diagnostics of `rel` after a save, each with the key it concerns.
fn diagnostics_of(root: &Path, rel: &str) -> Vec<Value> {
    let opts = crate::validate::Options::from_env();
    let diags = match crate::check(root, &opts) {
        Ok((_, d)) => d,
        Err(crate::Error::Content(d)) => d,
        Err(e) => {
            return vec![json!({"code": "E-IO", "severity": "error", "message": e.to_string()})]
        }
    };
    let text = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
    diags
        .iter()
        .filter(|d| d.path == rel)
        .map(|d| {
            let field = config::field_at_line(&text, d.line);
            json!({
                "code": d.code,
                "severity": if d.is_error() { "error" } else { "warning" },
                "message": d.message,
                "hint": d.hint,
                "line": d.line,
                "col": d.col,
                "field": field,
                "label": field.as_deref().and_then(config::label),
            })
        })
        .collect()
}

/// Answers one `{action, params}` request of the decap-server `local_fs` protocol.
pub fn dispatch(root: &Path, req: &Value) -> Answer {
    let action = req.get("action").and_then(Value::as_str).unwrap_or("");
    let params = req.get("params").cloned().unwrap_or(Value::Null);
    match action {
        "info" => Ok(json!({
            "repo": root.file_name().and_then(|n| n.to_str()).unwrap_or("site"),
            "publish_modes": ["simple"],
            "type": "local_fs",
        })),
        "entriesByFolder" => {
            let folder = str_param(&params, "folder")?;
            let ext = params
                .get("extension")
                .and_then(Value::as_str)
                .unwrap_or("");
            let depth = params.get("depth").and_then(Value::as_u64).unwrap_or(1);
            let ext = if ext.is_empty() || ext.starts_with('.') {
                ext.to_string()
            } else {
                format!(".{ext}")
            };
            let folder = folder.trim_end_matches('/');
            paths::resolve(root, folder, Area::Content, true).map_err(refused)?;
            let files = paths::list(root, folder, &ext, depth.min(8) as usize, Area::Content);
            Ok(Value::Array(files.iter().map(|f| entry(root, f)).collect()))
        }
        "entriesByFiles" => {
            let files = params
                .get("files")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut out = Vec::new();
            for f in &files {
                let rel = str_param(f, "path")?;
                paths::resolve(root, rel, Area::Content, false).map_err(refused)?;
                let mut e = entry(root, rel);
                if let Some(label) = f.get("label") {
                    e["file"]["label"] = label.clone();
                }
                out.push(e);
            }
            Ok(Value::Array(out))
        }
        "getEntry" => {
            let rel = str_param(&params, "path")?;
            paths::resolve(root, rel, Area::Content, false).map_err(refused)?;
            Ok(entry(root, rel))
        }
        "persistEntry" => {
            let files: Vec<Value> = match params.get("dataFiles").and_then(Value::as_array) {
                Some(a) => a.clone(),
                None => params.get("entry").cloned().into_iter().collect(),
            };
            if files.is_empty() {
                return Err(bad("没有要保存的内容"));
            }
            // Uploads first: a refused one must not leave the entry pointing at nothing.
            let assets = params
                .get("assets")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut decoded = Vec::new();
            for a in &assets {
                let (rel, bytes) = decode_asset(a)?;
                let abs = paths::resolve(root, &rel, Area::Media, false).map_err(refused)?;
                decoded.push((abs, bytes));
            }
            for f in &files {
                if f.get("newPath").and_then(Value::as_str).is_some() {
                    return Err(bad("编辑界面不支持移动或改名文件"));
                }
                let rel = str_param(f, "path")?;
                let raw = str_param(f, "raw")?;
                let kind = save::FileKind::of(rel)
                    .ok_or_else(|| bad(save::SaveError::Kind(rel.to_string()).to_string()))?;
                save::parse(kind, raw).map_err(|e| bad(e.to_string()))?;
            }
            for (abs, bytes) in &decoded {
                write_file(abs, bytes)?;
            }
            let mut saved = Vec::new();
            let mut diagnostics = Vec::new();
            for f in &files {
                let (rel, written) = persist_data_file(root, f)?;
                diagnostics.extend(diagnostics_of(root, &rel));
                saved.push(json!({ "path": rel, "written": written }));
            }
            Ok(json!({
                "message": "entry persisted",
                "files": saved,
                "diagnostics": diagnostics,
            }))
        }
        "getMedia" => {
            let folder = str_param(&params, "mediaFolder")?.trim_end_matches('/');
            match paths::resolve(root, folder, Area::Media, true) {
                Ok(_) => {}
                // The CMS also asks for media beside the entries (a collection's folder):
                // uploads are only ever kept in the media folder, so there are none.
                Err(Refusal::Outside(_)) => return Ok(json!([])),
                Err(r) => return Err(refused(r)),
            }
            let files = paths::list(root, folder, "", 1, Area::Media);
            files
                .iter()
                .map(|f| media_file(root, f))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        "getMediaFile" => media_file(root, str_param(&params, "path")?),
        "persistMedia" => {
            let asset = params.get("asset").ok_or_else(|| bad("缺少参数 asset"))?;
            let (rel, bytes) = decode_asset(asset)?;
            let abs = paths::resolve(root, &rel, Area::Media, false).map_err(refused)?;
            write_file(&abs, &bytes)?;
            media_file(root, &rel)
        }
        "deleteFile" | "deleteFiles" => {
            let list: Vec<String> = if action == "deleteFile" {
                vec![str_param(&params, "path")?.to_string()]
            } else {
                params
                    .get("paths")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|p| p.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let mut abs = Vec::new();
            for rel in &list {
                abs.push(paths::resolve(root, rel, Area::Any, false).map_err(refused)?);
            }
            for a in &abs {
                if a.is_file() {
                    std::fs::remove_file(a).map_err(|e| {
                        (StatusCode::INTERNAL_SERVER_ERROR, format!("删除失败：{e}"))
                    })?;
                }
            }
            Ok(json!({ "message": format!("deleted files {}", list.join(", ")) }))
        }
        "getDeployPreview" => Ok(Value::Null),
        other => Err(bad(format!("不支持的操作：{other}"))),
    }
}

#[cfg(test)]
mod tests;
