//! `cqpt data export DIR`: the embedded data as a folder to edit and use with `--data DIR`.

use super::{EXIT_OK, Outcome};
use clap::Subcommand;
use cqpt::source;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Write the data embedded in cqpt (référentiels, scales, policy, grids, templates, quiz
    /// bank) into DIR, to edit and then use with `cqpt --data DIR …` (or `CQPT_DATA=DIR`).
    ///
    /// Nothing is overwritten: if a file exists already, nothing is written and every such
    /// file is named (exit status 1).
    Export {
        /// The folder to write (created if needed).
        dir: PathBuf,
    },
}

/// Runs a `cqpt data` subcommand.
pub fn run(cmd: &DataCommand) -> Outcome {
    match cmd {
        DataCommand::Export { dir } => {
            let written = source::export_embedded(dir)?;
            eprintln!(
                "wrote {} file(s) in {}; use them with: cqpt --data {} …",
                written.len(),
                dir.display(),
                dir.display()
            );
            Ok(EXIT_OK)
        }
    }
}
