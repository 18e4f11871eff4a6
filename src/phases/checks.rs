//! Phase 2 checks and the order of the phases: the rules that decide whether the evaluation
//! can be synthesised (errors) or only needs a remark (warnings).

use super::accreditation::{self, Standing};
use super::carry_over::CarryOver;
use super::finding::{Finding, FindingCode};
use super::synthese::CoreItems;
use crate::date::Date;
use crate::dossier::Assessment;
use crate::dossier::Dossier;
use crate::policy::{Modality, Policy};
use crate::referentiel::{Item, ItemKind, Library};
use std::collections::BTreeSet;

/// Every phase-2 finding, and the order of the phases.
pub fn phase2_findings(
    dossier: &Dossier,
    library: &Library,
    policy: &Policy,
    recevable: bool,
    carry_over: Option<&CarryOver>,
) -> Vec<Finding> {
    let core = library.referentiel(&dossier.certificate).map(|r| CoreItems::of(library, r));
    phase2_findings_of(dossier, library, policy, recevable, carry_over, core.as_ref())
}

/// [`phase2_findings`] with the certificate's core items already gathered (`None`: no
/// référentiel for the certificate).
pub(super) fn phase2_findings_of(
    dossier: &Dossier,
    library: &Library,
    policy: &Policy,
    recevable: bool,
    carry_over: Option<&CarryOver>,
    core: Option<&CoreItems<'_>>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if dossier.has_evaluation() && !recevable {
        out.push(Finding::error(
            FindingCode::NotRecevable,
            "une évaluation est enregistrée alors que la demande n'est pas recevable",
            Some(&dossier.application.location),
        ));
    }
    evaluating_body(dossier, policy, &mut out);
    assessors(dossier, &mut out);
    transmissions(dossier, policy, recevable, &mut out);
    observation(dossier, policy, &mut out);
    if let Some(core) = core {
        levels(dossier, library, policy, core, &mut out);
        quiz_savoirs_only(dossier, library, policy, core, &mut out);
    }
    if let Some(c) = carry_over
        && !c.applies
    {
        out.push(Finding::warning(
            FindingCode::CarryOverExpired,
            format!(
                "le CQPT {} obtenu le {} ne permet plus de garder les savoirs communs ({} ans, jusqu'au {})",
                c.certificate, c.awarded, c.years, c.valid_until
            ),
            dossier.cqpt_held.as_ref().map(|h| &h.location),
        ));
    }
    if let Some(c) = carry_over
        && c.applies
    {
        for n in &c.not_carried {
            let location = dossier
                .cqpt_held
                .iter()
                .flat_map(|h| &h.validated)
                .find(|v| v.item == n.item)
                .map(|v| &v.location);
            out.push(Finding::warning(
                FindingCode::CarryOverItemNotCarried,
                format!("« {} » n'est pas repris du CQPT {} : {}", n.item, c.certificate, n.reason),
                location,
            ));
        }
    }
    phase_order(dossier, policy, &mut out);
    out
}

/// The commission's findings (art. 5): they concern the decision only, and never hide the
/// synthesis nor move the dossier back.
pub fn commission_findings(dossier: &Dossier, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    commission(dossier, policy, &mut out);
    out
}

fn evaluating_body(dossier: &Dossier, policy: &Policy, out: &mut Vec<Finding>) {
    if !dossier.has_evaluation() {
        return;
    }
    let Some(body) = &dossier.evaluating_body else {
        out.push(Finding::error(
            FindingCode::EvaluatingBodyMissing,
            "une évaluation est enregistrée sans organisme évaluateur habilité",
            None,
        ));
        return;
    };
    if body.trained_candidate {
        out.push(Finding::error(
            FindingCode::EvaluatorTrainedCandidate,
            format!(
                "l'organisme évaluateur {} a aussi formé le candidat : il ne peut pas l'évaluer",
                body.name
            ),
            Some(&body.location),
        ));
    }
    let periods = accreditation::periods(&body.accreditation, policy.accreditation.years);
    // The dates of the assessments, each once in order (sorted, not kept in a set).
    let mut dates: Vec<Date> = dossier.all_assessments().map(|a| a.on).collect();
    dates.sort_unstable();
    dates.dedup();
    let standings: Vec<(Date, Standing)> =
        dates.iter().map(|d| (*d, accreditation::standing(&periods, *d))).collect();
    if let Some((bad, _)) = standings.iter().find(|(_, s)| *s == Standing::Expired) {
        let described =
            periods.iter().map(|p| format!("du {} au {}", p.start, p.until)).collect::<Vec<_>>().join(", ");
        out.push(Finding::error(
            FindingCode::AccreditationExpired,
            format!(
                "évaluation du {bad} hors des périodes d'habilitation de {} ({}, {} ans à compter de chaque habilitation ou renouvellement)",
                body.name,
                if described.is_empty() { "aucune" } else { &described },
                policy.accreditation.years
            ),
            Some(&body.location),
        ));
    }
    if let Some((bad, Standing::Withdrawn(withdrawn))) =
        standings.iter().find(|(_, s)| matches!(s, Standing::Withdrawn(_)))
    {
        out.push(Finding::error(
            FindingCode::AccreditationWithdrawn,
            format!("évaluation du {bad} après le retrait de l'habilitation de {} le {withdrawn}", body.name),
            Some(&body.location),
        ));
    }
}

