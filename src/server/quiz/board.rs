//! The evaluator's side of the sittings: create one for candidates of their body (codes shown
//! once, to print), follow it on a board that updates in place, grant extra time within the
//! policy's cap, give a new code, close a seat or the whole sitting (each asked twice).

use super::codes;
use crate::accounts::Role;
use crate::server::AppState;
use crate::server::auth::CurrentUser;
use crate::server::desk::Me;
use crate::server::error::AppError;
use crate::store::quiz::{NewSeat, NewSitting, QuizStore, SeatRow, SittingRow};
use crate::store::{DossierQuery, Store};
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use serde::Serialize;
use std::sync::Arc;

/// Whether `me` may follow the sitting `row`: the evaluators of its body, the administrator.
fn may_run(me: &CurrentUser, row: &SittingRow) -> bool {
    match me.user.role {
        Role::Administrator => true,
        Role::Evaluator => me.user.body.as_deref() == Some(row.body_id.as_str()),
        _ => false,
    }
}

/// The sitting `id` if `me` may run it (404 for a sitting that does not exist, 403 for
/// another body's).
async fn sitting_for(state: &Arc<AppState>, me: &CurrentUser, id: &str) -> Result<SittingRow, AppError> {
    let id = id.to_string();
    let row = state.pool.run(move |s| Ok(s.sitting(&id)?)).await?.ok_or(AppError::NotFound)?;
    if may_run(me, &row) { Ok(row) } else { Err(AppError::Forbidden) }
}

#[derive(Serialize)]
struct Choice {
    code: String,
    label: String,
}

#[derive(Serialize)]
struct SittingLine {
    id: String,
    certificate: String,
    purpose: &'static str,
    created: String,
    state: &'static str,
}

#[derive(Serialize)]
struct ListView {
    me: Me,
    sittings: Vec<SittingLine>,
    certificates: Vec<Choice>,
    candidates: Vec<Choice>,
    can_create: bool,
    errors: Vec<String>,
}

fn purpose_label(p: crate::quiz::Purpose) -> &'static str {
    match p {
        crate::quiz::Purpose::Prediagnostic => "Prédiagnostic (phase 0)",
        crate::quiz::Purpose::Evaluation => "Évaluation (phase 2B)",
    }
}

fn state_label(s: &str) -> &'static str {
    match s {
        "open" => "ouverte",
        "closing" => "en clôture",
        _ => "close",
    }
}

fn when(state: &AppState, ms: i64) -> String {
    let (date, time) = super::result::local(&state.policy, ms);
    format!("{date} {}", time.map(|t| t.to_string()).unwrap_or_default())
}

async fn list_view(
    state: &Arc<AppState>,
    me: &CurrentUser,
    errors: Vec<String>,
) -> Result<ListView, AppError> {
    let body = me.user.body.clone();
    let admin = me.user.role == Role::Administrator;
    let (rows, dossiers) = state
        .pool
        .run(move |s| {
            let rows = s.sittings(if admin { None } else { body.as_deref() })?;
            let dossiers = match body {
                Some(b) => {
                    let q = DossierQuery { body: Some(b), limit: 500, ..DossierQuery::default() };
                    s.find_dossiers(&q)?.0
                }
                None => Vec::new(),
            };
            Ok((rows, dossiers))
        })
        .await?;
    let certificates = state
        .library
        .certificates()
        .filter(|r| state.policy.for_certificate(&r.id).phases.quiz)
        .map(|r| Choice { code: r.id.clone(), label: r.title.clone() })
        .collect();
    Ok(ListView {
        me: Me::of(me),
        sittings: rows
            .iter()
            .map(|r| SittingLine {
                id: r.id.clone(),
                certificate: r.certificate.clone(),
                purpose: purpose_label(r.purpose),
                created: when(state, r.created_ms),
                state: state_label(&r.state),
            })
            .collect(),
        certificates,
        candidates: dossiers
            .iter()
            .filter(|d| !d.erased)
            .map(|d| Choice {
                code: d.id.clone(),
                label: format!(
                    "{} — {} ({})",
                    d.candidate_name.clone().unwrap_or_default(),
                    d.id,
                    d.certificate
                ),
            })
            .collect(),
        can_create: me.user.role == Role::Evaluator && me.user.body.is_some(),
        errors,
    })
}

