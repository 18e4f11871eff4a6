//! The evaluator's grids as a spreadsheet, out and in (issue 16).
//!
//! - [`blank_workbook`]: the blank grids of one candidate's dossier as an `.xlsx` to fill
//!   offline: an identity sheet (dossier, candidate, certificate), the observation grid (phase
//!   2C: one row per item in the grid's order, one column per contact with its number, start and
//!   end, then a table of justifications), the dossier de preuves (phase 2A: one row per level
//!   drawn from a piece) and the list of the grids' items. Level, time and date cells are
//!   validated, the rest is protected; panes are frozen and pages set for printing.
//! - [`import_workbook`] and [`import_csv`]: the filled grids read back as the crate's model
//!   ([`GridImport`]), or every refused cell at once ([`Refused`]); nothing is half-imported.
//!
//! All the wording is in `referentiels/tableur.toml` ([`SheetTexts`]); positions are in
//! [`layout`]. The CSV layouts are documented in [`csv_in`].

pub mod cells;
pub mod csv_in;
pub mod items;
pub mod layout;
pub mod observation;
pub mod preuves;
pub mod texts;
pub mod workbook_in;
pub mod workbook_out;

pub use cells::{CellError, Refused};
pub use csv_in::import_csv;
pub use texts::SheetTexts;
pub use workbook_in::import_workbook;
pub use workbook_out::blank_workbook;

use crate::documents::grids::{CertificateGrids, load_grids};
use crate::documents::labels::Labels;
use crate::dossier::{Dossier, Observation, Preuve};
use crate::error::Result;
use crate::policy::Policy;
use crate::referentiel::Library;
use crate::source::DataSource;

/// What the workbook is made from and checked against: the référentiels, the policy, the
/// certificate's grid definitions, the workbook's wording and the French labels.
pub struct SheetContext<'a> {
    /// Référentiels.
    pub library: &'a Library,
    /// Policy (the levels that need a justification, the minimum contacts, which modality
    /// evaluates what).
    pub policy: &'a Policy,
    /// The certificate's grids (`grids/<certificate>.yaml`).
    pub grids: CertificateGrids,
    /// The workbook's wording (`referentiels/tableur.toml`).
    pub texts: SheetTexts,
    /// The French labels (`referentiels/libelles.toml`).
    pub labels: Labels,
}

impl<'a> SheetContext<'a> {
    /// Reads the grids of `certificate`, the wording and the labels from `source`.
    pub fn load(
        source: &DataSource,
        library: &'a Library,
        policy: &'a Policy,
        certificate: &str,
    ) -> Result<SheetContext<'a>> {
        Ok(SheetContext {
            library,
            policy,
            grids: load_grids(source, library, certificate)?,
            texts: SheetTexts::from_source(source)?,
            labels: crate::context::load_labels(source)?,
        })
    }

    /// The level from which a justification is required (policy `[levels] justification_from`).
    pub fn justification_from(&self) -> u8 {
        self.policy.for_certificate(&self.grids.certificate).levels.justification_from
    }

    /// The number of contact columns: the grid's, at least the policy's minimum.
    pub fn contact_columns(&self) -> u32 {
        let min = self.min_contacts();
        self.grids.observation.contacts.max(min).max(1)
    }

    /// The policy's minimum number of contacts for the certificate (0 when none).
    pub fn min_contacts(&self) -> u32 {
        let policy = self.policy.for_certificate(&self.grids.certificate);
        policy.observation.min_contacts.get(&self.grids.certificate).copied().unwrap_or(0)
    }

    /// The sheet names, in workbook order (errors are listed in this order).
    pub fn sheet_order(&self) -> [&str; 4] {
        let f = &self.texts.feuilles;
        [&f.identite, &f.observation, &f.preuves, &f.savoirs]
    }
}

/// The id a workbook names its dossier by: the dossier file's name without `.yaml` (the
/// store's id), else the candidate's file number.
pub fn dossier_id(dossier: &Dossier) -> String {
    crate::store::dossier_id(&dossier.file).unwrap_or_else(|| dossier.candidate.id.clone())
}

/// The grids read from a filled workbook or CSV file, as the crate's model: what the lead puts
/// into the dossier. A grid left blank is `None`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct GridImport {
    /// Phase 2A: the pieces of the dossier de preuves with their levels.
    pub preuves: Option<Vec<Preuve>>,
    /// Phase 2C: the observation, contact by contact.
    pub observation: Option<Observation>,
}

impl GridImport {
    /// Every level imported.
    pub fn level_count(&self) -> usize {
        let preuves = self.preuves.iter().flatten().map(|p| p.assessments.len()).sum::<usize>();
        let observed =
            self.observation.iter().flat_map(|o| &o.contacts).map(|c| c.assessments.len()).sum::<usize>();
        preuves + observed
    }
}
