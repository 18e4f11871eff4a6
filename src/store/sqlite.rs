//! The `SQLite` implementation of the [`Store`]: one file, WAL journal, `synchronous=FULL`,
//! foreign keys on, a busy timeout; the migrations of `migrations/` embedded and applied at
//! open, each in one transaction, recorded in `schema_migrations` and `PRAGMA user_version`.

use super::{
    BodySummary, DossierFacts, DossierQuery, DossierSummary, DueForErasure, Erasure, MAX_FILE_BYTES, NewUser,
    Purge, PutOutcome, Result, Store, StoreError, StoredDocument, StoredFile, User, dossier_state,
};
use crate::accounts::Role;
use crate::clock::Clock;
use crate::date::Date;
use crate::dossier::Dossier;
use crate::registry::{self, Change, Entry, Hash, sha256};
use crate::retention::Retention;
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The migrations, in order: (version, name, SQL).
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (2, "desk", include_str!("../../migrations/0002_desk.sql")),
    (3, "list_order", include_str!("../../migrations/0003_list_order.sql")),
    (4, "search", include_str!("../../migrations/0004_search.sql")),
    (5, "list_covering", include_str!("../../migrations/0005_list_covering.sql")),
    (6, "quiz", include_str!("../../migrations/0006_quiz.sql")),
    (7, "candidate_accounts", include_str!("../../migrations/0007_candidate_accounts.sql")),
    (8, "evaluation", include_str!("../../migrations/0008_evaluation.sql")),
    (9, "api_tokens", include_str!("../../migrations/0009_api_tokens.sql")),
    (10, "commission", include_str!("../../migrations/0010_commission.sql")),
];

/// The schema version this build writes (the last migration).
pub const SCHEMA_VERSION: i64 = 10;

/// `PRAGMA application_id` of a cqpt store ("cqpt" in ASCII).
pub const APPLICATION_ID: i64 = 0x6371_7074;

/// How long a write waits for another writer before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A store in one `SQLite` file.
pub struct SqliteStore {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    pub(super) clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens the store at `path`, creating it (and its folder) when absent, and applies the
    /// migrations it lacks. A store of a newer schema, or another application's database, is
    /// refused.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        }
        create_private(path)?;
        let conn = Connection::open(path).map_err(db(path))?;
        let mut store = SqliteStore { conn, path: path.to_path_buf(), clock };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing store file only to read it (a backup being checked): no migration.
    pub fn open_existing(path: &Path, clock: Arc<dyn Clock>) -> Result<SqliteStore> {
        if !path.is_file() {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(db(path))?;
        let store = SqliteStore { conn, path: path.to_path_buf(), clock };
        let version = store.schema_version()?;
        store.check_identity(version)?;
        if version != SCHEMA_VERSION {
            return Err(StoreError::Refused(format!(
                "{} has schema version {version}; this cqpt reads version {SCHEMA_VERSION}",
                path.display()
            )));
        }
        Ok(store)
    }

    /// The file of the store.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lets the database grow by at most `pages` more pages through this connection
    /// (`PRAGMA max_page_count`): a write that needs more fails as on a full disk
    /// ([`StoreError::is_storage_full`]) and is rolled back. A quota, and how a full disk is
    /// tested without one. The new limit, in pages.
    pub fn limit_growth(&self, pages: i64) -> Result<i64> {
        let e = db(&self.path);
        let now: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(&e)?;
        self.conn.query_row(&format!("PRAGMA max_page_count = {}", now + pages), [], |r| r.get(0)).map_err(&e)
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(db(&self.path))
    }

    /// Checks the registry chain ([`registry::verify`]).
    pub fn verify_registry(&self) -> Result<usize> {
        let entries = self.registry()?;
        registry::verify(&entries)
            .map_err(|broken| StoreError::BrokenChain { path: self.path.clone(), broken })?;
        Ok(entries.len())
    }

    fn configure(&self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(db(&self.path))?;
        self.conn
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(db(&self.path))
    }

    fn check_identity(&self, version: i64) -> Result<()> {
        let app: i64 =
            self.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(db(&self.path))?;
        if app != 0 && app != APPLICATION_ID {
            return Err(StoreError::NotAStore { path: self.path.clone(), found: app });
        }
        if app == 0 && version == 0 {
            let tables: i64 = self
                .conn
                .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
                .map_err(db(&self.path))?;
            if tables > 0 {
                return Err(StoreError::NotAStore { path: self.path.clone(), found: app });
            }
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let version = self.schema_version()?;
        self.check_identity(version)?;
        let now = self.clock.now_ms();
        for &(number, name, sql) in MIGRATIONS.iter().filter(|(n, _, _)| *n > version) {
            let path = self.path.clone();
            let tx = self.conn.transaction().map_err(db(&path))?;
            tx.execute_batch(sql).map_err(db(&path))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?1, ?2, ?3)",
                params![number, name, now],
            )
            .map_err(db(&path))?;
            tx.execute_batch(&format!(
                "PRAGMA user_version = {number}; PRAGMA application_id = {APPLICATION_ID};"
            ))
            .map_err(db(&path))?;
            tx.commit().map_err(db(&path))?;
        }
        Ok(())
    }

