//! Stage 2c: the drafts become model documents (policies, 解读, pages), with the rules between
//! documents and dates: 替代文件 and 所解读文件 resolved, attachments found, 有效期, publication
//! and interpretation deadlines in working days, dates far in the future.

use super::bodies::{Bodies, BodyPart, Of};
use super::drafts::{key_diag, key_offset, summary_of, Drafts};
use super::{encode_path, Found, Options, EXPIRING_DAYS, FUTURE_DAYS};
use crate::calendar::Calendar;
use crate::diagnostics::{Code, Diagnostic};
use crate::markdown;
use crate::model::{Attachment, Interpretation, Page, Policy, Validity};
use crate::source::Loaded;
use foldhash::HashSet;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Every published policy, built in parallel (the slowest part of a rebuild in `serve` at
/// 10,000 documents); what each found is gathered in order afterwards.
pub(super) fn policies(
    drafts: &Drafts,
    bodies: &Bodies,
    loaded: &Loaded,
    calendar: &Calendar,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
    found: &mut Found,
) -> Vec<Policy> {
    let static_set: HashSet<&str> = loaded.statics.iter().map(|s| s.rel.as_str()).collect();
    let policy_by_index = drafts.policy_by_index();
    let built: Vec<(Policy, BodyPart)> = drafts
        .policies
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut part = bodies.part(Of::Policy, i, p.raw);
            let diags = &mut part.diags;
            let replaced_by = match &p.replaced_by {
                Some(r) => match policy_by_index.get(r.as_str()) {
                    Some(i) => Some(*i),
                    None => {
                        diags.push(
                            key_diag(
                                p.raw,
                                Code::ReplacedByUnknown,
                                "replaced_by",
                                format!("替代文件 {r} 不存在或未主动公开"),
                            )
                            .with_hint("replaced_by 填写替代文件的索引号 index_no"),
                        );
                        None
                    }
                },
                None => None,
            };
            let dir = match p.raw.stem.rfind('/') {
                Some(i) => format!("policies/{}", &p.raw.stem[..i]),
                None => "policies".to_string(),
            };
            let mut atts = Vec::new();
            for (title, file) in &p.attachments {
                let beside = markdown::join_rel(&dir, file);
                let url = match beside {
                    Some(b) if loaded.assets.contains_key(&b) => {
                        let url = format!("/{}", encode_path(&b));
                        part.assets.insert(b);
                        Some(url)
                    }
                    _ => {
                        let s = file.trim_start_matches('/');
                        if static_set.contains(s) {
                            part.static_refs.insert(s.to_string());
                            Some(format!("/{}", encode_path(s)))
                        } else {
                            None
                        }
                    }
                };
                match url {
                    Some(url) => atts.push(Attachment {
                        title: title.clone(),
                        url,
                    }),
                    None => part.diags.push(
                        key_diag(
                            p.raw,
                            Code::BrokenLink,
                            "attachments",
                            format!("附件文件不存在：{file}"),
                        )
                        .with_hint("附件放在 static/ 下（写作 attachments/x.pdf）或与文件同目录"),
                    ),
                }
            }
            if let Some(w) = p.written {
                let days = calendar.workdays_after(w, p.published);
                if days > 20 {
                    part.diags.push(
                        Diagnostic::new(
                            Code::LatePublication,
                            format!("发布日期晚于成文日期 {days} 个工作日（应在 20 个工作日内公开）"),
                        )
                        .at(
                            &p.raw.file.path,
                            &p.raw.file.text,
                            key_offset(p.raw, "published"),
                        )
                        .with_hint(
                            "《政府信息公开条例》第二十六条：自形成或变更之日起 20 个工作日内予以公开",
                        ),
                    );
                }
            }
            // 有效期至: the day after it, the document is 已失效 (unless already void).
            let (mut validity, mut validity_changed) = (p.validity, p.validity_changed);
            if let Some(x) = p.expires {
                if !validity.is_void() {
                    if opts.build_date > x {
                        validity = Validity::Expired;
                        validity_changed = x.succ_opt();
                    } else if (x - opts.build_date).num_days() <= EXPIRING_DAYS {
                        let days = (x - opts.build_date).num_days();
                        part.diags.push(
                            Diagnostic::new(
                                Code::PolicyExpiring,
                                format!(
                                    "文件有效期至{}，{}后失效",
                                    crate::model::cn_date(x),
                                    if days == 0 { "今天过".to_string() } else { format!("{days} 天") }
                                ),
                            )
                            .at(&p.raw.file.path, &p.raw.file.text, key_offset(p.raw, "expires"))
                            .with_hint("到期前评估：需继续施行的，修订后重新发布并延长 expires；由新文件替代的，在新文件发布后填写 replaced_by"),
                        );
                    }
                }
            }
            let pending = p.effective.is_some_and(|e| opts.build_date < e);
            let body = std::mem::take(&mut part.body);
            let policy = Policy {
                source: p.raw.file.path.clone(),
                url: p.url.clone(),
                title: p.title.clone(),
                index_no: p.index_no.clone(),
                doc_no: p.doc_no.clone(),
                issuer: p.issuer.clone(),
                written: p.written,
                published: p.published,
                topic: p.topic.clone(),
                genre: p.genre.clone(),
                category: p.category.clone(),
                validity,
                doc_type: p.doc_type.clone(),
                validity_changed,
                effective: p.effective,
                expires: p.expires,
                pending,
                reg_no: p.reg_no.clone(),
                replaced_by,
                summary: summary_of(p.summary.clone(), &body),
                attachments: atts,
                body,
                interpretations: Vec::new(),
            };
            (policy, part)
        })
        .collect();
    let mut policies: Vec<Policy> = Vec::with_capacity(built.len());
    for (policy, mut part) in built {
        found.public_static_refs.append(&mut part.static_refs);
        part.gather(diags, &mut found.used_assets, &mut found.absolute_links);
        policies.push(policy);
    }
    policies
}

