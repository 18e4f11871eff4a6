//! One dossier on screen: the application, the recevabilité the engine computes with every
//! reason and its article, where the dossier stands and what is missing, the documents
//! produced and the files kept with it, and its history from the registry — what an appeal on
//! the procedure is judged on. The only way to a dossier is [`load_scoped`], which checks the
//! role's scope.

use super::AppState;
use super::auth::CurrentUser;
use super::desk::Me;
use super::error::AppError;
use super::scope;
use crate::documents::LabelSet;
use crate::dossier::Dossier;
use crate::phases::Evaluation;
use crate::render::french;
use crate::source::SourceFile;
use crate::store::{BodySummary, DossierSummary, Store, StoredDocument, StoredFile};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;

/// A dossier as the store keeps it, read and evaluated by the engine.
pub struct Loaded {
    /// Its summary.
    pub summary: DossierSummary,
    /// Its text.
    pub yaml: String,
    /// The dossier.
    pub dossier: Dossier,
    /// The engine's conclusions, as of the dossier's latest date.
    pub evaluation: Evaluation,
}

/// The dossier `id` if `me` may see it: 404 when there is none, 403 when it is out of their
/// scope, 410-like refusal (404) once its candidate's data was erased.
pub async fn load_scoped(state: &Arc<AppState>, me: &CurrentUser, id: String) -> Result<Loaded, AppError> {
    let (summary, yaml) = state
        .pool
        .run(move |s| {
            let summary = s.dossier(&id)?.ok_or(AppError::NotFound)?;
            let yaml = s.dossier_yaml(&id)?.flatten();
            Ok((summary, yaml))
        })
        .await?;
    if !scope::may_see(me, &summary) {
        return Err(AppError::Forbidden);
    }
    let yaml = yaml.ok_or(AppError::NotFound)?;
    let file = SourceFile { name: format!("{}.yaml", summary.id), text: yaml.clone() };
    let dossier = crate::dossier::load_dossier(&file, &state.library)
        .map_err(|d| AppError::Internal(format!("stored dossier {} no longer loads: {d}", summary.id)))?;
    let evaluation = crate::phases::evaluate(&dossier, &state.library, &state.policy, dossier.latest_date());
    Ok(Loaded { summary, yaml, dossier, evaluation })
}

#[derive(Serialize)]
struct Line {
    label: String,
    text: String,
}

#[derive(Serialize)]
struct Reason {
    label: String,
    message: String,
    article: String,
}

#[derive(Serialize)]
struct Period {
    employer: String,
    contract: String,
    job: String,
    related: bool,
    in_branch: bool,
    start: String,
    end: String,
    hours: u32,
}

#[derive(Serialize)]
struct Piece {
    kind: String,
    date: String,
    reference: String,
}

#[derive(Serialize)]
struct Event {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    detail: String,
    hash: String,
}

#[derive(Serialize)]
struct Link {
    href: String,
    label: String,
    detail: String,
}

#[derive(Serialize)]
struct BodyChoice {
    id: String,
    label: String,
}

/// The dossier page's view.
#[derive(Serialize)]
struct DossierView {
    me: Me,
    id: String,
    candidate_id: String,
    name: String,
    certificate: String,
    state: String,
    phase: String,
    missing: Vec<String>,
    facts: Vec<Line>,
    recevable: bool,
    decided: bool,
    reasons: Vec<Reason>,
    related_days: String,
    window_hours: String,
    employment: Vec<Period>,
    pieces: Vec<Piece>,
    body: String,
    documents: Vec<Link>,
    files: Vec<Link>,
    history: Vec<Event>,
    /// AUVICOM's actions that apply now.
    can_decide: bool,
    can_assign: bool,
    can_write_letter: bool,
    can_upload: bool,
    /// The evaluator's desk is open to them for this dossier.
    can_evaluate: bool,
    bodies: Vec<BodyChoice>,
    notice: String,
}

/// Milliseconds since the epoch as « 30/11/2026 14:05:09 UTC ».
pub fn moment(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rest = ms.rem_euclid(86_400_000) / 1000;
    let date = crate::date::Date::new(1970, 1, 1).map(|d| d.add_days(days));
    let (h, m, s) = (rest / 3600, rest / 60 % 60, rest % 60);
    date.map_or_else(String::new, |d| {
        let iso = d.to_string();
        let (y, md) = iso.split_once('-').unwrap_or((&iso, ""));
        let (mo, da) = md.split_once('-').unwrap_or((md, ""));
        format!("{da}/{mo}/{y} {h:02}:{m:02}:{s:02} UTC")
    })
}

/// What was just done, as the address after an action says (`?fait=decision`).
#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    fait: String,
}

/// `GET /dossiers/{id}`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, AppError> {
    let notice = match done.fait.as_str() {
        "demande" => "Demande enregistrée : la recevabilité ci-dessous est calculée, reste à la décider.",
        "decision" => "Décision de recevabilité enregistrée ; la lettre de décision est jointe au dossier.",
        "deja" => "La décision de recevabilité était déjà enregistrée : rien n'a changé.",
        "lettre" => "La lettre de décision a été produite de nouveau et jointe au dossier.",
        "organisme" => "Le dossier est confié à l'organisme évaluateur.",
        "fichier" => "Le fichier est conservé avec le dossier.",
        _ => "",
    };
    render(&state, &me, id, notice.to_string()).await
}

