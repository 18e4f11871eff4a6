//! What a user sees from the CLI, as snapshots: the référentiels, the quiz bank and its
//! coverage, a few examples through `dossier check`, `recevabilite` and `synthese`, and the
//! diagnostics of broken dossiers, answer sheets, quiz banks and policies. Scratch folders are
//! shown as `[TMP]`. Review a changed snapshot as the user would read it.

use crate::common::{copy_full_data, cqpt, edit, root, run_cmd, transcript, transcript_in};
use cqpt::diag::Code;
use std::path::Path;

/// Examples run through the commands: attribution, non-attribution, not recevable, blocked,
/// a validation partielle of a titre professionnel and its later attempt for the other unit.
const EXAMPLES: &[&str] = &[
    "01-distance-attribution",
    "04-point-de-distribution-non-attribution",
    "05-non-recevable-route-not-admitted",
    "14-evaluator-trained-candidate",
    "27-tp-validation-partielle",
    "28-tp-unite-2-apres-validation-partielle",
];

/// A dossier at phase 1 with one problem of each kind the dossier loader reports.
const BROKEN_DOSSIER: &str = "\
candidate:
  id: CQ-2026-0001
  family_name: Martin
  given_name: Claire
  birth_date: 1990-02-30
certificate: distance
route: plan-de-formation
priority_dif: peut-être
employment:
  - employer: Téléphonie Ouest SA
    in_branch: true
    contract: cdi
    related: true
    start: 2021-09-01
    end: 2020-06-30
    hours: 6200
documents:
  - kind: contrat-de-travail
    date: 2021-09-01
  - kind: attestation-sur-honneur
    date: 2026-08-25
application:
  submitted: 2026-09-01
  notes: urgent
prediagnostic:
  date: 2026-09-20
  levels:
    c-deontologie: 7
    sp-formules-politess: 1
";

/// `cqpt ARGS` from the repository root, as a snapshot.
fn shown(args: &[&str]) -> String {
    transcript(&run_cmd(cqpt().current_dir(root()).args(args)), &[])
}

#[test]
fn referentiel_list_show_and_validate() {
    insta::assert_snapshot!("referentiel-list", shown(&["referentiel", "list"]));
    for id in ["distance", "point-de-distribution", "savoirs-communs"] {
        insta::assert_snapshot!(format!("referentiel-show-{id}"), shown(&["referentiel", "show", id]));
    }
    insta::assert_snapshot!("referentiel-show-unknown", shown(&["referentiel", "show", "distanse"]));
    insta::assert_snapshot!("referentiel-validate", shown(&["referentiel", "validate"]));
}

#[test]
fn quiz_validate_and_coverage() {
    insta::assert_snapshot!("quiz-validate", shown(&["quiz", "validate"]));
    insta::assert_snapshot!("quiz-coverage", shown(&["quiz", "coverage"]));
}

#[test]
fn examples_through_check_recevabilite_and_synthese() {
    for example in EXAMPLES {
        let path = format!("examples/dossiers/{example}.yaml");
        for command in [&["dossier", "check"][..], &["recevabilite"], &["synthese"]] {
            let args: Vec<&str> = command.iter().copied().chain([path.as_str()]).collect();
            insta::assert_snapshot!(format!("{}-{example}", command.join("-")), shown(&args));
        }
    }
}

#[test]
fn a_broken_dossier_shows_every_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dossier.yaml"), BROKEN_DOSSIER).unwrap();
    let check = |args: &[&str]| run_cmd(cqpt().current_dir(dir.path()).args(args));
    let broken = check(&["dossier", "check", "dossier.yaml"]);
    assert_eq!(broken.code, 3);
    insta::assert_snapshot!("dossier-check-broken", transcript_in(&broken, dir.path()));
    // The same dossier repaired, checked on a day before its application.
    let repaired = BROKEN_DOSSIER
        .replace("1990-02-30", "1990-02-28")
        .replace("peut-être", "false")
        .replace("    end: 2020-06-30\n", "")
        .replace("  notes: urgent\n", "")
        .replace("  levels:", "  by: Sophie Bernard\n  levels:")
        .replace(": 7", ": 2")
        .replace("politess:", "politesse:");
    std::fs::write(dir.path().join("dossier.yaml"), repaired).unwrap();
    assert_eq!(check(&["dossier", "check", "dossier.yaml"]).code, 0);
    let early = check(&["dossier", "check", "--date", "2026-08-01", "dossier.yaml"]);
    assert_eq!(early.code, 3);
    insta::assert_snapshot!("dossier-check-date-in-future", transcript_in(&early, dir.path()));
}

