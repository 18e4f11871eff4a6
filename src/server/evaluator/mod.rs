//! The evaluator's desk: one page per dossier of their body where the evaluation is filled —
//! the convention, the dossier de preuves piece by piece, the observation grid contact by
//! contact (each level saved as typed, the synthesis computed again at once), the interview,
//! the overrides with their reasons — and sent to AUVICOM once nothing blocks, which freezes
//! it. Handlers read a form, call [`super::evaluation`] and render the page.

pub mod forms;
pub mod sheet;
pub mod view;

use super::AppState;
use super::auth::CurrentUser;
use super::auvicom::today;
use super::desk::Me;
use super::error::AppError;
use super::evaluation::{Changed, apply_change, blockers, load_for_evaluation, reopen, send};
use crate::dossier::evaluation_edit::EvaluationChange;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use forms::{Fields, Refusals};
use serde::Deserialize;
use std::sync::Arc;
use view::PageParts;

/// What the address of the page may ask.
#[derive(Deserialize, Default)]
pub struct PageQuery {
    /// What was just done.
    fait: Option<String>,
    /// Columns of the observation grid wanted at least.
    contacts: Option<u32>,
}

/// The sentence shown after an action.
fn notice(done: Option<&str>) -> String {
    match done {
        Some("convention") => "La convention est enregistrée.",
        Some("piece") => "La pièce est enregistrée.",
        Some("piece-supprimee") => "La pièce est retirée du dossier de preuves.",
        Some("observation") => "L'observation est enregistrée.",
        Some("grille") => "La grille d'observation est enregistrée.",
        Some("contact-supprime") => "Le contact est retiré de la grille.",
        Some("entretien") => "L'entretien est enregistré.",
        Some("derogation") => "La dérogation est enregistrée.",
        Some("derogation-supprimee") => "La dérogation est retirée.",
        Some("envoi") => "L'évaluation est envoyée à l'AUVICOM : elle ne peut plus être modifiée.",
        Some("tableur") => "Le tableur est importé : ses niveaux sont enregistrés.",
        Some("correction") => {
            "La correction est ouverte : la prochaine transmission sera une nouvelle version."
        }
        _ => "",
    }
    .to_string()
}

pub(super) async fn render(
    state: &Arc<AppState>,
    me: &CurrentUser,
    id: &str,
    columns: u32,
    errors: Vec<String>,
    notice: String,
) -> Result<Response, AppError> {
    let loaded = load_for_evaluation(state, me, id).await?;
    let blocking = blockers(state, me, &loaded).await?;
    let key = id.to_string();
    let (versions, history) =
        state.pool.run(move |s| Ok((s.evaluation_versions(&key)?, s.assessment_history(&key)?))).await?;
    let refused = !errors.is_empty();
    let parts = PageParts { loaded, versions, history, blockers: blocking, columns };
    let view = view::build(state, Me::of(me), parts, errors, notice);
    state.pages.render_form("evaluation", &view, refused)
}

/// `GET /dossiers/{id}/evaluation`: the page.
pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    render(&state, &me, &id, q.contacts.unwrap_or(0), Vec::new(), notice(q.fait.as_deref())).await
}

/// A change read from a form: saved and back to the page at `anchor`, or the page again with
/// every refused field.
async fn done(
    state: &Arc<AppState>,
    me: &CurrentUser,
    id: &str,
    change: Result<EvaluationChange, Refusals>,
    fait: &str,
    anchor: &str,
) -> Result<Response, AppError> {
    match change {
        Ok(change) => match apply_change(state, me, id, change).await {
            Ok(_) => {
                Ok(Redirect::to(&format!("/dossiers/{id}/evaluation?fait={fait}#{anchor}")).into_response())
            }
            Err(AppError::BadRequest(why)) => render(state, me, id, 0, vec![why], String::new()).await,
            Err(e) => Err(e),
        },
        Err(refusals) => {
            render(state, me, id, 0, refusals.into_iter().map(|(_, m)| m).collect(), String::new()).await
        }
    }
}

/// `POST …/convention`.
pub async fn convention(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let change = forms::convention(&Fields::new(&pairs));
    done(&state, &me, &id, change, "convention", "convention").await
}

/// `POST …/preuves` (a new piece) and `POST …/preuves/{piece}` (a piece changed).
pub async fn piece(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(params): Path<Vec<(String, String)>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = param(&params, "id")?;
    let loaded = load_for_evaluation(&state, &me, &id).await?;
    let piece = match params.iter().find(|(k, _)| k == "piece") {
        Some((_, p)) if loaded.dossier.preuves.iter().any(|x| &x.id == p) => p.clone(),
        Some(_) => return Err(AppError::NotFound),
        None => crate::dossier::evaluation_edit::next_preuve_id(&loaded.dossier.preuves),
    };
    let items = view::preuve_items(&state, &loaded.dossier.certificate);
    let change = forms::preuve(&Fields::new(&pairs), piece, &items, &me.user.display_name, today(&state));
    done(&state, &me, &id, change, "piece", "preuves").await
}

