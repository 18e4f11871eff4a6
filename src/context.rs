//! The data every stage after the référentiels needs, loaded from a [`DataSource`]: the
//! référentiel library (with the scales), the decision policy, and the documents' labels and
//! wording.
//!
//! It sits above [`crate::source`], [`crate::referentiel`] and [`crate::policy`], so that each
//! of those depends only on the stages before it.

use crate::documents::labels::{LABELS_FILE, Labels};
use crate::documents::texts::{TEXTS_FILE, Texts};
use crate::error::{Error, Result};
use crate::policy::{self, Policy};
use crate::referentiel::{self, Library, Loaded};
use crate::source::DataSource;
use std::path::PathBuf;

/// Loads the référentiel library (référentiels and scales) from `source`, with its warnings.
pub fn load_library(source: &DataSource) -> Result<Loaded> {
    referentiel::load(&source.referentiel_files()?).map_err(Error::Invalid)
}

/// Loads the référentiels and the decision policy (`referentiels/politique.toml`).
pub fn load_context(source: &DataSource) -> Result<(Library, Policy)> {
    let library = load_library(source)?.library;
    let policy_file = source
        .files("referentiels", "toml")?
        .into_iter()
        .find(|f| f.file_name() == policy::POLICY_FILE)
        .ok_or_else(|| Error::Read {
            path: PathBuf::from(format!("referentiels/{}", policy::POLICY_FILE)),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no policy file"),
        })?;
    let policy = policy::load_policy(&policy_file, &library).map_err(Error::Invalid)?;
    Ok((library, policy))
}

/// The file `referentiels/{name}` of `source`.
fn referentiel_toml(source: &DataSource, name: &str) -> Result<crate::source::SourceFile> {
    source.files("referentiels", "toml")?.into_iter().find(|f| f.file_name() == name).ok_or_else(|| {
        Error::Read {
            path: PathBuf::from(format!("referentiels/{name}")),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no {name} in {}", source.describe()),
            ),
        }
    })
}

/// Loads the French label of every code (`referentiels/libelles.toml`).
pub fn load_labels(source: &DataSource) -> Result<Labels> {
    Labels::load(&referentiel_toml(source, LABELS_FILE)?).map_err(Error::Invalid)
}

/// Loads the documents' wording, organisations and signatories (`referentiels/documents.toml`).
pub fn load_texts(source: &DataSource) -> Result<Texts> {
    Texts::load(&referentiel_toml(source, TEXTS_FILE)?).map_err(Error::Invalid)
}

/// Checks a data folder as one, before any command needs it: the référentiel `files` (as
/// [`referentiel::load`]), then, from `data`, a grid file per certificate and the policy's
/// entries for each certificate. Every problem is returned at once.
pub fn validate_data(
    files: &[crate::source::SourceFile],
    data: &DataSource,
) -> std::result::Result<Loaded, crate::diag::Diagnostics> {
    let mut loaded = referentiel::load(files)?;
    let mut found = crate::diag::Diagnostics::default();
    if let Ok(grids) = data.files("grids", "yaml") {
        found.0.extend(referentiel::completeness::check_grids(&loaded.library, files, &grids).0);
    }
    let policy_file = data
        .files("referentiels", "toml")
        .ok()
        .and_then(|f| f.into_iter().find(|f| f.file_name() == policy::POLICY_FILE));
    if let Some(file) = policy_file
        && let Err(d) = policy::load_policy(&file, &loaded.library)
    {
        found.0.extend(d.0.into_iter().map(|diag| at_table(diag, &file)));
    }
    // The documents' texts of a certificate that does not exist (issue 13: texts per certificate).
    let texts_file = data
        .files("referentiels", "toml")
        .ok()
        .and_then(|f| f.into_iter().find(|f| f.file_name() == TEXTS_FILE));
    if let Some(file) = texts_file {
        match Texts::load(&file) {
            Ok(texts) => found.0.extend(texts.unknown_certificates(&file, &loaded.library).0),
            Err(d) => found.0.extend(d.0),
        }
    }
    if !found.has_errors() {
        loaded.warnings.0.extend(found.0);
        return Ok(loaded);
    }
    found.0.extend(loaded.warnings.0);
    found.sort();
    Err(found)
}

/// A policy diagnostic without a line (a missing entry) is placed at the header of the table
/// its field names (`observation.min_contacts` → `[observation.min_contacts]`), so a person
/// knows where to add it.
fn at_table(mut diag: crate::diag::Diagnostic, file: &crate::source::SourceFile) -> crate::diag::Diagnostic {
    if diag.location.line != 0 || diag.location.file != file.name {
        return diag;
    }
    let mut table = diag.field.as_str();
    loop {
        let header = format!("[{table}]");
        if let Some(i) = file.text.lines().position(|l| l.trim() == header) {
            diag.location.line = u32::try_from(i + 1).unwrap_or(0);
            diag.location.column = 1;
            return diag;
        }
        match table.rfind('.') {
            Some(dot) => table = &table[..dot],
            None => return diag,
        }
    }
}
