//! Stage 2, **validate**: raw files in, the site model out, with every problem found.
//!
//! This is the only producer of model values. Documents that are not 主动公开 are read here
//! (so references to them can be diagnosed) and then dropped: nothing after this stage can
//! leak them.

mod memo;
pub mod privacy;
mod rules;

use crate::calendar::Calendar;
use crate::diagnostics::{self, Diagnostic};
use crate::markdown::{self, Links};
use crate::model::{Attachment, Body, Interpretation, Page, Policy, Site, Validity, FORMS};
use crate::source::fields::Fields;
use crate::source::{CopyFile, Loaded, RawDoc, Section};
use chrono::NaiveDate;
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub use memo::{Env, Memo};

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

pub const POLICY_KEYS: &[&str] = &[
    "title",
    "index_no",
    "doc_no",
    "issuer",
    "written",
    "published",
    "topic",
    "genre",
    "category",
    "disclosure",
    "validity",
    "doc_type",
    "validity_changed",
    "replaced_by",
    "summary",
    "attachments",
    "effective",
    "expires",
    "reg_no",
    "aliases",
];
pub const INTERPRETATION_KEYS: &[&str] = &[
    "title",
    "interprets",
    "published",
    "form",
    "interpreter",
    "disclosure",
    "summary",
    "aliases",
];
pub const PAGE_KEYS: &[&str] = &["title", "slug", "disclosure", "summary", "aliases"];
/// `W-POLICY-EXPIRING` this many days before a policy's `expires`.
pub const EXPIRING_DAYS: i64 = 30;
pub const DISCLOSURES: &[&str] = &["主动公开", "依申请公开", "不予公开"];
pub const DOC_TYPES: &[&str] = &["规章", "行政规范性文件", "其他文件"];

/// A 发布日期 more than this many days (a year) after the build date is warned about
/// (W-FUTURE-DATE): a typing error of the year, not a document announced in advance.
pub const FUTURE_DAYS: u64 = 366;

/// Sections and files the site itself writes; a page slug must not take them.
const RESERVED: &[&str] = crate::routes::RESERVED;

/// A document's front matter read into typed fields (memoized per file, see [`Memo::front`]),
/// with the document it came from.
struct Drafted<'a, T> {
    raw: &'a RawDoc,
    draft: Arc<T>,
}

impl<T> std::ops::Deref for Drafted<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.draft
    }
}

/// What reading one document's front matter gave: its fields when the required ones are
/// there, and the problems found.
type Front<T> = (Option<Arc<T>>, Vec<Diagnostic>);

/// Front matter of a policy, before references are resolved.
struct PolicyDraft {
    /// The file inside `content/` (as links name it) and the page's URL.
    link: String,
    url: String,
    public: bool,
    title: String,
    index_no: String,
    doc_no: Option<String>,
    issuer: String,
    written: Option<NaiveDate>,
    published: NaiveDate,
    topic: Option<String>,
    genre: Option<String>,
    category: String,
    validity: Validity,
    doc_type: String,
    validity_changed: Option<NaiveDate>,
    replaced_by: Option<String>,
    summary: Option<String>,
    attachments: Vec<(String, String)>,
    effective: Option<NaiveDate>,
    expires: Option<NaiveDate>,
    reg_no: Option<String>,
    aliases: Vec<String>,
}

struct InterpDraft {
    link: String,
    url: String,
    public: bool,
    title: String,
    interprets: Vec<String>,
    published: NaiveDate,
    form: String,
    interpreter: Option<String>,
    summary: Option<String>,
    aliases: Vec<String>,
}

struct PageDraft {
    public: bool,
    title: String,
    slug: String,
    summary: Option<String>,
    aliases: Vec<String>,
}

pub use crate::routes::encode_path;

fn disclosure(f: &mut Fields, required: bool) -> bool {
    f.one_of("disclosure", required, DISCLOSURES)
        .map(|d| d == "主动公开")
        // A missing or invalid value is never published.
        .unwrap_or(!required && !f.has("disclosure"))
}

