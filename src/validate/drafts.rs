//! Stage 2a: every document's front matter read into a typed draft (policy, 解读, page), with
//! the rules one document's own fields must meet (required keys, 索引号 and 发文字号 format,
//! date order, slug), then the rules between drafts (索引号 and slugs unique).

use super::memo::Keepable;
use super::{encode_path, rules, statics, Memo};
use crate::diagnostics::{Code, Diagnostic, Kept};
use crate::fields::Fields;
use crate::model::{Body, Validity};
use crate::schema;
use crate::source::{Loaded, RawDoc, Section};
use chrono::NaiveDate;
use foldhash::{HashMap, HashSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Sections and files the site itself writes; a page slug must not take them.
const RESERVED: &[&str] = crate::routes::RESERVED;

/// A document's front matter read into typed fields (memoized per file, see [`Memo::front`]),
/// with the document it came from.
pub(super) struct Drafted<'a, T> {
    pub raw: &'a RawDoc,
    pub draft: Arc<T>,
}

impl<T> std::ops::Deref for Drafted<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.draft
    }
}

/// What reading one document's front matter gave: its fields when the required ones are
/// there, and the problems found.
pub(super) type Front<T> = (Option<Arc<T>>, Vec<Diagnostic>);

/// A draft of one section, kept in the record of sources as its own kind of fact.
pub(super) trait Draft: Serialize + serde::de::DeserializeOwned {
    const KIND: u8;
}

impl Draft for PolicyDraft {
    const KIND: u8 = 1;
}

impl Draft for InterpDraft {
    const KIND: u8 = 2;
}

impl Draft for PageDraft {
    const KIND: u8 = 3;
}

impl<T: Draft> Keepable for Front<T> {
    const KIND: u8 = T::KIND;

    fn encode(&self) -> Option<Vec<u8>> {
        let diags: Vec<Kept> = self.1.iter().map(Kept::of).collect();
        postcard::to_allocvec(&(self.0.as_deref(), diags)).ok()
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let (draft, diags): (Option<T>, Vec<Kept>) = postcard::from_bytes(bytes).ok()?;
        Some((draft.map(Arc::new), Kept::all(diags)?))
    }
}

/// Front matter of a policy, before references are resolved.
#[derive(Serialize, Deserialize)]
pub(super) struct PolicyDraft {
    /// The file inside `content/` (as links name it) and the page's URL.
    pub link: String,
    pub url: String,
    pub public: bool,
    pub title: String,
    pub index_no: String,
    pub doc_no: Option<String>,
    pub issuer: String,
    pub written: Option<NaiveDate>,
    pub published: NaiveDate,
    pub topic: Option<String>,
    pub genre: Option<String>,
    pub category: String,
    pub validity: Validity,
    pub doc_type: String,
    pub validity_changed: Option<NaiveDate>,
    pub replaced_by: Option<String>,
    pub summary: Option<String>,
    pub attachments: Vec<(String, String)>,
    pub effective: Option<NaiveDate>,
    pub expires: Option<NaiveDate>,
    pub reg_no: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct InterpDraft {
    pub link: String,
    pub url: String,
    pub public: bool,
    pub title: String,
    pub interprets: Vec<String>,
    pub published: NaiveDate,
    pub form: String,
    pub interpreter: Option<String>,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct PageDraft {
    pub public: bool,
    pub title: String,
    pub slug: String,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
}

fn disclosure(f: &mut Fields, required: bool) -> bool {
    f.one_of("disclosure", required, schema::DISCLOSURES)
        .map(|d| d == "主动公开")
        // A missing or invalid value is never published.
        .unwrap_or(!required && !f.has("disclosure"))
}

pub(super) fn policy_draft(raw: &RawDoc, org_code: &str) -> Front<PolicyDraft> {
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
        .one_of("validity", false, schema::VALIDITIES)
        .and_then(|v| Validity::parse(&v))
        .unwrap_or(Validity::InForce);
    let doc_type = f
        .one_of("doc_type", false, schema::DOC_TYPES)
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
                Code::DateOrder,
                "expires",
                format!("有效期至 {x} 早于施行日期 {e}"),
                Some("有效期截止日期不能早于施行日期".into()),
            );
        }
    }
    if doc_type == "行政规范性文件" && reg_no.is_none() {
        let d = Diagnostic::new(
            Code::RegNoMissing,
            "行政规范性文件缺少统一登记号 reg_no",
        )
        .at(&raw.file.path, &raw.file.text, f.pos("doc_type"))
        .with_hint("行政规范性文件实行统一登记、统一编号、统一发布，添加 reg_no = \"豫政规〔2016〕007\"（国办发〔2018〕37号）");
        f.diags.push(d);
    }
    let aliases = super::continuity::read_aliases(&mut f);

    if let Some(ix) = &index_no {
        let prefix = format!("{org_code}/");
        if !ix.starts_with(&prefix) {
            f.error(
                Code::IndexNoPrefix,
                "index_no",
                format!("索引号 {ix} 不以本站机构代码 {org_code}/ 开头"),
                Some(format!("索引号写作 {org_code}/2016-00001")),
            );
        } else if !rules::index_serial_well_formed(&ix[prefix.len()..]) {
            f.error(
                Code::IndexNoFormat,
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
                Code::DateOrder,
                "published",
                format!("发布日期 {p} 早于成文日期 {w}"),
                Some("发布日期不能早于成文日期".into()),
            );
        }
    }
    if validity != Validity::InForce && validity_changed.is_none() {
        f.error(
            Code::ValidityDate,
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
                Code::DateOrder,
                "validity_changed",
                format!("有效性变更日期 {c} 早于发布日期 {p}"),
                None,
            );
        }
    }
    if let Some(d) = &doc_no {
        if !rules::doc_no_well_formed(d) {
            let d = Diagnostic::new(Code::DocNoFormat, format!("发文字号不符合 GB/T 9704 格式：{d}"))
                .at(&raw.file.path, &raw.file.text, f.pos("doc_no"))
                .with_hint("发文字号写作 机关代字〔年份〕序号号，例如 吉政办发〔2016〕24号（六角括号，序号不编虚位）");
            f.diags.push(d);
        }
    }
    let diags = f.finish_keys(schema::POLICY);
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
            Code::WrongType,
            "attachments",
            "附件应写作 attachments = [{ title = \"…\", file = \"…\" }]".into(),
            None,
        );
    }
    out
}

