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
