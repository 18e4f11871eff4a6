//! Bad dossiers: wrong types, unknown ids, levels out of range, dates out of order or in the
//! future get diagnostics naming the file, line and field; nothing panics.

use crate::builder::{Spec, context};
use crate::common::{cqpt, run_cmd};
use cqpt::diag::Code;
use cqpt::dossier::load_dossier;
use cqpt::source::SourceFile;
use proptest::prelude::*;

fn load(text: &str) -> Result<cqpt::dossier::Dossier, cqpt::diag::Diagnostics> {
    load_dossier(&SourceFile { name: "bad.yaml".into(), text: text.to_string() }, &context().0)
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or_else(|| panic!("{needle} not found"), |i| i as u32 + 1)
}

#[test]
fn every_problem_of_a_dossier_is_reported_at_once_with_its_place() {
    let good = Spec::complete("distance").yaml();
    let bad = good
        .replace("priority_dif: false", "priority_dif: peut-être")
        .replacen("sp-formules-politesse: 3", "sp-formules-politess: 3", 1)
        .replacen("c-deontologie: 3", "c-deontologie: 9", 1)
        .replace("start: 2022-01-03", "start: 2022-01-03, end: 2021-12-31")
        .replace("application: {submitted: 2026-03-02}", "application: {submitted: 2026-02-30}")
        .replace("evaluation_hours: 3", "evaluation_hours: trois\nnotes: libre");
    let diags = load(&bad).unwrap_err();
    let find = |code: Code, field: &str| {
        diags
            .iter()
            .find(|d| d.code == code && d.field.contains(field))
            .unwrap_or_else(|| panic!("no {code} on {field} in\n{diags}"))
    };
    let d = find(Code::WrongType, "priority_dif");
    assert_eq!((d.location.file.as_str(), d.location.line), ("bad.yaml", line_of(&bad, "priority_dif")));
    assert_eq!(d.found.as_deref(), Some("\"peut-être\""));
    let d = find(Code::DanglingReference, "sp-formules-politess");
    assert_eq!(d.location.line, line_of(&bad, "sp-formules-politess:"));
    let d = find(Code::LevelOutOfRange, "c-deontologie");
    assert_eq!(d.location.line, line_of(&bad, "c-deontologie: 9"));
    assert_eq!(d.found.as_deref(), Some("`9`"));
    let d = find(Code::DatesOutOfOrder, "employment[0].end");
    assert_eq!(d.location.line, line_of(&bad, "end: 2021-12-31"));
    let d = find(Code::InvalidValue, "application.submitted");
    assert!(d.message.contains("2026-02-30"));
    find(Code::WrongType, "evaluation_hours");
    find(Code::UnknownKey, "notes");
    assert!(diags.len() >= 7, "{diags}");
}

#[test]
fn a_certificate_that_does_not_exist_names_the_known_ones() {
    let bad =
        Spec::application("distance").yaml().replace("certificate: distance", "certificate: a-distance");
    let diags = load(&bad).unwrap_err();
    let d = diags.iter().find(|d| d.field == "certificate").unwrap();
    assert_eq!(
        d.expected.as_deref(),
        Some("one of accueil, distance, point-de-distribution, tp-service-client-distance")
    );
}

#[test]
fn the_cli_names_file_line_and_field_and_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dossier.yaml");
    let text = Spec::complete("distance").yaml().replacen("c-deontologie: 3", "c-deontologie: -1", 1);
    std::fs::write(&path, &text).unwrap();
    for command in [&["dossier", "check"][..], &["synthese"], &["recevabilite"]] {
        let run = run_cmd(cqpt().args(command).arg(&path));
        assert_eq!(run.code, 3, "{command:?}: {}", run.stderr);
        let place = format!("{}:{}:", path.display(), line_of(&text, "c-deontologie: -1"));
        assert!(run.stderr.contains(&place), "{}", run.stderr);
        assert!(run.stderr.contains("field: quiz.levels.c-deontologie"), "{}", run.stderr);
    }
}

#[test]
fn dates_after_the_evaluation_date_are_errors_in_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dossier.yaml");
    std::fs::write(&path, Spec::complete("distance").yaml()).unwrap();
    let run = run_cmd(cqpt().args(["dossier", "check", "--date", "2026-04-15"]).arg(&path));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("error[date-in-future]"), "{}", run.stderr);
    assert!(run.stderr.contains("field: synthese.date"));
    let run = run_cmd(cqpt().args(["dossier", "check", "--date", "2026-13-01"]).arg(&path));
    assert_eq!(run.code, 2, "a bad --date is a usage error: {}", run.stderr);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn mutated_dossiers_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..30, "\\PC{0,8}|[:\\-\\[\\]{}\n ]{1,3}|[0-9]{1,3}"), 1..6),
    ) {
        let mut text = Spec::complete("point-de-distribution").yaml();
        crate::common::mutate(&mut text, edits);
        if let Ok(dossier) = load(&text) {
            let (library, policy) = context();
            let _ = cqpt::phases::evaluate(&dossier, library, policy, dossier.latest_date());
        }
    }
}

#[test]
fn a_key_of_another_override_target_says_which_target_it_belongs_to() {
    let spec = Spec {
        overrides: vec![
            "{target: item, item: c-deontologie, level: 3, status: acquis, reason: vu, on: 2026-04-20}"
                .into(),
        ],
        ..Spec::complete("distance")
    };
    let diags = load(&spec.yaml()).unwrap_err();
    let d = diags.iter().find(|d| d.field == "overrides[0].status").unwrap_or_else(|| panic!("{diags}"));
    assert!(d.message.contains("target: activity"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("write a separate override with `target: activity`"));
}
