//! The one path of every change of an evaluation, from the evaluator's desk, the spreadsheet
//! import or the API: scope checked, the change applied to the dossier's text by the library
//! ([`crate::dossier::evaluation_edit`]), the levels it changes computed, and everything saved
//! at once with its registry entry, refused once the evaluation is sent (a correction reopens
//! it first). Two evaluators saving at once both land: a change computed from a text that
//! changed meanwhile is computed again from the new one.

use super::AppState;
use super::auth::CurrentUser;
use super::auvicom::today;
use super::dossier_page::{Loaded, load_scoped};
use super::error::AppError;
use crate::accounts::Role;
use crate::dossier::evaluation_edit::{Applied, EditError, EvaluationChange, apply, apply_keeping_before};
use crate::dossier::history::assessment_changes;
use crate::dossier::{Dossier, SyntheseRecord};
use crate::phases::Evaluation;
use crate::registry::sha256;
use crate::store::evaluation::{EvaluationUpdate, SaveOutcome};
use crate::store::{DossierFacts, Store};
use std::sync::Arc;

/// How many times a change is computed again when the dossier keeps changing under it.
const ATTEMPTS: usize = 8;

/// The sentence shown when a sent evaluation is changed.
pub const FROZEN: &str = "L'évaluation a été envoyée à l'AUVICOM : elle ne peut plus être modifiée. \
     Pour la corriger, ouvrez une correction (elle sera enregistrée comme une nouvelle version).";

/// A dossier after a change, with the engine's conclusions on it.
pub struct Changed {
    /// The dossier.
    pub dossier: Dossier,
    /// The engine's conclusions (the live synthesis).
    pub evaluation: Evaluation,
}

/// Whether `me` may change evaluations: the body's evaluators (their scope is checked on the
/// dossier) and administrators.
pub fn may_evaluate(me: &CurrentUser) -> bool {
    matches!(me.user.role, Role::Evaluator | Role::Administrator)
}

/// The dossier `id` for the evaluator's desk: in `me`'s scope, assigned to a body.
pub async fn load_for_evaluation(
    state: &Arc<AppState>,
    me: &CurrentUser,
    id: &str,
) -> Result<Loaded, AppError> {
    if !may_evaluate(me) {
        return Err(AppError::Forbidden);
    }
    let loaded = load_scoped(state, me, id.to_string()).await?;
    if loaded.dossier.evaluating_body.is_none() {
        return Err(AppError::Conflict("ce dossier n'est confié à aucun organisme évaluateur".into()));
    }
    Ok(loaded)
}

/// The text of dossier `id` for a change by `me`: in their scope, assigned to a body, its
/// evaluation not sent. One read of the store; nothing parsed.
async fn text_for_change(state: &Arc<AppState>, me: &CurrentUser, id: &str) -> Result<String, AppError> {
    if !may_evaluate(me) {
        return Err(AppError::Forbidden);
    }
    let key = id.to_string();
    let (summary, yaml, frozen) = state
        .pool
        .run(move |s| {
            let summary = s.dossier(&key)?.ok_or(AppError::NotFound)?;
            let yaml = s.dossier_yaml(&key)?.flatten();
            Ok((summary, yaml, s.evaluation_frozen(&key)?))
        })
        .await?;
    if !super::scope::may_see(me, &summary) {
        return Err(AppError::Forbidden);
    }
    if summary.body.is_none() {
        return Err(AppError::Conflict("ce dossier n'est confié à aucun organisme évaluateur".into()));
    }
    if frozen {
        return Err(AppError::Conflict(FROZEN.into()));
    }
    yaml.ok_or(AppError::NotFound)
}

/// Applies `change` as `me` and saves it; the dossier and its live synthesis after it. The
/// dossier is read once, parsed before and after the change, and evaluated once (the facts the
/// lists filter on and the synthesis shown both come from that evaluation).
pub async fn apply_change(
    state: &Arc<AppState>,
    me: &CurrentUser,
    id: &str,
    change: EvaluationChange,
) -> Result<Changed, AppError> {
    let by = me.user.display_name.clone();
    for _ in 0..ATTEMPTS {
        let yaml = text_for_change(state, me, id).await?;
        let Applied { before, text, after } =
            apply_keeping_before(&yaml, &state.library, &change, &by).map_err(refused)?;
        let changes = assessment_changes(Some(&before), &after);
        let evaluation = crate::phases::evaluate(&after, &state.library, &state.policy, after.latest_date());
        let facts = DossierFacts::from_evaluation(&after, &evaluation);
        let (actor, key, expected) = (me.user.login.clone(), id.to_string(), sha256(yaml.as_bytes()));
        let (saved, outcome) = state
            .pool
            .run_write(move |s| {
                let u = EvaluationUpdate {
                    expected_sha256: expected,
                    yaml: &text,
                    dossier: &after,
                    facts,
                    changes: &changes,
                };
                let outcome = s.save_evaluation(&actor, &key, &u)?;
                Ok((after, outcome))
            })
            .await?;
        match outcome {
            SaveOutcome::Saved => return Ok(Changed { dossier: saved, evaluation }),
            SaveOutcome::Frozen => return Err(AppError::Conflict(FROZEN.into())),
            SaveOutcome::Stale => {}
        }
    }
    Err(AppError::Conflict("le dossier a été modifié par d'autres en même temps : réessayez".into()))
}

