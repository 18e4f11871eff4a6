//! Coverage of the bank: questions per item and level for every transversal and partly
//! specific item of the certificates (those the quiz evaluates).

use super::bank::Bank;
use crate::policy::{Modality, Policy};
use crate::referentiel::{Category, Knowledge, Library};
use serde::Serialize;
use std::collections::BTreeMap;

/// The coverage of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemCoverage {
    /// Item id.
    pub item: String,
    /// Its wording.
    pub label: String,
    /// Its category.
    pub category: Category,
    /// Questions at levels 1, 2, 3.
    pub per_level: [usize; 3],
    /// Below the minimum, or a level without question.
    pub short: bool,
}

/// The items the quiz evaluates: items of the certificates' core activities whose category the
/// policy assigns to the quiz, in référentiel order.
pub fn quiz_items<'l>(library: &'l Library, policy: &Policy, certificate: Option<&str>) -> Vec<&'l str> {
    let mut out: Vec<&str> = Vec::new();
    for r in library.certificates().filter(|r| certificate.is_none_or(|c| c == r.id)) {
        for a in r.core_activities() {
            for (_, x) in a.knowledge.iter().flat_map(Knowledge::refs) {
                let Some(item) = library.item(&x.id) else { continue };
                if policy.modalities.for_category(item.category).contains(&Modality::Quiz)
                    && !out.contains(&x.id.as_str())
                {
                    out.push(&x.id);
                }
            }
        }
    }
    out
}

/// Coverage of every quiz item.
pub fn coverage(bank: &Bank, library: &Library, policy: &Policy) -> Vec<ItemCoverage> {
    let mut counts: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for q in &bank.questions {
        counts.entry(q.item.as_str()).or_default()[usize::from(q.level.clamp(1, 3) - 1)] += 1;
    }
    quiz_items(library, policy, None)
        .into_iter()
        .filter_map(|id| {
            let item = library.item(id)?;
            let per_level = counts.get(id).copied().unwrap_or_default();
            let total: usize = per_level.iter().sum();
            Some(ItemCoverage {
                item: id.to_string(),
                label: item.label.clone(),
                category: item.category,
                per_level,
                short: total < policy.quiz.min_questions_per_item || per_level.contains(&0),
            })
        })
        .collect()
}
