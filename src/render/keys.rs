//! The dependency keys of rendering, in one place: a key for every render job such that equal
//! keys mean equal output, and the keys of the last render kept between renders.
//!
//! Every job is keyed **by the model** ([`model_keys`]), in `build` and `serve` alike, and
//! the keys are stable: the same model gives the same keys in every run.
//!
//! - Jobs that exist once per site (home, feeds, indexes, reports, pages) are keyed by their
//!   whole template context ([`Prepared::fingerprint`]).
//! - Jobs that scale with the content (one per document, listing page or ledger row) would
//!   cost a second to fingerprint at 10,000 documents, so their key is a hash of exactly the
//!   model values their view reads:
//!   - a policy page: the policy's fields, its rendered body, the rows of its 解读 and of the
//!     policy replacing it;
//!   - a 解读 page: its fields, body, and the rows of the policies it interprets;
//!   - a listing page (library, catalog, 解读 by form): the facet sidebar (labels, counts),
//!     the page number and the rows shown on it;
//!   - a ledger page, item page or download: the whole ledger;
//!   - `sitemap.xml`: every page URL and date.
//! - What every page shares — the gongkai version, the templates, the theme's asset names,
//!   the site settings and the shared context (navigation, build date) — is the salt
//!   ([`salted`]) `build` mixes into every key, so that any change there renders everything.
//!
//! When a view starts reading something new, its key here must read it too: the
//! incremental-equals-full-build tests (`tests/it/serve.rs`, `tests/it/incremental.rs`) are
//! there to catch a miss.
//!
//! `build` keeps the keys in a file of `.gongkai-cache/` at the site root (one per output
//! directory, named after a hash of its absolute path): one line per output path, its job's
//! key. The next build renders a job only when its key is new or one of its files is not
//! the previous output's, byte for byte by its record ([`crate::output::Sink::reuse`]); the
//! other jobs keep their files. The cache file is removed before the new output is swapped
//! in and written again after, so a cache never describes an output it did not come from.

use super::Prepared;
use crate::model::{Attachment, Body, Interpretation, Policy};
use crate::routes::{Job, CATALOG_PER_PAGE, POLICIES_PER_PAGE, ROWS_PER_PAGE};
use foldhash::HashMap;
use rayon::prelude::*;
use serde_json::Value;
use std::hash::{Hash, Hasher};
use std::io::BufRead;
use std::path::Path;

const HEADER: &str = "gongkai-cache 3";

/// The keys of a render: every keyed job's key and the output paths it produced.
#[derive(Default, Clone)]
pub struct State {
    /// Key → the output paths of its job.
    jobs: HashMap<u64, Vec<String>>,
    /// The hash of each output path → the key of the job that produced it, made when first
    /// asked for (a build never asks: 250,000 paths are not copied into a map for nothing).
    owners: std::sync::OnceLock<HashMap<u128, u64>>,
}

pub use crate::output::cache_path as path_for;

impl State {
    /// Reads the cache of `out`; an absent or unreadable cache is an empty one.
    pub fn load(root: &Path, out: &Path) -> State {
        let mut state = State::default();
        if let Ok(f) = std::fs::File::open(path_for(root, out)) {
            let mut lines = std::io::BufReader::new(f).lines();
            if matches!(lines.next(), Some(Ok(h)) if h == HEADER) {
                for line in lines.map_while(Result::ok) {
                    if let Some((h, p)) = line.split_once('\t') {
                        if let Ok(h) = u64::from_str_radix(h, 16) {
                            state.jobs.entry(h).or_default().push(p.to_string());
                        }
                    }
                }
            }
        }
        state
    }

    /// Removes the cache file of `out` (before the output it describes is replaced).
    pub fn forget(root: &Path, out: &Path) {
        let _ = std::fs::remove_file(path_for(root, out));
    }

    /// Writes these keys as the cache of `out`.
    pub fn save(&self, root: &Path, out: &Path) -> std::io::Result<()> {
        let mut lines: Vec<(&String, u64)> = self
            .jobs
            .iter()
            .flat_map(|(k, ps)| ps.iter().map(move |p| (p, *k)))
            .collect();
        lines.par_sort_unstable();
        // (A path two jobs claim fails the build before anything is saved.)
        lines.dedup_by(|a, b| a.0 == b.0);
        let body = crate::format::lines(&lines, |out, (p, h)| {
            use std::fmt::Write as _;
            let _ = write!(out, "{h:016x}\t{p}");
        });
        crate::paths::replace_file(&path_for(root, out), format!("{HEADER}\n{body}").as_bytes())
    }

