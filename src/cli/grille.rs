//! `cqpt grille`: a dossier's grids as a spreadsheet to fill offline, and the check of a
//! filled one (`.xlsx` or CSV) before it is imported.

use super::{EXIT_INVALID, EXIT_OK, Outcome};
use clap::{Args, Subcommand};
use cqpt::Error;
use cqpt::context;
use cqpt::date::Date;
use cqpt::dossier::{self, Dossier};
use cqpt::exchange::sheet::{self, GridImport, SheetContext, layout};
use cqpt::render::french;
use cqpt::source::{DataSource, SourceFile};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `cqpt grille`.
#[derive(Debug, Subcommand)]
pub enum GrilleCommand {
    /// Write the blank grids of a dossier as an .xlsx workbook to fill offline: the observation
    /// (phase 2C), contact by contact, and the dossier de preuves (phase 2A).
    Tableur(TableurArgs),
    /// Check a filled workbook (.xlsx) or CSV file against its dossier: every refused cell
    /// with its sheet, row and column (exit status 3), or what would be imported (exit 0).
    Verifier(VerifierArgs),
}

/// `cqpt grille tableur`.
#[derive(Debug, Args)]
pub struct TableurArgs {
    /// The dossier file (YAML).
    pub dossier: PathBuf,
    /// The workbook to write (atomically).
    #[arg(short, long, value_name = "FILE.xlsx")]
    pub out: PathBuf,
}

/// `cqpt grille verifier`.
#[derive(Debug, Args)]
pub struct VerifierArgs {
    /// The dossier file (YAML).
    pub dossier: PathBuf,
    /// The filled grid: a workbook written by `cqpt grille tableur` (.xlsx), or a CSV file
    /// (the layouts are in the README).
    pub file: PathBuf,
    /// Who gives the levels (by default the dossier's evaluator).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// The date the levels are given (YYYY-MM-DD); by default the latest date the dossier
    /// records.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
}

/// Runs `cqpt grille`.
pub fn run(source: &DataSource, cmd: &GrilleCommand) -> Outcome {
    match cmd {
        GrilleCommand::Tableur(args) => tableur(source, args),
        GrilleCommand::Verifier(args) => verifier(source, args),
    }
}

/// Loads the dossier and builds the context of its certificate.
fn load<'a>(
    source: &DataSource,
    path: &Path,
    library: &'a cqpt::referentiel::Library,
    policy: &'a cqpt::policy::Policy,
) -> Result<(Dossier, SheetContext<'a>), Error> {
    let file = SourceFile::read(path)?;
    let dossier = dossier::load_dossier(&file, library).map_err(Error::Invalid)?;
    let ctx = SheetContext::load(source, library, policy, &dossier.certificate)?;
    Ok((dossier, ctx))
}

fn tableur(source: &DataSource, args: &TableurArgs) -> Outcome {
    let (library, policy) = context::load_context(source)?;
    let (dossier, ctx) = load(source, &args.dossier, &library, &policy)?;
    let bytes = sheet::blank_workbook(&dossier, &ctx)?;
    cqpt::output::write_atomic(&args.out, &bytes)?;
    eprintln!(
        "{}: the blank grids of dossier {} ({}), {} contact column(s)",
        args.out.display(),
        sheet::dossier_id(&dossier),
        dossier.candidate_name(),
        ctx.contact_columns()
    );
    Ok(EXIT_OK)
}

fn verifier(source: &DataSource, args: &VerifierArgs) -> Outcome {
    let (library, policy) = context::load_context(source)?;
    let (dossier, ctx) = load(source, &args.dossier, &library, &policy)?;
    let csv = args.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let max = if csv { layout::MAX_CSV_BYTES } else { layout::MAX_XLSX_BYTES };
    let bytes = read_bounded(&args.file, max)?;
    let by = args
        .by
        .clone()
        .or_else(|| dossier.evaluating_body.as_ref().and_then(|b| b.evaluator.clone()))
        .unwrap_or_else(|| "évaluateur".to_string());
    let on = args.date.unwrap_or_else(|| dossier.latest_date());
    let name = args.file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let result = if csv {
        sheet::import_csv(&name, &bytes, &dossier, &ctx, &by, on)
    } else {
        sheet::import_workbook(&bytes, &dossier, &ctx, &by, on)
    };
    match result {
        Ok(import) => {
            print!("{}", summary(&import, &dossier));
            Ok(EXIT_OK)
        }
        Err(refused) => {
            eprintln!("{refused}");
            eprintln!(
                "{}: {} refused cell(s); nothing would be imported",
                args.file.display(),
                refused.0.len()
            );
            Ok(EXIT_INVALID)
        }
    }
}

/// Reads at most `max + 1` bytes of a regular file (the import refuses more than `max`).
fn read_bounded(path: &Path, max: usize) -> Result<Vec<u8>, Error> {
    let read_error = |source| Error::Read { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(read_error)?;
    if !meta.is_file() {
        return Err(Error::Usage(format!("{} is not a regular file", path.display())));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max as u64 + 1).read_to_end(&mut bytes))
        .map_err(read_error)?;
    Ok(bytes)
}

/// What would be imported, in French, one line per grid.
fn summary(import: &GridImport, dossier: &Dossier) -> String {
    let mut out = format!("Dossier {} — {}\n", sheet::dossier_id(dossier), dossier.candidate_name());
    if let Some(o) = &import.observation {
        let levels: usize = o.contacts.iter().map(|c| c.assessments.len()).sum();
        let _ = writeln!(
            out,
            "Observation du {}, {}–{}, par {} : {} contact(s) ({}), {levels} niveau(x)",
            french::date(o.date),
            o.start,
            o.end,
            o.by,
            o.contacts.len(),
            o.contacts.iter().map(|c| c.number.to_string()).collect::<Vec<_>>().join(", "),
        );
    }
    if let Some(p) = &import.preuves {
        let levels: usize = p.iter().map(|p| p.assessments.len()).sum();
        let _ = writeln!(
            out,
            "Dossier de preuves : {} pièce(s) ({}), {levels} niveau(x)",
            p.len(),
            p.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    if import.observation.is_none() && import.preuves.is_none() {
        out.push_str("Aucune grille remplie : rien à importer\n");
    }
    out
}
