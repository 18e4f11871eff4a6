//! The library's error type: everything that can stop an operation, typed.

use crate::diag::Diagnostics;
use std::path::PathBuf;

/// What went wrong; the CLI prints it in one place.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read.
    #[error("failed to read {path} ({source})")]
    Read {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("failed to write {path} ({source})")]
    Write {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A data folder lacks a sub-folder.
    #[error("no `{folder}` folder in {path}")]
    NoFolder {
        /// The missing sub-folder.
        folder: &'static str,
        /// The data folder.
        path: PathBuf,
    },
    /// The input has problems; each diagnostic names the file, line and field.
    #[error("{} error(s) in the input", .0.error_count())]
    Invalid(Diagnostics),
    /// A template cannot be read or filled.
    #[error("template {template}{}: {message}", .line.map(|l| format!(":{l}")).unwrap_or_default())]
    Template {
        /// The template file.
        template: String,
        /// Its line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A command-line value that cannot be used.
    #[error("{0}")]
    Usage(String),
    /// An id that names nothing.
    #[error("unknown {what} `{id}` (known: {known})")]
    Unknown {
        /// What kind of thing.
        what: &'static str,
        /// The id given.
        id: String,
        /// The ids that exist.
        known: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
