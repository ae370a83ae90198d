//! The pages of single documents: a policy, a 解读, a page, an annual report and a website
//! report, each with its article tags.

use super::chrome::{column, crumbs, to_value, Page};
use super::rows::{InterpListRow, InterpRow, PolicyRow};
use super::{Made, Prepared};
use crate::format::cn_date;
use crate::model::{Attachment, Policy, TocEntry};
use chrono::NaiveDate;
use serde::Serialize;

/// The article tags of a document page (`article.*`, 网页设计规范's ArticleTitle, PubDate …).
#[derive(Serialize)]
struct Article<'a> {
    title: &'a str,
    pubdate: String,
    source: &'a str,
    keywords: String,
    author: &'a str,
    description: &'a str,
    image: Option<String>,
}

/// A policy with everything its page shows (`policy.*`).
#[derive(Serialize)]
struct PolicyView<'a> {
    #[serde(flatten)]
    row: PolicyRow<'a>,
    written_cn: Option<String>,
    genre: &'a Option<String>,
    doc_type: &'a str,
    reg_no: &'a Option<String>,
    effective_cn: Option<String>,
    effective: Option<String>,
    expires_cn: Option<String>,
    expires: Option<String>,
    validity_changed_cn: Option<String>,
    replaced_by: Option<PolicyRef<'a>>,
    attachments: &'a [Attachment],
    body: &'a str,
    toc: &'a [TocEntry],
    interpretations: Vec<InterpListRow<'a>>,
}

#[derive(Serialize)]
struct PolicyRef<'a> {
    title: &'a str,
    url: &'a str,
    doc_no: &'a Option<String>,
}

#[derive(Serialize)]
struct PolicyPage<'a> {
    article: Article<'a>,
    policy: PolicyView<'a>,
}

/// A 解读 with everything its page shows (`interpretation.*`).
#[derive(Serialize)]
struct InterpretationView<'a> {
    #[serde(flatten)]
    row: InterpRow<'a, PolicyRow<'a>>,
    body: &'a str,
    toc: &'a [TocEntry],
    workdays_after: Option<i64>,
}

#[derive(Serialize)]
struct InterpretationPage<'a> {
    article: Article<'a>,
    interpretation: InterpretationView<'a>,
}

#[derive(Serialize)]
struct PageBody<'a> {
    title: &'a str,
    body: &'a str,
    toc: &'a [TocEntry],
}

#[derive(Serialize)]
struct PagePage<'a> {
    page: PageBody<'a>,
    description: &'a str,
}

#[derive(Serialize)]
struct ReportPage<'a, R> {
    article: Article<'a>,
    report: &'a R,
}

