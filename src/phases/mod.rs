//! The phases of the procedure (Annexe 2 §III), as functions of a dossier, the référentiels,
//! the policy and the evaluation date — never the clock.
//!
//! 1. [`recevabilite`](mod@recevabilite) — phase 1, AUVICOM's decision with its reasons;
//! 2. [`checks`] — phase 2 findings (the body's [`accreditation`] history, trainer, convention,
//!    tutor, who gave each level, observation limits, modalities);
//! 3. [`carry_over`] — the savoirs communs validated for the other CQPT (art. 3);
//! 4. [`synthese`] — phase 3, levels, activities, proposal; then the [`complement`]ary round and
//!    its new synthesis, the first one kept;
//! 5. the commission's decision, its composition and appeal (phase 4, art. 5), the [`funding`],
//!    and the state of the dossier: the phase reached and what is missing to go on.

pub mod accreditation;
pub mod carry_over;
pub mod checks;
pub mod complement;
pub mod finding;
pub mod funding;
pub mod recevabilite;
pub mod synthese;
pub mod units;

pub use carry_over::CarryOver;
pub use finding::{Finding, FindingCode};
pub use funding::{Funding, Payer};
pub use recevabilite::{Reason, RecevabiliteDecision, recevabilite};
pub use synthese::{ActivityResult, ItemResult, ItemStatus, Synthese};
pub use units::{KeptUnit, UnitResult};

use crate::date::Date;
use crate::dossier::{Appeal, Dossier, Member, Proposal};
use crate::policy::Policy;
use crate::referentiel::Library;
use serde::Serialize;

/// The commission's decision as recorded, with the appeal's admissibility (art. 5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRecord {
    /// Date.
    pub date: Date,
    /// The decision.
    pub outcome: Proposal,
    /// The units (blocs de compétences) it validates: those it names, or for an attribution
    /// every unit not acquired earlier.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Members present.
    pub members: Vec<Member>,
    /// The appeal, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appeal: Option<AppealRecord>,
}

/// An appeal and whether it is admitted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppealRecord {
    /// Filed on.
    pub filed: Date,
    /// Its ground.
    pub ground: crate::dossier::AppealGround,
    /// Admitted: only on the ground of a lack of rigour of the procedure (art. 5).
    pub admitted: bool,
    /// Why, in French.
    pub reason: String,
}

/// Where a dossier stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct State {
    /// The last phase completed (0 to 4).
    pub phase: u8,
    /// Its name.
    pub phase_label: &'static str,
    /// What is missing to go on, in French.
    pub missing: Vec<String>,
    /// Whether findings of severity error block the synthesis.
    pub blocked: bool,
}

/// Everything the engine concludes on a dossier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The candidate's file number.
    pub candidate: String,
    /// The candidate's name.
    pub name: String,
    /// The certificate aimed at.
    pub certificate: String,
    /// The date of the evaluation.
    pub date: Date,
    /// Phase 1.
    pub recevabilite: RecevabiliteDecision,
    /// Phase 2 and order findings.
    pub findings: Vec<Finding>,
    /// The carry-over rule, when another CQPT is held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carry_over: Option<CarryOver>,
    /// Phase 3, when recevable, evaluated and not blocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthese: Option<Synthese>,
    /// The synthesis after a complementary evaluation round; the first stays in `synthese`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complement: Option<Synthese>,
    /// Phase 4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionRecord>,
    /// The funding.
    pub funding: Funding,
    /// The state.
    pub state: State,
}

impl Evaluation {
    /// Whether findings of severity error block the synthesis (the commission's findings bear
    /// on the decision only).
    pub fn blocked(&self) -> bool {
        self.state.blocked
    }
}

