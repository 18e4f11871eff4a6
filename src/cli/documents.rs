//! `cqpt grid` and `cqpt report`: printable grids and the reports of a dossier, as PDF.

use super::{EXIT_OK, Outcome};
use clap::{Args, ValueEnum};
use cqpt::context;
use cqpt::date::Date;
use cqpt::documents::{self, Context, GridKind, ReportKind};
use cqpt::evaluate::load_and_evaluate;
use cqpt::render::Templates;
use cqpt::source::DataSource;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GridArg {
    /// Observation in a real work situation (phase 2C), one column per contact.
    Observation,
    /// Support of the dossier de preuves (phase 2A).
    Preuves,
    /// Global evaluation grid (phase 3).
    Globale,
}

impl From<GridArg> for GridKind {
    fn from(arg: GridArg) -> GridKind {
        match arg {
            GridArg::Observation => GridKind::Observation,
            GridArg::Preuves => GridKind::Preuves,
            GridArg::Globale => GridKind::Globale,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportArg {
    /// AUVICOM's recevabilité decision letter, every reason in words a candidate understands.
    Recevabilite,
    /// Prédiagnostic feedback for the candidate: levels reached, training needs.
    Prediagnostic,
    /// Synthesis report for the CPNE's attribution commission.
    Synthese,
    /// The global evaluation grid, filled.
    Grille,
    /// The commission's decision letter to the candidate: attribution, validation partielle
    /// with the units validated, complementary evaluation or non-attribution.
    Decision,
}

impl From<ReportArg> for ReportKind {
    fn from(arg: ReportArg) -> ReportKind {
        match arg {
            ReportArg::Recevabilite => ReportKind::Recevabilite,
            ReportArg::Prediagnostic => ReportKind::Prediagnostic,
            ReportArg::Synthese => ReportKind::Synthese,
            ReportArg::Grille => ReportKind::Grille,
            ReportArg::Decision => ReportKind::Decision,
        }
    }
}

/// Where a document goes.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// The PDF file to write (written atomically).
    #[arg(short, long, value_name = "FILE.pdf", required_unless_present = "text")]
    pub output: Option<PathBuf>,
    /// Print the text of the laid-out document instead of writing a PDF (to check a template).
    #[arg(long)]
    pub text: bool,
}

#[derive(Debug, Args)]
pub struct GridCommand {
    /// The certificate (see `cqpt referentiel list`).
    pub certificate: String,
    /// Which grid.
    #[arg(value_enum)]
    pub kind: GridArg,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// `cqpt report`: a PDF (or its text), never JSON, so it takes no `--format`.
#[derive(Debug, Args)]
pub struct ReportCommand {
    /// The dossier file (YAML, see examples/README.md).
    pub dossier: PathBuf,
    /// The evaluation date (YYYY-MM-DD); by default the latest date the dossier records.
    /// Dates after it are errors.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// Which report.
    #[arg(long, value_enum)]
    pub kind: ReportArg,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The date of a blank grid: `SOURCE_DATE_EPOCH` when set (reproducible builds), else today.
// A blank grid has no dossier to take its date from: the printing day is the only date it has.
#[allow(clippy::disallowed_methods)]
fn grid_date() -> Date {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    Date::from_days_since_epoch(seconds.div_euclid(86_400))
        .unwrap_or_else(|| Date::new(1970, 1, 1).expect("epoch"))
}

fn emit(doc: &cqpt::render::layout::Document, out: &OutputArgs) -> Outcome {
    if out.text {
        print!("{}", doc.text());
        return Ok(EXIT_OK);
    }
    let path = out.output.as_ref().expect("clap requires -o without --text");
    let bytes = cqpt::render::pdf::to_pdf(doc);
    cqpt::output::write_atomic(path, &bytes)?;
    eprintln!("wrote {} ({} page(s), {} bytes)", path.display(), doc.pages.len(), bytes.len());
    Ok(EXIT_OK)
}

/// `cqpt grid`.
pub fn grid(source: &DataSource, cmd: &GridCommand) -> Outcome {
    let (library, policy) = context::load_context(source)?;
    let templates = Templates::load(source)?;
    let ctx = Context::new(&library, &policy, &templates, source);
    let doc = documents::grid_document(&ctx, &cmd.certificate, cmd.kind.into(), grid_date())?;
    emit(&doc, &cmd.out)
}

/// `cqpt report`.
pub fn report(source: &DataSource, cmd: &ReportCommand) -> Outcome {
    let (library, policy) = context::load_context(source)?;
    let templates = Templates::load(source)?;
    let ctx = Context::new(&library, &policy, &templates, source);
    let (dossier, evaluation) = load_and_evaluate(&cmd.dossier, &library, &policy, cmd.date)?;
    let doc = documents::report_document(&ctx, cmd.kind.into(), &dossier, &evaluation)?;
    emit(&doc, &cmd.out)
}