/// The dossier page with a notice (« décision enregistrée »…) at its top.
pub async fn render(
    state: &Arc<AppState>,
    me: &CurrentUser,
    id: String,
    notice: String,
) -> Result<Response, AppError> {
    let loaded = load_scoped(state, me, id.clone()).await?;
    let subject = format!("dossier:{id}");
    let key = id.clone();
    let (history, documents, files, bodies): (_, Vec<StoredDocument>, Vec<StoredFile>, Vec<BodySummary>) =
        state
            .pool
            .run(move |s| Ok((s.registry_of(&subject)?, s.documents(&key)?, s.files(&key)?, s.bodies()?)))
            .await?;
    let labels = &state.labels;
    let Loaded { summary, dossier: d, evaluation: e, .. } = loaded;
    let r = &e.recevabilite;
    let auvicom = scope::is_auvicom(me);
    let decided = d.application.decided.is_some();
    let view = DossierView {
        me: Me::of(me),
        candidate_id: d.candidate.id.clone(),
        name: d.candidate_name(),
        certificate: state
            .library
            .referentiel(&d.certificate)
            .map_or(d.certificate.clone(), |c| c.title.clone()),
        state: labels.get(LabelSet::EtatDossier, &summary.state).to_string(),
        phase: format!("phase {} — {}", e.state.phase, e.state.phase_label),
        missing: e.state.missing.clone(),
        facts: vec![
            Line { label: "Voie d'accès".into(), text: labels.route(d.route).to_string() },
            Line { label: "Demande reçue le".into(), text: french::date(d.application.submitted) },
            Line {
                label: "Décision de recevabilité".into(),
                text: d
                    .application
                    .decided
                    .map_or("à prendre".into(), |x| format!("le {}", french::date(x))),
            },
        ],
        recevable: r.recevable,
        decided,
        reasons: r
            .reasons
            .iter()
            .map(|x| Reason {
                label: labels.reason(x.code).to_string(),
                message: french::dates_in(&x.message),
                article: x.article.to_string(),
            })
            .collect(),
        related_days: french::count(usize::try_from(r.facts.related_days.max(0)).unwrap_or(0)),
        window_hours: french::number(r.facts.window_hours.floor(), 0),
        employment: d
            .employment
            .iter()
            .map(|p| Period {
                employer: p.employer.clone(),
                contract: labels.get(LabelSet::Contrat, p.contract.as_str()).to_string(),
                job: p.job.clone().unwrap_or_default(),
                related: p.related,
                in_branch: p.in_branch,
                start: french::date(p.start),
                end: p.end.map_or("en cours".into(), french::date),
                hours: p.hours,
            })
            .collect(),
        pieces: d
            .documents
            .iter()
            .map(|p| Piece {
                kind: labels.get(LabelSet::Piece, p.kind.as_str()).to_string(),
                date: french::date_or_blank(p.date),
                reference: p.reference.clone().unwrap_or_default(),
            })
            .collect(),
        body: d.evaluating_body.as_ref().map_or(String::new(), |b| format!("{} ({})", b.name, b.id)),
        documents: documents
            .iter()
            .map(|x| Link {
                href: format!("/dossiers/{id}/documents/{}", x.id),
                label: x.kind.clone(),
                detail: format!(
                    "{} — {} octets — SHA-256 {}",
                    moment(x.produced_ms),
                    x.size,
                    &crate::registry::hex(&x.sha256)[..16]
                ),
            })
            .collect(),
        files: files
            .iter()
            .map(|x| Link {
                href: format!("/dossiers/{id}/fichiers/{}", x.id),
                label: x.name.clone(),
                detail: format!("{} — {} octets", x.media_type, x.size),
            })
            .collect(),
        history: history
            .iter()
            .map(|x| Event {
                seq: x.seq,
                at: moment(x.change.at_ms),
                actor: x.change.actor.clone(),
                action: x.change.action.clone(),
                detail: x.change.detail.clone().unwrap_or_default(),
                hash: crate::registry::hex(&x.hash)[..16].to_string(),
            })
            .collect(),
        can_decide: auvicom && !decided,
        can_assign: auvicom && decided && r.recevable && d.evaluating_body.is_none(),
        can_write_letter: auvicom && decided,
        can_upload: auvicom,
        can_evaluate: super::evaluation::may_evaluate(me) && d.evaluating_body.is_some(),
        bodies: bodies
            .iter()
            .map(|b| BodyChoice { id: b.id.clone(), label: format!("{} ({})", b.name, b.id) })
            .collect(),
        notice,
        id,
    };
    Ok(state.pages.render("dossier", &view)?.into_response())
}

/// `GET /dossiers/{id}/documents/{n}`: a document produced for the dossier, to whoever may see
/// the dossier.
pub async fn document(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, n)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    load_scoped(&state, &me, id.clone()).await?;
    let found = state.pool.run(move |s| Ok(s.document_bytes(n)?)).await?;
    let (doc, bytes) = found.filter(|(d, _)| d.dossier == id).ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{}-{}.pdf\"", id, doc.kind)),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /dossiers/{id}/fichiers/{n}`: an uploaded file, to whoever may see the dossier, as an
/// attachment (never shown inline: it was uploaded, not produced).
pub async fn file(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, n)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    load_scoped(&state, &me, id.clone()).await?;
    let found = state.pool.run(move |s| Ok(s.file_bytes(n)?)).await?;
    let (file, bytes) = found.filter(|(f, _)| f.dossier == id).ok_or(AppError::NotFound)?;
    let name: String =
        file.name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::moment;

    #[test]
    fn moments_are_written_in_utc() {
        assert_eq!(moment(0), "01/01/1970 00:00:00 UTC");
        assert_eq!(moment(1_764_511_509_000), "30/11/2025 14:05:09 UTC");
    }
}
