//! Stage 2b: the Markdown bodies of the documents (rendered in parallel, memoized), the checks
//! on their text (personal data, private-use characters) and what each body contributes to
//! the site (assets, site-absolute links to check at the end).

use super::{drafts::Drafts, Env, Found, Memo};
use crate::diagnostics::{Code, Diagnostic};
use crate::markdown::{self, Links};
use crate::model::Body;
use crate::source::RawDoc;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

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
            r.diags.extend(crate::privacy::personal_data(
                &raw.file.path,
                &raw.file.text,
            ));
        }
        r.diags.extend(private_use(&raw.file.path, &raw.file.text));
        r
    })
}

/// W-PRIVATE-USE-CHAR: characters from the Unicode private-use area, usually debris of a
/// Word or WPS conversion, which readers see as boxes.
fn private_use(path: &str, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut last_line = 0;
    for (off, c) in text.char_indices() {
        if ('\u{E000}'..='\u{F8FF}').contains(&c) {
            let d = Diagnostic::new(
                Code::PrivateUseChar,
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

/// What a document's rendered body contributes to the site: the body itself, its
/// diagnostics, the assets it uses and its site-absolute links (checked at the end).
#[derive(Default)]
pub(super) struct BodyPart {
    pub body: Arc<Body>,
    pub diags: Vec<Diagnostic>,
    pub assets: BTreeSet<String>,
    /// Site static files named as attachments.
    pub static_refs: BTreeSet<String>,
    pub absolute_links: Vec<(String, Diagnostic)>,
}

impl BodyPart {
    /// Adds what the body found to the site's lists and returns the body.
    pub fn gather(
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

fn body_part(rendered: Option<&Arc<markdown::Rendered>>, raw: &RawDoc) -> BodyPart {
    let Some(r) = rendered else {
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
                let d = Diagnostic::new(Code::BrokenLink, format!("站内链接目标不存在：{l}"))
                    .at(&raw.file.path, &raw.file.text, *off)
                    .with_hint("链接到其他内容文件时，请写相对路径，例如 [见](../pages/guide.md)");
                (l.clone(), d)
            })
            .collect(),
    }
}

/// The rendered body of every document to check, in the order of `public_raws`.
pub(super) struct Bodies<'a> {
    /// The published policies, 解读 and pages (in the order of [`Drafts`]), then the
    /// documents whose front matter has errors.
    pub public_raws: Vec<&'a RawDoc>,
    rendered: Vec<Option<Arc<markdown::Rendered>>>,
    /// Where the 解读, the pages and the unfinished documents begin in `public_raws`.
    starts: [usize; 3],
}

/// A part of [`Bodies`]: which documents of [`Drafts`] a position counts.
#[derive(Clone, Copy)]
pub(super) enum Of {
    Policy,
    Interp,
    Page,
    Unfinished,
}

impl Bodies<'_> {
    /// The rendered bodies, without the borrows of the loaded files (to be freed aside).
    pub fn into_rendered(self) -> Vec<Option<Arc<markdown::Rendered>>> {
        self.rendered
    }

    /// What the body of `raw`, the `i`-th document of its part, contributes (nothing when
    /// it was not rendered). Found by position, not by a map of 100,000 paths; a document
    /// that is not where its position says is looked for (it never is: the parts are built
    /// from the same [`Drafts`]).
    pub fn part(&self, of: Of, i: usize, raw: &RawDoc) -> BodyPart {
        let k = match of {
            Of::Policy => i,
            Of::Interp => self.starts[0] + i,
            Of::Page => self.starts[1] + i,
            Of::Unfinished => self.starts[2] + i,
        };
        let k = match self.public_raws.get(k) {
            Some(r) if std::ptr::eq(*r, raw) => Some(k),
            _ => self.public_raws.iter().position(|r| std::ptr::eq(*r, raw)),
        };
        body_part(k.and_then(|k| self.rendered[k].as_ref()), raw)
    }

    /// The body of a published document, its findings added to `diags` and `found`.
    pub fn take(
        &self,
        (of, i): (Of, usize),
        raw: &RawDoc,
        diags: &mut Vec<Diagnostic>,
        found: &mut Found,
    ) -> Arc<Body> {
        self.part(of, i, raw)
            .gather(diags, &mut found.used_assets, &mut found.absolute_links)
    }
}

/// Renders the bodies of every published document and of those with front-matter errors.
pub(super) fn render_all<'a>(
    drafts: &Drafts<'a>,
    links: &Links,
    allow_personal: bool,
    memo: &Memo,
) -> Bodies<'a> {
    let public_raws: Vec<&RawDoc> = drafts
        .policies
        .iter()
        .map(|p| p.raw)
        .chain(drafts.interps.iter().map(|p| p.raw))
        .chain(drafts.published_pages().map(|p| p.raw))
        .chain(drafts.unfinished.iter().copied())
        .collect();
    let pages = drafts.published_pages().count();
    let starts = {
        let interps = drafts.policies.len();
        let pages_at = interps + drafts.interps.len();
        [interps, pages_at, pages_at + pages]
    };
    let env = memo.env(links, allow_personal);
    let mut bodies = memo.markdown_hits(&public_raws, env);
    bodies
        .par_iter_mut()
        .zip(&public_raws)
        .filter(|(b, _)| b.is_none())
        .for_each(|(b, raw)| *b = Some(body_of(raw, links, allow_personal, memo, env)));
    Bodies {
        public_raws,
        rendered: bodies,
        starts,
    }
}