/// The convention between the company and the body (art. 6-2) and the transmission of the
/// recevable file to the company tutor (art. 6-1).
fn transmissions(dossier: &Dossier, policy: &Policy, recevable: bool, out: &mut Vec<Finding>) {
    let p = &policy.procedure;
    if dossier.has_evaluation() && dossier.convention.is_none() {
        out.push(Finding::new(
            FindingCode::ConventionMissing,
            p.convention_missing,
            "aucune convention entre l'entreprise et l'organisme évaluateur n'organise cette évaluation (convention)",
            dossier.evaluating_body.as_ref().map(|b| &b.location),
        ));
    }
    if let Some(t) = &dossier.tutor
        && recevable
        && t.transmitted.is_none()
    {
        out.push(Finding::new(
            FindingCode::TutorNotInformed,
            p.tutor_not_informed,
            format!("le dossier recevable n'a pas été transmis au tuteur {} (tutor.transmitted)", t.name),
            Some(&t.location),
        ));
    }
}

/// Every level comes from an evaluator of the accredited body (art. 6-2: the evaluation "est mise
/// en œuvre par un organisme évaluateur habilité"); the internal referee "peut apporter un
/// complément d'information à l'évaluateur" (Annexe 2 §III, 2C): information, never a level.
fn assessors(dossier: &Dossier, out: &mut Vec<Finding>) {
    let Some(body) = &dossier.evaluating_body else { return };
    let referee = dossier.observation.as_ref().and_then(|o| o.referee.as_ref()).map(|r| r.name.as_str());
    let mut reported = BTreeSet::new();
    for a in dossier.all_assessments() {
        if body.evaluators.iter().any(|e| e == &a.by) || !reported.insert(a.by.as_str()) {
            continue;
        }
        let message = if Some(a.by.as_str()) == referee {
            format!(
                "niveau donné par {}, référent interne de l'entreprise : ses remarques informent l'évaluateur, elles ne donnent pas de niveau",
                a.by
            )
        } else {
            format!(
                "niveau donné par {}, qui n'est pas un évaluateur de l'organisme habilité {} (evaluating_body.evaluators)",
                a.by, body.name
            )
        };
        out.push(Finding::error(FindingCode::LevelNotFromEvaluator, message, Some(&a.location)));
    }
}

fn observation(dossier: &Dossier, policy: &Policy, out: &mut Vec<Finding>) {
    let Some(o) = &dossier.observation else {
        if let Some(i) = &dossier.interview {
            out.push(Finding::error(
                FindingCode::PhaseOutOfOrder,
                "entretien de fin de phase 2C enregistré sans observation",
                Some(&i.location),
            ));
        }
        return;
    };
    let p = &policy.observation;
    if o.minutes() > p.max_minutes {
        out.push(Finding::new(
            FindingCode::ObservationTooLong,
            p.over_max,
            format!(
                "l'observation a duré {} h {:02} ({}–{}) : {} h {:02} au plus",
                o.minutes() / 60,
                o.minutes() % 60,
                o.start,
                o.end,
                p.max_minutes / 60,
                p.max_minutes % 60
            ),
            Some(&o.end_location),
        ));
    }
    let min = p.min_contacts.get(&dossier.certificate).copied().unwrap_or(0);
    let count = u32::try_from(dossier.observed_contacts().count()).unwrap_or(u32::MAX);
    if count < min {
        out.push(Finding::error(
            FindingCode::ObservationTooFewContacts,
            format!("{count} contact(s) observé(s) : il en faut au moins {min} pour ce CQPT"),
            Some(&o.location),
        ));
    }
    if !dossier.interviewed() {
        out.push(Finding::warning(
            FindingCode::InterviewMissing,
            "l'entretien avec le candidat qui suit l'observation n'est pas enregistré",
            Some(&o.location),
        ));
    }
}

