//! 政府网站工作年度报表 (国办函〔2018〕12号《政府网站发展指引》附件): one table per year, published
//! by 31 January of the next year. The `[website]` table of `content/reports/<year>.toml` makes
//! the page (`/reports/<year>/website/`); rows the content can tell (信息发布, 政策解读, 办事服务,
//! 留言办理) are counted from it unless the file gives them, the rest is read from the file.
//! The keys are in `docs/website-report.md`.

use crate::config::{Config, SiteKind};
use crate::diagnostics::{Code, Diagnostic};
use crate::fields::Fields;
use crate::model::cn_date;
use crate::model::ledger::{item_count, Item, Ledger, LedgerKind, Value as Cell};
use crate::model::website::{ColumnCount, Row, RowGroup, WebsiteReport};
use crate::model::{Form, Interpretation, Policy};
use crate::source::RawData;
use crate::tomlpos::headers;
use chrono::{Datelike, NaiveDate};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Int,
    Bool,
    Text,
    List,
    Date,
}

/// (key, label, type) of one row.
type RowSpec = (&'static str, &'static str, Ty);

/// Every row the file can give, by group, in the order of the form.
const GROUPS: &[(&str, &[RowSpec])] = &[
    (
        "网站访问",
        &[
            ("visitors", "独立用户访问总量（单位：个）", Ty::Int),
            ("visits", "网站总访问量（单位：次）", Ty::Int),
        ],
    ),
    (
        "信息发布（单位：条）",
        &[
            ("published", "总数", Ty::Int),
            ("overview_updates", "概况类信息更新量", Ty::Int),
            ("news_updates", "政务动态信息更新量", Ty::Int),
            ("catalog_updates", "信息公开目录信息更新量", Ty::Int),
        ],
    ),
    (
        "专栏专题",
        &[
            ("special_columns", "维护数量（单位：个）", Ty::Int),
            ("new_special_columns", "新开设数量（单位：个）", Ty::Int),
        ],
    ),
    (
        "政策解读",
        &[
            ("interpretations", "解读信息发布总数（单位：条）", Ty::Int),
            (
                "interpretation_materials",
                "其中：解读材料数量（单位：条）",
                Ty::Int,
            ),
            (
                "interpretation_products",
                "解读产品数量（单位：个）",
                Ty::Int,
            ),
            ("media_comments", "媒体评论文章数量（单位：篇）", Ty::Int),
            (
                "hot_responses",
                "回应公众关注热点或重大舆情数量（单位：次）",
                Ty::Int,
            ),
        ],
    ),
    (
        "办事服务",
        &[
            ("service_catalog", "是否发布服务事项目录", Ty::Bool),
            ("registered_users", "注册用户数（单位：个）", Ty::Int),
            ("service_items", "政务服务事项数量（单位：项）", Ty::Int),
            (
                "online_items",
                "可全程在线办理政务服务事项数量（单位：项）",
                Ty::Int,
            ),
            ("cases", "办件量 总数（单位：件）", Ty::Int),
            ("cases_person", "其中：自然人办件量（单位：件）", Ty::Int),
            ("cases_legal", "法人办件量（单位：件）", Ty::Int),
        ],
    ),
    (
        "互动交流",
        &[
            ("unified_platform", "是否使用统一平台", Ty::Bool),
            (
                "messages_received",
                "留言办理 收到留言数量（单位：条）",
                Ty::Int,
            ),
            ("messages_done", "办结留言数量（单位：条）", Ty::Int),
            ("reply_days", "平均办理时间（单位：天）", Ty::Text),
            ("messages_public", "公开答复数量（单位：条）", Ty::Int),
            ("surveys", "征集调查 征集调查期数（单位：期）", Ty::Int),
            ("survey_opinions", "收到意见数量（单位：条）", Ty::Int),
            ("survey_results", "公布调查结果期数（单位：期）", Ty::Int),
            ("interviews", "在线访谈 访谈期数（单位：期）", Ty::Int),
            ("interview_messages", "网民留言数量（单位：条）", Ty::Int),
            ("interview_answers", "答复网民提问数量（单位：条）", Ty::Int),
            ("smart_qa", "是否提供智能问答", Ty::Bool),
        ],
    ),
    (
        "安全防护",
        &[
            ("assessments", "安全检测评估次数（单位：次）", Ty::Int),
            ("problems_found", "发现问题数量（单位：个）", Ty::Int),
            ("problems_fixed", "问题整改数量（单位：个）", Ty::Int),
            ("monitoring", "是否建立安全监测预警机制", Ty::Bool),
            ("drills", "是否开展应急演练", Ty::Bool),
            ("security_officer", "是否明确网站安全责任人", Ty::Bool),
        ],
    ),
    (
        "移动新媒体",
        &[
            ("new_media", "是否有移动新媒体", Ty::Bool),
            ("weibo_name", "微博 名称", Ty::Text),
            ("weibo_posts", "微博 信息发布量（单位：条）", Ty::Int),
            ("weibo_followers", "微博 关注量（单位：个）", Ty::Int),
            ("wechat_name", "微信 名称", Ty::Text),
            ("wechat_posts", "微信 信息发布量（单位：条）", Ty::Int),
            ("wechat_subscribers", "微信 订阅数（单位：个）", Ty::Int),
            ("other_media", "其他", Ty::Text),
        ],
    ),
    ("创新发展", &[("innovation", "创新发展", Ty::List)]),
    (
        "填报信息",
        &[
            ("head", "单位负责人", Ty::Text),
            ("reviewer", "审核人", Ty::Text),
            ("filler", "填报人", Ty::Text),
            ("phone", "联系电话", Ty::Text),
            ("filled", "填报日期", Ty::Date),
        ],
    ),
];

