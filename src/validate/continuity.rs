//! Reads what keeps old URLs working: `aliases` of documents and ledgers, and the withdrawn
//! URLs of `content/removed.toml`, each checked into an output path.

use crate::diagnostics::{Code, Diagnostic};
use crate::model::continuity::{Removed, RemovedStatus, PAGE_EXT, STATUSES};
use crate::paths::is_safe_segment;
use crate::routes::url_to_path;
use crate::source::fields::{find_key, Fields};
use crate::source::RawData;
use crate::tomlpos::array_regions;
use std::collections::BTreeMap;

/// Checks an old URL (of `aliases` or `removed.toml`) and gives its output path.
pub fn old_url_path(url: &str) -> Result<String, String> {
    if !url.starts_with('/') || url.starts_with("//") {
        return Err(format!("旧网址应以 / 开头，写作站内路径：{url}"));
    }
    if url.contains(['?', '#', '\\']) || url.chars().any(|c| c.is_control() || c == ' ') {
        return Err(format!("旧网址不能包含 ?、#、\\、空格或控制字符：{url}"));
    }
    let decoded = percent_encoding::percent_decode_str(url)
        .decode_utf8()
        .map_err(|_| format!("旧网址的 % 编码不是 UTF-8：{url}"))?;
    let inner = decoded.trim_start_matches('/');
    if inner.is_empty() {
        return Err("首页 / 不能作为旧网址".into());
    }
    let segs: Vec<&str> = inner.trim_end_matches('/').split('/').collect();
    if segs.iter().any(|s| !is_safe_segment(s) || s.contains('%')) {
        return Err(format!("旧网址的路径不安全：{url}"));
    }
    if !(url.ends_with('/') || PAGE_EXT.iter().any(|e| url.ends_with(e))) {
        return Err(format!("旧网址应以 / 或 .html、.htm、.shtml 结尾：{url}"));
    }
    let path = url_to_path(url);
    crate::output::check_rel(&path).map_err(|_| format!("旧网址的路径不安全：{url}"))?;
    Ok(path)
}

/// Reads the `aliases` key of a front matter or `[list]` table: the valid old URLs (each
/// problem is reported at the key).
pub fn read_aliases(f: &mut Fields) -> Vec<String> {
    let mut out = Vec::new();
    for a in f.string_list("aliases", false).unwrap_or_default() {
        match old_url_path(&a) {
            Ok(_) => out.push(a),
            Err(msg) => f.error(
                Code::AliasInvalid,
                "aliases",
                msg,
                Some("写作 aliases = [\"/policies/2016/old-slug/\"]（站内旧网址，以 / 或 .html 结尾）".into()),
            ),
        }
    }
    out
}

/// Reads `content/removed.toml`: every entry, and every problem with `path:line:col`.
pub fn parse_removed(raw: &RawData) -> (Vec<Removed>, Vec<Diagnostic>) {
    let path = raw.file.path.as_str();
    let text: &str = &raw.file.text;
    let mut diags = Vec::new();
    let mut out: Vec<Removed> = Vec::new();
    for key in raw.table.keys() {
        if key != "removed" {
            diags.push(
                Diagnostic::new(Code::UnknownKey, format!("未知字段 `{key}`"))
                    .at(path, text, find_key(text, 0..text.len(), key).unwrap_or(0))
                    .with_hint("removed.toml 只有 [[removed]] 表，每项写 url、reason、date"),
            );
        }
    }
    let entries: Vec<&toml::Table> = match raw.table.get("removed") {
        None => Vec::new(),
        Some(toml::Value::Array(a)) if a.iter().all(|v| v.is_table()) => {
            a.iter().filter_map(|v| v.as_table()).collect()
        }
        Some(_) => {
            diags.push(
                Diagnostic::new(Code::WrongType, "removed 应为 [[removed]] 表数组")
                    .at(path, text, 0)
                    .with_hint("每个停止公开的网址写一个 [[removed]] 表"),
            );
            Vec::new()
        }
    };
    let regions = array_regions(text, "removed");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, t) in entries.iter().enumerate() {
        let region = regions.get(i).cloned().unwrap_or(0..text.len());
        let start = region.start;
        let mut f = Fields::new(path, text, region, t).with_label(format!("第 {} 项", i + 1));
        let url = f.string("url", true);
        let reason = f.string("reason", true);
        let date = f.date("date", true);
        let status = f
            .one_of("status", false, STATUSES)
            .and_then(|s| RemovedStatus::parse(&s))
            .unwrap_or_default();
        let checked = url.as_ref().and_then(|u| match old_url_path(u) {
            Ok(p) => Some(p),
            Err(msg) => {
                f.error(
                    Code::RemovedInvalid,
                    "url",
                    msg,
                    Some("写作 url = \"/policies/2016/old-slug/\"".into()),
                );
                None
            }
        });
        if let Some(p) = &checked {
            if let Some(first) = seen.insert(p.clone(), i + 1) {
                f.error(
                    Code::RemovedInvalid,
                    "url",
                    format!("网址与第 {first} 项重复：{}", url.as_deref().unwrap_or("")),
                    None,
                );
            }
        }
        diags.extend(f.finish(&["url", "reason", "date", "status"]));
        if let (Some(url), Some(path), Some(reason), Some(date)) = (url, checked, reason, date) {
            out.push(Removed {
                url,
                path,
                reason,
                date,
                status,
                offset: start,
            });
        }
    }
    (out, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_urls() {
        assert_eq!(
            old_url_path("/policies/2016/old/").unwrap(),
            "policies/2016/old/index.html"
        );
        assert_eq!(
            old_url_path("/art/2016/5/art_12.html").unwrap(),
            "art/2016/5/art_12.html"
        );
        assert_eq!(old_url_path("/%E5%90%89/").unwrap(), "吉/index.html");
        for bad in [
            "policies/x/",
            "//evil.com/x/",
            "/a/../../etc/",
            "/a/b",
            "/a/?id=1",
            "/",
            "/a/%2e%2e/b/",
            "/a/%2F/b/",
        ] {
            assert!(old_url_path(bad).is_err(), "{bad}");
        }
    }
}
