//! What changed in the levels between two texts of a dossier: who assessed which item, where
//! (the piece, the contact), from which level to which. The store keeps these rows as the
//! dossier's history; the registry keeps the hashes of every text.

use super::model::{Dossier, OverrideTarget};
use std::collections::BTreeMap;

/// One level set, changed or cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentChange {
    /// Where it was given: `preuves`, `observation`, `interview` or `overrides`.
    pub phase: &'static str,
    /// The piece's id, the contact's number, or empty.
    pub place: String,
    /// The item.
    pub item: String,
    /// The level before, if any.
    pub before: Option<u8>,
    /// The level after, if any.
    pub after: Option<u8>,
    /// Who the dossier says gave the level after (or before, when cleared).
    pub by: Option<String>,
}

type Key = (&'static str, String, String);

/// Every level of `d`, by where it was given and its item, with who gave it.
fn levels(d: &Dossier) -> BTreeMap<Key, (u8, String)> {
    let mut out = BTreeMap::new();
    for p in &d.preuves {
        for a in &p.assessments {
            out.insert(("preuves", p.id.clone(), a.item.clone()), (a.level.value(), a.by.clone()));
        }
    }
    for c in d.observation.iter().flat_map(|o| &o.contacts) {
        for a in &c.assessments {
            out.insert(
                ("observation", c.number.to_string(), a.item.clone()),
                (a.level.value(), a.by.clone()),
            );
        }
    }
    for c in d.interview.iter().flat_map(|i| &i.contacts) {
        for a in &c.assessments {
            out.insert(("interview", c.number.to_string(), a.item.clone()), (a.level.value(), a.by.clone()));
        }
    }
    for o in &d.overrides {
        if let OverrideTarget::Item { item, level } = &o.target {
            out.insert(("overrides", String::new(), item.clone()), (level.value(), o.by.clone()));
        }
    }
    out
}

/// The levels that differ between `before` (none for a new dossier) and `after`, in the order
/// of phase, place and item.
pub fn assessment_changes(before: Option<&Dossier>, after: &Dossier) -> Vec<AssessmentChange> {
    let old = before.map(levels).unwrap_or_default();
    let new = levels(after);
    let mut keys: Vec<&Key> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (b, a) = (old.get(key), new.get(key));
            if b.map(|x| x.0) == a.map(|x| x.0) && b.map(|x| &x.1) == a.map(|x| &x.1) {
                return None;
            }
            Some(AssessmentChange {
                phase: key.0,
                place: key.1.clone(),
                item: key.2.clone(),
                before: b.map(|x| x.0),
                after: a.map(|x| x.0),
                by: a.or(b).map(|x| x.1.clone()),
            })
        })
        .collect()
}
