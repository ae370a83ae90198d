//! Previews of body edits: a published document's page rendered from the last good model
//! with its new body, before the whole site is validated again.

use crate::model::Site;
use crate::routes::Job;
use crate::source;
use crate::validate;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A Site with the settings of `site` and no content, to put a preview's few documents in.
pub(super) fn empty_site(site: &Site) -> Site {
    Site {
        config: site.config.clone(),
        build_date: site.build_date,
        policies: Vec::new(),
        interpretations: Vec::new(),
        pages: Vec::new(),
        lists: Vec::new(),
        reports: Vec::new(),
        website_reports: Vec::new(),
        // The templates are the last good build's, already fingerprinted.
        copies: Vec::new(),
        templates: BTreeMap::new(),
        aliases: Vec::new(),
        removed: Vec::new(),
    }
}

/// URLs of published documents by path inside `content/`, as validation resolves links.
pub(super) fn published_urls(site: &Site) -> crate::markdown::DocUrls {
    let strip = |s: &str| s.strip_prefix("content/").unwrap_or(s).to_string();
    let mut m = crate::markdown::DocUrls::with_capacity_and_hasher(
        site.policies.len() + site.interpretations.len() + site.pages.len(),
        Default::default(),
    );
    m.extend(
        site.policies
            .iter()
            .map(|p| (strip(&p.source), p.url.clone())),
    );
    m.extend(
        site.interpretations
            .iter()
            .map(|p| (strip(&p.source), p.url.clone())),
    );
    m.extend(site.pages.iter().map(|p| (strip(&p.source), p.url.clone())));
    m
}

/// A document's model value with an edited front matter (see [`validate::preview_policy`]).
pub(super) enum Patched {
    Policy(Box<crate::model::Policy>),
    Interpretation(Box<crate::model::Interpretation>),
    Page(Box<crate::model::Page>),
}

/// A published document of the model.
#[derive(Clone, Copy)]
pub(super) enum Entity {
    Policy(usize),
    Interpretation(usize),
    Page(usize),
}

impl Entity {
    pub(super) fn find(site: &Site, source: &str) -> Option<Entity> {
        if let Some(i) = site.policies.iter().position(|p| p.source == source) {
            return Some(Entity::Policy(i));
        }
        if let Some(i) = site.interpretations.iter().position(|p| p.source == source) {
            return Some(Entity::Interpretation(i));
        }
        site.pages
            .iter()
            .position(|p| p.source == source)
            .map(Entity::Page)
    }

    /// Its model value with the front matter of `raw`, when the edit can be previewed.
    pub(super) fn patched(
        self,
        site: &Site,
        raw: &source::RawDoc,
        old: &source::RawDoc,
        org: &str,
    ) -> Option<Patched> {
        Some(match self {
            Entity::Policy(i) => Patched::Policy(Box::new(validate::preview_policy(
                raw,
                old,
                org,
                &site.policies[i],
            )?)),
            Entity::Interpretation(i) => Patched::Interpretation(Box::new(
                validate::preview_interpretation(raw, old, &site.interpretations[i])?,
            )),
            Entity::Page(i) => {
                Patched::Page(Box::new(validate::preview_page(raw, old, &site.pages[i])?))
            }
        })
    }

    pub(super) fn body(self, site: &Site) -> &crate::model::Body {
        match self {
            Entity::Policy(i) => &site.policies[i].body,
            Entity::Interpretation(i) => &site.interpretations[i].body,
            Entity::Page(i) => &site.pages[i].body,
        }
    }

    /// A site holding this document with `body` and exactly what its page shows of others
    /// (the rows of its 解读, of the policies a 解读 interprets, of the replacing policy), and
    /// the job of its page there. The same data a page's key reads ([`super::keys`]).
    pub(super) fn mini_site(
        self,
        site: &Site,
        body: Arc<crate::model::Body>,
        patch: Option<Patched>,
    ) -> (Site, Job) {
        let mut mini = empty_site(site);
        let mut policy_at: HashMap<usize, usize> = HashMap::new();
        let mut add_policy = |mini: &mut Site, i: usize| -> usize {
            *policy_at.entry(i).or_insert_with(|| {
                let mut p = site.policies[i].clone();
                p.interpretations.clear();
                p.replaced_by = None;
                mini.policies.push(p);
                mini.policies.len() - 1
            })
        };
        let add_interp = |mini: &mut Site,
                          add_policy: &mut dyn FnMut(&mut Site, usize) -> usize,
                          j: usize|
         -> usize {
            let mut it = site.interpretations[j].clone();
            it.interprets = it.interprets.iter().map(|p| add_policy(mini, *p)).collect();
            mini.interpretations.push(it);
            mini.interpretations.len() - 1
        };
        match self {
            Entity::Policy(i) => {
                let me = add_policy(&mut mini, i);
                let mut interps = Vec::new();
                for j in &site.policies[i].interpretations {
                    interps.push(add_interp(&mut mini, &mut add_policy, *j));
                }
                let replaced = site.policies[i]
                    .replaced_by
                    .map(|r| add_policy(&mut mini, r));
                let p = &mut mini.policies[me];
                if let Some(Patched::Policy(new)) = patch {
                    *p = *new;
                }
                p.interpretations = interps;
                p.replaced_by = replaced;
                p.body = body;
                (mini, Job::Policy(me))
            }
            Entity::Interpretation(j) => {
                let me = add_interp(&mut mini, &mut add_policy, j);
                let it = &mut mini.interpretations[me];
                if let Some(Patched::Interpretation(new)) = patch {
                    let interprets = std::mem::take(&mut it.interprets);
                    *it = *new;
                    it.interprets = interprets;
                }
                it.body = body;
                (mini, Job::Interpretation(me))
            }
            Entity::Page(i) => {
                let mut p = match patch {
                    Some(Patched::Page(new)) => *new,
                    _ => site.pages[i].clone(),
                };
                p.body = body;
                mini.pages.push(p);
                (mini, Job::Page(0))
            }
        }
    }
}
