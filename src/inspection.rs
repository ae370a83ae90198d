//! The national website inspection (政府网站与政务新媒体检查指标, 国办秘函〔2019〕19号), run
//! before publishing: column freshness (栏目更新), blank columns (空白栏目), 办事指南 elements,
//! the indicators that veto the whole site (单项否决), and the 自查表 that sums every
//! indicator up (`gongkai check --inspection`). Thresholds and their sources: docs/inspection.md.

use crate::config::InspectionConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::format::cn_date;
use crate::model::ledger::{item_count, LedgerKind, Value};
use crate::model::Site;
use crate::source::Loaded;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// Default 栏目更新 limits by column name: the first rule whose word the name contains.
/// (words, days, the indicator's wording)
pub const DEFAULT_LIMITS: &[(&[&str], i64, &str)] = &[
    (&["动态", "要闻", "新闻"], 14, "动态、要闻类栏目 2 周"),
    (
        &["通知", "公告", "政策文件", "政策解读"],
        183,
        "通知公告、政策文件类栏目 6 个月",
    ),
    (&["人事", "规划", "计划"], 365, "人事、规划计划类栏目 1 年"),
];

/// 5 or more stale columns veto the site (栏目不更新).
pub const STALE_VETO: usize = 5;
/// The home page must show something new within this many days when the site has a 动态
/// column (网站不更新).
pub const HOME_DAYS: i64 = 14;
/// 办事指南: an item missing this many elements or more counts toward the veto …
pub const GUIDE_VETO_MISSING: usize = 4;
/// … when this many items or more miss them (服务不实用).
pub const GUIDE_VETO_ITEMS: usize = 5;

/// The ten elements of a 办事指南, as `services` keys with their Chinese names.
pub const GUIDE_ELEMENTS: &[(&str, &str)] = &[
    ("name", "事项名称"),
    ("basis", "设定依据"),
    ("conditions", "申请条件"),
    ("materials", "办理材料"),
    ("location", "办理地点"),
    ("unit", "办理机构"),
    ("fee", "收费标准"),
    ("hours", "办理时间"),
    ("phone", "联系电话"),
    ("process", "办理流程"),
];

/// The update limit of a column and where it comes from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Limit {
    pub days: i64,
    pub source: String,
}

/// One column of the site as the inspection sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Column {
    pub name: String,
    pub items: usize,
    pub last: Option<NaiveDate>,
    pub limit: Option<Limit>,
    /// The file that last updated the column, and the key that dates it.
    #[serde(skip)]
    pub source: Option<(String, &'static str)>,
}

impl Column {
    /// Days past its limit at `today`, when past it.
    pub fn overdue(&self, today: NaiveDate) -> Option<i64> {
        let (last, limit) = (self.last?, self.limit.as_ref()?);
        let age = (today - last).num_days();
        (age > limit.days).then_some(age)
    }
}

/// The limit of a column named `name`: `[inspection] limits` first, then the defaults.
pub fn limit_of(name: &str, cfg: &InspectionConfig) -> Option<Limit> {
    if let Some(d) = cfg.limits.get(name) {
        return Some(Limit {
            days: *d,
            source: "site-config.toml [inspection] limits".into(),
        });
    }
    DEFAULT_LIMITS
        .iter()
        .find(|(words, _, _)| words.iter().any(|w| name.contains(w)))
        .map(|(_, days, why)| Limit {
            days: *days,
            source: format!("检查指标：{why}"),
        })
}

/// The columns: each 公开目录 category with content, 政策解读, and each 清单 kind.
pub fn columns(site: &Site, cfg: &InspectionConfig) -> Vec<Column> {
    let mut by_cat: BTreeMap<&str, (usize, NaiveDate, &str)> = BTreeMap::new();
    for p in &site.policies {
        let e = by_cat
            .entry(p.category.as_str())
            .or_insert((0, p.published, p.source.as_str()));
        e.0 += 1;
        if p.published > e.1 {
            e.1 = p.published;
            e.2 = &p.source;
        }
    }
    let mut out: Vec<Column> = by_cat
        .into_iter()
        .map(|(name, (n, last, src))| Column {
            name: name.to_string(),
            items: n,
            last: Some(last),
            limit: limit_of(name, cfg),
            source: Some((src.to_string(), "published")),
        })
        .collect();
    if let Some(newest) = site.interpretations.iter().max_by_key(|i| i.published) {
        out.push(Column {
            name: "政策解读".into(),
            items: site.interpretations.len(),
            last: Some(newest.published),
            limit: limit_of("政策解读", cfg),
            source: Some((newest.source.clone(), "published")),
        });
    }
    let mut by_kind: BTreeMap<&str, (usize, NaiveDate, &str)> = BTreeMap::new();
    for l in &site.lists {
        let e = by_kind
            .entry(l.kind_label.as_str())
            .or_insert((0, l.updated, l.source.as_str()));
        e.0 += l.items.len();
        if l.updated > e.1 {
            e.1 = l.updated;
            e.2 = &l.source;
        }
    }
    out.extend(by_kind.into_iter().map(|(name, (n, last, src))| Column {
        name: name.to_string(),
        items: n,
        last: Some(last),
        limit: limit_of(name, cfg),
        source: Some((src.to_string(), "updated")),
    }));
    out
}

