//! The workspace's store: dossiers, people, evaluating bodies, accounts, files, commission
//! sessions, documents and the registry, behind one small interface ([`Store`]) so that another
//! backend (`PostgreSQL`) can be added without touching its callers. [`sqlite::SqliteStore`] is
//! the implementation: one `SQLite` file, migrations from `migrations/` applied at open.
//!
//! Every write is one transaction that also appends its [`crate::registry`] entry: no change
//! without its entry, no entry without its change.

pub mod commission;
pub mod evaluation;
pub mod query;
pub mod quiz;
pub mod sqlite;
pub mod subject;
pub mod tokens;

use crate::accounts::Role;
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::dossier::Dossier;
use crate::referentiel::Library;
use crate::registry::{Entry, Hash};
use crate::retention::Retention;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

pub use query::DossierQuery;
pub use sqlite::SqliteStore;

/// Largest uploaded file or produced document, in bytes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The default store, relative to the working folder (`--store` or `CQPT_STORE` change it).
pub const DEFAULT_STORE: &str = "cqpt-data/cqpt.sqlite";

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused an operation.
    #[error("store {path}: {source}")]
    Database {
        /// The store file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The store was written by a newer cqpt.
    #[error(
        "store {path} has schema version {found}, newer than this cqpt supports ({supported}): \
         use a newer cqpt, or restore a backup made by this version"
    )]
    NewerSchema {
        /// The store file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// The file is an `SQLite` database of another application.
    #[error("{path} is not a cqpt store (SQLite application id {found:#x})")]
    NotAStore {
        /// The file.
        path: PathBuf,
        /// Its application id.
        found: i64,
    },
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file over [`MAX_FILE_BYTES`].
    #[error("file {name} has {size} bytes; at most {limit} are accepted")]
    TooLarge {
        /// Its name.
        name: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// An id that nothing in the store has.
    #[error("no {what} {id} in the store")]
    NotFound {
        /// What was looked for (`dossier`, `candidate`, `user`).
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// What was read changed before the write (another user, another server): read again.
    #[error("{0} changed since it was read")]
    Stale(String),
    /// A value the store cannot take (an empty id, a role out of scope).
    #[error("{0}")]
    Refused(String),
    /// The registry chain is broken.
    #[error("registry of {path}: {broken}")]
    BrokenChain {
        /// The store file.
        path: PathBuf,
        /// Where and how.
        broken: crate::registry::Break,
    },
    /// The subject-access archive could not be written.
    #[error("archive: {0}")]
    Archive(String),
}

impl StoreError {
    /// The disk of the store (or the database's page limit) is full: `SQLite` rolled the
    /// change back, and nothing of it was recorded.
    pub fn is_storage_full(&self) -> bool {
        match self {
            StoreError::Database { source: rusqlite::Error::SqliteFailure(e, _), .. } => {
                e.code == rusqlite::ErrorCode::DiskFull
            }
            StoreError::Io { source, .. } => source.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        }
    }
}

/// A short name for the store's results.
pub type Result<T> = std::result::Result<T, StoreError>;

/// A dossier as the lists show it (no personal data but the candidate's file number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierSummary {
    /// Its id (the file name it was imported from, without `.yaml`).
    pub id: String,
    /// The certificate aimed at.
    pub certificate: String,
    /// Where it is: `applied`, `in-evaluation`, `synthesised`, `decided`.
    pub state: String,
    /// The candidate's file number.
    pub candidate: String,
    /// The evaluating body it is assigned to.
    pub body: Option<String>,
    /// The latest date it records.
    pub latest_date: Date,
    /// Its candidate's data was erased: no YAML is left.
    pub erased: bool,
    /// The candidate's name (given name first); `None` once erased.
    pub candidate_name: Option<String>,
    /// The last phase completed (0–4), as the engine computed it when the dossier was stored.
    pub phase: u8,
    /// AUVICOM's decision: `None` while undecided.
    pub recevable: Option<bool>,
}

/// What the engine concludes on a dossier that the lists filter on, computed by the caller
/// ([`DossierFacts::of`]) when the dossier is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DossierFacts {
    /// The last phase completed (0–4).
    pub phase: u8,
    /// AUVICOM's decision on the recevabilité: `None` while undecided.
    pub recevable: Option<bool>,
}

