//! `cqpt man`: the manual page generated from the clap definition, in roff.

use super::{Cli, EXIT_OK, Outcome};
use clap::{Args, CommandFactory};
use cqpt::Error;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ManCommand {
    /// Write cqpt.1 and one page per subcommand (cqpt-session.1, …) into DIR instead of
    /// printing cqpt(1) on standard output (read it with `cqpt man | man -l -`).
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// Prints cqpt(1), or writes every page into the folder given.
pub fn run(cmd: &ManCommand) -> Outcome {
    let command = Cli::command();
    match &cmd.output {
        None => {
            let mut roff = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut roff)
                .and_then(|()| std::io::stdout().write_all(&roff))
                .map_err(|source| Error::Write { path: PathBuf::from("<stdout>"), source })?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(command, dir))
                .map_err(|source| Error::Write { path: dir.clone(), source })?;
            eprintln!("wrote the manual pages in {}", dir.display());
        }
    }
    Ok(EXIT_OK)
}
