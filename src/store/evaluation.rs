//! The evaluating body's work in the store: each change of the evaluation saved with the
//! levels it changed (the dossier's history) and its registry entry, in one transaction; the
//! evaluation sent to AUVICOM as a numbered version, which freezes it; a correction reopens it
//! with its reason, and the next sending is the next version. Nothing is ever edited in place
//! once sent.

use super::sqlite::{Pending, SqliteStore, db, put_in};
use super::{DossierFacts, Result, StoreError};
use crate::dossier::Dossier;
use crate::dossier::history::AssessmentChange;
use crate::registry::sha256;
use rusqlite::{OptionalExtension, Transaction, params};

/// A new text of a dossier, computed from the text whose hash is `expected_sha256`.
pub struct EvaluationUpdate<'a> {
    /// The hash of the text the change was computed from.
    pub expected_sha256: [u8; 32],
    /// The new text.
    pub yaml: &'a str,
    /// The dossier it loads as.
    pub dossier: &'a Dossier,
    /// The engine's facts on it.
    pub facts: DossierFacts,
    /// The levels it changes.
    pub changes: &'a [AssessmentChange],
}

/// A version of the evaluation sent to AUVICOM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentVersion {
    /// Its number, from 1.
    pub version: i64,
    /// When it was sent.
    pub sent_ms: i64,
    /// Who sent it (login).
    pub sent_by: String,
    /// The SHA-256 of the text sent, in hex.
    pub sha256: String,
    /// When it was reopened for a correction, by whom and why.
    pub reopened: Option<(i64, String, String)>,
}

/// A row of the dossier's history of levels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRow {
    /// When.
    pub at_ms: i64,
    /// The account that saved it.
    pub actor: String,
    /// Where the level was given (`preuves`, `observation`, …).
    pub phase: String,
    /// The piece or contact.
    pub place: String,
    /// The item.
    pub item: String,
    /// The level before.
    pub before: Option<u8>,
    /// The level after.
    pub after: Option<u8>,
    /// The evaluator the dossier names for it.
    pub by: Option<String>,
}

/// The rows of `assessment_history` of one dossier (`?1`), oldest first, as [`history_row`]
/// reads them.
pub(super) const HISTORY_SQL: &str = "SELECT at_ms, actor, phase, place, item, before_level, after_level, by_name \
     FROM assessment_history WHERE dossier_id = ?1 ORDER BY id";

/// A row of [`HISTORY_SQL`].
pub(super) fn history_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryRow> {
    Ok(HistoryRow {
        at_ms: r.get(0)?,
        actor: r.get(1)?,
        phase: r.get(2)?,
        place: r.get(3)?,
        item: r.get(4)?,
        before: r.get(5)?,
        after: r.get(6)?,
        by: r.get(7)?,
    })
}

/// Why an evaluation change was not saved.
#[derive(Debug)]
pub enum SaveOutcome {
    /// Saved.
    Saved,
    /// The dossier changed since it was read: read it again and redo the change.
    Stale,
    /// The evaluation was sent and is frozen.
    Frozen,
}

/// Why the evaluation of `id` cannot take the update computed from the text whose hash is
/// `expected` (`Frozen`, `Stale`), or `None` when it can.
fn blocked(
    tx: &Transaction<'_>,
    path: &std::path::Path,
    id: &str,
    expected: &[u8; 32],
) -> Result<Option<SaveOutcome>> {
    let row: Option<(bool, Vec<u8>)> = tx
        .query_row("SELECT evaluation_frozen, yaml_sha256 FROM dossiers WHERE id = ?1", [id], |r| {
            Ok((r.get::<_, i64>(0)? == 1, r.get(1)?))
        })
        .optional()
        .map_err(db(path))?;
    match row {
        None => Err(StoreError::NotFound { what: "dossier", id: id.to_string() }),
        Some((true, _)) => Ok(Some(SaveOutcome::Frozen)),
        Some((false, current)) if current.as_slice() != expected.as_slice() => Ok(Some(SaveOutcome::Stale)),
        Some(_) => Ok(None),
    }
}

