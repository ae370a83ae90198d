//! `gongkai deploy nginx`: an nginx `server { }` block for the built site.
//!
//! The security headers are derived from what the output really contains, so the policy is
//! as strict as the theme allows and no stricter:
//! - `script-src 'self'` plus the SHA-256 of every distinct inline `<script>` in the pages
//!   (the theme's 长者模式 bootstrap), and `'wasm-unsafe-eval'` only when the output has a
//!   WebAssembly search index;
//! - `style-src 'self'` plus hashes of inline `<style>` elements, if any (`'unsafe-inline'`
//!   for `style` attributes only when a page has one);
//! - `img-src`, `media-src`, `frame-src` allow the configured `media_hosts`;
//! - `connect-src 'self'`: the search scripts fetch their index from the site itself, under
//!   any file name.
//!
//! Caching: a long-lived, immutable `Cache-Control` only for fingerprinted theme assets
//! (`/assets/name.<10 hex>.ext`, see [`crate::render::fingerprints`]); everything else,
//! HTML first, is `no-cache` (revalidated on every use, so a new build shows at once).

use crate::model::Site;
use base64::Engine as _;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

/// What the pages of an output need from the Content-Security-Policy.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PageNeeds {
    /// `'sha256-…'` sources of inline scripts.
    pub scripts: BTreeSet<String>,
    /// `'sha256-…'` sources of inline `<style>` elements.
    pub styles: BTreeSet<String>,
    /// Some element has a `style="…"` attribute.
    pub style_attrs: bool,
    /// The output has a WebAssembly module (a search index that needs `'wasm-unsafe-eval'`).
    pub wasm: bool,
}

fn csp_hash(body: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(crate::manifest::sha256(body.as_bytes()))
    )
}

/// Bodies of the elements `<tag …>…</tag>` of `html` that have no `src` attribute.
fn inline_bodies<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        // `<scripts…>` is not a script element.
        if !after.starts_with(['>', ' ', '\t', '\n', '\r']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let attrs = &after[..gt];
        let body_start = &after[gt + 1..];
        let Some(end) = body_start.find(&close) else {
            break;
        };
        if !attrs.contains("src=") {
            out.push(&body_start[..end]);
        }
        rest = &body_start[end..];
    }
    out
}

/// Reads every page of `out` for inline scripts and styles.
pub fn page_needs(out: &Path) -> std::io::Result<PageNeeds> {
    let mut html_files = Vec::new();
    let mut wasm = false;
    for e in walkdir::WalkDir::new(out).follow_links(false) {
        let e = e.map_err(std::io::Error::other)?;
        let name = e.file_name().to_string_lossy();
        if name.ends_with(".wasm") || name.contains(".wasm.") || name.ends_with(".pagefind") {
            wasm = true;
        }
        if e.file_type().is_file() && (name.ends_with(".html") || name.ends_with(".htm")) {
            html_files.push(e.into_path());
        }
    }
    let per_file: Vec<PageNeeds> = html_files
        .par_iter()
        .map(|p| {
            let html = std::fs::read_to_string(p).unwrap_or_default();
            PageNeeds {
                scripts: inline_bodies(&html, "script")
                    .into_iter()
                    .map(csp_hash)
                    .collect(),
                styles: inline_bodies(&html, "style")
                    .into_iter()
                    .map(csp_hash)
                    .collect(),
                style_attrs: html.contains(" style=\""),
                wasm: false,
            }
        })
        .collect();
    let mut needs = PageNeeds {
        wasm,
        ..PageNeeds::default()
    };
    for n in per_file {
        needs.scripts.extend(n.scripts);
        needs.styles.extend(n.styles);
        needs.style_attrs |= n.style_attrs;
    }
    Ok(needs)
}

