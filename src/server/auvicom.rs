//! AUVICOM's actions: record an application from a form (kept as typed when a value is
//! refused, each field with its reason in French), record the recevabilité decision the engine
//! computes and store its letter with the dossier, and assign a recevable dossier to an
//! evaluating body. Each change is one store write with its registry entry, made as the
//! officer logged in.

use super::AppState;
use super::auth::CurrentUser;
use super::desk::Me;
use super::dossier_page::{Loaded, load_scoped};
use super::error::AppError;
use crate::date::Date;
use crate::documents::{self, ReportKind};
use crate::dossier::Dossier;
use crate::dossier::application_form::{
    ApplicationForm, DocumentRow, EmploymentRow, FieldError, FormChoices, choices,
};
use crate::dossier::edit::{BodyChoice, with_decision_date, with_evaluating_body};
use crate::store::{DossierFacts, Store, dossier_id};
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The application form page's view.
#[derive(Serialize)]
struct FormView {
    me: Me,
    form: ApplicationForm,
    /// Rows shown: those typed, then empty ones to fill.
    employment: Vec<EmploymentRow>,
    documents: Vec<DocumentRow>,
    choices: FormChoices,
    /// Field name → its error.
    errors: BTreeMap<String, String>,
    /// Every error, in the order of the form, for the summary at the top.
    summary: Vec<FieldError>,
    /// How many.
    error_count: usize,
}

/// The form with at least `n` rows of each list.
fn view(state: &AppState, me: &CurrentUser, form: ApplicationForm, summary: Vec<FieldError>) -> FormView {
    let mut employment = form.employment.clone();
    employment.resize_with(employment.len().max(3), EmploymentRow::default);
    employment.push(EmploymentRow::default());
    let mut documents = form.documents.clone();
    documents.resize_with(documents.len().max(3), DocumentRow::default);
    documents.push(DocumentRow::default());
    FormView {
        me: Me::of(me),
        choices: choices(&state.labels, &state.library),
        errors: summary.iter().map(|e| (e.field.clone(), e.message.clone())).collect(),
        employment,
        documents,
        form,
        error_count: summary.len(),
        summary,
    }
}

/// `GET /auvicom/demandes/nouvelle`: an empty application form.
pub async fn new_form(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, AppError> {
    let form = ApplicationForm { submitted: today(&state).to_string(), ..ApplicationForm::default() };
    Ok(state.pages.render("demande", &view(&state, &me, form, Vec::new()))?.into_response())
}

/// `POST /auvicom/demandes/nouvelle`: the application checked by the same loader as a YAML
/// dossier; refused, the form comes back as typed with every error; accepted, it is stored and
/// the dossier page shows its recevabilité.
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = match ApplicationForm::from_pairs(&pairs) {
        Ok(f) => f,
        Err(e) => return refused(&state, &me, ApplicationForm::default(), vec![e]),
    };
    let (yaml, dossier) = match form.check_with(&state.library, &state.labels) {
        Ok(checked) => checked,
        Err(errors) => return refused(&state, &me, form, errors),
    };
    let base = dossier_id(&dossier.candidate.id).unwrap_or_else(|| "demande".to_string());
    let facts = DossierFacts::of(&dossier, &state.library, &state.policy);
    let actor = me.user.login.clone();
    let id = state.pool.run(move |s| Ok(s.create_dossier(&actor, &base, &yaml, &dossier, &facts)?)).await?;
    Ok(Redirect::to(&format!("/dossiers/{id}?fait=demande")).into_response())
}

fn refused(
    state: &AppState,
    me: &CurrentUser,
    form: ApplicationForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    state.pages.render_form("demande", &view(state, me, form, errors), true)
}

/// Today, by the server's clock.
pub fn today(state: &AppState) -> Date {
    let epoch = Date::new(1970, 1, 1).expect("the epoch exists");
    epoch.add_days(state.clock.now_ms().div_euclid(86_400_000))
}

/// Stores a new text of a dossier with the engine's facts, as `actor`.
async fn save(
    state: &Arc<AppState>,
    actor: &str,
    id: &str,
    yaml: String,
    dossier: Dossier,
) -> Result<(), AppError> {
    let facts = DossierFacts::of(&dossier, &state.library, &state.policy);
    let (actor, id) = (actor.to_string(), id.to_string());
    state.pool.run(move |s| Ok(s.put_dossier(&actor, &id, &yaml, &dossier, &facts).map(|_| ())?)).await
}

/// The recevabilité letter of a dossier, stored with it.
async fn store_letter(
    state: &Arc<AppState>,
    actor: &str,
    id: &str,
    dossier: &Dossier,
) -> Result<(), AppError> {
    let evaluation = crate::phases::evaluate(dossier, &state.library, &state.policy, dossier.latest_date());
    let ctx = documents::Context::new(&state.library, &state.policy, &state.templates, &state.data);
    let pdf = documents::report_pdf(&ctx, ReportKind::Recevabilite, dossier, &evaluation)?;
    let (actor, id) = (actor.to_string(), id.to_string());
    state
        .pool
        .run(move |s| {
            Ok(s.add_document(&actor, &id, ReportKind::Recevabilite.template(), &pdf).map(|_| ())?)
        })
        .await
}