impl SqliteStore {
    /// Saves a change of the evaluation: refused when the evaluation is frozen, `Stale` when the
    /// dossier changed since it was read; otherwise the text, the levels changed and one
    /// registry entry (`evaluation.change`), at once.
    pub fn save_evaluation(
        &mut self,
        actor: &str,
        id: &str,
        u: &EvaluationUpdate<'_>,
    ) -> Result<SaveOutcome> {
        let path = self.path.clone();
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let e = db(&path);
            if let Some(outcome) = blocked(tx, &path, id, &u.expected_sha256)? {
                return Ok((outcome, None));
            }
            let (_, entry) = put_in(tx, &path, now, id, u.yaml, u.dossier, u.facts)?;
            insert_history(tx, id, now, actor, u.changes).map_err(&e)?;
            let entry = entry.map(|mut p| {
                p.action = "evaluation.change";
                p.detail = Some(format!("{} niveau(x) modifié(s)", u.changes.len()));
                p
            });
            Ok((SaveOutcome::Saved, entry))
        })
    }

    /// Sends the evaluation to AUVICOM: the text (with its synthesis record) saved as the next
    /// version and frozen. `Stale` when the dossier changed since it was read, `Frozen` when it
    /// was already sent.
    pub fn send_evaluation(
        &mut self,
        actor: &str,
        id: &str,
        u: &EvaluationUpdate<'_>,
    ) -> Result<(SaveOutcome, i64)> {
        let path = self.path.clone();
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let e = db(&path);
            if let Some(outcome) = blocked(tx, &path, id, &u.expected_sha256)? {
                return Ok(((outcome, 0), None));
            }
            put_in(tx, &path, now, id, u.yaml, u.dossier, u.facts)?;
            insert_history(tx, id, now, actor, u.changes).map_err(&e)?;
            let version: i64 = tx
                .query_row(
                    "SELECT coalesce(max(version), 0) + 1 FROM evaluation_versions WHERE dossier_id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .map_err(&e)?;
            let hash = sha256(u.yaml.as_bytes());
            tx.execute(
                "INSERT INTO evaluation_versions (dossier_id, version, sent_ms, sent_by, yaml_sha256, yaml) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, version, now, actor, hash.as_slice(), u.yaml],
            )
            .map_err(&e)?;
            tx.execute("UPDATE dossiers SET evaluation_frozen = 1 WHERE id = ?1", [id]).map_err(&e)?;
            let mut p = Pending::new("evaluation.send", format!("dossier:{id}"));
            p.after = Some(hash);
            p.detail = Some(format!("version {version}"));
            Ok(((SaveOutcome::Saved, version), Some(p)))
        })
    }

    /// Reopens a sent evaluation for a correction, with its reason: the last version records
    /// who reopened it, when and why. Refused when it is not frozen or the reason is empty.
    pub fn reopen_evaluation(&mut self, actor: &str, id: &str, reason: &str) -> Result<i64> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused("a correction needs its reason".into()));
        }
        let path = self.path.clone();
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let e = db(&path);
            let is_frozen: Option<bool> = tx
                .query_row("SELECT evaluation_frozen FROM dossiers WHERE id = ?1", [id], |r| {
                    Ok(r.get::<_, i64>(0)? == 1)
                })
                .optional()
                .map_err(&e)?;
            if !is_frozen.ok_or_else(|| StoreError::NotFound { what: "dossier", id: id.to_string() })? {
                return Err(StoreError::Refused(format!("the evaluation of `{id}` is not sent")));
            }
            let version: i64 = tx
                .query_row("SELECT max(version) FROM evaluation_versions WHERE dossier_id = ?1", [id], |r| {
                    r.get(0)
                })
                .map_err(&e)?;
            tx.execute(
                "UPDATE evaluation_versions SET reopened_ms = ?3, reopened_by = ?4, reopen_reason = ?5 \
                 WHERE dossier_id = ?1 AND version = ?2",
                params![id, version, now, actor, reason],
            )
            .map_err(&e)?;
            tx.execute("UPDATE dossiers SET evaluation_frozen = 0 WHERE id = ?1", [id]).map_err(&e)?;
            let mut p = Pending::new("evaluation.reopen", format!("dossier:{id}"));
            p.after = Some(sha256(reason.as_bytes()));
            p.detail = Some(format!("version {version}"));
            Ok((version, Some(p)))
        })
    }

    /// Whether the evaluation of `id` is frozen (sent and not reopened).
    pub fn evaluation_frozen(&self, id: &str) -> Result<bool> {
        let e = db(&self.path);
        Ok(self
            .conn
            .query_row("SELECT evaluation_frozen FROM dossiers WHERE id = ?1", [id], |r| {
                Ok(r.get::<_, i64>(0)? == 1)
            })
            .optional()
            .map_err(&e)?
            .unwrap_or(false))
    }

    /// Whether the evaluation of `id` is frozen, and its versions sent, oldest first.
    pub fn evaluation_versions(&self, id: &str) -> Result<(bool, Vec<SentVersion>)> {
        let is_frozen = self.evaluation_frozen(id)?;
        let versions = self.rows(
            "SELECT version, sent_ms, sent_by, yaml_sha256, reopened_ms, reopened_by, reopen_reason \
             FROM evaluation_versions WHERE dossier_id = ?1 ORDER BY version",
            [id],
            |r| {
                let hash: Vec<u8> = r.get(3)?;
                let hash: [u8; 32] = hash.try_into().unwrap_or([0; 32]);
                let reopened = match (r.get::<_, Option<i64>>(4)?, r.get::<_, Option<String>>(5)?) {
                    (Some(at), Some(by)) => {
                        Some((at, by, r.get::<_, Option<String>>(6)?.unwrap_or_default()))
                    }
                    _ => None,
                };
                Ok(SentVersion {
                    version: r.get(0)?,
                    sent_ms: r.get(1)?,
                    sent_by: r.get(2)?,
                    sha256: crate::registry::hex(&hash),
                    reopened,
                })
            },
        )?;
        Ok((is_frozen, versions))
    }

    /// The history of the levels of `id`, oldest first.
    pub fn assessment_history(&self, id: &str) -> Result<Vec<HistoryRow>> {
        self.rows(HISTORY_SQL, [id], history_row)
    }
}

fn insert_history(
    tx: &Transaction<'_>,
    id: &str,
    now: i64,
    actor: &str,
    changes: &[AssessmentChange],
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO assessment_history (dossier_id, at_ms, actor, phase, place, item, before_level, after_level, by_name) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for c in changes {
        stmt.execute(params![id, now, actor, c.phase, c.place, c.item, c.before, c.after, c.by])?;
    }
    Ok(())
}
