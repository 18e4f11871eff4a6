//! Quiz sittings in the workspace (phases 0 and 2B): an evaluator seats candidates of their
//! body ([`board`]), candidates answer with a one-time code ([`candidate`]), every answer is on
//! disk before it is acknowledged ([`writer`]), and closing a seat scores it and writes the
//! result into the dossier in one transaction.
//!
//! Time: a seat's time runs on the server's monotonic clock from the candidate's first login;
//! the wall clock is only recorded. A restart takes the time up from the last answer's
//! checkpoint (and the wall-clock time since, never negative), and finishes what was being
//! closed ([`resume`]).

pub mod board;
pub mod candidate;
pub mod codes;
pub mod result;
pub mod stats;
pub mod throttle;
pub mod writer;

use super::AppState;
use super::error::AppError;
use crate::dossier::{edit, load_dossier};
use crate::quiz::sitting::{Exposure, SittingSpec};
use crate::quiz::{Bank, Purpose, Sitting};
use crate::registry::sha256;
use crate::source::SourceFile;
use crate::store::quiz::{DossierUpdate, QuizStore, SeatRow, SittingRow};
use crate::store::{DossierFacts, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The result of a seat whose candidate never logged in.
pub const ABSENT: &str = "absent";

/// A seat: (sitting, dossier).
pub type SeatKey = (String, String);

/// A seat whose time runs.
#[derive(Debug, Clone, Copy)]
struct Running {
    /// The monotonic clock's reading when its time was zero.
    origin: i64,
    /// Time allowed, extra time included.
    allowed_ms: i64,
}

/// The server's side of the sittings: the bank, the draws, the running times, the code
/// throttle and the answers' writer.
pub struct Room {
    bank: Bank,
    drawn: Mutex<HashMap<SeatKey, Arc<Sitting>>>,
    running: Mutex<HashMap<SeatKey, Running>>,
    throttle: Mutex<throttle::Throttle>,
    writer: writer::AnswerWriter,
    /// Open seats by the hash of their session token: an answer needs no read of the store.
    /// A seat leaves it when it closes or when the evaluator changes it.
    open: Mutex<HashMap<crate::registry::Hash, (SittingRow, SeatRow)>>,
}

impl Room {
    /// The room of a server: `bank` drawn from, answers written to the store at `path`.
    pub fn new(
        bank: Bank,
        path: std::path::PathBuf,
        clock: Arc<dyn crate::clock::Clock>,
    ) -> std::io::Result<Room> {
        Ok(Room {
            bank,
            drawn: Mutex::new(HashMap::new()),
            running: Mutex::new(HashMap::new()),
            throttle: Mutex::new(throttle::Throttle::default()),
            writer: writer::AnswerWriter::start(path, clock)?,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// The bank the sittings are drawn from.
    pub fn bank(&self) -> &Bank {
        &self.bank
    }

    /// The questions of a seat as drawn when the sitting was created (rebuilt from the bank
    /// once, then kept for the server's life).
    pub fn sitting_of(
        &self,
        state: &AppState,
        sitting: &SittingRow,
        seat: &SeatRow,
    ) -> Result<Arc<Sitting>, AppError> {
        let key = (sitting.id.clone(), seat.dossier_id.clone());
        if let Some(s) = self.drawn.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return Ok(s.clone());
        }
        let questions: Vec<(String, Vec<usize>)> = serde_json::from_str(&seat.drawn).map_err(|e| {
            AppError::Internal(format!(
                "seat {}/{}: drawn questions unreadable: {e}",
                sitting.id, seat.dossier_id
            ))
        })?;
        let spec = spec(&sitting.certificate, sitting.purpose, &sitting.id);
        let policy = state.policy.for_certificate(&sitting.certificate);
        let rebuilt =
            crate::quiz::sitting::rebuild(&self.bank, &state.library, policy, &spec, seat.seed, &questions)
                .map_err(|e| AppError::Internal(format!("seat {}/{}: {e}", sitting.id, seat.dossier_id)))?;
        let rebuilt = Arc::new(rebuilt);
        self.drawn.lock().unwrap_or_else(PoisonError::into_inner).insert(key, rebuilt.clone());
        Ok(rebuilt)
    }

    /// Time used and time allowed of a started seat, in milliseconds.
    pub fn times(&self, state: &AppState, sitting: &SittingRow, seat: &SeatRow) -> (i64, i64) {
        let allowed_ms = result::allowed(sitting, seat);
        let mono = state.clock.monotonic_ms();
        let key = (seat.sitting_id.clone(), seat.dossier_id.clone());
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        let r = running.entry(key).or_insert_with(|| {
            // Not timed by this process yet (first login, or a restart): from the checkpoint,
            // plus the wall-clock time since it, never negative (a clock set back gives none).
            let since = seat.checkpoint_ms.map_or(0, |c| (state.clock.now_ms() - c).max(0));
            Running { origin: mono - seat.elapsed_ms - since, allowed_ms }
        });
        r.allowed_ms = allowed_ms;
        ((mono - r.origin).max(0), allowed_ms)
    }

    /// The open seat of a session token, as last read from the store.
    pub fn open_seat(&self, token_hash: &crate::registry::Hash) -> Option<(SittingRow, SeatRow)> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner).get(token_hash).cloned()
    }

    /// Keeps an open seat read from the store for its session's next requests.
    pub fn remember_open_seat(&self, token_hash: crate::registry::Hash, row: &SittingRow, seat: &SeatRow) {
        if seat.closed_ms.is_none() && row.state == "open" {
            self.open
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(token_hash, (row.clone(), seat.clone()));
        }
    }

    /// The seat changed in the store (extra time, closing): its next request reads it again.
    pub fn changed(&self, key: &SeatKey) {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, (row, seat)| row.id != key.0 || seat.dossier_id != key.1);
    }

    /// The seat is closed: its time no longer runs.
    fn forget(&self, key: &SeatKey) {
        self.changed(key);
        self.running.lock().unwrap_or_else(PoisonError::into_inner).remove(key);
    }

    /// The seats whose time is over.
    fn due(&self, mono: i64) -> Vec<SeatKey> {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(_, r)| mono - r.origin >= r.allowed_ms)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// What to draw for a seat of the sitting `reference` (its public id: nothing of the seed).
pub fn spec(certificate: &str, purpose: Purpose, reference: &str) -> SittingSpec {
    SittingSpec {
        certificate: certificate.to_string(),
        purpose,
        reference: reference.to_string(),
        ..SittingSpec::default()
    }
}

/// Draws the seats of a new sitting, each with its own secret seed: the questions each
/// candidate saw in phase 0 are left out of their 2B sitting, and the bank's exposure (every
/// sitting drawn so far for the certificate and purpose, these ones included) is taken into
/// account. The seats, with what the store keeps of their draws.
pub fn draw_seats(
    state: &AppState,
    store: &dyn QuizStore,
    certificate: &str,
    purpose: Purpose,
    reference: &str,
    dossiers: &[String],
) -> Result<Vec<(String, u64, String)>, AppError> {
    let parse = |json: &str| serde_json::from_str::<Vec<(String, Vec<usize>)>>(json).unwrap_or_default();
    let mut exposure = Exposure::default();
    for (_, drawn) in store.drawn_lists(certificate, purpose)? {
        exposure.sittings += 1;
        for (id, _) in parse(&drawn) {
            *exposure.drawn.entry(id).or_default() += 1;
        }
    }
    let seen_in_phase_0 = if purpose == Purpose::Evaluation {
        store.drawn_lists(certificate, Purpose::Prediagnostic)?
    } else {
        Vec::new()
    };
    let policy = state.policy.for_certificate(certificate);
    let mut seats = Vec::new();
    for dossier in dossiers {
        let mut s = spec(certificate, purpose, reference);
        s.seen = seen_in_phase_0
            .iter()
            .filter(|(d, _)| d == dossier)
            .flat_map(|(_, j)| parse(j))
            .map(|(id, _)| id)
            .collect();
        s.exposure = exposure.clone();
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).map_err(|e| AppError::Internal(e.to_string()))?;
        let seed = u64::from_le_bytes(seed);
        let sitting = crate::quiz::draw(&state.quiz.bank, &state.library, policy, &s, seed).map_err(|e| {
            AppError::BadRequest(format!("Le tirage des questions est impossible pour {dossier} : {e}"))
        })?;
        exposure.record(&sitting);
        let drawn = serde_json::to_string(&crate::quiz::sitting::drawn_questions(&sitting))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        seats.push((dossier.clone(), seed, drawn));
    }
    Ok(seats)
}

