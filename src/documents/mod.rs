//! The documents people read: blank grids to print, the recevabilité letter, the prédiagnostic
//! feedback, the synthesis report for the CPNE and the filled global grid. Each is a view of
//! the data ([`views`]) filled into a template of `templates/` and printed as PDF.

pub mod decision;
pub mod grids;
pub mod labelled;
pub mod labels;
pub mod texts;
pub mod unprintable;
pub mod views;

use crate::date::Date;
use crate::dossier::Dossier;
use crate::error::{Error, Result};
use crate::phases::Evaluation;
use crate::policy::Policy;
use crate::referentiel::Library;
use crate::render::{self, Templates, layout};
use crate::source::DataSource;
pub use grids::{CertificateGrids, GridKind, load_grids};
pub use labels::{LabelSet, Labels};
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
pub use texts::Texts;

/// What the documents need: the référentiels, the policy, the templates and the grids' source.
/// Grid files are read once per context, whatever the number of documents.
pub struct Context<'a> {
    /// Référentiels.
    pub library: &'a Library,
    /// Policy.
    pub policy: &'a Policy,
    /// Templates.
    pub templates: &'a Templates,
    /// Where the grids are read.
    pub source: &'a DataSource,
    /// Grids already read, by certificate.
    grids: Mutex<BTreeMap<String, CertificateGrids>>,
    /// The labels and the wording, read from the source the first time they are needed.
    data: OnceLock<std::result::Result<(Labels, Texts), crate::diag::Diagnostics>>,
}

impl<'a> Context<'a> {
    /// A context over loaded référentiels, policy and templates.
    pub fn new(
        library: &'a Library,
        policy: &'a Policy,
        templates: &'a Templates,
        source: &'a DataSource,
    ) -> Context<'a> {
        Context {
            library,
            policy,
            templates,
            source,
            grids: Mutex::new(BTreeMap::new()),
            data: OnceLock::new(),
        }
    }

    /// The labels and the wording of the documents, read from the source the first time.
    fn data(&self) -> Result<&(Labels, Texts)> {
        self.data
            .get_or_init(|| {
                let labels = crate::context::load_labels(self.source).map_err(as_diagnostics)?;
                let texts = crate::context::load_texts(self.source).map_err(as_diagnostics)?;
                Ok((labels, texts))
            })
            .as_ref()
            .map_err(|d| Error::Invalid(d.clone()))
    }

    /// The French label of every code (`referentiels/libelles.toml`).
    pub fn labels(&self) -> Result<&Labels> {
        Ok(&self.data()?.0)
    }

    /// The documents' wording, organisations and signatories (`referentiels/documents.toml`).
    pub fn texts(&self) -> Result<&Texts> {
        Ok(&self.data()?.1)
    }

    /// The grids of `certificate`, read from the source the first time only.
    pub fn grids(&self, certificate: &str) -> Result<CertificateGrids> {
        let mut cache = self.grids.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(g) = cache.get(certificate) {
            return Ok(g.clone());
        }
        let grids = load_grids(self.source, self.library, certificate)?;
        cache.insert(certificate.to_string(), grids.clone());
        Ok(grids)
    }
}

/// An error reading a data file, as diagnostics (kept to be returned again).
fn as_diagnostics(error: Error) -> crate::diag::Diagnostics {
    match error {
        Error::Invalid(d) => d,
        other => crate::diag::Diagnostics(vec![crate::diag::Diagnostic::error(
            crate::diag::Code::Io,
            crate::diag::Location::default(),
            "",
            other.to_string(),
        )]),
    }
}

/// The reports made from a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// AUVICOM's recevabilité decision letter.
    Recevabilite,
    /// The prédiagnostic feedback for the candidate.
    Prediagnostic,
    /// The synthesis report for the CPNE.
    Synthese,
    /// The filled global evaluation grid.
    Grille,
    /// The commission's decision letter to the candidate (phase 4).
    Decision,
}

impl ReportKind {
    /// The template that prints it.
    pub fn template(self) -> &'static str {
        match self {
            ReportKind::Recevabilite => "lettre-recevabilite",
            ReportKind::Prediagnostic => "prediagnostic",
            ReportKind::Synthese => "synthese",
            ReportKind::Grille => "grille-globale",
            ReportKind::Decision => "lettre-decision",
        }
    }
}

/// Lays out a report of `dossier` (already evaluated); dated by the dossier's latest date.
pub fn report_document(
    ctx: &Context,
    kind: ReportKind,
    dossier: &Dossier,
    evaluation: &Evaluation,
) -> Result<layout::Document> {
    let created = dossier.latest_date();
    let name = kind.template();
    let document = match kind {
        ReportKind::Recevabilite => {
            render::document(ctx.templates, name, &views::recevabilite(ctx, dossier, evaluation)?, created)
        }
        ReportKind::Prediagnostic => {
            let view = views::prediagnostic(ctx, dossier)?.ok_or_else(|| {
                Error::Data(format!(
                    "{}: no prédiagnostic is recorded in this dossier (section `prediagnostic`)",
                    dossier.file
                ))
            })?;
            render::document(ctx.templates, name, &view, created)
        }
        ReportKind::Synthese => {
            render::document(ctx.templates, name, &views::synthese(ctx, dossier, evaluation)?, created)
        }
        ReportKind::Decision => render::document(
            ctx.templates,
            name,
            &decision::decision_view(ctx, dossier, evaluation)?,
            created,
        ),
        ReportKind::Grille => {
            let grids = ctx.grids(&dossier.certificate)?;
            let view = views::grid(ctx, &grids, GridKind::Globale, Some((dossier, evaluation)))?;
            render::document(ctx.templates, name, &view, created)
        }
    };
    document.map_err(|e| unprintable::blame_dossier(e, dossier))
}

/// A report of `dossier` as PDF bytes.
pub fn report_pdf(
    ctx: &Context,
    kind: ReportKind,
    dossier: &Dossier,
    evaluation: &Evaluation,
) -> Result<Vec<u8>> {
    Ok(render::pdf::to_pdf(&report_document(ctx, kind, dossier, evaluation)?))
}

/// Lays out a blank grid of `certificate`.
pub fn grid_document(
    ctx: &Context,
    certificate: &str,
    kind: GridKind,
    created: Date,
) -> Result<layout::Document> {
    let grids = ctx.grids(certificate)?;
    let view = views::grid(ctx, &grids, kind, None)?;
    let name = match kind {
        GridKind::Observation => "grille-observation",
        GridKind::Preuves => "grille-preuves",
        GridKind::Globale => "grille-globale",
    };
    render::document(ctx.templates, name, &view, created)
}

/// A blank grid as PDF bytes.
pub fn grid_pdf(ctx: &Context, certificate: &str, kind: GridKind, created: Date) -> Result<Vec<u8>> {
    Ok(render::pdf::to_pdf(&grid_document(ctx, certificate, kind, created)?))
}