/// `GET /seances`: the sittings of the evaluator's body, and the form to create one.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, AppError> {
    let view = list_view(&state, &me, Vec::new()).await?;
    Ok(state.pages.render("quiz-seances", &view)?.into_response())
}

#[derive(Serialize)]
struct CodeLine {
    dossier: String,
    name: String,
    code: String,
}

#[derive(Serialize)]
struct CodesView {
    me: Me,
    id: String,
    certificate: String,
    purpose: &'static str,
    minutes: u32,
    codes: Vec<CodeLine>,
    address: &'static str,
}

/// `POST /seances`: a sitting for the candidates ticked, each drawn with its own secret seed;
/// the codes are shown once, to print.
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let value =
        |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let certificate = value("certificat");
    let purpose = match value("objet").as_str() {
        "prediagnostic" => Some(crate::quiz::Purpose::Prediagnostic),
        "evaluation" => Some(crate::quiz::Purpose::Evaluation),
        _ => None,
    };
    let chosen: Vec<String> = pairs.iter().filter(|(k, _)| k == "dossier").map(|(_, v)| v.clone()).collect();
    let mut errors = Vec::new();
    let Some(body) = me.user.body.clone().filter(|_| me.user.role == Role::Evaluator) else {
        return Err(AppError::Forbidden);
    };
    let known = state
        .library
        .referentiel(&certificate)
        .is_some_and(|r| state.policy.for_certificate(&r.id).phases.quiz);
    if !known {
        errors.push(
            "Certificat : choisissez un certificat de la liste (un certificat qui comporte un quiz)."
                .to_string(),
        );
    }
    if purpose.is_none() {
        errors.push("Objet : choisissez prédiagnostic (phase 0) ou évaluation (phase 2B).".to_string());
    }
    if chosen.is_empty() {
        errors.push("Candidats : cochez au moins un candidat.".to_string());
    }
    if chosen.len() > 200 {
        errors.push(format!("Candidats : {} cochés ; une séance en compte 200 au plus.", chosen.len()));
    }
    let mut seen = std::collections::BTreeSet::new();
    for d in &chosen {
        if !seen.insert(d.as_str()) {
            errors.push(format!("Candidats : le dossier {d} est coché deux fois."));
        }
    }
    let ids = chosen.clone();
    let summaries = state
        .pool
        .run(move |s| ids.iter().map(|id| Ok(s.dossier(id)?)).collect::<Result<Vec<_>, AppError>>())
        .await?;
    let mut names = Vec::new();
    for (id, summary) in chosen.iter().zip(&summaries) {
        match summary {
            Some(d) if d.body.as_deref() == Some(body.as_str()) && !d.erased => {
                if known && d.certificate != certificate {
                    errors.push(format!(
                        "Candidats : le dossier {id} relève du certificat {}, pas de {certificate}.",
                        d.certificate
                    ));
                }
                names.push(d.candidate_name.clone().unwrap_or_default());
            }
            // Another body's dossier is refused without saying whether it exists.
            _ => errors.push(format!("Candidats : le dossier {id} n'est pas confié à votre organisme.")),
        }
    }
    let refused = |errors: Vec<String>| async {
        let view = list_view(&state, &me, errors).await?;
        let r = state.pages.render_form("quiz-seances", &view, true)?;
        Ok::<Response, AppError>(r)
    };
    let Some(purpose) = purpose.filter(|_| errors.is_empty()) else {
        return refused(errors).await;
    };
    let random = |e: getrandom::Error| AppError::Internal(e.to_string());
    let id = format!("S-{}", codes::new_code().map_err(random)?.replace('-', ""));
    let mut codes_shown = Vec::new();
    for _ in &chosen {
        codes_shown.push(codes::new_code().map_err(random)?);
    }
    let minutes = state.policy.for_certificate(&certificate).quiz.minutes;
    let actor = me.user.login.clone();
    let (st, cert, sitting_id, typed) = (state.clone(), certificate.clone(), id.clone(), codes_shown.clone());
    let dossiers = chosen.clone();
    // The draws (which read the bank's exposure) and the sitting are one step on one
    // connection: two evaluators creating sittings at once each see the other's draws.
    let created = state
        .pool
        .run(move |s| {
            let drawn = match super::draw_seats(&st, s, &cert, purpose, &sitting_id, &dossiers) {
                Ok(d) => d,
                Err(AppError::BadRequest(why)) => return Ok(Err(why)),
                Err(other) => return Err(other),
            };
            let seats = drawn
                .into_iter()
                .zip(&typed)
                .map(|((dossier_id, seed, drawn), code)| NewSeat {
                    dossier_id,
                    seed,
                    drawn,
                    code_sha256: codes::digest(&codes::normalise(code).unwrap_or_default()),
                })
                .collect();
            let sitting =
                NewSitting { id: sitting_id, certificate: cert, purpose, body_id: body, minutes, seats };
            s.create_sitting(&actor, &sitting)?;
            Ok(Ok(()))
        })
        .await?;
    if let Err(why) = created {
        return refused(vec![why]).await;
    }
    let shown = chosen
        .iter()
        .zip(names)
        .zip(codes_shown)
        .map(|((dossier, name), code)| CodeLine { dossier: dossier.clone(), name, code })
        .collect();
    let view = CodesView {
        me: Me::of(&me),
        id,
        certificate,
        purpose: purpose_label(purpose),
        minutes,
        codes: shown,
        address: "/quiz",
    };
    Ok(state.pages.render("quiz-codes", &view)?.into_response())
}