fn pub_date(d: NaiveDate) -> String {
    format!("{} 00:00", d.format("%Y-%m-%d"))
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

impl Prepared<'_> {
    pub(super) fn policy(&self, i: usize) -> Made {
        let site = self.site;
        let p = &site.policies[i];
        let view = PolicyView {
            row: PolicyRow::new(p),
            written_cn: p.written.map(cn_date),
            genre: &p.genre,
            doc_type: &p.doc_type,
            reg_no: &p.reg_no,
            effective_cn: p.effective.map(cn_date),
            effective: p.effective.map(|d| d.to_string()),
            expires_cn: p.expires.map(cn_date),
            expires: p.expires.map(|d| d.to_string()),
            validity_changed_cn: p.validity_changed.map(cn_date),
            replaced_by: p.replaced_by.map(|r| {
                let r = &site.policies[r];
                PolicyRef {
                    title: &r.title,
                    url: &r.url,
                    doc_no: &r.doc_no,
                }
            }),
            attachments: &p.attachments,
            body: p.body.html.as_str(),
            toc: &p.body.toc,
            interpretations: p
                .interpretations
                .iter()
                .map(|j| InterpListRow::new(site, &site.interpretations[*j]))
                .collect(),
        };
        let page = Page::new(
            p.title.as_str(),
            column("政策文件", "政策文件", "policies"),
            crumbs(&[("政策文件", "/policies/")], &p.title),
            PolicyPage {
                article: Article {
                    title: &p.title,
                    pubdate: pub_date(p.published),
                    source: &p.issuer,
                    keywords: policy_keywords(p),
                    author: &p.issuer,
                    description: &p.summary,
                    image: first_image(p.body.html.as_str(), &site.config.base_url, &p.url),
                },
                policy: view,
            },
        );
        Made::Page("policy.html", to_value(&page))
    }

    pub(super) fn interpretation(&self, i: usize) -> Made {
        let site = self.site;
        let it = &site.interpretations[i];
        let source = it
            .interpreter
            .clone()
            .unwrap_or_else(|| site.config.host_or_title());
        let view = InterpretationView {
            row: InterpRow::with(it, |p| PolicyRow::new(&site.policies[p])),
            body: it.body.html.as_str(),
            toc: &it.body.toc,
            workdays_after: it.workdays_after,
        };
        let keywords = format!(
            "政策解读,{}解读,{}",
            it.form,
            it.interprets
                .iter()
                .map(|p| site.policies[*p].title.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        let page = Page::new(
            it.title.as_str(),
            column("政策解读", "政策解读", "interpretations"),
            crumbs(&[("政策解读", "/interpretations/")], &it.title),
            InterpretationPage {
                article: Article {
                    title: &it.title,
                    pubdate: pub_date(it.published),
                    source: &source,
                    keywords,
                    author: &source,
                    description: &it.summary,
                    image: first_image(it.body.html.as_str(), &site.config.base_url, &it.url),
                },
                interpretation: view,
            },
        );
        Made::Page("interpretation.html", to_value(&page))
    }

    pub(super) fn page(&self, i: usize) -> Made {
        let p = &self.site.pages[i];
        let (ty, nav) = match p.slug.as_str() {
            "guide" => ("信息公开指南", "disclosure"),
            "apply" => ("依法申请公开", "disclosure"),
            "system" => ("政府信息公开制度", "disclosure"),
            "about" => ("机构职能", "disclosure"),
            _ => ("概况信息", ""),
        };
        let breadcrumb = if nav == "disclosure" {
            crumbs(&[("政府信息公开", "/disclosure/")], &p.title)
        } else {
            crumbs(&[], &p.title)
        };
        let page = Page::new(
            p.title.as_str(),
            column(&p.title, ty, nav),
            breadcrumb,
            PagePage {
                page: PageBody {
                    title: &p.title,
                    body: p.body.html.as_str(),
                    toc: &p.body.toc,
                },
                description: &p.summary,
            },
        );
        Made::Page("page.html", to_value(&page))
    }

    /// An annual report (`website` false) or a website report of `year`: its page, titled
    /// `title`, its last crumb `crumb`.
    fn report_page<R: Serialize>(
        &self,
        template: &'static str,
        year: i32,
        report: &R,
        (what, crumb, about): (&str, &str, &str),
    ) -> Made {
        let site = self.site;
        let title = format!("{}{year}年{what}", site.config.title);
        let host = site.config.host_or_title();
        let description = format!("{title}：{about}");
        let page = Page::new(
            title.as_str(),
            column("信息公开年报", "信息公开年报", "reports"),
            crumbs(
                &[
                    ("政府信息公开", "/disclosure/"),
                    ("信息公开年报", "/reports/"),
                ],
                crumb,
            ),
            ReportPage {
                article: Article {
                    title: &title,
                    pubdate: pub_date(
                        NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(site.build_date),
                    ),
                    source: &host,
                    keywords: format!("{what_key},{year}年", what_key = keyword(what)),
                    author: &host,
                    description: &description,
                    image: None,
                },
                report,
            },
        );
        Made::Page(template, to_value(&page))
    }

    pub(super) fn report(&self, i: usize) -> Made {
        let r = &self.site.reports[i];
        self.report_page(
            "report.html",
            r.year,
            r,
            (
                "政府信息公开工作年度报告",
                &format!("{}年年报", r.year),
                "主动公开、依申请公开、复议诉讼情况及存在的主要问题和改进措施。",
            ),
        )
    }

    pub(super) fn website_report(&self, i: usize) -> Made {
        let r = &self.site.website_reports[i];
        self.report_page(
            "website_report.html",
            r.year,
            r,
            (
                "政府网站工作年度报表",
                &format!("{}年政府网站工作年度报表", r.year),
                "网站访问、信息发布、政策解读、办事服务、互动交流、安全防护和移动新媒体情况（国办函〔2018〕12号）。",
            ),
        )
    }
}

/// The first keyword of a report page.
fn keyword(what: &str) -> &str {
    match what {
        "政府信息公开工作年度报告" => "政府信息公开年报",
        other => other,
    }
}