    /// Runs `f` in one immediate transaction, then appends the registry entry it returns (if
    /// any) and commits: no change without its entry.
    pub(super) fn write<T>(
        &mut self,
        actor: &str,
        f: impl FnOnce(&Transaction<'_>) -> Result<(T, Option<Pending>)>,
    ) -> Result<T> {
        let path = self.path.clone();
        let at_ms = self.clock.now_ms();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db(&path))?;
        let (value, pending) = f(&tx)?;
        if let Some(p) = pending {
            let change = Change {
                actor: actor.to_string(),
                at_ms,
                action: p.action.to_string(),
                subject: p.subject,
                before: p.before,
                after: p.after,
                detail: p.detail,
            };
            append_entry(&tx, change).map_err(db(&path))?;
        }
        tx.commit().map_err(db(&path))?;
        Ok(value)
    }
}

/// The body of [`Store::put_dossier`] inside its transaction: the dossier, its candidate,
/// employers and evaluating body, and the registry entry to append.
#[allow(clippy::too_many_arguments)]
pub(super) fn put_in(
    tx: &Transaction<'_>,
    path: &Path,
    now: i64,
    id: &str,
    yaml: &str,
    dossier: &Dossier,
    facts: DossierFacts,
) -> Result<(PutOutcome, Option<Pending>)> {
    let e = db(path);
    let after = sha256(yaml.as_bytes());
    let before: Option<(Option<String>, Vec<u8>)> = tx
        .query_row("SELECT yaml, yaml_sha256 FROM dossiers WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
        .map_err(&e)?;
    if let Some((Some(_), hash)) = &before
        && hash.as_slice() == after.as_slice()
    {
        return Ok((PutOutcome::Unchanged, None));
    }
    let c = &dossier.candidate;
    let birth = c.birth_date.map(|d| d.to_string());
    tx.execute(
        "INSERT INTO candidates (id, family_name, given_name, birth_date, erased_ms) VALUES (?1, ?2, ?3, ?4, NULL) \
         ON CONFLICT (id) DO UPDATE SET family_name = ?2, given_name = ?3, birth_date = ?4, erased_ms = NULL",
        params![c.id, c.family_name, c.given_name, birth],
    )
    .map_err(&e)?;
    let body = dossier.evaluating_body.as_ref();
    if let Some(b) = body {
        tx.execute(
            "INSERT INTO evaluating_bodies (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET name = ?2",
            params![b.id, b.name],
        )
        .map_err(&e)?;
        for a in &b.accreditation {
            tx.execute(
                "INSERT OR IGNORE INTO accreditations (body_id, event, on_date) VALUES (?1, ?2, ?3)",
                params![b.id, a.event.as_str(), a.on.to_string()],
            )
            .map_err(&e)?;
        }
    }
    tx.execute(
        "INSERT INTO dossiers (id, certificate, state, candidate_id, body_id, latest_date, yaml, yaml_sha256, updated_ms, phase, recevable, search) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (id) DO UPDATE SET certificate = ?2, state = ?3, \
         candidate_id = ?4, body_id = ?5, latest_date = ?6, yaml = ?7, yaml_sha256 = ?8, updated_ms = ?9, phase = ?10, recevable = ?11, search = ?12",
        params![
            id,
            dossier.certificate,
            dossier_state(dossier, &facts),
            c.id,
            body.map(|b| b.id.as_str()),
            dossier.latest_date().to_string(),
            yaml,
            after.as_slice(),
            now,
            facts.phase,
            facts.recevable,
            format!("{id} {} {} {}", c.id, c.family_name, c.given_name).to_lowercase(),
        ],
    )
    .map_err(&e)?;
    tx.execute("DELETE FROM dossier_employers WHERE dossier_id = ?1", [id]).map_err(&e)?;
    for emp in &dossier.employment {
        tx.execute(
            "INSERT INTO employers (name, in_branch) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET in_branch = ?2",
            params![emp.employer, emp.in_branch],
        )
        .map_err(&e)?;
        tx.execute(
            "INSERT OR IGNORE INTO dossier_employers (dossier_id, employer) VALUES (?1, ?2)",
            params![id, emp.employer],
        )
        .map_err(&e)?;
    }
    let (outcome, action) = if before.is_some() {
        (PutOutcome::Updated, "dossier.update")
    } else {
        (PutOutcome::Created, "dossier.import")
    };
    let mut p = Pending::new(action, format!("dossier:{id}"));
    p.before = before.map(|(_, h)| hash_column(Some(h)).unwrap_or_default());
    p.after = Some(after);
    p.detail = Some(dossier_state(dossier, &facts).to_string());
    Ok((outcome, Some(p)))
}

/// `id` if it can name a `what` (a dossier, a body): letters, digits, `-`, `_` and `.`, as a
/// file name would give it.
fn checked_id(id: &str, what: &str) -> Result<()> {
    if super::dossier_id(id).as_deref() == Some(id) {
        Ok(())
    } else {
        Err(StoreError::Refused(format!("`{id}` is not a {what} id (letters, digits, -, _ and .)")))
    }
}

/// Creates the store file readable and writable by its owner only (0600 on Unix) when it does
/// not exist yet: it holds personal data, access-code and session hashes. `SQLite` gives its
/// journal files the permissions of the database file.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Io { path: path.to_path_buf(), source }),
    }
}

