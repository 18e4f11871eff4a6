//! The `cqpt` command: parses the arguments, runs the command, prints errors once and exits
//! with a documented status.

mod cli;

use std::process::ExitCode;

/// mimalloc: the session allocates many small values per dossier; it is measurably faster than
/// the system allocator there (see the note in benches/session.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    end_quietly_on_closed_stdout();
    cli::main()
}

/// Lets a closed pipe end the process quietly (`cqpt quiz draw … | head`), as other command-line
/// tools do, instead of a panic message on the next write.
///
/// Rust ignores SIGPIPE, so a write to a closed pipe fails with `BrokenPipe`, and `println!`
/// panics on it with "failed printing to stdout: Broken pipe". Rather than restoring the signal
/// through a hand-declared FFI call, a panic hook recognises that one panic and exits with
/// status 0, as ripgrep does on a broken pipe: the reader stopped reading, nothing went wrong.
/// Every other panic goes to the default hook. `tests/all/referentiel_cli.rs`
/// (`a_closed_pipe_ends_the_output_quietly`) checks that the message is still recognised.
fn end_quietly_on_closed_stdout() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
}