fn policy_draft(raw: &RawDoc, org_code: &str) -> Front<PolicyDraft> {
    let fm = raw.front_matter.clone();
    let mut f = Fields::new(&raw.file.path, &raw.file.text, fm, &raw.table);
    let title = f.string("title", true);
    let index_no = f.string("index_no", true);
    let doc_no = f.string("doc_no", false);
    let issuer = f.string("issuer", true);
    let written = f.date("written", false);
    let published = f.date("published", true);
    let topic = f.string("topic", false);
    let genre = f.string("genre", false);
    let category = f.string("category", true);
    let public = disclosure(&mut f, true);
    let validity = f
        .one_of(
            "validity",
            false,
            &["现行有效", "已修改", "已废止", "已失效"],
        )
        .and_then(|v| Validity::parse(&v))
        .unwrap_or(Validity::InForce);
    let doc_type = f
        .one_of("doc_type", false, DOC_TYPES)
        .unwrap_or_else(|| "其他文件".into());
    let validity_changed = f.date("validity_changed", false);
    let replaced_by = f.string("replaced_by", false);
    let summary = f.string("summary", false);
    let attachments = attachments(&mut f);
    let effective = f.date("effective", false);
    let expires = f.date("expires", false);
    let reg_no = f.string("reg_no", false);

    if let (Some(e), Some(x)) = (effective, expires) {
        if x < e {
            f.error(
                "E-DATE-ORDER",
                "expires",
                format!("有效期至 {x} 早于施行日期 {e}"),
                Some("有效期截止日期不能早于施行日期".into()),
            );
        }
    }
    if doc_type == "行政规范性文件" && reg_no.is_none() {
        let d = Diagnostic::warning(
            "W-REG-NO-MISSING",
            "行政规范性文件缺少统一登记号 reg_no",
        )
        .at(&raw.file.path, &raw.file.text, f.pos("doc_type"))
        .with_hint("行政规范性文件实行统一登记、统一编号、统一发布，添加 reg_no = \"豫政规〔2016〕007\"（国办发〔2018〕37号）");
        f.diags.push(d);
    }
    let aliases = crate::continuity::read_aliases(&mut f);

    if let Some(ix) = &index_no {
        let prefix = format!("{org_code}/");
        if !ix.starts_with(&prefix) {
            f.error(
                "E-INDEX-NO-PREFIX",
                "index_no",
                format!("索引号 {ix} 不以本站机构代码 {org_code}/ 开头"),
                Some(format!("索引号写作 {org_code}/2016-00001")),
            );
        } else if !rules::index_serial_well_formed(&ix[prefix.len()..]) {
            f.error(
                "E-INDEX-NO-FORMAT",
                "index_no",
                format!("索引号 {ix} 的年份和流水号格式不对"),
                Some(format!(
                    "索引号写作 {org_code}/<年份>-<流水号>，例如 {org_code}/2016-00001"
                )),
            );
        }
    }
    if let (Some(w), Some(p)) = (written, published) {
        if p < w {
            f.error(
                "E-DATE-ORDER",
                "published",
                format!("发布日期 {p} 早于成文日期 {w}"),
                Some("发布日期不能早于成文日期".into()),
            );
        }
    }
    if validity != Validity::InForce && validity_changed.is_none() {
        f.error(
            "E-VALIDITY-DATE",
            "validity",
            format!(
                "有效性为“{}”，但缺少有效性变更日期 validity_changed",
                validity.label()
            ),
            Some("添加 validity_changed = 2017-01-01（文件修改、废止或失效的日期）".into()),
        );
    }
    if let (Some(c), Some(p)) = (validity_changed, published) {
        if c < p {
            f.error(
                "E-DATE-ORDER",
                "validity_changed",
                format!("有效性变更日期 {c} 早于发布日期 {p}"),
                None,
            );
        }
    }
    if let Some(d) = &doc_no {
        if !rules::doc_no_well_formed(d) {
            let d = Diagnostic::warning("W-DOC-NO-FORMAT", format!("发文字号不符合 GB/T 9704 格式：{d}"))
                .at(&raw.file.path, &raw.file.text, f.pos("doc_no"))
                .with_hint("发文字号写作 机关代字〔年份〕序号号，例如 吉政办发〔2016〕24号（六角括号，序号不编虚位）");
            f.diags.push(d);
        }
    }
    let diags = f.finish(POLICY_KEYS);
    let draft = match (title, index_no, issuer, published, category) {
        (Some(title), Some(index_no), Some(issuer), Some(published), Some(category)) => {
            Some(Arc::new(PolicyDraft {
                link: format!("policies/{}.md", raw.stem),
                url: format!("/policies/{}/", encode_path(&raw.stem)),
                public,
                title,
                index_no,
                doc_no,
                issuer,
                written,
                published,
                topic,
                genre,
                category,
                validity,
                doc_type,
                validity_changed,
                replaced_by,
                summary,
                attachments,
                effective,
                expires,
                reg_no,
                aliases,
            }))
        }
        _ => None,
    };
    (draft, diags)
}

fn attachments(f: &mut Fields) -> Vec<(String, String)> {
    let Some(v) = f.table.get("attachments") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let ok = match v {
        toml::Value::Array(a) => a.iter().all(|item| match item {
            toml::Value::Table(t) => match (
                t.get("title").and_then(|v| v.as_str()),
                t.get("file").and_then(|v| v.as_str()),
            ) {
                (Some(title), Some(file)) if t.len() == 2 => {
                    out.push((title.to_string(), file.to_string()));
                    true
                }
                _ => false,
            },
            _ => false,
        }),
        _ => false,
    };
    if !ok {
        f.error(
            "E-WRONG-TYPE",
            "attachments",
            "附件应写作 attachments = [{ title = \"…\", file = \"…\" }]".into(),
            None,
        );
    }
    out
}

fn interp_draft(raw: &RawDoc) -> Front<InterpDraft> {
    let mut f = Fields::new(
        &raw.file.path,
        &raw.file.text,
        raw.front_matter.clone(),
        &raw.table,
    );
    let title = f.string("title", true);
    let interprets = f.string_list("interprets", true);
    let published = f.date("published", true);
    let forms: Vec<&str> = FORMS.iter().map(|f| f.0).collect();
    let form = f
        .one_of("form", false, &forms)
        .unwrap_or_else(|| "文字".into());
    let interpreter = f.string("interpreter", false);
    let public = disclosure(&mut f, false);
    let summary = f.string("summary", false);
    let aliases = crate::continuity::read_aliases(&mut f);
    let diags = f.finish(INTERPRETATION_KEYS);
    let draft = match (title, interprets, published) {
        (Some(title), Some(interprets), Some(published)) => Some(Arc::new(InterpDraft {
            link: format!("interpretations/{}.md", raw.stem),
            url: format!("/interpretations/{}/", encode_path(&raw.stem)),
            public,
            title,
            interprets,
            published,
            form,
            interpreter,
            summary,
            aliases,
        })),
        _ => None,
    };
    (draft, diags)
}

fn page_draft(raw: &RawDoc) -> Front<PageDraft> {
    let mut f = Fields::new(
        &raw.file.path,
        &raw.file.text,
        raw.front_matter.clone(),
        &raw.table,
    );
    let title = f.string("title", true);
    let slug = f.string("slug", false);
    let public = disclosure(&mut f, false);
    let summary = f.string("summary", false);
    let aliases = crate::continuity::read_aliases(&mut f);
    let slug = match slug {
        Some(s) if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || s.is_empty() => {
            f.error(
                "E-UNSAFE-SLUG",
                "slug",
                format!("slug 只能包含英文字母、数字和 -：{}", s.escape_debug()),
                Some("例如 slug = \"guide\"".into()),
            );
            None
        }
        Some(s) => Some(s),
        None => Some(raw.stem.clone()),
    };
    let diags = f.finish(PAGE_KEYS);
    let draft = match (title, slug) {
        (Some(title), Some(slug)) => Some(Arc::new(PageDraft {
            public,
            title,
            slug,
            summary,
            aliases,
        })),
        _ => None,
    };
    (draft, diags)
}

