//! The facets of the policy library and the catalog (年份, 发文机关 …): which values each has,
//! which policies have each value, and the URL slug of each value.

use crate::model::{Policy, Validity};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A way to browse policies by one of their fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacetKind {
    Year,
    Issuer,
    Topic,
    Validity,
    Category,
}

impl FacetKind {
    /// Every facet, in the order of [`Facets`].
    pub const ALL: [FacetKind; 5] = [
        FacetKind::Year,
        FacetKind::Issuer,
        FacetKind::Topic,
        FacetKind::Validity,
        FacetKind::Category,
    ];

    /// The URL segment after `by-`.
    pub fn key(self) -> &'static str {
        match self {
            FacetKind::Year => "year",
            FacetKind::Issuer => "issuer",
            FacetKind::Topic => "topic",
            FacetKind::Validity => "validity",
            FacetKind::Category => "category",
        }
    }

    /// Its name on the page.
    pub fn name(self) -> &'static str {
        match self {
            FacetKind::Year => "年份",
            FacetKind::Issuer => "发文机关",
            FacetKind::Topic => "主题分类",
            FacetKind::Validity => "有效性",
            FacetKind::Category => "公开目录",
        }
    }
}

/// The facets of the policy library (政策文件), in sidebar order.
pub const LIBRARY: &[FacetKind] = &[
    FacetKind::Year,
    FacetKind::Issuer,
    FacetKind::Topic,
    FacetKind::Validity,
];

/// The facets of the catalog (信息公开目录), in sidebar order.
pub const CATALOG: &[FacetKind] = &[
    FacetKind::Category,
    FacetKind::Topic,
    FacetKind::Issuer,
    FacetKind::Year,
];

/// One value of a facet (a year, an issuer …) and the policies that have it.
pub struct Group {
    pub label: String,
    pub slug: String,
    pub items: Vec<usize>,
}

/// One facet with its values.
pub struct Facet {
    pub kind: FacetKind,
    pub key: &'static str,
    pub name: &'static str,
    pub groups: Vec<Group>,
}

/// Every facet of a site, indexed by [`FacetKind`] (and iterable in [`FacetKind::ALL`] order).
pub struct Facets(Vec<Facet>);

impl std::ops::Index<FacetKind> for Facets {
    type Output = Facet;
    fn index(&self, k: FacetKind) -> &Facet {
        // `new` builds one facet per kind, in `ALL` order.
        &self.0[k as usize]
    }
}

impl std::ops::Deref for Facets {
    type Target = [Facet];
    fn deref(&self) -> &[Facet] {
        &self.0
    }
}

impl Facets {
    /// Groups the policies by every facet.
    pub fn new(ps: &[Policy]) -> Facets {
        Facets(
            FacetKind::ALL
                .iter()
                .map(|&kind| Facet {
                    kind,
                    key: kind.key(),
                    name: kind.name(),
                    groups: groups(ps, kind),
                })
                .collect(),
        )
    }
}

fn groups(ps: &[Policy], kind: FacetKind) -> Vec<Group> {
    match kind {
        FacetKind::Year => {
            let mut g = group_by(
                ps,
                |p| {
                    let y = chrono::Datelike::year(&p.published);
                    Some(Cow::Owned(format!("{y}年")))
                },
                |l| l.trim_end_matches('年').to_string(),
            );
            g.sort_by(|a, b| b.slug.cmp(&a.slug));
            g
        }
        FacetKind::Issuer => group_by(ps, |p| Some(Cow::Borrowed(&p.issuer)), hash_slug),
        FacetKind::Topic => group_by(ps, |p| p.topic.as_deref().map(Cow::Borrowed), hash_slug),
        FacetKind::Validity => {
            let mut g = group_by(
                ps,
                |p| Some(Cow::Borrowed(p.status_label())),
                |l| {
                    Validity::parse(l)
                        .map(|v| v.slug())
                        .unwrap_or("pending")
                        .to_string()
                },
            );
            // 现行有效, 尚未生效, then the others.
            g.sort_by_key(|g| {
                Validity::ALL
                    .iter()
                    .position(|v| v.slug() == g.slug)
                    .map(|i| if i == 0 { 0 } else { i + 1 })
                    .unwrap_or(1)
            });
            g
        }
        FacetKind::Category => group_by(ps, |p| Some(Cow::Borrowed(&p.category)), hash_slug),
    }
}

/// A stable short slug for a facet value with no natural ASCII name (FNV-1a).
pub fn hash_slug(s: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("h{:010x}", h >> 24)
}

/// Policies grouped by `label` (borrowed where it can be: this runs on every rebuild),
/// each group with the slug `slug` gives its label; most policies first.
fn group_by<'a>(
    policies: &'a [Policy],
    label: impl Fn(&'a Policy) -> Option<Cow<'a, str>>,
    slug: impl Fn(&str) -> String,
) -> Vec<Group> {
    let mut map: BTreeMap<Cow<'a, str>, Vec<usize>> = BTreeMap::new();
    for (i, p) in policies.iter().enumerate() {
        if let Some(l) = label(p) {
            map.entry(l).or_default().push(i);
        }
    }
    let mut groups: Vec<Group> = map
        .into_iter()
        .map(|(label, items)| Group {
            slug: slug(&label),
            label: label.into_owned(),
            items,
        })
        .collect();
    groups.sort_by(|a, b| {
        b.items
            .len()
            .cmp(&a.items.len())
            .then(a.label.cmp(&b.label))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_index_their_own_facet() {
        let f = Facets::new(&[]);
        for k in FacetKind::ALL {
            assert_eq!(f[k].kind, k);
            assert!(f[k].groups.is_empty());
        }
        assert_eq!(hash_slug("吉林"), hash_slug("吉林"));
        assert_ne!(hash_slug("吉林"), hash_slug("长春"));
    }
}