impl DossierFacts {
    /// The facts of `dossier`, evaluated by the engine as of its own latest date.
    pub fn of(dossier: &Dossier, library: &Library, policy: &crate::policy::Policy) -> DossierFacts {
        let e = crate::phases::evaluate(dossier, library, policy, dossier.latest_date());
        DossierFacts::from_evaluation(dossier, &e)
    }

    /// The facts of `dossier` from the engine's evaluation `e` of it (as of its latest date),
    /// when the caller has it already.
    pub fn from_evaluation(dossier: &Dossier, e: &crate::phases::Evaluation) -> DossierFacts {
        DossierFacts {
            phase: e.state.phase,
            recevable: dossier.application.decided.map(|_| e.recevabilite.recevable),
        }
    }
}

/// An evaluating body, with its accreditation history (events in date order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodySummary {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `(granted|renewed|withdrawn, date)`, in date order.
    pub accreditation: Vec<(String, Date)>,
}

impl BodySummary {
    /// The accreditation or renewal under which the body may evaluate on `today`: the last one
    /// on or before `today`, still within its `years` (Annexe 2 §IV: 2 years, renewed on the
    /// annual report), and not followed by a withdrawal on or before `today`.
    pub fn accredited_on(&self, today: Date, years: i32) -> Option<Date> {
        let last = self
            .accreditation
            .iter()
            .rev()
            .find(|(event, on)| *on <= today && event != "withdrawn")
            .map(|(_, on)| *on)?;
        let withdrawn = self.accreditation.iter().any(|(e, w)| e == "withdrawn" && *w >= last && *w <= today);
        (last.within_years(years, today) && !withdrawn).then_some(last)
    }
}

/// A document produced for a dossier (a decision letter), kept with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// Its number.
    pub id: i64,
    /// The dossier.
    pub dossier: String,
    /// Its kind (the template's name: `lettre-recevabilite`).
    pub kind: String,
    /// SHA-256 of its bytes.
    pub sha256: Hash,
    /// When it was produced (ms since the epoch, the store's clock).
    pub produced_ms: i64,
    /// Its size in bytes.
    pub size: usize,
}

/// What [`Store::put_dossier`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// A new dossier.
    Created,
    /// An existing dossier got a new text.
    Updated,
    /// The same text was already stored: nothing changed, nothing recorded.
    Unchanged,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login.
    pub login: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The evaluating body of an evaluator (their scope).
    pub body: Option<String>,
    /// The argon2id PHC string ([`crate::accounts::hash_password`]).
    pub password_hash: String,
    /// The candidate record (file number) of a candidate's account.
    pub candidate: Option<String>,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its number.
    pub id: i64,
    /// Login.
    pub login: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The evaluating body of an evaluator.
    pub body: Option<String>,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// The candidate record (file number) of a candidate's account.
    pub candidate: Option<String>,
}

/// An uploaded file's record (its bytes are fetched with [`Store::file_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Its number.
    pub id: i64,
    /// The dossier it belongs to.
    pub dossier: String,
    /// The name it was uploaded under.
    pub name: String,
    /// Its media type (`application/pdf`).
    pub media_type: String,
    /// Its size in bytes.
    pub size: usize,
    /// SHA-256 of its bytes.
    pub sha256: Hash,
}

/// A candidate whose retention period is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueForErasure {
    /// The candidate's file number.
    pub candidate: String,
    /// The last day their data was to be kept.
    pub kept_until: Date,
}

/// What an erasure removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Erasure {
    /// Dossiers whose text was removed.
    pub dossiers: usize,
    /// Files deleted.
    pub files: usize,
    /// Documents deleted.
    pub documents: usize,
}

