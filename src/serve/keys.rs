//! A key for every render job: equal keys mean equal output (for the same templates and
//! config), so a rebuild renders only the jobs whose key is new.
//!
//! Jobs that exist once per site (home, feeds, indexes, reports, pages) are keyed by their
//! whole template context ([`Prepared::fingerprint`]). Jobs that scale with the content
//! (one per document, listing page or ledger row) would cost seconds to fingerprint at 10,000
//! documents, so their key is a hash of exactly the model values their view reads:
//!
//! - a policy page: the policy's fields, its body (by memo version), the rows of its 解读 and
//!   of the policy replacing it;
//! - a 解读 page: its fields, body, and the rows of the policies it interprets;
//! - a listing page (library, catalog, 解读 by form): the facet sidebar (labels, counts), the
//!   page number and the rows shown on it;
//! - a ledger page, item page or download: the ledger (by memo version);
//! - `sitemap.xml`: every page URL and date.
//!
//! When a view starts reading something new, its key here must read it too: the
//! incremental-equals-full-build test (`tests/serve.rs`) is there to catch a miss.

use crate::model::{Attachment, Interpretation, Policy};
use crate::render::{Job, Prepared, CATALOG_PER_PAGE, POLICIES_PER_PAGE, ROWS_PER_PAGE};
use crate::validate::Memo;
use rayon::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

