//! What each page shows: the site model turned into template contexts. Facets, rows and
//! groupings are computed once per render ([`Prepared::new`]), never per page.

use super::{cn_date, feeds, Files, Job, CATALOG_PER_PAGE, POLICIES_PER_PAGE, ROWS_PER_PAGE};
use crate::ledger::{Ledger, Value as Cell};
use crate::model::{Interpretation, Policy, Site, Validity, FORMS};
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Builds a JSON object like `serde_json::obj!({...})`, but moves values that already are
/// `Value`s (or `Vec<Value>`) instead of serializing a deep copy of them (`json!` does);
/// nested `{...}` literals become objects too. The output is the same as `json!`'s.
macro_rules! obj {
    (@m $m:ident) => {};
    (@m $m:ident $k:literal : { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $m.insert($k.into(), obj!({ $($inner)* }));
        obj!(@m $m $($($rest)*)?);
    };
    (@m $m:ident $k:literal : $v:expr $(, $($rest:tt)*)?) => {
        $m.insert($k.into(), {
            #[allow(unused_imports)]
            use $crate::render::views::conv::{Gen as _, Spec as _};
            (&$crate::render::views::conv::W(std::cell::Cell::new(Some($v)))).conv()
        });
        obj!(@m $m $($($rest)*)?);
    };
    ({ $($t:tt)* }) => {{
        #[allow(unused_mut)]
        let mut m = Map::new();
        obj!(@m m $($t)*);
        Value::Object(m)
    }};
}

/// Autoref specialization for [`obj!`]: `Value`s move, anything else is serialized.
pub(crate) mod conv {
    use serde_json::Value;
    use std::cell::Cell;

    pub struct W<T>(pub Cell<Option<T>>);

    pub trait Spec {
        fn conv(&self) -> Value;
    }
    impl Spec for W<Value> {
        fn conv(&self) -> Value {
            self.0.take().unwrap_or(Value::Null)
        }
    }
    impl Spec for W<Vec<Value>> {
        fn conv(&self) -> Value {
            Value::Array(self.0.take().unwrap_or_default())
        }
    }

    pub trait Gen {
        fn conv(&self) -> Value;
    }
    impl<T: serde::Serialize> Gen for &W<T> {
        fn conv(&self) -> Value {
            let v = self.0.take();
            serde_json::to_value(&v).unwrap_or(Value::Null)
        }
    }
}

/// One value of a facet (a year, an issuer …) and the policies that have it.
pub struct Group {
    pub label: String,
    pub slug: String,
    pub items: Vec<usize>,
}

pub struct Facet {
    pub key: &'static str,
    pub name: &'static str,
    pub groups: Vec<Group>,
}

/// What a job produces: a page from a template, or files written directly.
pub enum Output {
    Page {
        template: &'static str,
        url: String,
        ctx: Value,
    },
    Raw(Files),
}

/// Data shared by every job of one render.
pub struct Prepared<'a> {
    pub site: &'a Site,
    pub base: Map<String, Value>,
    pub facets: Vec<Facet>,
    /// Indexes into `facets` shown in the policy library, and in the catalog.
    pub library_facets: Vec<usize>,
    pub catalog_facets: Vec<usize>,
    /// Interpretations by form (indexes into `FORMS`).
    pub forms: Vec<Vec<usize>>,
    /// Listing rows, made when a page first shows them: `serve` renders a few pages of a
    /// 10,000-document site after an edit and should not build every row for them.
    policy_rows: Vec<OnceLock<Value>>,
    interp_rows: Vec<OnceLock<Value>>,
}

/// A stable short slug for a facet value with no natural ASCII name (FNV-1a).
pub fn hash_slug(s: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("h{:010x}", h >> 24)
}

/// Policies grouped by `label` (borrowed where it can be: this runs on every rebuild),
/// each group with the slug `slug` gives its label; most policies first.
fn group_by<'a>(
    policies: &'a [Policy],
    label: impl Fn(&'a Policy) -> Option<Cow<'a, str>>,
    slug: impl Fn(&str) -> String,
) -> Vec<Group> {
    let mut map: BTreeMap<Cow<'a, str>, Vec<usize>> = BTreeMap::new();
    for (i, p) in policies.iter().enumerate() {
        if let Some(l) = label(p) {
            map.entry(l).or_default().push(i);
        }
    }
    let mut groups: Vec<Group> = map
        .into_iter()
        .map(|(label, items)| Group {
            slug: slug(&label),
            label: label.into_owned(),
            items,
        })
        .collect();
    groups.sort_by(|a, b| {
        b.items
            .len()
            .cmp(&a.items.len())
            .then(a.label.cmp(&b.label))
    });
    groups
}

fn pub_date(d: chrono::NaiveDate) -> String {
    format!("{} 00:00", d.format("%Y-%m-%d"))
}