/// A registry entry to append with a write.
pub(super) struct Pending {
    pub(super) action: &'static str,
    pub(super) subject: String,
    pub(super) before: Option<Hash>,
    pub(super) after: Option<Hash>,
    pub(super) detail: Option<String>,
}

impl Pending {
    pub(super) fn new(action: &'static str, subject: String) -> Pending {
        Pending { action, subject, before: None, after: None, detail: None }
    }
}

/// The error mapper of a database call on the store at `path`.
pub(super) fn db(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Database { path: path.to_path_buf(), source }
}

fn append_entry(tx: &Transaction<'_>, change: Change) -> rusqlite::Result<()> {
    let last = tx
        .query_row("SELECT seq, previous, actor, at_ms, action, subject, before, after, detail, hash FROM registry ORDER BY id DESC LIMIT 1", [], entry_from_row)
        .optional()?;
    let entry = registry::append(last.as_ref(), change);
    tx.execute(
        "INSERT INTO registry (seq, previous, actor, at_ms, action, subject, before, after, detail, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            entry.seq,
            entry.previous.as_slice(),
            entry.change.actor,
            entry.change.at_ms,
            entry.change.action,
            entry.change.subject,
            entry.change.before.as_ref().map(<[u8; 32]>::as_slice),
            entry.change.after.as_ref().map(<[u8; 32]>::as_slice),
            entry.change.detail,
            entry.hash.as_slice(),
        ],
    )?;
    Ok(())
}

/// A 32-byte column; a wrong length reads as all zeros, which no hash matches.
fn hash_column(bytes: Option<Vec<u8>>) -> Option<Hash> {
    bytes.map(|b| <[u8; 32]>::try_from(b.as_slice()).unwrap_or([0; 32]))
}

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        seq: r.get(0)?,
        previous: hash_column(Some(r.get(1)?)).unwrap_or_default(),
        change: Change {
            actor: r.get(2)?,
            at_ms: r.get(3)?,
            action: r.get(4)?,
            subject: r.get(5)?,
            before: hash_column(r.get(6)?),
            after: hash_column(r.get(7)?),
            detail: r.get(8)?,
        },
        hash: hash_column(Some(r.get(9)?)).unwrap_or_default(),
    })
}

pub(super) fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    let role = role.parse::<Role>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(User {
        id: r.get(0)?,
        login: r.get(1)?,
        display_name: r.get(2)?,
        role,
        body: r.get(4)?,
        password_hash: r.get(5)?,
        disabled: r.get(6)?,
        candidate: r.get(7)?,
    })
}

pub(super) const USER_COLUMNS: &str =
    "id, login, display_name, role, body_id, password_hash, disabled, candidate_id";

fn file_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredFile> {
    Ok(StoredFile {
        id: r.get(0)?,
        dossier: r.get(1)?,
        name: r.get(2)?,
        media_type: r.get(3)?,
        size: r.get::<_, i64>(4)? as usize,
        sha256: hash_column(Some(r.get(5)?)).unwrap_or_default(),
    })
}

const FILE_COLUMNS: &str = "id, dossier_id, name, media_type, size, sha256";

fn parse_date(text: &str) -> rusqlite::Result<Date> {
    text.parse::<Date>()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into()))
}

/// Stores bytes once by their SHA-256.
fn put_blob(tx: &Transaction<'_>, bytes: &[u8]) -> rusqlite::Result<Hash> {
    let hash = sha256(bytes);
    tx.execute(
        "INSERT OR IGNORE INTO blobs (sha256, bytes) VALUES (?1, ?2)",
        params![hash.as_slice(), bytes],
    )?;
    Ok(hash)
}

/// Deletes the blobs no file or document refers to any more.
fn drop_orphan_blobs(tx: &Transaction<'_>) -> rusqlite::Result<usize> {
    tx.execute(
        "DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM files) \
         AND sha256 NOT IN (SELECT sha256 FROM documents)",
        [],
    )
}

/// The hash of a candidate's personal data, as the registry's before/after of their record.
fn person_hash(id: &str, family: Option<&str>, given: Option<&str>, birth: Option<&str>) -> Hash {
    let mut bytes = Vec::new();
    for part in [Some(id), family, given, birth] {
        let part = part.unwrap_or("");
        bytes.extend_from_slice(&(part.len() as u64).to_be_bytes());
        bytes.extend_from_slice(part.as_bytes());
    }
    sha256(&bytes)
}

fn too_large(name: &str, size: usize) -> Result<()> {
    if size > MAX_FILE_BYTES {
        return Err(StoreError::TooLarge { name: name.to_string(), size, limit: MAX_FILE_BYTES });
    }
    Ok(())
}

/// The columns of a registry [`Entry`], in the order `entry_from_row` reads them.
const ENTRY_COLUMNS: &str = "seq, previous, actor, at_ms, action, subject, before, after, detail, hash";