/// Byte offset of `key` in a document's front matter (its start when the key is absent).
fn key_offset(raw: &RawDoc, key: &str) -> usize {
    crate::source::fields::find_key(&raw.file.text, raw.front_matter.clone(), key)
        .unwrap_or(raw.front_matter.start)
}

fn key_diag(raw: &RawDoc, code: &'static str, key: &str, msg: String) -> Diagnostic {
    Diagnostic::error(code, msg).at(&raw.file.path, &raw.file.text, key_offset(raw, key))
}

fn summary_of(given: Option<String>, body: &Body) -> String {
    given.unwrap_or_else(|| {
        let p = &body.first_paragraph;
        if p.chars().count() > 120 {
            format!("{}…", p.chars().take(120).collect::<String>())
        } else {
            p.clone()
        }
    })
}

/// Renders one document's body and runs the checks on its text (personal data, Word
/// debris): what `validate` does for every published document, memoized in `memo`. `serve`
/// also uses it to preview a body edit before the whole site is validated again.
pub fn body_of(
    raw: &RawDoc,
    links: &Links,
    allow_personal: bool,
    memo: &Memo,
    env: Env,
) -> Arc<markdown::Rendered> {
    memo.markdown(raw, env, || {
        let dir = match raw.stem.rfind('/') {
            Some(i) => format!("{}/{}", raw.section.dir(), &raw.stem[..i]),
            None => raw.section.dir().to_string(),
        };
        let mut r = markdown::render(
            &raw.file.path,
            &raw.file.text,
            raw.body.clone(),
            &dir,
            links,
        );
        if !allow_personal {
            r.diags
                .extend(personal_data(&raw.file.path, &raw.file.text));
        }
        r.diags.extend(private_use(&raw.file.path, &raw.file.text));
        r
    })
}

/// The front matter of `raw` (an edited file) over `old`, its model value in the last good
/// build (`old_raw` is what that build read), for `serve`'s preview of an edit. Only an
/// edit that other documents and site-wide rules cannot see is previewed (titles, 发文机关,
/// 分类, 有效性 …): `None` when the edit has any problem, changes what links documents (索引号,
/// 替代文件, 所解读文件, slug), a date, attachments or disclosure, or when the document has an
/// `expires` (its validity then depends on the build date). The full build follows anyway.
pub fn preview_policy(
    raw: &RawDoc,
    old_raw: &RawDoc,
    org_code: &str,
    old: &Policy,
) -> Option<Policy> {
    let (new, diags) = policy_draft(raw, org_code);
    let (prev, _) = policy_draft(old_raw, org_code);
    let (d, o) = (new?, prev?);
    let same = d.public
        && d.index_no == o.index_no
        && d.replaced_by == o.replaced_by
        && d.published == o.published
        && d.written == o.written
        && d.effective == o.effective
        && d.expires.is_none()
        && o.expires.is_none()
        && d.attachments == o.attachments;
    if !diags.is_empty() || !same {
        return None;
    }
    Some(Policy {
        title: d.title.clone(),
        doc_no: d.doc_no.clone(),
        issuer: d.issuer.clone(),
        topic: d.topic.clone(),
        genre: d.genre.clone(),
        category: d.category.clone(),
        validity: d.validity,
        doc_type: d.doc_type.clone(),
        validity_changed: d.validity_changed,
        reg_no: d.reg_no.clone(),
        summary: summary_of(d.summary.clone(), &old.body),
        ..old.clone()
    })
}

/// [`preview_policy`] for a 解读.
pub fn preview_interpretation(
    raw: &RawDoc,
    old_raw: &RawDoc,
    old: &Interpretation,
) -> Option<Interpretation> {
    let (new, diags) = interp_draft(raw);
    let (prev, _) = interp_draft(old_raw);
    let (d, o) = (new?, prev?);
    let same = d.public && d.interprets == o.interprets && d.published == o.published;
    if !diags.is_empty() || !same {
        return None;
    }
    Some(Interpretation {
        title: d.title.clone(),
        form: d.form.clone(),
        interpreter: d.interpreter.clone(),
        summary: summary_of(d.summary.clone(), &old.body),
        ..old.clone()
    })
}

/// [`preview_policy`] for a free page.
pub fn preview_page(raw: &RawDoc, old_raw: &RawDoc, old: &Page) -> Option<Page> {
    let (new, diags) = page_draft(raw);
    let (prev, _) = page_draft(old_raw);
    let (d, o) = (new?, prev?);
    if !diags.is_empty() || !d.public || d.slug != o.slug {
        return None;
    }
    Some(Page {
        title: d.title.clone(),
        summary: summary_of(d.summary.clone(), &old.body),
        ..old.clone()
    })
}

/// What a document's rendered body contributes to the site: the body itself, its
/// diagnostics, the assets it uses and its site-absolute links (checked at the end).
#[derive(Default)]
struct BodyPart {
    body: Arc<Body>,
    diags: Vec<Diagnostic>,
    assets: BTreeSet<String>,
    /// Site static files named as attachments.
    static_refs: BTreeSet<String>,
    absolute_links: Vec<(String, Diagnostic)>,
}

impl BodyPart {
    /// Adds what the body found to the site's lists and returns the body.
    fn gather(
        mut self,
        diags: &mut Vec<Diagnostic>,
        assets: &mut BTreeSet<String>,
        absolute_links: &mut Vec<(String, Diagnostic)>,
    ) -> Arc<Body> {
        diags.append(&mut self.diags);
        assets.append(&mut self.assets);
        absolute_links.append(&mut self.absolute_links);
        self.body
    }
}

