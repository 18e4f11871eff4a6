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
    /// A data folder lacks sub-folders.
    #[error(
        "no {} folder in {path} (a data folder holds referentiels/, grids/, templates/ and quiz/: \
         `cqpt data export DIR` writes one to edit)",
        either(.folders)
    )]
    NoFolder {
        /// Every missing sub-folder.
        folders: Vec<&'static str>,
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
    /// Text the embedded font cannot print, in the fields of a document's view that hold it.
    #[error(
        "the PDF font cannot print {} (template {template}; widen scripts/make-fonts.sh or change the text)",
        unprintable(.fields, .chars)
    )]
    Unprintable {
        /// The template being filled.
        template: String,
        /// The view's fields that hold the characters (empty: the template's own text).
        fields: Vec<crate::render::unprintable::UnprintableField>,
        /// Every character the font lacks.
        chars: Vec<char>,
    },
    /// The data in use cannot do what was asked (e.g. the quiz bank has no question on an item).
    #[error("{0}")]
    Data(String),
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

/// `a`, `a` or `b`, `a`, `b` or `c`: the names quoted, for "no … folder".
fn either(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// `'ễ' (U+1EC5) in candidate.family_name, …`, or the characters alone.
fn unprintable(fields: &[crate::render::unprintable::UnprintableField], chars: &[char]) -> String {
    if fields.is_empty() {
        return format!("{} in its own text", crate::render::unprintable::describe(chars));
    }
    let named: Vec<String> = fields
        .iter()
        .map(|f| format!("{} in {}", crate::render::unprintable::describe(&f.chars), f.field))
        .collect();
    named.join("; ")
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
