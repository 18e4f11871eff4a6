//! `cqpt session`, `cqpt bilan`, `cqpt example generate`: many dossiers at once.

use super::{EXIT_INVALID, EXIT_OK, Outcome};
use clap::{Args, Subcommand, ValueEnum};
use cqpt::Error;
use cqpt::context;
use cqpt::documents::Context;
use cqpt::output::write_atomic;
use cqpt::render::{self, Templates};
use cqpt::session::{self, Documents, SessionOptions, bilan};
use cqpt::source::DataSource;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DocumentsArg {
    /// No PDF: decisions and the CSV table only (fastest).
    None,
    /// The synthesis report of every recevable dossier, the letter of every rejected one.
    Standard,
    /// Also every recevabilité letter and the filled global grid.
    All,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CsvDialectArg {
    /// For French spreadsheets: `;` separator, UTF-8 with BOM, decimal comma.
    Excel,
    /// RFC 4180 for programs: `,` separator, no BOM, decimal point.
    Rfc4180,
}

impl From<CsvDialectArg> for session::CsvDialect {
    fn from(arg: CsvDialectArg) -> Self {
        match arg {
            CsvDialectArg::Excel => session::CsvDialect::French,
            CsvDialectArg::Rfc4180 => session::CsvDialect::Rfc4180,
        }
    }
}

#[derive(Debug, Args)]
pub struct SessionCommand {
    /// The folder of dossiers (*.yaml).
    pub folder: PathBuf,
    /// The folder to write into: one sub-folder of PDFs per dossier, the tableau récapitulatif
    /// (CSV and PDF) and dossiers-en-erreur.txt.
    #[arg(long, value_name = "FOLDER")]
    pub out: PathBuf,
    /// Which PDFs to write.
    #[arg(long, value_enum, default_value = "standard")]
    pub documents: DocumentsArg,
    /// Threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// The CSV's format: `excel` opens in French spreadsheets, `rfc4180` is for programs.
    #[arg(long, value_enum, default_value = "excel")]
    pub csv_dialect: CsvDialectArg,
    /// The date of the commission's session (YYYY-MM-DD), printed on the tableau; by default the
    /// latest decision recorded in the dossiers, else their latest date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<cqpt::date::Date>,
}

#[derive(Debug, Args)]
pub struct BilanCommand {
    /// The folder of dossiers (*.yaml).
    pub folder: PathBuf,
    /// The year: dossiers whose application was submitted that year.
    #[arg(long)]
    pub year: i32,
    /// The folder to write bilan-YEAR.csv and bilan-YEAR.pdf into.
    #[arg(long, value_name = "FOLDER", default_value = ".")]
    pub out: PathBuf,
    /// Threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// The CSV's format: `excel` opens in French spreadsheets, `rfc4180` is for programs.
    #[arg(long, value_enum, default_value = "excel")]
    pub csv_dialect: CsvDialectArg,
}

#[derive(Debug, Subcommand)]
pub enum ExampleCommand {
    /// Write realistic synthetic dossiers (every certificate, route and outcome represented),
    /// reproducible from the seed — for tests, trials and benchmarks.
    Generate {
        /// How many.
        #[arg(long)]
        count: usize,
        /// The seed: the same seed gives the same dossiers.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Application years, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "2025,2026")]
        years: Vec<i32>,
        /// The folder to write them into.
        #[arg(long, value_name = "FOLDER")]
        out: PathBuf,
    },
}

/// Progress on standard error: a bar on a terminal, a plain line every tenth otherwise.
fn progress(label: &'static str) -> impl Fn(usize, usize) + Sync {
    let terminal = std::io::stderr().is_terminal();
    let shown = AtomicUsize::new(0);
    move |done, total| {
        if terminal {
            let width = 30;
            let filled = done * width / total.max(1);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r{label} [{}{}] {done}/{total}",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            if done == total {
                let _ = writeln!(err);
            }
        } else {
            let tenth = done * 10 / total.max(1);
            if shown.fetch_max(tenth, Ordering::Relaxed) < tenth || done == total && tenth == 0 {
                eprintln!("{label}: {done}/{total}");
            }
        }
    }
}

fn context_parts(
    source: &DataSource,
) -> Result<(cqpt::referentiel::Library, cqpt::policy::Policy, Templates), Error> {
    let (library, policy) = context::load_context(source)?;
    let templates = Templates::load(source)?;
    Ok((library, policy, templates))
}