/// A seat as the board shows it.
#[derive(Serialize)]
pub struct SeatLine {
    dossier: String,
    name: String,
    state: &'static str,
    answered: usize,
    count: usize,
    time_left: String,
    extra_minutes: u32,
    can_extend: bool,
    open: bool,
    carried: bool,
}

#[derive(Serialize)]
struct BoardView {
    me: Me,
    id: String,
    certificate: String,
    purpose: &'static str,
    minutes: u32,
    state: &'static str,
    open: bool,
    max_extra: u32,
    seats: Vec<SeatLine>,
}

fn minutes_seconds(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    format!("{} min {:02} s", s / 60, s % 60)
}

async fn seat_lines(state: &Arc<AppState>, row: &SittingRow) -> Result<Vec<SeatLine>, AppError> {
    let id = row.id.clone();
    let seats: Vec<SeatRow> = state.pool.run(move |s| Ok(s.seats(&id)?)).await?;
    let max_extra = state.policy.sittings.max_extra_minutes;
    let mut lines = Vec::new();
    for seat in seats {
        let count = state.quiz.sitting_of(state, row, &seat).map_or(0, |s| s.questions.len());
        let (label, time_left) = match (seat.started_ms, seat.closed_ms) {
            (_, Some(_)) if seat.result.as_deref() == Some(super::ABSENT) => ("absent", String::new()),
            (_, Some(_)) => ("terminé", String::new()),
            (None, None) => ("pas encore connecté", String::new()),
            (Some(_), None) => {
                let (elapsed, allowed) = state.quiz.times(state, row, &seat);
                ("en cours", minutes_seconds(allowed - elapsed))
            }
        };
        lines.push(SeatLine {
            carried: seat.result.is_some() && seat.result.as_deref() != Some(super::ABSENT),
            open: seat.closed_ms.is_none(),
            can_extend: seat.closed_ms.is_none() && seat.extra_minutes < max_extra,
            dossier: seat.dossier_id,
            name: seat.name,
            state: label,
            answered: seat.answered,
            count,
            time_left,
            extra_minutes: seat.extra_minutes,
        });
    }
    Ok(lines)
}

/// `GET /seances/{id}`: the board.
pub async fn board(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = sitting_for(&state, &me, &id).await?;
    let view = BoardView {
        me: Me::of(&me),
        seats: seat_lines(&state, &row).await?,
        id: row.id.clone(),
        certificate: row.certificate.clone(),
        purpose: purpose_label(row.purpose),
        minutes: row.minutes,
        state: state_label(&row.state),
        open: row.state == "open",
        max_extra: state.policy.sittings.max_extra_minutes,
    };
    Ok(state.pages.render("quiz-seance", &view)?.into_response())
}

/// `GET /seances/{id}/etat`: the board's rows, for the page to update in place.
pub async fn board_state(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = sitting_for(&state, &me, &id).await?;
    Ok(Json(seat_lines(&state, &row).await?).into_response())
}

