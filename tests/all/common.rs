//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `cqpt` binary, with no data folder set by the environment.
pub fn cqpt() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cqpt"));
    cmd.env_remove("CQPT_DATA");
    cmd
}

/// What a command printed, and its status.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cqpt` with `args`.
pub fn run(args: &[&str]) -> Run {
    run_cmd(cqpt().args(args))
}

/// Runs a prepared command.
pub fn run_cmd(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("cqpt runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Copies the shipped `referentiels/` folder into a new scratch data folder.
pub fn copy_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("referentiels");
    std::fs::create_dir_all(&target).unwrap();
    for entry in std::fs::read_dir(root().join("referentiels")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, target.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// Replaces the first occurrence of `from` in a file; returns the 1-based line of the change.
pub fn edit(path: &Path, from: &str, to: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let at = text.find(from).unwrap_or_else(|| panic!("{from:?} not in {}", path.display()));
    let changed = format!("{}{}{}", &text[..at], to, &text[at + from.len()..]);
    std::fs::write(path, changed).unwrap();
    text[..at].matches('\n').count() + 1
}

/// Applies random edits to `text`: at each (place, length cut, text inserted), on character
/// boundaries. For property tests of the loaders.
pub fn mutate(text: &mut String, edits: Vec<(proptest::sample::Index, usize, String)>) {
    for (at, cut, insert) in edits {
        let mut start = at.index(text.len().max(1)).min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.replace_range(start..end, &insert);
    }
}

/// What a run shows a user, as a snapshot holds it: the exit status, then standard output and
/// standard error, each `(text, placeholder)` of `redact` replaced (temporary paths).
pub fn transcript(run: &Run, redact: &[(&str, &str)]) -> String {
    let mut text = format!("status: {}\n--- stdout\n{}--- stderr\n{}", run.code, run.stdout, run.stderr);
    for (from, to) in redact {
        text = text.replace(from, to);
    }
    text
}

/// [`transcript`] with a scratch folder's path shown as `[TMP]`.
pub fn transcript_in(run: &Run, dir: &Path) -> String {
    transcript(run, &[(&dir.display().to_string(), "[TMP]")])
}

/// Copies the shipped `referentiels/` (with the policy) and `quiz/` folders into a new scratch
/// data folder, for commands that need the whole data.
pub fn copy_full_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for folder in ["referentiels", "quiz"] {
        let target = dir.path().join(folder);
        std::fs::create_dir_all(&target).unwrap();
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, target.join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}
