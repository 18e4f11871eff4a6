//! The items a grid lists, in the grid's own order: the certificate's core activities in the
//! order of its référentiel, and under each the items its knowledge names (each item once),
//! kept when the policy assigns the grid's modality to the item's category. The printed grids,
//! the evaluator's desk and the spreadsheet all list items in this order.

use crate::policy::{Modality, Policy};
use crate::referentiel::Library;
use crate::scale::ItemKind;
use std::collections::BTreeSet;

/// One row of a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridItem {
    /// The item id.
    pub id: String,
    /// Its wording at this place of the référentiel.
    pub label: String,
    /// Its kind (the scale it is assessed on).
    pub kind: ItemKind,
}

/// The items of one core activity on a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridGroup {
    /// The activity's id.
    pub activity: String,
    /// Its title.
    pub title: String,
    /// Its items on the grid.
    pub items: Vec<GridItem>,
}

/// The rows of the grid of `modality` (every item when `None`) for `certificate`, grouped by
/// core activity; empty when the certificate is unknown.
pub fn grid_groups(
    library: &Library,
    policy: &Policy,
    certificate: &str,
    modality: Option<Modality>,
) -> Vec<GridGroup> {
    let Some(r) = library.referentiel(certificate) else { return Vec::new() };
    let policy = policy.for_certificate(certificate);
    let mut seen = BTreeSet::new();
    let mut groups = Vec::new();
    for a in r.core_activities() {
        let mut items = Vec::new();
        for (_, x) in a.knowledge.iter().flat_map(crate::referentiel::model::Knowledge::refs) {
            let Some(item) = library.item(&x.id) else { continue };
            if modality.is_some_and(|m| !policy.modalities.for_category(item.category).contains(&m)) {
                continue;
            }
            if seen.insert(x.id.clone()) {
                items.push(GridItem {
                    id: x.id.clone(),
                    label: x.wording_or(item).to_string(),
                    kind: item.kind,
                });
            }
        }
        if !items.is_empty() {
            groups.push(GridGroup { activity: a.id.clone(), title: a.title.clone(), items });
        }
    }
    groups
}