/// Where a diagnostic about `path` points: the line of `key` in that file.
fn at(d: Diagnostic, loaded: &Loaded, path: &str, key: &str) -> Diagnostic {
    if let Some(raw) = loaded.docs.iter().find(|r| r.file.path == path) {
        let off = crate::fields::find_key(&raw.file.text, raw.front_matter.clone(), key)
            .unwrap_or(raw.front_matter.start);
        return d.at(path, &raw.file.text, off);
    }
    if let Some(raw) = loaded.lists.iter().find(|r| r.file.path == path) {
        let end = raw
            .file
            .text
            .find("[[items]]")
            .unwrap_or(raw.file.text.len());
        let off = crate::fields::find_key(&raw.file.text, 0..end, key).unwrap_or(0);
        return d.at(path, &raw.file.text, off);
    }
    d.in_file(path)
}

fn config_at(d: Diagnostic, loaded: &Loaded, key: &str) -> Diagnostic {
    let path = loaded.root.join("site-config.toml");
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let off = crate::fields::find_key(&text, 0..text.len(), key)
                .or_else(|| text.find("[inspection]"))
                .unwrap_or(0);
            d.at("site-config.toml", &text, off)
        }
        Err(_) => d.in_file("site-config.toml"),
    }
}

/// The site-wide indicator rules (栏目更新, 空白栏目, 办事指南要素, 单项否决) at the site's
/// build date. `validate` runs them when site-config.toml has `[inspection]`;
/// `check --inspection` always does.
pub fn site_rules(site: &Site, loaded: &Loaded, cfg: &InspectionConfig) -> Vec<Diagnostic> {
    let today = site.build_date;
    let mut out = Vec::new();
    let cols = columns(site, cfg);

    // 栏目更新.
    let mut stale = Vec::new();
    for c in &cols {
        let (Some(age), Some(limit), Some(last)) = (c.overdue(today), &c.limit, c.last) else {
            continue;
        };
        stale.push(c.name.clone());
        let d = Diagnostic::new(
            Code::ColumnStale,
            format!(
                "栏目“{}”最后更新于{}，已 {age} 天未更新，超过更新期限 {} 天",
                c.name,
                cn_date(last),
                limit.days
            ),
        )
        .with_hint(format!(
            "期限依据：{}；发布新内容，或在 [inspection] limits 中为该栏目设定期限",
            limit.source
        ));
        out.push(match &c.source {
            Some((path, key)) => at(d, loaded, path, key),
            None => d.in_file("site-config.toml"),
        });
    }
    if stale.len() >= STALE_VETO {
        out.push(
            config_at(
                Diagnostic::new(
                    Code::InspectionVeto,
                    format!(
                        "单项否决“栏目不更新”：{} 个栏目超过更新期限（{}），达到 {STALE_VETO} 个即否决",
                        stale.len(),
                        stale.join("、")
                    ),
                ),
                loaded,
                "limits",
            )
            .with_hint("政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）：栏目不更新为单项否决指标"),
        );
    }

    // 网站不更新: the home page shows the newest documents and ledgers.
    let has_news = cols.iter().any(|c| c.name.contains("动态"));
    let newest = site
        .policies
        .iter()
        .map(|p| p.published)
        .chain(site.interpretations.iter().map(|i| i.published))
        .chain(site.lists.iter().map(|l| l.updated))
        .max();
    if has_news {
        let age = newest.map(|n| (today - n).num_days());
        if age.is_none_or(|a| a > HOME_DAYS) {
            out.push(
                config_at(
                    Diagnostic::new(
                        Code::InspectionVeto,
                        match newest {
                            Some(n) => format!(
                                "单项否决“网站不更新”：首页最新内容发布于{}，{HOME_DAYS} 天内没有新内容",
                                cn_date(n)
                            ),
                            None => "单项否决“网站不更新”：首页没有任何内容".into(),
                        },
                    ),
                    loaded,
                    "limits",
                )
                .with_hint("有动态类栏目的网站，首页 2 周内应有更新（国办秘函〔2019〕19号）"),
            );
        }
    }

    // 空白栏目: a declared column with nothing in it.
    for name in &cfg.columns {
        if !cols.iter().any(|c| &c.name == name && c.items > 0) {
            out.push(
                config_at(
                    Diagnostic::new(Code::ColumnEmpty, format!("栏目“{name}”没有任何内容")),
                    loaded,
                    "columns",
                )
                .with_hint(
                    "空白栏目是检查指标的扣分项：发布内容，或从 [inspection] columns 中删去该栏目",
                ),
            );
        }
    }

    // 政府网站工作年度报表 of last year, once 31 January has passed.
    let due = today.year() - 1;
    let active = site.policies.iter().any(|p| p.published.year() == due)
        || site
            .interpretations
            .iter()
            .any(|i| i.published.year() == due)
        || site.lists.iter().any(|l| l.updated.year() == due);
    if let Some(dl) = crate::model::website::deadline(due) {
        if today > dl && active && !site.website_reports.iter().any(|r| r.year == due) {
            out.push(
                Diagnostic::new(
                    Code::WebsiteReportMissing,
                    format!(
                        "缺少{due}年政府网站工作年度报表（应于{}年01月31日前公开）",
                        due + 1
                    ),
                )
                .in_file("site-config.toml")
                .with_hint(format!(
                    "在 content/reports/{due}.toml 中添加 [website] 表（国办函〔2018〕12号；键见 docs/website-report.md）"
                )),
            );
        }
    }

    // 办事指南要素.
    let mut poor = 0;
    for l in site.lists.iter().filter(|l| l.kind == LedgerKind::Services) {
        let raw = loaded.lists.iter().find(|r| r.file.path == l.source);
        let regions = raw
            .map(|r| crate::tomlpos::array_regions(&r.file.text, "items"))
            .unwrap_or_default();
        for (i, it) in l.items.iter().enumerate() {
            let missing: Vec<&str> = GUIDE_ELEMENTS
                .iter()
                .filter(|(k, _)| match it.values.get(*k) {
                    None => true,
                    Some(Value::Text(s)) => s.trim().is_empty(),
                    Some(Value::List(v)) => v.iter().all(|s| s.trim().is_empty()),
                    Some(_) => false,
                })
                .map(|(_, n)| *n)
                .collect();
            if missing.is_empty() {
                continue;
            }
            if missing.len() >= GUIDE_VETO_MISSING {
                poor += 1;
            }
            let name = it
                .values
                .get("name")
                .map(Value::display)
                .unwrap_or_default();
            let d = Diagnostic::new(
                Code::GuideIncomplete,
                format!(
                    "办事指南第 {} 项“{name}”缺少 {} 项要素：{}",
                    it.position,
                    missing.len(),
                    missing.join("、")
                ),
            )
            .with_hint("办事指南应有十项要素：事项名称、设定依据、申请条件、办理材料、办理地点、办理机构、收费标准、办理时间、联系电话、办理流程");
            out.push(match (raw, regions.get(i)) {
                (Some(r), Some(reg)) => d.at(&l.source, &r.file.text, reg.start),
                _ => d.in_file(&l.source),
            });
        }
    }
    if poor >= GUIDE_VETO_ITEMS {
        out.push(
            config_at(
                Diagnostic::new(
                    Code::InspectionVeto,
                    format!(
                        "单项否决“服务不实用”：{poor} 个办事指南缺少 {GUIDE_VETO_MISSING} 项以上要素，达到 {GUIDE_VETO_ITEMS} 个即否决"
                    ),
                ),
                loaded,
                "limits",
            )
            .with_hint("补全 services 清单各项的办事指南要素（国办秘函〔2019〕19号）"),
        );
    }
    out
}