/// Whether `key` is new to `reported` (then added): a finding of a kind is reported once per
/// item (and modality). Reports are rare: a list searched in order does.
fn first_report<'d>(
    reported: &mut Vec<(FindingCode, &'d str, Option<Modality>)>,
    key: (FindingCode, &'d str, Option<Modality>),
) -> bool {
    if reported.contains(&key) {
        return false;
    }
    reported.push(key);
    true
}

fn levels(
    dossier: &Dossier,
    library: &Library,
    policy: &Policy,
    core: &CoreItems<'_>,
    out: &mut Vec<Finding>,
) {
    let mut reported = Vec::new();
    for (modality, a) in dossier.assessments() {
        let (item, in_certificate) = match core.get(&a.item) {
            Some(item) => (item, true),
            None => match library.item(&a.item) {
                Some(item) => (item, false),
                None => continue,
            },
        };
        if !in_certificate {
            if first_report(&mut reported, (FindingCode::ItemNotInCertificate, &a.item, None)) {
                out.push(Finding::warning(
                    FindingCode::ItemNotInCertificate,
                    format!("« {} » ({}) n'est pas un savoir de ce CQPT : niveau ignoré", item.label, a.item),
                    Some(&a.location),
                ));
            }
            continue;
        }
        if modality == Modality::Quiz && quiz_may_not_assess(item, policy) {
            // Reported by `quiz_savoirs_only`, and not counted.
            continue;
        }
        if !policy.modalities.for_category(item.category).contains(&modality)
            && first_report(&mut reported, (FindingCode::ModalityNotAssigned, &a.item, Some(modality)))
        {
            out.push(Finding::warning(
                FindingCode::ModalityNotAssigned,
                format!(
                    "« {} » est un savoir {} : le niveau donné par {} n'est pas retenu",
                    item.label,
                    item.category.label(),
                    modality.label()
                ),
                Some(&a.location),
            ));
        }
        if modality == crate::policy::Modality::Quiz {
            if a.level.value() > policy.levels.quiz_max {
                out.push(Finding::warning(
                    FindingCode::QuizLevelCapped,
                    format!(
                        "le quiz ne peut établir qu'un niveau {} au plus : {} ramené à {} pour « {} »",
                        policy.levels.quiz_max, a.level, policy.levels.quiz_max, item.label
                    ),
                    Some(&a.location),
                ));
            }
        } else if a.level.value() >= policy.levels.justification_from
            && a.justification.as_deref().is_none_or(|j| j.trim().is_empty())
        {
            out.push(Finding::error(
                FindingCode::JustificationMissing,
                format!(
                    "le niveau {} de « {} » ({}) n'est pas justifié par l'évaluateur",
                    a.level,
                    item.label,
                    modality.label()
                ),
                Some(&a.location),
            ));
        }
    }
}

/// Whether a phase 2B quiz level on `item` is one the quiz may not give: a savoir-faire of a
/// category the policy gives the quiz. Art. 6-2 gives the quiz « l'évaluation des savoirs
/// transversaux sous forme de quiz » and annexe 2 §III, phase 2B, the savoirs: a savoir-faire's
/// level comes from the dossier de preuves and the observation. (A savoir-faire of a category
/// the policy does not give the quiz is the general rule's `modality-not-assigned`; the phase 0
/// prédiagnostic is advice and may ask about savoir-faire.)
fn quiz_may_not_assess(item: &Item, policy: &Policy) -> bool {
    item.kind == ItemKind::SavoirFaire
        && policy.modalities.for_category(item.category).contains(&Modality::Quiz)
}

/// The quiz levels of phase 2B and of the complementary round that the quiz may not give.
fn quiz_levels_on_savoir_faire<'d>(
    dossier: &'d Dossier,
    library: &'d Library,
    policy: &'d Policy,
) -> impl Iterator<Item = (&'d Assessment, &'d Item)> + 'd {
    let phase_2b = dossier.quiz.iter().flat_map(|q| &q.levels);
    let round = dossier.complement.iter().flat_map(|c| &c.assessments);
    let round = round.filter(|(m, _)| *m == Modality::Quiz).map(|(_, a)| a);
    phase_2b
        .chain(round)
        .filter_map(|a| library.item(&a.item).map(|item| (a, item)))
        .filter(|(_, item)| quiz_may_not_assess(item, policy))
}

/// A warning at each quiz level on a savoir-faire of the certificate (art. 6-2): the level is
/// not counted. (A level on an item the certificate does not list is `item-not-in-certificate`.)
fn quiz_savoirs_only(
    dossier: &Dossier,
    library: &Library,
    policy: &Policy,
    core: &CoreItems<'_>,
    out: &mut Vec<Finding>,
) {
    for (a, item) in quiz_levels_on_savoir_faire(dossier, library, policy) {
        if core.get(&a.item).is_none() {
            continue;
        }
        out.push(Finding::warning(
            FindingCode::QuizOnSavoirFaire,
            format!(
                "« {} » ({}) est un savoir-faire : le quiz n'évalue que les savoirs, son niveau {} n'est pas retenu (le dossier de preuves ou l'observation l'établissent)",
                item.label, a.item, a.level
            ),
            Some(&a.location),
        ));
    }
}

