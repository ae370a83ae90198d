//! Atom feeds, `sitemap.xml` and `robots.txt`: small XML written directly.

use crate::model::Site;
use chrono::NaiveDate;

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(d: NaiveDate) -> String {
    format!("{}T00:00:00+08:00", d.format("%Y-%m-%d"))
}

/// One feed entry.
pub struct Entry<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub date: NaiveDate,
    pub summary: &'a str,
    pub author: &'a str,
}

/// An Atom feed of the newest entries (the caller passes them newest first).
pub fn atom(site: &Site, title: &str, self_url: &str, alt_url: &str, entries: &[Entry]) -> String {
    let base = &site.config.base_url;
    let updated = entries.first().map(|e| e.date).unwrap_or(site.build_date);
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    s.push_str(&format!(
        "  <title>{} - {}</title>\n",
        xml_escape(title),
        xml_escape(&site.config.title)
    ));
    let self_abs = xml_escape(&format!("{base}{self_url}"));
    let alt_abs = xml_escape(&format!("{base}{alt_url}"));
    s.push_str(&format!("  <id>{self_abs}</id>\n"));
    s.push_str(&format!("  <link rel=\"self\" href=\"{self_abs}\"/>\n"));
    s.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{alt_abs}\"/>\n"
    ));
    s.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    s.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&site.config.host_or_title())
    ));
    for e in entries {
        s.push_str("  <entry>\n");
        s.push_str(&format!("    <title>{}</title>\n", xml_escape(e.title)));
        let abs = xml_escape(&format!("{base}{}", e.url));
        s.push_str(&format!("    <id>{abs}</id>\n"));
        s.push_str(&format!("    <link href=\"{abs}\"/>\n"));
        s.push_str(&format!("    <updated>{}</updated>\n", rfc3339(e.date)));
        s.push_str(&format!("    <published>{}</published>\n", rfc3339(e.date)));
        if !e.author.is_empty() {
            s.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_escape(e.author)
            ));
        }
        s.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml_escape(e.summary)
        ));
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

/// `sitemap.xml` with absolute URLs; `urls` sorted, site-absolute.
pub fn sitemap_xml(site: &Site, urls: &[(String, Option<NaiveDate>)]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (u, d) in urls {
        s.push_str("  <url><loc>");
        s.push_str(&xml_escape(&format!("{}{}", site.config.base_url, u)));
        s.push_str("</loc>");
        if let Some(d) = d {
            s.push_str(&format!("<lastmod>{}</lastmod>", d.format("%Y-%m-%d")));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// `robots.txt`. The base URL was validated and normalised when the config was read (one
/// line, no whitespace); control characters are still dropped so no line can be added.
pub fn robots(site: &Site) -> String {
    let base: String = site
        .config
        .base_url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    format!("User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n")
}