impl SqliteStore {
    /// Every row `sql` selects with `params`, each read by `row`.
    pub(super) fn rows<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let e = db(&self.path);
        let mut stmt = self.conn.prepare(sql).map_err(&e)?;
        let rows = stmt.query_map(params, row).map_err(&e)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&e)
    }
}

impl Store for SqliteStore {
    fn put_dossier(
        &mut self,
        actor: &str,
        id: &str,
        yaml: &str,
        dossier: &Dossier,
        facts: &DossierFacts,
    ) -> Result<PutOutcome> {
        checked_id(id, "dossier")?;
        too_large(id, yaml.len())?;
        let path = self.path.clone();
        let now = self.clock.now_ms();
        self.write(actor, |tx| put_in(tx, &path, now, id, yaml, dossier, *facts))
    }

    fn create_dossier(
        &mut self,
        actor: &str,
        base: &str,
        yaml: &str,
        dossier: &Dossier,
        facts: &DossierFacts,
    ) -> Result<String> {
        checked_id(base, "dossier")?;
        too_large(base, yaml.len())?;
        let path = self.path.clone();
        let now = self.clock.now_ms();
        // The free id is chosen inside the write transaction (`BEGIN IMMEDIATE`): a second
        // writer, in this process or another server on the same file, waits for the commit and
        // then sees the id taken.
        self.write(actor, |tx| {
            let mut id = base.to_string();
            let mut n = 1;
            while tx
                .query_row("SELECT 1 FROM dossiers WHERE id = ?1", [&id], |_| Ok(()))
                .optional()
                .map_err(db(&path))?
                .is_some()
            {
                n += 1;
                id = format!("{base}-{n}");
            }
            let (_, pending) = put_in(tx, &path, now, &id, yaml, dossier, *facts)?;
            Ok((id, pending))
        })
    }

    fn dossiers(&self) -> Result<Vec<DossierSummary>> {
        self.rows(&format!("SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} ORDER BY d.id"), [], summary_from_row)
    }