/// One row of the 自查表.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub indicator: &'static str,
    pub status: &'static str,
    pub detail: String,
    pub codes: Vec<&'static str>,
}

/// The indicators of the 自查表, each with the diagnostic codes that fail or warn it.
pub const INDICATORS: &[(&str, &[&str])] = &[
    ("栏目更新", &["W-COLUMN-STALE"]),
    ("空白栏目", &["W-COLUMN-EMPTY"]),
    ("办事指南要素", &["W-GUIDE-INCOMPLETE"]),
    ("规范性文件统一登记", &["W-REG-NO-MISSING"]),
    ("互动回应", &["W-REPLY-LATE"]),
    ("文件有效期", &["W-POLICY-EXPIRING"]),
    ("链接可用性", &["E-BROKEN-LINK", "E-REPLACED-BY-UNKNOWN"]),
    ("网页标签", &[]),
    ("解读关联", &["E-INTERPRETS-UNKNOWN"]),
    ("解读时效", &["W-LATE-INTERPRETATION"]),
    (
        "年报按时",
        &["W-REPORT-MISSING", "W-WEBSITE-REPORT-MISSING"],
    ),
    ("个人信息", &["E-PERSONAL-ID", "E-MOBILE-NUMBER"]),
];

/// The 自查表 of a checked site: one row per indicator.
pub fn self_check(site: &Site, diags: &[Diagnostic]) -> Vec<Row> {
    let cfg = site.config.inspection.clone().unwrap_or_default();
    let today = site.build_date;
    INDICATORS
        .iter()
        .map(|(indicator, codes)| {
            let found: Vec<&Diagnostic> =
                diags.iter().filter(|d| codes.contains(&d.code)).collect();
            let vetoed = diags.iter().any(|d| {
                d.code == "W-INSPECTION-VETO"
                    && match *indicator {
                        "栏目更新" => {
                            d.message.contains("栏目不更新") || d.message.contains("网站不更新")
                        }
                        "办事指南要素" => d.message.contains("服务不实用"),
                        _ => false,
                    }
            });
            let mut row_codes: Vec<&'static str> = found.iter().map(|d| d.code).collect();
            if vetoed {
                row_codes.push("W-INSPECTION-VETO");
            }
            row_codes.sort();
            row_codes.dedup();
            let status = if vetoed || found.iter().any(|d| d.is_error()) {
                "fail"
            } else if !found.is_empty() {
                "warn"
            } else {
                "pass"
            };
            let first = found.first().map(|d| d.message.clone()).unwrap_or_default();
            let detail = match *indicator {
                "栏目更新" => {
                    let cols = columns(site, &cfg);
                    let checked = cols.iter().filter(|c| c.limit.is_some()).count();
                    let stale: Vec<String> = cols
                        .iter()
                        .filter_map(|c| c.overdue(today).map(|_| c.name.clone()))
                        .collect();
                    let mut s = format!(
                        "{} 个栏目，{checked} 个有更新期限，{} 个超期",
                        cols.len(),
                        stale.len()
                    );
                    if !stale.is_empty() {
                        s.push_str(&format!("：{}", stale.join("、")));
                    }
                    if vetoed {
                        s.push_str("；单项否决");
                    }
                    s
                }
                "空白栏目" if cfg.columns.is_empty() => {
                    "未在 [inspection] columns 中声明栏目，仅检查有内容的栏目".into()
                }
                "网页标签" => {
                    let (ok, detail) = page_tags(site);
                    return Row {
                        indicator,
                        status: if ok { "pass" } else { "fail" },
                        detail,
                        codes: Vec::new(),
                    };
                }
                "办事指南要素" if found.is_empty() => {
                    let n = item_count(&site.lists, LedgerKind::Services);
                    if n == 0 {
                        "没有公共服务事项清单（services）".into()
                    } else {
                        format!("{n} 个办事指南要素齐全")
                    }
                }
                "互动回应" if found.is_empty() => {
                    let n = item_count(&site.lists, LedgerKind::Responses);
                    if n == 0 {
                        "没有互动回应清单（responses）".into()
                    } else {
                        format!("{n} 条留言均在 3 个月内答复")
                    }
                }
                _ if found.is_empty() => "未发现问题".into(),
                _ if found.len() == 1 => first,
                _ => format!("{} 处，例如：{first}", found.len()),
            };
            Row {
                indicator,
                status,
                detail,
                codes: row_codes,
            }
        })
        .collect()
}