    /// Records that the job keyed `key` produced `paths`.
    pub fn insert(&mut self, key: u64, paths: Vec<String>) {
        self.owners.take();
        self.jobs.entry(key).or_default().extend(paths);
    }

    /// The output paths of the job keyed `key`, when the render had one.
    pub fn paths_of(&self, key: u64) -> Option<&[String]> {
        self.jobs.get(&key).map(Vec::as_slice)
    }

    /// The key of the job that produced `path`.
    pub fn key_of(&self, path: &str) -> Option<u64> {
        let owners = self.owners.get_or_init(|| {
            let mut owners = HashMap::default();
            for (k, ps) in &self.jobs {
                for p in ps {
                    owners.insert(path_hash(p), *k);
                }
            }
            owners
        });
        owners.get(&path_hash(path)).copied()
    }

    /// Number of output paths recorded.
    pub fn len(&self) -> usize {
        self.jobs.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.values().all(Vec::is_empty)
    }
}

/// An output path's hash for [`State::key_of`] (128 bits: no two paths share one).
fn path_hash(path: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(path.as_bytes())
}

/// A stable hasher (XXH3, 64 bits, no random seed): the same input gives the same hash in
/// every run. (It replaced byte-at-a-time FNV-1a, which took 9% of an unchanged rebuild at
/// 10,000 documents hashing page contexts.)
#[derive(Default)]
pub struct StableHasher(xxhash_rust::xxh3::Xxh3);

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0.digest()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Feeds a JSON value into a hasher, tagging each kind and length so that different values
/// cannot produce the same stream.
pub fn hash_value<H: Hasher>(v: &Value, h: &mut H) {
    match v {
        Value::Null => h.write_u8(0),
        Value::Bool(b) => {
            h.write_u8(1);
            h.write_u8(u8::from(*b));
        }
        Value::Number(n) => {
            h.write_u8(2);
            n.to_string().hash(h);
        }
        Value::String(s) => {
            h.write_u8(3);
            s.hash(h);
        }
        Value::Array(a) => {
            h.write_u8(4);
            h.write_usize(a.len());
            for x in a {
                hash_value(x, h);
            }
        }
        Value::Object(m) => {
            h.write_u8(5);
            h.write_usize(m.len());
            for (k, x) in m {
                k.hash(h);
                hash_value(x, h);
            }
        }
    }
}