/// Closes a seat: scores it and writes the result into its dossier, one transaction. A seat
/// closed already is left as it is.
pub async fn close_seat(
    state: &Arc<AppState>,
    sitting: &str,
    dossier: &str,
    by: &str,
) -> Result<(), AppError> {
    let st = state.clone();
    let (sitting, dossier, by) = (sitting.to_string(), dossier.to_string(), by.to_string());
    let key = (sitting.clone(), dossier.clone());
    // Its next answers read the seat from the store again (and learn it is closed).
    state.quiz.changed(&key);
    let margin = i64::from(state.policy.sittings.seat_session_margin_minutes) * 60_000;
    state
        .pool
        .run(move |s| {
            for _ in 0..5 {
                let Some(row) = s.sitting(&sitting)? else { return Err(AppError::NotFound) };
                let Some(seat) = s.seat(&sitting, &dossier)? else { return Err(AppError::NotFound) };
                if seat.closed_ms.is_some() {
                    return Ok(());
                }
                if seat.started_ms.is_none() {
                    // Never logged in: absent, nothing goes into the dossier.
                    s.close_seat(
                        &by,
                        &sitting,
                        &dossier,
                        &by,
                        ABSENT,
                        None,
                        margin,
                        s.answers(&sitting, &dossier)?.len(),
                    )?;
                    return Ok(());
                }
                let drawn = st.quiz.sitting_of(&st, &row, &seat)?;
                let answers = s.answers(&sitting, &dossier)?;
                let examiner =
                    s.user(&row.created_by)?.map_or_else(|| row.created_by.clone(), |u| u.display_name);
                let now = st.clock.now_ms();
                let section = result::section(&st.policy, &row, &seat, &drawn, &answers, &examiner, now);
                let update = match s.dossier_yaml(&dossier)? {
                    Some(Some(yaml)) => dossier_update(&st, &dossier, &yaml, &section, &examiner),
                    _ => None,
                };
                if s.close_seat(
                    &by,
                    &sitting,
                    &dossier,
                    &by,
                    &section,
                    update.as_ref(),
                    margin,
                    answers.len(),
                )? {
                    return Ok(());
                }
            }
            Err(AppError::Internal(format!(
                "seat {sitting}/{dossier}: the dossier kept changing while it closed"
            )))
        })
        .await?;
    state.quiz.forget(&key);
    Ok(())
}