    fn find_dossiers(&self, q: &DossierQuery) -> Result<(Vec<DossierSummary>, usize)> {
        let e = db(&self.path);
        let (filter, values) = super::query::where_clause(q);
        let total: i64 = self
            .conn
            .query_row(
                &format!("SELECT count(*) {SUMMARY_FROM} {filter}"),
                params_from_iter(values.iter()),
                |r| r.get(0),
            )
            .map_err(&e)?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} {filter} ORDER BY d.updated_ms DESC, d.id LIMIT {} OFFSET {}",
            q.limit.clamp(1, 500),
            q.offset
        );
        let mut stmt = self.conn.prepare(&sql).map_err(&e)?;
        let rows = stmt.query_map(params_from_iter(values.iter()), summary_from_row).map_err(&e)?;
        let rows = rows.collect::<rusqlite::Result<_>>().map_err(&e)?;
        Ok((rows, usize::try_from(total).unwrap_or(0)))
    }

    fn dossiers_of_candidate(&self, candidate: &str) -> Result<Vec<DossierSummary>> {
        self.rows(
            &format!("SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE d.candidate_id = ?1 ORDER BY d.id"),
            [candidate],
            summary_from_row,
        )
    }

    fn dossier(&self, id: &str) -> Result<Option<DossierSummary>> {
        self.conn
            .query_row(
                &format!("SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE d.id = ?1"),
                [id],
                summary_from_row,
            )
            .optional()
            .map_err(db(&self.path))
    }

    fn registry_of(&self, subject: &str) -> Result<Vec<Entry>> {
        self.rows(
            &format!("SELECT {ENTRY_COLUMNS} FROM registry WHERE subject = ?1 ORDER BY id"),
            [subject],
            entry_from_row,
        )
    }

    fn bodies(&self) -> Result<Vec<BodySummary>> {
        let e = db(&self.path);
        let mut stmt =
            self.conn.prepare("SELECT id, name FROM evaluating_bodies ORDER BY name, id").map_err(&e)?;
        let mut bodies: Vec<BodySummary> = stmt
            .query_map([], |r| Ok(BodySummary { id: r.get(0)?, name: r.get(1)?, accreditation: Vec::new() }))
            .map_err(&e)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&e)?;
        let mut events = self
            .conn
            .prepare("SELECT event, on_date FROM accreditations WHERE body_id = ?1 ORDER BY on_date")
            .map_err(&e)?;
        for b in &mut bodies {
            b.accreditation = events
                .query_map([&b.id], |r| Ok((r.get::<_, String>(0)?, parse_date(&r.get::<_, String>(1)?)?)))
                .map_err(&e)?
                .collect::<rusqlite::Result<_>>()
                .map_err(&e)?;
        }
        Ok(bodies)
    }

    fn create_body(&mut self, actor: &str, id: &str, name: &str) -> Result<()> {
        checked_id(id, "body")?;
        let path = self.path.clone();
        self.write(actor, |tx| {
            let inserted = tx.execute("INSERT INTO evaluating_bodies (id, name) VALUES (?1, ?2)", [id, name]);
            if let Err(rusqlite::Error::SqliteFailure(f, _)) = &inserted
                && f.code == rusqlite::ErrorCode::ConstraintViolation
            {
                return Err(StoreError::Refused(format!("the body `{id}` exists already")));
            }
            inserted.map_err(db(&path))?;
            let mut p = Pending::new("body.create", format!("body:{id}"));
            p.detail = Some(name.to_string());
            Ok(((), Some(p)))
        })
    }

    fn record_accreditation(&mut self, actor: &str, body: &str, event: &str, on: Date) -> Result<()> {
        let path = self.path.clone();
        self.write(actor, |tx| {
            let e = db(&path);
            let known: Option<String> = tx
                .query_row("SELECT id FROM evaluating_bodies WHERE id = ?1", [body], |r| r.get(0))
                .optional()
                .map_err(&e)?;
            if known.is_none() {
                return Err(StoreError::Refused(format!("no evaluating body `{body}`")));
            }
            let added = tx
                .execute(
                    "INSERT OR IGNORE INTO accreditations (body_id, event, on_date) VALUES (?1, ?2, ?3)",
                    params![body, event, on.to_string()],
                )
                .map_err(&e)?;
            if added == 0 {
                return Err(StoreError::Refused(format!(
                    "`{event}` on {on} is already recorded for `{body}`"
                )));
            }
            let mut p = Pending::new("body.accreditation", format!("body:{body}"));
            p.detail = Some(format!("{event} {on}"));
            Ok(((), Some(p)))
        })
    }

    fn documents(&self, dossier: &str) -> Result<Vec<StoredDocument>> {
        self.rows(
            &format!("SELECT {DOCUMENT_COLUMNS} FROM documents d JOIN blobs b ON b.sha256 = d.sha256 WHERE d.dossier_id = ?1 ORDER BY d.id"),
            [dossier],
            document_from_row,
        )
    }

    fn document_bytes(&self, id: i64) -> Result<Option<(StoredDocument, Vec<u8>)>> {
        let e = db(&self.path);
        self.conn
            .query_row(
                &format!("SELECT {DOCUMENT_COLUMNS}, b.bytes FROM documents d JOIN blobs b ON b.sha256 = d.sha256 WHERE d.id = ?1"),
                [id],
                |r| Ok((document_from_row(r)?, r.get(6)?)),
            )
            .optional()
            .map_err(&e)
    }

    fn dossier_yaml(&self, id: &str) -> Result<Option<Option<String>>> {
        self.conn
            .query_row("SELECT yaml FROM dossiers WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(db(&self.path))
    }

    fn create_user(&mut self, actor: &str, user: &NewUser) -> Result<User> {
        if user.login.trim().is_empty() || user.login.len() > 100 {
            return Err(StoreError::Refused("a login has 1 to 100 characters".into()));
        }
        if (user.role == Role::Evaluator) != user.body.is_some() {
            return Err(StoreError::Refused(
                "an evaluator, and only an evaluator, has an evaluating body".into(),
            ));
        }
        if (user.role == Role::Candidate) != user.candidate.is_some() {
            return Err(StoreError::Refused(
                "a candidate, and only a candidate, has a candidate record".into(),
            ));
        }
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO users (login, display_name, role, body_id, password_hash, disabled, created_ms, candidate_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
                params![
                    user.login,
                    user.display_name,
                    user.role.as_str(),
                    user.body,
                    user.password_hash,
                    now,
                    user.candidate
                ],
            )
            .map_err(&e)?;
            let id = tx.last_insert_rowid();
            let created = tx
                .query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), [id], user_from_row)
                .map_err(&e)?;
            let mut p = Pending::new("user.create", format!("user:{id}"));
            p.detail = Some(user.role.as_str().to_string());
            Ok((created, Some(p)))
        })
    }

    fn user(&self, login: &str) -> Result<Option<User>> {
        self.conn
            .query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE login = ?1"), [login], user_from_row)
            .optional()
            .map_err(db(&self.path))
    }

    fn set_disabled(&mut self, actor: &str, login: &str, disabled: bool) -> Result<()> {
        let user =
            self.user(login)?.ok_or_else(|| StoreError::NotFound { what: "user", id: login.to_string() })?;
        let path = self.path.clone();
        let e = db(&path);
        self.write(actor, |tx| {
            tx.execute("UPDATE users SET disabled = ?1 WHERE id = ?2", params![disabled, user.id])
                .map_err(&e)?;
            if disabled {
                tx.execute("DELETE FROM login_sessions WHERE user_id = ?1", [user.id]).map_err(&e)?;
            }
            let action = if disabled { "user.disable" } else { "user.enable" };
            Ok(((), Some(Pending::new(action, format!("user:{}", user.id)))))
        })
    }

    fn open_session(&mut self, user: &User, token_hash: &Hash, expires_ms: i64) -> Result<()> {
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(&user.login, |tx| {
            tx.execute(
                "INSERT INTO login_sessions (token_hash, user_id, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash.as_slice(), user.id, now, expires_ms],
            )
            .map_err(&e)?;
            Ok(((), Some(Pending::new("session.open", format!("user:{}", user.id)))))
        })
    }

    fn session_user(&self, token_hash: &Hash, now_ms: i64) -> Result<Option<User>> {
        let columns = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        self.conn
            .query_row(
                &format!(
                    "SELECT {columns} FROM login_sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = ?1 AND s.expires_ms > ?2 AND u.disabled = 0"
                ),
                params![token_hash.as_slice(), now_ms],
                user_from_row,
            )
            .optional()
            .map_err(db(&self.path))
    }

    fn close_session(&mut self, token_hash: &Hash) -> Result<()> {
        let path = self.path.clone();
        let e = db(&path);
        self.write("session", |tx| {
            let user: Option<i64> = tx
                .query_row(
                    "SELECT user_id FROM login_sessions WHERE token_hash = ?1",
                    [token_hash.as_slice()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(&e)?;
            let Some(user) = user else { return Ok(((), None)) };
            tx.execute("DELETE FROM login_sessions WHERE token_hash = ?1", [token_hash.as_slice()])
                .map_err(&e)?;
            Ok(((), Some(Pending::new("session.close", format!("user:{user}")))))
        })
    }

    fn record_login_failure(&mut self, login: &str, address: &str) -> Result<()> {
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        let user = self.user(login)?;
        self.write("login", |tx| {
            tx.execute(
                "INSERT INTO login_failures (login, address, at_ms) VALUES (?1, ?2, ?3)",
                params![login, address, now],
            )
            .map_err(&e)?;
            // The registry names the account when it exists, never what was typed.
            let subject = user.map_or_else(|| "login:unknown".to_string(), |u| format!("user:{}", u.id));
            Ok(((), Some(Pending::new("login.failure", subject))))
        })
    }

    fn login_failures(&self, login: &str, address: &str, since_ms: i64) -> Result<(Vec<i64>, Vec<i64>)> {
        let e = db(&self.path);
        let times = |column: &str, value: &str| -> Result<Vec<i64>> {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT at_ms FROM login_failures WHERE {column} = ?1 AND at_ms >= ?2"))
                .map_err(&e)?;
            let rows = stmt.query_map(params![value, since_ms], |r| r.get(0)).map_err(&e)?;
            rows.collect::<rusqlite::Result<_>>().map_err(&e)
        };
        Ok((times("login", login)?, times("address", address)?))
    }

    fn add_file(
        &mut self,
        actor: &str,
        dossier: &str,
        name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<StoredFile> {
        too_large(name, bytes.len())?;
        if self.dossier_yaml(dossier)?.is_none() {
            return Err(StoreError::NotFound { what: "dossier", id: dossier.to_string() });
        }
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let hash = put_blob(tx, bytes).map_err(&e)?;
            tx.execute(
                "INSERT INTO files (dossier_id, name, media_type, size, sha256, uploaded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![dossier, name, media_type, bytes.len() as i64, hash.as_slice(), now],
            )
            .map_err(&e)?;
            let file = StoredFile {
                id: tx.last_insert_rowid(),
                dossier: dossier.to_string(),
                name: name.to_string(),
                media_type: media_type.to_string(),
                size: bytes.len(),
                sha256: hash,
            };
            let mut p = Pending::new("file.add", format!("dossier:{dossier}"));
            p.after = Some(hash);
            Ok((file, Some(p)))
        })
    }

    fn files(&self, dossier: &str) -> Result<Vec<StoredFile>> {
        self.rows(
            &format!("SELECT {FILE_COLUMNS} FROM files WHERE dossier_id = ?1 ORDER BY id"),
            [dossier],
            file_from_row,
        )
    }

    fn file_bytes(&self, id: i64) -> Result<Option<(StoredFile, Vec<u8>)>> {
        let e = db(&self.path);
        let file = self
            .conn
            .query_row(&format!("SELECT {FILE_COLUMNS} FROM files WHERE id = ?1"), [id], file_from_row)
            .optional()
            .map_err(&e)?;
        let Some(file) = file else { return Ok(None) };
        let bytes: Vec<u8> = self
            .conn
            .query_row("SELECT bytes FROM blobs WHERE sha256 = ?1", [file.sha256.as_slice()], |r| r.get(0))
            .map_err(&e)?;
        Ok(Some((file, bytes)))
    }

    fn add_document(&mut self, actor: &str, dossier: &str, kind: &str, bytes: &[u8]) -> Result<Hash> {
        too_large(kind, bytes.len())?;
        if self.dossier_yaml(dossier)?.is_none() {
            return Err(StoreError::NotFound { what: "dossier", id: dossier.to_string() });
        }
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let hash = put_blob(tx, bytes).map_err(&e)?;
            tx.execute(
                "INSERT INTO documents (dossier_id, kind, sha256, produced_ms) VALUES (?1, ?2, ?3, ?4)",
                params![dossier, kind, hash.as_slice(), now],
            )
            .map_err(&e)?;
            let mut p = Pending::new("document.produce", format!("dossier:{dossier}"));
            p.after = Some(hash);
            p.detail = Some(kind.to_string());
            Ok((hash, Some(p)))
        })
    }

    fn put_commission_session(&mut self, actor: &str, id: &str, on: Date, dossiers: &[String]) -> Result<()> {
        let path = self.path.clone();
        let e = db(&path);
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO commission_sessions (id, on_date) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET on_date = ?2",
                params![id, on.to_string()],
            )
            .map_err(&e)?;
            tx.execute("DELETE FROM commission_dossiers WHERE session_id = ?1", [id]).map_err(&e)?;
            for d in dossiers {
                tx.execute("INSERT INTO commission_dossiers (session_id, dossier_id) VALUES (?1, ?2)", params![id, d])
                    .map_err(&e)?;
            }
            let mut p = Pending::new("commission.session", format!("commission:{id}"));
            p.detail = Some(format!("{} dossiers", dossiers.len()));
            Ok(((), Some(p)))
        })
    }

    fn registry(&self) -> Result<Vec<Entry>> {
        self.rows(&format!("SELECT {ENTRY_COLUMNS} FROM registry ORDER BY id"), [], entry_from_row)
    }

    fn subject_export(&self, candidate: &str) -> Result<Vec<u8>> {
        super::subject::export(&self.conn, &self.path, candidate)
    }

    fn erase_candidate(&mut self, actor: &str, candidate: &str) -> Result<Erasure> {
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let person: Option<(Option<String>, Option<String>, Option<String>)> = tx
                .query_row("SELECT family_name, given_name, birth_date FROM candidates WHERE id = ?1", [candidate], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()
                .map_err(&e)?;
            let Some((family, given, birth)) = person else {
                return Err(StoreError::NotFound { what: "candidate", id: candidate.to_string() });
            };
            let before = person_hash(candidate, family.as_deref(), given.as_deref(), birth.as_deref());
            tx.execute(
                "UPDATE candidates SET family_name = NULL, given_name = NULL, birth_date = NULL, erased_ms = ?2 WHERE id = ?1",
                params![candidate, now],
            )
            .map_err(&e)?;
            let in_dossiers = "SELECT id FROM dossiers WHERE candidate_id = ?1";
            let files = tx
                .execute(&format!("DELETE FROM files WHERE dossier_id IN ({in_dossiers})"), [candidate])
                .map_err(&e)?;
            let documents = tx
                .execute(&format!("DELETE FROM documents WHERE dossier_id IN ({in_dossiers})"), [candidate])
                .map_err(&e)?;
            tx.execute(&format!("DELETE FROM dossier_employers WHERE dossier_id IN ({in_dossiers})"), [candidate])
                .map_err(&e)?;
            tx.execute(&format!("DELETE FROM assessment_history WHERE dossier_id IN ({in_dossiers})"), [candidate])
                .map_err(&e)?;
            tx.execute(
                &format!(
                    "UPDATE evaluation_versions SET yaml = NULL, reopen_reason = NULL WHERE dossier_id IN ({in_dossiers})"
                ),
                [candidate],
            )
            .map_err(&e)?;
            let dossiers = tx
                .execute(
                    "UPDATE dossiers SET yaml = NULL, search = lower(id || ' ' || candidate_id) \
                     WHERE candidate_id = ?1 AND yaml IS NOT NULL",
                    [candidate],
                )
                .map_err(&e)?;
            drop_orphan_blobs(tx).map_err(&e)?;
            let erasure = Erasure { dossiers, files, documents };
            let mut p = Pending::new("candidate.erase", format!("candidate:{candidate}"));
            p.before = Some(before);
            p.after = Some(person_hash(candidate, None, None, None));
            p.detail = Some(format!("{dossiers} dossiers, {files} files, {documents} documents"));
            Ok((erasure, Some(p)))
        })
    }

    fn due_for_erasure(&self, today: Date, retention: &Retention) -> Result<Vec<DueForErasure>> {
        let e = db(&self.path);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT c.id, max(d.latest_date) FROM candidates c JOIN dossiers d ON d.candidate_id = c.id \
                 WHERE c.erased_ms IS NULL GROUP BY c.id ORDER BY c.id",
            )
            .map_err(&e)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, parse_date(&r.get::<_, String>(1)?)?)))
            .map_err(&e)?;
        let mut due = Vec::new();
        for row in rows {
            let (candidate, latest) = row.map_err(&e)?;
            let kept_until = retention.dossier_kept_until(latest);
            if today > kept_until {
                due.push(DueForErasure { candidate, kept_until });
            }
        }
        Ok(due)
    }

    fn purge(&mut self, actor: &str, today: Date, now_ms: i64, retention: &Retention) -> Result<Purge> {
        const DAY_MS: i64 = 24 * 60 * 60 * 1000;
        let path = self.path.clone();
        let e = db(&path);
        // Files are kept through `latest + fichier` days: deleted when latest < today - fichier.
        let files_before = today.add_days(-i64::from(retention.fichier)).to_string();
        let sessions_before = now_ms - i64::from(retention.session_connexion) * DAY_MS;
        let failures_before = now_ms - i64::from(retention.echec_connexion) * DAY_MS;
        self.write(actor, |tx| {
            let files = tx
                .execute(
                    "DELETE FROM files WHERE dossier_id IN (SELECT id FROM dossiers WHERE latest_date < ?1)",
                    [&files_before],
                )
                .map_err(&e)?;
            drop_orphan_blobs(tx).map_err(&e)?;
            let sessions = tx
                .execute("DELETE FROM login_sessions WHERE expires_ms < ?1", [sessions_before])
                .map_err(&e)?;
            let login_failures =
                tx.execute("DELETE FROM login_failures WHERE at_ms < ?1", [failures_before]).map_err(&e)?;
            let purge = Purge { files, sessions, login_failures };
            if purge == Purge::default() {
                return Ok((purge, None));
            }
            let mut p = Pending::new("retention.purge", "store".to_string());
            p.detail = Some(format!("{files} files, {sessions} sessions, {login_failures} login failures"));
            Ok((purge, Some(p)))
        })
    }

    fn users(&self) -> Result<Vec<User>> {
        self.rows(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY login"), [], user_from_row)
    }

    fn user_count(&self) -> Result<usize> {
        self.conn
            .query_row("SELECT count(*) FROM users", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(db(&self.path))
    }

    fn backup_to(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        }
        let tmp = path.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        create_private(&tmp)?;
        {
            // All pages in one step, under one read transaction: a consistent snapshot that
            // writers in WAL mode do not block, and that their commits cannot restart (copying
            // in small steps restarts after every write from another connection, and could
            // never finish on a busy server).
            let mut copy = Connection::open(&tmp).map_err(db(&tmp))?;
            {
                let backup = rusqlite::backup::Backup::new(&self.conn, &mut copy).map_err(db(&tmp))?;
                let step = backup.step(-1).map_err(db(&tmp))?;
                if step != rusqlite::backup::StepResult::Done {
                    return Err(StoreError::Refused(format!(
                        "the backup could not read the store ({step:?}): retry"
                    )));
                }
            }
            // A backup is one file: no WAL beside it.
            copy.execute_batch("PRAGMA journal_mode = DELETE;").map_err(db(&tmp))?;
        }
        let file =
            std::fs::File::open(&tmp).map_err(|source| StoreError::Io { path: tmp.clone(), source })?;
        file.sync_all().map_err(|source| StoreError::Io { path: tmp.clone(), source })?;
        std::fs::rename(&tmp, path).map_err(|source| StoreError::Io { path: path.to_path_buf(), source })
    }
}

