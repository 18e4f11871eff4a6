//! The complementary evaluation round (Annexe 2 §III, phase 3: the synthesis says "ce qui devra
//! faire l'objet d'une évaluation complémentaire"): the items evaluated again replace their
//! earlier levels, and a new synthesis is computed the same way as the first, which stays as it
//! was so that the commission sees both.

use super::carry_over::CarryOver;
use super::finding::{Finding, FindingCode};
use super::synthese::{Synthese, synthese};
use crate::dossier::{Contact, Dossier, InterviewRecord, Preuve, PreuveKind, Proposal};
use crate::policy::{Modality, Policy};
use crate::referentiel::Library;
use std::collections::BTreeSet;

/// The dossier as the complementary round leaves it: the levels of the items evaluated again
/// replaced by the new ones.
fn after_round(dossier: &Dossier) -> Option<Dossier> {
    let round = dossier.complement.as_ref()?;
    let again: BTreeSet<&str> = round.items.iter().map(String::as_str).collect();
    let mut d = dossier.clone();
    let keep = |item: &str| !again.contains(item);
    for p in &mut d.preuves {
        p.assessments.retain(|a| keep(&a.item));
    }
    if let Some(q) = &mut d.quiz {
        q.levels.retain(|a| keep(&a.item));
    }
    let observed = d.observation.iter_mut().flat_map(|o| &mut o.contacts);
    for c in observed.chain(d.interview.iter_mut().flat_map(|i| &mut i.contacts)) {
        c.assessments.retain(|a| keep(&a.item));
    }
    let new = |m: Modality| round.assessments.iter().filter(move |(x, _)| *x == m).map(|(_, a)| a.clone());
    d.preuves.push(Preuve {
        id: "complement".into(),
        title: "Évaluation complémentaire".into(),
        kind: PreuveKind::Document,
        referee: None,
        assessments: new(Modality::Preuves).collect(),
    });
    let quiz: Vec<_> = new(Modality::Quiz).collect();
    if let Some(q) = &mut d.quiz {
        q.levels.extend(quiz);
    }
    let observed: Vec<_> = new(Modality::Observation).collect();
    if !observed.is_empty() {
        let number = d.observed_contacts().map(|c| c.number).max().unwrap_or(0) + 1;
        let contact = Contact {
            number,
            start: None,
            end: None,
            assessments: observed,
            field: String::new(),
            location: round.location.clone(),
        };
        match &mut d.interview {
            Some(i) => i.contacts.push(contact),
            None => {
                d.interview = Some(InterviewRecord {
                    date: round.synthese.as_ref().map_or(d.application.submitted, |s| s.date),
                    by: String::new(),
                    notes: None,
                    contacts: vec![contact],
                    location: round.location.clone(),
                });
            }
        }
    }
    Some(d)
}

/// The synthesis after the complementary round, when its synthesis is recorded.
pub fn complement(
    dossier: &Dossier,
    library: &Library,
    policy: &Policy,
    carry_over: Option<&CarryOver>,
) -> Option<Synthese> {
    let date = dossier.complement.as_ref()?.synthese.as_ref()?.date;
    synthese(&after_round(dossier)?, library, policy, carry_over, date)
}

/// The round's findings against the first synthesis.
pub fn findings(dossier: &Dossier, first: Option<&Synthese>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(round) = &dossier.complement else { return out };
    let Some(first) = first else {
        out.push(Finding::error(
            FindingCode::PhaseOutOfOrder,
            "évaluation complémentaire enregistrée sans première synthèse",
            Some(&round.location),
        ));
        return out;
    };
    if first.proposal != Proposal::EvaluationComplementaire {
        out.push(Finding::error(
            FindingCode::PhaseOutOfOrder,
            format!(
                "évaluation complémentaire enregistrée alors que la synthèse propose « {} »",
                first.proposal.label()
            ),
            Some(&round.location),
        ));
    }
    for item in round.items.iter().filter(|i| !first.to_evaluate_again.contains(i)) {
        out.push(Finding::warning(
            FindingCode::ComplementItemNotListed,
            format!("{item} n'est pas un savoir à évaluer de nouveau selon la première synthèse"),
            Some(&round.location),
        ));
    }
    for (_, a) in round.assessments.iter().filter(|(_, a)| !round.items.contains(&a.item)) {
        out.push(Finding::warning(
            FindingCode::ComplementItemNotListed,
            format!("niveau de {} ignoré : ce savoir n'est pas dans les items évalués de nouveau (complement.items)", a.item),
            Some(&a.location),
        ));
    }
    if let Some((_, a)) = round.assessments.iter().find(|(_, a)| a.on < first.date) {
        out.push(Finding::error(
            FindingCode::PhaseOutOfOrder,
            format!("évaluation complémentaire du {} antérieure à la synthèse du {}", a.on, first.date),
            Some(&a.location),
        ));
    }
    if let (Some(s), Some(d)) = (&round.synthese, &dossier.decision)
        && d.date < s.date
    {
        out.push(Finding::error(
            FindingCode::PhaseOutOfOrder,
            format!("décision du {} antérieure à la synthèse complémentaire du {}", d.date, s.date),
            Some(&d.location),
        ));
    }
    if let Some(s) = &round.synthese
        && let Some(last) = round.assessments.iter().map(|(_, a)| a.on).max()
        && s.date < last
    {
        out.push(Finding::error(
            FindingCode::PhaseOutOfOrder,
            format!("synthèse complémentaire du {} antérieure à une évaluation du {last}", s.date),
            Some(&s.location),
        ));
    }
    out
}
