//! The evaluating bodies and their accreditation (art. 5, Annexe 2 §IV), kept by the
//! administrator (the CPNE secretariat): a new body, an accreditation, its renewal on the
//! annual report, a withdrawal; each one a registry entry. Whether a body may evaluate on a day
//! is the store's rule ([`crate::store::BodySummary::accredited_on`]), the one AUVICOM's
//! assignment asks.

use super::AppState;
use super::auth::CurrentUser;
use super::desk::Me;
use super::error::AppError;
use crate::date::Date;
use crate::documents::LabelSet;
use crate::dossier::AccreditationEvent;
use crate::render::french;
use crate::store::Store;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use strum::VariantNames;

#[derive(Serialize)]
struct Event {
    label: String,
    date: String,
}

#[derive(Serialize)]
struct Body {
    id: String,
    name: String,
    history: Vec<Event>,
    status: String,
    accredited: bool,
}

#[derive(Serialize)]
struct Choice {
    code: &'static str,
    label: String,
}

#[derive(Serialize)]
struct View {
    me: Me,
    bodies: Vec<Body>,
    events: Vec<Choice>,
    today: String,
    errors: Vec<String>,
    notice: String,
}

async fn page(
    state: &Arc<AppState>,
    me: &CurrentUser,
    errors: Vec<String>,
    notice: String,
) -> Result<Response, AppError> {
    let bodies = state.pool.run(|s| Ok(s.bodies()?)).await?;
    let today = super::auvicom::today(state);
    let years = state.policy.accreditation.years;
    let view = View {
        me: Me::of(me),
        bodies: bodies
            .iter()
            .map(|b| {
                let on = b.accredited_on(today, years);
                Body {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    history: b
                        .accreditation
                        .iter()
                        .map(|(e, d)| Event {
                            label: state.labels.get(LabelSet::Habilitation, e).to_string(),
                            date: french::date(*d),
                        })
                        .collect(),
                    status: on.map_or_else(
                        || "non habilité à ce jour".to_string(),
                        |d| {
                            format!(
                                "habilité jusqu'au {} (habilitation du {})",
                                french::date(d.add_years(years)),
                                french::date(d)
                            )
                        },
                    ),
                    accredited: on.is_some(),
                }
            })
            .collect(),
        events: AccreditationEvent::VARIANTS
            .iter()
            .map(|&code| Choice { code, label: state.labels.get(LabelSet::Habilitation, code).to_string() })
            .collect(),
        today: today.to_string(),
        errors,
        notice,
    };
    state.pages.render_form("organismes", &view, !view.errors.is_empty())
}

/// `GET /admin/organismes`.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, AppError> {
    page(&state, &me, Vec::new(), String::new()).await
}

/// The date typed in a form, or why not.
fn date_field(label: &str, typed: &str, errors: &mut Vec<String>) -> Option<Date> {
    let parsed = typed.trim().parse::<Date>().ok();
    if parsed.is_none() {
        errors.push(format!("{label} : « {} » n'est pas une date (AAAA-MM-JJ).", typed.trim()));
    }
    parsed
}

/// The new body's form.
#[derive(Deserialize)]
pub struct NewBody {
    id: String,
    name: String,
    #[serde(default)]
    granted: String,
}

/// `POST /admin/organismes`: a new body, with its first accreditation when dated.
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Form(form): Form<NewBody>,
) -> Result<Response, AppError> {
    let id = form.id.trim().to_string();
    let name: String = form.name.trim().chars().take(200).collect();
    let mut errors = Vec::new();
    if crate::store::dossier_id(&id).as_deref() != Some(id.as_str()) {
        errors.push(format!(
            "Identifiant : « {id} » ne convient pas (lettres, chiffres, tirets, points, soulignés)."
        ));
    }
    if name.is_empty() {
        errors.push("Nom : champ obligatoire.".to_string());
    }
    let granted = if form.granted.trim().is_empty() {
        None
    } else {
        date_field("Habilitation accordée le", &form.granted, &mut errors)
    };
    if !errors.is_empty() {
        return page(&state, &me, errors, String::new()).await;
    }
    let actor = me.user.login.clone();
    let (i, n) = (id.clone(), name.clone());
    let created = state
        .pool
        .run(move |s| {
            if s.bodies()?.iter().any(|b| b.id == i) {
                return Ok(Some(format!("Identifiant : l'organisme « {i} » existe déjà.")));
            }
            s.create_body(&actor, &i, &n)?;
            if let Some(on) = granted {
                s.record_accreditation(&actor, &i, "granted", on)?;
            }
            Ok(None)
        })
        .await?;
    if let Some(error) = created {
        return page(&state, &me, vec![error], String::new()).await;
    }
    page(&state, &me, Vec::new(), format!("Organisme « {name} » enregistré.")).await
}

/// An accreditation event's form.
#[derive(Deserialize)]
pub struct NewEvent {
    event: String,
    date: String,
}

/// `POST /admin/organismes/{id}/habilitation`: an accreditation, a renewal, a withdrawal.
pub async fn record(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(form): Form<NewEvent>,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let event = AccreditationEvent::VARIANTS.iter().find(|c| **c == form.event).copied();
    if event.is_none() {
        errors.push(format!(
            "Événement : « {} » n'est pas une habilitation, un renouvellement ou un retrait.",
            form.event
        ));
    }
    let date = date_field("Date", &form.date, &mut errors);
    let today = super::auvicom::today(&state);
    if date.is_some_and(|d| d > today) {
        errors.push(format!(
            "Date : le {} est à venir ; enregistrez l'événement le jour où il a lieu.",
            form.date.trim()
        ));
    }
    let (Some(event), Some(date), true) = (event, date, errors.is_empty()) else {
        return page(&state, &me, errors, String::new()).await;
    };
    let actor = me.user.login.clone();
    let body = id.clone();
    let refused = state
        .pool
        .run(move |s| match s.record_accreditation(&actor, &body, event, date) {
            Ok(()) => Ok(None),
            Err(crate::store::StoreError::Refused(why)) => Ok(Some(why)),
            Err(other) => Err(other.into()),
        })
        .await?;
    if let Some(why) = refused {
        return page(&state, &me, vec![format!("L'événement n'est pas enregistré : {why}.")], String::new())
            .await;
    }
    Ok(Redirect::to("/admin/organismes").into_response())
}