fn hash_of<T: Hash + ?Sized>(t: &T) -> u64 {
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

/// Feeds serialized JSON straight into a hasher (no intermediate string).
struct HashWriter(DefaultHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash_json(tag: impl Hash, v: &serde_json::Value) -> u64 {
    let mut w = HashWriter(DefaultHasher::new());
    tag.hash(&mut w.0);
    // Serializing a Value into a writer cannot fail except through the writer, which doesn't.
    let _ = serde_json::to_writer(&mut w, v);
    w.0.finish()
}

/// The fields of a policy that views show, without its body and links to other documents.
/// Destructured without `..` so that a new field fails to compile until it is keyed here.
fn policy_sig(p: &Policy) -> u64 {
    let Policy {
        source,
        url,
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
        effective,
        expires,
        pending,
        reg_no,
        replaced_by: _,
        summary,
        attachments,
        body: _,
        interpretations: _,
    } = p;
    let mut h = DefaultHasher::new();
    (
        source, url, title, index_no, doc_no, issuer, written, published,
    )
        .hash(&mut h);
    (
        topic,
        genre,
        category,
        validity,
        doc_type,
        validity_changed,
        summary,
    )
        .hash(&mut h);
    (effective, expires, pending, reg_no).hash(&mut h);
    for Attachment { title, url } in attachments {
        (title, url).hash(&mut h);
    }
    h.finish()
}

/// The row of a 解读 in listings: its fields and the policies it interprets.
fn interp_sig(it: &Interpretation, policy: &[u64]) -> u64 {
    let Interpretation {
        source,
        url,
        title,
        interprets,
        published,
        form,
        interpreter,
        summary,
        body: _,
        workdays_after,
    } = it;
    let mut h = DefaultHasher::new();
    (
        source,
        url,
        title,
        published,
        form,
        interpreter,
        summary,
        workdays_after,
    )
        .hash(&mut h);
    for p in interprets {
        policy[*p].hash(&mut h);
    }
    h.finish()
}

/// Per-entity signatures shared by the keys of one rebuild.
struct Sigs {
    policy: Vec<u64>,
    interp: Vec<u64>,
    ledger: Vec<u64>,
    /// The facet sidebars of the policy library and of the catalog.
    library_nav: u64,
    catalog_nav: u64,
}

fn nav_sig(p: &Prepared, which: &[crate::routes::FacetKind]) -> u64 {
    let mut h = DefaultHasher::new();
    for f in which {
        let facet = &p.facets[*f];
        (facet.key, facet.name, facet.groups.len()).hash(&mut h);
        for g in &facet.groups {
            (&g.label, &g.slug, g.items.len()).hash(&mut h);
        }
    }
    h.finish()
}

fn page_slice(items: &[usize], page: usize, per: usize) -> &[usize] {
    let start = ((page - 1) * per).min(items.len());
    &items[start..(start + per).min(items.len())]
}

/// The key of every job of `jobs`, in order.
pub fn keys(p: &Prepared, memo: &Memo, jobs: &[Job]) -> Vec<u64> {
    let site = p.site;
    let policy: Vec<u64> = site.policies.par_iter().map(policy_sig).collect();
    let interp: Vec<u64> = site
        .interpretations
        .par_iter()
        .map(|i| interp_sig(i, &policy))
        .collect();
    let ledger: Vec<u64> = site
        .lists
        .iter()
        .map(|l| hash_of(&(memo.version_of(&l.source), &l.source, &l.stem, &l.url)))
        .collect();
    let sigs = Sigs {
        library_nav: nav_sig(p, p.library_facets),
        catalog_nav: nav_sig(p, p.catalog_facets),
        policy,
        interp,
        ledger,
    };
    jobs.par_iter()
        .map(|j| key(p, memo, &sigs, jobs, j))
        .collect()
}

fn key(p: &Prepared, memo: &Memo, s: &Sigs, jobs: &[Job], job: &Job) -> u64 {
    let site = p.site;
    let mut h = DefaultHasher::new();
    match job {
        Job::Policy(i) => {
            let pol = &site.policies[*i];
            ("policy", s.policy[*i], memo.version_of(&pol.source)).hash(&mut h);
            for j in &pol.interpretations {
                s.interp[*j].hash(&mut h);
            }
            pol.replaced_by.map(|r| s.policy[r]).hash(&mut h);
        }
        Job::Interpretation(i) => {
            let it = &site.interpretations[*i];
            ("interpretation", s.interp[*i], memo.version_of(&it.source)).hash(&mut h);
        }
        Job::PolicyList { facet, page } | Job::Catalog { facet, page } => {
            let (tag, which, nav, per) = match job {
                Job::PolicyList { .. } => (
                    "policies",
                    &p.library_facets,
                    s.library_nav,
                    POLICIES_PER_PAGE,
                ),
                _ => (
                    "catalog",
                    &p.catalog_facets,
                    s.catalog_nav,
                    CATALOG_PER_PAGE,
                ),
            };
            (tag, facet, page, nav, site.policies.len()).hash(&mut h);
            match facet {
                None => {
                    let n = site.policies.len();
                    for sig in &s.policy[((page - 1) * per).min(n)..(page * per).min(n)] {
                        sig.hash(&mut h);
                    }
                }
                Some((fi, gi)) => {
                    let g = &p.facets[which[*fi]].groups[*gi];
                    (&g.label, &g.slug, g.items.len()).hash(&mut h);
                    for i in page_slice(&g.items, *page, per) {
                        s.policy[*i].hash(&mut h);
                    }
                }
            }
        }
        Job::InterpretationList { form, page } => {
            ("interpretations", form, page).hash(&mut h);
            for items in &p.forms {
                items.len().hash(&mut h);
            }
            match form {
                None => {
                    for items in &p.forms {
                        for i in items.iter().take(10) {
                            s.interp[*i].hash(&mut h);
                        }
                    }
                }
                Some(fi) => {
                    for i in page_slice(&p.forms[*fi], *page, POLICIES_PER_PAGE) {
                        s.interp[*i].hash(&mut h);
                    }
                }
            }
        }
        Job::List { list, page } => ("list", s.ledger[*list], page, ROWS_PER_PAGE).hash(&mut h),
        Job::ListItem { list, item } => ("list-item", s.ledger[*list], item).hash(&mut h),
        Job::ListDownloads(list) => ("list-downloads", s.ledger[*list]).hash(&mut h),
        Job::SitemapXml => {
            // Every page's URL and date: the jobs themselves, and what their URLs are made of.
            "sitemap.xml".hash(&mut h);
            jobs.hash(&mut h);
            for pol in &site.policies {
                (&pol.url, pol.published).hash(&mut h);
            }
            for it in &site.interpretations {
                (&it.url, it.published).hash(&mut h);
            }
            for pg in &site.pages {
                pg.url.hash(&mut h);
            }
            for (f, facet) in p.facets.iter().enumerate() {
                f.hash(&mut h);
                for g in &facet.groups {
                    (&g.slug, g.items.len()).hash(&mut h);
                }
            }
            s.ledger.hash(&mut h);
            for l in &site.lists {
                (&l.url, l.updated).hash(&mut h);
            }
            for r in &site.reports {
                r.url.hash(&mut h);
            }
        }
        // Once per site: the whole context.
        other => return hash_json(std::mem::discriminant(other), &p.fingerprint(other)),
    }
    h.finish()
}