/// The Content-Security-Policy of the site.
pub fn csp(site: &Site, needs: &PageNeeds) -> String {
    let https = site.config.base_url.starts_with("https://");
    let hosts: Vec<&str> = site
        .config
        .check
        .media_hosts
        .iter()
        .map(String::as_str)
        .collect();
    let with_hosts = |base: &str| {
        let mut s = base.to_string();
        for h in &hosts {
            s.push(' ');
            s.push_str(h);
        }
        s
    };
    let mut script = "'self'".to_string();
    for h in &needs.scripts {
        script.push(' ');
        script.push_str(h);
    }
    if needs.wasm {
        script.push_str(" 'wasm-unsafe-eval'");
    }
    let mut style = "'self'".to_string();
    for h in &needs.styles {
        style.push(' ');
        style.push_str(h);
    }
    let mut parts = vec![
        "default-src 'self'".to_string(),
        format!("script-src {script}"),
        format!("style-src {style}"),
    ];
    if needs.style_attrs {
        parts.push("style-src-attr 'unsafe-inline'".into());
    }
    parts.extend([
        with_hosts("img-src 'self' data:"),
        with_hosts("media-src 'self'"),
        if hosts.is_empty() {
            "frame-src 'none'".to_string()
        } else {
            format!("frame-src {}", hosts.join(" "))
        },
        "connect-src 'self'".into(),
        "font-src 'self'".into(),
        "object-src 'none'".into(),
        "base-uri 'self'".into(),
        "form-action 'self'".into(),
        "frame-ancestors 'self'".into(),
    ]);
    if https {
        parts.push("upgrade-insecure-requests".into());
    }
    parts.join("; ")
}