/// At most `n` characters of `s`, with … when cut.
fn clip(s: &str, n: usize) -> String {
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

/// Keywords of a policy page: its 主题分类 (each level), 体裁, 公开目录 and 文件类型.
fn policy_keywords(p: &Policy) -> String {
    let mut k: Vec<&str> = Vec::new();
    if let Some(t) = &p.topic {
        k.extend(
            t.split(['\\', '/'])
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        );
    }
    k.extend(p.genre.as_deref());
    k.push(&p.category);
    if p.doc_type != "其他文件" {
        k.push(&p.doc_type);
    }
    let mut seen = std::collections::BTreeSet::new();
    k.retain(|s| seen.insert(*s));
    k.join(",")
}

/// Absolute URL of the first image in a rendered body (for the Image tag), if any.
fn first_image(html: &str, base_url: &str, page_url: &str) -> Option<String> {
    let at = html.find("<img")?;
    let rest = &html[at..html[at..].find('>').map(|e| at + e).unwrap_or(html.len())];
    let start = rest.find(" src=\"")? + 6;
    let src = &rest[start..start + rest[start..].find('"')?];
    let src = src.replace("&amp;", "&");
    Some(
        if src.starts_with("https://") || src.starts_with("http://") {
            src
        } else if src.starts_with('/') {
            format!("{base_url}{src}")
        } else {
            format!("{base_url}{page_url}{src}")
        },
    )
}

fn crumbs(items: &[(&str, &str)], current: &str) -> Value {
    let mut v: Vec<Value> = vec![obj!({"title": "首页", "url": "/"})];
    v.extend(items.iter().map(|(t, u)| obj!({"title": t, "url": u})));
    v.push(obj!({"title": current}));
    Value::Array(v)
}

fn column(name: &str, ty: &str, nav: &str) -> Value {
    obj!({"name": name, "type": ty, "nav": nav})
}

fn pagination(base: &str, page: usize, total: usize, items: usize) -> Value {
    let url = |n: usize| {
        if n == 1 {
            base.to_string()
        } else {
            format!("{base}page/{n}/")
        }
    };
    let lo = page.saturating_sub(3).max(1);
    let hi = (page + 3).min(total);
    let mut pages: Vec<Value> = Vec::new();
    if lo > 1 {
        pages.push(obj!({"n": 1, "url": url(1), "current": false}));
        if lo > 2 {
            pages.push(obj!({"gap": true}));
        }
    }
    for n in lo..=hi {
        pages.push(obj!({"n": n, "url": url(n), "current": n == page}));
    }
    if hi < total {
        if hi + 1 < total {
            pages.push(obj!({"gap": true}));
        }
        pages.push(obj!({"n": total, "url": url(total), "current": false}));
    }
    obj!({
        "current": page,
        "total": total,
        "items": items,
        "prev": if page > 1 { Value::String(url(page - 1)) } else { Value::Null },
        "next": if page < total { Value::String(url(page + 1)) } else { Value::Null },
        "pages": pages,
    })
}

/// URL and title of page `page` of a listing at `base` (page 1 is `base` itself).
fn paged(base: &str, heading: &str, page: usize) -> (String, String) {
    if page == 1 {
        (base.to_string(), heading.to_string())
    } else {
        (
            format!("{base}page/{page}/"),
            format!("{heading}（第{page}页）"),
        )
    }
}

fn page_slice<T: Clone>(all: &[T], page: usize, per: usize) -> Vec<T> {
    let start = (page - 1) * per;
    all.iter().skip(start).take(per).cloned().collect()
}

fn policy_row(p: &Policy) -> Value {
    obj!({
        "title": &p.title,
        "url": &p.url,
        "index_no": &p.index_no,
        "doc_no": &p.doc_no,
        "issuer": &p.issuer,
        "published": p.published.to_string(),
        "published_cn": cn_date(p.published),
        "validity": p.status_label(),
        "validity_slug": p.status_slug(),
        "summary": &p.summary,
        "topic": &p.topic,
        "category": &p.category,
    })
}

fn interp_row(site: &Site, i: &Interpretation) -> Value {
    obj!({
        "title": &i.title,
        "url": &i.url,
        "form": &i.form,
        "published": i.published.to_string(),
        "published_cn": cn_date(i.published),
        "interpreter": &i.interpreter,
        "summary": &i.summary,
        "policies": i.interprets.iter().map(|p| obj!({"title": &site.policies[*p].title, "url": &site.policies[*p].url})).collect::<Vec<_>>(),
    })
}

fn form_slug(i: usize) -> &'static str {
    FORMS[i].1
}

