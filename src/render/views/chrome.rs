//! What every page shows around its content: the site, the navigation, the column, the
//! breadcrumb, the pager and the 网页标签 (`meta`).

use crate::model::Site;
use crate::routes::{pager_url, SECTIONS};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The site's settings as templates read them (`site.*`).
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    base_url: &'a str,
    domain: &'a str,
    host: String,
    site_code: &'a str,
    icp: &'a str,
    police_record: &'a str,
    phone: &'a str,
    address: &'a str,
    email: &'a str,
    description: &'a str,
    language: &'a str,
    conac_url: Option<String>,
}

/// One entry of the navigation bar.
#[derive(Serialize)]
struct NavLink {
    key: &'static str,
    title: &'static str,
    url: String,
}

/// The context every page of a build shares.
#[derive(Serialize)]
struct Chrome<'a> {
    site: SiteView<'a>,
    nav: Vec<NavLink>,
    build_date: String,
}

/// The base of every page's context: site settings, navigation and build date.
pub fn base_context(site: &Site) -> Map<String, Value> {
    let c = &site.config;
    let chrome = Chrome {
        site: SiteView {
            title: &c.title,
            base_url: &c.base_url,
            domain: c.domain(),
            host: c.host_or_title(),
            site_code: &c.site_code,
            icp: &c.icp,
            police_record: &c.police_record,
            phone: &c.phone,
            address: &c.address,
            email: &c.email,
            description: &c.description,
            language: &c.language,
            conac_url: (!c.conac_id.is_empty()).then(|| {
                format!(
                    "https://bszs.conac.cn/sitename?method=show&id={}",
                    c.conac_id
                )
            }),
        },
        nav: SECTIONS
            .iter()
            .filter(|s| s.nav)
            .map(|s| NavLink {
                key: s.key,
                title: s.title,
                url: s.url(),
            })
            .collect(),
        build_date: site.build_date.to_string(),
    };
    match to_value(&chrome) {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// A view as the template engine reads it.
pub fn to_value<T: Serialize>(v: &T) -> Value {
    // Views are plain structs of strings, numbers and sequences: this cannot fail.
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The column a page belongs to (`column.*`): its name, its type, its navigation key.
#[derive(Serialize, Clone, Copy)]
pub struct Column<'a> {
    pub name: &'a str,
    #[serde(rename = "type")]
    pub ty: &'a str,
    pub nav: &'a str,
}

pub fn column<'a>(name: &'a str, ty: &'a str, nav: &'a str) -> Column<'a> {
    Column { name, ty, nav }
}

/// One step of a breadcrumb; the last (the page itself) has no link.
#[derive(Serialize)]
pub struct Crumb<'a> {
    pub title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
}

/// 首页 › `items` › `current`.
pub fn crumbs<'a>(items: &[(&'a str, &'a str)], current: &'a str) -> Vec<Crumb<'a>> {
    let mut v = vec![Crumb {
        title: "首页",
        url: Some("/"),
    }];
    v.extend(items.iter().map(|(t, u)| Crumb {
        title: t,
        url: Some(u),
    }));
    v.push(Crumb {
        title: current,
        url: None,
    });
    v
}

/// The parts every page view starts with: its title, column and breadcrumb, then the
/// fields of its kind (`body`, flattened).
#[derive(Serialize)]
pub struct Page<'a, T> {
    pub title: Cow<'a, str>,
    pub column: Column<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breadcrumb: Option<Vec<Crumb<'a>>>,
    #[serde(flatten)]
    pub body: T,
}

impl<'a, T> Page<'a, T> {
    pub fn new(
        title: impl Into<Cow<'a, str>>,
        column: Column<'a>,
        breadcrumb: Vec<Crumb<'a>>,
        body: T,
    ) -> Self {
        Page {
            title: title.into(),
            column,
            breadcrumb: Some(breadcrumb),
            body,
        }
    }
}

/// A page link of a pager, or the gap between far pages.
#[derive(Serialize)]
#[serde(untagged)]
pub enum PagerLink {
    Page {
        n: usize,
        url: String,
        current: bool,
    },
    Gap {
        gap: bool,
    },
}

/// The pager of a listing (`pagination.*`).
#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub items: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLink>,
}

/// The pager of page `page` of `total` of a listing at `base` with `items` rows.
pub fn pagination(base: &str, page: usize, total: usize, items: usize) -> Pagination {
    let url = |n: usize| pager_url(base, n);
    let link = |n: usize, current: bool| PagerLink::Page {
        n,
        url: url(n),
        current,
    };
    let lo = page.saturating_sub(3).max(1);
    let hi = (page + 3).min(total);
    let mut pages = Vec::new();
    if lo > 1 {
        pages.push(link(1, false));
        if lo > 2 {
            pages.push(PagerLink::Gap { gap: true });
        }
    }
    for n in lo..=hi {
        pages.push(link(n, n == page));
    }
    if hi < total {
        if hi + 1 < total {
            pages.push(PagerLink::Gap { gap: true });
        }
        pages.push(link(total, false));
    }
    Pagination {
        current: page,
        total,
        items,
        prev: (page > 1).then(|| url(page - 1)),
        next: (page < total).then(|| url(page + 1)),
        pages,
    }
}