pub(super) fn interp_draft(raw: &RawDoc) -> Front<InterpDraft> {
    let mut f = Fields::new(
        &raw.file.path,
        &raw.file.text,
        raw.front_matter.clone(),
        &raw.table,
    );
    let title = f.string("title", true);
    let interprets = f.string_list("interprets", true);
    let published = f.date("published", true);
    let form = f
        .one_of("form", false, schema::FORMS)
        .unwrap_or_else(|| "文字".into());
    let interpreter = f.string("interpreter", false);
    let public = disclosure(&mut f, false);
    let summary = f.string("summary", false);
    let aliases = super::continuity::read_aliases(&mut f);
    let diags = f.finish_keys(schema::INTERPRETATION);
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

pub(super) fn page_draft(raw: &RawDoc) -> Front<PageDraft> {
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
    let aliases = super::continuity::read_aliases(&mut f);
    let slug = match slug {
        Some(s) if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || s.is_empty() => {
            f.error(
                Code::UnsafeSlug,
                "slug",
                format!("slug 只能包含英文字母、数字和 -：{}", s.escape_debug()),
                Some("例如 slug = \"guide\"".into()),
            );
            None
        }
        Some(s) => Some(s),
        None => Some(raw.stem.clone()),
    };
    let diags = f.finish_keys(schema::PAGE);
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
pub(super) fn key_offset(raw: &RawDoc, key: &str) -> usize {
    crate::fields::find_key(&raw.file.text, raw.front_matter.clone(), key)
        .unwrap_or(raw.front_matter.start)
}

pub(super) fn key_diag(raw: &RawDoc, code: Code, key: &str, msg: String) -> Diagnostic {
    Diagnostic::new(code, msg).at(&raw.file.path, &raw.file.text, key_offset(raw, key))
}

pub(super) fn summary_of(given: Option<String>, body: &Body) -> String {
    given.unwrap_or_else(|| {
        let p = &body.first_paragraph;
        if p.chars().count() > 120 {
            format!("{}…", p.chars().take(120).collect::<String>())
        } else {
            p.clone()
        }
    })
}

/// The drafts of every document that go on to the model, and what reading them found out.
pub(super) struct Drafts<'a> {
    /// 主动公开 policies, newest first.
    pub policies: Vec<Drafted<'a, PolicyDraft>>,
    /// 主动公开 interpretations, newest first.
    pub interps: Vec<Drafted<'a, InterpDraft>>,
    /// 主动公开 pages by slug, and whether each may be published (its slug is free).
    pub pages: Vec<Drafted<'a, PageDraft>>,
    pub page_ok: Vec<bool>,
    /// Documents whose front matter has errors, unless marked not public: their bodies are
    /// still checked (links, personal data) so that one run reports every problem.
    pub unfinished: Vec<&'a RawDoc>,
    /// Every 索引号 of the site, published or not.
    pub all_index: HashSet<String>,
    /// Site static files only documents which are not 主动公开 name.
    pub private_refs: HashSet<String>,
}

impl<'a> Drafts<'a> {
    /// Frees the drafts off the build's path (100,000 of them take a tenth of a second):
    /// what they own goes to a thread of its own, the borrows of the loaded files stay.
    pub fn drop_aside(self) {
        fn owned<T>(v: Vec<Drafted<'_, T>>) -> Vec<Arc<T>> {
            v.into_iter().map(|d| d.draft).collect()
        }
        crate::process::drop_aside((
            owned(self.policies),
            owned(self.interps),
            owned(self.pages),
            self.all_index,
            self.private_refs,
        ));
    }

    /// Index of each published policy by its 索引号.
    pub fn policy_by_index(&self) -> HashMap<&str, usize> {
        self.policies
            .iter()
            .enumerate()
            .map(|(i, p)| (p.index_no.as_str(), i))
            .collect()
    }

    /// The pages that are published, with their drafts.
    pub fn published_pages(&self) -> impl Iterator<Item = &Drafted<'a, PageDraft>> {
        self.pages
            .iter()
            .zip(&self.page_ok)
            .filter(|(_, ok)| **ok)
            .map(|(p, _)| p)
    }

    /// URLs of every published document, for links between files.
    pub fn doc_urls(&self) -> HashMap<String, String> {
        let mut doc_urls: HashMap<String, String> = HashMap::with_capacity_and_hasher(
            self.policies.len() + self.interps.len() + self.pages.len(),
            Default::default(),
        );
        for p in &self.policies {
            doc_urls.insert(p.link.clone(), p.url.clone());
        }
        for p in &self.interps {
            doc_urls.insert(p.link.clone(), p.url.clone());
        }
        for p in self.published_pages() {
            doc_urls.insert(format!("pages/{}.md", p.raw.stem), format!("/{}/", p.slug));
        }
        doc_urls
    }
}

