//! The attribution commission's sessions in the store (art. 5): a session with its date,
//! place and members by college; its agenda (dossiers to examine, appeals to review); every
//! decision with how each member stood (sat, absent, withdrew); every appeal with the engine's
//! verdict; each procès-verbal as printed. The dossier's YAML holds its current decision:
//! recording a decision or an appeal writes the dossier and its rows in one transaction, with
//! one registry entry on the dossier.

use super::sqlite::{Pending, SqliteStore, db, put_in};
use super::{DossierFacts, Result, StoreError};
use crate::date::Date;
use crate::dossier::{College, Dossier};
use crate::registry::{Hash, sha256};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;

/// A member of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionMember {
    /// Their name.
    pub name: String,
    /// Their college.
    pub college: College,
    /// Their account, when chosen among the commission members' accounts.
    pub login: Option<String>,
}

/// A session as the administrator opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The day it sits.
    pub on: Date,
    /// Where.
    pub place: String,
    /// Its members, in order.
    pub members: Vec<SessionMember>,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Its id (its date, `-2`… when several sit the same day).
    pub id: String,
    /// The day it sits.
    pub on: Date,
    /// Where.
    pub place: String,
    /// Who opened it.
    pub opened_by: String,
    /// Its members, in order (their position is their index).
    pub members: Vec<SessionMember>,
}

impl SessionRow {
    /// Whether the account `login` is a member of the session.
    pub fn has_member(&self, login: &str) -> bool {
        self.members.iter().any(|m| m.login.as_deref() == Some(login))
    }
}

/// Why a dossier is on an agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgendaPurpose {
    /// A first examination: the synthesis is done, nothing decided.
    Examen,
    /// The review of a decision after an admitted appeal.
    Recours,
}

impl AgendaPurpose {
    /// The code stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AgendaPurpose::Examen => "examen",
            AgendaPurpose::Recours => "recours",
        }
    }
}

/// A dossier on an agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaEntry {
    /// The dossier.
    pub dossier: String,
    /// Why it is there.
    pub purpose: AgendaPurpose,
}

/// How a member stood for a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    /// Sat and decided.
    Siege,
    /// Absent.
    Absent,
    /// Withdrew: they trained or evaluated the candidate.
    Retire,
}

impl Attendance {
    /// The code stored and posted by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Siege => "siege",
            Attendance::Absent => "absent",
            Attendance::Retire => "retire",
        }
    }

    /// The attendance of a code.
    pub fn parse(code: &str) -> Option<Attendance> {
        [Attendance::Siege, Attendance::Absent, Attendance::Retire].into_iter().find(|a| a.as_str() == code)
    }
}

/// A decision to record in a session.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// The session.
    pub session: String,
    /// The dossier.
    pub dossier: String,
    /// The outcome's code (`attribution`…).
    pub outcome: String,
    /// The units it validates.
    pub units: Vec<String>,
    /// Its date.
    pub on: Date,
    /// How each member of the session stood, by position.
    pub attendance: Vec<Attendance>,
}

/// A dossier's new text, model and facts, written with a decision or an appeal.
#[derive(Debug, Clone)]
pub struct DossierText {
    /// Its text.
    pub yaml: String,
    /// Its model.
    pub dossier: Dossier,
    /// Its facts.
    pub facts: DossierFacts,
}

/// A decision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    /// Its number.
    pub id: i64,
    /// The session.
    pub session: String,
    /// The dossier.
    pub dossier: String,
    /// The outcome's code.
    pub outcome: String,
    /// The units it validates.
    pub units: Vec<String>,
    /// Its date.
    pub on: Date,
    /// Who recorded it.
    pub decided_by: String,
    /// How each member of the session stood, by position.
    pub attendance: Vec<Attendance>,
}