/// What [`Store::purge`] deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purge {
    /// Uploaded files.
    pub files: usize,
    /// Login sessions.
    pub sessions: usize,
    /// Failed logins.
    pub login_failures: usize,
}

/// The store's operations. Each write takes the actor (a login, or `cli`), runs in one
/// transaction and appends its registry entry, timed by the store's clock.
pub trait Store {
    /// Stores a dossier validated by [`crate::dossier::load_dossier`], with its text as read
    /// (export gives that text back byte for byte), and the candidate, employers and evaluating
    /// body it names.
    fn put_dossier(
        &mut self,
        actor: &str,
        id: &str,
        yaml: &str,
        dossier: &Dossier,
        facts: &DossierFacts,
    ) -> Result<PutOutcome>;
    /// Stores a new application under the first free id among `base`, `base-2`, `base-3`…
    /// and returns it. Choosing the id and storing are one transaction: two applications of
    /// one candidate sent at once, to one server or to two servers on the same store, get two
    /// ids.
    fn create_dossier(
        &mut self,
        actor: &str,
        base: &str,
        yaml: &str,
        dossier: &Dossier,
        facts: &DossierFacts,
    ) -> Result<String>;
    /// Every dossier, by id.
    fn dossiers(&self) -> Result<Vec<DossierSummary>>;
    /// One page of the dossiers `q` selects, most recently changed first, and how many it
    /// selects in all.
    fn find_dossiers(&self, q: &DossierQuery) -> Result<(Vec<DossierSummary>, usize)>;
    /// One dossier's summary.
    fn dossier(&self, id: &str) -> Result<Option<DossierSummary>>;
    /// The dossiers of one candidate (their file number), by id.
    fn dossiers_of_candidate(&self, candidate: &str) -> Result<Vec<DossierSummary>>;
    /// The registry entries about `subject` (`dossier:ID`), in order.
    fn registry_of(&self, subject: &str) -> Result<Vec<Entry>>;
    /// The evaluating bodies known to the store, with their accreditation history.
    fn bodies(&self) -> Result<Vec<BodySummary>>;
    /// Records a new evaluating body (an id taken is refused).
    fn create_body(&mut self, actor: &str, id: &str, name: &str) -> Result<()>;
    /// Records an accreditation event of a body (`granted`, `renewed`, `withdrawn`) on a date.
    fn record_accreditation(&mut self, actor: &str, body: &str, event: &str, on: Date) -> Result<()>;
    /// The documents produced for a dossier.
    fn documents(&self, dossier: &str) -> Result<Vec<StoredDocument>>;
    /// A produced document and its bytes.
    fn document_bytes(&self, id: i64) -> Result<Option<(StoredDocument, Vec<u8>)>>;
    /// A dossier's text; `None` when no such dossier, `Some(None)` when it was erased.
    fn dossier_yaml(&self, id: &str) -> Result<Option<Option<String>>>;

    /// Creates an account.
    fn create_user(&mut self, actor: &str, user: &NewUser) -> Result<User>;
    /// Every account, by login.
    fn users(&self) -> Result<Vec<User>>;
    /// An account by login.
    fn user(&self, login: &str) -> Result<Option<User>>;
    /// Disables or enables an account (and closes its sessions when disabled).
    fn set_disabled(&mut self, actor: &str, login: &str, disabled: bool) -> Result<()>;
    /// Opens a login session, keeping only the token's hash.
    fn open_session(&mut self, user: &User, token_hash: &Hash, expires_ms: i64) -> Result<()>;
    /// The enabled user of an unexpired session.
    fn session_user(&self, token_hash: &Hash, now_ms: i64) -> Result<Option<User>>;
    /// Closes a session (logout).
    fn close_session(&mut self, token_hash: &Hash) -> Result<()>;
    /// Records a failed login, for [`crate::accounts::may_try_login`].
    fn record_login_failure(&mut self, login: &str, address: &str) -> Result<()>;
    /// The times of failures since `since_ms`: of the login, and of the address.
    fn login_failures(&self, login: &str, address: &str, since_ms: i64) -> Result<(Vec<i64>, Vec<i64>)>;