/// Reads the front matter of every document (memoized in `memo`) and runs the rules between
/// drafts: 索引号 unique across the site, page slugs unique and not a section of the site.
pub(super) fn read_all<'a>(
    loaded: &'a Loaded,
    memo: &Memo,
    diags: &mut Vec<Diagnostic>,
) -> Drafts<'a> {
    let config = &loaded.config;
    let mut policy_drafts = Vec::new();
    let mut interp_drafts = Vec::new();
    let mut page_drafts = Vec::new();
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
    /// A document's front matter read, by its section.
    enum Read {
        Policy(Arc<Front<PolicyDraft>>),
        Interp(Arc<Front<InterpDraft>>),
        Page(Arc<Front<PageDraft>>),
    }
    // Read on every core, then gathered in file order (the diagnostics keep their order).
    use rayon::prelude::*;
    let read: Vec<Read> = loaded
        .docs
        .par_iter()
        .map(|raw| match raw.section {
            Section::Policy => {
                Read::Policy(memo.fact(raw, policy_salt, || policy_draft(raw, &config.org_code)))
            }
            Section::Interpretation => Read::Interp(memo.fact(raw, 0, || interp_draft(raw))),
            Section::Page => Read::Page(memo.fact(raw, 0, || page_draft(raw))),
        })
        .collect();
    for (raw, read) in loaded.docs.iter().zip(read) {
        let drafted = match read {
            Read::Policy(f) => push(raw, &f, diags, &mut policy_drafts),
            Read::Interp(f) => push(raw, &f, diags, &mut interp_drafts),
            Read::Page(f) => push(raw, &f, diags, &mut page_drafts),
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
                    Code::DuplicateIndexNo,
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
    let private_refs = statics::private_static_refs(
        loaded,
        memo,
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

    // Page slugs: unique, not a section of the site.
    let mut slugs: BTreeMap<&str, &str> = BTreeMap::new();
    let mut page_ok = vec![true; page_drafts.len()];
    for (i, p) in page_drafts.iter().enumerate() {
        let first_seg = p.slug.split('/').next().unwrap_or("");
        if RESERVED.contains(&first_seg) {
            diags.push(
                key_diag(
                    p.raw,
                    Code::SlugConflict,
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
                    Code::SlugConflict,
                    "slug",
                    format!("slug `{}` 重复", p.slug),
                )
                .with_hint(format!("已在 {first} 中使用")),
            );
            page_ok[i] = false;
        }
    }

    Drafts {
        policies: policy_drafts,
        interps: interp_drafts,
        pages: page_drafts,
        page_ok,
        unfinished,
        all_index,
        private_refs,
    }
}