fn body_part(rendered: &HashMap<&str, Arc<markdown::Rendered>>, raw: &RawDoc) -> BodyPart {
    let Some(r) = rendered.get(raw.file.path.as_str()) else {
        return BodyPart::default();
    };
    BodyPart {
        body: r.body.clone(),
        diags: r.diags.clone(),
        assets: r.assets.clone(),
        static_refs: BTreeSet::new(),
        absolute_links: r
            .absolute_links
            .iter()
            .map(|(l, off)| {
                let d = Diagnostic::error("E-BROKEN-LINK", format!("站内链接目标不存在：{l}"))
                    .at(&raw.file.path, &raw.file.text, *off)
                    .with_hint("链接到其他内容文件时，请写相对路径，例如 [见](../pages/guide.md)");
                (l.clone(), d)
            })
            .collect(),
    }
}

/// Validates everything loaded into the site model.
pub fn validate(loaded: Loaded, opts: &Options) -> (Site, Vec<Diagnostic>) {
    validate_with(&loaded, opts, &Memo::default())
}

/// [`validate`] for `serve`: the loaded files are borrowed (kept between rebuilds) and the
/// per-file work (bodies, ledgers) is memoized in `memo`.
pub fn validate_with(loaded: &Loaded, opts: &Options, memo: &Memo) -> (Site, Vec<Diagnostic>) {
    let Loaded {
        config,
        docs,
        lists,
        reports,
        assets,
        statics,
        templates,
        diags: load_diags,
        ..
    } = loaded;
    let mut diags = load_diags.clone();
    let calendar =
        Calendar::official().with_extra(&config.check.extra_workdays, &config.check.extra_holidays);

    // Front matter of every document.
    let mut policy_drafts = Vec::new();
    let mut interp_drafts = Vec::new();
    let mut page_drafts = Vec::new();
    // Documents whose front matter has errors, unless marked not public: their bodies are
    // still checked (links, personal data) so that one run reports every problem.
    let mut unfinished: Vec<&RawDoc> = Vec::new();
    let maybe_public = |raw: &RawDoc| {
        raw.table
            .get("disclosure")
            .and_then(|v| v.as_str())
            .is_none_or(|d| d.trim() == "主动公开")
    };
    // Only `policy_draft` reads the config (the org code in 索引号).
    let policy_salt = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        config.org_code.hash(&mut h);
        h.finish()
    };
    fn push<'a, T>(
        raw: &'a RawDoc,
        front: &Front<T>,
        diags: &mut Vec<Diagnostic>,
        out: &mut Vec<Drafted<'a, T>>,
    ) -> bool {
        diags.extend(front.1.iter().cloned());
        match &front.0 {
            Some(d) => {
                out.push(Drafted {
                    raw,
                    draft: d.clone(),
                });
                true
            }
            None => false,
        }
    }
    for raw in docs {
        let drafted = match raw.section {
            Section::Policy => {
                let f = memo.front(raw, policy_salt, || policy_draft(raw, &config.org_code));
                push(raw, &f, &mut diags, &mut policy_drafts)
            }
            Section::Interpretation => {
                let f = memo.front(raw, 0, || interp_draft(raw));
                push(raw, &f, &mut diags, &mut interp_drafts)
            }
            Section::Page => {
                let f = memo.front(raw, 0, || page_draft(raw));
                push(raw, &f, &mut diags, &mut page_drafts)
            }
        };
        if !drafted && maybe_public(raw) {
            unfinished.push(raw);
        }
    }
    page_drafts.retain(|p| p.public);

    // 索引号 unique across the site (published or not).
    // Compared folded (full-width digits, Unicode dashes, invisible characters), as readers
    // and search engines see them.
    let mut seen: HashMap<String, &str> = HashMap::default();
    for p in &policy_drafts {
        if let Some(first) = seen.insert(rules::fold_index_no(&p.index_no), &p.raw.file.path) {
            diags.push(
                key_diag(
                    p.raw,
                    "E-DUPLICATE-INDEX-NO",
                    "index_no",
                    format!("索引号 {} 重复", p.index_no),
                )
                .with_hint(format!("已在 {first} 中使用；每个文件的索引号必须唯一")),
            );
        }
    }
    let all_index: HashSet<String> = policy_drafts.iter().map(|p| p.index_no.clone()).collect();

    // Site static files that documents which are not 主动公开 name (attachments, links):
    // they are left out of the output unless a published document names them too.
    let private_refs = private_static_refs(
        loaded,
        policy_drafts
            .iter()
            .filter(|p| !p.public)
            .flat_map(|p| p.attachments.iter().map(|(_, f)| f.as_str())),
    );

    // Only 主动公开 documents go on; newest first.
    let mut policy_drafts: Vec<Drafted<PolicyDraft>> =
        policy_drafts.into_iter().filter(|p| p.public).collect();
    policy_drafts.sort_by(|a, b| (b.published, &b.index_no).cmp(&(a.published, &a.index_no)));
    let mut interp_drafts: Vec<Drafted<InterpDraft>> =
        interp_drafts.into_iter().filter(|p| p.public).collect();
    interp_drafts.sort_by(|a, b| (b.published, &b.raw.stem).cmp(&(a.published, &a.raw.stem)));
    page_drafts.sort_by(|a, b| a.slug.cmp(&b.slug));

    let policy_by_index: HashMap<&str, usize> = policy_drafts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.index_no.as_str(), i))
        .collect();

    // Page slugs: unique, not a section of the site.
    let mut slugs: BTreeMap<&str, &str> = BTreeMap::new();
    let mut page_ok = vec![true; page_drafts.len()];
    for (i, p) in page_drafts.iter().enumerate() {
        let first_seg = p.slug.split('/').next().unwrap_or("");
        if RESERVED.contains(&first_seg) {
            diags.push(
                key_diag(
                    p.raw,
                    "E-SLUG-CONFLICT",
                    "slug",
                    format!("slug `{}` 与网站栏目冲突", p.slug),
                )
                .with_hint(format!("不能使用：{}", RESERVED.join("、"))),
            );
            page_ok[i] = false;
        } else if let Some(first) = slugs.insert(&p.slug, &p.raw.file.path) {
            diags.push(
                key_diag(
                    p.raw,
                    "E-SLUG-CONFLICT",
                    "slug",
                    format!("slug `{}` 重复", p.slug),
                )
                .with_hint(format!("已在 {first} 中使用")),
            );
            page_ok[i] = false;
        }
    }

    // URLs of every published document, for links between files.
    let mut doc_urls: HashMap<String, String> = HashMap::with_capacity_and_hasher(
        policy_drafts.len() + interp_drafts.len() + page_drafts.len(),
        Default::default(),
    );
    for p in &policy_drafts {
        doc_urls.insert(p.link.clone(), p.url.clone());
    }
    for p in &interp_drafts {
        doc_urls.insert(p.link.clone(), p.url.clone());
    }
    for (p, ok) in page_drafts.iter().zip(&page_ok) {
        if *ok {
            doc_urls.insert(format!("pages/{}.md", p.raw.stem), format!("/{}/", p.slug));
        }
    }

    // Markdown bodies, in parallel; privacy scan of every published file.
    let links = Links {
        docs: &doc_urls,
        assets,
        media_hosts: &config.check.media_hosts,
    };
    let public_raws: Vec<&RawDoc> = policy_drafts
        .iter()
        .map(|p| p.raw)
        .chain(interp_drafts.iter().map(|p| p.raw))
        .chain(
            page_drafts
                .iter()
                .zip(&page_ok)
                .filter(|(_, ok)| **ok)
                .map(|(p, _)| p.raw),
        )
        .chain(unfinished.iter().copied())
        .collect();
    let allow_personal = config.check.allow_personal_info;
    let env = memo.env(&links, allow_personal);
    let mut bodies = memo.markdown_hits(&public_raws, env);
    bodies
        .par_iter_mut()
        .zip(&public_raws)
        .filter(|(b, _)| b.is_none())
        .for_each(|(b, raw)| *b = Some(body_of(raw, &links, allow_personal, memo, env)));
    let rendered: HashMap<&str, Arc<markdown::Rendered>> = public_raws
        .iter()
        .zip(bodies)
        .filter_map(|(raw, b)| Some((raw.file.path.as_str(), b?)))
        .collect();

    let mut used_assets: BTreeSet<String> = BTreeSet::new();
    // Site-absolute links, each with the diagnostic to report if it turns out broken.
    let mut absolute_links: Vec<(String, Diagnostic)> = Vec::new();

    // Policies, in parallel (the slowest part of a rebuild in `serve` at 10,000 documents);
    // what each found is gathered in order afterwards.
    let static_set: HashSet<&str> = statics.iter().map(|s| s.rel.as_str()).collect();
    let built: Vec<(Policy, BodyPart)> = policy_drafts
        .par_iter()
        .map(|p| {
            let mut part = body_part(&rendered, p.raw);
            let diags = &mut part.diags;
            let replaced_by = match &p.replaced_by {
                Some(r) => match policy_by_index.get(r.as_str()) {
                    Some(i) => Some(*i),
                    None => {
                        diags.push(
                            key_diag(
                                p.raw,
                                "E-REPLACED-BY-UNKNOWN",
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
                    Some(b) if assets.contains_key(&b) => {
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
                            "E-BROKEN-LINK",
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
                        Diagnostic::warning(
                            "W-LATE-PUBLICATION",
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
                            Diagnostic::warning(
                                "W-POLICY-EXPIRING",
                                format!(
                                    "文件有效期至{}，{}后失效",
                                    crate::render::cn_date(x),
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
    let mut public_static_refs: BTreeSet<String> = BTreeSet::new();
    for (policy, mut part) in built {
        public_static_refs.append(&mut part.static_refs);
        part.gather(&mut diags, &mut used_assets, &mut absolute_links);
        policies.push(policy);
    }

    // 替代文件 chains must end: a policy replaced by itself, or a ring of replacements, is
    // an error at each policy of the ring.
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
                        policy_drafts[start].raw,
                        "E-REPLACED-BY-CYCLE",
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

    // A published date far after the build date is almost always a typing error.
    let horizon = opts.build_date + chrono::Days::new(FUTURE_DAYS);
    for (p, d) in policy_drafts
        .iter()
        .map(|p| (p.raw, p.published))
        .chain(interp_drafts.iter().map(|p| (p.raw, p.published)))
    {
        if d > horizon {
            diags.push(
                Diagnostic::warning(
                    "W-FUTURE-DATE",
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

    let mut take = |raw: &RawDoc,
                    diags: &mut Vec<Diagnostic>,
                    used_assets: &mut BTreeSet<String>|
     -> Arc<Body> {
        body_part(&rendered, raw).gather(diags, used_assets, &mut absolute_links)
    };

    // Interpretations.
    let mut interpretations: Vec<Interpretation> = Vec::with_capacity(interp_drafts.len());
    for (ii, d) in interp_drafts.iter().enumerate() {
        let body = take(d.raw, &mut diags, &mut used_assets);
        let mut targets: Vec<usize> = Vec::new();
        for ix in &d.interprets {
            match policy_by_index.get(ix.as_str()) {
                Some(i) if targets.contains(i) => diags.push(
                    key_diag(
                        d.raw,
                        "E-INTERPRETS-DUPLICATE",
                        "interprets",
                        format!("解读的文件 {ix} 重复列出"),
                    )
                    .with_hint("interprets 中每个索引号只写一次"),
                ),
                Some(i) => targets.push(*i),
                None => {
                    let why = if all_index.contains(ix) {
                        "不是主动公开文件"
                    } else {
                        "不存在"
                    };
                    diags.push(
                        key_diag(
                            d.raw,
                            "E-INTERPRETS-UNKNOWN",
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
                    Diagnostic::warning(
                        "W-LATE-INTERPRETATION",
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
                Diagnostic::warning(
                    "W-INTERPRETATION-EARLY",
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

    // Pages.
    let mut pages = Vec::new();
    for (p, ok) in page_drafts.iter().zip(&page_ok) {
        if !ok {
            continue;
        }
        let body = take(p.raw, &mut diags, &mut used_assets);
        pages.push(Page {
            source: p.raw.file.path.clone(),
            url: format!("/{}/", p.slug),
            slug: p.slug.clone(),
            title: p.title.clone(),
            summary: summary_of(p.summary.clone(), &body),
            body,
        });
    }

    // Bodies of documents with front-matter errors: diagnostics only, nothing is published.
    let mut unpublished_assets = BTreeSet::new();
    for raw in &unfinished {
        take(raw, &mut diags, &mut unpublished_assets);
    }

    // Ledgers.
    let mut ledgers = Vec::new();
    for raw in lists {
        let built = memo.ledger(raw, opts.build_date, allow_personal, || {
            let (l, mut ds) = crate::ledger::build(raw, opts.build_date);
            if !allow_personal {
                ds.extend(personal_data(&raw.file.path, &raw.file.text));
            }
            (l.map(Arc::new), ds)
        });
        diags.extend(built.1.iter().cloned());
        ledgers.extend(built.0.clone());
    }
    memo.finish_run();
    ledgers.sort_by(|a, b| a.stem.cmp(&b.stem));

    // Annual-report inputs are published text too (sections 一、五、六).
    if !allow_personal {
        for raw in reports {
            diags.extend(personal_data(&raw.file.path, &raw.file.text));
        }
    }

    // Annual reports.
    let reports_raw = reports;
    let (reports, report_diags) =
        crate::report::build_all(reports, &policies, config, opts.build_date);
    diags.extend(report_diags);
    let (website_reports, website_diags) = crate::website::build_all(
        reports_raw,
        config,
        &crate::website::Content {
            policies: &policies,
            interpretations: &interpretations,
            lists: &ledgers,
        },
    );
    diags.extend(website_diags);

    // Files copied as is: static files (less those only unpublished documents name), and
    // the content assets published documents use.
    for (link, _) in &absolute_links {
        let bare = link.split(['#', '?']).next().unwrap_or("");
        let decoded = percent_encoding::percent_decode_str(bare.trim_start_matches('/'))
            .decode_utf8_lossy()
            .into_owned();
        public_static_refs.insert(decoded);
    }
    let mut copies: Vec<CopyFile> = statics
        .iter()
        .filter(|c| !private_refs.contains(&c.rel) || public_static_refs.contains(&c.rel))
        .cloned()
        .collect();
    for a in &used_assets {
        if let Some(abs) = assets.get(a) {
            copies.push(CopyFile {
                rel: a.clone(),
                abs: abs.clone(),
            });
        }
    }
    copies.sort();
    copies.dedup_by(|a, b| a.rel == b.rel);

    // Copied files are served from the portal's own origin: no active content.
    let content_assets: HashSet<&str> = used_assets.iter().map(String::as_str).collect();
    diags.extend(
        copies
            .par_iter()
            .filter_map(|c| {
                active_content(&loaded.root, c, content_assets.contains(c.rel.as_str()))
            })
            .collect::<Vec<_>>(),
    );

    // Names that reach URLs and output paths are published text too.
    if !allow_personal {
        let names = public_raws
            .iter()
            .map(|r| r.file.path.clone())
            .chain(lists.iter().map(|l| l.file.path.clone()))
            .chain(copies.iter().map(|c| c.rel.clone()));
        for name in names {
            diags.extend(personal_data_in_name(&name));
        }
    }

    // Site-absolute links in bodies must point at something the site has.
    let mut known: HashSet<String> = HashSet::default();
    for u in [
        "/",
        "/policies/",
        "/interpretations/",
        "/catalog/",
        "/lists/",
        "/reports/",
        "/search/",
        "/sitemap/",
        "/disclosure/",
        "/sitemap.xml",
        "/robots.txt",
        "/policies/atom.xml",
        "/interpretations/atom.xml",
    ] {
        known.insert(u.to_string());
    }
    known.extend(policies.iter().map(|p| p.url.clone()));
    known.extend(interpretations.iter().map(|p| p.url.clone()));
    known.extend(pages.iter().map(|p| p.url.clone()));
    known.extend(ledgers.iter().map(|l| l.url.clone()));
    known.extend(reports.iter().map(|r| r.url.clone()));
    known.extend(website_reports.iter().map(|r| r.url.clone()));
    known.extend(copies.iter().map(|c| format!("/{}", encode_path(&c.rel))));

    // Old URLs: a redirect page for each alias, a withdrawal page for each removed URL.
    let mut taken: HashMap<String, String> = known
        .iter()
        .map(|u| (crate::render::url_to_path(u), u.clone()))
        .collect();
    let mut aliases = Vec::new();
    let mut alias_of = |(file, text, offset): (&str, &str, usize),
                        list: &[String],
                        target: &str,
                        title: &str,
                        diags: &mut Vec<Diagnostic>| {
        for a in list {
            let Ok(path) = crate::continuity::old_url_path(a) else {
                continue;
            };
            if let Some(other) = taken.get(&path) {
                diags.push(
                    Diagnostic::error(
                        "E-URL-CONFLICT",
                        format!("旧网址 {a} 与 {other} 是同一个地址"),
                    )
                    .at(file, text, offset)
                    .with_hint("旧网址不能是本站现有页面，也不能被两个文件同时使用"),
                );
                continue;
            }
            taken.insert(path.clone(), a.clone());
            aliases.push(crate::continuity::Alias {
                url: a.clone(),
                path,
                target: target.to_string(),
                title: title.to_string(),
                source: file.to_string(),
            });
        }
    };
    fn at(raw: &RawDoc) -> (&str, &str, usize) {
        (
            raw.file.path.as_str(),
            &*raw.file.text,
            key_offset(raw, "aliases"),
        )
    }
    for p in &policy_drafts {
        alias_of(at(p.raw), &p.aliases, &p.url, &p.title, &mut diags);
    }
    for p in &interp_drafts {
        alias_of(at(p.raw), &p.aliases, &p.url, &p.title, &mut diags);
    }
    for (p, ok) in page_drafts.iter().zip(&page_ok) {
        if *ok {
            let url = format!("/{}/", p.slug);
            alias_of(at(p.raw), &p.aliases, &url, &p.title, &mut diags);
        }
    }
    for l in &ledgers {
        if let Some(raw) = lists.iter().find(|r| r.file.path == l.source) {
            let text: &str = &raw.file.text;
            let offset =
                crate::source::fields::find_key(text, 0..text.len(), "aliases").unwrap_or(0);
            alias_of(
                (&l.source, text, offset),
                &l.aliases,
                &l.url,
                &l.title,
                &mut diags,
            );
            // A ledger's old URL covers its item pages too: /old/<item>/ → /new/<item>/.
            for a in l.aliases.iter().filter(|a| a.ends_with('/')) {
                for it in &l.items {
                    let seg = format!("{}/", encode_path(&it.slug));
                    let title = format!("{} 第 {} 项", l.title, it.position);
                    let target = format!("{}{seg}", l.url);
                    let old = [format!("{a}{seg}")];
                    alias_of((&l.source, text, offset), &old, &target, &title, &mut diags);
                }
            }
        }
    }
    let mut removed = Vec::new();
    if let Some(raw) = &loaded.removed {
        let (entries, d) = crate::continuity::parse_removed(raw);
        diags.extend(d);
        for r in entries {
            if let Some(other) = taken.get(&r.path) {
                diags.push(
                    Diagnostic::error(
                        "E-URL-CONFLICT",
                        format!("停止公开的网址 {} 与 {other} 是同一个地址", r.url),
                    )
                    .at(&raw.file.path, &raw.file.text, r.offset)
                    .with_hint("该网址仍有页面在发布：删除这一项，或先停止发布那个页面"),
                );
                continue;
            }
            taken.insert(r.path.clone(), r.url.clone());
            removed.push(r);
        }
    }
    known.extend(aliases.iter().map(|a| a.url.clone()));
    known.extend(removed.iter().map(|r| r.url.clone()));
    let ledger_urls: Vec<&String> = ledgers.iter().map(|l| &l.url).collect();
    for (link, diag) in absolute_links {
        let bare = link.split(['#', '?']).next().unwrap_or("");
        let bare = bare.strip_suffix("index.html").unwrap_or(bare);
        let with_slash = if bare.ends_with('/') {
            bare.to_string()
        } else {
            format!("{bare}/")
        };
        // Listing pages (facets, pagination, ledger items) are generated by render.
        let generated = crate::routes::GENERATED.iter().any(|s| bare.starts_with(s))
            || ledger_urls.iter().any(|u| bare.starts_with(u.as_str()));
        if !(known.contains(bare) || known.contains(&with_slash) || generated) {
            diags.push(diag);
        }
    }

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
        templates: templates.clone(),
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

/// E-PERSONAL-ID / E-MOBILE-NUMBER for personal data in a published file.
/// W-PRIVATE-USE-CHAR: characters from the Unicode private-use area, usually debris of a
/// Word or WPS conversion, which readers see as boxes.
fn private_use(path: &str, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut last_line = 0;
    for (off, c) in text.char_indices() {
        if ('\u{E000}'..='\u{F8FF}').contains(&c) {
            let d = Diagnostic::warning(
                "W-PRIVATE-USE-CHAR",
                format!("含有私用区字符 U+{:04X}，读者会看到方框或乱码", c as u32),
            )
            .at(path, text, off)
            .with_hint("多为从 Word/WPS 复制带来的符号，请删除或换成正常字符");
            if d.line != last_line {
                last_line = d.line;
                out.push(d);
            }
        }
    }
    out
}

/// Extensions a browser runs or renders as a page of the portal's origin: refused beside
/// documents (`content/`), where editors put attachments. The site's `static/` is the
/// webmaster's and may hold such files (a search-engine verification page, say).
const ACTIVE_EXTENSIONS: &[&str] = &[
    "html", "htm", "xhtml", "shtml", "xht", "js", "mjs", "svgz", "swf",
];

/// E-ACTIVE-CONTENT for a copied file that would run script on the portal's origin: an
/// SVG (anywhere) with scripts, event handlers, `javascript:` URLs, embedded documents or
/// entity declarations, or not in UTF-8 (which would hide them from this check); a page or
/// script beside documents. Such files are refused, not rewritten: gongkai never changes an
/// editor's file behind their back.
fn active_content(
    root: &std::path::Path,
    c: &CopyFile,
    beside_documents: bool,
) -> Option<Diagnostic> {
    static SVG_ACTIVE: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(
            r"(?i)<\s*([a-z0-9_.-]+:)?(script|foreignobject|iframe|embed|object|handler|listener)\b|[\s\x22'/]on[a-z]+\s*=|javascript\s*:|vbscript\s*:|data\s*:\s*text/html|<!entity",
        )
        .expect("valid regex")
    });
    let path = crate::diagnostics::rel_path(root, &c.abs);
    let ext = c
        .rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if beside_documents && ACTIVE_EXTENSIONS.contains(&ext.as_str()) {
        return Some(
            Diagnostic::error(
                "E-ACTIVE-CONTENT",
                format!("文件旁的 .{ext} 文件会在门户网站的域名下运行，不予发布"),
            )
            .in_file(&path)
            .with_hint("附件请使用 PDF、图片、OFD 或办公文档；网页内容请写成 Markdown 文件"),
        );
    }
    if ext != "svg" {
        return None;
    }
    let bytes = std::fs::read(&c.abs).ok()?;
    let found = match std::str::from_utf8(&bytes) {
        Err(_) => Some("不是 UTF-8 编码".to_string()),
        Ok(_) => SVG_ACTIVE
            .find(&bytes)
            .map(|m| format!("含有 {}", String::from_utf8_lossy(m.as_bytes()).trim())),
    };
    found.map(|why| {
        Diagnostic::error(
            "E-ACTIVE-CONTENT",
            format!("SVG 图片{why}，会在门户网站的域名下运行脚本，不予发布"),
        )
        .in_file(&path)
        .with_hint("删除 SVG 中的 <script>、on… 事件属性和 javascript: 链接，或改用 PNG 图片")
    })
}

/// The site's own `static/` files (not the theme's) that documents which are not 主动公开
/// name: `attachments` of such policies, and the site-absolute links and images in the
/// bodies of every such document (policies, 解读, pages).
fn private_static_refs<'a>(
    loaded: &Loaded,
    attachments: impl Iterator<Item = &'a str>,
) -> HashSet<String> {
    let site_static = loaded.root.join("static");
    let own: HashSet<&str> = loaded
        .statics
        .iter()
        .filter(|c| c.abs.starts_with(&site_static))
        .map(|c| c.rel.as_str())
        .collect();
    let mut refs: HashSet<String> = HashSet::default();
    let mut add = |target: &str| {
        let bare = target.split(['#', '?']).next().unwrap_or("");
        let decoded = percent_encoding::percent_decode_str(bare.trim().trim_start_matches('/'))
            .decode_utf8_lossy()
            .into_owned();
        if own.contains(decoded.as_str()) {
            refs.insert(decoded);
        }
    };
    for a in attachments {
        add(a);
    }
    let is_private = |raw: &&crate::source::RawDoc| {
        raw.table
            .get("disclosure")
            .and_then(|v| v.as_str())
            .is_some_and(|d| d.trim() != "主动公开")
    };
    // Raw HTML of a published document (not among the Markdown links the build records)
    // keeps a file it names published.
    let mut public_html: HashSet<String> = HashSet::default();
    for raw in loaded.docs.iter().filter(|r| !is_private(r)) {
        for event in pulldown_cmark::Parser::new(raw.body()) {
            if let pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) = event {
                public_html.extend(html_refs(&h).map(|t| site_rel(&t)));
            }
        }
    }
    for raw in loaded.docs.iter().filter(is_private) {
        for event in pulldown_cmark::Parser::new(raw.body()) {
            match event {
                pulldown_cmark::Event::Start(
                    pulldown_cmark::Tag::Link { dest_url, .. }
                    | pulldown_cmark::Tag::Image { dest_url, .. },
                ) if dest_url.starts_with('/') && !dest_url.starts_with("//") => add(&dest_url),
                pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) => {
                    for target in html_refs(&h) {
                        add(&target);
                    }
                }
                _ => {}
            }
        }
    }
    refs.retain(|r| !public_html.contains(r));
    refs
}

/// The site-relative file a site-absolute link names (`/a%20b.pdf?x#y` → `a b.pdf`).
fn site_rel(target: &str) -> String {
    let bare = target.split(['#', '?']).next().unwrap_or("");
    percent_encoding::percent_decode_str(bare.trim().trim_start_matches('/'))
        .decode_utf8_lossy()
        .into_owned()
}

/// Site-absolute `href`/`src`/`data`/`poster` targets in a piece of raw HTML (quoted or not).
fn html_refs(html: &str) -> impl Iterator<Item = String> + '_ {
    static ATTR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?i)\b(?:href|src|data|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#,
        )
        .expect("valid regex")
    });
    ATTR.captures_iter(html).filter_map(|c| {
        let v = c.get(1).or(c.get(2)).or(c.get(3))?.as_str().trim();
        // Browsers treat a backslash as a slash: `\\host` is another host, `\x` is `/x`.
        let v = v.replace('\\', "/");
        (v.starts_with('/') && !v.starts_with("//")).then_some(v)
    })
}

/// E-PERSONAL-ID / E-MOBILE-NUMBER for a file name that becomes part of a URL (pages,
/// sitemap.xml, feeds) or an output file's name.
fn personal_data_in_name(path: &str) -> Vec<Diagnostic> {
    privacy::scan(path)
        .into_iter()
        .map(|(_, kind)| {
            let d = match kind {
                privacy::Found::IdCard => Diagnostic::error(
                    "E-PERSONAL-ID",
                    "文件名中含有居民身份证号（文件名会出现在网址和网站地图中）",
                ),
                privacy::Found::Mobile => Diagnostic::error(
                    "E-MOBILE-NUMBER",
                    "文件名中含有手机号码（文件名会出现在网址和网站地图中）",
                ),
            };
            d.in_file(path)
                .with_hint("重命名文件，文件名中不要出现身份证号或手机号码")
        })
        .collect()
}

pub(crate) fn personal_data(path: &str, text: &str) -> Vec<Diagnostic> {
    privacy::scan(text)
        .into_iter()
        .map(|(off, kind)| {
            let d = match kind {
                privacy::Found::IdCard => {
                    Diagnostic::error("E-PERSONAL-ID", "公开内容中含有居民身份证号")
                        .with_hint("请遮盖中间位数，例如 4115**********1234")
                }
                privacy::Found::Mobile => {
                    Diagnostic::error("E-MOBILE-NUMBER", "公开内容中含有手机号码")
                        .with_hint("请遮盖中间四位，例如 138****1234，或改用办公电话")
                }
            };
            d.at(path, text, off)
        })
        .collect()
}
