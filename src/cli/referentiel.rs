//! `cqpt referentiel list | show | validate | export`.

use super::{EXIT_INVALID, EXIT_OK, Format, Outcome, print_json};
use clap::Subcommand;
use cqpt::Error;
use cqpt::context;
use cqpt::referentiel::show;
use cqpt::source::{self, DataSource};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ReferentielCommand {
    /// List the référentiels: id, kind, title, number of activities, competences, units and items.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Show one référentiel as a tree: units, activities, competences, sub-activities, tasks,
    /// knowledge (with the text's wording at each place) and examples.
    Show {
        /// The référentiel id (see `cqpt referentiel list`), e.g. `distance`.
        id: String,
        /// Output format; `json` includes every item the référentiel references.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check référentiel files: syntax, keys, ids, references, categories, levels, units; and
    /// that each certificate has its grid file and its policy entries.
    ///
    /// With no PATH, checks the data in use (embedded, or --data). A folder is checked whole
    /// (a data folder or a référentiels folder); a file given alone replaces the file of the
    /// same name in the data in use, so an edited copy is checked against the rest. Every
    /// problem of every file is printed with its file, line, column and field. Exit status 0
    /// when valid, 3 otherwise.
    Validate {
        /// Files or folders to check.
        paths: Vec<PathBuf>,
        /// Output format; `json` prints the diagnostics as a list.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Export one référentiel in an exchange format: `--format case` writes a CASE 1.1 package
    /// (1EdTech) whose identifiers are UUID v5 of cqpt's ids (same data and date, same bytes).
    Export(super::exchange::ExportArgs),
}

/// Runs a `cqpt referentiel` subcommand.
pub fn run(cmd: ReferentielCommand, source: &DataSource) -> Outcome {
    match cmd {
        ReferentielCommand::List { format } => list(source, format),
        ReferentielCommand::Show { id, format } => show_one(source, &id, format),
        ReferentielCommand::Validate { paths, format } => validate(source, &paths, format),
        ReferentielCommand::Export(args) => super::exchange::export(source, &args),
    }
}

fn list(source: &DataSource, format: Format) -> Outcome {
    let loaded = context::load_library(source)?;
    let rows = show::list(&loaded.library);
    if format == Format::Json {
        return print_json(&rows);
    }
    let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    println!(
        "{:<width$}  {:<15}  {:>10}  {:>11}  {:>5}  {:>6}  TITLE",
        "ID", "KIND", "ACTIVITIES", "COMPETENCES", "UNITS", "ITEMS"
    );
    for r in &rows {
        let activities = if r.activities == 0 {
            "-".to_string()
        } else {
            format!("{} ({} core)", r.activities, r.core_activities)
        };
        let count = |n: usize| if n == 0 { "-".to_string() } else { n.to_string() };
        println!(
            "{:<width$}  {:<15}  {:>10}  {:>11}  {:>5}  {:>6}  {}",
            r.id,
            r.kind.as_str(),
            activities,
            count(r.competences),
            count(r.units),
            r.items,
            r.title
        );
    }
    Ok(EXIT_OK)
}

fn show_one(source: &DataSource, id: &str, format: Format) -> Outcome {
    let loaded = context::load_library(source)?;
    let library = &loaded.library;
    let Some(r) = library.referentiel(id) else {
        return Err(Error::Unknown {
            what: "référentiel",
            id: id.to_string(),
            known: library.ids().join(", "),
        });
    };
    match format {
        Format::Json => print_json(&show::ReferentielView::new(library, r)),
        Format::Text => {
            print!("{}", show::tree(library, r));
            Ok(EXIT_OK)
        }
    }
}

fn validate(source: &DataSource, paths: &[PathBuf], format: Format) -> Outcome {
    let files = source::referentiel_files_for(paths, source)?;
    let count = files.len();
    // A data folder given is checked whole (its grids and policy too); else the data in use.
    let data = paths
        .iter()
        .find(|p| p.join("referentiels").is_dir())
        .map_or_else(|| source.clone(), |p| DataSource::Folder(p.clone()));
    let result = context::validate_data(&files, &data);
    let (ok, diagnostics) = match &result {
        Ok(loaded) => (true, &loaded.warnings),
        Err(diagnostics) => (false, diagnostics),
    };
    if format == Format::Json {
        #[derive(Serialize)]
        struct Report<'a> {
            valid: bool,
            files: usize,
            diagnostics: &'a cqpt::diag::Diagnostics,
        }
        print_json(&Report { valid: ok, files: count, diagnostics })?;
        return Ok(if ok { EXIT_OK } else { EXIT_INVALID });
    }
    match result {
        Ok(loaded) => {
            for w in &loaded.warnings {
                super::print_diagnostic(w);
            }
            let l = &loaded.library;
            println!(
                "ok: {count} file(s), {} référentiel(s), {} item(s), {} scale(s), {} warning(s)",
                l.referentiels.len(),
                l.items.len(),
                l.scales.scales.len(),
                loaded.warnings.len()
            );
            Ok(EXIT_OK)
        }
        Err(diagnostics) => Err(Error::Invalid(diagnostics)),
    }
}
