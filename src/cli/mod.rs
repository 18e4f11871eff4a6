//! Command-line interface: clap types, one function per subcommand, and the one place where
//! errors are printed and turned into an exit status.

mod completions;
mod credential;
mod data;
mod documents;
mod dossier;
mod exchange;
mod grille;
mod man;
mod quiz;
mod referentiel;
mod serve;
mod session;
mod sittings;
mod store;

use clap::{Parser, Subcommand, ValueEnum};
use cqpt::Error;
use cqpt::source::DataSource;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status: the command did what was asked.
pub const EXIT_OK: u8 = 0;
/// Exit status: the command could not run (a file could not be read or written, an unknown id).
pub const EXIT_FAILURE: u8 = 1;
/// Exit status: the input data has errors (diagnostics printed).
pub const EXIT_INVALID: u8 = 3;
/// Exit status: findings of the procedure block the synthesis (or the dossier is not recevable).
pub const EXIT_BLOCKED: u8 = 4;

/// cqpt — evaluation and certification of the telecom CQPT (accord du 23 septembre 2005).
///
/// Référentiels, scales, policy, grids, templates and the quiz bank are data files: by default
/// the copy embedded in cqpt is used; `--data DIR` (or `CQPT_DATA`) points at a folder with the
/// same layout as the repository (referentiels/, grids/, templates/, quiz/), which then
/// replaces it. `cqpt data export DIR` writes the embedded copy as such a folder to edit.
///
/// Exit status: 0 success (a decision was reached); 1 the command could not run (I/O, unknown
/// id); 2 wrong usage; 3 the input data has errors (each printed with its file, line and
/// field); 4 findings of the procedure block the synthesis.
#[derive(Debug, Parser)]
#[command(name = "cqpt", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// Data folder to use instead of the embedded data (holds referentiels/, grids/, templates/,
    /// quiz/).
    #[arg(long, global = true, env = "CQPT_DATA", value_name = "DIR")]
    data: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List, show and validate the référentiels and the mastery scales.
    #[command(subcommand)]
    Referentiel(referentiel::ReferentielCommand),
    /// Work on one candidate's dossier.
    #[command(subcommand)]
    Dossier(DossierCommand),
    /// Phase 1: AUVICOM's recevabilité decision, with every reason of a rejection.
    ///
    /// Decided on the day the application was submitted. Exit status 0 when decided
    /// (recevable or not), 3 when the dossier has errors.
    Recevabilite(dossier::DossierArgs),
    /// Phase 3: the synthesis for the CPNE (levels, activities, proposal, overrides).
    ///
    /// Exit status 0 when the synthesis is made, 4 when findings block it or the dossier is
    /// not recevable, 3 when the dossier has errors.
    Synthese(dossier::DossierArgs),
    /// Print a blank grid (observation, dossier de preuves, global) as PDF.
    Grid(documents::GridCommand),
    /// A dossier's grids as a spreadsheet: the blank workbook to fill offline (`tableur`), and
    /// the check of a filled workbook or CSV file (`verifier`).
    #[command(subcommand)]
    Grille(grille::GrilleCommand),
    /// Print a report of a dossier as PDF: recevabilité letter, prédiagnostic feedback,
    /// synthesis for the CPNE, or the filled global grid.
    Report(documents::ReportCommand),
    /// A commission session: every dossier of a folder checked and synthesised, its PDFs
    /// written, and the tableau récapitulatif (CSV and PDF).
    ///
    /// Work is spread over the cores; a dossier that cannot be read is reported with its
    /// diagnostics and the others are processed. Exit status 0 when every dossier was
    /// processed, 3 when some could not be. A rerun gives identical files.
    Session(session::SessionCommand),
    /// The CPNE's annual review (art. 7) of the dossiers submitted in a year, as CSV and PDF.
    Bilan(session::BilanCommand),
    /// The quiz: check the bank, its coverage, draw and print sittings, score answer sheets.
    #[command(subcommand)]
    Quiz(quiz::QuizCommand),
    /// Open Badges 3.0 credentials of awards, signed with the certifier's key: keygen, issue,
    /// revoke, verify.
    #[command(subcommand)]
    Credential(credential::CredentialCommand),
    /// The quiz bank as a QTI 3.0 package (1EdTech), and back.
    #[command(subcommand)]
    Qti(exchange::QtiCommand),
    /// Synthetic example dossiers.
    #[command(subcommand)]
    Example(session::ExampleCommand),
    /// The data embedded in cqpt: export it as a folder to edit and use with --data.
    #[command(subcommand)]
    Data(data::DataCommand),
    /// Put dossiers (YAML files or folders of them) into the workspace's store, each checked
    /// like `cqpt dossier check`; a bad dossier is reported and the others are imported.
    Import(store::ImportCommand),
    /// Write every dossier of the store back as `<id>.yaml`, byte for byte as imported.
    Export(store::ExportCommand),
    /// Copy the store to a file, consistently while it is in use (`SQLite` online backup).
    Backup(store::BackupCommand),
    /// Replace the store by a backup, after checking its schema and registry chain.
    Restore(store::RestoreCommand),
    /// The store's registry of every change and decision.
    #[command(subcommand)]
    Registry(store::RegistryCommand),
    /// Personal data (RGPD): a candidate's export, erasure, and who is due for erasure.
    #[command(subcommand)]
    Rgpd(store::RgpdCommand),
    /// The workspace: a web application over the store, for AUVICOM, the evaluating bodies,
    /// the commission and the candidates (`--demo`: a throw-away store with the examples and
    /// one account per role).
    Serve(serve::ServeCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsCommand),
    /// Print the manual page (roff), or write one page per subcommand with -o DIR.
    Man(man::ManCommand),
}

