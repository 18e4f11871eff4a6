//! Quiz sittings in the store: sittings, seats (one dossier each, with its secret seed, the
//! hashes of its access code and token, its time) and every answer as given. Answers are
//! written in batches, one transaction each (the server's writer gathers the answers that
//! arrive together), and acknowledged only once committed.

use super::sqlite::{Pending, SqliteStore, db, put_in};
use super::{DossierFacts, Result, StoreError};
use crate::dossier::Dossier;
use crate::quiz::Purpose;
use crate::registry::sha256;
use rusqlite::{OptionalExtension, params};

/// A sitting as created by an evaluator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSitting {
    /// Public reference (random; rebuilds nothing).
    pub id: String,
    /// Certificate.
    pub certificate: String,
    /// Phase 0 or 2B.
    pub purpose: Purpose,
    /// The evaluating body running it.
    pub body_id: String,
    /// Minutes allowed.
    pub minutes: u32,
    /// The seats.
    pub seats: Vec<NewSeat>,
}

/// A seat as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSeat {
    /// The candidate's dossier.
    pub dossier_id: String,
    /// The secret seed of this seat's draw.
    pub seed: u64,
    /// The questions drawn and their choices' order (JSON).
    pub drawn: String,
    /// SHA-256 of the normalised access code.
    pub code_sha256: [u8; 32],
}

/// A sitting as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SittingRow {
    /// Public reference.
    pub id: String,
    /// Certificate.
    pub certificate: String,
    /// Phase 0 or 2B.
    pub purpose: Purpose,
    /// Evaluating body.
    pub body_id: String,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_ms: i64,
    /// Minutes allowed.
    pub minutes: u32,
    /// `open`, `closing` or `closed`.
    pub state: String,
}

/// A seat as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatRow {
    /// Sitting.
    pub sitting_id: String,
    /// Dossier.
    pub dossier_id: String,
    /// The candidate's name, for the evaluator's board (empty once erased).
    pub name: String,
    /// Secret seed.
    pub seed: u64,
    /// The questions drawn and their choices' order (JSON).
    pub drawn: String,
    /// Extra minutes granted.
    pub extra_minutes: u32,
    /// First login (wall clock).
    pub started_ms: Option<i64>,
    /// Time used at the last checkpoint.
    pub elapsed_ms: i64,
    /// Wall clock at that checkpoint.
    pub checkpoint_ms: Option<i64>,
    /// When it closed.
    pub closed_ms: Option<i64>,
    /// Who or what closed it (`temps`, `candidat`, an evaluator's login).
    pub closed_by: Option<String>,
    /// The section written into the dossier.
    pub result: Option<String>,
    /// Questions answered (at least once).
    pub answered: usize,
}

/// An answer to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnswer {
    /// Sitting.
    pub sitting_id: String,
    /// Dossier (the seat).
    pub dossier_id: String,
    /// Question number in the seat's draw.
    pub number: u32,
    /// Letters as given.
    pub given: String,
    /// Wall clock when received.
    pub at_ms: i64,
    /// Time used when received.
    pub elapsed_ms: i64,
    /// Received after the time allowed.
    pub late: bool,
}

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    /// Question number.
    pub number: u32,
    /// Letters as given.
    pub given: String,
    /// Wall clock when received.
    pub at_ms: i64,
    /// Time used then.
    pub elapsed_ms: i64,
    /// Late.
    pub late: bool,
}

/// What closing a seat writes besides the seat: the dossier with its new section, if the
/// dossier still is as it was read (`expected_sha256`).
#[derive(Debug, Clone)]
pub struct DossierUpdate {
    /// The dossier's text as read before.
    pub expected_sha256: [u8; 32],
    /// Its new text.
    pub yaml: String,
    /// Its new model.
    pub dossier: Dossier,
    /// Its facts.
    pub facts: DossierFacts,
}

