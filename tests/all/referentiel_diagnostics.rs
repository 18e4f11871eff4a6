//! Broken copies of the shipped files: every problem of every file comes out in one run, each
//! naming the file, the line and the offending key or value, with the source line and a caret
//! under the place. What the user sees is a snapshot (the scratch folder shown as `[TMP]`).

use crate::common::{Run, copy_data, cqpt, edit, run_cmd, transcript_in};
use std::path::Path;

/// `cqpt referentiel validate [ARGS] PATH` as a user runs it.
fn validate(args: &[&str], path: &Path) -> Run {
    run_cmd(cqpt().args(["referentiel", "validate"]).args(args).arg(path))
}

/// The file and line of the first diagnostic whose heading contains `needle`.
fn place_of(stderr: &str, needle: &str) -> (String, usize) {
    let mut lines = stderr.lines().skip_while(|l| !l.contains(needle));
    lines.next().unwrap_or_else(|| panic!("no diagnostic {needle:?} in:\n{stderr}"));
    let place = lines.next().and_then(|l| l.trim().strip_prefix("--> ")).expect("a --> line");
    let mut parts = place.rsplitn(3, ':');
    let (_column, line, file) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
    (file.to_string(), line.parse().unwrap())
}

#[test]
fn every_problem_of_every_file_is_reported_at_once() {
    let data = copy_data();
    let dir = data.path().join("referentiels");
    // Unknown key, in distance.yaml.
    let unknown_line = edit(&dir.join("distance.yaml"), "kind: certificat", "colour: red\nkind: certificat");
    // Dangling reference, in distance.yaml.
    let dangling_line = edit(&dir.join("distance.yaml"), "- c-deontologie", "- c-deontologie-du-metier-xyz");
    // Missing category, in distance.yaml (same file: all problems of a file at once).
    let category_line = edit(&dir.join("distance.yaml"), "    category: specifique\n", "");
    // Duplicate id, in point-de-distribution.yaml: a second definition of its first item.
    let pdd = dir.join("point-de-distribution.yaml");
    let text = std::fs::read_to_string(&pdd).unwrap();
    let first_id = text[text.find("\nitems:").unwrap()..]
        .split("- id: ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let duplicate_line = text.lines().count() + 1;
    std::fs::write(
        &pdd,
        format!(
            "{text}  - id: {first_id}\n    kind: connaissance\n    category: specifique\n    label: Doublon\n"
        ),
    )
    .unwrap();
    // Level 7, in echelles.yaml.
    let level_line = edit(&dir.join("echelles.yaml"), "level: 5", "level: 7");
    // Bad syntax, in a broken copy of a référentiel.
    std::fs::write(dir.join("copie.yaml"), "id: copie\nkind: certificat\ntitle: [non fermé\nsource: x\n")
        .unwrap();

    let run = validate(&[], data.path());
    assert_eq!(run.code, 3, "exit status for invalid data\n{}", run.stderr);
    // Each problem at the line the edit made.
    let err = &run.stderr;
    let line_of = |needle: &str| place_of(err, needle).1;
    assert_eq!(line_of("unknown key `colour`"), unknown_line);
    assert_eq!(line_of("`c-deontologie-du-metier-xyz`"), dangling_line);
    assert_eq!(line_of(&format!("the item id `{first_id}` is defined twice")), duplicate_line);
    assert_eq!(line_of("level 7 is outside"), level_line);
    assert!((3..=4).contains(&line_of("error[syntax]")));
    // The missing category is reported on the item it belongs to, just above the removed line.
    let line = line_of("missing key `category`");
    assert!(line < category_line && line + 5 > category_line, "at {line}, removed {category_line}");
    // No spurious dangling references from the file that could not be read, nor from the
    // item without category.
    assert_eq!(err.matches("error[dangling-reference]").count(), 1, "{err}");
    insta::assert_snapshot!(transcript_in(&run, data.path()));
}

#[test]
fn json_diagnostics_carry_file_line_field_expected_and_found() {
    let data = copy_data();
    let dir = data.path().join("referentiels");
    edit(&dir.join("savoirs-communs.yaml"), "kind: savoirs-communs", "kind: savoir-commun");
    let run = validate(&["--format", "json"], data.path());
    assert_eq!(run.code, 3);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["valid"], false);
    insta::assert_snapshot!(transcript_in(&run, data.path()));
}

#[test]
fn wrong_types_and_empty_activities_are_named() {
    let data = copy_data();
    let dir = data.path().join("referentiels");
    edit(&dir.join("point-de-distribution.yaml"), "core: true", "core: oui");
    std::fs::write(
        dir.join("vide.yaml"),
        "id: vide\nkind: certificat\ntitle: Vide\nsource: test\nactivities:\n  - id: vide-a\n    title: Rien\n    core: false\n",
    )
    .unwrap();
    let run = validate(&[], &dir);
    assert_eq!(run.code, 3);
    insta::assert_snapshot!(transcript_in(&run, data.path()));
}

#[test]
fn misplaced_repeated_and_unused_items_and_an_empty_file_are_named() {
    let data = copy_data();
    let dir = data.path().join("referentiels");
    let distance = dir.join("distance.yaml");
    // A savoir procédural listed among the connaissances.
    edit(&distance, "- c-charte-accueil\n", "- sp-temps-traitement-appel\n");
    // The same id twice in one list.
    edit(&distance, "- c-notions-ergonomie\n", "- c-notions-ergonomie\n        - c-deontologie\n");
    std::fs::write(dir.join("vide.yaml"), "# nothing yet\n").unwrap();
    let run = validate(&[], &dir);
    assert_eq!(run.code, 3);
    insta::assert_snapshot!(transcript_in(&run, data.path()));
}

#[test]
fn an_unused_item_is_a_warning_and_the_data_stays_usable() {
    let data = copy_data();
    let distance = data.path().join("referentiels/distance.yaml");
    edit(
        &distance,
        "items:\n",
        "items:\n  - id: c-orpheline\n    kind: connaissance\n    category: specifique\n    label: Orpheline\n",
    );
    let run = validate(&[], data.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(transcript_in(&run, data.path()));
}

#[test]
fn one_edited_file_is_checked_against_the_shipped_rest() {
    let data = copy_data();
    let file = data.path().join("referentiels").join("distance.yaml");
    let ok = validate(&[], &file);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    edit(&file, "- c-deontologie", "- c-inconnu");
    let bad = validate(&[], &file);
    assert_eq!(bad.code, 3);
    insta::assert_snapshot!(transcript_in(&bad, data.path()));
}