pub fn session(source: &DataSource, cmd: &SessionCommand) -> Outcome {
    // A session without PDFs renders nothing: its templates are not compiled.
    let (library, policy, templates) = match cmd.documents {
        DocumentsArg::None => {
            let (library, policy) = context::load_context(source)?;
            (library, policy, Templates::none())
        }
        DocumentsArg::Standard | DocumentsArg::All => context_parts(source)?,
    };
    let ctx = Context::new(&library, &policy, &templates, source);
    let options = SessionOptions {
        documents: match cmd.documents {
            DocumentsArg::None => Documents::None,
            DocumentsArg::Standard => Documents::Standard,
            DocumentsArg::All => Documents::All,
        },
        threads: cmd.threads.unwrap_or_else(session::parallel::threads),
        csv: cmd.csv_dialect.into(),
        date: cmd.date,
    };
    let report = session::run(&ctx, &cmd.folder, &cmd.out, options, &progress("dossiers"))?;
    for f in &report.failures {
        eprintln!("error: dossier {} could not be processed:\n{}\n", f.file, f.message);
    }
    println!(
        "{} dossier(s) processed, {} failed; {} recevable(s), {} proposition(s) d'attribution; {} PDF(s)",
        report.processed,
        report.failures.len(),
        report.recevables,
        report.attributions,
        report.documents,
    );
    let written = match options.documents {
        Documents::None => "tableau-recapitulatif.csv, dossiers-en-erreur.txt",
        _ => {
            "tableau-recapitulatif.csv, tableau-recapitulatif.pdf, dossiers-en-erreur.txt, one folder per dossier"
        }
    };
    println!("documents in {}: {written}", cmd.out.display());
    if !report.ignored.is_empty() {
        println!(
            "{} entr(ies) of {} are not dossiers (listed in dossiers-en-erreur.txt)",
            report.ignored.len(),
            cmd.folder.display()
        );
    }
    if !report.removed.is_empty() {
        println!("removed {} file(s) of an earlier run that no longer apply", report.removed.len());
    }
    Ok(if report.failures.is_empty() { EXIT_OK } else { EXIT_INVALID })
}

pub fn bilan(source: &DataSource, cmd: &BilanCommand) -> Outcome {
    let (library, policy, templates) = context_parts(source)?;
    let ctx = Context::new(&library, &policy, &templates, source);
    let threads = cmd.threads.unwrap_or_else(session::parallel::threads);
    let (b, failures) = bilan::bilan(&ctx, &cmd.folder, cmd.year, threads, &progress("dossiers"))?;
    for f in &failures {
        eprintln!("error: dossier {} could not be read:\n{}\n", f.file, f.message);
    }
    std::fs::create_dir_all(&cmd.out).map_err(|e| Error::Write { path: cmd.out.clone(), source: e })?;
    let csv_path = cmd.out.join(format!("bilan-{}.csv", cmd.year));
    write_atomic(&csv_path, &bilan::to_csv(&b, &ctx, cmd.csv_dialect.into())?)?;
    let created = cqpt::date::Date::new(cmd.year, 12, 31)
        .ok_or_else(|| Error::Usage(format!("--year {} is not a year", cmd.year)))?;
    let pdf_path = cmd.out.join(format!("bilan-{}.pdf", cmd.year));
    write_atomic(&pdf_path, &render::pdf(&templates, "bilan", &bilan::view(&b, &ctx)?, created)?)?;
    println!(
        "bilan {}: {} dossier(s), {} recevable(s) ({:.0} %); wrote {} and {}",
        cmd.year,
        b.dossiers,
        b.recevable,
        100.0 * b.recevability_rate(),
        csv_path.display(),
        pdf_path.display()
    );
    Ok(if failures.is_empty() { EXIT_OK } else { EXIT_INVALID })
}

pub fn example(source: &DataSource, cmd: &ExampleCommand) -> Outcome {
    let ExampleCommand::Generate { count, seed, years, out } = cmd;
    let (library, policy) = context::load_context(source)?;
    std::fs::create_dir_all(out).map_err(|e| Error::Write { path: out.clone(), source: e })?;
    for g in cqpt::synthetic::generate(&library, &policy, *count, *seed, years) {
        write_atomic(&out.join(&g.file_name), g.yaml.as_bytes())?;
    }
    println!("wrote {count} dossier(s) in {}", out.display());
    Ok(EXIT_OK)
}