/// Feeds serialized JSON straight into a hasher (no intermediate string).
struct HashWriter(StableHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(super) fn hash_json<T: serde::Serialize + ?Sized>(tag: impl Hash, v: &T) -> u64 {
    let mut w = HashWriter(StableHasher::default());
    tag.hash(&mut w.0);
    // Serializing plain data (string-keyed maps) into a writer cannot fail except through the
    // writer, which doesn't.
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
    let mut h = StableHasher::default();
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

/// A rendered body: what views read of it.
fn body_sig(b: &Body) -> u64 {
    let Body {
        html,
        toc,
        first_paragraph,
        plain_len,
    } = b;
    // Hashed as values, not as JSON: a third of the keys' time in `serve` at 100k went to
    // writing every table of contents out as JSON.
    let mut h = StableHasher::default();
    (html.sig(), first_paragraph, plain_len, toc).hash(&mut h);
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
    let mut h = StableHasher::default();
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

/// Per-entity signatures of a model, computed once for the job keys ([`model_keys`]) and the
/// search index's key ([`search_key`]).
pub struct Sigs {
    pub(super) policy: Vec<u64>,
    pub(super) interp: Vec<u64>,
    pub(super) ledger: Vec<u64>,
    /// The rendered bodies of policies and of 解读.
    pub(super) bodies: Vec<u64>,
    pub(super) interp_bodies: Vec<u64>,
}

impl Sigs {
    pub fn of(site: &crate::model::Site) -> Sigs {
        let policy: Vec<u64> = site.policies.par_iter().map(policy_sig).collect();
        let interp: Vec<u64> = site
            .interpretations
            .par_iter()
            .map(|i| interp_sig(i, &policy))
            .collect();
        // A ledger's page, rows and downloads read all of it.
        let ledger: Vec<u64> = site
            .lists
            .par_iter()
            .map(|l| hash_json("ledger", &**l))
            .collect();
        let bodies: Vec<u64> = site
            .policies
            .par_iter()
            .map(|x| body_sig(&x.body))
            .collect();
        let interp_bodies: Vec<u64> = site
            .interpretations
            .par_iter()
            .map(|x| body_sig(&x.body))
            .collect();
        Sigs {
            policy,
            interp,
            ledger,
            bodies,
            interp_bodies,
        }
    }
}

/// The facet sidebars of the policy library and of the catalog.
struct Navs {
    library: u64,
    catalog: u64,
}

fn nav_sig(p: &Prepared, which: &[crate::routes::FacetKind]) -> u64 {
    let mut h = StableHasher::default();
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

/// The key of every job of `jobs`, in order (`sigs`: [`Sigs::of`] the prepared site).
pub fn model_keys(p: &Prepared, sigs: &Sigs, jobs: &[Job]) -> Vec<u64> {
    let navs = Navs {
        library: nav_sig(p, p.library_facets),
        catalog: nav_sig(p, p.catalog_facets),
    };
    jobs.par_iter()
        .map(|j| key(p, sigs, &navs, jobs, j))
        .collect()
}

/// The key of the search index: every model value a search record is made of (see
/// [`super::search::text`]): the documents' fields and bodies, the pages, ledgers and
/// reports, and the site settings. Equal keys, equal index files.
pub fn search_key(site: &crate::model::Site, sigs: &Sigs) -> u64 {
    let mut h = StableHasher::default();
    (crate::search::index::VERSION, "search").hash(&mut h);
    (
        &sigs.policy,
        &sigs.bodies,
        &sigs.interp,
        &sigs.interp_bodies,
    )
        .hash(&mut h);
    sigs.ledger.hash(&mut h);
    (
        hash_json("pages", &site.pages),
        hash_json("reports", &site.reports),
        hash_json("config", &site.config),
    )
        .hash(&mut h);
    h.finish()
}

/// `keys` mixed with `salt` (what every page shares; see the module doc).
pub fn salted(keys: &[u64], salt: u64) -> Vec<u64> {
    keys.iter()
        .map(|k| {
            let mut h = StableHasher::default();
            (salt, k).hash(&mut h);
            h.finish()
        })
        .collect()
}

fn key(p: &Prepared, s: &Sigs, navs: &Navs, jobs: &[Job], job: &Job) -> u64 {
    let site = p.site;
    let mut h = StableHasher::default();
    match job {
        Job::Policy(i) => {
            let pol = &site.policies[*i];
            ("policy", s.policy[*i], s.bodies[*i]).hash(&mut h);
            for j in &pol.interpretations {
                s.interp[*j].hash(&mut h);
            }
            pol.replaced_by.map(|r| s.policy[r]).hash(&mut h);
        }
        Job::Interpretation(i) => {
            ("interpretation", s.interp[*i], s.interp_bodies[*i]).hash(&mut h);
        }
        Job::PolicyList { facet, page } | Job::Catalog { facet, page } => {
            let (tag, which, nav, per) = match job {
                Job::PolicyList { .. } => (
                    "policies",
                    &p.library_facets,
                    navs.library,
                    POLICIES_PER_PAGE,
                ),
                _ => ("catalog", &p.catalog_facets, navs.catalog, CATALOG_PER_PAGE),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hash(v: &Value) -> u64 {
        let mut h = StableHasher::default();
        hash_value(v, &mut h);
        h.finish()
    }

    #[test]
    fn hashes_tell_values_apart_and_are_stable() {
        assert_eq!(hash(&json!({"a": [1, "x"]})), hash(&json!({"a": [1, "x"]})));
        assert_ne!(hash(&json!(["ab", "c"])), hash(&json!(["a", "bc"])));
        assert_ne!(hash(&json!({"a": null})), hash(&json!({"a": false})));
        assert_ne!(hash(&json!("1")), hash(&json!(1)));
    }

    #[test]
    fn saves_and_loads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let out = dir.path().join("public");
        let mut c = State::default();
        c.insert(7, vec!["a/index.html".into()]);
        c.insert(u64::MAX, vec!["吉林/index.html".into()]);
        c.save(root, &out).unwrap();
        assert!(path_for(root, &out).starts_with(root.join(".gongkai-cache")));
        assert!(path_for(root, &out).exists());
        assert!(
            !path_for(root, &root.join("other")).exists(),
            "one cache per output directory"
        );
        let c = State::load(root, &out);
        assert_eq!(c.len(), 2);
        assert_eq!(c.key_of("a/index.html"), Some(7));
        assert_eq!(c.key_of("吉林/index.html"), Some(u64::MAX));
        assert_eq!(c.paths_of(7), Some(&["a/index.html".to_string()][..]));
        assert_eq!(c.paths_of(8), None);
        State::forget(root, &out);
        assert!(State::load(root, &out).is_empty());
    }
}