/// Restores the backup at `from` into the store file `to`: the backup must be a cqpt store of
/// this schema with an intact registry chain; `to` must not exist unless `force`.
pub fn restore(from: &Path, to: &Path, force: bool, clock: Arc<dyn Clock>) -> Result<usize> {
    if to.exists() && !force {
        return Err(StoreError::Refused(format!(
            "{} exists: restoring would replace it (add --force to replace it)",
            to.display()
        )));
    }
    let backup = SqliteStore::open_existing(from, Arc::clone(&clock))?;
    let dossiers = backup.dossiers()?.len();
    backup.verify_registry()?;
    drop(backup);
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
    }
    let mut target = Connection::open(to).map_err(db(to))?;
    target.busy_timeout(BUSY_TIMEOUT).map_err(db(to))?;
    target.restore(rusqlite::MAIN_DB, from, rusqlite::backup::NO_PROGRESS).map_err(db(to))?;
    target.execute_batch("PRAGMA journal_mode = WAL;").map_err(db(to))?;
    drop(target);
    SqliteStore::open(to, clock)?.verify_registry()?;
    Ok(dossiers)
}

/// The columns of a [`DossierSummary`], with [`SUMMARY_FROM`].
const SUMMARY_COLUMNS: &str = "d.id, d.certificate, d.state, d.candidate_id, d.body_id, d.latest_date, d.yaml IS NULL, \
     c.family_name, c.given_name, d.phase, d.recevable";