    /// Keeps an uploaded file with its SHA-256, size and media type.
    fn add_file(
        &mut self,
        actor: &str,
        dossier: &str,
        name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<StoredFile>;
    /// The files of a dossier.
    fn files(&self, dossier: &str) -> Result<Vec<StoredFile>>;
    /// A file and its bytes.
    fn file_bytes(&self, id: i64) -> Result<Option<(StoredFile, Vec<u8>)>>;
    /// Keeps a document produced for a dossier (a letter, a report); returns its SHA-256.
    fn add_document(&mut self, actor: &str, dossier: &str, kind: &str, bytes: &[u8]) -> Result<Hash>;
    /// Records a session of the commission and the dossiers it examines.
    fn put_commission_session(&mut self, actor: &str, id: &str, on: Date, dossiers: &[String]) -> Result<()>;

    /// The registry, in the order it was appended.
    fn registry(&self) -> Result<Vec<Entry>>;
    /// Everything held about a candidate, as one ZIP archive.
    fn subject_export(&self, candidate: &str) -> Result<Vec<u8>>;
    /// Erases a candidate's personal data: names, birth date, dossier texts, files and
    /// documents; the summaries (certificate, state, dates) and the registry stay.
    fn erase_candidate(&mut self, actor: &str, candidate: &str) -> Result<Erasure>;
    /// Candidates whose data has been kept beyond the retention period on `today`.
    fn due_for_erasure(&self, today: Date, retention: &Retention) -> Result<Vec<DueForErasure>>;
    /// Deletes what its retention period no longer allows on `today` (at `now_ms`): uploaded
    /// files of dossiers whose latest date is more than `fichier` days ago, login sessions
    /// expired more than `session-connexion` days ago, login failures older than
    /// `echec-connexion` days. One registry entry with the counts.
    fn purge(&mut self, actor: &str, today: Date, now_ms: i64, retention: &Retention) -> Result<Purge>;
    /// The number of accounts.
    fn user_count(&self) -> Result<usize>;
    /// Writes a consistent copy of the store to `path`, while it is in use.
    fn backup_to(&self, path: &Path) -> Result<()>;
}

/// Every state [`dossier_state`] gives, in the order of the procedure.
pub const DOSSIER_STATES: [&str; 7] =
    ["applied", "not-recevable", "recevable", "assigned", "in-evaluation", "synthesised", "decided"];

/// Where a dossier is, from what it records.
pub fn dossier_state(dossier: &Dossier, facts: &DossierFacts) -> &'static str {
    if dossier.decision.is_some() {
        "decided"
    } else if dossier.synthese.is_some() {
        "synthesised"
    } else if dossier.has_evaluation() {
        "in-evaluation"
    } else {
        match facts.recevable {
            None => "applied",
            Some(false) => "not-recevable",
            Some(true) if dossier.evaluating_body.is_some() => "assigned",
            Some(true) => "recevable",
        }
    }
}

/// The login of the first administrator.
pub const FIRST_ADMINISTRATOR: &str = "admin";

/// Creates the first administrator (`admin`) with a one-time password when the store has no
/// account yet, and returns that password to print once; `None` when accounts exist.
pub fn first_administrator(store: &mut dyn Store, actor: &str) -> Result<Option<crate::accounts::Secret>> {
    if store.user_count()? > 0 {
        return Ok(None);
    }
    let refused = |e: crate::accounts::PasswordError| StoreError::Refused(e.to_string());
    let password = crate::accounts::one_time_password().map_err(refused)?;
    let hash = crate::accounts::hash_password(&password).map_err(refused)?;
    store.create_user(
        actor,
        &NewUser {
            login: FIRST_ADMINISTRATOR.to_string(),
            display_name: "Administrateur".to_string(),
            role: Role::Administrator,
            body: None,
            password_hash: hash,
            candidate: None,
        },
    )?;
    Ok(Some(password))
}

