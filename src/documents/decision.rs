//! The commission's decision letter to the candidate (phase 4, art. 5) and the units of a
//! certificate assessed unit by unit as the documents print them: which are acquired, since
//! when and until when, which this decision validates (validation partielle).
//!
//! The wording is `[lettre-decision]` of `referentiels/documents.toml`, per certificate where
//! it says so; the template is `templates/lettre-decision.hbs`.

use super::Context;
use super::labels::Labels;
use super::texts::fill;
use super::views::{CandidateView, CertificateView, candidate, certificate, the_certificate};
use crate::dossier::{Dossier, Proposal};
use crate::error::{Error, Result};
use crate::phases::{Evaluation, Synthese};
use crate::render::french;
use serde::Serialize;

/// A unit as the documents print it.
#[derive(Debug, Serialize)]
pub struct UnitView {
    /// Id.
    id: String,
    /// « CCP 1 — Pratiquer… »: the text's code and the title.
    title: String,
    /// Acquise, non acquise, à compléter.
    status: String,
    /// Since when and until when it is acquired, or that this decision validates it.
    detail: String,
    /// Acquired (now or earlier).
    acquired: bool,
}

/// The units of the synthesis `s`, those of `validated` marked as validated by the decision of
/// `decided` (a date in words).
pub fn unit_views(
    labels: &Labels,
    s: &Synthese,
    validated: &[String],
    decided: Option<&str>,
) -> Vec<UnitView> {
    s.units
        .iter()
        .map(|u| {
            let title = u.code.as_ref().map_or(u.title.clone(), |c| format!("Unité {c} — {}", u.title));
            let detail = if let Some(k) = &u.kept {
                let until = k.until.map_or("à vie".to_string(), |d| format!("jusqu'au {}", french::date(d)));
                let reference = k.reference.as_ref().map(|r| format!(", dossier {r}")).unwrap_or_default();
                format!(
                    "acquise le {} (décision antérieure{reference}), conservée {until}",
                    french::date(k.on)
                )
            } else if validated.contains(&u.id) {
                decided.map_or("validée par la présente décision".to_string(), |d| {
                    format!("validée par la décision du {d}")
                })
            } else {
                String::new()
            };
            UnitView {
                id: u.id.clone(),
                title,
                status: labels.unit_status(u.status).to_string(),
                detail,
                acquired: u.kept.is_some() || validated.contains(&u.id),
            }
        })
        .collect()
}

/// The decision letter's view (`templates/lettre-decision.hbs`).
#[derive(Serialize)]
pub struct DecisionView {
    candidate: CandidateView,
    certificate: CertificateView,
    /// The certifier that writes (« CPNE des télécommunications »).
    sender: String,
    /// The commission or jury that decided.
    commission: String,
    place: String,
    decided: String,
    outcome: String,
    object: String,
    salutation: String,
    /// « Vu … » and the decision, one sentence.
    decision: String,
    /// The units, for a certificate assessed unit by unit.
    units: Vec<UnitView>,
    /// How long the units validated are kept, when some are.
    conservation: String,
    /// What to do next (after a validation partielle).
    next: String,
    appeal: String,
    closing: String,
    signatory: String,
    function: String,
    members: Vec<String>,
}

/// The view of the commission's decision on `d`; an error when no decision is recorded.
pub fn decision_view(ctx: &Context, d: &Dossier, e: &Evaluation) -> Result<DecisionView> {
    let decision = e.decision.as_ref().ok_or_else(|| {
        Error::Data(format!(
            "{}: no decision of the commission is recorded in this dossier (section `decision`)",
            d.file
        ))
    })?;
    let labels = ctx.labels()?;
    let texts = ctx.texts()?.for_certificate(&d.certificate);
    let w = &texts.lettre_decision;
    let r = the_certificate(ctx, d);
    let cert = certificate(r, ctx.texts()?);
    let decided = french::date(decision.date);
    let last = e.complement.as_ref().or(e.synthese.as_ref());
    let units = last.map_or_else(Vec::new, |s| unit_views(labels, s, &decision.units, Some(&decided)));
    let names: Vec<String> = decision
        .units
        .iter()
        .filter_map(|id| r.unit(id))
        .map(|u| {
            u.code.as_ref().map_or(format!("« {} »", u.title), |c| format!("unité {c} « {} »", u.title))
        })
        .collect();
    let policy = ctx.policy.for_certificate(&d.certificate);
    let kept = policy.units.kept_years.map_or("à vie".to_string(), |y| {
        format!("jusqu'au {}", french::date(decision.date.add_years(y).add_days(-1)))
    });
    let unit_list = french_list(&names);
    let values = [
        ("certificat", cert.title_str()),
        ("decidee", decided.as_str()),
        ("delai", w.delai_recours.as_str()),
        ("commission", texts.cpne.commission.as_str()),
        ("unites", unit_list.as_str()),
        ("conservation", kept.as_str()),
    ];
    let say = |text: &str| fill(text, &values);
    let body = match decision.outcome {
        Proposal::Attribution => &w.attribution,
        Proposal::ValidationPartielle => &w.validation_partielle,
        Proposal::EvaluationComplementaire => &w.evaluation_complementaire,
        Proposal::NonAttribution => &w.non_attribution,
    };
    let partial = decision.outcome == Proposal::ValidationPartielle;
    Ok(DecisionView {
        candidate: candidate(d),
        sender: texts.cpne.nom.clone(),
        commission: texts.cpne.commission.clone(),
        place: texts.cpne.lieu.clone(),
        outcome: labels.proposal(decision.outcome).to_string(),
        object: say(&w.objet),
        salutation: w.appel.clone(),
        decision: format!("{} {}", say(&w.vu), say(body)),
        units,
        conservation: if partial || (!decision.units.is_empty() && decision.outcome != Proposal::Attribution)
        {
            say(&w.conservation)
        } else {
            String::new()
        },
        next: if partial { say(&w.suite_validation_partielle) } else { String::new() },
        appeal: say(&w.recours),
        closing: w.salutations.clone(),
        signatory: w.signataire.clone(),
        function: w.fonction.clone(),
        members: decision
            .members
            .iter()
            .map(|m| format!("{} ({})", m.name, labels.college(m.college)))
            .collect(),
        certificate: cert,
        decided,
    })
}

/// « a », « a et b », « a, b et c ».
fn french_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::french_list;

    #[test]
    fn lists_are_joined_the_french_way() {
        let names = |n: &[&str]| n.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(french_list(&names(&[])), "");
        assert_eq!(french_list(&names(&["CCP 1"])), "CCP 1");
        assert_eq!(french_list(&names(&["CCP 1", "CCP 2"])), "CCP 1 et CCP 2");
        assert_eq!(french_list(&names(&["a", "b", "c"])), "a, b et c");
    }
}
