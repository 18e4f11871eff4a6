//! The documents people read: blank grids to print, the recevabilité letter, the prédiagnostic
//! feedback, the synthesis report for the CPNE and the filled global grid. Each is a view of
//! the data ([`views`]) filled into a template of `templates/` and printed as PDF.

pub mod grids;
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
use std::collections::BTreeMap;
use std::sync::Mutex;

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
}

impl<'a> Context<'a> {
    /// A context over loaded référentiels, policy and templates.
    pub fn new(
        library: &'a Library,
        policy: &'a Policy,
        templates: &'a Templates,
        source: &'a DataSource,
    ) -> Context<'a> {
        Context { library, policy, templates, source, grids: Mutex::new(BTreeMap::new()) }
    }

    /// The grids of `certificate`, read from the source the first time only.
    pub fn grids(&self, certificate: &str) -> Result<CertificateGrids> {
        let mut cache = self.grids.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(g) = cache.get(certificate) {
            return Ok(g.clone());
        }
        let grids = load_grids(self.source, self.library, certificate)?;
        cache.insert(certificate.to_string(), grids.clone());
        Ok(grids)
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
}

impl ReportKind {
    /// The template that prints it.
    pub fn template(self) -> &'static str {
        match self {
            ReportKind::Recevabilite => "lettre-recevabilite",
            ReportKind::Prediagnostic => "prediagnostic",
            ReportKind::Synthese => "synthese",
            ReportKind::Grille => "grille-globale",
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
            render::document(ctx.templates, name, &views::recevabilite(ctx, dossier, evaluation), created)
        }
        ReportKind::Prediagnostic => {
            let view = views::prediagnostic(ctx, dossier).ok_or_else(|| {
                Error::Data(format!(
                    "{}: no prédiagnostic is recorded in this dossier (section `prediagnostic`)",
                    dossier.file
                ))
            })?;
            render::document(ctx.templates, name, &view, created)
        }
        ReportKind::Synthese => {
            render::document(ctx.templates, name, &views::synthese(ctx, dossier, evaluation), created)
        }
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