/// An appeal to record against a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppeal {
    /// The decision appealed.
    pub decision: i64,
    /// The dossier.
    pub dossier: String,
    /// Filed on.
    pub filed: Date,
    /// Its ground's code.
    pub ground: String,
    /// Details.
    pub details: Option<String>,
    /// The engine's verdict.
    pub admitted: bool,
    /// Its reason, in French.
    pub reason: String,
}

/// An appeal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealRow {
    /// The decision appealed.
    pub decision: i64,
    /// The dossier.
    pub dossier: String,
    /// Filed on.
    pub filed: Date,
    /// Its ground's code.
    pub ground: String,
    /// Details.
    pub details: Option<String>,
    /// Admitted (on the procedure only).
    pub admitted: bool,
    /// Why, in French.
    pub reason: String,
}

/// A procès-verbal as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinutesRow {
    /// Its number.
    pub id: i64,
    /// The session.
    pub session: String,
    /// SHA-256 of its bytes.
    pub sha256: Hash,
    /// Its size.
    pub size: usize,
    /// Who produced it.
    pub produced_by: String,
    /// When.
    pub produced_ms: i64,
}

fn college(code: &str) -> rusqlite::Result<College> {
    code.parse()
        .map_err(|_| rusqlite::Error::InvalidColumnType(0, code.to_string(), rusqlite::types::Type::Text))
}

fn date(text: &str) -> rusqlite::Result<Date> {
    text.parse()
        .map_err(|_| rusqlite::Error::InvalidColumnType(0, text.to_string(), rusqlite::types::Type::Text))
}

fn units(text: &str) -> Vec<String> {
    text.split(';').filter(|u| !u.is_empty()).map(str::to_string).collect()
}

impl SqliteStore {
    /// Records the college of a commission member's account.
    pub fn set_college(&mut self, actor: &str, login: &str, college: College) -> Result<()> {
        let path = self.path.clone();
        let e = db(&path);
        self.write(actor, |tx| {
            let role: Option<String> =
                tx.query_row("SELECT role FROM users WHERE login = ?1", [login], |r| r.get(0)).optional().map_err(&e)?;
            if role.as_deref() != Some("commission-member") {
                return Err(StoreError::Refused(format!("« {login} » n'est pas un compte de membre de la commission")));
            }
            tx.execute(
                "INSERT INTO commission_colleges (login, college) VALUES (?1, ?2) ON CONFLICT (login) DO UPDATE SET college = ?2",
                params![login, college.as_str()],
            )
            .map_err(&e)?;
            let mut p = Pending::new("commission.college", format!("user:{login}"));
            p.detail = Some(college.as_str().to_string());
            Ok(((), Some(p)))
        })
    }

    /// The college of each commission member's account that has one.
    pub fn colleges(&self) -> Result<BTreeMap<String, College>> {
        let rows = self.rows("SELECT login, college FROM commission_colleges ORDER BY login", [], |r| {
            Ok((r.get::<_, String>(0)?, college(&r.get::<_, String>(1)?)?))
        })?;
        Ok(rows.into_iter().collect())
    }