/// Why a dossier was not imported.
#[derive(Debug)]
pub enum ImportError {
    /// The dossier has errors, each with its file, line and field.
    Invalid(Diagnostics),
    /// The file name gives no usable id.
    BadName(String),
    /// The store refused it.
    Store(StoreError),
}

/// Validates a dossier file with the same loader as the CLI and stores it under the id of its
/// file name (without `.yaml`).
pub fn import_dossier(
    store: &mut dyn Store,
    actor: &str,
    file: &SourceFile,
    library: &Library,
    policy: &crate::policy::Policy,
) -> std::result::Result<(String, PutOutcome), ImportError> {
    let id = dossier_id(&file.name).ok_or_else(|| ImportError::BadName(file.name.clone()))?;
    let dossier = crate::dossier::load_dossier(file, library).map_err(ImportError::Invalid)?;
    let future = crate::dossier::check_future_dates(&dossier, dossier.latest_date());
    if future.has_errors() {
        return Err(ImportError::Invalid(future));
    }
    let facts = DossierFacts::of(&dossier, library, policy);
    let outcome = store.put_dossier(actor, &id, &file.text, &dossier, &facts).map_err(ImportError::Store)?;
    Ok((id, outcome))
}

/// The id of a dossier file: its name without folder and `.yaml`/`.yml`, when it is made of
/// letters, digits, `-`, `_` and `.` only (so that export writes it back under the same name).
pub fn dossier_id(file_name: &str) -> Option<String> {
    let base = Path::new(file_name).file_name()?.to_str()?;
    let path = Path::new(base);
    let dossier_extension =
        path.extension().is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let stem = if dossier_extension { path.file_stem()?.to_str()? } else { base };
    let ok = !stem.is_empty()
        && !stem.starts_with('.')
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    ok.then(|| stem.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dossier_id_is_its_file_name_without_extension() {
        assert_eq!(dossier_id("examples/dossiers/01-a.yaml").as_deref(), Some("01-a"));
        assert_eq!(dossier_id("x/B_2.YML").as_deref(), Some("B_2"));
        assert_eq!(dossier_id("x/.yaml"), None);
        assert_eq!(dossier_id("x/a b.yaml"), None);
    }

    fn body(events: &[(&str, &str)]) -> BodySummary {
        BodySummary {
            id: "OE".into(),
            name: "Organisme".into(),
            accreditation: events.iter().map(|(e, d)| ((*e).to_string(), d.parse().unwrap())).collect(),
        }
    }

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn an_accreditation_runs_two_years_to_the_anniversary_included() {
        let b = body(&[("granted", "2024-03-01")]);
        assert_eq!(b.accredited_on(day("2024-02-29"), 2), None, "not before it is granted");
        assert_eq!(b.accredited_on(day("2026-03-01"), 2), Some(day("2024-03-01")), "the anniversary");
        assert_eq!(b.accredited_on(day("2026-03-02"), 2), None, "the day after");
        let renewed = body(&[("granted", "2024-03-01"), ("renewed", "2026-02-15")]);
        assert_eq!(renewed.accredited_on(day("2027-06-01"), 2), Some(day("2026-02-15")));
    }

    #[test]
    fn a_withdrawal_ends_it_from_its_day_until_the_next_renewal() {
        let b = body(&[("granted", "2024-03-01"), ("withdrawn", "2025-01-10"), ("renewed", "2025-06-01")]);
        assert_eq!(b.accredited_on(day("2025-01-09"), 2), Some(day("2024-03-01")));
        assert_eq!(b.accredited_on(day("2025-01-10"), 2), None, "withdrawn that day");
        assert_eq!(b.accredited_on(day("2025-06-01"), 2), Some(day("2025-06-01")), "renewed after");
    }
}