/// Runs every phase on `dossier` as of `date`.
pub fn evaluate(dossier: &Dossier, library: &Library, policy: &Policy, date: Date) -> Evaluation {
    // Every phase reads the policy of the dossier's certificate: the default with its overrides.
    let policy = policy.for_certificate(&dossier.certificate);
    let recevabilite = recevabilite(dossier, policy, dossier.application.submitted);
    let synthesis_date = dossier.synthese.as_ref().map_or(date, |s| s.date);
    let carry_over = carry_over::carry_over(dossier, library, policy, synthesis_date);
    // The certificate's référentiel and core items, found once for the checks and the synthesis.
    let referentiel = library.referentiel(&dossier.certificate);
    let core = referentiel.map(|r| synthese::CoreItems::of(library, r));
    let mut findings = checks::phase2_findings_of(
        dossier,
        library,
        policy,
        recevabilite.recevable,
        carry_over.as_ref(),
        core.as_ref(),
    );
    let blocked = findings.iter().any(Finding::is_error);
    // The synthesis reads the levels that count: a quiz level on a savoir-faire is reported, not
    // counted (art. 6-2).
    let counted = checks::without_quiz_on_savoir_faire(dossier, library, policy);
    let counted = counted.as_ref().unwrap_or(dossier);
    let synthese = (recevabilite.recevable && dossier.has_evaluation() && !blocked)
        .then(|| {
            let (r, core) = referentiel.zip(core.as_ref())?;
            synthese::synthese_of(counted, r, core, policy, carry_over.as_ref(), synthesis_date)
        })
        .flatten();
    if let Some(r) = referentiel {
        findings.extend(units::kept_units(dossier, r, policy, synthesis_date).1);
    }
    findings.extend(synthese.iter().flat_map(not_evaluated));
    findings.extend(complement::findings(dossier, synthese.as_ref()));
    let complement = synthese
        .as_ref()
        .filter(|_| !findings.iter().any(Finding::is_error))
        .and_then(|_| complement::complement(counted, library, policy, carry_over.as_ref()));
    let last = complement.as_ref().or(synthese.as_ref());
    let decision = dossier.decision.as_ref().map(|d| DecisionRecord {
        date: d.date,
        outcome: d.outcome,
        units: referentiel.map_or_else(Vec::new, |r| {
            units::validated_units(dossier, r, last.map_or(&[][..], |s| &s.units))
        }),
        members: d.members.clone(),
        appeal: d.appeal.as_ref().map(|a| appeal_record(a, policy)),
    });
    let mut commission = checks::commission_findings(dossier, policy);
    if let Some(r) = referentiel {
        commission.extend(units::decision_findings(dossier, r, policy));
    }
    let decision_valid = !commission.iter().any(Finding::is_error);
    findings.extend(commission);
    let state = state(dossier, policy, &recevabilite, blocked, synthese.is_some(), decision_valid);
    let mut state = state;
    if synthese.as_ref().is_some_and(|s| s.proposal == Proposal::EvaluationComplementaire)
        && complement.is_none()
        && dossier.decision.is_none()
    {
        state
            .missing
            .push("évaluation complémentaire et nouvelle synthèse (annexe 2 §III, phase 3)".to_string());
    }
    let funding = funding::funding(dossier, policy, recevabilite.recevable && state.phase >= 3);
    Evaluation {
        candidate: dossier.candidate.id.clone(),
        name: dossier.candidate_name(),
        certificate: dossier.certificate.clone(),
        date,
        recevabilite,
        findings,
        carry_over,
        synthese,
        complement,
        decision,
        funding,
        state,
    }
}

/// A warning for each item of the synthesis that no modality evaluated.
fn not_evaluated(s: &Synthese) -> impl Iterator<Item = Finding> + '_ {
    s.items.iter().filter(|i| i.status == ItemStatus::NonEvalue).map(|item| {
        Finding::warning(
            FindingCode::ItemNotEvaluated,
            format!("« {} » ({}) n'a été évalué par aucune des modalités prévues", item.label, item.id),
            None,
        )
    })
}

/// An appeal against the decision, admitted only on the ground the policy admits (art. 5: a
/// lack of rigour in the evaluation procedure).
fn appeal_record(a: &Appeal, policy: &Policy) -> AppealRecord {
    let admitted = policy.commission.appeal_grounds.contains(&a.ground);
    AppealRecord {
        filed: a.filed,
        ground: a.ground,
        admitted,
        reason: if admitted {
            "recours recevable : fondé sur une absence de rigueur de la procédure d'évaluation (art. 5)"
                .to_string()
        } else {
            format!(
                "recours irrecevable : le motif « {} » n'est pas l'absence de rigueur de la procédure d'évaluation, seul motif admis (art. 5)",
                a.ground
            )
        },
    }
}

fn state(
    dossier: &Dossier,
    policy: &Policy,
    recevabilite: &RecevabiliteDecision,
    blocked: bool,
    synthesised: bool,
    decision_valid: bool,
) -> State {
    let mut missing = Vec::new();
    if !recevabilite.recevable {
        missing.extend(recevabilite.reasons.iter().map(|r| format!("recevabilité : {}", r.message)));
        return State { phase: 0, phase_label: "demande non recevable", missing, blocked };
    }
    if dossier.evaluating_body.is_none() {
        missing.push("organisme évaluateur habilité".to_string());
    }
    if dossier.preuves.is_empty() && policy.phases.preuves {
        missing.push("dossier de preuves (phase 2A)".to_string());
    }
    if dossier.quiz.is_none() && policy.phases.quiz {
        missing.push("quiz (phase 2B)".to_string());
    }
    if dossier.observation.is_none() && policy.phases.observation {
        missing.push("observation en situation de travail (phase 2C)".to_string());
    }
    let evaluated = missing.is_empty();
    if blocked {
        missing.push("lever les constats bloquants avant la synthèse".to_string());
    }
    let (phase, label) = if dossier.decision.is_some() && synthesised && decision_valid {
        (4, "délivrance : décision de la commission")
    } else if dossier.decision.is_some() && synthesised && evaluated {
        missing.push("décision d'une commission d'attribution régulièrement composée (art. 5)".to_string());
        (3, "synthèse transmise à la CPNE")
    } else if dossier.synthese.is_some() && synthesised && evaluated {
        missing.push("décision de la commission d'attribution (phase 4)".to_string());
        (3, "synthèse transmise à la CPNE")
    } else if evaluated && !blocked {
        missing.push("synthèse de l'évaluation (phase 3)".to_string());
        (2, "évaluation plurimodale")
    } else {
        (1, "recevabilité")
    };
    State { phase, phase_label: label, missing, blocked }
}
