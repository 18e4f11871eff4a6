//! The items each grid lists, in the grid's own order: the certificate's core activities in
//! order, each activity's knowledge by kind, an item once (where it first appears), kept when
//! the modality of the grid evaluates its category (the policy's `[modalities]`). This is the
//! order of the printed grids (`cqpt grid`).

use crate::documents::grids::GridDef;
use crate::policy::{Modality, Policy};
use crate::referentiel::Library;
use crate::referentiel::model::{Item, Knowledge};
use std::collections::BTreeSet;

/// One row of a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridItem<'a> {
    /// The item.
    pub item: &'a Item,
    /// Its wording at this place of the référentiel.
    pub label: &'a str,
}

/// The items of `grid` for `certificate`, in the grid's order (empty for an unknown certificate).
pub fn grid_items<'a>(
    library: &'a Library,
    policy: &Policy,
    certificate: &str,
    grid: &GridDef,
) -> Vec<GridItem<'a>> {
    let Some(r) = library.referentiel(certificate) else { return Vec::new() };
    let policy = policy.for_certificate(certificate);
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for activity in r.core_activities() {
        for (_, x) in activity.knowledge.iter().flat_map(Knowledge::refs) {
            let Some(item) = library.item(&x.id) else { continue };
            if let Some(m) = grid.modality
                && !policy.modalities.for_category(item.category).contains(&m)
            {
                continue;
            }
            if seen.insert(x.id.as_str()) {
                rows.push(GridItem { item, label: x.wording_or(item) });
            }
        }
    }
    rows
}

/// Whether `modality` evaluates `item` for `certificate` (the policy's `[modalities]`).
pub fn evaluates(policy: &Policy, certificate: &str, modality: Modality, item: &Item) -> bool {
    policy.for_certificate(certificate).modalities.for_category(item.category).contains(&modality)
}
