//! Stage 3, **render**: the site model and templates in, files out (into a [`Sink`]).
//!
//! Rendering is planned as a list of [`Job`]s, one per output file or group of files, in a
//! fixed order; jobs run in parallel and each produces the same bytes whatever the thread
//! count. [`run`] is the one loop that runs them, for `build`, `serve` and tests; [`keys`]
//! says which jobs can be skipped.

pub mod feeds;
pub mod keys;
pub mod run;
pub mod search;
mod views;

use crate::diagnostics::{Code, Diagnostic};
use crate::model::{CopyFile, Site};
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use tera::Tera;

use crate::format::{cn_date, escape_html};
use crate::routes::{url_to_path, Job};
pub use views::Prepared;

/// Builds the template engine: the built-in theme, overridden by the site's templates; the
/// site's files that override theme assets (`copies`) are fingerprinted for `asset()`.
pub fn templates(
    templates: &BTreeMap<String, String>,
    copies: &[CopyFile],
) -> Result<Tera, Vec<Diagnostic>> {
    let mut files: BTreeMap<String, String> = crate::theme::TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    for (n, t) in templates {
        files.insert(n.clone(), t.clone());
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.register_filter("cndate", cndate_filter);
    register_assets(
        &mut tera,
        fingerprints(copies)
            .into_iter()
            .map(|(k, (h, _))| (k, h))
            .collect(),
    );
    tera.add_raw_templates(files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| vec![template_error(&e)])?;
    Ok(tera)
}

/// Theme assets under content-hashed names, for long-lived caching: the output path of each
/// theme file under `assets/` (or the site's file that overrides it) → its hashed output path
/// (`assets/gongkai.css` → `assets/gongkai.0123456789.css`) and bytes. The plain name is
/// written too, for templates that link it directly.
pub fn fingerprints(copies: &[CopyFile]) -> BTreeMap<String, (String, Vec<u8>)> {
    let mut out = BTreeMap::new();
    for (rel, bytes) in crate::theme::STATIC {
        if !rel.starts_with("assets/") {
            continue;
        }
        let bytes = match copies.iter().find(|c| c.rel == *rel) {
            Some(c) => match std::fs::read(&c.abs) {
                Ok(b) => b,
                Err(_) => continue,
            },
            None => bytes.to_vec(),
        };
        let hash = crate::manifest::sha256(&bytes);
        let short: String = hash[..5].iter().map(|b| format!("{b:02x}")).collect();
        let hashed = match rel.rsplit_once('.') {
            Some((stem, ext)) if !ext.contains('/') => format!("{stem}.{short}.{ext}"),
            _ => format!("{rel}.{short}"),
        };
        out.insert(rel.to_string(), (hashed, bytes));
    }
    out
}

/// The `asset(path="assets/x.css")` template function: the URL of a theme asset, under its
/// hashed name when it has one.
fn register_assets(tera: &mut Tera, names: BTreeMap<String, String>) {
    tera.register_function(
        "asset",
        move |args: &std::collections::HashMap<String, Value>| -> tera::Result<Value> {
            let path = args
                .get("path")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    tera::Error::msg(
                        "asset() 需要参数 path，例如 asset(path=\"assets/gongkai.css\")",
                    )
                })?
                .trim_start_matches('/');
            Ok(Value::String(format!(
                "/{}",
                names.get(path).map(String::as_str).unwrap_or(path)
            )))
        },
    );
}

fn cndate_filter(v: &Value, _: &std::collections::HashMap<String, Value>) -> tera::Result<Value> {
    let s = v.as_str().unwrap_or("");
    Ok(match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Value::String(cn_date(d)),
        Err(_) => v.clone(),
    })
}

fn template_error(e: &tera::Error) -> Diagnostic {
    use std::error::Error as _;
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push('：');
        msg.push_str(&s.to_string());
        src = s.source();
    }
    Diagnostic::new(Code::Template, format!("模板错误：{msg}"))
        .in_file("templates")
        .with_hint("检查 templates/ 或 themes/ 下的模板文件")
}