/// `POST …/preuves/{piece}/supprimer`.
pub async fn remove_piece(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, piece)): Path<(String, String)>,
) -> Result<Response, AppError> {
    done(&state, &me, &id, Ok(EvaluationChange::RemovePreuve(piece)), "piece-supprimee", "preuves").await
}

/// `POST …/observation`: the observation's date, times, observer and referee.
pub async fn observation(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let change = forms::observation_header(&Fields::new(&pairs));
    done(&state, &me, &id, change, "observation", "observation").await
}

/// `POST …/grille`: the whole observation grid at once (the page without scripts).
pub async fn grid(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let loaded = load_for_evaluation(&state, &me, &id).await?;
    let Some(current) = loaded.dossier.observation.as_ref() else {
        let why = "Renseignez d'abord la date, les heures et l'observateur de l'observation.".to_string();
        return render(&state, &me, &id, 0, vec![why], String::new()).await;
    };
    let items = view::observation_items(&state, &loaded.dossier.certificate);
    let change = forms::grid(&Fields::new(&pairs), current, &items, &me.user.display_name);
    done(&state, &me, &id, change, "grille", "grille").await
}

/// One level typed in the grid, sent by the page's script.
#[derive(Deserialize)]
pub struct LevelEntry {
    /// The contact's number.
    contact: u32,
    /// The item.
    item: String,
    /// The level typed; empty to clear it.
    #[serde(default)]
    level: String,
    /// Its justification.
    #[serde(default)]
    justification: Option<String>,
}

/// `POST …/niveau` (JSON): one level saved; the live synthesis panel in return (HTML), or the
/// reason it was refused (text, 4xx).
pub async fn level(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    axum::Json(entry): axum::Json<LevelEntry>,
) -> Result<Response, AppError> {
    let mut refusals = Vec::new();
    let label = format!("Contact {}", entry.contact);
    let level = forms::level(entry.level.trim(), &label, "level", &mut refusals);
    if let Some((_, why)) = refusals.pop() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, why).into_response());
    }
    if entry.contact == 0 || entry.contact > 1000 {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, "numéro de contact hors limites").into_response());
    }
    let change = EvaluationChange::ContactLevel {
        contact: entry.contact,
        item: entry.item,
        level,
        justification: entry.justification,
    };
    match apply_change(&state, &me, &id, change).await {
        Ok(Changed { dossier, evaluation }) => {
            let panel = view::synthesis(&state, &dossier, &evaluation);
            Ok(state.pages.render("evaluation-synthese", &panel)?.into_response())
        }
        Err(AppError::BadRequest(why) | AppError::Conflict(why)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, why).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST …/contacts/{n}/supprimer`.
pub async fn remove_contact(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, n)): Path<(String, u32)>,
) -> Result<Response, AppError> {
    done(&state, &me, &id, Ok(EvaluationChange::RemoveContact(n)), "contact-supprime", "grille").await
}

/// `POST …/entretien`.
pub async fn interview(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let change = forms::interview(&Fields::new(&pairs));
    done(&state, &me, &id, change, "entretien", "entretien").await
}

/// `POST …/derogations`.
pub async fn add_override(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let change = forms::override_(&Fields::new(&pairs), &me.user.display_name, today(&state));
    done(&state, &me, &id, change, "derogation", "synthese").await
}

/// `POST …/derogations/{n}/supprimer`.
pub async fn remove_override(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, n)): Path<(String, usize)>,
) -> Result<Response, AppError> {
    done(&state, &me, &id, Ok(EvaluationChange::RemoveOverride(n)), "derogation-supprimee", "synthese").await
}

/// `POST …/envoi`: sent to AUVICOM, frozen.
pub async fn send_to_auvicom(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match send(&state, &me, &id).await {
        Ok(_) => Ok(Redirect::to(&format!("/dossiers/{id}/evaluation?fait=envoi#envoi")).into_response()),
        Err(AppError::Conflict(why) | AppError::BadRequest(why)) => {
            render(&state, &me, &id, 0, vec![why], String::new()).await
        }
        Err(e) => Err(e),
    }
}

/// `POST …/correction`: a sent evaluation reopened, with its reason.
pub async fn correction(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let reason = Fields::new(&pairs).get("reason").to_string();
    match reopen(&state, &me, &id, reason).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/dossiers/{id}/evaluation?fait=correction#envoi")).into_response())
        }
        Err(AppError::BadRequest(why)) => render(&state, &me, &id, 0, vec![why], String::new()).await,
        Err(e) => Err(e),
    }
}

fn param(params: &[(String, String)], name: &str) -> Result<String, AppError> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).ok_or(AppError::NotFound)
}
