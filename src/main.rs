//! The `cqpt` command: parses the arguments, runs the command, prints errors once and exits
//! with a documented status.

mod cli;

use std::process::ExitCode;

/// mimalloc: the session allocates many small values per dossier; it is measurably faster than
/// the system allocator there (see the note in benches/session.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    restore_sigpipe();
    cli::main()
}

/// Lets a closed pipe end the process quietly (`cqpt quiz draw … | head`), as other command-line
/// tools do, instead of a panic on the next write. Rust ignores SIGPIPE by default.
#[cfg(unix)]
fn restore_sigpipe() {
    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: restoring the default action of SIGPIPE at start-up, before any thread exists.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