/// The title of page `page` of a listing headed `heading`.
pub fn paged_title(heading: &str, page: usize) -> String {
    if page == 1 {
        heading.to_string()
    } else {
        format!("{heading}（第{page}页）")
    }
}

/// The 网页标签 of a page (`meta.*`).
#[derive(Serialize)]
struct Meta {
    description: String,
    column_description: String,
    column_keywords: String,
    url: String,
    jiucuo: Option<String>,
}

/// At most `n` characters of `s`, with … when cut.
pub fn clip(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The 我为政府网站找错 link of a page (政府网站找错 of the national 政府网站管理 platform):
/// the site's 网站标识码 and the page's absolute URL, percent-encoded.
pub fn jiucuo_url(site_code: &str, page: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    format!(
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={}&url={}",
        utf8_percent_encode(site_code, COMPONENT),
        utf8_percent_encode(page, COMPONENT)
    )
}

/// What a column holds, for its ColumnDescription.
fn column_blurb(nav: &str, ty: &str) -> &'static str {
    match nav {
        "home" => "门户网站首页，集中展示最新政策文件、政策解读和清单。",
        "policies" => "政策文件库，可按年份、发文机关、主题分类和有效性浏览。",
        "interpretations" => "政策解读栏目，按文字、图解、视频、音频、访谈等形式发布。",
        "catalog" => "政府信息公开目录，按公开目录、主题分类、发文机关和年份浏览主动公开信息。",
        "lists" => "清单公开栏目，发布权力清单、责任清单、收费目录清单等，可下载 CSV 和 JSON。",
        "reports" => "政府信息公开工作年度报告和政府网站工作年度报表。",
        "disclosure" => "政府信息公开专栏：信息公开指南、制度、法定主动公开内容和年报。",
        _ => match ty {
            "首页" => "网站服务页面。",
            _ => "栏目页面。",
        },
    }
}

/// Adds `meta` to a page's context: its own description, the column tags, the absolute
/// URL and the 我为政府网站找错 link for this page.
pub fn decorate(site: &Site, url: &str, ctx: &mut Value) {
    let c = &site.config;
    let Some(m) = ctx.as_object_mut() else {
        return;
    };
    let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let title = s(m.get("title"));
    let col_name = s(m.get("column").and_then(|c| c.get("name")));
    let col_type = s(m.get("column").and_then(|c| c.get("type")));
    let nav = s(m.get("column").and_then(|c| c.get("nav")));
    let article_desc = s(m.get("article").and_then(|a| a.get("description")));
    let given = s(m.get("description"));
    let what = column_blurb(&nav, &col_type);
    let named = if col_name.starts_with(&c.title) {
        col_name.clone()
    } else {
        format!("{}{col_name}", c.title)
    };
    let column_description = format!("{named}：{what}");
    let description = if !article_desc.is_empty() {
        article_desc
    } else if !given.is_empty() {
        given
    } else if url == "/" && !c.description.is_empty() {
        c.description.clone()
    } else if url == "/" {
        format!(
            "{}门户网站：政策文件、政策解读、信息公开目录、清单和政府信息公开年报。",
            c.title
        )
    } else if title == col_name {
        column_description.clone()
    } else {
        format!("{title}（{named}）：{what}")
    };
    let abs = format!("{}{}", c.base_url, url);
    let mut keywords: Vec<&str> = vec![col_name.as_str()];
    if col_type != col_name {
        keywords.push(&col_type);
    }
    keywords.push(&c.title);
    let meta = Meta {
        description: clip(&description, 150),
        column_description,
        column_keywords: keywords.join(","),
        jiucuo: (!c.site_code.is_empty()).then(|| jiucuo_url(&c.site_code, &abs)),
        url: abs,
    };
    m.insert("meta".into(), to_value(&meta));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_shows_near_pages_and_gaps() {
        let p = to_value(&pagination("/policies/", 6, 12, 230));
        assert_eq!(p["prev"], "/policies/page/5/");
        assert_eq!(p["next"], "/policies/page/7/");
        let pages = p["pages"].as_array().unwrap();
        assert_eq!(pages[0]["url"], "/policies/");
        assert_eq!(pages[1]["gap"], true);
        assert_eq!(pages.last().unwrap()["n"], 12);
        let first = to_value(&pagination("/p/", 1, 1, 3));
        assert!(first["prev"].is_null() && first["next"].is_null());
    }

    #[test]
    fn the_last_crumb_has_no_link() {
        let v = to_value(&crumbs(&[("政策文件", "/policies/")], "标题"));
        assert_eq!(v[1]["url"], "/policies/");
        assert!(v[2].get("url").is_none());
        assert_eq!(clip("一二三四", 2), "一二…");
    }
}