#[test]
fn a_dossier_not_in_utf8_and_an_alias_bomb_are_refused_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let check = |name: &str| run_cmd(cqpt().current_dir(dir.path()).args(["dossier", "check", name]));
    // Latin-1 "é" (0xE9) on line 3, as a spreadsheet export might write it.
    std::fs::write(dir.path().join("latin1.yaml"), b"candidate:\n  id: CQ-1\n  family_name: B\xe9ranger\n")
        .unwrap();
    let latin1 = check("latin1.yaml");
    assert_eq!(latin1.code, 3);
    insta::assert_snapshot!("dossier-check-not-utf8", transcript_in(&latin1, dir.path()));
    // Each level doubles the one before: 2^30 values from a few hundred bytes.
    let mut bomb = String::from("a0: &a0 [x, x]\n");
    for i in 1..=30 {
        bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1));
    }
    std::fs::write(dir.path().join("bomb.yaml"), bomb).unwrap();
    let bomb = check("bomb.yaml");
    assert_eq!(bomb.code, 3);
    insta::assert_snapshot!("dossier-check-alias-bomb", transcript_in(&bomb, dir.path()));
}

#[test]
fn a_broken_answer_sheet_shows_every_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("answers.csv"), "numero,reponse,heure\n1,B,10:02\nx,A\n3,7,25:00\n")
        .unwrap();
    let args = ["quiz", "score", "--certificate", "distance", "--seed", "42", "--answers", "answers.csv"];
    let r = run_cmd(cqpt().current_dir(dir.path()).args(args).args(["--date", "2026-01-10", "--by", "X"]));
    assert_eq!(r.code, 3);
    insta::assert_snapshot!("quiz-score-broken-answers", transcript_in(&r, dir.path()));
}

#[test]
fn a_broken_quiz_bank_and_a_broken_policy_are_named() {
    let data = copy_full_data();
    let bank = data.path().join("quiz/savoir-faire.yaml");
    edit(&bank, "kind: single", "kind: singel");
    edit(&bank, "item: sf-", "item: sf-inconnu-");
    let r = run_cmd(cqpt().arg("--data").arg(data.path()).args(["quiz", "validate"]));
    assert_eq!(r.code, 3);
    insta::assert_snapshot!("quiz-validate-broken-bank", transcript_in(&r, data.path()));

    edit(&data.path().join("referentiels/politique.toml"), "quiz_max = 3", "quiz_max = \"trois\"");
    let dossier = root().join("examples/dossiers/01-distance-attribution.yaml");
    let r = run_cmd(cqpt().arg("--data").arg(data.path()).args(["dossier", "check"]).arg(dossier));
    assert_eq!(r.code, 3);
    insta::assert_snapshot!("dossier-check-broken-policy", transcript_in(&r, data.path()));
}

/// Every diagnostic code a user can meet is in at least one snapshot, so none goes unseen.
#[test]
fn every_diagnostic_code_is_shown_by_a_snapshot() {
    // `io` is not emitted: a file that cannot be read is `Error::Read`, printed as a sentence.
    let never_emitted = [Code::Io];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/all/snapshots");
    let snapshots: String = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "snap"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let unseen: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !never_emitted.contains(c))
        .map(|c| c.as_str())
        .filter(|c| ["error", "warning"].iter().all(|s| !snapshots.contains(&format!("{s}[{c}]"))))
        .collect();
    assert!(unseen.is_empty(), "codes shown by no snapshot: {unseen:?}");
}

#[test]
fn source_lines_come_from_the_disk_or_the_embedded_copy() {
    use cqpt::diag::{Diagnostic, Location, Style};
    use cqpt::source::SourceFile;
    let embedded = SourceFile::named("embedded:referentiels/distance.yaml").expect("shipped");
    let on_disk = std::fs::read_to_string(root().join("referentiels/distance.yaml")).unwrap();
    assert_eq!(embedded.text, on_disk);
    assert!(SourceFile::named("embedded:referentiels/nope.yaml").is_none());
    assert!(SourceFile::named(&root().join("nope.yaml").display().to_string()).is_none());
    let line = on_disk.lines().position(|l| l.starts_with("kind:")).unwrap() + 1;
    let at = Location { file: embedded.name.clone(), line: line as u32, column: 7 };
    let d = Diagnostic::warning(Code::InvalidValue, at, "kind", "a warning on the shipped copy");
    let text = d.render(Some(&embedded.text), Style::Plain);
    assert!(text.contains(&format!("{line} | kind: certificat\n")), "{text}");
}