/// The extra-time form.
#[derive(serde::Deserialize)]
pub struct ExtraForm {
    minutes: u32,
}

/// `POST /seances/{id}/places/{dossier}/temps`: extra minutes, within the policy's cap in all.
pub async fn extra(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, dossier)): Path<(String, String)>,
    Form(form): Form<ExtraForm>,
) -> Result<Response, AppError> {
    let row = sitting_for(&state, &me, &id).await?;
    let max = state.policy.sittings.max_extra_minutes;
    let (s_id, d) = (row.id.clone(), dossier.clone());
    let seat = state.pool.run(move |s| s.seat(&s_id, &d)?.ok_or(AppError::NotFound)).await?;
    let total = seat.extra_minutes.saturating_add(form.minutes);
    if form.minutes == 0 || total > max {
        return Err(AppError::BadRequest(format!(
            "Temps supplémentaire : {} min déjà accordées ; le total ne peut dépasser {max} min (politique).",
            seat.extra_minutes
        )));
    }
    let actor = me.user.login.clone();
    let (s_id, d) = (row.id.clone(), dossier.clone());
    let seat = state
        .pool
        .run(move |s| {
            s.set_extra_minutes(&actor, &s_id, &d, total)?;
            s.seat(&s_id, &d)?.ok_or(AppError::NotFound)
        })
        .await?;
    state.quiz.changed(&(row.id.clone(), dossier.clone()));
    // The end of time the server watches moves now, not at the candidate's next request.
    if seat.started_ms.is_some() {
        state.quiz.times(&state, &row, &seat);
    }
    Ok(Redirect::to(&format!("/seances/{id}")).into_response())
}

#[derive(Serialize)]
struct NewCodeView {
    me: Me,
    id: String,
    codes: Vec<CodeLine>,
    certificate: String,
    purpose: &'static str,
    minutes: u32,
    address: &'static str,
}

/// `POST /seances/{id}/places/{dossier}/code`: a new code for a seat (a candidate who changed
/// computer); the old one opens nothing any more. The seat keeps its answers and its time.
pub async fn new_code(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, dossier)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let row = sitting_for(&state, &me, &id).await?;
    let code = codes::new_code().map_err(|e| AppError::Internal(e.to_string()))?;
    let digest = codes::digest(&codes::normalise(&code).unwrap_or_default());
    let actor = me.user.login.clone();
    let (s_id, d) = (row.id.clone(), dossier.clone());
    let name = state
        .pool
        .run(move |s| {
            s.new_code(&actor, &s_id, &d, &digest)?;
            Ok(s.seat(&s_id, &d)?.map(|x| x.name).unwrap_or_default())
        })
        .await?;
    let view = NewCodeView {
        me: Me::of(&me),
        id: row.id.clone(),
        codes: vec![CodeLine { dossier, name, code }],
        certificate: row.certificate.clone(),
        purpose: purpose_label(row.purpose),
        minutes: row.minutes,
        address: "/quiz",
    };
    Ok(state.pages.render("quiz-codes", &view)?.into_response())
}

/// `POST /seances/{id}/places/{dossier}/clore`: closes one seat now (scored as it stands).
pub async fn close_one(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, dossier)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let row = sitting_for(&state, &me, &id).await?;
    super::close_seat(&state, &row.id, &dossier, &me.user.login).await?;
    Ok(Redirect::to(&format!("/seances/{id}")).into_response())
}

/// `POST /seances/{id}/clore`: closes the sitting: every seat scored (a restart finishes if
/// the server stops in between), no code opens a seat any more.
pub async fn close_all(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = sitting_for(&state, &me, &id).await?;
    let actor = me.user.login.clone();
    let s_id = row.id.clone();
    let seats = state
        .pool
        .run(move |s| {
            s.set_sitting_state(&actor, &s_id, "closing")?;
            Ok(s.seats(&s_id)?)
        })
        .await?;
    for seat in seats.iter().filter(|s| s.closed_ms.is_none()) {
        super::close_seat(&state, &row.id, &seat.dossier_id, &me.user.login).await?;
    }
    let (actor, s_id) = (me.user.login.clone(), row.id.clone());
    state.pool.run(move |s| Ok(s.set_sitting_state(&actor, &s_id, "closed")?)).await?;
    Ok(Redirect::to(&format!("/seances/{id}")).into_response())
}
