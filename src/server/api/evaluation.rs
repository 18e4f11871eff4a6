//! The writing side of the API, for the evaluating bodies' own tools: a piece of the dossier de
//! preuves with the levels drawn from it, and one level of one contact of the observation. Each
//! goes through the one path of every change of an evaluation
//! ([`crate::server::evaluation::apply_change`]): the same scope, the same checks as the
//! evaluator's desk, refused once the evaluation is sent. The answer is the dossier with its
//! live synthesis.

use super::dossiers::{DossierView, view};
use super::problem::{ApiJson, FieldError, Problem};
use crate::dossier::evaluation_edit::EvaluationChange;
use crate::dossier::{Assessment, Preuve, PreuveKind, Referee};
use crate::scale::Level;
use crate::server::AppState;
use crate::server::auth::CurrentUser;
use crate::server::auvicom::today;
use crate::server::dossier_page::load_scoped;
use crate::server::evaluation::apply_change;
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde::Deserialize;
use std::sync::Arc;

/// A level drawn from a piece of evidence.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    /// The item's id in the référentiel.
    pub item: String,
    /// 0 to 5.
    pub level: u8,
    /// Required from level 4.
    #[serde(default)]
    pub justification: Option<String>,
}

/// A referee (for a testimony).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefereeRequest {
    /// Name.
    pub name: String,
    /// Role.
    #[serde(default)]
    pub role: Option<String>,
}

/// `POST /api/v1/dossiers/{id}/preuves`: a piece of the dossier de preuves, added, or replacing
/// the piece of the same id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreuveRequest {
    /// Its id in the dossier.
    pub id: String,
    /// Its title.
    pub title: String,
    /// `description`, `document` or `temoignage`.
    pub kind: String,
    /// The referee of a testimony.
    #[serde(default)]
    pub referee: Option<RefereeRequest>,
    /// The levels drawn from it.
    #[serde(default)]
    pub assessments: Vec<AssessmentRequest>,
}

/// `PUT /api/v1/dossiers/{id}/observation/niveau`: one level of one contact, set or cleared.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactLevelRequest {
    /// The contact's number, from 1 (created when new).
    pub contact: u32,
    /// The item.
    pub item: String,
    /// 0 to 5, or `null` to clear it.
    pub level: Option<u8>,
    /// Required from level 4.
    #[serde(default)]
    pub justification: Option<String>,
}

/// Most characters of an id, of a title or a name, of a justification.
const ID_CHARS: usize = 100;
const TEXT_CHARS: usize = 500;
const JUSTIFICATION_CHARS: usize = 2000;
/// Most levels in one piece, and highest contact number.
const MAX_ASSESSMENTS: usize = 500;
const MAX_CONTACT: u32 = 1000;

/// Collects the refused fields of a request.
#[derive(Default)]
struct Check(Vec<FieldError>);

impl Check {
    fn text(&mut self, field: &str, value: &str, max: usize) {
        let n = value.chars().count();
        if value.trim().is_empty() || n > max {
            self.0.push(FieldError { field: field.into(), message: format!("de 1 à {max} caractères") });
        } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.0
                .push(FieldError { field: field.into(), message: "caractère de contrôle refusé".into() });
        }
    }

    fn level(&mut self, field: &str, value: u8) -> Option<Level> {
        let level = Level::new(value);
        if level.is_none() {
            self.0
                .push(FieldError { field: field.into(), message: format!("niveau de 0 à {}", Level::MAX) });
        }
        level
    }

    fn done(self) -> Result<(), Problem> {
        if self.0.is_empty() { Ok(()) } else { Err(Problem::invalid("La requête est refusée.", self.0)) }
    }
}

/// `POST /api/v1/dossiers/{id}/preuves`.
pub async fn put_preuve(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PreuveRequest>,
) -> Result<Json<DossierView>, Problem> {
    let mut check = Check::default();
    check.text("id", &body.id, ID_CHARS);
    check.text("title", &body.title, TEXT_CHARS);
    let kind = body.kind.parse::<PreuveKind>().ok();
    if kind.is_none() {
        check
            .0
            .push(FieldError { field: "kind".into(), message: "description, document ou temoignage".into() });
    }
    if let Some(r) = &body.referee {
        check.text("referee.name", &r.name, TEXT_CHARS);
        if let Some(role) = &r.role {
            check.text("referee.role", role, TEXT_CHARS);
        }
    }
    if body.assessments.len() > MAX_ASSESSMENTS {
        check
            .0
            .push(FieldError { field: "assessments".into(), message: format!("{MAX_ASSESSMENTS} au plus") });
    }
    let (by, on) = (me.user.display_name.clone(), today(&state));
    let mut assessments = Vec::new();
    for (i, a) in body.assessments.iter().enumerate() {
        check.text(&format!("assessments[{i}].item"), &a.item, ID_CHARS);
        if let Some(j) = &a.justification {
            check.text(&format!("assessments[{i}].justification"), j, JUSTIFICATION_CHARS);
        }
        if let Some(level) = check.level(&format!("assessments[{i}].level"), a.level) {
            assessments.push(Assessment {
                item: a.item.clone(),
                level,
                justification: a.justification.clone(),
                by: by.clone(),
                on,
                location: crate::diag::Location::default(),
            });
        }
    }
    check.done()?;
    let preuve = Preuve {
        id: body.id,
        title: body.title,
        kind: kind.unwrap_or(PreuveKind::Description),
        referee: body.referee.map(|r| Referee { name: r.name, role: r.role }),
        assessments,
    };
    changed(&state, &me, id, EvaluationChange::PutPreuve(preuve)).await
}

/// `PUT /api/v1/dossiers/{id}/observation/niveau`.
pub async fn put_contact_level(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContactLevelRequest>,
) -> Result<Json<DossierView>, Problem> {
    let mut check = Check::default();
    if !(1..=MAX_CONTACT).contains(&body.contact) {
        check.0.push(FieldError { field: "contact".into(), message: format!("de 1 à {MAX_CONTACT}") });
    }
    check.text("item", &body.item, ID_CHARS);
    if let Some(j) = &body.justification {
        check.text("justification", j, JUSTIFICATION_CHARS);
    }
    let level = body.level.and_then(|l| check.level("level", l));
    check.done()?;
    let change = EvaluationChange::ContactLevel {
        contact: body.contact,
        item: body.item,
        level,
        justification: body.justification,
    };
    changed(&state, &me, id, change).await
}

/// Applies `change` to the dossier `id` as `me`; the dossier after it.
async fn changed(
    state: &Arc<AppState>,
    me: &CurrentUser,
    id: String,
    change: EvaluationChange,
) -> Result<Json<DossierView>, Problem> {
    apply_change(state, me, &id, change).await?;
    let loaded = load_scoped(state, me, id).await?;
    Ok(Json(view(state, loaded)?))
}
