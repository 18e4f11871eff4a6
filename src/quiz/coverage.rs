//! Coverage of the bank: questions per item and level for every transversal and partly
//! specific item of the certificates (those the quiz evaluates).

use super::bank::Bank;
use super::sitting::Purpose;
use crate::policy::{Modality, Policy, QuizEvidence};
use crate::referentiel::{Category, ItemKind, Knowledge, Library};
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
    /// Live phase 2B questions at levels 1, 2, 3.
    pub per_level: [usize; 3],
    /// Phase 0 questions.
    pub prediagnostic: usize,
    /// Below the minimum, or a level without question.
    pub short: bool,
}

/// The items the quiz evaluates in phase 2B: items of the certificates' core activities whose
/// category the policy assigns to the quiz, savoirs only, in référentiel order. Art. 6-2 gives
/// the quiz "l'évaluation des savoirs transversaux" and annexe 2 §III 2B the savoirs: a
/// savoir-faire's level comes from the dossier de preuves and the observation, never the quiz.
pub fn quiz_items<'l>(library: &'l Library, policy: &Policy, certificate: Option<&str>) -> Vec<&'l str> {
    assessed_items(library, policy, certificate)
        .into_iter()
        .filter(|id| library.item(id).is_some_and(|i| i.kind != ItemKind::SavoirFaire))
        .collect()
}

/// The items a sitting of `certificate` may assess: the savoirs in phase 2B; in phase 0 (advice)
/// the savoir-faire too.
pub fn sitting_items<'l>(
    library: &'l Library,
    policy: &Policy,
    certificate: &str,
    purpose: Purpose,
) -> Vec<&'l str> {
    match purpose {
        Purpose::Evaluation => quiz_items(library, policy, Some(certificate)),
        Purpose::Prediagnostic => assessed_items(library, policy, Some(certificate)),
    }
}

/// Every item of the certificates' core activities whose category the policy gives the quiz.
fn assessed_items<'l>(library: &'l Library, policy: &Policy, certificate: Option<&str>) -> Vec<&'l str> {
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

/// Coverage of every item the quiz assesses in phase 2B: its live 2B questions per level (a
/// question assessing several items counts for each) and its phase 0 questions.
pub fn coverage(bank: &Bank, library: &Library, policy: &Policy) -> Vec<ItemCoverage> {
    let mut counts: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    let mut p0: BTreeMap<&str, usize> = BTreeMap::new();
    for q in &bank.questions {
        for item in &q.items {
            if q.drawable_for_evaluation() {
                counts.entry(item.as_str()).or_default()[usize::from(q.level.clamp(1, 3) - 1)] += 1;
            } else if q.drawable_for_prediagnostic() {
                *p0.entry(item.as_str()).or_default() += 1;
            }
        }
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
                prediagnostic: p0.get(id).copied().unwrap_or(0),
                short: total < policy.quiz.min_questions_per_item || per_level.contains(&0),
            })
        })
        .collect()
}

/// The unit an item's quiz level is decided in: its environment of annexe 3 when the policy
/// decides levels per environment (the item itself when it belongs to none), else the item.
pub fn unit_of(library: &Library, policy: &Policy, item: &str) -> String {
    if policy.quiz.evidence == QuizEvidence::Environment {
        for r in library.certificates().chain(library.referentiel("savoirs-communs")) {
            for e in &r.environments {
                if e.knowledge.refs().any(|(_, x)| x.id == item) {
                    return e.id.clone();
                }
            }
        }
    }
    item.to_string()
}