/// The store's quiz operations. Writes about sittings append their registry entry.
pub trait QuizStore {
    /// Creates a sitting and its seats (a dossier twice is refused).
    fn create_sitting(&mut self, actor: &str, sitting: &NewSitting) -> Result<()>;
    /// The sittings of a body (all when `None`), latest first.
    fn sittings(&self, body: Option<&str>) -> Result<Vec<SittingRow>>;
    /// One sitting.
    fn sitting(&self, id: &str) -> Result<Option<SittingRow>>;
    /// Its seats, by dossier.
    fn seats(&self, sitting: &str) -> Result<Vec<SeatRow>>;
    /// One seat.
    fn seat(&self, sitting: &str, dossier: &str) -> Result<Option<SeatRow>>;
    /// The seat an access code opens, in a sitting still open, with the code spent.
    fn take_code(&mut self, code_sha256: &[u8; 32]) -> Result<Option<(String, String)>>;
    /// Gives a seat a session token (and its start on the first login).
    fn seat_token(
        &mut self,
        sitting: &str,
        dossier: &str,
        token_sha256: &[u8; 32],
        expires_ms: i64,
        now_ms: i64,
    ) -> Result<()>;
    /// The seat of a token still valid at `now_ms`.
    fn seat_of_token(&self, token_sha256: &[u8; 32], now_ms: i64) -> Result<Option<(String, String)>>;
    /// Writes answers, all or none, in one transaction.
    fn record_answers(&mut self, answers: &[NewAnswer]) -> Result<()>;
    /// A seat's answers in the order received.
    fn answers(&self, sitting: &str, dossier: &str) -> Result<Vec<AnswerRow>>;
    /// Grants extra minutes (the total becomes `total_extra`).
    fn set_extra_minutes(
        &mut self,
        actor: &str,
        sitting: &str,
        dossier: &str,
        total_extra: u32,
    ) -> Result<()>;
    /// A new access code for a seat (the old one no longer opens it).
    fn new_code(&mut self, actor: &str, sitting: &str, dossier: &str, code_sha256: &[u8; 32]) -> Result<()>;
    /// Closes a seat with its result, and writes the dossier's new text when given: one step.
    /// The seat's session ends `session_margin_ms` later. `Ok(false)` when the dossier, or the
    /// seat's answers (`answers_scored` of them were scored), changed since they were read:
    /// read them again and retry. An answer written after the closing is kept, marked late.
    #[allow(clippy::too_many_arguments)]
    fn close_seat(
        &mut self,
        actor: &str,
        sitting: &str,
        dossier: &str,
        by: &str,
        result: &str,
        update: Option<&DossierUpdate>,
        session_margin_ms: i64,
        answers_scored: usize,
    ) -> Result<bool>;
    /// Sets a sitting's state (`closing`, `closed`).
    fn set_sitting_state(&mut self, actor: &str, sitting: &str, state: &str) -> Result<()>;
    /// Seats started and not closed, and seats of closing sittings: what a restart finishes.
    fn unfinished_seats(&self) -> Result<Vec<SeatRow>>;
    /// Every seat's drawn questions (JSON) for a certificate and purpose, with its dossier: the
    /// exposure of the bank's questions, and what a candidate saw in phase 0.
    fn drawn_lists(&self, certificate: &str, purpose: Purpose) -> Result<Vec<(String, String)>>;
}

fn purpose_code(p: Purpose) -> &'static str {
    match p {
        Purpose::Prediagnostic => "prediagnostic",
        Purpose::Evaluation => "evaluation",
    }
}

fn sitting_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SittingRow> {
    let purpose: String = r.get(2)?;
    Ok(SittingRow {
        id: r.get(0)?,
        certificate: r.get(1)?,
        purpose: if purpose == "prediagnostic" { Purpose::Prediagnostic } else { Purpose::Evaluation },
        body_id: r.get(3)?,
        created_by: r.get(4)?,
        created_ms: r.get(5)?,
        minutes: r.get(6)?,
        state: r.get(7)?,
    })
}

const SITTING_COLUMNS: &str = "id, certificate, purpose, body_id, created_by, created_ms, minutes, state";

const SEAT_COLUMNS: &str = "s.sitting_id, s.dossier_id, coalesce(c.family_name || ' ' || c.given_name, ''), s.seed, \
     s.extra_minutes, s.started_ms, s.elapsed_ms, s.checkpoint_ms, s.closed_ms, s.closed_by, s.result, \
     (SELECT count(DISTINCT a.number) FROM quiz_answers a WHERE a.sitting_id = s.sitting_id AND a.dossier_id = s.dossier_id), \
     s.drawn";
const SEAT_FROM: &str = "FROM quiz_seats s LEFT JOIN dossiers d ON d.id = s.dossier_id \
     LEFT JOIN candidates c ON c.id = d.candidate_id";

