//! Item statistics from the store (issue 17, point 5): the results of the seats the workspace
//! closed, rebuilt from the answers it kept as given with the order of the choices shown (the
//! same function closes a seat and rebuilds its result), read as `cqpt quiz stats` reads result
//! files; and the evaluator's page `/seances/statistiques` with its CSV and PDF.

use super::result;
use crate::accounts::Role;
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::quiz::Bank;
use crate::quiz::stats::{self, SittingResult, Stats};
use crate::referentiel::Library;
use crate::server::AppState;
use crate::server::auth::CurrentUser;
use crate::server::desk::Me;
use crate::server::error::AppError;
use crate::store::quiz::QuizStore;
use axum::Extension;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;

/// The result of every closed seat (absent candidates left out) of the sittings of `body` (all
/// when `None`), oldest sitting first and by dossier within one: each rebuilt from the answers
/// the store kept, as the result written when the seat closed holds it (the `quiz:` section a
/// result file holds). A question the bank no longer has (or whose choices changed) is an error
/// naming the seat: its choice rates could not be read.
pub fn store_results<S: QuizStore + ?Sized>(
    store: &S,
    bank: &Bank,
    library: &Library,
    policy: &Policy,
    body: Option<&str>,
) -> Result<Vec<SittingResult>> {
    let failed = |e: crate::store::StoreError| Error::Data(e.to_string());
    let mut sittings = store.sittings(body).map_err(failed)?;
    sittings.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
    let mut out = Vec::new();
    for row in &sittings {
        let spec = super::spec(&row.certificate, row.purpose, &row.id);
        let mut seats = store.seats(&row.id).map_err(failed)?;
        seats.sort_by(|a, b| a.dossier_id.cmp(&b.dossier_id));
        for seat in seats {
            let (Some(closed), Some(kept)) = (seat.closed_ms, seat.result.as_deref()) else { continue };
            if kept == super::ABSENT {
                continue;
            }
            let drawn: Vec<(String, Vec<usize>)> = serde_json::from_str(&seat.drawn).map_err(|e| {
                Error::Data(format!("{}/{}: drawn questions unreadable: {e}", row.id, seat.dossier_id))
            })?;
            let certificate_policy = policy.for_certificate(&row.certificate);
            let rebuilt =
                crate::quiz::sitting::rebuild(bank, library, certificate_policy, &spec, seat.seed, &drawn)
                    .map_err(|e| Error::Data(format!("{}/{}: {e}", row.id, seat.dossier_id)))?;
            let answers = store.answers(&row.id, &seat.dossier_id).map_err(failed)?;
            let section = result::section(policy, row, &seat, &rebuilt, &answers, &row.created_by, closed);
            let text = unwrap_section(&section);
            let read = stats::read_result(&format!("{}/{}", row.id, seat.dossier_id), &text);
            out.push(read.map_err(Error::Data)?);
        }
    }
    Ok(out)
}

/// The section of a dossier (`quiz:` then its lines indented by two) as a result file holds it.
fn unwrap_section(section: &str) -> String {
    section.lines().skip(1).map(|l| l.strip_prefix("  ").unwrap_or(l)).fold(
        String::new(),
        |mut text, line| {
            text.push_str(line);
            text.push('\n');
            text
        },
    )
}

/// The statistics `me` may see: an evaluator's body's sittings, every sitting for the
/// administrator.
async fn stats_of(state: &Arc<AppState>, me: &CurrentUser) -> std::result::Result<Stats, AppError> {
    let body = match me.user.role {
        Role::Administrator => None,
        Role::Evaluator => Some(me.user.body.clone().ok_or(AppError::Forbidden)?),
        _ => return Err(AppError::Forbidden),
    };
    let st = state.clone();
    let results = state
        .pool
        .run(move |s| Ok(store_results(&*s, st.quiz.bank(), &st.library, &st.policy, body.as_deref())?))
        .await?;
    Ok(stats::stats(state.quiz.bank(), &results, &state.policy))
}

/// A question's row on the page.
#[derive(Serialize)]
struct QuestionLine {
    question: String,
    item: String,
    level: u8,
    answers: usize,
    facility: String,
    point_biserial: String,
    upper_lower: String,
    choices: Vec<ChoiceLine>,
    review: Vec<String>,
}

/// A choice's rate on the page.
#[derive(Serialize)]
struct ChoiceLine {
    letter: char,
    key: bool,
    rate: String,
}

/// A group's reliability on the page.
#[derive(Serialize)]
struct GroupLine {
    sitting: String,
    candidates: usize,
    questions: usize,
    kr20: String,
}

/// The view of `templates/pages/quiz-statistiques.hbs`.
#[derive(Serialize)]
struct StatsPage {
    me: Me,
    questions: Vec<QuestionLine>,
    reliability: Vec<GroupLine>,
    count: usize,
    to_review: usize,
    min_answers: usize,
}

/// A number the French way with two decimals, or a dash.
fn french(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |x| format!("{x:.2}").replace('.', ","))
}

/// A share as a percentage the French way (`42 %`).
fn percent(x: f64) -> String {
    format!("{:.0}\u{a0}%", x * 100.0)
}

/// `GET /seances/statistiques`: per question its facility, discrimination, choice rates and
/// the reasons to review it; KR-20 per group of identical sittings; links to the CSV and PDF.
pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> std::result::Result<Response, AppError> {
    let stats = stats_of(&state, &me).await?;
    let view = StatsPage {
        me: Me::of(&me),
        questions: stats
            .questions
            .iter()
            .map(|q| QuestionLine {
                question: q.question.clone(),
                item: q.item.clone(),
                level: q.level,
                answers: q.answers,
                facility: percent(q.facility),
                point_biserial: french(q.point_biserial),
                upper_lower: french(q.upper_lower),
                choices: q
                    .choices
                    .iter()
                    .map(|c| ChoiceLine { letter: c.letter, key: c.key, rate: percent(c.rate) })
                    .collect(),
                review: q.review.iter().map(|r| r.describe(&state.labels)).collect(),
            })
            .collect(),
        reliability: stats
            .reliability
            .iter()
            .map(|r| GroupLine {
                sitting: r.sitting.clone(),
                candidates: r.candidates,
                questions: r.questions,
                kr20: french(r.kr20),
            })
            .collect(),
        count: stats.questions.len(),
        to_review: stats.questions.iter().filter(|q| !q.review.is_empty()).count(),
        min_answers: state.policy.quiz.stats.min_answers,
    };
    Ok(state.pages.render("quiz-statistiques", &view)?.into_response())
}

/// `GET /seances/statistiques.csv`: the same figures as `cqpt quiz stats --store`.
pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> std::result::Result<Response, AppError> {
    let stats = stats_of(&state, &me).await?;
    let text = stats::to_csv(&stats, &state.labels);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"statistiques-quiz.csv\""),
        ],
        text,
    )
        .into_response())
}

/// `GET /seances/statistiques.pdf`: the report of `templates/quiz-statistiques.hbs`, dated
/// today by the server's clock.
pub async fn pdf(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> std::result::Result<Response, AppError> {
    let stats = stats_of(&state, &me).await?;
    let today = result::local(&state.policy, state.clock.now_ms()).0;
    let bytes = crate::render::pdf(
        &state.templates,
        "quiz-statistiques",
        &stats::view(&stats, &state.labels),
        today,
    )?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"statistiques-quiz.pdf\""),
        ],
        bytes,
    )
        .into_response())
}