/// The dossier the synthesis reads: without the quiz levels on savoir-faire (they are reported,
/// not counted); `None` when there are none, the dossier then read as it is.
pub fn without_quiz_on_savoir_faire(
    dossier: &Dossier,
    library: &Library,
    policy: &Policy,
) -> Option<Dossier> {
    quiz_levels_on_savoir_faire(dossier, library, policy).next()?;
    let mut d = dossier.clone();
    let counted =
        |a: &Assessment| library.item(&a.item).is_none_or(|item| !quiz_may_not_assess(item, policy));
    if let Some(q) = &mut d.quiz {
        q.levels.retain(counted);
    }
    if let Some(c) = &mut d.complement {
        c.assessments.retain(|(m, a)| *m != Modality::Quiz || counted(a));
    }
    Some(d)
}

fn phase_order(dossier: &Dossier, policy: &Policy, out: &mut Vec<Finding>) {
    let start = dossier.application.decided.unwrap_or(dossier.application.submitted);
    if let Some((_, a)) = dossier.assessments().find(|(_, a)| a.on < start) {
        out.push(Finding::error(
            FindingCode::PhaseOutOfOrder,
            format!("évaluation du {} antérieure à la demande de recevabilité ({start})", a.on),
            Some(&a.location),
        ));
    }
    if let Some(s) = &dossier.synthese {
        let mut missing = Vec::new();
        // Only the phases the certificate's policy requires (a titre professionnel has no quiz).
        if dossier.preuves.is_empty() && policy.phases.preuves {
            missing.push("le dossier de preuves");
        }
        if dossier.quiz.is_none() && policy.phases.quiz {
            missing.push("le quiz");
        }
        if dossier.observation.is_none() && policy.phases.observation {
            missing.push("l'observation");
        }
        if !missing.is_empty() {
            out.push(Finding::error(
                FindingCode::PhaseOutOfOrder,
                format!("synthèse enregistrée avant {}", missing.join(", ")),
                Some(&s.location),
            ));
        }
        if let Some(last) = dossier.assessments().map(|(_, a)| a.on).max()
            && s.date < last
        {
            out.push(Finding::error(
                FindingCode::PhaseOutOfOrder,
                format!("synthèse du {} antérieure à une évaluation du {last}", s.date),
                Some(&s.location),
            ));
        }
    }
    if let Some(d) = &dossier.decision {
        match &dossier.synthese {
            None => out.push(Finding::error(
                FindingCode::PhaseOutOfOrder,
                "décision de la commission enregistrée sans synthèse",
                Some(&d.location),
            )),
            Some(s) if d.date < s.date => out.push(Finding::error(
                FindingCode::PhaseOutOfOrder,
                format!("décision du {} antérieure à la synthèse du {}", d.date, s.date),
                Some(&d.location),
            )),
            Some(_) => {}
        }
    }
}

fn commission(dossier: &Dossier, policy: &Policy, out: &mut Vec<Finding>) {
    let Some(d) = &dossier.decision else { return };
    let count = |college: crate::dossier::College| {
        u32::try_from(d.members.iter().filter(|m| m.college == college).count()).unwrap_or(0)
    };
    let (s, e) = (count(crate::dossier::College::Salaries), count(crate::dossier::College::Employeurs));
    let names: BTreeSet<&str> = d.members.iter().map(|m| m.name.trim()).collect();
    if s != policy.commission.salaries || e != policy.commission.employeurs || names.len() != d.members.len()
    {
        out.push(Finding::error(
            FindingCode::CommissionComposition,
            format!(
                "la commission d'attribution compte {s} représentant(s) des salariés et {e} des employeurs, {} personne(s) distincte(s) : il en faut {} et {}, tous distincts",
                names.len(),
                policy.commission.salaries,
                policy.commission.employeurs
            ),
            Some(&d.location),
        ));
    }
    let mut evaluators: BTreeSet<&str> = dossier.assessments().map(|(_, a)| a.by.as_str()).collect();
    evaluators.extend(dossier.evaluating_body.iter().flat_map(|b| &b.evaluators).map(String::as_str));
    evaluators.extend(dossier.synthese.iter().map(|s| s.by.as_str()));
    for m in &d.members {
        let role = match (evaluators.contains(m.name.trim()), m.trained_candidate) {
            (true, _) => "a évalué",
            (false, true) => "a formé",
            (false, false) => continue,
        };
        out.push(Finding::new(
            FindingCode::CommissionMemberConflict,
            policy.commission.member_conflict,
            format!("{}, membre de la commission d'attribution, {role} le candidat", m.name),
            Some(&d.location),
        ));
    }
}
