//! The `cqpt` command: parses the arguments, runs the command, prints errors once and exits
//! with a documented status.

mod cli;

use std::process::ExitCode;

/// mimalloc: the session allocates many small values per dossier; it is measurably faster than
/// the system allocator there (see the note in benches/session.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
