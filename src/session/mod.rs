//! A commission session at scale: a folder of dossiers in; every decision, report and the
//! tableau récapitulatif out — spread over the cores, each output written atomically, one bad
//! dossier reported without stopping the others.

pub mod bilan;
pub mod parallel;
pub mod summary;

use crate::diag::Diagnostics;
use crate::documents::{self, Context, ReportKind};
use crate::dossier::{Dossier, load_dossier};
use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::phases::{Evaluation, evaluate};
use crate::render;
use crate::source::SourceFile;
use serde::Serialize;
use std::path::{Path, PathBuf};
pub use summary::SummaryRow;

/// Which PDFs a session writes for each dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Documents {
    /// None (and no PDF of the tableau either): decisions and CSV only.
    None,
    /// The synthesis report of every recevable dossier, the decision letter of every rejected one.
    Standard,
    /// Also the recevabilité letter of every dossier and the filled global grid.
    All,
}

/// How to run a session.
#[derive(Debug, Clone, Copy)]
pub struct SessionOptions {
    /// PDFs to write.
    pub documents: Documents,
    /// Threads.
    pub threads: usize,
}

/// A dossier that could not be processed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Its file.
    pub file: String,
    /// Why, as a person reads it (diagnostics with file, line and field).
    pub message: String,
}

/// What a session did.
#[derive(Debug, Clone)]
pub struct SessionReport {
    /// One row per processed dossier, in file order.
    pub rows: Vec<SummaryRow>,
    /// Dossiers that could not be processed.
    pub failures: Vec<Failure>,
    /// PDFs written.
    pub documents: usize,
    /// Files written, relative to the output folder.
    pub written: Vec<String>,
}

/// The dossier files of a folder: `*.yaml`, sorted by name.
pub fn dossier_files(folder: &Path) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(folder).map_err(|source| Error::Read { path: folder.to_path_buf(), source })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads, loads and evaluates one dossier as of its latest date.
pub fn load_and_evaluate(ctx: &Context, path: &Path) -> std::result::Result<(Dossier, Evaluation), Failure> {
    let fail = |message: String| Failure { file: path.display().to_string(), message };
    let file = SourceFile::read(path).map_err(|e| fail(e.to_string()))?;
    let dossier = load_dossier(&file, ctx.library).map_err(|d: Diagnostics| fail(d.to_string()))?;
    let date = dossier.latest_date();
    let future = crate::dossier::check_future_dates(&dossier, date);
    if future.has_errors() {
        return Err(fail(future.to_string()));
    }
    let evaluation = evaluate(&dossier, ctx.library, ctx.policy, date);
    Ok((dossier, evaluation))
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "dossier".into())
}

/// What one dossier gave: its row, the files written, its date.
struct Processed {
    row: SummaryRow,
    written: Vec<String>,
    date: crate::date::Date,
}

/// One dossier: evaluate, write its PDFs, return its row and the files written.
fn process(
    ctx: &Context,
    path: &Path,
    out: &Path,
    options: SessionOptions,
) -> std::result::Result<Processed, Failure> {
    let (dossier, e) = load_and_evaluate(ctx, path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let row = SummaryRow::new(
        &name,
        &e,
        dossier.evaluating_body.as_ref().map(|b| b.name.as_str()),
        dossier.route.as_str(),
    );
    let kinds: Vec<ReportKind> = match options.documents {
        Documents::None => vec![],
        Documents::Standard if e.recevabilite.recevable => vec![ReportKind::Synthese],
        Documents::Standard => vec![ReportKind::Recevabilite],
        Documents::All if e.recevabilite.recevable => {
            vec![ReportKind::Recevabilite, ReportKind::Synthese, ReportKind::Grille]
        }
        Documents::All => vec![ReportKind::Recevabilite],
    };
    let mut written = Vec::new();
    if !kinds.is_empty() {
        let folder = out.join(stem(path));
        std::fs::create_dir_all(&folder).map_err(|err| Failure {
            file: path.display().to_string(),
            message: format!("failed to create {} ({err})", folder.display()),
        })?;
        for kind in kinds {
            documents::report_pdf(ctx, kind, &dossier, &e)
                .and_then(|b| write_atomic(&folder.join(format!("{}.pdf", kind.template())), &b))
                .map_err(|err| Failure { file: path.display().to_string(), message: err.to_string() })?;
            written.push(format!("{}/{}.pdf", stem(path), kind.template()));
        }
    }
    Ok(Processed { row, written, date: e.date })
}

/// The tableau récapitulatif's view.
#[derive(Serialize)]
struct TableauView<'a> {
    date: String,
    rows: &'a [SummaryRow],
    total: usize,
    recevables: usize,
    attributions: usize,
    montant: f64,
    failures: Vec<String>,
}

/// Runs a session on the dossiers of `input`, writing into `out`.
pub fn run(
    ctx: &Context,
    input: &Path,
    out: &Path,
    options: SessionOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SessionReport> {
    let files = dossier_files(input)?;
    std::fs::create_dir_all(out).map_err(|source| Error::Write { path: out.to_path_buf(), source })?;
    let results = parallel::map(&files, options.threads, |path| process(ctx, path, out, options), progress);
    let mut rows = Vec::with_capacity(results.len());
    let mut failures = Vec::new();
    let mut written = Vec::new();
    let mut created = crate::date::Date::new(1970, 1, 1).expect("epoch");
    for r in results {
        match r {
            Ok(p) => {
                rows.push(p.row);
                written.extend(p.written);
                created = created.max(p.date);
            }
            Err(f) => failures.push(f),
        }
    }
    let documents = written.len();
    write_atomic(&out.join("tableau-recapitulatif.csv"), &summary::to_csv(&rows))?;
    written.push("tableau-recapitulatif.csv".into());
    let mut report = String::new();
    for f in &failures {
        report.push_str(&format!("== {}\n{}\n\n", f.file, f.message));
    }
    write_atomic(&out.join("dossiers-en-erreur.txt"), report.as_bytes())?;
    written.push("dossiers-en-erreur.txt".into());
    if options.documents != Documents::None {
        let view = TableauView {
            date: created.to_string(),
            total: rows.len(),
            recevables: rows.iter().filter(|r| r.recevabilite == "recevable").count(),
            attributions: rows.iter().filter(|r| r.proposition == "attribution").count(),
            montant: rows.iter().map(|r| r.montant_euros).sum(),
            failures: failures.iter().map(|f| f.file.clone()).collect(),
            rows: &rows,
        };
        let bytes = render::pdf(ctx.templates, "tableau-recapitulatif", &view, created)?;
        write_atomic(&out.join("tableau-recapitulatif.pdf"), &bytes)?;
        written.push("tableau-recapitulatif.pdf".into());
    }
    Ok(SessionReport { rows, failures, documents, written })
}
