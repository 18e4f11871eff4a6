//! What the `cqpt` command generates about itself: shell completions and the manual page, and
//! the embedded data exported as a folder to edit.

use crate::common::{cqpt, run, run_cmd};

/// The subcommands a newcomer looks for first.
const SUBCOMMANDS: [&str; 6] = ["session", "dossier", "recevabilite", "synthese", "quiz", "referentiel"];

#[test]
fn completions_name_every_subcommand_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for sub in SUBCOMMANDS {
            assert!(r.stdout.contains(sub), "{shell} completions lack `{sub}`");
        }
    }
    assert_eq!(run(&["completions", "tcsh"]).code, 2, "an unknown shell is a usage error");
}

#[test]
fn the_manual_page_is_roff_listing_the_subcommands() {
    let r = run(&["man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(".TH cqpt 1"), "{}", r.stdout);
    for sub in SUBCOMMANDS {
        assert!(r.stdout.contains(&format!("cqpt\\-{sub}(1)")), "the page lacks `{sub}`");
    }
}

#[test]
fn the_manual_pages_go_to_a_folder_one_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let r = run_cmd(cqpt().arg("man").arg("-o").arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in ["cqpt.1", "cqpt-session.1", "cqpt-quiz-score.1", "cqpt-data-export.1"] {
        let text = std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.starts_with(".ie"), "{page} is not roff");
    }
}

#[test]
fn exported_data_is_used_by_data_and_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("my-data");
    let r = run_cmd(cqpt().args(["data", "export"]).arg(&data));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let valid = run_cmd(cqpt().arg("--data").arg(&data).args(["referentiel", "validate"]));
    assert_eq!(valid.code, 0, "{}", valid.stderr);
    let coverage = run_cmd(cqpt().arg("--data").arg(&data).args(["quiz", "coverage"]));
    assert_eq!(coverage.code, 0, "the quiz bank is exported too: {}", coverage.stderr);
    let again = run_cmd(cqpt().args(["data", "export"]).arg(&data));
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("would overwrite"), "{}", again.stderr);
}