/// Quotes a value for nginx when it needs it.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The `server { }` block(s) for `site`, whose built output is `out` (read for the CSP) and
/// lives at `docroot` on the server. `listen`: nginx `listen` parameters (`127.0.0.1:8080`,
/// `[::]:443 ssl`); empty for the defaults (80, or 443 with TLS when `base_url` is https,
/// on IPv4 and IPv6).
pub fn nginx(site: &Site, out: &Path, docroot: &Path, listen: &[String]) -> Result<String, String> {
    if !out.join(crate::manifest::FILE).is_file() {
        return Err(format!(
            "{} 中没有已生成的网站（缺少 {}）：请先运行 gongkai build",
            out.display(),
            crate::manifest::FILE
        ));
    }
    let needs = page_needs(out).map_err(|e| format!("读取 {} 失败：{e}", out.display()))?;
    let base = &site.config.base_url;
    let https = base.starts_with("https://");
    let host = site
        .config
        .domain()
        .rsplit_once(':')
        .map(|(h, p)| {
            if p.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                site.config.domain()
            }
        })
        .unwrap_or(site.config.domain());
    let root = docroot.to_string_lossy();
    if root.contains(['"', '\n', ';', '{', '}']) || host.contains(['"', ' ', ';', '{', '}']) {
        return Err("网站目录或域名含有 nginx 配置不允许的字符".into());
    }
    let listens: Vec<String> = if listen.is_empty() {
        if https {
            vec!["443 ssl".into(), "[::]:443 ssl".into()]
        } else {
            vec!["80".into(), "[::]:80".into()]
        }
    } else {
        listen.to_vec()
    };
    for l in &listens {
        if l.contains([';', '{', '}', '\n', '"']) {
            return Err(format!("listen 参数不正确：{l}"));
        }
    }
    let ssl = listens
        .iter()
        .any(|l| l.split_whitespace().any(|w| w == "ssl"));
    let csp = csp(site, &needs);
    let mut headers = String::new();
    let mut h = |name: &str, value: &str| {
        let _ = writeln!(
            headers,
            "        add_header {name} {} always;",
            quoted(value)
        );
    };
    h("Content-Security-Policy", &csp);
    h("X-Content-Type-Options", "nosniff");
    h("Referrer-Policy", "strict-origin-when-cross-origin");
    h("X-Frame-Options", "SAMEORIGIN");
    h(
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=()",
    );
    if https {
        h("Strict-Transport-Security", "max-age=31536000");
    }

    let mut c = String::new();
    let _ = writeln!(c, "# {}（{base}）— gongkai deploy nginx", site.config.title);
    let _ = writeln!(
        c,
        "# Include inside http {{ }} (with mime.types). Generated from the built output: run it\n# again after a theme change (the Content-Security-Policy lists the theme's inline scripts)."
    );
    if https && listen.is_empty() {
        let _ = writeln!(c, "server {{");
        let _ = writeln!(c, "    listen 80;\n    listen [::]:80;");
        let _ = writeln!(c, "    server_name {host};");
        let _ = writeln!(c, "    server_tokens off;");
        let _ = writeln!(
            c,
            "    # ACME (Let's Encrypt) http-01 challenges, outside the site's own files:\n    # certbot certonly --webroot -w /var/www/acme -d {host}\n    location ^~ /.well-known/acme-challenge/ {{\n        root /var/www/acme;\n        default_type text/plain;\n    }}"
        );
        let _ = writeln!(
            c,
            "    location / {{\n        return 301 https://$host$request_uri;\n    }}"
        );
        let _ = writeln!(c, "}}\n");
    }
    let _ = writeln!(c, "server {{");
    for l in &listens {
        let _ = writeln!(c, "    listen {l};");
    }
    let _ = writeln!(c, "    server_name {host};");
    if ssl {
        let _ = writeln!(
            c,
            "    # TLS: put the site's certificate chain and key here.\n    ssl_certificate /etc/ssl/gongkai/{host}.crt;\n    ssl_certificate_key /etc/ssl/gongkai/{host}.key;\n    ssl_protocols TLSv1.2 TLSv1.3;"
        );
    }
    let _ = writeln!(c, "    root {};", quoted(&root));
    let _ = writeln!(c, "    index index.html;");
    let _ = writeln!(c, "    charset utf-8;");
    let _ = writeln!(
        c,
        "    charset_types text/html text/css text/plain text/xml text/csv application/javascript application/json application/xml application/atom+xml image/svg+xml;"
    );
    let _ = writeln!(c, "    server_tokens off;");
    let _ = writeln!(c, "    absolute_redirect off;");
    let _ = writeln!(
        c,
        "    # Files precompressed by `gongkai build --precompress` (x.html.gz beside x.html);\n    # other text is compressed on the fly.\n    gzip_static on;\n    gzip on;\n    gzip_vary on;\n    gzip_types text/css text/plain text/xml text/csv application/javascript application/json application/xml application/atom+xml image/svg+xml;"
    );
    let _ = writeln!(c, "    error_page 404 /404.html;");
    let _ = writeln!(c);
    let _ = writeln!(
        c,
        "    # Hidden files are never served.\n    location ~ /\\. {{\n        return 404;\n    }}\n"
    );
    let _ = writeln!(
        c,
        "    # Fingerprinted theme assets: the name changes with the content.\n    location ~ \"^/assets/.+\\.[0-9a-f]{{10}}\\.[A-Za-z0-9]+$\" {{\n{headers}        add_header Cache-Control \"public, max-age=31536000, immutable\" always;\n        try_files $uri =404;\n    }}\n"
    );
    let _ = writeln!(
        c,
        "    location = /gongkai.sha256 {{\n        default_type text/plain;\n{headers}        add_header Cache-Control \"no-cache\" always;\n    }}\n"
    );
    let _ = writeln!(
        c,
        "    # Pages and everything else: revalidated on every use.\n    location / {{\n{headers}        add_header Cache-Control \"no-cache\" always;\n        try_files $uri $uri/ =404;\n    }}"
    );
    let _ = writeln!(c, "}}");
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_only() {
        let html = r#"<script>a()</script><script src="/x.js"></script><scripts>no</scripts><script type="module">b()</script>"#;
        assert_eq!(inline_bodies(html, "script"), ["a()", "b()"]);
        // The value a browser computes for `<script>alert(1)</script>` (CSP3 hash source).
        assert_eq!(
            csp_hash("alert(1)"),
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
    }
}
