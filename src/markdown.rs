//! Markdown to HTML: tables, footnotes, strikethrough, heading anchors, a table of contents,
//! links between content files resolved to URLs, and raw HTML sanitized.

use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Body, TocEntry};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Published documents by path relative to `content/` → URL.
pub type DocUrls = foldhash::HashMap<String, String>;

/// What links may point to.
pub struct Links<'a> {
    /// Published documents by path relative to `content/` (e.g. `policies/2016/a.md`) → URL.
    pub docs: &'a DocUrls,
    /// Non-source files under `content/`, by path relative to `content/`.
    pub assets: &'a BTreeMap<String, PathBuf>,
    /// Hosts whose media (`<video>`, `<audio>`, remote images) survive sanitizing.
    pub media_hosts: &'a [String],
}

/// The result of rendering one document body.
#[derive(Debug, Default)]
pub struct Rendered {
    pub body: std::sync::Arc<Body>,
    /// Assets the body uses (paths relative to `content/`); they are copied to the output.
    pub assets: BTreeSet<String>,
    /// Site-absolute links (`/guide/`), with their byte offsets, checked once every URL is known.
    pub absolute_links: Vec<(String, usize)>,
    pub diags: Vec<Diagnostic>,
}

/// Documents with at least this many headings get a table of contents.
const TOC_MIN_HEADINGS: usize = 3;

