//! Stage 2, **validate**: raw files in, the site model out, with every problem found.
//!
//! This is the only producer of model values. Documents that are not 主动公开 are read here
//! (so references to them can be diagnosed) and then dropped: nothing after this stage can
//! leak them.
//!
//! [`validate_with`] runs the steps in order, each in its own file: `drafts` (front matter
//! into typed drafts; 索引号 and slugs unique), `bodies` (Markdown bodies and the checks on
//! their text), `documents` (drafts into policies, 解读 and pages; references and date
//! rules), then ledgers and reports (their own modules), `statics` (files copied as is) and
//! `urls` (old URLs, links that must point at something). `preview` serves `serve`'s quick
//! preview of an edit; `memo` keeps per-file work between rebuilds.

mod bodies;
pub mod continuity;
pub mod deadline;
mod documents;
mod drafts;
mod kept_ledger;
pub mod ledger;
mod memo;
mod preview;
pub mod report;
mod rules;
#[cfg(test)]
mod schema_sync;
mod statics;
pub mod store;
mod urls;
pub mod website;

use crate::calendar::Calendar;
use crate::diagnostics::{self, Diagnostic};
use crate::markdown::Links;
use crate::model::ledger::Ledger;
use crate::model::{Interpretation, Policy, Site};
use crate::source::Loaded;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::sync::Arc;

pub use bodies::body_of;
pub use memo::{Env, Keeping, Memo};
pub use preview::{preview_interpretation, preview_page, preview_policy};
pub use store::Store;

/// What the bodies of published documents bring to the site, gathered as they are built.
#[derive(Default)]
struct Found {
    pub used_assets: BTreeSet<String>,
    /// Site-absolute links, each with the diagnostic to report if it turns out broken.
    pub absolute_links: Vec<(String, Diagnostic)>,
    /// Site static files published documents name.
    pub public_static_refs: BTreeSet<String>,
}

/// Settings that do not come from the content.
#[derive(Debug, Clone)]
pub struct Options {
    /// "Today" for 逾期 and report deadlines: `SOURCE_DATE_EPOCH` when set.
    pub build_date: NaiveDate,
}

impl Options {
    /// Options from the environment: `SOURCE_DATE_EPOCH` or today in China (UTC+8).
    pub fn from_env() -> Options {
        let secs = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        let date = chrono::DateTime::from_timestamp(secs + 8 * 3600, 0)
            .map(|d| d.date_naive())
            .unwrap_or_default();
        Options { build_date: date }
    }
}

/// `W-POLICY-EXPIRING` this many days before a policy's `expires`.
pub const EXPIRING_DAYS: i64 = 30;

/// A 发布日期 more than this many days (a year) after the build date is warned about
/// (W-FUTURE-DATE): a typing error of the year, not a document announced in advance.
pub const FUTURE_DAYS: u64 = 366;

pub use crate::routes::encode_path;

/// Validates everything loaded into the site model.
pub fn validate(loaded: Loaded, opts: &Options) -> (Site, Vec<Diagnostic>) {
    validate_with(&loaded, opts, &Memo::default())
}

/// [`validate`] for `serve`: the loaded files are borrowed (kept between rebuilds) and the
/// per-file work (bodies, ledgers) is memoized in `memo`.
pub fn validate_with(loaded: &Loaded, opts: &Options, memo: &Memo) -> (Site, Vec<Diagnostic>) {
    let config = &loaded.config;
    let mut diags = loaded.diags.clone();
    let calendar =
        Calendar::official().with_extra(&config.check.extra_workdays, &config.check.extra_holidays);
    let allow_personal = config.check.allow_personal_info;

    // The documents, and beside them the ledgers (which depend on nothing else).
    let (documents, (ledgers, ledger_diags)) = rayon::join(
        || {
            let mut d = Vec::new();
            let drafts = drafts::read_all(loaded, memo, &mut d);
            let doc_urls = drafts.doc_urls();
            let links = Links {
                docs: &doc_urls,
                assets: &loaded.assets,
                media_hosts: &config.check.media_hosts,
            };
            let bodies = bodies::render_all(&drafts, &links, allow_personal, memo);
            let mut found = Found::default();
            let mut policies = documents::policies(
                &drafts, &bodies, loaded, &calendar, opts, &mut d, &mut found,
            );
            documents::replacement_cycles(&policies, &drafts, &mut d);
            documents::future_dates(&drafts, opts, &mut d);
            let interpretations = documents::interpretations(
                &drafts,
                &bodies,
                &mut policies,
                &calendar,
                &mut d,
                &mut found,
            );
            let pages = documents::pages(&drafts, &bodies, &mut d, &mut found);
            documents::unfinished(&drafts, &bodies, &mut d, &mut found);
            (drafts, bodies, found, (policies, interpretations, pages), d)
        },
        || {
            let mut d = Vec::new();
            (ledgers(loaded, opts, memo, &mut d), d)
        },
    );
    let (drafts, bodies, mut found, (policies, interpretations, pages), doc_diags) = documents;
    diags.extend(doc_diags);
    diags.extend(ledger_diags);
    let d = &mut diags;
    memo.finish_run();
    let (reports, website_reports) =
        reports(loaded, opts, &policies, &interpretations, &ledgers, d);
    let copies = statics::copies(loaded, &drafts.private_refs, &mut found, d);
    if !allow_personal {
        names_with_personal_data(loaded, &bodies.public_raws, &copies, d);
    }
    // Every URL of the site (250,000 at 100,000 documents), only when something is to be
    // checked against it: an old URL, a withdrawn one, a site-absolute link.
    let old_urls = urls::any_old_urls(loaded, &drafts, &ledgers);
    let mut known = if !found.absolute_links.is_empty() || old_urls {
        urls::known(&urls::Published {
            policies: &policies,
            interpretations: &interpretations,
            pages: &pages,
            ledgers: &ledgers,
            reports: &reports,
            website_reports: &website_reports,
            copies: &copies,
        })
    } else {
        Default::default()
    };
    let (aliases, removed) = if old_urls {
        urls::old_urls(loaded, &drafts, &ledgers, &mut known, d)
    } else {
        Default::default()
    };
    urls::broken_links(found, &known, &ledgers, d);
    drafts.drop_aside();
    crate::process::drop_aside((known, bodies.into_rendered()));

    let site = Site {
        config: config.clone(),
        build_date: opts.build_date,
        policies,
        interpretations,
        pages,
        lists: ledgers,
        reports,
        website_reports,
        copies,
        templates: loaded.templates.clone(),
        aliases,
        removed,
    };
    // The 检查指标 site rules, when the site asks for them.
    if let Some(cfg) = &config.inspection {
        diags.extend(crate::inspection::site_rules(&site, loaded, cfg));
    }
    diagnostics::sort(&mut diags);
    diags.dedup();
    (site, diags)
}