/// The dossier with the section in place, if it still loads (otherwise the result stays with
/// the seat, and the evaluator's board says it was not carried over). The examiner joins the
/// body's evaluators, whose levels alone count.
fn dossier_update(
    state: &AppState,
    id: &str,
    yaml: &str,
    section: &str,
    examiner: &str,
) -> Option<DossierUpdate> {
    let key = section.split(':').next().unwrap_or("quiz");
    let mut text = edit::set_top_level(yaml, key, section);
    let before =
        load_dossier(&SourceFile { name: format!("{id}.yaml"), text: yaml.to_string() }, &state.library);
    if let Ok(Some(mut body)) = before.map(|d| d.evaluating_body)
        && !body.evaluators.iter().any(|e| e == examiner)
    {
        body.evaluators.push(examiner.to_string());
        let block = crate::dossier::evaluation_edit::body_block(&body);
        text = edit::set_top_level(&text, "evaluating_body", &block);
    }
    let file = SourceFile { name: format!("{id}.yaml"), text };
    match load_dossier(&file, &state.library) {
        Ok(dossier) => {
            let facts = DossierFacts::of(&dossier, &state.library, &state.policy);
            Some(DossierUpdate { expected_sha256: sha256(yaml.as_bytes()), yaml: file.text, dossier, facts })
        }
        Err(diagnostics) => {
            eprintln!(
                "cqpt serve: the quiz result of {id} was not carried into the dossier: {diagnostics:?}"
            );
            None
        }
    }
}

/// Closes the seats whose time is over (the server calls it every second).
pub async fn tick(state: &Arc<AppState>) {
    for (sitting, dossier) in state.quiz.due(state.clock.monotonic_ms()) {
        if let Err(e) = close_seat(state, &sitting, &dossier, "temps").await {
            eprintln!("cqpt serve: seat {sitting}/{dossier} not closed at the end of its time: {e:?}");
        }
    }
}

/// At start: times the seats under way again from their checkpoints, finishes closing the
/// sittings an evaluator closed, and closes the seats whose time ran out while stopped.
pub async fn resume(state: &Arc<AppState>) -> Result<(), AppError> {
    let unfinished = state
        .pool
        .run(|s| {
            let seats = s.unfinished_seats()?;
            let mut out = Vec::new();
            for seat in seats {
                if let Some(row) = s.sitting(&seat.sitting_id)? {
                    out.push((row, seat));
                }
            }
            let closing: Vec<String> =
                s.sittings(None)?.into_iter().filter(|r| r.state == "closing").map(|r| r.id).collect();
            Ok((out, closing))
        })
        .await?;
    let (seats, closing) = unfinished;
    for (row, seat) in &seats {
        if row.state == "closing" {
            close_seat(state, &row.id, &seat.dossier_id, &row.created_by).await?;
        } else {
            state.quiz.times(state, row, seat);
        }
    }
    for id in closing {
        state.pool.run(move |s| Ok(s.set_sitting_state("cqpt", &id, "closed")?)).await?;
    }
    tick(state).await;
    Ok(())
}
