//! `cqpt completions <shell>`: a completion script generated from the clap definition.

use super::{Cli, EXIT_OK, Outcome};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsCommand {
    /// The shell to complete for. For bash, e.g.:
    /// `cqpt completions bash > ~/.local/share/bash-completion/completions/cqpt`.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script of `cqpt` for the shell on standard output.
pub fn run(cmd: &CompletionsCommand) -> Outcome {
    clap_complete::generate(cmd.shell, &mut Cli::command(), "cqpt", &mut std::io::stdout());
    Ok(EXIT_OK)
}
