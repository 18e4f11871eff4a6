//! Broken copies of the shipped files: every problem of every file comes out in one run, each
//! naming the file, the line and the offending key or value.

use crate::common::{copy_data, cqpt, edit, run_cmd};

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

    let run = run_cmd(cqpt().args(["referentiel", "validate"]).arg(data.path()));
    assert_eq!(run.code, 3, "exit status for invalid data\n{}", run.stderr);
    let err = &run.stderr;
    let expect = |needle: String| assert!(err.contains(&needle), "missing {needle:?} in:\n{err}");
    expect(format!("distance.yaml:{unknown_line}:1"));
    expect("unknown key `colour`".into());
    expect(format!("distance.yaml:{dangling_line}:"));
    expect("no item has the id `c-deontologie-du-metier-xyz`".into());
    expect("help: did you mean `c-deontologie`?".into());
    expect("found: `c-deontologie-du-metier-xyz`".into());
    expect("missing key `category`".into());
    expect(format!("point-de-distribution.yaml:{duplicate_line}:"));
    expect(format!("the item id `{first_id}` is defined twice"));
    expect(format!("echelles.yaml:{level_line}:"));
    expect("level 7 is outside the 0–5 scale".into());
    expect("found: `7`".into());
    let (file, line) = place_of(err, "error[syntax]");
    assert!(file.ends_with("copie.yaml") && (3..=4).contains(&line), "syntax error at {file}:{line}");
    expect("error[syntax]".into());
    // The missing category is reported on the item it belongs to, just above the removed line.
    let (_, line) = place_of(err, "missing key `category`");
    assert!(
        line < category_line && line + 5 > category_line,
        "category diagnostic at {line}, removed line {category_line}"
    );
    assert!(err.contains("field: items["), "{err}");
    // No spurious dangling references from the file that could not be read, nor from the
    // item without category.
    assert_eq!(err.matches("error[dangling-reference]").count(), 1, "{err}");
}

#[test]
fn json_diagnostics_carry_file_line_field_expected_and_found() {
    let data = copy_data();
    let dir = data.path().join("referentiels");
    let line = edit(&dir.join("savoirs-communs.yaml"), "kind: savoirs-communs", "kind: savoir-commun");
    let run = run_cmd(cqpt().args(["referentiel", "validate", "--format", "json"]).arg(data.path()));
    assert_eq!(run.code, 3);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "invalid-value");
    assert_eq!(d["field"], "kind");
    assert_eq!(d["location"]["line"], line);
    assert!(d["location"]["file"].as_str().unwrap().ends_with("savoirs-communs.yaml"));
    assert_eq!(d["found"], "\"savoir-commun\"");
    assert_eq!(d["expected"], "one of certificat, savoirs-communs");
}

#[test]
fn wrong_types_and_empty_activities_are_named() {
    let data = copy_data();
    let dir = data.path().join("referentiels");
    let core_line = edit(&dir.join("point-de-distribution.yaml"), "core: true", "core: oui");
    std::fs::write(
        dir.join("vide.yaml"),
        "id: vide\nkind: certificat\ntitle: Vide\nsource: test\nactivities:\n  - id: vide-a\n    title: Rien\n    core: false\n",
    )
    .unwrap();
    let run = run_cmd(cqpt().args(["referentiel", "validate"]).arg(&dir));
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains(&format!("point-de-distribution.yaml:{core_line}:")), "{}", run.stderr);
    assert!(run.stderr.contains("expected `true` or `false`, found text"), "{}", run.stderr);
    assert!(
        run.stderr.contains("error[empty-activity]: the activity `vide-a` has neither tasks nor knowledge")
    );
    assert!(run.stderr.contains("vide.yaml:6:"), "{}", run.stderr);
}

#[test]
fn one_edited_file_is_checked_against_the_shipped_rest() {
    let data = copy_data();
    let file = data.path().join("referentiels").join("distance.yaml");
    let ok = run_cmd(cqpt().args(["referentiel", "validate"]).arg(&file));
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    edit(&file, "- c-deontologie", "- c-inconnu");
    let bad = run_cmd(cqpt().args(["referentiel", "validate"]).arg(&file));
    assert_eq!(bad.code, 3);
    assert!(bad.stderr.contains("no item has the id `c-inconnu`"));
    assert!(bad.stderr.contains(&file.display().to_string()), "{}", bad.stderr);
}
