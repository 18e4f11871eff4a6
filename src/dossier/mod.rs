//! A candidate's dossier: its model, and the reading of a dossier file with diagnostics that
//! name the file, line and field of every problem.

pub mod application_form;
pub mod decode;
pub mod edit;
pub mod evaluation_edit;
pub mod future;
pub mod grid;
pub mod history;
pub mod model;
pub mod values;

pub use application_form::{
    ApplicationForm, DocumentRow, EmploymentRow, FieldError, FormChoices, MAX_ROWS, choices, shipped_labels,
};
pub use decode::decode_dossier;
pub use edit::{
    BodyChoice, quote_yaml, set_top_level, top_level_range, with_decision_date, with_evaluating_body,
};
pub use future::check_future_dates;
pub use model::*;
pub use values::{AccreditationEvent, AppealGround, College, Contract, DocumentKind, Route};

use crate::diag::Diagnostics;
use crate::referentiel::Library;
use crate::source::SourceFile;

/// Reads a dossier file: YAML syntax, structure, ids and levels. Every problem at once.
pub fn load_dossier(file: &SourceFile, library: &Library) -> Result<Dossier, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let root = crate::yaml::parse_with(&file.name, &file.text, &crate::limits::DOSSIER)
        .map_err(|d| Diagnostics(vec![*d]))?;
    let dossier = decode_dossier(&file.name, &root, library, &mut diagnostics);
    match dossier {
        Some(d) if !diagnostics.has_errors() => Ok(d),
        _ => {
            diagnostics.sort();
            Err(diagnostics)
        }
    }
}
