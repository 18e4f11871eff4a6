//! Units (blocs de compétences) certified on their own: which units acquired earlier are still
//! kept, the state of each unit in the synthesis, the proposal of the `per-unit` pass rule and
//! the units a decision validates.
//!
//! A unit acquired earlier ([`crate::dossier::AcquiredUnit`]) counts as acquired in this attempt
//! for as long as the policy keeps it (`[units] kept_years`, for life when absent): its
//! activities are acquis and its items need no new level. After that it is evaluated again.

use super::finding::{Finding, FindingCode};
use super::synthese::{ActivityResult, ItemResult, items_status};
use crate::date::Date;
use crate::dossier::{ActivityStatus, Dossier, Proposal};
use crate::policy::{PassRule, Policy};
use crate::referentiel::{Referentiel, Unit};
use serde::Serialize;
use std::collections::BTreeSet;

/// A unit acquired earlier and still kept on the date of the synthesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptUnit {
    /// The unit id.
    pub unit: String,
    /// The date of the decision that validated it.
    pub on: Date,
    /// The last day it is kept; `None`: for life.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// The reference of that decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The state of one unit in the synthesis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitResult {
    /// Unit id.
    pub id: String,
    /// The code the text gives it (`CCP 1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Its title.
    pub title: String,
    /// Whether it can be awarded on its own.
    pub certifiable_alone: bool,
    /// Its activities (whole, or through some of their competences).
    pub activities: Vec<String>,
    /// Acquis when all its activities are, non acquis when one is, à compléter otherwise.
    pub status: ActivityStatus,
    /// Acquired earlier and kept: the status is then acquis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept: Option<KeptUnit>,
}

impl UnitResult {
    /// Acquired in this attempt (not kept from an earlier one).
    pub fn acquired_now(&self) -> bool {
        self.status == ActivityStatus::Acquis && self.kept.is_none()
    }
}

/// The units of `dossier` acquired earlier and still kept on `date`; a finding for each one no
/// longer kept (it is then evaluated again).
pub fn kept_units(
    dossier: &Dossier,
    r: &Referentiel,
    policy: &Policy,
    date: Date,
) -> (Vec<KeptUnit>, Vec<Finding>) {
    let mut kept = Vec::new();
    let mut findings = Vec::new();
    for a in &dossier.acquired_units {
        let Some(unit) = r.unit(&a.unit) else { continue };
        let until = policy.units.kept_years.map(|y| a.on.add_years(y).add_days(-1));
        match until {
            Some(last) if date > last => findings.push(Finding::warning(
                FindingCode::AcquiredUnitExpired,
                format!(
                    "l'unité « {} » ({}), acquise le {}, n'est conservée que {} ans, jusqu'au {last} : elle est à évaluer de nouveau",
                    unit.title,
                    unit.id,
                    a.on,
                    policy.units.kept_years.unwrap_or_default()
                ),
                Some(&a.location),
            )),
            _ if a.on > date => findings.push(Finding::error(
                FindingCode::AcquiredUnitExpired,
                format!(
                    "l'unité « {} » ({}) est dite acquise le {}, après la date de la synthèse ({date})",
                    unit.title, unit.id, a.on
                ),
                Some(&a.location),
            )),
            _ => kept.push(KeptUnit { unit: a.unit.clone(), on: a.on, until, reference: a.reference.clone() }),
        }
    }
    (kept, findings)
}

/// The ids of the activities a unit groups: whole, or through some of their competences.
fn unit_activities(r: &Referentiel, unit: &Unit) -> Vec<String> {
    r.activities
        .iter()
        .filter(|a| {
            unit.activities.contains(&a.id) || a.competences.iter().any(|c| unit.competences.contains(&c.id))
        })
        .map(|a| a.id.clone())
        .collect()
}

/// The items that only kept units evaluate: they need no new level in this attempt.
pub fn kept_items(r: &Referentiel, kept: &[KeptUnit]) -> BTreeSet<String> {
    if kept.is_empty() {
        // Nothing kept: nothing to gather (and no unit's items to list only to remove them).
        return BTreeSet::new();
    }
    let is_kept = |u: &Unit| kept.iter().any(|k| k.unit == u.id);
    let mut items: BTreeSet<String> =
        r.units().iter().filter(|u| is_kept(u)).flat_map(|u| r.unit_items(u)).collect();
    for u in r.units().iter().filter(|u| !is_kept(u)) {
        for id in r.unit_items(u) {
            items.remove(&id);
        }
    }
    items
}

/// The activities that only kept units group: acquis in this attempt.
pub fn kept_activities(r: &Referentiel, kept: &[KeptUnit]) -> BTreeSet<String> {
    if kept.is_empty() {
        return BTreeSet::new();
    }
    let is_kept = |u: &Unit| kept.iter().any(|k| k.unit == u.id);
    let mut activities: BTreeSet<String> =
        r.units().iter().filter(|u| is_kept(u)).flat_map(|u| unit_activities(r, u)).collect();
    for u in r.units().iter().filter(|u| !is_kept(u)) {
        for id in unit_activities(r, u) {
            activities.remove(&id);
        }
    }
    activities
}