/// Renders a sample of pages (home, a policy, a 解读, a listing, a 清单) with the site's own
/// templates and looks for the 网页标签 the inspection reads.
fn page_tags(site: &Site) -> (bool, String) {
    use crate::render::Prepared;
    use crate::routes::Job;
    if site.config.site_code.is_empty() {
        return (
            false,
            "site-config.toml 缺少 site_code（网站标识码），SiteIDCode 为空".into(),
        );
    }
    let tera = match crate::render::templates(&site.templates, &site.copies) {
        Ok(t) => t,
        Err(d) => {
            return (
                false,
                format!(
                    "模板有错误：{}",
                    d.first().map(|d| d.message.as_str()).unwrap_or("")
                ),
            )
        }
    };
    let p = Prepared::new(site);
    let mut jobs = vec![(Job::Home, false)];
    if !site.policies.is_empty() {
        jobs.push((Job::Policy(0), true));
    }
    if !site.interpretations.is_empty() {
        jobs.push((Job::Interpretation(0), true));
    }
    jobs.push((
        Job::PolicyList {
            facet: None,
            page: 1,
        },
        false,
    ));
    if !site.lists.is_empty() {
        jobs.push((Job::List { list: 0, page: 1 }, false));
    }
    let mut problems = Vec::new();
    for (job, article) in &jobs {
        let Ok(files) = p.run(&tera, job) else {
            problems.push("页面无法生成".to_string());
            continue;
        };
        let Some((path, bytes)) = files.first() else {
            continue;
        };
        let html = String::from_utf8_lossy(bytes).to_ascii_lowercase();
        let mut tags = vec!["SiteName", "SiteDomain", "SiteIDCode", "description"];
        if *article {
            tags.extend(["ArticleTitle", "PubDate", "ContentSource", "Url"]);
        } else {
            tags.extend(["ColumnName", "ColumnType"]);
        }
        let missing: Vec<&str> = tags
            .into_iter()
            .filter(|t| {
                !html.contains(&format!(
                    "<meta name=\"{}\" content=\"",
                    t.to_ascii_lowercase()
                ))
            })
            .collect();
        if !missing.is_empty() {
            problems.push(format!("{path} 缺少 {}", missing.join("、")));
        }
    }
    if problems.is_empty() {
        (
            true,
            format!(
                "抽查 {} 个页面：网站、栏目、文章标签和页面描述齐全",
                jobs.len()
            ),
        )
    } else {
        (false, problems.join("；"))
    }
}

