//! The default theme, built into the binary. `themes/default/` in the repository is its
//! source; a site's `themes/<name>/`, `templates/` and `static/` override it file by file.

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/templates/", $name)))),*]
    };
}

macro_rules! embed_bytes {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../themes/default/static/", $name)) as &[u8])),*]
    };
}

/// Template name → source.
pub const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "macros.html",
    "index.html",
    "policy.html",
    "policy_list.html",
    "catalog.html",
    "interpretation.html",
    "interpretation_list.html",
    "page.html",
    "list_index.html",
    "list.html",
    "list_item.html",
    "report_index.html",
    "report.html",
    "website_report.html",
    "disclosure.html",
    "search.html",
    "sitemap.html",
    "404.html",
    "alias.html",
    "removed.html",
);

/// Output path → bytes of the theme's static files.
pub const STATIC: &[(&str, &[u8])] = embed_bytes!(
    "assets/gongkai.css",
    "assets/gongkai.js",
    "assets/search.js",
    "assets/search-core.js",
    "assets/print.css",
    "favicon.svg",
);