/// 替代文件 chains must end: a policy replaced by itself, or a ring of replacements, is an
/// error at each policy of the ring.
pub(super) fn replacement_cycles(
    policies: &[Policy],
    drafts: &Drafts,
    diags: &mut Vec<Diagnostic>,
) {
    for start in 0..policies.len() {
        let mut seen_in_chain = vec![start];
        let mut at = policies[start].replaced_by;
        while let Some(next) = at {
            if next == start {
                let ring: Vec<&str> = seen_in_chain
                    .iter()
                    .map(|i| policies[*i].index_no.as_str())
                    .collect();
                diags.push(
                    key_diag(
                        drafts.policies[start].raw,
                        Code::ReplacedByCycle,
                        "replaced_by",
                        if ring.len() == 1 {
                            format!("文件 {} 的替代文件是它自己", ring[0])
                        } else {
                            format!("替代关系成环：{} → {}", ring.join(" → "), ring[0])
                        },
                    )
                    .with_hint("replaced_by 填写取代本文件的新文件的索引号"),
                );
                break;
            }
            if seen_in_chain.contains(&next) || seen_in_chain.len() > policies.len() {
                break;
            }
            seen_in_chain.push(next);
            at = policies[next].replaced_by;
        }
    }
}

/// A published date far after the build date is almost always a typing error.
pub(super) fn future_dates(drafts: &Drafts, opts: &Options, diags: &mut Vec<Diagnostic>) {
    let horizon = opts.build_date + chrono::Days::new(FUTURE_DAYS);
    for (p, d) in drafts
        .policies
        .iter()
        .map(|p| (p.raw, p.published))
        .chain(drafts.interps.iter().map(|p| (p.raw, p.published)))
    {
        if d > horizon {
            diags.push(
                Diagnostic::new(
                    Code::FutureDate,
                    format!(
                        "发布日期 {d} 比生成日期 {} 晚 {FUTURE_DAYS} 天以上",
                        opts.build_date
                    ),
                )
                .at(&p.file.path, &p.file.text, key_offset(p, "published"))
                .with_hint("检查年份是否写错"),
            );
        }
    }
}