fn seat_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SeatRow> {
    let seed: i64 = r.get(3)?;
    let answered: i64 = r.get(11)?;
    Ok(SeatRow {
        sitting_id: r.get(0)?,
        dossier_id: r.get(1)?,
        name: r.get(2)?,
        seed: u64::from_ne_bytes(seed.to_ne_bytes()),
        extra_minutes: r.get(4)?,
        started_ms: r.get(5)?,
        elapsed_ms: r.get(6)?,
        checkpoint_ms: r.get(7)?,
        closed_ms: r.get(8)?,
        closed_by: r.get(9)?,
        result: r.get(10)?,
        answered: usize::try_from(answered).unwrap_or(0),
        drawn: r.get(12)?,
    })
}

fn subject(sitting: &str) -> String {
    format!("sitting:{sitting}")
}

impl QuizStore for SqliteStore {
    fn create_sitting(&mut self, actor: &str, s: &NewSitting) -> Result<()> {
        let path = self.path.clone();
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let e = db(&path);
            tx.execute(
                &format!("INSERT INTO quiz_sittings ({SITTING_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open')"),
                params![s.id, s.certificate, purpose_code(s.purpose), s.body_id, actor, now, s.minutes],
            )
            .map_err(&e)?;
            for seat in &s.seats {
                let inserted = tx.execute(
                    "INSERT INTO quiz_seats (sitting_id, dossier_id, seed, drawn, code_sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        s.id,
                        seat.dossier_id,
                        i64::from_ne_bytes(seat.seed.to_ne_bytes()),
                        seat.drawn,
                        seat.code_sha256.as_slice()
                    ],
                );
                if let Err(rusqlite::Error::SqliteFailure(f, _)) = &inserted
                    && f.code == rusqlite::ErrorCode::ConstraintViolation
                {
                    return Err(StoreError::Refused(format!(
                        "the dossier `{}` is seated twice in the sitting",
                        seat.dossier_id
                    )));
                }
                inserted.map_err(&e)?;
            }
            let mut p = Pending::new("quiz.sitting.create", subject(&s.id));
            p.detail = Some(format!(
                "{} {} {} seats: {}",
                s.certificate,
                purpose_code(s.purpose),
                s.minutes,
                s.seats.iter().map(|x| x.dossier_id.as_str()).collect::<Vec<_>>().join(", ")
            ));
            Ok(((), Some(p)))
        })
    }

    fn sittings(&self, body: Option<&str>) -> Result<Vec<SittingRow>> {
        match body {
            Some(b) => self.rows(
                &format!("SELECT {SITTING_COLUMNS} FROM quiz_sittings WHERE body_id = ?1 ORDER BY created_ms DESC, id"),
                [b],
                sitting_from_row,
            ),
            None => self.rows(
                &format!("SELECT {SITTING_COLUMNS} FROM quiz_sittings ORDER BY created_ms DESC, id"),
                [],
                sitting_from_row,
            ),
        }
    }

    fn sitting(&self, id: &str) -> Result<Option<SittingRow>> {
        self.conn
            .query_row(
                &format!("SELECT {SITTING_COLUMNS} FROM quiz_sittings WHERE id = ?1"),
                [id],
                sitting_from_row,
            )
            .optional()
            .map_err(db(&self.path))
    }

    fn seats(&self, sitting: &str) -> Result<Vec<SeatRow>> {
        self.rows(
            &format!("SELECT {SEAT_COLUMNS} {SEAT_FROM} WHERE s.sitting_id = ?1 ORDER BY s.dossier_id"),
            [sitting],
            seat_from_row,
        )
    }

    fn seat(&self, sitting: &str, dossier: &str) -> Result<Option<SeatRow>> {
        self.conn
            .query_row(
                &format!("SELECT {SEAT_COLUMNS} {SEAT_FROM} WHERE s.sitting_id = ?1 AND s.dossier_id = ?2"),
                [sitting, dossier],
                seat_from_row,
            )
            .optional()
            .map_err(db(&self.path))
    }

    fn take_code(&mut self, code_sha256: &[u8; 32]) -> Result<Option<(String, String)>> {
        let path = self.path.clone();
        self.write("candidat", |tx| {
            let e = db(&path);
            let seat: Option<(String, String)> = tx
                .query_row(
                    "SELECT s.sitting_id, s.dossier_id FROM quiz_seats s JOIN quiz_sittings q ON q.id = s.sitting_id \
                     WHERE s.code_sha256 = ?1 AND q.state = 'open' AND s.closed_ms IS NULL",
                    [code_sha256.as_slice()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(&e)?;
            if let Some((sitting, dossier)) = &seat {
                tx.execute(
                    "UPDATE quiz_seats SET code_sha256 = NULL WHERE sitting_id = ?1 AND dossier_id = ?2",
                    [sitting, dossier],
                )
                .map_err(&e)?;
            }
            Ok((seat, None))
        })
    }

    fn seat_token(
        &mut self,
        sitting: &str,
        dossier: &str,
        token_sha256: &[u8; 32],
        expires_ms: i64,
        now_ms: i64,
    ) -> Result<()> {
        let path = self.path.clone();
        self.write("candidat", |tx| {
            tx.execute(
                "UPDATE quiz_seats SET token_sha256 = ?3, token_expires_ms = ?4, \
                 started_ms = coalesce(started_ms, ?5), checkpoint_ms = coalesce(checkpoint_ms, ?5) \
                 WHERE sitting_id = ?1 AND dossier_id = ?2",
                params![sitting, dossier, token_sha256.as_slice(), expires_ms, now_ms],
            )
            .map_err(db(&path))?;
            let mut p = Pending::new("quiz.seat.login", subject(sitting));
            p.detail = Some(dossier.to_string());
            Ok(((), Some(p)))
        })
    }

    fn seat_of_token(&self, token_sha256: &[u8; 32], now_ms: i64) -> Result<Option<(String, String)>> {
        self.conn
            .query_row(
                "SELECT sitting_id, dossier_id FROM quiz_seats WHERE token_sha256 = ?1 AND token_expires_ms > ?2",
                params![token_sha256.as_slice(), now_ms],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db(&self.path))
    }

    fn record_answers(&mut self, answers: &[NewAnswer]) -> Result<()> {
        let path = self.path.clone();
        self.write("candidat", |tx| {
            let e = db(&path);
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO quiz_answers (sitting_id, dossier_id, number, given, at_ms, elapsed_ms, late) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7 OR EXISTS (SELECT 1 FROM quiz_seats \
                       WHERE sitting_id = ?1 AND dossier_id = ?2 AND closed_ms IS NOT NULL))",
                )
                .map_err(&e)?;
            let mut checkpoint = tx
                .prepare_cached(
                    "UPDATE quiz_seats SET elapsed_ms = max(elapsed_ms, ?3), checkpoint_ms = ?4 \
                     WHERE sitting_id = ?1 AND dossier_id = ?2",
                )
                .map_err(&e)?;
            for a in answers {
                insert
                    .execute(params![a.sitting_id, a.dossier_id, a.number, a.given, a.at_ms, a.elapsed_ms, a.late])
                    .map_err(&e)?;
                checkpoint.execute(params![a.sitting_id, a.dossier_id, a.elapsed_ms, a.at_ms]).map_err(&e)?;
            }
            Ok(((), None))
        })
    }

    fn answers(&self, sitting: &str, dossier: &str) -> Result<Vec<AnswerRow>> {
        self.rows(
            "SELECT number, given, at_ms, elapsed_ms, late FROM quiz_answers \
             WHERE sitting_id = ?1 AND dossier_id = ?2 ORDER BY id",
            [sitting, dossier],
            |r| {
                Ok(AnswerRow {
                    number: r.get(0)?,
                    given: r.get(1)?,
                    at_ms: r.get(2)?,
                    elapsed_ms: r.get(3)?,
                    late: r.get(4)?,
                })
            },
        )
    }

    fn set_extra_minutes(
        &mut self,
        actor: &str,
        sitting: &str,
        dossier: &str,
        total_extra: u32,
    ) -> Result<()> {
        let path = self.path.clone();
        self.write(actor, |tx| {
            let changed = tx
                .execute(
                    "UPDATE quiz_seats SET extra_minutes = ?3 WHERE sitting_id = ?1 AND dossier_id = ?2 AND closed_ms IS NULL",
                    params![sitting, dossier, total_extra],
                )
                .map_err(db(&path))?;
            if changed == 0 {
                return Err(StoreError::Refused(format!("no open seat `{dossier}` in the sitting `{sitting}`")));
            }
            let mut p = Pending::new("quiz.seat.extra-time", subject(sitting));
            p.detail = Some(format!("{dossier}: {total_extra} min"));
            Ok(((), Some(p)))
        })
    }

    fn new_code(&mut self, actor: &str, sitting: &str, dossier: &str, code_sha256: &[u8; 32]) -> Result<()> {
        let path = self.path.clone();
        self.write(actor, |tx| {
            let changed = tx
                .execute(
                    "UPDATE quiz_seats SET code_sha256 = ?3 WHERE sitting_id = ?1 AND dossier_id = ?2 AND closed_ms IS NULL",
                    params![sitting, dossier, code_sha256.as_slice()],
                )
                .map_err(db(&path))?;
            if changed == 0 {
                return Err(StoreError::Refused(format!("no open seat `{dossier}` in the sitting `{sitting}`")));
            }
            let mut p = Pending::new("quiz.seat.new-code", subject(sitting));
            p.detail = Some(dossier.to_string());
            Ok(((), Some(p)))
        })
    }

    fn close_seat(
        &mut self,
        actor: &str,
        sitting: &str,
        dossier: &str,
        by: &str,
        result: &str,
        update: Option<&DossierUpdate>,
        session_margin_ms: i64,
        answers_scored: usize,
    ) -> Result<bool> {
        let path = self.path.clone();
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let e = db(&path);
            let changed = tx
                .execute(
                    "UPDATE quiz_seats SET closed_ms = ?3, closed_by = ?4, result = ?5, token_expires_ms = ?3 + ?6 \
                     WHERE sitting_id = ?1 AND dossier_id = ?2 AND closed_ms IS NULL",
                    params![sitting, dossier, now, by, result, session_margin_ms],
                )
                .map_err(&e)?;
            if changed == 0 {
                // Closed already (by the timer and the evaluator at once): nothing to do.
                return Ok((true, None));
            }
            let answers: i64 = tx
                .query_row(
                    "SELECT count(*) FROM quiz_answers WHERE sitting_id = ?1 AND dossier_id = ?2",
                    [sitting, dossier],
                    |r| r.get(0),
                )
                .map_err(&e)?;
            if usize::try_from(answers).ok() != Some(answers_scored) {
                return Err(StoreError::Stale(format!("the answers of `{dossier}`")));
            }
            if let Some(u) = update {
                let current: Option<Vec<u8>> = tx
                    .query_row("SELECT yaml_sha256 FROM dossiers WHERE id = ?1", [dossier], |r| r.get(0))
                    .optional()
                    .map_err(&e)?;
                if current.as_deref() != Some(u.expected_sha256.as_slice()) {
                    return Err(StoreError::Stale(format!("the dossier `{dossier}`")));
                }
                let (_, entry) = put_in(tx, &path, now, dossier, &u.yaml, &u.dossier, u.facts)?;
                if let Some(entry) = entry {
                    // The dossier's own entry is the one the chain records for it; the seat's
                    // result is its detail.
                    let mut p = entry;
                    p.action = "quiz.result";
                    p.detail = Some(format!("{sitting}: {by}"));
                    return Ok((true, Some(p)));
                }
            }
            let mut p = Pending::new("quiz.result", format!("dossier:{dossier}"));
            p.after = Some(sha256(result.as_bytes()));
            p.detail = Some(format!("{sitting}: {by}"));
            Ok((true, Some(p)))
        })
        .or_else(|e| match e {
            StoreError::Stale(_) => Ok(false),
            other => Err(other),
        })
    }

    fn set_sitting_state(&mut self, actor: &str, sitting: &str, state: &str) -> Result<()> {
        let path = self.path.clone();
        self.write(actor, |tx| {
            tx.execute("UPDATE quiz_sittings SET state = ?2 WHERE id = ?1", [sitting, state])
                .map_err(db(&path))?;
            let mut p = Pending::new("quiz.sitting.state", subject(sitting));
            p.detail = Some(state.to_string());
            Ok(((), Some(p)))
        })
    }

    fn drawn_lists(&self, certificate: &str, purpose: Purpose) -> Result<Vec<(String, String)>> {
        self.rows(
            "SELECT s.dossier_id, s.drawn FROM quiz_seats s JOIN quiz_sittings q ON q.id = s.sitting_id \
             WHERE q.certificate = ?1 AND q.purpose = ?2 ORDER BY q.created_ms, s.dossier_id",
            [certificate, purpose_code(purpose)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    fn unfinished_seats(&self) -> Result<Vec<SeatRow>> {
        self.rows(
            &format!(
                "SELECT {SEAT_COLUMNS} {SEAT_FROM} JOIN quiz_sittings q ON q.id = s.sitting_id \
                 WHERE s.closed_ms IS NULL AND (s.started_ms IS NOT NULL OR q.state = 'closing') \
                 ORDER BY s.sitting_id, s.dossier_id"
            ),
            [],
            seat_from_row,
        )
    }
}