/// Every key of `[website]`.
pub fn keys() -> Vec<&'static str> {
    GROUPS
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.0))
        .collect()
}

/// The content that the table counts.
pub struct Content<'a> {
    pub policies: &'a [Policy],
    pub interpretations: &'a [Interpretation],
    pub lists: &'a [Arc<Ledger>],
}

fn computed(key: &str, year: i32, c: &Content) -> Option<String> {
    let in_year = |d: NaiveDate| d.year() == year;
    let policies = || c.policies.iter().filter(|p| in_year(p.published));
    let interps = || c.interpretations.iter().filter(|i| in_year(i.published));
    let responses = || {
        c.lists
            .iter()
            .filter(|l| l.kind == LedgerKind::Responses)
            .flat_map(|l| l.items.iter())
    };
    let date = |it: &Item, k: &str| match it.values.get(k) {
        Some(Cell::Date(d)) => Some(*d),
        _ => None,
    };
    let has_responses = c.lists.iter().any(|l| l.kind == LedgerKind::Responses);
    Some(match key {
        "published" => (policies().count() + interps().count()).to_string(),
        "news_updates" => policies()
            .filter(|p| {
                ["动态", "要闻", "新闻"]
                    .iter()
                    .any(|w| p.category.contains(w))
            })
            .count()
            .to_string(),
        "catalog_updates" => policies().count().to_string(),
        "interpretations" => interps().count().to_string(),
        "interpretation_materials" => interps().filter(|i| i.form == "文字").count().to_string(),
        "interpretation_products" => interps().filter(|i| i.form != "文字").count().to_string(),
        "service_catalog" if c.lists.iter().any(|l| l.kind == LedgerKind::Services) => "是".into(),
        "service_items" => {
            let n = item_count(c.lists, LedgerKind::Services);
            if n == 0 {
                return None;
            }
            n.to_string()
        }
        "messages_received" if has_responses => responses()
            .filter(|it| date(it, "received").is_some_and(in_year))
            .count()
            .to_string(),
        "messages_done" if has_responses => responses()
            .filter(|it| date(it, "replied").is_some_and(in_year))
            .count()
            .to_string(),
        "messages_public" if has_responses => responses()
            .filter(|it| {
                date(it, "replied").is_some_and(in_year) && it.values.contains_key("reply")
            })
            .count()
            .to_string(),
        "reply_days" if has_responses => {
            let days: Vec<i64> = responses()
                .filter_map(|it| {
                    let (r, p) = (date(it, "received")?, date(it, "replied")?);
                    in_year(p).then(|| (p - r).num_days())
                })
                .collect();
            if days.is_empty() {
                return None;
            }
            format!("{:.1}", days.iter().sum::<i64>() as f64 / days.len() as f64)
        }
        _ => return None,
    })
}

fn by_column(year: i32, c: &Content) -> Vec<ColumnCount> {
    let mut cats: std::collections::BTreeMap<&str, usize> = Default::default();
    for p in c.policies.iter().filter(|p| p.published.year() == year) {
        *cats.entry(p.category.as_str()).or_default() += 1;
    }
    let mut out: Vec<ColumnCount> = cats
        .into_iter()
        .map(|(n, count)| ColumnCount {
            name: n.to_string(),
            count,
        })
        .collect();
    for form in Form::ALL.map(Form::label) {
        let n = c
            .interpretations
            .iter()
            .filter(|i| i.published.year() == year && i.form == form)
            .count();
        if n > 0 {
            out.push(ColumnCount {
                name: format!("政策解读（{form}）"),
                count: n,
            });
        }
    }
    let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
    for l in c.lists.iter().filter(|l| l.updated.year() == year) {
        *kinds.entry(l.kind_label.as_str()).or_default() += 1;
    }
    out.extend(kinds.into_iter().map(|(n, count)| ColumnCount {
        name: format!("{n}（更新份数）"),
        count,
    }));
    out
}

