//! The candidate's page (`/espace-candidat`): their applications with their state and what is
//! missing to go on, their quiz sittings, the decisions and the letters — theirs only. A
//! candidate's account is linked to their file number when it is created; it reaches no other
//! dossier, no desk, no document of anyone else.

use super::AppState;
use super::auth::CurrentUser;
use super::desk::Me;
use super::error::AppError;
use crate::documents::LabelSet;
use crate::render::french;
use crate::source::SourceFile;
use crate::store::Store;
use crate::store::quiz::QuizStore;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;

#[derive(Serialize)]
struct Letter {
    href: String,
    label: String,
}

#[derive(Serialize)]
struct Application {
    id: String,
    certificate: String,
    state: String,
    submitted: String,
    recevabilite: String,
    reasons: Vec<String>,
    missing: Vec<String>,
    quiz: Vec<String>,
    decision: Option<String>,
    letters: Vec<Letter>,
}

#[derive(Serialize)]
struct View {
    me: Me,
    name: String,
    applications: Vec<Application>,
}

/// The candidate record of `me`, or 403 (an account of another role, or not linked).
fn candidate_of(me: &CurrentUser) -> Result<String, AppError> {
    match (&me.user.role, &me.user.candidate) {
        (crate::accounts::Role::Candidate, Some(c)) => Ok(c.clone()),
        _ => Err(AppError::Forbidden),
    }
}

/// `GET /espace-candidat`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, AppError> {
    let candidate = candidate_of(&me)?;
    let found = state
        .pool
        .run(move |s| {
            let mut out = Vec::new();
            for d in s.dossiers_of_candidate(&candidate)? {
                let yaml = s.dossier_yaml(&d.id)?.flatten();
                let documents = s.documents(&d.id)?;
                let seats = s
                    .sittings(d.body.as_deref())?
                    .into_iter()
                    .filter_map(|row| s.seat(&row.id, &d.id).ok().flatten().map(|seat| (row, seat)))
                    .collect::<Vec<_>>();
                out.push((d, yaml, documents, seats));
            }
            Ok(out)
        })
        .await?;
    let labels = &state.labels;
    let ctx = crate::documents::Context::new(&state.library, &state.policy, &state.templates, &state.data);
    let texts = ctx.texts()?;
    let mut name = me.user.display_name.clone();
    let mut applications = Vec::new();
    for (summary, yaml, documents, seats) in found {
        let Some(yaml) = yaml else { continue };
        let file = SourceFile { name: format!("{}.yaml", summary.id), text: yaml };
        let Ok(d) = crate::dossier::load_dossier(&file, &state.library) else { continue };
        let e = crate::phases::evaluate(&d, &state.library, &state.policy, d.latest_date());
        name = d.candidate_name();
        let r = &e.recevabilite;
        let decided = d.application.decided.is_some();
        applications.push(Application {
            id: summary.id.clone(),
            certificate: state.library.referentiel(&d.certificate).map_or(d.certificate.clone(), |c| c.title.clone()),
            state: labels.get(LabelSet::EtatDossier, &summary.state).to_string(),
            submitted: french::date(d.application.submitted),
            recevabilite: match (decided, r.recevable) {
                (false, _) => "en cours d'examen par AUVICOM".to_string(),
                (true, true) => format!("recevable (décision du {})", d.application.decided.map(french::date).unwrap_or_default()),
                (true, false) => format!("non recevable (décision du {})", d.application.decided.map(french::date).unwrap_or_default()),
            },
            reasons: if r.recevable {
                Vec::new()
            } else {
                r.reasons.iter().map(|x| format!("{} ({})", labels.reason(x.code), x.article)).collect()
            },
            missing: e.state.missing.clone(),
            quiz: seats
                .iter()
                .map(|(row, seat)| match (seat.started_ms, seat.closed_ms) {
                    (_, Some(_)) => format!("Quiz {} : terminé, résultat transmis à votre organisme évaluateur.", row.id),
                    (Some(_), None) => format!("Quiz {} : en cours.", row.id),
                    (None, None) => format!(
                        "Quiz {} : à passer à l'adresse /quiz avec le code que votre évaluateur vous remettra.",
                        row.id
                    ),
                })
                .collect(),
            decision: d.decision.as_ref().map(|x| {
                format!("Décision de la commission du {} : {}", french::date(x.date), labels.proposal(x.outcome))
            }),
            letters: documents
                .iter()
                .filter(|x| x.kind.starts_with("lettre"))
                .map(|x| {
                    let t = texts.for_certificate(&d.certificate);
                    let label = match x.kind.as_str() {
                        "lettre-recevabilite" => t.lettre_recevabilite.titre.clone(),
                        "lettre-decision" => t.lettre_decision.titre.clone(),
                        other => other.to_string(),
                    };
                    Letter { href: format!("/espace-candidat/documents/{}", x.id), label }
                })
                .collect(),
        });
    }
    let view = View { me: Me::of(&me), name, applications };
    Ok(state.pages.render("espace-candidat", &view)?.into_response())
}

/// `GET /espace-candidat/documents/{n}`: one of the candidate's letters (404 for anything else,
/// whether it exists or not).
pub async fn document(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(n): Path<i64>,
) -> Result<Response, AppError> {
    let candidate = candidate_of(&me)?;
    let found = state
        .pool
        .run(move |s| {
            let Some((doc, bytes)) = s.document_bytes(n)? else { return Ok(None) };
            let mine = s.dossiers_of_candidate(&candidate)?.iter().any(|d| d.id == doc.dossier);
            Ok((mine && doc.kind.starts_with("lettre")).then_some((doc, bytes)))
        })
        .await?;
    let (doc, bytes) = found.ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{}-{}.pdf\"", doc.dossier, doc.kind)),
        ],
        bytes,
    )
        .into_response())
}
