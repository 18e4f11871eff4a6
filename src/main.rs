//! The `cqpt` command: parses the arguments, runs the command, prints errors once and exits
//! with a documented status.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