/// Every job of a site, in a fixed order (see [`crate::routes::Routes::plan`]).
pub fn plan(p: &Prepared) -> Vec<Job> {
    p.plan()
}

/// The output paths a job writes, known without rendering it.
pub fn job_paths(p: &Prepared, job: &Job) -> Vec<String> {
    p.paths(job)
}

/// Who writes an output path, in words for a diagnostic: the source file, or the page
/// gongkai generates.
pub fn job_owner(site: &Site, job: &Job, path: &str) -> String {
    match job {
        Job::Policy(i) => site.policies[*i].source.clone(),
        Job::Interpretation(i) => site.interpretations[*i].source.clone(),
        Job::Page(i) => site.pages[*i].source.clone(),
        Job::List { list, .. } | Job::ListItem { list, .. } | Job::ListDownloads(list) => {
            format!("{}（生成的 {path}）", site.lists[*list].source)
        }
        Job::Report(i) => site.reports[*i].source.clone(),
        _ => format!("gongkai 生成的 {path}"),
    }
}

/// E-URL-CONFLICT for every output path two things would write, and for a file that would
/// have to be a folder for another (`policies/atom.xml` and `policies/atom.xml/index.html`).
/// `check` runs it, so it fails wherever `build` would; the paths come from the plan, without
/// rendering a page.
pub fn output_conflicts(site: &Site) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let prepared = Prepared::new(site);
    let jobs = plan(&prepared);
    /// Who writes a path: a job (by its place in the plan) or a copied file.
    #[derive(Clone, Copy)]
    enum Who {
        Job(usize),
        Copy(usize),
    }
    // Names and sources are made only for a conflict (there are 250,000 paths at 100,000
    // documents).
    let owner = |who: Who, path: &str| match who {
        Who::Job(i) => job_owner(site, &jobs[i], path),
        Who::Copy(i) => format!("复制的文件 {}", site.copies[i].rel),
    };
    let source = |who: Who| match who {
        Who::Job(i) => source_of(site, &jobs[i]),
        Who::Copy(_) => None,
    };
    let mut claims: Vec<(String, Who)> = jobs
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, job)| {
            job_paths(&prepared, job)
                .into_iter()
                .map(move |p| (p, Who::Job(i)))
        })
        .collect();
    claims.extend(
        site.copies
            .iter()
            .enumerate()
            .map(|(i, c)| (c.rel.clone(), Who::Copy(i))),
    );
    // A stable sort: of the claims of one path, the first in plan order (copies last)
    // comes first and owns it.
    claims.par_sort_by(|a, b| a.0.cmp(&b.0));
    let mut diags = Vec::new();
    let mut owners: Vec<(&str, Who)> = Vec::with_capacity(claims.len());
    for (path, who) in &claims {
        match owners.last() {
            Some((p, first)) if *p == path.as_str() => {
                let src = source(*who).or_else(|| source(*first));
                diags.push(conflict_diag(
                    path,
                    &owner(*first, path),
                    &owner(*who, path),
                    src.as_deref(),
                ));
            }
            _ => owners.push((path, *who)),
        }
    }
    // A path that another needs as a folder: the first path after `path/` in order starts
    // with it.
    let inside: Vec<Diagnostic> = owners
        .par_iter()
        .filter_map(|(path, who)| {
            let folder = format!("{path}/");
            let at = owners.partition_point(|(p, _)| *p < folder.as_str());
            let (q, other) = owners.get(at).filter(|(q, _)| q.starts_with(&folder))?;
            let other_name = owner(*other, q);
            let src = source(*other).or_else(|| source(*who));
            Some(conflict_diag(
                path,
                &owner(*who, path),
                &if other_name.contains(q) {
                    other_name
                } else {
                    format!("{other_name}（{q}）")
                },
                src.as_deref(),
            ))
        })
        .collect();
    diags.extend(inside);
    diags
}

