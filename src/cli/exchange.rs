//! `cqpt referentiel export`: the exchange formats of a référentiel (CASE 1.1).

use super::{EXIT_OK, Outcome};
use clap::{Args, ValueEnum};
use cqpt::Error;
use cqpt::context;
use cqpt::date::Date;
use cqpt::exchange::case;
use cqpt::source::DataSource;
use std::io::Write;
use std::path::PathBuf;

/// The exchange formats of a référentiel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A CASE 1.1 package (1EdTech): `CFDocument`, `CFItems`, `CFAssociations`, `CFDefinitions`.
    Case,
}

/// `cqpt referentiel export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The référentiel id (see `cqpt referentiel list`), e.g. `distance`.
    pub id: String,
    /// The exchange format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The date the package records as the last change of each record (YYYY-MM-DD): the same
    /// data and date give the same bytes.
    #[arg(long)]
    pub date: Date,
    /// The base of the records' addresses (`{base}/ims/case/v1p1/CFItems/{id}`); by default
    /// each address is its identifier as a URN (`urn:uuid:…`).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Write the package to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `cqpt referentiel export`.
pub fn export(source: &DataSource, args: &ExportArgs) -> Outcome {
    let loaded = context::load_library(source)?;
    let library = &loaded.library;
    let Some(r) = library.referentiel(&args.id) else {
        return Err(Error::Unknown {
            what: "référentiel",
            id: args.id.clone(),
            known: library.ids().join(", "),
        });
    };
    if let Some(base) = &args.base_url
        && !(base.starts_with("https://") || base.starts_with("http://"))
    {
        return Err(Error::Usage(format!("--base-url must start with https:// or http:// (found `{base}`)")));
    }
    let labels = context::load_labels(source)?;
    let texts = context::load_texts(source)?;
    let ExportFormat::Case = args.format;
    let options = case::CaseOptions { date: args.date, base_url: args.base_url.clone() };
    let package = case::export(library, &texts, &labels, r, &options);
    let bytes = case::to_json(&package);
    if let Some(path) = &args.output {
        cqpt::output::write_atomic(path, &bytes)?;
        eprintln!(
            "{}: CASE 1.1 package of `{}`: {} item(s), {} association(s)",
            path.display(),
            r.id,
            package.items.len(),
            package.associations.len()
        );
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(&bytes).map_err(|e| Error::Write { path: PathBuf::from("<stdout>"), source: e })?;
    }
    Ok(EXIT_OK)
}

/// `cqpt qti`: the quiz bank as a QTI 3.0 package, and back.
#[derive(Debug, clap::Subcommand)]
pub enum QtiCommand {
    /// Write the quiz bank as a QTI 3.0 package folder: imsmanifest.xml and one
    /// qti-assessment-item per question (items/<id>.xml). The manifest links each question to
    /// the CASE identifier of the item it tests and gives its level as the LOM difficulty.
    Export {
        /// The package folder (created; files in it are replaced).
        dir: PathBuf,
        /// The base of the CASE addresses, as for `cqpt referentiel export --base-url`.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Read a QTI 3.0 package folder back into a quiz bank file (YAML, the format of quiz/),
    /// checked like the bank: every problem is printed with its file and line.
    Import {
        /// The package folder.
        dir: PathBuf,
        /// The bank file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

/// Runs `cqpt qti`.
pub fn qti(source: &DataSource, cmd: &QtiCommand) -> Outcome {
    use cqpt::exchange::qti;
    let loaded = context::load_library(source)?;
    let library = &loaded.library;
    match cmd {
        QtiCommand::Export { dir, base_url } => {
            let bank = cqpt::quiz::load(source, library)?;
            let package = qti::export(&bank, library, base_url.as_deref());
            std::fs::create_dir_all(dir.join("items"))
                .map_err(|e| Error::Write { path: dir.join("items"), source: e })?;
            for (path, bytes) in &package.files {
                cqpt::output::write_atomic(&dir.join(path), bytes)?;
            }
            eprintln!(
                "{}: QTI 3.0 package of {} question(s) (imsmanifest.xml and items/)",
                dir.display(),
                bank.questions.len()
            );
            Ok(EXIT_OK)
        }
        QtiCommand::Import { dir, output } => {
            let questions = qti::import(dir, library).map_err(Error::Invalid)?;
            let yaml = qti::to_bank_yaml(&questions);
            // The written bank is checked as the bank is (ids, keys, items).
            let file = cqpt::source::SourceFile { name: output.display().to_string(), text: yaml.clone() };
            cqpt::quiz::load_bank(&[file], library).map_err(Error::Invalid)?;
            cqpt::output::write_atomic(output, yaml.as_bytes())?;
            eprintln!("{}: {} question(s) read from {}", output.display(), questions.len(), dir.display());
            Ok(EXIT_OK)
        }
    }
}