/// What still prevents `me` from sending the evaluation of `loaded` today, in French (empty
/// when nothing does): the engine's blocking findings on the dossier as it would be sent (with
/// its synthesis record, so that a phase missing before the synthesis is named), and the body's
/// accreditation today (art. 5, Annexe 2 §IV).
pub async fn blockers(
    state: &Arc<AppState>,
    me: &CurrentUser,
    loaded: &Loaded,
) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    let d = &loaded.dossier;
    if !d.has_evaluation() {
        out.push("aucune évaluation n'est enregistrée (dossier de preuves, quiz ou observation)".into());
    }
    let today = today(state);
    match apply(&loaded.yaml, &state.library, &synthese_change(me, today), &me.user.display_name) {
        Ok((_, sent)) => {
            let evaluation =
                crate::phases::evaluate(&sent, &state.library, &state.policy, sent.latest_date());
            for f in evaluation.findings.iter().filter(|f| f.severity == crate::diag::Severity::Error) {
                out.push(format!("{} ({})", crate::render::french::dates_in(&f.message), f.article));
            }
        }
        Err(e) => out.push(e.to_string()),
    }
    if let Some(body) = &d.evaluating_body {
        let years = state.policy.for_certificate(&d.certificate).accreditation.years;
        let id = body.id.clone();
        let summary = state.pool.run(move |s| Ok(s.bodies()?.into_iter().find(|b| b.id == id))).await?;
        let valid = summary.as_ref().and_then(|b| b.accredited_on(today, years)).is_some();
        if !valid {
            out.push(format!(
                "l'organisme {} n'a pas d'habilitation valide à ce jour (habilitation de {years} ans, annexe 2 §IV) : \
                 son évaluation ne peut pas être envoyée",
                body.name
            ));
        }
    }
    Ok(out)
}

/// The synthesis record `me` writes by sending on `today`.
fn synthese_change(me: &CurrentUser, today: crate::date::Date) -> EvaluationChange {
    EvaluationChange::Synthese(SyntheseRecord {
        date: today,
        by: me.user.display_name.clone(),
        location: crate::diag::Location::default(),
    })
}

/// Sends the evaluation of `id` to AUVICOM as `me`: the synthesis record (today, by `me`)
/// written and the text frozen as the next version. Refused while something blocks.
pub async fn send(state: &Arc<AppState>, me: &CurrentUser, id: &str) -> Result<i64, AppError> {
    for _ in 0..ATTEMPTS {
        let loaded = load_for_evaluation(state, me, id).await?;
        let blocking = blockers(state, me, &loaded).await?;
        if !blocking.is_empty() {
            return Err(AppError::Conflict(format!(
                "l'évaluation ne peut pas être envoyée : {}",
                blocking.join(" ; ")
            )));
        }
        let change = synthese_change(me, today(state));
        let (text, after) =
            apply(&loaded.yaml, &state.library, &change, &me.user.display_name).map_err(refused)?;
        let facts = DossierFacts::of(&after, &state.library, &state.policy);
        let (actor, key, expected) = (me.user.login.clone(), id.to_string(), sha256(loaded.yaml.as_bytes()));
        let (outcome, version) = state
            .pool
            .run_write(move |s| {
                let u = EvaluationUpdate {
                    expected_sha256: expected,
                    yaml: &text,
                    dossier: &after,
                    facts,
                    changes: &[],
                };
                Ok(s.send_evaluation(&actor, &key, &u)?)
            })
            .await?;
        match outcome {
            SaveOutcome::Saved => return Ok(version),
            SaveOutcome::Frozen => return Err(AppError::Conflict("l'évaluation est déjà envoyée".into())),
            SaveOutcome::Stale => {}
        }
    }
    Err(AppError::Conflict("le dossier a été modifié par d'autres en même temps : réessayez".into()))
}

/// Reopens the sent evaluation of `id` for a correction, with its reason.
pub async fn reopen(
    state: &Arc<AppState>,
    me: &CurrentUser,
    id: &str,
    reason: String,
) -> Result<i64, AppError> {
    load_for_evaluation(state, me, id).await?;
    if reason.trim().is_empty() {
        return Err(AppError::BadRequest("indiquez le motif de la correction".into()));
    }
    let (actor, key) = (me.user.login.clone(), id.to_string());
    state.pool.run(move |s| Ok(s.reopen_evaluation(&actor, &key, &reason)?)).await
}

/// An edit the library refused, as the user reads it.
fn refused(e: EditError) -> AppError {
    match e {
        EditError::Refused(why) => AppError::BadRequest(why),
        EditError::Invalid(d) => AppError::BadRequest(format!("la modification est refusée : {d}")),
    }
}