/// Renders the body of `text` (the whole file) lying in `body`, for the file `path`
/// (relative to the site root) located at `dir` inside `content/`.
pub fn render(
    path: &str,
    text: &str,
    body: std::ops::Range<usize>,
    dir: &str,
    links: &Links,
) -> Rendered {
    let mut out = Rendered::default();
    let mut toc: Vec<TocEntry> = Vec::new();
    let src = &text[body.clone()];
    let opts = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<(Event, usize)> = Parser::new_ext(src, opts)
        .into_offset_iter()
        .map(|(e, r)| (e, body.start + r.start))
        .collect();

    let mut raw_html = false;
    let mut first_html: Option<usize> = None;
    let mut ids = Ids::default();
    let mut first_paragraph: Option<String> = None;
    let mut in_first_para = false;
    let mut plain_len = 0usize;
    let mut i = 0;
    while i < events.len() {
        let offset = events[i].1;
        if let Event::Start(Tag::Heading { level, .. }) = &events[i].0 {
            let level = *level;
            let title = inner_text(&events[i + 1..], |e| {
                matches!(e, Event::End(TagEnd::Heading(_)))
            });
            let slug = unique_id(&slugify(&title), &mut ids);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                *id = Some(CowStr::from(slug.clone()));
            }
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                toc.push(TocEntry {
                    level: if level == HeadingLevel::H2 { 2 } else { 3 },
                    id: slug,
                    title,
                });
            }
            i += 1;
            continue;
        }
        let image_alt = if matches!(events[i].0, Event::Start(Tag::Image { .. })) {
            Some(inner_text(&events[i + 1..], |e| {
                matches!(e, Event::End(TagEnd::Image))
            }))
        } else {
            None
        };
        match &mut events[i].0 {
            Event::Start(Tag::Paragraph) if first_paragraph.is_none() => {
                in_first_para = true;
                first_paragraph = Some(String::new());
            }
            Event::End(TagEnd::Paragraph) => in_first_para = false,
            Event::Text(t) | Event::Code(t) => {
                plain_len += t.chars().count();
                if in_first_para {
                    if let Some(p) = first_paragraph.as_mut() {
                        p.push_str(t);
                    }
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                raw_html = true;
                first_html.get_or_insert(offset);
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let resolved = resolve(path, text, offset, dir, dest_url, links, &mut out, false);
                *dest_url = CowStr::from(resolved);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let resolved = resolve(path, text, offset, dir, dest_url, links, &mut out, true);
                *dest_url = CowStr::from(resolved);
                if image_alt.as_deref().unwrap_or("").trim().is_empty() {
                    out.diags.push(
                        Diagnostic::new(Code::ImageAlt, "图片缺少替代文本（alt）")
                            .at(path, text, offset)
                            .with_hint("写作 ![图片内容的文字说明](图片文件)，供读屏软件朗读"),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }

    let mut html = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
    let depth = if raw_html { nesting_depth(&html) } else { 0 };
    if depth > MAX_HTML_DEPTH {
        // The HTML parser behind sanitizing is quadratic in the nesting depth (100,000 nested
        // <div>s took 22 s); no real document nests this deep, so it is refused unparsed.
        out.diags.push(
            Diagnostic::new(
                Code::HtmlTooDeep,
                format!("HTML 标签嵌套过深（{depth} 层，最多 {MAX_HTML_DEPTH} 层）"),
            )
            .at(path, text, first_html.unwrap_or(body.start))
            .with_hint("检查是否有未闭合的标签，或改用 Markdown 书写"),
        );
        html.clear();
    } else if raw_html {
        html = sanitize(&html, links.media_hosts);
        if html_has_img_without_alt(&html) {
            out.diags.push(
                Diagnostic::new(Code::ImageAlt, "HTML 图片缺少替代文本（alt）")
                    .in_file(path)
                    .with_hint("为 <img> 加上 alt=\"图片内容的文字说明\""),
            );
        }
    }
    if toc.len() < TOC_MIN_HEADINGS {
        toc.clear();
    }
    let sig = xxhash_rust::xxh3::xxh3_64(html.as_bytes());
    out.body = std::sync::Arc::new(Body {
        html: crate::model::Html::new(html, sig),
        toc,
        first_paragraph: first_paragraph.unwrap_or_default().trim().to_string(),
        plain_len,
    });
    out
}

/// Raw HTML nested deeper than this is refused (see [`nesting_depth`]).
pub const MAX_HTML_DEPTH: usize = 256;

/// The deepest nesting of elements in `html`, counted cheaply without building a tree:
/// void elements, self-closing tags, comments and elements whose end tag may be left out
/// (`<p>`, `<li>`, `<td>` …) do not count, so it never overstates what a parser would nest.
pub fn nesting_depth(html: &str) -> usize {
    const UNCOUNTED: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
        "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "rtc",
    ];
    let b = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if b[i..].starts_with(b"<!--") {
            i = html[i..].find("-->").map_or(b.len(), |j| i + j + 3);
            continue;
        }
        let closing = b.get(i + 1) == Some(&b'/');
        let start = i + 1 + usize::from(closing);
        let mut j = start;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if j == start || !b[start].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let name = html[start..j].to_ascii_lowercase();
        let end = html[j..].find('>').map_or(b.len(), |k| j + k);
        if !UNCOUNTED.contains(&name.as_str()) {
            if closing {
                depth = depth.saturating_sub(1);
            } else if !(end > j && b[end - 1] == b'/') {
                depth += 1;
                max = max.max(depth);
            }
        }
        i = end;
    }
    max
}

fn html_has_img_without_alt(html: &str) -> bool {
    let mut rest = html;
    while let Some(i) = rest.find("<img") {
        let tag_end = rest[i..].find('>').map(|j| i + j).unwrap_or(rest.len());
        let tag = &rest[i..tag_end];
        if !tag.contains("alt=\"") || tag.contains("alt=\"\"") {
            return true;
        }
        rest = &rest[tag_end..];
    }
    false
}

/// Plain text inside the events up to the first one matching `end`.
fn inner_text(events: &[(Event, usize)], end: impl Fn(&Event) -> bool) -> String {
    let mut s = String::new();
    for (e, _) in events {
        if end(e) {
            break;
        }
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s.trim().to_string()
}

/// A heading anchor: letters and digits (Chinese included) kept, the rest folded to `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// Heading ids given so far, and for each base the next number to try: linear in the number
/// of headings, however many share a title.
#[derive(Default)]
struct Ids {
    taken: foldhash::HashSet<String>,
    next: foldhash::HashMap<String, usize>,
}

fn unique_id(base: &str, ids: &mut Ids) -> String {
    if ids.taken.insert(base.to_string()) {
        return base.to_string();
    }
    let n = ids.next.entry(base.to_string()).or_insert(2);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if ids.taken.insert(id.clone()) {
            return id;
        }
    }
}

const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "ftp"];