/// The tables of a [`DossierSummary`].
const SUMMARY_FROM: &str = "FROM dossiers d JOIN candidates c ON c.id = d.candidate_id";

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DossierSummary> {
    let family: Option<String> = r.get(7)?;
    let given: Option<String> = r.get(8)?;
    Ok(DossierSummary {
        id: r.get(0)?,
        certificate: r.get(1)?,
        state: r.get(2)?,
        candidate: r.get(3)?,
        body: r.get(4)?,
        latest_date: parse_date(&r.get::<_, String>(5)?)?,
        erased: r.get(6)?,
        candidate_name: match (given, family) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (None, Some(f)) => Some(f),
            _ => None,
        },
        phase: r.get(9)?,
        recevable: r.get(10)?,
    })
}

/// The columns of a [`StoredDocument`] (documents `d`, blobs `b`).
const DOCUMENT_COLUMNS: &str = "d.id, d.dossier_id, d.kind, d.sha256, d.produced_ms, length(b.bytes)";

fn document_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDocument> {
    let hash: Vec<u8> = r.get(3)?;
    Ok(StoredDocument {
        id: r.get(0)?,
        dossier: r.get(1)?,
        kind: r.get(2)?,
        sha256: hash.try_into().unwrap_or([0; 32]),
        produced_ms: r.get(4)?,
        size: usize::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
    })
}