/// `POST /auvicom/dossiers/{id}/recevabilite`: records today as the date of AUVICOM's decision
/// (the engine's, with its reasons) and stores the decision letter with the dossier.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Loaded { yaml, dossier, .. } = load_scoped(&state, &me, id.clone()).await?;
    if dossier.application.decided.is_some() {
        return Ok(Redirect::to(&format!("/dossiers/{id}?fait=deja")).into_response());
    }
    let (text, decided) = with_decision_date(&yaml, &state.library, today(&state))
        .map_err(|d| AppError::BadRequest(format!("la décision ne peut pas être enregistrée : {d}")))?;
    save(&state, &me.user.login, &id, text, decided.clone()).await?;
    store_letter(&state, &me.user.login, &id, &decided).await?;
    Ok(Redirect::to(&format!("/dossiers/{id}?fait=decision")).into_response())
}

/// `POST /auvicom/dossiers/{id}/lettre`: the recevabilité letter produced again (after a change
/// of wording, or a lost copy); every copy stays in the dossier.
pub async fn letter(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Loaded { dossier, .. } = load_scoped(&state, &me, id.clone()).await?;
    if dossier.application.decided.is_none() {
        return Err(AppError::BadRequest("aucune décision de recevabilité n'est encore enregistrée".into()));
    }
    store_letter(&state, &me.user.login, &id, &dossier).await?;
    Ok(Redirect::to(&format!("/dossiers/{id}?fait=lettre")).into_response())
}

/// The body chosen in the assignment form.
#[derive(serde::Deserialize)]
pub struct Assignment {
    organisme: String,
}

/// `POST /auvicom/dossiers/{id}/organisme`: a recevable dossier assigned to an evaluating body
/// accredited today (Annexe 2 §IV: 2 years from each accreditation or renewal).
pub async fn assign(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(choice): Form<Assignment>,
) -> Result<Response, AppError> {
    let Loaded { yaml, dossier, evaluation, .. } = load_scoped(&state, &me, id.clone()).await?;
    if dossier.application.decided.is_none() || !evaluation.recevabilite.recevable {
        return Err(AppError::BadRequest(
            "seul un dossier déclaré recevable peut être confié à un organisme".into(),
        ));
    }
    let bodies = state.pool.run(|s| Ok(s.bodies()?)).await?;
    let body = bodies.into_iter().find(|b| b.id == choice.organisme).ok_or_else(|| {
        AppError::BadRequest(format!("organisme évaluateur inconnu : « {} »", choice.organisme))
    })?;
    let today = today(&state);
    let years = state.policy.for_certificate(&dossier.certificate).accreditation.years;
    let Some(accredited_on) = body.accredited_on(today, years) else {
        return Err(AppError::BadRequest(format!(
            "l'organisme {} n'est pas habilité à ce jour (habilitation de {years} ans, annexe 2 §IV)",
            body.name
        )));
    };
    let choice =
        BodyChoice { id: body.id, name: body.name, accredited_on, trained_candidate: false, evaluator: None };
    let (text, assigned) = with_evaluating_body(&yaml, &state.library, &choice)
        .map_err(|d| AppError::BadRequest(format!("le dossier ne peut pas être confié : {d}")))?;
    save(&state, &me.user.login, &id, text, assigned).await?;
    Ok(Redirect::to(&format!("/dossiers/{id}?fait=organisme")).into_response())
}

/// The kinds of file a dossier keeps, recognised by their first bytes (never by the name or
/// the type the browser claims).
const KINDS: [(&[u8], &str, &str); 3] = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
];

/// The media type of `bytes`, when they are a PDF, a PNG or a JPEG.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    KINDS.iter().find(|(magic, _, _)| bytes.starts_with(magic)).map(|(_, media, _)| *media)
}

/// `POST /auvicom/dossiers/{id}/fichiers?csrf=…` (multipart, field `fichier`): a piece of the
/// application (contract, payslip, sworn statement) kept with the dossier with its SHA-256,
/// size and type; a PDF, PNG or JPEG of at most [`crate::store::MAX_FILE_BYTES`].
pub async fn upload(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    load_scoped(&state, &me, id.clone()).await?;
    let mut stored = 0;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("envoi interrompu ou mal formé : {e}")))?
    {
        if field.name() != Some("fichier") {
            continue;
        }
        let name: String = field.file_name().unwrap_or("piece").chars().take(200).collect();
        let bytes = field.bytes().await.map_err(|_| {
            AppError::BadRequest(format!(
                "fichier trop volumineux ou envoi interrompu : au plus {} Mo par fichier",
                crate::store::MAX_FILE_BYTES / (1024 * 1024)
            ))
        })?;
        if bytes.is_empty() {
            continue;
        }
        let media = sniff(&bytes).ok_or_else(|| {
            AppError::BadRequest(format!(
                "« {name} » n'est ni un PDF, ni une image PNG ou JPEG : il n'est pas conservé"
            ))
        })?;
        let (actor, key) = (me.user.login.clone(), id.clone());
        state.pool.run(move |s| Ok(s.add_file(&actor, &key, &name, media, &bytes).map(|_| ())?)).await?;
        stored += 1;
    }
    if stored == 0 {
        return Err(AppError::BadRequest(
            "aucun fichier reçu : choisissez un fichier avant d'envoyer".into(),
        ));
    }
    Ok(Redirect::to(&format!("/dossiers/{id}?fait=fichier")).into_response())
}