/// The scheme of a URL, if it has one (`javascript:…` → `javascript`).
fn scheme(url: &str) -> Option<String> {
    let end = url.find([':', '/', '?', '#'])?;
    if url[end..].starts_with(':') && end > 0 {
        Some(url[..end].trim().to_ascii_lowercase())
    } else {
        None
    }
}

/// Joins a relative path to a directory inside `content/`, resolving `.` and `..`; `None` when
/// it climbs out of `content/`.
pub fn join_rel(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[allow(clippy::too_many_arguments)]
fn resolve(
    path: &str,
    text: &str,
    offset: usize,
    dir: &str,
    dest: &str,
    links: &Links,
    out: &mut Rendered,
    image: bool,
) -> String {
    let dest = dest.trim();
    if image && !dest.is_empty() && !media_allowed(dest, links.media_hosts) {
        out.diags.push(
            Diagnostic::new(
                Code::MediaHost,
                format!("已移除来自其他网站的图片：{dest}"),
            )
            .at(path, text, offset)
            .with_hint("图片放在文件旁边或 static/ 下；确需引用的外部地址，请把其域名加入 site-config.toml 的 [check] media_hosts"),
        );
        return "#".into();
    }
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with("//") {
        return dest.to_string();
    }
    if let Some(s) = scheme(dest) {
        if SAFE_SCHEMES.contains(&s.as_str()) {
            return dest.to_string();
        }
        out.diags.push(
            Diagnostic::new(Code::UnsafeUrl, format!("已移除不安全的链接：{dest}"))
                .at(path, text, offset)
                .with_hint("只允许 http、https、mailto、tel 链接"),
        );
        return "#".into();
    }
    if dest.starts_with('/') {
        out.absolute_links.push((dest.to_string(), offset));
        return dest.to_string();
    }
    let (path_part, suffix) = match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let decoded = percent_encoding::percent_decode_str(path_part).decode_utf8_lossy();
    let target = join_rel(dir, &decoded);
    let broken = |out: &mut Rendered, what: &str| {
        out.diags.push(
            Diagnostic::new(Code::BrokenLink, format!("{what}不存在或未公开：{dest}"))
                .at(path, text, offset)
                .with_hint("链接写作相对于本文件的路径，例如 [见](../2016/jilin.md)；目标须为主动公开的文件"),
        );
    };
    match target {
        Some(t) if t.ends_with(".md") => match links.docs.get(&t) {
            Some(url) => format!("{url}{suffix}"),
            None => {
                broken(out, "链接的文件");
                "#".into()
            }
        },
        Some(t) if links.assets.contains_key(&t) => {
            out.assets.insert(t.clone());
            let encoded: String = t
                .split('/')
                .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
                .collect::<Vec<_>>()
                .join("/");
            format!("/{encoded}{suffix}")
        }
        _ => {
            broken(out, if image { "图片" } else { "链接的文件" });
            "#".into()
        }
    }
}

/// Characters escaped in a URL path segment.
pub const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The host a browser would load `url` from when a page of this site names it, or `None`
/// for this site itself. The URL is parsed as browsers parse it (WHATWG): leading blanks,
/// tabs and line breaks dropped, `\` read as `/`, `//host` relative to the page's scheme.
pub fn foreign_host(url: &str) -> Option<String> {
    const SELF: &str = "https://gongkai.invalid/a/b/";
    let base = url::Url::parse(SELF).ok()?;
    match base.join(url) {
        Ok(u) if u.host_str() == Some("gongkai.invalid") && u.scheme() == "https" => None,
        Ok(u) => Some(u.host_str().unwrap_or("").to_ascii_lowercase()),
        // Unparseable: no browser loads it, but it is not ours either.
        Err(_) => Some(String::new()),
    }
}

/// Media (`src`, `poster`) may come from this site or from a host in `media_hosts`.
pub fn media_allowed(url: &str, hosts: &[String]) -> bool {
    match foreign_host(url) {
        None => true,
        Some(h) => !h.is_empty() && hosts.iter().any(|a| a.eq_ignore_ascii_case(&h)),
    }
}

/// Cleans HTML with ammonia: no scripts, no event handlers, no `javascript:`; tables, images
/// and media from the configured hosts survive.
pub fn sanitize(html: &str, media_hosts: &[String]) -> String {
    let hosts: Vec<String> = media_hosts.to_vec();
    let mut b = ammonia::Builder::default();
    b.add_tags(["video", "audio", "source", "figure", "figcaption", "track"])
        .add_tag_attributes(
            "video",
            ["src", "controls", "poster", "width", "height", "preload"],
        )
        .add_tag_attributes("audio", ["src", "controls", "preload"])
        .add_tag_attributes("source", ["src", "type"])
        .add_tag_attributes("track", ["src", "kind", "srclang", "label"])
        .add_tag_attributes("img", ["loading"])
        .add_generic_attributes(["id"])
        .add_allowed_classes("div", ["footnote-definition"])
        .add_allowed_classes("sup", ["footnote-definition-label", "footnote-reference"])
        .attribute_filter(move |element, attribute, value| {
            let media = matches!(element, "video" | "audio" | "source" | "track" | "img");
            if media && matches!(attribute, "src" | "poster") && !media_allowed(value, &hosts) {
                return None;
            }
            Some(value.into())
        });
    b.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_simple(md: &str) -> Rendered {
        let docs: DocUrls = [(
            "policies/2016/jilin.md".to_string(),
            "/policies/2016/jilin/".to_string(),
        )]
        .into_iter()
        .collect();
        let assets: BTreeMap<String, PathBuf> =
            [("policies/2016/tu.svg".to_string(), PathBuf::from("/x"))]
                .into_iter()
                .collect();
        let hosts = vec!["video.xinyang.gov.cn".to_string()];
        let links = Links {
            docs: &docs,
            assets: &assets,
            media_hosts: &hosts,
        };
        render(
            "content/policies/2016/a.md",
            md,
            0..md.len(),
            "policies/2016",
            &links,
        )
    }

    #[test]
    fn links_between_files_resolve_to_urls() {
        let r = render_simple("[见](jilin.md#二) ![图](./tu.svg) [又](../2016/jilin.md)");
        // pulldown-cmark percent-encodes the fragment; browsers decode it to find id="二".
        assert!(
            r.body
                .html
                .as_str()
                .contains("href=\"/policies/2016/jilin/#%E4%BA%8C\""),
            "{}",
            r.body.html.as_str()
        );
        assert!(r
            .body
            .html
            .as_str()
            .contains("href=\"/policies/2016/jilin/\""));
        assert!(r
            .body
            .html
            .as_str()
            .contains("src=\"/policies/2016/tu.svg\""));
        assert!(r.assets.contains("policies/2016/tu.svg"));
        assert!(r.diags.is_empty());
    }

    #[test]
    fn missing_link_target_is_an_error_with_position() {
        let r = render_simple("第一行\n\n[见](../2015/none.md)");
        assert_eq!(r.diags.len(), 1);
        assert_eq!(r.diags[0].code, "E-BROKEN-LINK");
        assert_eq!(r.diags[0].line, 3);
    }

    #[test]
    fn headings_get_anchors_and_toc() {
        let r = render_simple(
            "## 一、总体要求\n\n## 二、工作目标\n\n### （一）细化\n\n## 二、工作目标\n",
        );
        assert!(
            r.body.html.as_str().contains("<h2 id=\"一-总体要求\">"),
            "{}",
            r.body.html.as_str()
        );
        assert!(r.body.html.as_str().contains("id=\"二-工作目标-2\""));
        assert_eq!(r.body.toc.len(), 4);
    }

    #[test]
    fn heading_ids_stay_unique_when_a_title_looks_like_a_suffix() {
        let r = render_simple("## a\n\n## a-2\n\n## a\n\n## a\n");
        let ids: Vec<&str> = r.body.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-2", "a-3", "a-4"]);
    }

    #[test]
    fn nesting_depth_counts_only_what_nests() {
        assert_eq!(
            nesting_depth("<div><div><p>x<br><img src=a /></div></div>"),
            2
        );
        assert_eq!(
            nesting_depth("<ul><li>a<li>b<li>c</ul><!-- <div><div> -->"),
            1
        );
        let deep = format!("{}x{}", "<div>".repeat(300), "</div>".repeat(300));
        let r = render_simple(&deep);
        assert_eq!(r.diags[0].code, "E-HTML-TOO-DEEP");
        assert!(r.body.html.as_str().is_empty());
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let r = render_simple("|a|b|\n|-|-|\n|1|2|\n\n文字[^1] ~~删~~\n\n[^1]: 注释\n");
        assert!(r.body.html.as_str().contains("<table>"));
        assert!(r.body.html.as_str().contains("<del>删</del>"));
        assert!(r.body.html.as_str().contains("footnote-definition"));
    }

    #[test]
    fn raw_html_is_sanitized() {
        let r = render_simple(
            "<script>alert(1)</script><img src=x onerror=alert(1) alt=\"a\"><a href=\"javascript:alert(1)\">x</a>\n\n[y](javascript:alert(2))\n\n<video controls src=\"https://video.xinyang.gov.cn/a.mp4\"></video><video src=\"https://evil.example/a.mp4\"></video>",
        );
        let h = r.body.html.as_str();
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("onerror"));
        assert!(!h.contains("javascript:"));
        assert!(h.contains("src=\"https://video.xinyang.gov.cn/a.mp4\""));
        assert!(!h.contains("evil.example"));
        assert!(r.diags.iter().any(|d| d.code == "W-UNSAFE-URL"));
    }

    #[test]
    fn media_from_other_hosts_is_removed_however_written() {
        let r = render_simple(
            "![外](https://evil.example/a.png) ![内](https://video.xinyang.gov.cn/a.png) ![相对](//evil.example/b.png)\n\n\
             <img alt=\"a\" src=\"https:\\\\evil.example/c.png\"><img alt=\"b\" src=\" https://evil.example/d.png\">\
             <img alt=\"c\" src=\"\\/evil.example/e.png\"><img alt=\"d\" src=\"ht\ttps://evil.example/f.png\">\
             <video src=\"HTTPS://VIDEO.XINYANG.GOV.CN/a.mp4\"></video><img alt=\"e\" src=\"/assets/x.png\">",
        );
        let h = r.body.html.as_str();
        assert!(!h.contains("evil.example"), "{h}");
        assert!(
            h.contains("src=\"https://video.xinyang.gov.cn/a.png\""),
            "{h}"
        );
        assert!(h.contains("VIDEO.XINYANG.GOV.CN"), "{h}");
        assert!(h.contains("src=\"/assets/x.png\""), "{h}");
        let warned = r.diags.iter().filter(|d| d.code == "W-MEDIA-HOST").count();
        assert_eq!(warned, 2, "{:?}", r.diags);
    }

    #[test]
    fn image_without_alt_warns() {
        let r = render_simple("![](tu.svg)");
        assert_eq!(r.diags[0].code, "W-IMAGE-ALT");
    }

    #[test]
    fn first_paragraph_is_plain_text() {
        let r = render_simple("# 标题\n\n为认真贯彻**落实**，制定本方案。\n\n其他");
        assert_eq!(r.body.first_paragraph, "为认真贯彻落实，制定本方案。");
    }
}
