//! The candidate's side of a sitting: the code page, the questions, each answer saved (on disk
//! before the acknowledgement), the time left, finishing. No account is needed: the seat's
//! session comes from a one-time code, in its own cookie, with its own CSRF token.

use super::codes;
use super::throttle::Limits;
use crate::accounts::{self, Secret};
use crate::registry::{hex, sha256};
use crate::server::AppState;
use crate::server::auth::cookie;
use crate::server::error::AppError;
use crate::store::quiz::{NewAnswer, QuizStore, SeatRow, SittingRow};
use axum::Json;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError};

/// The seat's session cookie (path `/quiz`).
pub const SEAT_COOKIE: &str = "cqpt_place";

/// The CSRF token of a seat's session, derived from its token.
fn csrf_of(token: &str) -> String {
    hex(&sha256(format!("cqpt-seat-csrf\0{token}").as_bytes()))
}

/// Whether two tokens are equal, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `text` with a no-break space before `? ! : ;` and inside « », as French typography wants
/// (a line never starts with the sign).
pub fn french_spacing(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' if matches!(chars.peek(), Some('?' | '!' | ':' | ';' | '»')) => out.push('\u{202f}'),
            '«' if chars.peek() == Some(&' ') => {
                out.push('«');
                out.push('\u{202f}');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct CodeView {
    error: Option<String>,
    code: String,
}

/// `GET /quiz`: the code page.
pub async fn code_page(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    Ok(state.pages.render("quiz-code", &CodeView { error: None, code: String::new() })?.into_response())
}

/// The code form.
#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

fn code_refused(
    state: &AppState,
    status: StatusCode,
    error: String,
    typed: &str,
) -> Result<Response, AppError> {
    let typed: String = typed.chars().take(40).collect();
    let mut r =
        state.pages.render("quiz-code", &CodeView { error: Some(error), code: typed })?.into_response();
    *r.status_mut() = status;
    Ok(r)
}

/// `POST /quiz`: a code opens its seat, once; wrong codes slow the next attempts down.
pub async fn code_login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let p = &state.policy.sittings;
    let limits = Limits {
        per_address: p.code_failures_per_address,
        in_all: p.code_failures_in_all,
        window_ms: i64::from(p.code_failure_window_minutes) * 60_000,
    };
    let mono = state.clock.monotonic_ms();
    let ip = address.ip();
    if let Err(seconds) =
        state.quiz.throttle.lock().unwrap_or_else(PoisonError::into_inner).check(ip, mono, limits)
    {
        return code_refused(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            format!("Trop de codes erronés : réessayez dans {} minute(s).", seconds.div_ceil(60)),
            &form.code,
        );
    }
    let seat = match codes::normalise(&form.code) {
        Some(code) => {
            let digest = codes::digest(&code);
            state.pool.run(move |s| Ok(s.take_code(&digest)?)).await?
        }
        None => None,
    };
    let Some((sitting, dossier)) = seat else {
        state.quiz.throttle.lock().unwrap_or_else(PoisonError::into_inner).failed(ip, mono);
        return code_refused(
            &state,
            StatusCode::UNAUTHORIZED,
            "Ce code n'ouvre aucune place : vérifiez-le (10 signes, par exemple K7PQM-3XWTA). \
             Un code ne sert qu'une fois ; l'évaluateur peut vous en donner un nouveau."
                .into(),
            &form.code,
        );
    };
    let token = accounts::new_token().map_err(|e| AppError::Internal(e.to_string()))?;
    let token_hash = accounts::token_hash(&token);
    let now = state.clock.now_ms();
    let (s2, d2) = (sitting.clone(), dossier.clone());
    let row = state
        .pool
        .run(move |s| {
            let row = s.sitting(&s2)?.ok_or(AppError::NotFound)?;
            // Valid while the seat is open, whatever the wall clock does; closing the seat
            // sets its end (the policy's margin after the closing).
            s.seat_token(&s2, &d2, &token_hash, i64::MAX, now)?;
            Ok(row)
        })
        .await?;
    let seat = state.pool.run(move |s| s.seat(&sitting, &dossier)?.ok_or(AppError::NotFound)).await?;
    state.quiz.times(&state, &row, &seat);
    let secure = if state.secure { "; Secure" } else { "" };
    // A cookie of the browser's session: it goes when the browser is closed.
    let cookie = HeaderValue::from_str(&format!(
        "{SEAT_COOKIE}={}; Path=/quiz; HttpOnly; SameSite=Strict{secure}",
        token.expose()
    ))
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut response = Redirect::to("/quiz/epreuve").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// The seat of the request's cookie, with its token (or 401).
async fn seat_of(
    state: &Arc<AppState>,
    headers: &HeaderMap,
) -> Result<(SittingRow, SeatRow, String), AppError> {
    let token = cookie(headers, SEAT_COOKIE).ok_or(AppError::Unauthenticated)?.to_string();
    let hash = accounts::token_hash(&Secret::new(token.clone()));
    if let Some((row, seat)) = state.quiz.open_seat(&hash) {
        return Ok((row, seat, token));
    }
    let now = state.clock.now_ms();
    let (row, seat) = state
        .pool
        .run(move |s| {
            let (sitting, dossier) = s.seat_of_token(&hash, now)?.ok_or(AppError::Unauthenticated)?;
            let row = s.sitting(&sitting)?.ok_or(AppError::NotFound)?;
            let seat = s.seat(&sitting, &dossier)?.ok_or(AppError::NotFound)?;
            Ok((row, seat))
        })
        .await?;
    state.quiz.remember_open_seat(hash, &row, &seat);
    Ok((row, seat, token))
}

/// A question as the candidate sees it: no key, no item, no level.
#[derive(Serialize)]
struct QuestionView {
    number: usize,
    text: String,
    multiple: bool,
    choices: Vec<ChoiceView>,
    answered: bool,
}

#[derive(Serialize)]
struct ChoiceView {
    letter: char,
    text: String,
    checked: bool,
}

#[derive(Serialize)]
struct EpreuveView {
    csrf: String,
    name: String,
    certificate: String,
    prediagnostic: bool,
    questions: Vec<QuestionView>,
    count: usize,
    answered: usize,
    time_left_ms: i64,
    closed: bool,
}

/// `GET /quiz/epreuve`: the questions, with the answers saved so far (a refresh loses nothing).
pub async fn page(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (row, seat, token) = match seat_of(&state, &headers).await {
        Ok(x) => x,
        Err(AppError::Unauthenticated) => return Ok(Redirect::to("/quiz").into_response()),
        Err(e) => return Err(e),
    };
    let drawn = state.quiz.sitting_of(&state, &row, &seat)?;
    let (sitting_id, dossier) = (seat.sitting_id.clone(), seat.dossier_id.clone());
    let answers = state.pool.run(move |s| Ok(s.answers(&sitting_id, &dossier)?)).await?;
    let latest =
        |n: usize| answers.iter().rev().find(|a| a.number as usize == n).map(|a| a.given.to_uppercase());
    let questions: Vec<QuestionView> = drawn
        .questions
        .iter()
        .map(|q| {
            let given = latest(q.number).unwrap_or_default();
            QuestionView {
                number: q.number,
                text: french_spacing(&q.text),
                multiple: q.kind == crate::quiz::QuestionKind::Multiple,
                answered: !given.trim().is_empty(),
                choices: q
                    .choices
                    .iter()
                    .map(|c| ChoiceView {
                        letter: c.letter,
                        text: french_spacing(&c.text),
                        checked: given.contains(c.letter),
                    })
                    .collect(),
            }
        })
        .collect();
    let (elapsed, allowed) = state.quiz.times(&state, &row, &seat);
    let certificate = state
        .library
        .referentiel(&row.certificate)
        .map_or_else(|| row.certificate.clone(), |r| r.title.clone());
    let view = EpreuveView {
        csrf: csrf_of(&token),
        name: seat.name.clone(),
        certificate,
        prediagnostic: row.purpose == crate::quiz::Purpose::Prediagnostic,
        answered: questions.iter().filter(|q| q.answered).count(),
        count: questions.len(),
        questions,
        time_left_ms: (allowed - elapsed).max(0),
        closed: seat.closed_ms.is_some(),
    };
    Ok(state.pages.render("quiz-epreuve", &view)?.into_response())
}

/// What the page polls and every save returns.
#[derive(Serialize)]
pub struct Status {
    /// Whether the answer was written (for a save).
    saved: bool,
    /// Time left, milliseconds.
    time_left_ms: i64,
    /// The seat is closed: no more answers.
    closed: bool,
    /// Why not saved, in French.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

fn json(status: StatusCode, body: &Status) -> Response {
    (status, Json(body)).into_response()
}

/// Closes the seat if its time is over; its status.
async fn status_of(
    state: &Arc<AppState>,
    row: &SittingRow,
    seat: &SeatRow,
) -> Result<(i64, i64, bool), AppError> {
    if seat.closed_ms.is_some() {
        return Ok((0, 0, true));
    }
    let (elapsed, allowed) = state.quiz.times(state, row, seat);
    if elapsed >= allowed {
        super::close_seat(state, &row.id, &seat.dossier_id, "temps").await?;
        return Ok((elapsed, allowed, true));
    }
    Ok((elapsed, allowed, false))
}

/// `GET /quiz/epreuve/etat`: time left and whether the seat is closed.
pub async fn status(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (row, seat, _) = seat_of(&state, &headers).await?;
    let (elapsed, allowed, closed) = status_of(&state, &row, &seat).await?;
    Ok(json(
        StatusCode::OK,
        &Status { saved: false, time_left_ms: (allowed - elapsed).max(0), closed, message: None },
    ))
}

/// An answer sent by the page.
#[derive(Deserialize)]
pub struct AnswerForm {
    number: usize,
    given: String,
}

fn check_csrf(headers: &HeaderMap, token: &str) -> Result<(), AppError> {
    let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
    if same(sent, &csrf_of(token)) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// `POST /quiz/epreuve/reponse`: the answer is on disk when this says `saved`. An answer
/// after the time is kept as given, marked late, and counts for nothing.
pub async fn answer(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(form): Json<AnswerForm>,
) -> Result<Response, AppError> {
    let (row, seat, token) = seat_of(&state, &headers).await?;
    check_csrf(&headers, &token)?;
    let drawn = state.quiz.sitting_of(&state, &row, &seat)?;
    let Some(question) = drawn.questions.iter().find(|q| q.number == form.number) else {
        return Err(AppError::BadRequest(format!("Pas de question {} dans cette épreuve.", form.number)));
    };
    if form.given.len() > 16 || !crate::quiz::scoring::valid_answer(question, &form.given) {
        return Err(AppError::BadRequest(
            "Réponse illisible : seules les lettres des choix sont admises.".into(),
        ));
    }
    if seat.closed_ms.is_some() {
        let closed = Status {
            saved: false,
            time_left_ms: 0,
            closed: true,
            message: Some("L'épreuve est close.".into()),
        };
        return Ok(json(StatusCode::CONFLICT, &closed));
    }
    let (elapsed, allowed) = state.quiz.times(&state, &row, &seat);
    let late = elapsed >= allowed;
    let written = state
        .quiz
        .writer
        .write(NewAnswer {
            sitting_id: row.id.clone(),
            dossier_id: seat.dossier_id.clone(),
            number: u32::try_from(form.number).unwrap_or(u32::MAX),
            given: form.given,
            at_ms: state.clock.now_ms(),
            elapsed_ms: elapsed,
            late,
        })
        .await;
    match written {
        Ok(()) if late => {
            super::close_seat(&state, &row.id, &seat.dossier_id, "temps").await?;
            let over = Status {
                saved: true,
                time_left_ms: 0,
                closed: true,
                message: Some("Le temps était écoulé : cette réponse est gardée mais ne compte pas.".into()),
            };
            Ok(json(StatusCode::CONFLICT, &over))
        }
        Ok(()) => Ok(json(
            StatusCode::OK,
            &Status { saved: true, time_left_ms: allowed - elapsed, closed: false, message: None },
        )),
        Err(e) => {
            let (code, message) = match e {
                super::writer::WriteError::Full(_) => (
                    StatusCode::INSUFFICIENT_STORAGE,
                    "Réponse non enregistrée : le serveur ne peut plus écrire. Elle sera renvoyée automatiquement.",
                ),
                super::writer::WriteError::Failed(_) => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Réponse non enregistrée (erreur du serveur). Elle sera renvoyée automatiquement.",
                ),
            };
            Ok(json(
                code,
                &Status {
                    saved: false,
                    time_left_ms: allowed - elapsed,
                    closed: false,
                    message: Some(message.into()),
                },
            ))
        }
    }
}

/// `POST /quiz/epreuve/terminer`: the candidate hands in; the seat is scored.
pub async fn finish(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (row, seat, token) = seat_of(&state, &headers).await?;
    check_csrf(&headers, &token)?;
    super::close_seat(&state, &row.id, &seat.dossier_id, "candidat").await?;
    Ok(json(StatusCode::OK, &Status { saved: true, time_left_ms: 0, closed: true, message: None }))
}

#[cfg(test)]
mod tests {
    use super::french_spacing;

    #[test]
    fn french_signs_get_a_no_break_space() {
        assert_eq!(french_spacing("Quel délai ?"), "Quel délai\u{202f}?");
        assert_eq!(french_spacing("« oui »"), "«\u{202f}oui\u{202f}»");
        assert_eq!(french_spacing("a: b"), "a: b");
    }
}