/// The 年度报表 of every report file with a `[website]` table.
pub fn build_all(
    raws: &[RawData],
    config: &Config,
    content: &Content,
) -> (Vec<WebsiteReport>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for raw in raws {
        let Some(v) = raw.table.get("website") else {
            continue;
        };
        let path = raw.file.path.as_str();
        let text: &str = &raw.file.text;
        let Some(t) = v.as_table() else {
            diags.push(
                Diagnostic::new(Code::WrongType, "`website` 应为表 [website]").at(
                    path,
                    text,
                    text.find("website").unwrap_or(0),
                ),
            );
            continue;
        };
        // The report file's own year (its errors are reported by the 年报).
        let Some(year) = raw
            .table
            .get("year")
            .and_then(|y| y.as_integer())
            .map(|y| y as i32)
        else {
            continue;
        };
        let region = headers(text)
            .into_iter()
            .find(|h| !h.array && h.name == "website")
            .map_or(0..0, |h| h.range);
        let mut f = Fields::new(path, text, region, t).with_label("[website]".into());
        let mut groups = Vec::new();
        let mut ints: std::collections::BTreeMap<&str, i64> = Default::default();
        for (name, rows) in GROUPS {
            let mut out_rows = Vec::new();
            for (key, label, ty) in *rows {
                let given: Option<String> = match ty {
                    Ty::Int => match f.integer(key, false) {
                        Some(n) if n < 0 => {
                            f.error(
                                Code::InvalidValue,
                                key,
                                format!("`{key}` 不能为负数：{n}"),
                                None,
                            );
                            None
                        }
                        Some(n) => {
                            ints.insert(key, n);
                            Some(n.to_string())
                        }
                        None => None,
                    },
                    Ty::Bool => f.boolean(key).map(|b| if b { "是" } else { "否" }.into()),
                    Ty::Text => f.string(key, false),
                    Ty::List => f.string_list(key, false).map(|l| l.join("、")),
                    Ty::Date => f.date(key, false).map(cn_date),
                };
                let (value, is_computed) = match given {
                    Some(v) => (v, false),
                    None => match computed(key, year, content) {
                        Some(v) => (v, true),
                        None => ("—".to_string(), false),
                    },
                };
                out_rows.push(Row {
                    key,
                    label,
                    value,
                    computed: is_computed,
                });
            }
            groups.push(RowGroup {
                name,
                rows: out_rows,
            });
        }
        // 办件量: 总数 = 自然人 + 法人; 整改 ≤ 发现.
        if let (Some(t), Some(p), Some(l)) = (
            ints.get("cases"),
            ints.get("cases_person"),
            ints.get("cases_legal"),
        ) {
            if *t != p + l {
                f.error(
                    Code::ReportArithmetic,
                    "cases",
                    format!("办件量总数 {t} 不等于自然人办件量 {p} 与法人办件量 {l} 之和"),
                    Some("cases = cases_person + cases_legal".into()),
                );
            }
        }
        if let (Some(found), Some(fixed)) = (ints.get("problems_found"), ints.get("problems_fixed"))
        {
            if fixed > found {
                f.error(
                    Code::ReportArithmetic,
                    "problems_fixed",
                    format!("问题整改数量 {fixed} 多于发现问题数量 {found}"),
                    None,
                );
            }
        }
        diags.extend(f.finish(&keys()));
        let kind = match config.kind {
            SiteKind::Government => "政府门户网站",
            SiteKind::Department => "部门网站",
        };
        let identity = [
            ("网站名称", config.title.clone()),
            ("首页网址", config.base_url.clone()),
            ("主办单位", config.host_or_title()),
            ("网站类型", kind.to_string()),
            ("政府网站标识码", config.site_code.clone()),
            ("ICP备案号", config.icp.clone()),
            ("公安机关备案号", config.police_record.clone()),
        ]
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                if v.is_empty() { "—".to_string() } else { v },
            )
        })
        .collect();
        out.push(WebsiteReport {
            year,
            source: path.to_string(),
            url: format!("/reports/{year}/website/"),
            identity,
            groups,
            by_column: by_column(year, content),
        });
    }
    out.sort_by_key(|r| r.year);
    out.dedup_by_key(|r| r.year);
    (out, diags)
}