/// Every published 解读, linked to the policies it interprets (which learn of it), with the
/// 3-working-day rule.
pub(super) fn interpretations(
    drafts: &Drafts,
    bodies: &Bodies,
    policies: &mut [Policy],
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
    found: &mut Found,
) -> Vec<Interpretation> {
    let policy_by_index = drafts.policy_by_index();
    let mut interpretations: Vec<Interpretation> = Vec::with_capacity(drafts.interps.len());
    for (ii, d) in drafts.interps.iter().enumerate() {
        let body = bodies.take((Of::Interp, ii), d.raw, diags, found);
        let mut targets: Vec<usize> = Vec::new();
        for ix in &d.interprets {
            match policy_by_index.get(ix.as_str()) {
                Some(i) if targets.contains(i) => diags.push(
                    key_diag(
                        d.raw,
                        Code::InterpretsDuplicate,
                        "interprets",
                        format!("解读的文件 {ix} 重复列出"),
                    )
                    .with_hint("interprets 中每个索引号只写一次"),
                ),
                Some(i) => targets.push(*i),
                None => {
                    let why = if drafts.all_index.contains(ix) {
                        "不是主动公开文件"
                    } else {
                        "不存在"
                    };
                    diags.push(
                        key_diag(
                            d.raw,
                            Code::InterpretsUnknown,
                            "interprets",
                            format!("解读的文件 {ix} {why}"),
                        )
                        .with_hint("interprets 填写所解读政策文件的索引号，且该文件须为主动公开"),
                    );
                }
            }
        }
        let latest = targets.iter().map(|i| policies[*i].published).max();
        let workdays_after = latest.map(|p| calendar.workdays_after(p, d.published));
        if let (Some(days), Some(p)) = (workdays_after, latest) {
            if days > 3 {
                diags.push(
                    Diagnostic::new(
                        Code::LateInterpretation,
                        format!(
                            "解读发布于政策文件发布（{p}）后第 {days} 个工作日，超过 3 个工作日"
                        ),
                    )
                    .at(
                        &d.raw.file.path,
                        &d.raw.file.text,
                        key_offset(d.raw, "published"),
                    )
                    .with_hint("政策解读材料应在文件公开后 3 个工作日内发布（国办发〔2016〕19号）"),
                );
            }
        }
        if let Some(t) = targets
            .iter()
            .find(|t| policies[**t].published > d.published)
        {
            diags.push(
                Diagnostic::new(
                    Code::InterpretationEarly,
                    format!(
                        "解读发布于 {}，早于所解读文件 {} 的发布日期 {}",
                        d.published, policies[*t].index_no, policies[*t].published
                    ),
                )
                .at(
                    &d.raw.file.path,
                    &d.raw.file.text,
                    key_offset(d.raw, "published"),
                )
                .with_hint("解读应在文件公开的同时或之后发布；检查两个发布日期"),
            );
        }
        for t in &targets {
            policies[*t].interpretations.push(ii);
        }
        interpretations.push(Interpretation {
            source: d.raw.file.path.clone(),
            url: d.url.clone(),
            title: d.title.clone(),
            interprets: targets,
            published: d.published,
            form: d.form.clone(),
            interpreter: d.interpreter.clone(),
            summary: summary_of(d.summary.clone(), &body),
            body,
            workdays_after,
        });
    }
    interpretations
}

/// Every published page.
pub(super) fn pages(
    drafts: &Drafts,
    bodies: &Bodies,
    diags: &mut Vec<Diagnostic>,
    found: &mut Found,
) -> Vec<Page> {
    let mut pages = Vec::new();
    for (i, p) in drafts.published_pages().enumerate() {
        let body = bodies.take((Of::Page, i), p.raw, diags, found);
        pages.push(Page {
            source: p.raw.file.path.clone(),
            url: format!("/{}/", p.slug),
            slug: p.slug.clone(),
            title: p.title.clone(),
            summary: summary_of(p.summary.clone(), &body),
            body,
        });
    }
    pages
}

/// Bodies of documents with front-matter errors: diagnostics only, nothing is published
/// (their site-absolute links are still checked).
pub(super) fn unfinished(
    drafts: &Drafts,
    bodies: &Bodies,
    diags: &mut Vec<Diagnostic>,
    found: &mut Found,
) {
    let mut unpublished_assets = BTreeSet::new();
    for (i, raw) in drafts.unfinished.iter().enumerate() {
        bodies.part(Of::Unfinished, i, raw).gather(
            diags,
            &mut unpublished_assets,
            &mut found.absolute_links,
        );
    }
}