#[derive(Debug, Subcommand)]
enum DossierCommand {
    /// The phase a dossier has reached, its findings and what is missing to go on.
    ///
    /// Exit status 0 when nothing blocks, 4 when findings block the synthesis, 3 when the
    /// dossier has errors (each with its file, line and field).
    Check(dossier::DossierArgs),
}

/// Output format of commands that print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Text for a person.
    #[default]
    Text,
    /// JSON for machines.
    Json,
}

/// What a command returns: an exit status, or an error to print.
pub type Outcome = Result<u8, Error>;

/// Parses the arguments, runs the command and prints any error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let source = DataSource::new(cli.data);
    let outcome = match cli.command {
        Command::Referentiel(cmd) => referentiel::run(cmd, &source),
        Command::Dossier(DossierCommand::Check(args)) => dossier::check(&source, &args),
        Command::Recevabilite(args) => dossier::recevabilite(&source, &args),
        Command::Synthese(args) => dossier::synthese(&source, &args),
        Command::Grid(cmd) => documents::grid(&source, &cmd),
        Command::Grille(cmd) => grille::run(&source, &cmd),
        Command::Report(cmd) => documents::report(&source, &cmd),
        Command::Session(cmd) => session::session(&source, &cmd),
        Command::Bilan(cmd) => session::bilan(&source, &cmd),
        Command::Example(cmd) => session::example(&source, &cmd),
        Command::Quiz(cmd) => quiz::run(&source, &cmd),
        Command::Qti(cmd) => exchange::qti(&source, &cmd),
        Command::Credential(cmd) => credential::run(&source, &cmd),
        Command::Data(cmd) => data::run(&cmd),
        Command::Import(cmd) => store::import(&source, &cmd),
        Command::Export(cmd) => store::export(&cmd),
        Command::Backup(cmd) => store::backup(&cmd),
        Command::Restore(cmd) => store::restore(&cmd),
        Command::Registry(cmd) => store::registry(&cmd),
        Command::Rgpd(cmd) => store::rgpd(&source, &cmd),
        Command::Serve(cmd) => serve::run(&source, &cmd),
        Command::Completions(cmd) => completions::run(&cmd),
        Command::Man(cmd) => man::run(&cmd),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => ExitCode::from(report(&error)),
    }
}

/// Prints an error to standard error, once, and returns its exit status.
fn report(error: &Error) -> u8 {
    match error {
        Error::Invalid(diagnostics) => {
            eprintln!("{}", diagnostics.render(source_text, stderr_style()));
            EXIT_INVALID
        }
        Error::Usage(message) => {
            eprintln!("error: {message}");
            2
        }
        other => {
            eprintln!("error: {other}");
            EXIT_FAILURE
        }
    }
}

/// Prints one diagnostic (a warning) to standard error, with its source line.
fn print_diagnostic(diagnostic: &cqpt::diag::Diagnostic) {
    let text = source_text(&diagnostic.location.file);
    eprintln!("{}\n", diagnostic.render(text.as_deref(), stderr_style()));
}

/// The text of the file a diagnostic names, to show its lines; `None` when it cannot be read.
fn source_text(file: &str) -> Option<String> {
    cqpt::source::SourceFile::named(file).map(|f| f.text)
}

/// Colours on a terminal (unless `NO_COLOR` is set), plain text everywhere else.
fn stderr_style() -> cqpt::diag::Style {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) {
        cqpt::diag::Style::Colored
    } else {
        cqpt::diag::Style::Plain
    }
}

/// Prints a value as pretty JSON on standard output.
fn print_json<T: serde::Serialize>(value: &T) -> Outcome {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            println!("{text}");
            Ok(EXIT_OK)
        }
        Err(e) => {
            eprintln!("error: failed to encode JSON ({e})");
            Ok(EXIT_FAILURE)
        }
    }
}