    /// Opens a session: its id is its date (`-2`, `-3`… when one already sits that day).
    pub fn open_commission_session(&mut self, actor: &str, session: &NewSession) -> Result<String> {
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let day = session.on.to_string();
            let mut id = day.clone();
            let mut n = 1;
            while tx
                .query_row("SELECT 1 FROM commission_sessions WHERE id = ?1", [&id], |_| Ok(()))
                .optional()
                .map_err(&e)?
                .is_some()
            {
                n += 1;
                id = format!("{day}-{n}");
            }
            tx.execute(
                "INSERT INTO commission_sessions (id, on_date, place, opened_by, opened_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, day, session.place, actor, now],
            )
            .map_err(&e)?;
            for (i, m) in session.members.iter().enumerate() {
                tx.execute(
                    "INSERT INTO commission_members (session_id, position, name, college, login) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, i64::try_from(i).unwrap_or(i64::MAX), m.name, m.college.as_str(), m.login],
                )
                .map_err(&e)?;
            }
            let mut p = Pending::new("commission.open", format!("commission:{id}"));
            p.detail = Some(format!("{} membre(s)", session.members.len()));
            Ok((id, Some(p)))
        })
    }

    fn members_of(&self, session: &str) -> Result<Vec<SessionMember>> {
        self.rows_with(
            "SELECT name, college, login FROM commission_members WHERE session_id = ?1 ORDER BY position",
            [session],
            |r| {
                Ok(SessionMember {
                    name: r.get(0)?,
                    college: college(&r.get::<_, String>(1)?)?,
                    login: r.get(2)?,
                })
            },
        )
    }

    /// Every session, latest first.
    pub fn commission_sessions(&self) -> Result<Vec<SessionRow>> {
        let heads = self.rows(
            "SELECT id, on_date, coalesce(place, ''), coalesce(opened_by, '') FROM commission_sessions ORDER BY on_date DESC, id DESC",
            [],
            |r| Ok((r.get::<_, String>(0)?, date(&r.get::<_, String>(1)?)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)),
        )?;
        heads
            .into_iter()
            .map(|(id, on, place, opened_by)| {
                let members = self.members_of(&id)?;
                Ok(SessionRow { id, on, place, opened_by, members })
            })
            .collect()
    }

    /// One session.
    pub fn commission_session(&self, id: &str) -> Result<Option<SessionRow>> {
        Ok(self.commission_sessions()?.into_iter().find(|s| s.id == id))
    }

    /// Puts a dossier on a session's agenda (once).
    pub fn add_to_agenda(
        &mut self,
        actor: &str,
        session: &str,
        dossier: &str,
        purpose: AgendaPurpose,
    ) -> Result<()> {
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let added = tx
                .execute(
                    "INSERT OR IGNORE INTO commission_dossiers (session_id, dossier_id, purpose, added_ms) VALUES (?1, ?2, ?3, ?4)",
                    params![session, dossier, purpose.as_str(), now],
                )
                .map_err(&e)?;
            if added == 0 {
                return Ok(((), None));
            }
            let mut p = Pending::new("commission.agenda", format!("commission:{session}"));
            p.detail = Some(format!("{dossier} ({})", purpose.as_str()));
            Ok(((), Some(p)))
        })
    }

    /// A session's agenda, in the order the dossiers were put on it.
    pub fn agenda(&self, session: &str) -> Result<Vec<AgendaEntry>> {
        self.rows_with(
            "SELECT dossier_id, purpose FROM commission_dossiers WHERE session_id = ?1 ORDER BY added_ms, rowid",
            [session],
            |r| {
                let purpose = if r.get::<_, String>(1)? == "recours" { AgendaPurpose::Recours } else { AgendaPurpose::Examen };
                Ok(AgendaEntry { dossier: r.get(0)?, purpose })
            },
        )
    }

    /// The sessions whose agenda holds `dossier`, with why.
    pub fn agendas_of(&self, dossier: &str) -> Result<Vec<(String, AgendaPurpose)>> {
        self.rows_with(
            "SELECT session_id, purpose FROM commission_dossiers WHERE dossier_id = ?1 ORDER BY added_ms, rowid",
            [dossier],
            |r| {
                let purpose = if r.get::<_, String>(1)? == "recours" { AgendaPurpose::Recours } else { AgendaPurpose::Examen };
                Ok((r.get(0)?, purpose))
            },
        )
    }

    /// Records a decision and writes the dossier's new text with it: one transaction, one
    /// registry entry on the dossier (`commission.decision`). A second decision on the same
    /// dossier in the same session is refused.
    pub fn record_decision(
        &mut self,
        actor: &str,
        decision: &NewDecision,
        text: &DossierText,
    ) -> Result<i64> {
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let taken = tx
                .query_row(
                    "SELECT 1 FROM commission_decisions WHERE session_id = ?1 AND dossier_id = ?2",
                    params![decision.session, decision.dossier],
                    |_| Ok(()),
                )
                .optional()
                .map_err(&e)?;
            if taken.is_some() {
                return Err(StoreError::Refused(format!(
                    "le dossier {} est déjà décidé dans cette séance",
                    decision.dossier
                )));
            }
            let (_, pending) = put_in(tx, &path, now, &decision.dossier, &text.yaml, &text.dossier, text.facts)?;
            tx.execute(
                "INSERT INTO commission_decisions (session_id, dossier_id, outcome, units, on_date, decided_by, decided_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    decision.session,
                    decision.dossier,
                    decision.outcome,
                    decision.units.join(";"),
                    decision.on.to_string(),
                    actor,
                    now
                ],
            )
            .map_err(&e)?;
            let id = tx.last_insert_rowid();
            for (i, a) in decision.attendance.iter().enumerate() {
                tx.execute(
                    "INSERT INTO commission_attendance (decision_id, position, attendance) VALUES (?1, ?2, ?3)",
                    params![id, i64::try_from(i).unwrap_or(i64::MAX), a.as_str()],
                )
                .map_err(&e)?;
            }
            let mut p = Pending::new("commission.decision", format!("dossier:{}", decision.dossier));
            if let Some(put) = pending {
                p.before = put.before;
                p.after = put.after;
            }
            p.detail = Some(format!("séance {} : {}", decision.session, decision.outcome));
            Ok((id, Some(p)))
        })
    }

    fn decisions_where(&self, clause: &str, key: &str) -> Result<Vec<DecisionRow>> {
        let heads = self.rows_with(
            &format!(
                "SELECT id, session_id, dossier_id, outcome, units, on_date, decided_by FROM commission_decisions WHERE {clause} ORDER BY id"
            ),
            [key],
            |r| {
                Ok(DecisionRow {
                    id: r.get(0)?,
                    session: r.get(1)?,
                    dossier: r.get(2)?,
                    outcome: r.get(3)?,
                    units: units(&r.get::<_, String>(4)?),
                    on: date(&r.get::<_, String>(5)?)?,
                    decided_by: r.get(6)?,
                    attendance: Vec::new(),
                })
            },
        )?;
        heads
            .into_iter()
            .map(|mut d| {
                d.attendance = self
                    .rows_with(
                        "SELECT attendance FROM commission_attendance WHERE decision_id = ?1 ORDER BY position",
                        [d.id],
                        |r| r.get::<_, String>(0),
                    )?
                    .iter()
                    .map(|a| Attendance::parse(a).unwrap_or(Attendance::Absent))
                    .collect();
                Ok(d)
            })
            .collect()
    }

    /// The decisions taken in a session, in order.
    pub fn session_decisions(&self, session: &str) -> Result<Vec<DecisionRow>> {
        self.decisions_where("session_id = ?1", session)
    }

    /// Every decision on a dossier, oldest first (the last is the dossier's current one).
    pub fn dossier_decisions(&self, dossier: &str) -> Result<Vec<DecisionRow>> {
        self.decisions_where("dossier_id = ?1", dossier)
    }

    /// Records an appeal against a decision and writes the dossier's new text with it: one
    /// transaction, one registry entry on the dossier (`commission.appeal`). One appeal per
    /// decision.
    pub fn record_appeal(&mut self, actor: &str, appeal: &NewAppeal, text: &DossierText) -> Result<()> {
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let taken = tx
                .query_row("SELECT 1 FROM commission_appeals WHERE decision_id = ?1", [appeal.decision], |_| Ok(()))
                .optional()
                .map_err(&e)?;
            if taken.is_some() {
                return Err(StoreError::Refused("un recours est déjà enregistré contre cette décision".to_string()));
            }
            let (_, pending) = put_in(tx, &path, now, &appeal.dossier, &text.yaml, &text.dossier, text.facts)?;
            tx.execute(
                "INSERT INTO commission_appeals (decision_id, dossier_id, filed_on, ground, details, admitted, reason, recorded_by, recorded_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    appeal.decision,
                    appeal.dossier,
                    appeal.filed.to_string(),
                    appeal.ground,
                    appeal.details,
                    appeal.admitted,
                    appeal.reason,
                    actor,
                    now
                ],
            )
            .map_err(&e)?;
            let mut p = Pending::new("commission.appeal", format!("dossier:{}", appeal.dossier));
            if let Some(put) = pending {
                p.before = put.before;
                p.after = put.after;
            }
            p.detail = Some(format!("{} : {}", appeal.ground, if appeal.admitted { "recevable" } else { "irrecevable" }));
            Ok(((), Some(p)))
        })
    }

    /// The appeals on a dossier, oldest first.
    pub fn dossier_appeals(&self, dossier: &str) -> Result<Vec<AppealRow>> {
        self.rows_with(
            "SELECT decision_id, dossier_id, filed_on, ground, details, admitted, reason FROM commission_appeals WHERE dossier_id = ?1 ORDER BY id",
            [dossier],
            |r| {
                Ok(AppealRow {
                    decision: r.get(0)?,
                    dossier: r.get(1)?,
                    filed: date(&r.get::<_, String>(2)?)?,
                    ground: r.get(3)?,
                    details: r.get(4)?,
                    admitted: r.get(5)?,
                    reason: r.get(6)?,
                })
            },
        )
    }

    /// Keeps a procès-verbal of a session as printed (`commission.minutes`).
    pub fn add_minutes(&mut self, actor: &str, session: &str, bytes: &[u8]) -> Result<i64> {
        if bytes.len() > super::MAX_FILE_BYTES {
            return Err(StoreError::Refused("procès-verbal trop volumineux".to_string()));
        }
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let hash = sha256(bytes);
            tx.execute(
                "INSERT INTO commission_minutes (session_id, sha256, bytes, produced_by, produced_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![session, hash.as_slice(), bytes, actor, now],
            )
            .map_err(&e)?;
            let id = tx.last_insert_rowid();
            let mut p = Pending::new("commission.minutes", format!("commission:{session}"));
            p.after = Some(hash);
            Ok((id, Some(p)))
        })
    }

    /// The procès-verbaux of a session, oldest first.
    pub fn minutes(&self, session: &str) -> Result<Vec<MinutesRow>> {
        self.rows_with(
            "SELECT id, session_id, sha256, length(bytes), produced_by, produced_ms FROM commission_minutes WHERE session_id = ?1 ORDER BY id",
            [session],
            minutes_row,
        )
    }

    /// One procès-verbal and its bytes.
    pub fn minutes_bytes(&self, id: i64) -> Result<Option<(MinutesRow, Vec<u8>)>> {
        let e = db(&self.path);
        self.conn
            .query_row(
                "SELECT id, session_id, sha256, length(bytes), produced_by, produced_ms, bytes FROM commission_minutes WHERE id = ?1",
                [id],
                |r| Ok((minutes_row(r)?, r.get::<_, Vec<u8>>(6)?)),
            )
            .optional()
            .map_err(&e)
    }

    /// Every row `sql` selects with `params`, each read by the closure `row`.
    fn rows_with<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let e = db(&self.path);
        let mut stmt = self.conn.prepare(sql).map_err(&e)?;
        let rows = stmt.query_map(params, row).map_err(&e)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&e)
    }
}

fn minutes_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MinutesRow> {
    let hash: Vec<u8> = r.get(2)?;
    Ok(MinutesRow {
        id: r.get(0)?,
        session: r.get(1)?,
        sha256: hash.try_into().unwrap_or([0; 32]),
        size: usize::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
        produced_by: r.get(4)?,
        produced_ms: r.get(5)?,
    })
}