impl<'a> Prepared<'a> {
    pub fn new(site: &'a Site) -> Prepared<'a> {
        let ps = &site.policies;
        let facets = vec![
            Facet {
                key: "year",
                name: "年份",
                groups: {
                    let mut g = group_by(
                        ps,
                        |p| {
                            let y = chrono::Datelike::year(&p.published);
                            Some(Cow::Owned(format!("{y}年")))
                        },
                        |l| l.trim_end_matches('年').to_string(),
                    );
                    g.sort_by(|a, b| b.slug.cmp(&a.slug));
                    g
                },
            },
            Facet {
                key: "issuer",
                name: "发文机关",
                groups: group_by(ps, |p| Some(Cow::Borrowed(&p.issuer)), hash_slug),
            },
            Facet {
                key: "topic",
                name: "主题分类",
                groups: group_by(ps, |p| p.topic.as_deref().map(Cow::Borrowed), hash_slug),
            },
            Facet {
                key: "validity",
                name: "有效性",
                groups: {
                    let mut g = group_by(
                        ps,
                        |p| Some(Cow::Borrowed(p.status_label())),
                        |l| {
                            Validity::parse(l)
                                .map(|v| v.slug())
                                .unwrap_or("pending")
                                .to_string()
                        },
                    );
                    // 现行有效, 尚未生效, then the others.
                    g.sort_by_key(|g| {
                        Validity::ALL
                            .iter()
                            .position(|v| v.slug() == g.slug)
                            .map(|i| if i == 0 { 0 } else { i + 1 })
                            .unwrap_or(1)
                    });
                    g
                },
            },
            Facet {
                key: "category",
                name: "公开目录",
                groups: group_by(ps, |p| Some(Cow::Borrowed(&p.category)), hash_slug),
            },
        ];
        let mut forms = vec![Vec::new(); FORMS.len()];
        for (i, it) in site.interpretations.iter().enumerate() {
            if let Some(f) = FORMS.iter().position(|f| f.0 == it.form) {
                forms[f].push(i);
            }
        }
        Prepared {
            site,
            base: super::base_context(site),
            facets,
            library_facets: vec![0, 1, 2, 3],
            catalog_facets: vec![4, 2, 1, 0],
            forms,
            policy_rows: (0..ps.len()).map(|_| OnceLock::new()).collect(),
            interp_rows: (0..site.interpretations.len())
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    fn facet_url(&self, section: &str, facet: usize, group: usize) -> String {
        let f = &self.facets[facet];
        format!("/{section}/by-{}/{}/", f.key, f.groups[group].slug)
    }

    /// The facet sidebar: every facet with its values, counts and links.
    fn facet_nav(&self, section: &str, which: &[usize], current: Option<(usize, usize)>) -> Value {
        Value::Array(
            which
                .iter()
                .enumerate()
                .map(|(fi, f)| {
                    let facet = &self.facets[*f];
                    obj!({
                        "name": facet.name,
                        "key": facet.key,
                        "groups": facet.groups.iter().enumerate().map(|(gi, g)| obj!({
                            "label": &g.label,
                            "url": self.facet_url(section, *f, gi),
                            "count": g.items.len(),
                            "current": current == Some((fi, gi)),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect(),
        )
    }

    /// The listing row of policy `i`.
    fn policy_row(&self, i: usize) -> Value {
        self.policy_rows[i]
            .get_or_init(|| policy_row(&self.site.policies[i]))
            .clone()
    }

    /// The listing row of 解读 `i`.
    fn interp_row(&self, i: usize) -> Value {
        self.interp_rows[i]
            .get_or_init(|| interp_row(self.site, &self.site.interpretations[i]))
            .clone()
    }

    fn rows_of(&self, items: &[usize], page: usize, per: usize) -> Vec<Value> {
        page_slice(items, page, per)
            .into_iter()
            .map(|i| self.policy_row(i))
            .collect()
    }

    /// The output of a job; a page's context carries its 网页标签 and description.
    pub fn context(&self, job: &Job) -> Output {
        let mut out = self.context_of(job);
        if let Output::Page { url, ctx, .. } = &mut out {
            self.decorate(url, ctx);
        }
        out
    }

    /// Adds `meta` to a page's context: its own description, the column tags, the absolute
    /// URL and the 我为政府网站找错 link for this page.
    pub(crate) fn decorate(&self, url: &str, ctx: &mut Value) {
        let c = &self.site.config;
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
        let jiucuo = if c.site_code.is_empty() {
            Value::Null
        } else {
            Value::String(jiucuo_url(&c.site_code, &abs))
        };
        m.insert(
            "meta".into(),
            obj!({
                "description": clip(&description, 150),
                "column_description": column_description,
                "column_keywords": keywords.join(","),
                "url": abs,
                "jiucuo": jiucuo,
            }),
        );
    }

    fn context_of(&self, job: &Job) -> Output {
        let site = self.site;
        match job {
            Job::Home => Output::Page {
                template: "index.html",
                url: "/".into(),
                ctx: obj!({
                    "title": &site.config.title,
                    "column": column("首页", "首页", "home"),
                    "policies": (0..site.policies.len().min(8)).map(|i| self.policy_row(i)).collect::<Vec<_>>(),
                    "interpretations": (0..site.interpretations.len().min(6)).map(|i| self.interp_row(i)).collect::<Vec<_>>(),
                    "lists": site.lists.iter().map(|l| obj!({"title": &l.title, "url": &l.url, "kind_label": &l.kind_label, "updated_cn": cn_date(l.updated)})).collect::<Vec<_>>(),
                    "pages": site.pages.iter().map(|p| obj!({"title": &p.title, "url": &p.url})).collect::<Vec<_>>(),
                    "reports": site.reports.iter().rev().map(|r| obj!({"year": r.year, "url": &r.url})).collect::<Vec<_>>(),
                    "years": self.facets[0].groups.iter().enumerate().map(|(gi, g)| obj!({"label": &g.label, "url": self.facet_url("policies", 0, gi), "count": g.items.len()})).collect::<Vec<_>>(),
                    "counts": {"policies": site.policies.len(), "interpretations": site.interpretations.len(), "lists": site.lists.len()},
                }),
            },
            Job::Policy(i) => {
                let p = &site.policies[*i];
                let mut view = policy_row(p);
                let m = view.as_object_mut().expect("object");
                m.insert("written_cn".into(), json!(p.written.map(cn_date)));
                m.insert("genre".into(), json!(p.genre));
                m.insert("doc_type".into(), json!(p.doc_type));
                m.insert("reg_no".into(), json!(p.reg_no));
                m.insert("effective_cn".into(), json!(p.effective.map(cn_date)));
                m.insert(
                    "effective".into(),
                    json!(p.effective.map(|d| d.to_string())),
                );
                m.insert("expires_cn".into(), json!(p.expires.map(cn_date)));
                m.insert("expires".into(), json!(p.expires.map(|d| d.to_string())));
                m.insert(
                    "validity_changed_cn".into(),
                    json!(p.validity_changed.map(cn_date)),
                );
                m.insert(
                    "replaced_by".into(),
                    json!(p.replaced_by.map(|r| {
                        let r = &site.policies[r];
                        obj!({"title": &r.title, "url": &r.url, "doc_no": &r.doc_no})
                    })),
                );
                m.insert("attachments".into(), json!(p.attachments));
                m.insert("body".into(), json!(p.body.html));
                m.insert("toc".into(), json!(p.body.toc));
                m.insert(
                    "interpretations".into(),
                    Value::Array(
                        p.interpretations
                            .iter()
                            .map(|j| self.interp_row(*j))
                            .collect(),
                    ),
                );
                Output::Page {
                    template: "policy.html",
                    url: p.url.clone(),
                    ctx: obj!({
                        "title": &p.title,
                        "column": column("政策文件", "政策文件", "policies"),
                        "breadcrumb": crumbs(&[("政策文件", "/policies/")], &p.title),
                        "article": {
                            "title": &p.title, "pubdate": pub_date(p.published), "source": &p.issuer,
                            "keywords": policy_keywords(p), "author": &p.issuer, "description": &p.summary,
                            "image": first_image(&p.body.html, &site.config.base_url, &p.url),
                        },
                        "policy": view,
                    }),
                }
            }
            Job::Interpretation(i) => {
                let it = &site.interpretations[*i];
                let mut view = self.interp_row(*i);
                let m = view.as_object_mut().expect("object");
                m.insert("body".into(), json!(it.body.html));
                m.insert("toc".into(), json!(it.body.toc));
                m.insert("workdays_after".into(), json!(it.workdays_after));
                m.insert(
                    "policies".into(),
                    Value::Array(it.interprets.iter().map(|p| self.policy_row(*p)).collect()),
                );
                let source = it
                    .interpreter
                    .clone()
                    .unwrap_or_else(|| site.config.host_or_title());
                Output::Page {
                    template: "interpretation.html",
                    url: it.url.clone(),
                    ctx: obj!({
                        "title": &it.title,
                        "column": column("政策解读", "政策解读", "interpretations"),
                        "breadcrumb": crumbs(&[("政策解读", "/interpretations/")], &it.title),
                        "article": {
                            "title": &it.title, "pubdate": pub_date(it.published), "source": &source,
                            "keywords": format!("政策解读,{}解读,{}", it.form, it.interprets.iter().map(|p| site.policies[*p].title.as_str()).collect::<Vec<_>>().join(",")),
                            "author": &source, "description": &it.summary,
                            "image": first_image(&it.body.html, &site.config.base_url, &it.url),
                        },
                        "interpretation": view,
                    }),
                }
            }
            Job::Page(i) => {
                let p = &site.pages[*i];
                let (ty, nav) = match p.slug.as_str() {
                    "guide" => ("信息公开指南", "disclosure"),
                    "apply" => ("依法申请公开", "disclosure"),
                    "system" => ("政府信息公开制度", "disclosure"),
                    "about" => ("机构职能", "disclosure"),
                    _ => ("概况信息", ""),
                };
                Output::Page {
                    template: "page.html",
                    url: p.url.clone(),
                    ctx: obj!({
                        "title": &p.title,
                        "column": column(&p.title, ty, nav),
                        "breadcrumb": if nav == "disclosure" { crumbs(&[("政府信息公开", "/disclosure/")], &p.title) } else { crumbs(&[], &p.title) },
                        "page": {"title": &p.title, "body": &p.body.html, "toc": &p.body.toc},
                        "description": &p.summary,
                    }),
                }
            }
            Job::PolicyList { facet, page } => {
                let (items, base, heading): (Vec<usize>, String, String) = match facet {
                    None => (
                        (0..site.policies.len()).collect(),
                        "/policies/".into(),
                        "政策文件库".into(),
                    ),
                    Some((fi, gi)) => {
                        let f = self.library_facets[*fi];
                        let g = &self.facets[f].groups[*gi];
                        (
                            g.items.clone(),
                            self.facet_url("policies", f, *gi),
                            format!("{}：{}", self.facets[f].name, g.label),
                        )
                    }
                };
                let total = items.len().div_ceil(POLICIES_PER_PAGE).max(1);
                let (url, title) = paged(&base, &heading, *page);
                Output::Page {
                    template: "policy_list.html",
                    url,
                    ctx: obj!({
                        "title": title,
                        "heading": &heading,
                        "column": column("政策文件", "政策文件", "policies"),
                        "breadcrumb": if facet.is_some() { crumbs(&[("政策文件", "/policies/")], &heading) } else { crumbs(&[], "政策文件") },
                        "rows": self.rows_of(&items, *page, POLICIES_PER_PAGE),
                        "pagination": pagination(&base, *page, total, items.len()),
                        "facets": self.facet_nav("policies", &self.library_facets, *facet),
                        "is_index": facet.is_none(),
                    }),
                }
            }
            Job::Catalog { facet, page } => {
                let (items, base, heading): (Vec<usize>, String, String) = match facet {
                    None => (
                        (0..site.policies.len()).collect(),
                        "/catalog/".into(),
                        "信息公开目录".into(),
                    ),
                    Some((fi, gi)) => {
                        let f = self.catalog_facets[*fi];
                        let g = &self.facets[f].groups[*gi];
                        (
                            g.items.clone(),
                            self.facet_url("catalog", f, *gi),
                            format!("{}：{}", self.facets[f].name, g.label),
                        )
                    }
                };
                let total = items.len().div_ceil(CATALOG_PER_PAGE).max(1);
                let (url, title) = paged(&base, &heading, *page);
                Output::Page {
                    template: "catalog.html",
                    url,
                    ctx: obj!({
                        "title": title,
                        "heading": &heading,
                        "column": column("信息公开目录", "信息公开目录", "catalog"),
                        "breadcrumb": if facet.is_some() { crumbs(&[("信息公开目录", "/catalog/")], &heading) } else { crumbs(&[], "信息公开目录") },
                        "rows": self.rows_of(&items, *page, CATALOG_PER_PAGE),
                        "pagination": pagination(&base, *page, total, items.len()),
                        "facets": self.facet_nav("catalog", &self.catalog_facets, *facet),
                        "is_index": facet.is_none(),
                    }),
                }
            }
            Job::InterpretationList { form, page } => {
                let groups: Vec<Value> = FORMS
                    .iter()
                    .enumerate()
                    .map(|(fi, (name, slug))| {
                        obj!({
                            "name": name,
                            "url": format!("/interpretations/by-form/{slug}/"),
                            "count": self.forms[fi].len(),
                            "current": *form == Some(fi),
                            "items": if form.is_none() { self.forms[fi].iter().take(10).map(|i| self.interp_row(*i)).collect::<Vec<_>>() } else { Vec::new() },
                        })
                    })
                    .collect();
                match form {
                    None => Output::Page {
                        template: "interpretation_list.html",
                        url: "/interpretations/".into(),
                        ctx: obj!({
                            "title": "政策解读",
                            "heading": "政策解读",
                            "column": column("政策解读", "政策解读", "interpretations"),
                            "breadcrumb": crumbs(&[], "政策解读"),
                            "groups": groups,
                            "is_index": true,
                        }),
                    },
                    Some(fi) => {
                        let base = format!("/interpretations/by-form/{}/", form_slug(*fi));
                        let items = &self.forms[*fi];
                        let total = items.len().div_ceil(POLICIES_PER_PAGE).max(1);
                        let heading = format!("{}解读", FORMS[*fi].0);
                        Output::Page {
                            template: "interpretation_list.html",
                            url: if *page == 1 {
                                base.clone()
                            } else {
                                format!("{base}page/{page}/")
                            },
                            ctx: obj!({
                                "title": if *page > 1 { format!("{heading}（第{page}页）") } else { heading.clone() },
                                "heading": &heading,
                                "column": column("政策解读", "政策解读", "interpretations"),
                                "breadcrumb": crumbs(&[("政策解读", "/interpretations/")], &heading),
                                "groups": groups,
                                "rows": page_slice(items, *page, POLICIES_PER_PAGE).into_iter().map(|i| self.interp_row(i)).collect::<Vec<_>>(),
                                "pagination": pagination(&base, *page, total, items.len()),
                                "is_index": false,
                            }),
                        }
                    }
                }
            }
            Job::ListIndex => {
                let mut by_kind: BTreeMap<(usize, &str), Vec<Value>> = BTreeMap::new();
                for l in &site.lists {
                    let order = crate::ledger::KINDS
                        .iter()
                        .position(|k| k.0 == l.kind)
                        .unwrap_or(99);
                    by_kind.entry((order, l.kind_label.as_str())).or_default().push(obj!({
                        "title": &l.title, "url": &l.url, "department": &l.department,
                        "updated_cn": cn_date(l.updated), "count": l.items.len(), "kind_label": &l.kind_label,
                    }));
                }
                Output::Page {
                    template: "list_index.html",
                    url: "/lists/".into(),
                    ctx: obj!({
                        "title": "清单公开",
                        "column": column("清单公开", "信息公开目录", "lists"),
                        "breadcrumb": crumbs(&[], "清单公开"),
                        "kinds": by_kind.into_iter().map(|((_, k), ls)| obj!({"kind_label": k, "lists": ls})).collect::<Vec<_>>(),
                    }),
                }
            }
            Job::List { list, page } => self.list_page(&site.lists[*list], *page),
            Job::ListItem { list, item } => self.list_item(&site.lists[*list], *item),
            Job::ListDownloads(list) => Output::Raw(downloads(site, &site.lists[*list])),
            Job::ReportIndex => Output::Page {
                template: "report_index.html",
                url: "/reports/".into(),
                ctx: obj!({
                    "title": "政府信息公开工作年度报告",
                    "column": column("信息公开年报", "信息公开年报", "reports"),
                    "breadcrumb": crumbs(&[("政府信息公开", "/disclosure/")], "信息公开年报"),
                    "reports": site.reports.iter().rev().collect::<Vec<_>>(),
                    "website_reports": site.website_reports.iter().rev().map(|r| obj!({"year": r.year, "url": &r.url})).collect::<Vec<_>>(),
                }),
            },
            Job::WebsiteReport(i) => {
                let r = &site.website_reports[*i];
                let title = format!("{}{}年政府网站工作年度报表", site.config.title, r.year);
                Output::Page {
                    template: "website_report.html",
                    url: r.url.clone(),
                    ctx: obj!({
                        "title": &title,
                        "column": column("信息公开年报", "信息公开年报", "reports"),
                        "breadcrumb": crumbs(&[("政府信息公开", "/disclosure/"), ("信息公开年报", "/reports/")], &format!("{}年政府网站工作年度报表", r.year)),
                        "article": {
                            "title": &title, "pubdate": pub_date(chrono::NaiveDate::from_ymd_opt(r.year + 1, 1, 1).unwrap_or(site.build_date)), "source": site.config.host_or_title(),
                            "keywords": format!("政府网站工作年度报表,{}年", r.year), "author": site.config.host_or_title(),
                            "description": format!("{title}：网站访问、信息发布、政策解读、办事服务、互动交流、安全防护和移动新媒体情况（国办函〔2018〕12号）。"),
                            "image": Value::Null,
                        },
                        "report": r,
                    }),
                }
            }
            Job::Report(i) => {
                let r = &site.reports[*i];
                let title = format!("{}{}年政府信息公开工作年度报告", site.config.title, r.year);
                Output::Page {
                    template: "report.html",
                    url: r.url.clone(),
                    ctx: obj!({
                        "title": &title,
                        "column": column("信息公开年报", "信息公开年报", "reports"),
                        "breadcrumb": crumbs(&[("政府信息公开", "/disclosure/"), ("信息公开年报", "/reports/")], &format!("{}年年报", r.year)),
                        "article": {
                            "title": &title, "pubdate": pub_date(chrono::NaiveDate::from_ymd_opt(r.year + 1, 1, 1).unwrap_or(site.build_date)), "source": site.config.host_or_title(),
                            "keywords": format!("政府信息公开年报,{}年", r.year), "author": site.config.host_or_title(),
                            "description": format!("{title}：主动公开、依申请公开、复议诉讼情况及存在的主要问题和改进措施。"),
                            "image": Value::Null,
                        },
                        "report": r,
                    }),
                }
            }
            Job::Disclosure => Output::Page {
                template: "disclosure.html",
                url: "/disclosure/".into(),
                ctx: obj!({
                    "title": "政府信息公开",
                    "column": column("政府信息公开", "信息公开目录", "disclosure"),
                    "breadcrumb": crumbs(&[], "政府信息公开"),
                    "pages": site.pages.iter().map(|p| obj!({"title": &p.title, "url": &p.url, "slug": &p.slug})).collect::<Vec<_>>(),
                    "lists": site.lists.iter().map(|l| obj!({"title": &l.title, "url": &l.url})).collect::<Vec<_>>(),
                    "reports": site.reports.iter().rev().map(|r| obj!({"year": r.year, "url": &r.url})).collect::<Vec<_>>(),
                    "categories": self.facets[4].groups.iter().enumerate().map(|(gi, g)| obj!({"label": &g.label, "url": self.facet_url("catalog", 4, gi), "count": g.items.len()})).collect::<Vec<_>>(),
                }),
            },
            Job::Search => Output::Page {
                template: "search.html",
                url: "/search/".into(),
                ctx: obj!({
                    "title": "站内搜索",
                    "column": column("站内搜索", "首页", ""),
                    "breadcrumb": crumbs(&[], "站内搜索"),
                    "years": self.facets[0].groups.iter().enumerate().map(|(gi, g)| obj!({"label": &g.label, "url": self.facet_url("policies", 0, gi)})).collect::<Vec<_>>(),
                }),
            },
            Job::Sitemap => Output::Page {
                template: "sitemap.html",
                url: "/sitemap/".into(),
                ctx: obj!({
                    "title": "网站地图",
                    "column": column("网站地图", "首页", ""),
                    "breadcrumb": crumbs(&[], "网站地图"),
                    "pages": site.pages.iter().map(|p| obj!({"title": &p.title, "url": &p.url})).collect::<Vec<_>>(),
                    "lists": site.lists.iter().map(|l| obj!({"title": &l.title, "url": &l.url})).collect::<Vec<_>>(),
                    "reports": site.reports.iter().rev().map(|r| obj!({"year": r.year, "url": &r.url})).collect::<Vec<_>>(),
                    "library_facets": self.facet_nav("policies", &self.library_facets, None),
                    "catalog_facets": self.facet_nav("catalog", &self.catalog_facets[..1], None),
                    "forms": FORMS.iter().enumerate().filter(|(fi, _)| !self.forms[*fi].is_empty()).map(|(_, (n, s))| obj!({"name": n, "url": format!("/interpretations/by-form/{s}/")})).collect::<Vec<_>>(),
                }),
            },
            Job::NotFound => Output::Page {
                template: "404.html",
                url: "/404.html".into(),
                ctx: obj!({
                    "title": "页面不存在",
                    "column": column("页面不存在", "首页", ""),
                    "breadcrumb": crumbs(&[], "页面不存在"),
                }),
            },
            Job::Feeds => {
                let pe: Vec<feeds::Entry> = site
                    .policies
                    .iter()
                    .take(50)
                    .map(|p| feeds::Entry {
                        title: &p.title,
                        url: &p.url,
                        date: p.published,
                        summary: &p.summary,
                        author: &p.issuer,
                    })
                    .collect();
                let ie: Vec<feeds::Entry> = site
                    .interpretations
                    .iter()
                    .take(50)
                    .map(|p| feeds::Entry {
                        title: &p.title,
                        url: &p.url,
                        date: p.published,
                        summary: &p.summary,
                        author: p.interpreter.as_deref().unwrap_or(""),
                    })
                    .collect();
                Output::Raw(vec![
                    (
                        "policies/atom.xml".into(),
                        feeds::atom(site, "政策文件", "/policies/atom.xml", "/policies/", &pe)
                            .into_bytes(),
                    ),
                    (
                        "interpretations/atom.xml".into(),
                        feeds::atom(
                            site,
                            "政策解读",
                            "/interpretations/atom.xml",
                            "/interpretations/",
                            &ie,
                        )
                        .into_bytes(),
                    ),
                ])
            }
            Job::SitemapXml => {
                let mut urls: Vec<(String, Option<chrono::NaiveDate>)> = super::plan(self)
                    .iter()
                    .filter(|j| !matches!(j, Job::NotFound | Job::Search))
                    .filter_map(|j| match self.url_and_date(j) {
                        Some((u, d)) if u.ends_with('/') => Some((u, d)),
                        _ => None,
                    })
                    .collect();
                urls.sort();
                Output::Raw(vec![(
                    "sitemap.xml".into(),
                    feeds::sitemap_xml(site, &urls).into_bytes(),
                )])
            }
            Job::Robots => Output::Raw(vec![(
                "robots.txt".into(),
                feeds::robots(site).into_bytes(),
            )]),
        }
    }

    /// URL (and date, for documents) of a page job, without rendering it.
    fn url_and_date(&self, job: &Job) -> Option<(String, Option<chrono::NaiveDate>)> {
        let site = self.site;
        Some(match job {
            Job::Policy(i) => (
                site.policies[*i].url.clone(),
                Some(site.policies[*i].published),
            ),
            Job::Interpretation(i) => (
                site.interpretations[*i].url.clone(),
                Some(site.interpretations[*i].published),
            ),
            Job::ListItem { list, item } => (
                format!(
                    "{}{}/",
                    site.lists[*list].url,
                    crate::validate::encode_path(&site.lists[*list].items[*item].slug)
                ),
                None,
            ),
            Job::List { list, page } => {
                let l = &site.lists[*list];
                (
                    if *page == 1 {
                        l.url.clone()
                    } else {
                        format!("{}page/{page}/", l.url)
                    },
                    Some(l.updated),
                )
            }
            other => (self.page_url(other)?, None),
        })
    }

    /// URL of a page job, computed without building its context (the same URL
    /// [`Prepared::context`] gives it); `None` for jobs that write files directly.
    pub fn page_url(&self, job: &Job) -> Option<String> {
        let site = self.site;
        let paged = |base: String, page: usize| {
            if page == 1 {
                base
            } else {
                format!("{base}page/{page}/")
            }
        };
        Some(match job {
            Job::Home => "/".into(),
            Job::Policy(i) => site.policies[*i].url.clone(),
            Job::Interpretation(i) => site.interpretations[*i].url.clone(),
            Job::Page(i) => site.pages[*i].url.clone(),
            Job::PolicyList { facet, page } => paged(
                match facet {
                    None => "/policies/".into(),
                    Some((fi, gi)) => self.facet_url("policies", self.library_facets[*fi], *gi),
                },
                *page,
            ),
            Job::Catalog { facet, page } => paged(
                match facet {
                    None => "/catalog/".into(),
                    Some((fi, gi)) => self.facet_url("catalog", self.catalog_facets[*fi], *gi),
                },
                *page,
            ),
            Job::InterpretationList { form: None, .. } => "/interpretations/".into(),
            Job::InterpretationList {
                form: Some(fi),
                page,
            } => paged(
                format!("/interpretations/by-form/{}/", form_slug(*fi)),
                *page,
            ),
            Job::ListIndex => "/lists/".into(),
            Job::List { list, page } => paged(site.lists[*list].url.clone(), *page),
            Job::ListItem { list, item } => {
                let l = &site.lists[*list];
                format!(
                    "{}{}/",
                    l.url,
                    crate::validate::encode_path(&l.items[*item].slug)
                )
            }
            Job::ReportIndex => "/reports/".into(),
            Job::Report(i) => site.reports[*i].url.clone(),
            Job::WebsiteReport(i) => site.website_reports[*i].url.clone(),
            Job::Disclosure => "/disclosure/".into(),
            Job::Search => "/search/".into(),
            Job::Sitemap => "/sitemap/".into(),
            Job::NotFound => "/404.html".into(),
            Job::Feeds | Job::SitemapXml | Job::Robots | Job::ListDownloads(_) => return None,
        })
    }

    fn list_page(&self, l: &Ledger, page: usize) -> Output {
        let total = l.items.len().div_ceil(ROWS_PER_PAGE).max(1);
        let url = if page == 1 {
            l.url.clone()
        } else {
            format!("{}page/{page}/", l.url)
        };
        let cols: Vec<&crate::ledger::Column> = l.columns.iter().filter(|c| c.in_table).collect();
        let items = page_slice(&l.items, page, ROWS_PER_PAGE);
        let merge =
            |key: &str| l.kind == "tasks" && (key == "seq" || key == "task" || key == "lead");
        // Rowspans for merged cells: consecutive equal values within this page (and group).
        let mut rows: Vec<Value> = Vec::new();
        let mut spans: Vec<Vec<usize>> = vec![vec![1; cols.len()]; items.len()];
        for (ci, c) in cols.iter().enumerate() {
            if !merge(&c.key) {
                continue;
            }
            let mut start = 0;
            for r in 1..=items.len() {
                let same = r < items.len()
                    && items[r].values.get(&c.key) == items[start].values.get(&c.key)
                    && items[r].values.get("group") == items[start].values.get("group")
                    && items[r].values.contains_key(&c.key);
                if !same {
                    spans[start][ci] = r - start;
                    for s in spans.iter_mut().take(r).skip(start + 1) {
                        s[ci] = 0;
                    }
                    start = r;
                }
            }
        }
        let mut last_group: Option<String> = None;
        for (ri, it) in items.iter().enumerate() {
            let group = it.values.get("group").map(Cell::display);
            let group_start = if group != last_group && group.is_some() {
                group.clone()
            } else {
                None
            };
            last_group = group;
            rows.push(obj!({
                "url": format!("{}{}/", l.url, crate::validate::encode_path(&it.slug)),
                "position": it.position,
                "group_start": group_start,
                "overdue": it.overdue,
                "due_cn": it.due.map(cn_date),
                "status": it.values.get("status").map(Cell::display),
                "cells": cols.iter().enumerate().map(|(ci, c)| obj!({
                    "key": &c.key,
                    "text": it.values.get(&c.key).map(Cell::display).unwrap_or_default(),
                    "rowspan": spans[ri][ci],
                })).collect::<Vec<_>>(),
            }));
        }
        let title = if page > 1 {
            format!("{}（第{page}页）", l.title)
        } else {
            l.title.clone()
        };
        Output::Page {
            template: "list.html",
            url,
            ctx: obj!({
                "title": title,
                "column": column(&l.kind_label, "信息公开目录", "lists"),
                "breadcrumb": crumbs(&[("清单公开", "/lists/")], &l.title),
                "list": {
                    "title": &l.title, "kind": &l.kind, "kind_label": &l.kind_label, "department": &l.department,
                    "updated_cn": cn_date(l.updated), "description": &l.description, "count": l.items.len(),
                    "summary": &l.summary, "url": &l.url,
                    "csv": format!("/lists/{}.csv", crate::validate::encode_path(&l.stem)),
                    "json": format!("/lists/{}.json", crate::validate::encode_path(&l.stem)),
                },
                "description": match &l.description {
                    Some(d) if !d.trim().is_empty() && page == 1 => d.clone(),
                    _ => format!(
                        "{}：{}公开的{}，共{}项，更新于{}。{}",
                        l.title,
                        l.department.as_deref().unwrap_or(&self.site.config.title),
                        l.kind_label,
                        l.items.len(),
                        cn_date(l.updated),
                        if page > 1 { format!("第{page}页。") } else { String::new() }
                    ),
                },
                "columns": cols.iter().map(|c| obj!({"key": &c.key, "label": &c.label})).collect::<Vec<_>>(),
                "rows": rows,
                "pagination": pagination(&l.url, page, total, l.items.len()),
                "is_tasks": l.kind == "tasks",
            }),
        }
    }

    fn list_item(&self, l: &Ledger, i: usize) -> Output {
        let it = &l.items[i];
        let name = ["name", "task", "question"]
            .iter()
            .find_map(|k| {
                // A message can be long: its first words name the item.
                let n = if *k == "question" { 40 } else { usize::MAX };
                it.values.get(*k).map(|v| clip(&v.display(), n))
            })
            .unwrap_or_else(|| format!("第{}项", it.position));
        let title = format!("{name} - {}", l.title);
        let page = i / ROWS_PER_PAGE + 1;
        let back = if page == 1 {
            l.url.clone()
        } else {
            format!("{}page/{page}/", l.url)
        };
        let link = |j: usize| obj!({"url": format!("{}{}/", l.url, crate::validate::encode_path(&l.items[j].slug)), "position": l.items[j].position});
        Output::Page {
            template: "list_item.html",
            url: format!("{}{}/", l.url, crate::validate::encode_path(&it.slug)),
            ctx: obj!({
                "title": title,
                "heading": &name,
                "column": column(&l.kind_label, "信息公开目录", "lists"),
                "breadcrumb": crumbs(&[("清单公开", "/lists/"), (&l.title, &l.url)], &name),
                "list": {"title": &l.title, "url": &l.url, "kind_label": &l.kind_label, "department": &l.department, "updated_cn": cn_date(l.updated)},
                "description": format!(
                    "{}第{}项：{}。{}",
                    l.title,
                    it.position,
                    name,
                    l.columns
                        .iter()
                        .filter(|c| !matches!(c.key.as_str(), "name" | "task" | "question"))
                        .filter_map(|c| it.values.get(&c.key).map(|v| format!("{}：{}", c.label, v.display().trim_end_matches('。'))))
                        .take(3)
                        .collect::<Vec<_>>()
                        .join("；")
                ),
                "back": back,
                "prev": if i > 0 { link(i - 1) } else { Value::Null },
                "next": if i + 1 < l.items.len() { link(i + 1) } else { Value::Null },
                "fields": l.columns.iter().filter_map(|c| it.values.get(&c.key).map(|v| obj!({"label": &c.label, "text": v.display()}))).collect::<Vec<_>>(),
                "item": {"position": it.position, "overdue": it.overdue, "due_cn": it.due.map(cn_date), "is_task": l.kind == "tasks"},
            }),
        }
    }
}

/// A CSV cell as spreadsheets may safely open it: a value starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return would be run as a formula by Excel or WPS (CSV injection), so
/// it gets a leading `'`, which they show as text. The JSON download keeps the value as is.
pub fn csv_cell(s: String) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// CSV (UTF-8 with BOM, for Excel) and JSON downloads of a ledger: one row per item, every field.
pub fn downloads(site: &Site, l: &Ledger) -> Files {
    let mut csv_bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut csv_bytes);
        let mut header: Vec<&str> = vec!["序号"];
        header.extend(l.columns.iter().map(|c| c.label.as_str()));
        if l.kind == "tasks" {
            header.extend(["推算到期日期", "是否逾期"]);
        }
        let _ = w.write_record(&header);
        for it in &l.items {
            let mut rec: Vec<String> = vec![it.position.to_string()];
            rec.extend(
                l.columns.iter().map(|c| {
                    csv_cell(it.values.get(&c.key).map(Cell::display).unwrap_or_default())
                }),
            );
            if l.kind == "tasks" {
                rec.push(it.due.map(|d| d.to_string()).unwrap_or_default());
                rec.push(if it.overdue { "是" } else { "否" }.into());
            }
            let _ = w.write_record(&rec);
        }
        let _ = w.flush();
    }
    let items: Vec<Value> = l
        .items
        .iter()
        .map(|it| {
            let mut m = Map::new();
            m.insert("position".into(), json!(it.position));
            m.insert(
                "url".into(),
                json!(format!(
                    "{}{}{}/",
                    site.config.base_url,
                    l.url,
                    crate::validate::encode_path(&it.slug)
                )),
            );
            for c in &l.columns {
                if let Some(v) = it.values.get(&c.key) {
                    m.insert(
                        c.key.clone(),
                        serde_json::to_value(v).unwrap_or(Value::Null),
                    );
                }
            }
            if l.kind == "tasks" {
                m.insert("due_computed".into(), json!(it.due.map(|d| d.to_string())));
                m.insert("overdue".into(), json!(it.overdue));
            }
            Value::Object(m)
        })
        .collect();
    let doc = obj!({
        "title": &l.title,
        "kind": &l.kind,
        "kind_label": &l.kind_label,
        "department": &l.department,
        "updated": l.updated.to_string(),
        "columns": l.columns.iter().map(|c| obj!({"key": &c.key, "label": &c.label})).collect::<Vec<_>>(),
        "items": items,
    });
    let json_bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    vec![
        (format!("lists/{}.csv", l.stem), csv_bytes),
        (format!("lists/{}.json", l.stem), json_bytes),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `page_url` (used for sitemap.xml and the build cache) agrees with `context` on every job.
    #[test]
    fn page_url_matches_context() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = crate::source::load(root).expect("demo site loads");
        let (site, _) = crate::validate::validate(loaded, &crate::validate::Options::from_env());
        let p = Prepared::new(&site);
        let jobs = super::super::plan(&p);
        assert!(jobs.len() > 50);
        for job in &jobs {
            match p.context(job) {
                Output::Page { url, .. } => {
                    assert_eq!(p.page_url(job).as_deref(), Some(url.as_str()), "{job:?}")
                }
                Output::Raw(_) => assert_eq!(p.page_url(job), None, "{job:?}"),
            }
        }
    }
}