/// Every ledger (memoized per file), sorted by file name.
fn ledgers(
    loaded: &Loaded,
    opts: &Options,
    memo: &Memo,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Arc<Ledger>> {
    let allow_personal = loaded.config.check.allow_personal_info;
    let mut ledgers = Vec::new();
    for raw in &loaded.lists {
        let build = || {
            let (l, mut ds) = crate::validate::ledger::build(raw, opts.build_date);
            if !allow_personal {
                ds.extend(crate::privacy::personal_data(
                    &raw.file.path,
                    &raw.file.text,
                ));
            }
            (l.map(Arc::new), ds)
        };
        // `build` and `check`: from the record of sources when the file is unchanged;
        // `serve`: from memory.
        let built = if memo.keeps_facts() {
            let salt = kept_ledger::ledger_salt(opts.build_date, allow_personal);
            let fact = raw.fact(<kept_ledger::KeptLedger as memo::Keepable>::KIND, salt);
            Arc::new(
                memo.kept_or(&raw.file.path, fact, salt, || {
                    kept_ledger::KeptLedger(build())
                })
                .0,
            )
        } else {
            memo.ledger(raw, opts.build_date, allow_personal, build)
        };
        diags.extend(built.1.iter().cloned());
        ledgers.extend(built.0.clone());
    }
    ledgers.sort_by(|a, b| a.stem.cmp(&b.stem));
    ledgers
}

/// The 年报 and 政府网站工作年度报表 of every report file.
fn reports(
    loaded: &Loaded,
    opts: &Options,
    policies: &[Policy],
    interpretations: &[Interpretation],
    ledgers: &[Arc<Ledger>],
    diags: &mut Vec<Diagnostic>,
) -> (
    Vec<crate::model::report::Report>,
    Vec<crate::model::website::WebsiteReport>,
) {
    let config = &loaded.config;
    let allow_personal = config.check.allow_personal_info;
    // Annual-report inputs are published text too (sections 一、五、六).
    if !allow_personal {
        for raw in &loaded.reports {
            diags.extend(crate::privacy::personal_data(
                &raw.file.path,
                &raw.file.text,
            ));
        }
    }

    // Annual reports.
    let (reports, report_diags) =
        crate::validate::report::build_all(&loaded.reports, policies, config, opts.build_date);
    diags.extend(report_diags);
    let (website_reports, website_diags) = crate::validate::website::build_all(
        &loaded.reports,
        config,
        &crate::validate::website::Content {
            policies,
            interpretations,
            lists: ledgers,
        },
    );
    diags.extend(website_diags);

    (reports, website_reports)
}

/// Names that reach URLs and output paths are published text too.
fn names_with_personal_data(
    loaded: &Loaded,
    public_raws: &[&crate::source::RawDoc],
    copies: &[crate::source::CopyFile],
    diags: &mut Vec<Diagnostic>,
) {
    use rayon::prelude::*;
    let names: Vec<&str> = public_raws
        .iter()
        .map(|r| r.file.path.as_str())
        .chain(loaded.lists.iter().map(|l| l.file.path.as_str()))
        .chain(copies.iter().map(|c| c.rel.as_str()))
        .collect();
    diags.par_extend(
        names
            .par_iter()
            .flat_map_iter(|name| crate::privacy::personal_data_in_name(name)),
    );
}