/// The state of each unit of the certificate, from the statuses of its activities and, for a
/// unit made of competences, of their items.
pub fn unit_results(
    r: &Referentiel,
    activities: &[ActivityResult],
    items: &[ItemResult],
    kept: &[KeptUnit],
    policy: &Policy,
) -> Vec<UnitResult> {
    r.units()
        .iter()
        .map(|u| {
            let kept = kept.iter().find(|k| k.unit == u.id).cloned();
            let ids = unit_activities(r, u);
            let status = if kept.is_some() {
                ActivityStatus::Acquis
            } else {
                let whole = activities.iter().filter(|a| u.activities.contains(&a.id)).map(|a| a.status);
                let own = (!u.competences.is_empty()).then(|| {
                    let ids = r.unit_items(u);
                    let own: Vec<&ItemResult> = items.iter().filter(|i| ids.contains(&i.id)).collect();
                    items_status(&own, policy)
                });
                worst(whole.chain(own))
            };
            UnitResult {
                id: u.id.clone(),
                code: u.code.clone(),
                title: u.title.clone(),
                certifiable_alone: u.certifiable_alone,
                activities: ids,
                status,
                kept,
            }
        })
        .collect()
}

/// The worst of some statuses: non acquis, then à compléter, then acquis (also when none).
fn worst(statuses: impl Iterator<Item = ActivityStatus>) -> ActivityStatus {
    statuses.fold(ActivityStatus::Acquis, |w, s| match (w, s) {
        (ActivityStatus::NonAcquis, _) | (_, ActivityStatus::NonAcquis) => ActivityStatus::NonAcquis,
        (ActivityStatus::ACompleter, _) | (_, ActivityStatus::ACompleter) => ActivityStatus::ACompleter,
        _ => ActivityStatus::Acquis,
    })
}

/// The proposal of the `per-unit` pass rule: attribution when every unit is acquired (now or
/// earlier); a complementary evaluation when one is à compléter; a validation partielle when a
/// unit that can be awarded on its own is acquired now; non-attribution otherwise.
pub fn propose_per_unit(units: &[UnitResult]) -> Proposal {
    if units.iter().all(|u| u.status == ActivityStatus::Acquis) {
        Proposal::Attribution
    } else if units.iter().any(|u| u.status == ActivityStatus::ACompleter) {
        Proposal::EvaluationComplementaire
    } else if units.iter().any(|u| u.acquired_now() && u.certifiable_alone) {
        Proposal::ValidationPartielle
    } else {
        Proposal::NonAttribution
    }
}

/// The units a decision validates: those it names, or, for an attribution that names none,
/// every unit not kept from an earlier attempt.
pub fn validated_units(dossier: &Dossier, r: &Referentiel, units: &[UnitResult]) -> Vec<String> {
    let Some(d) = &dossier.decision else { return Vec::new() };
    if !d.units.is_empty() {
        return d.units.clone();
    }
    if d.outcome == Proposal::Attribution {
        return r
            .units()
            .iter()
            .filter(|u| !units.iter().any(|x| x.id == u.id && x.kept.is_some()))
            .map(|u| u.id.clone())
            .collect();
    }
    Vec::new()
}

/// What is wrong with the units of a decision: a validation partielle without the per-unit
/// rule, without units, or of a unit that cannot be awarded alone; units validated by a
/// non-attribution; a unit validated again; an attribution that leaves a unit out.
pub fn decision_findings(dossier: &Dossier, r: &Referentiel, policy: &Policy) -> Vec<Finding> {
    let Some(d) = &dossier.decision else { return Vec::new() };
    let mut out = Vec::new();
    let at = Some(&d.location);
    let per_unit = policy.pass_rule == PassRule::PerUnit && !r.units().is_empty();
    let mut error = |message: String| out.push(Finding::error(FindingCode::UnitDecision, message, at));
    if d.outcome == Proposal::ValidationPartielle {
        if !per_unit {
            error(format!(
                "une validation partielle n'existe que pour un certificat délivré unité par unité : « {} » est délivré en entier",
                r.title
            ));
        } else if d.units.is_empty() {
            error(
                "une validation partielle doit nommer les unités qu'elle valide (decision.units)".to_string(),
            );
        }
        for u in d.units.iter().filter_map(|id| r.unit(id)).filter(|u| !u.certifiable_alone) {
            error(format!("l'unité « {} » ({}) ne peut pas être délivrée seule", u.title, u.id));
        }
    }
    if d.outcome == Proposal::NonAttribution && !d.units.is_empty() {
        error(format!(
            "une décision de non-attribution ne valide aucune unité ; elle nomme pourtant : {}",
            d.units.join(", ")
        ));
    }
    for id in d.units.iter().filter(|id| dossier.acquired_units.iter().any(|a| a.unit == **id)) {
        error(format!("l'unité {id} était déjà acquise : la décision ne peut pas la valider de nouveau"));
    }
    if d.outcome == Proposal::Attribution && !d.units.is_empty() {
        let held: BTreeSet<&str> = d
            .units
            .iter()
            .map(String::as_str)
            .chain(dossier.acquired_units.iter().map(|a| a.unit.as_str()))
            .collect();
        let missing: Vec<&str> =
            r.units().iter().map(|u| u.id.as_str()).filter(|id| !held.contains(id)).collect();
        if !missing.is_empty() {
            error(format!(
                "l'attribution du certificat suppose toutes ses unités acquises ; il manque : {}",
                missing.join(", ")
            ));
        }
    }
    out
}
