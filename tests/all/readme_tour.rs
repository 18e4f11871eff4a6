//! The README's tour runs as written: every `cqpt` line of its block, in order, by a shell in
//! a scratch folder that holds the repository's `examples/`, with the built `cqpt` on the PATH.

use crate::common::root;
use std::path::Path;
use std::process::Command;

/// The lines of the first `sh` code block after the "## A short tour" heading.
fn tour_lines() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let tour = &readme[readme.find("## A short tour").expect("the README has a tour")..];
    let block = &tour[tour.find("```sh\n").expect("the tour has a sh block") + "```sh\n".len()..];
    let block = &block[..block.find("```").expect("the block ends")];
    block.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

#[test]
fn every_command_of_the_readme_tour_runs() {
    let lines = tour_lines();
    // `cargo install` is what gives the PATH a `cqpt`; the test puts the binary cargo built for
    // it there instead (installing would rebuild the crate in release mode).
    let (install, commands): (Vec<&String>, Vec<&String>) =
        lines.iter().partition(|l| l.starts_with("cargo install"));
    assert_eq!(install.len(), 1, "the tour installs cqpt first: {lines:?}");
    assert_eq!(lines.first(), install.first().copied(), "the install comes before any cqpt command");
    assert!(commands.len() >= 20, "{commands:?}");
    let bin = Path::new(env!("CARGO_BIN_EXE_cqpt")).parent().expect("bin folder");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let scratch = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root().join("examples"), scratch.path().join("examples")).unwrap();
    for line in commands {
        assert!(line.starts_with("cqpt "), "a tour line that is not a cqpt command: {line}");
        let out = Command::new("sh")
            .arg("-c")
            .arg(line)
            .current_dir(scratch.path())
            .env("PATH", &path)
            .env_remove("CQPT_DATA")
            .output()
            .expect("sh runs");
        assert!(
            out.status.success(),
            "tour line failed ({}): {line}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for written in
        ["out/session", "generated", "synthese.pdf", "quiz.pdf", "my-data/quiz", "cqpt.bash", "man/cqpt.1"]
    {
        assert!(scratch.path().join(written).exists(), "the tour should have written {written}");
    }
}
