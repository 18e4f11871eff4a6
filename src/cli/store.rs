//! The store's commands: import, export, backup, restore, registry verify and the RGPD
//! commands. Each parses its arguments, calls [`cqpt::store`] and prints.

use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK, Outcome, source_text, stderr_style};
use clap::{Args, Subcommand};
use cqpt::date::Date;
use cqpt::output::write_atomic;
use cqpt::source::{DataSource, SourceFile};
use cqpt::store::{self, ImportError, PutOutcome, SqliteStore, Store, StoreError};
use cqpt::{Error, context, registry};
use std::path::PathBuf;
use std::sync::Arc;

/// Who the registry names for changes made with the CLI.
const CLI_ACTOR: &str = "cli";

/// The store to work on.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The store file, created on first use with its folder.
    #[arg(long, env = "CQPT_STORE", value_name = "FILE", default_value = store::DEFAULT_STORE)]
    pub store: PathBuf,
}

/// `cqpt import`.
#[derive(Debug, Args)]
pub struct ImportCommand {
    /// Dossier files (`.yaml`) or folders of them.
    #[arg(required = true, value_name = "DOSSIER|FOLDER")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

/// `cqpt export`.
#[derive(Debug, Args)]
pub struct ExportCommand {
    /// The folder to write `<id>.yaml` into (created if needed).
    #[arg(value_name = "FOLDER")]
    folder: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

/// `cqpt backup`.
#[derive(Debug, Args)]
pub struct BackupCommand {
    /// The backup file to write.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

/// `cqpt restore`.
#[derive(Debug, Args)]
pub struct RestoreCommand {
    /// The backup file to restore.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Replace the store if it exists.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    store: StoreArgs,
}

/// `cqpt registry …`.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Check the registry's hash chain: exit status 0 when intact, 1 at the first break.
    ///
    /// Prints the chain's head (`SEQ:HASH`); keep it outside the store and pass it back with
    /// --anchor to also detect entries removed from the end.
    Verify {
        /// A head printed earlier: the chain must still hold that entry, unchanged.
        #[arg(long, value_name = "SEQ:HASH")]
        anchor: Option<registry::Anchor>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// `cqpt rgpd …`.
#[derive(Debug, Subcommand)]
pub enum RgpdCommand {
    /// Write everything held about a candidate as one ZIP archive.
    Export {
        /// The candidate's file number.
        candidate: String,
        /// The archive to write.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Erase a candidate's personal data (names, birth date, dossier texts, files, documents).
    Erase {
        /// The candidate's file number.
        candidate: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Delete what the retention periods no longer allow: old uploaded files, expired login
    /// sessions and failed logins (recorded in the registry with the counts).
    Purge {
        /// The day to judge on (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        date: Date,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the candidates whose retention period (referentiels/conservation.toml) is over.
    Due {
        /// The day to judge on (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        date: Date,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// The binary's clock, handed to the store (the library never reads it).
pub struct SystemClock;

impl cqpt::clock::Clock for SystemClock {
    // The store's registry records the server's time of each change.
    #[allow(clippy::disallowed_methods)]
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
    }

    // Running sittings are timed on this one: it does not follow changes of the machine's clock.
    #[allow(clippy::disallowed_methods)]
    fn monotonic_ms(&self) -> i64 {
        static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        ORIGIN.get_or_init(std::time::Instant::now).elapsed().as_millis() as i64
    }
}

pub fn clock() -> Arc<dyn cqpt::clock::Clock> {
    Arc::new(SystemClock)
}

/// Prints a store error and gives the failure status.
fn failed(error: &StoreError) -> Outcome {
    eprintln!("error: {error}");
    Ok(EXIT_FAILURE)
}

/// Opens the store, creating it when absent (import).
fn open_or_create(args: &StoreArgs) -> Result<SqliteStore, StoreError> {
    SqliteStore::open(&args.store, clock())
}

/// Opens a store that must exist: a mistyped `--store` is an error, not a new empty store.
pub fn open(args: &StoreArgs) -> Result<SqliteStore, StoreError> {
    if !args.store.is_file() {
        return Err(StoreError::Io {
            path: args.store.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no store here (`cqpt import` creates one; --store or CQPT_STORE names another)",
            ),
        });
    }
    SqliteStore::open(&args.store, clock())
}

/// `cqpt import`: each dossier validated and stored in its own transaction; a bad one is
/// reported with its diagnostics and the others are still imported.
pub fn import(source: &DataSource, cmd: &ImportCommand) -> Outcome {
    let (library, policy) = context::load_context(source)?;
    let mut files = Vec::new();
    let mut refused = 0;
    for path in &cmd.paths {
        if path.is_dir() {
            let entries = cqpt::session::dossier_files(path)?;
            for refused in &entries.refused {
                eprintln!("error: {}: {}", refused.file, refused.message);
            }
            refused += entries.refused.len();
            files.extend(entries.dossiers);
        } else {
            files.push(path.clone());
        }
    }
    let mut store = match open_or_create(&cmd.store) {
        Ok(s) => s,
        Err(e) => return failed(&e),
    };
    let (mut created, mut updated, mut unchanged, mut bad) = (0, 0, 0, refused);
    for path in &files {
        let file = match SourceFile::read(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                bad += 1;
                continue;
            }
        };
        match store::import_dossier(&mut store, CLI_ACTOR, &file, &library, &policy) {
            Ok((_, PutOutcome::Created)) => created += 1,
            Ok((_, PutOutcome::Updated)) => updated += 1,
            Ok((_, PutOutcome::Unchanged)) => unchanged += 1,
            Err(ImportError::Invalid(diagnostics)) => {
                eprintln!("{}", diagnostics.render(source_text, stderr_style()));
                bad += 1;
            }
            Err(ImportError::BadName(name)) => {
                eprintln!(
                    "error: {name}: a dossier's file name is its id: letters, digits, `-`, `_` and `.` only"
                );
                bad += 1;
            }
            Err(ImportError::Store(e)) => {
                eprintln!("error: {}: {e}", path.display());
                bad += 1;
            }
        }
    }
    eprintln!(
        "{}: {created} imported, {updated} updated, {unchanged} unchanged, {bad} not imported",
        cmd.store.store.display()
    );
    Ok(if bad > 0 { EXIT_INVALID } else { EXIT_OK })
}

/// `cqpt export`: each dossier's text written back, atomically, as `<id>.yaml`.
pub fn export(cmd: &ExportCommand) -> Outcome {
    let store = match open(&cmd.store) {
        Ok(s) => s,
        Err(e) => return failed(&e),
    };
    std::fs::create_dir_all(&cmd.folder)
        .map_err(|source| Error::Write { path: cmd.folder.clone(), source })?;
    let dossiers = match store.dossiers() {
        Ok(d) => d,
        Err(e) => return failed(&e),
    };
    let (mut written, mut erased) = (0, 0);
    for d in &dossiers {
        match store.dossier_yaml(&d.id) {
            Ok(Some(Some(yaml))) => {
                write_atomic(&cmd.folder.join(format!("{}.yaml", d.id)), yaml.as_bytes())?;
                written += 1;
            }
            Ok(_) => erased += 1,
            Err(e) => return failed(&e),
        }
    }
    eprintln!("{}: {written} dossiers written ({erased} erased, not written)", cmd.folder.display());
    Ok(EXIT_OK)
}

/// `cqpt backup`.
pub fn backup(cmd: &BackupCommand) -> Outcome {
    let result = open(&cmd.store).and_then(|s| s.backup_to(&cmd.file));
    match result {
        Ok(()) => {
            eprintln!("wrote {}", cmd.file.display());
            Ok(EXIT_OK)
        }
        Err(e) => failed(&e),
    }
}

/// `cqpt restore`.
pub fn restore(cmd: &RestoreCommand) -> Outcome {
    match store::sqlite::restore(&cmd.file, &cmd.store.store, cmd.force, clock()) {
        Ok(dossiers) => {
            eprintln!(
                "restored {} into {} ({dossiers} dossiers)",
                cmd.file.display(),
                cmd.store.store.display()
            );
            Ok(EXIT_OK)
        }
        Err(e) => failed(&e),
    }
}

/// `cqpt registry verify`.
pub fn registry(cmd: &RegistryCommand) -> Outcome {
    let RegistryCommand::Verify { anchor, store } = cmd;
    let entries = match open(store).and_then(|s| s.registry()) {
        Ok(e) => e,
        Err(e) => return failed(&e),
    };
    let result = match anchor {
        Some(a) => registry::verify_anchored(&entries, a),
        None => registry::verify(&entries),
    };
    match result {
        Ok(()) => {
            let head = registry::head(&entries).map_or_else(|| "none".to_string(), |h| h.to_string());
            println!("ok: {} entries, chain intact; head {head}", entries.len());
            Ok(EXIT_OK)
        }
        Err(broken) => {
            println!("broken: {broken}");
            Ok(EXIT_FAILURE)
        }
    }
}

/// `cqpt rgpd …`.
pub fn rgpd(source: &DataSource, cmd: &RgpdCommand) -> Outcome {
    match cmd {
        RgpdCommand::Export { candidate, file, store } => {
            match open(store).and_then(|s| s.subject_export(candidate)) {
                Ok(bytes) => {
                    write_atomic(file, &bytes)?;
                    eprintln!("wrote {}", file.display());
                    Ok(EXIT_OK)
                }
                Err(e) => failed(&e),
            }
        }
        RgpdCommand::Erase { candidate, store } => {
            match open(store).and_then(|mut s| s.erase_candidate(CLI_ACTOR, candidate)) {
                Ok(e) => {
                    eprintln!(
                        "erased candidate {candidate}: {} dossier texts, {} files, {} documents",
                        e.dossiers, e.files, e.documents
                    );
                    Ok(EXIT_OK)
                }
                Err(e) => failed(&e),
            }
        }
        RgpdCommand::Purge { date, store } => {
            let retention = cqpt::retention::load_retention(source)?;
            let now_ms = clock().now_ms();
            match open(store).and_then(|mut s| s.purge(CLI_ACTOR, *date, now_ms, &retention)) {
                Ok(p) => {
                    eprintln!(
                        "deleted {} files, {} login sessions, {} failed logins",
                        p.files, p.sessions, p.login_failures
                    );
                    Ok(EXIT_OK)
                }
                Err(e) => failed(&e),
            }
        }
        RgpdCommand::Due { date, store } => {
            let retention = cqpt::retention::load_retention(source)?;
            match open(store).and_then(|s| s.due_for_erasure(*date, &retention)) {
                Ok(due) => {
                    for d in &due {
                        println!("{}\tkept until {}", d.candidate, d.kept_until);
                    }
                    Ok(EXIT_OK)
                }
                Err(e) => failed(&e),
            }
        }
    }
}