fn source_of(site: &Site, job: &Job) -> Option<String> {
    Some(match job {
        Job::Policy(i) => site.policies[*i].source.clone(),
        Job::Interpretation(i) => site.interpretations[*i].source.clone(),
        Job::Page(i) => site.pages[*i].source.clone(),
        Job::List { list, .. } | Job::ListItem { list, .. } | Job::ListDownloads(list) => {
            site.lists[*list].source.clone()
        }
        Job::Report(i) => site.reports[*i].source.clone(),
        _ => return None,
    })
}

fn conflict_diag(path: &str, first: &str, second: &str, source: Option<&str>) -> Diagnostic {
    let d = Diagnostic::new(
        Code::UrlConflict,
        format!("两处内容要写到同一个输出位置 {path}：{first} 与 {second}"),
    )
    .with_hint(
        "重命名其中一个文件（文件名不要与网站自动生成的栏目、页面或下载文件相同），或修改 slug",
    );
    match source {
        Some(s) => d.in_file(s),
        None => d,
    }
}

/// A rendered job: files as (output path, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

impl Prepared<'_> {
    /// Renders one job.
    pub fn run(&self, tera: &Tera, job: &Job) -> Result<Files, Diagnostic> {
        match self.context(job) {
            views::Output::Page { template, url, ctx } => {
                self.render_page(tera, template, url, ctx)
            }
            views::Output::Raw(files) => Ok(files),
        }
    }

    /// The redirect page of every alias and the page of every withdrawn URL.
    #[allow(clippy::result_large_err)]
    pub fn old_url_pages(&self, tera: &Tera) -> Result<Files, Diagnostic> {
        let site = self.site;
        let mut files = Vec::with_capacity(site.aliases.len() + site.removed.len());
        for a in &site.aliases {
            let ctx =
                json!({"title": "页面已迁移", "target": {"url": &a.target, "title": &a.title}});
            files.extend(self.render_page(tera, "alias.html", a.url.clone(), ctx)?);
        }
        for r in &site.removed {
            let title = if r.status == "已撤销" {
                "该信息已撤销"
            } else {
                "该信息已停止公开"
            };
            let ctx = json!({
                "title": title,
                "column": {"name": "政府信息公开", "type": "信息公开目录", "nav": "disclosure"},
                "breadcrumb": [{"title": "首页", "url": "/"}, {"title": title}],
                "removed": {
                    "status": &r.status,
                    "reason": &r.reason,
                    "date": r.date.to_string(),
                    "date_cn": cn_date(r.date),
                },
            });
            files.extend(self.render_page(tera, "removed.html", r.url.clone(), ctx)?);
        }
        Ok(files)
    }

    #[allow(clippy::result_large_err)]
    fn render_page(
        &self,
        tera: &Tera,
        template: &str,
        url: String,
        mut ctx: Value,
    ) -> Result<Files, Diagnostic> {
        // Pages not made by `context` (redirects, withdrawals) get their 网页标签 here.
        if ctx.get("meta").is_none() {
            self.decorate(&url, &mut ctx);
        }
        let mut map = self.base.clone();
        if let Value::Object(extra) = ctx {
            map.extend(extra);
        }
        map.insert("url".into(), Value::String(url.clone()));
        let context =
            tera::Context::from_value(Value::Object(map)).map_err(|e| template_error(&e))?;
        let html = tera
            .render(template, &context)
            .map_err(|e| template_error(&e))?;
        Ok(vec![(url_to_path(&url), html.into_bytes())])
    }

    /// The template context of a job, for fingerprinting (serve re-renders only changed ones).
    pub fn fingerprint(&self, job: &Job) -> Value {
        match self.context(job) {
            views::Output::Page { template, url, ctx } => json!([template, url, ctx]),
            views::Output::Raw(files) => json!(files
                .iter()
                .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
                .collect::<Vec<_>>()),
        }
    }
}