impl Row {
    pub fn status_cn(&self) -> &'static str {
        match self.status {
            "pass" => "通过",
            "warn" => "警告",
            _ => "不通过",
        }
    }
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "indicator": self.indicator,
            "status": self.status,
            "detail": self.detail,
            "codes": self.codes,
        })
        .to_string()
    }
}

/// The 自查表 as a plain table for the terminal.
pub fn render_human(site: &Site, rows: &[Row]) -> String {
    let mut s = format!(
        "{} 网站检查指标自查表（{}）\n",
        site.config.title,
        cn_date(site.build_date)
    );
    let w = rows
        .iter()
        .map(|r| r.indicator.chars().count())
        .max()
        .unwrap_or(4);
    for r in rows {
        let pad = w - r.indicator.chars().count();
        s.push_str(&format!(
            "  {}{}  {}  {}\n",
            r.indicator,
            "　".repeat(pad),
            r.status_cn(),
            r.detail
        ));
    }
    s
}

/// The 自查表 as a printable HTML page (no script, no external resource).
pub fn render_html(site: &Site, rows: &[Row]) -> String {
    let e = tera::escape_html;
    let mut body = String::new();
    for r in rows {
        body.push_str(&format!(
            "<tr class=\"{}\"><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            r.status,
            e(r.indicator),
            r.status_cn(),
            e(&r.detail),
            e(&r.codes.join(" "))
        ));
    }
    let title = format!("{}网站检查指标自查表", site.config.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<meta name=\"description\" content=\"{t}（{d}）\">\n<style>\nbody{{font-family:sans-serif;margin:2em;color:#111}}\ntable{{border-collapse:collapse;width:100%}}\nth,td{{border:1px solid #555;padding:6px 8px;text-align:left;vertical-align:top}}\n.fail td:nth-child(2){{color:#8a1010;font-weight:700}}\n.warn td:nth-child(2){{color:#6b4e00;font-weight:700}}\n@media print{{body{{margin:0}}}}\n</style>\n</head>\n<body>\n<h1>{t}</h1>\n<p>检查日期：{d}　网站标识码：{code}　依据：政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）</p>\n<table>\n<thead><tr><th scope=\"col\">指标</th><th scope=\"col\">结果</th><th scope=\"col\">说明</th><th scope=\"col\">诊断代码</th></tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n</body>\n</html>\n",
        t = e(&title),
        d = cn_date(site.build_date),
        code = e(&site.config.site_code),
    )
}
