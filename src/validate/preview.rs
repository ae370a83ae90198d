//! `serve`'s preview of a front-matter edit: the edited document over its last good model
//! value, when the edit touches only what the document's own page shows.

use super::drafts::{interp_draft, page_draft, policy_draft, summary_of};
use crate::model::{Interpretation, Page, Policy};
use crate::schema;
use crate::source::RawDoc;

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
    let d = new?;
    let same = d.public
        && d.expires.is_none()
        && only_previewable_changed(raw, old_raw, schema::POLICY, POLICY_PREVIEW);
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

/// The policy keys an edit may change and still be previewed: what only the document's own
/// page shows (no link, date rule, URL or other document reads them).
const POLICY_PREVIEW: &[&str] = &[
    "title",
    "doc_no",
    "issuer",
    "topic",
    "genre",
    "category",
    "validity",
    "doc_type",
    "validity_changed",
    "reg_no",
    "summary",
];
/// [`POLICY_PREVIEW`] for a 解读.
const INTERPRETATION_PREVIEW: &[&str] = &["title", "form", "interpreter", "summary"];
/// [`POLICY_PREVIEW`] for a free page.
const PAGE_PREVIEW: &[&str] = &["title", "summary"];

/// Whether every key of `keys` not in `previewable` is written the same in the edited
/// file `raw` as in `old_raw`.
fn only_previewable_changed(
    raw: &RawDoc,
    old_raw: &RawDoc,
    keys: &[schema::Key],
    previewable: &[&str],
) -> bool {
    keys.iter()
        .filter(|k| !previewable.contains(&k.key))
        .all(|k| raw.table.get(k.key) == old_raw.table.get(k.key))
}

/// [`preview_policy`] for a 解读.
pub fn preview_interpretation(
    raw: &RawDoc,
    old_raw: &RawDoc,
    old: &Interpretation,
) -> Option<Interpretation> {
    let (new, diags) = interp_draft(raw);
    let d = new?;
    let same = d.public
        && only_previewable_changed(raw, old_raw, schema::INTERPRETATION, INTERPRETATION_PREVIEW);
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
    let d = new?;
    let same = d.public && only_previewable_changed(raw, old_raw, schema::PAGE, PAGE_PREVIEW);
    if !diags.is_empty() || !same {
        return None;
    }
    Some(Page {
        title: d.title.clone(),
        summary: summary_of(d.summary.clone(), &old.body),
        ..old.clone()
    })
}
