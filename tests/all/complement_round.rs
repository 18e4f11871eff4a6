//! The complementary evaluation round after a proposal of "évaluation complémentaire"
//! (Annexe 2 §III, phase 3): items evaluated again, new levels, a new synthesis; the first one
//! stays visible.

use crate::builder::{Spec, codes, context};
use cqpt::dossier::{Proposal, load_dossier};
use cqpt::phases::{Evaluation, ItemStatus, evaluate};
use cqpt::source::SourceFile;

/// A distance dossier with c-deontologie one level short, and `round` appended.
fn with_round(round: &str) -> Evaluation {
    let mut spec = Spec::complete("distance");
    spec.levels.insert("c-deontologie".into(), 2);
    let yaml = format!("{}{round}", spec.yaml());
    let (library, policy) = context();
    let dossier = load_dossier(&SourceFile { name: "c.yaml".into(), text: yaml }, library)
        .unwrap_or_else(|e| panic!("{e}"));
    evaluate(&dossier, library, policy, dossier.latest_date())
}

const ROUND: &str = "complement:
  items: [c-deontologie]
  assessments:
    - {item: c-deontologie, level: 3, modality: quiz, on: 2026-05-04}
  synthese: {date: 2026-05-06}
";

#[test]
fn a_complementary_round_gives_a_new_synthesis_and_keeps_the_first() {
    let first = with_round("");
    assert_eq!(first.synthese.as_ref().unwrap().proposal, Proposal::EvaluationComplementaire);
    assert!(first.state.missing.iter().any(|m| m.contains("évaluation complémentaire")));
    let e = with_round(ROUND);
    assert!(e.findings.is_empty(), "{:?}", codes(&e));
    let s = e.synthese.as_ref().unwrap();
    assert_eq!(s.proposal, Proposal::EvaluationComplementaire, "the first synthesis is kept");
    assert_eq!(s.item("c-deontologie").unwrap().status, ItemStatus::Insuffisant);
    let c = e.complement.as_ref().expect("a new synthesis");
    assert_eq!(c.proposal, Proposal::Attribution);
    assert_eq!(c.item("c-deontologie").unwrap().level, Some(3));
    assert_eq!(c.date.to_string(), "2026-05-06");
}

#[test]
fn new_levels_replace_the_old_ones_even_when_lower() {
    let e = with_round(&ROUND.replace("level: 3", "level: 1"));
    let c = e.complement.as_ref().unwrap();
    assert_eq!(c.item("c-deontologie").unwrap().level, Some(1));
    assert_eq!(c.proposal, Proposal::NonAttribution);
}

#[test]
fn the_round_follows_the_first_synthesis_and_its_list() {
    // Before the first synthesis (2026-04-20).
    let e = with_round(&ROUND.replace("on: 2026-05-04", "on: 2026-04-19"));
    assert!(codes(&e).contains(&"phase-out-of-order"), "{:?}", codes(&e));
    assert!(e.complement.is_none());
    // An item the first synthesis did not send back, and a level outside the round's items.
    let e =
        with_round(&ROUND.replace("items: [c-deontologie]", "items: [c-deontologie, sp-objectifs]").replace(
            "  synthese:",
            "    - {item: sp-formules-politesse, level: 3, modality: preuves, on: 2026-05-04}\n  synthese:",
        ));
    assert_eq!(codes(&e), ["complement-item-not-listed", "complement-item-not-listed"]);
    // A modality outside the closed set.
    let mut spec = Spec::complete("distance");
    spec.levels.insert("c-deontologie".into(), 2);
    let yaml = format!("{}{}", spec.yaml(), ROUND.replace("modality: quiz", "modality: quizz"));
    let diags = load_dossier(&SourceFile { name: "c.yaml".into(), text: yaml }, &context().0).unwrap_err();
    let d = diags.iter().find(|d| d.field.ends_with("modality")).unwrap_or_else(|| panic!("{diags}"));
    assert_eq!(d.help.as_deref(), Some("did you mean `quiz`?"));
}

#[test]
fn the_synthesis_report_shows_the_new_synthesis_after_the_first() {
    let example = crate::common::root().join("examples/dossiers/26-distance-complementary-round.yaml");
    let r = crate::common::run_cmd(
        crate::common::cqpt().args(["report", "--kind", "synthese", "--text"]).arg(&example),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // French typography puts a non-breaking space before the colon: compare words only.
    let text = r.stdout.replace('\u{a0}', " ");
    let first = text.find("Proposition : évaluation complémentaire").expect("the first proposal");
    let then = text.find("Proposition après évaluation complémentaire : attribution").expect("the new one");
    assert!(first < then, "{text}");
    assert!(text.contains("La mercatique : 3"), "{text}");
}

#[test]
fn a_quiz_level_on_a_savoir_faire_in_the_round_is_reported_and_not_counted() {
    // sf-reformuler short by one level (preuves 2): sent back; the round's quiz level 3 on it is
    // refused (art. 6-2: the quiz assesses savoirs), a preuves level 3 in its place counts.
    let run = |round: &str| {
        let mut spec = Spec::complete("distance");
        spec.levels.insert("sf-reformuler".into(), 2);
        let yaml = format!("{}{round}", spec.yaml());
        let (library, policy) = context();
        let dossier = load_dossier(&SourceFile { name: "c.yaml".into(), text: yaml }, library).unwrap();
        evaluate(&dossier, library, policy, dossier.latest_date())
    };
    let round = "complement:
  items: [sf-reformuler]
  assessments:
    - {item: sf-reformuler, level: 3, modality: quiz, on: 2026-05-04}
  synthese: {date: 2026-05-06}
";
    let e = run(round);
    assert_eq!(codes(&e), ["quiz-on-savoir-faire"]);
    assert!(e.findings[0].location.as_ref().is_some_and(|l| l.line > 0));
    let c = e.complement.as_ref().expect("a new synthesis");
    // The round replaces the item's earlier levels, and its only new one is refused.
    assert_eq!(c.item("sf-reformuler").unwrap().level, None, "the quiz level is not counted");
    let e = run(&round.replace("modality: quiz", "modality: preuves"));
    assert!(e.findings.is_empty(), "{:?}", codes(&e));
    assert_eq!(e.complement.as_ref().unwrap().item("sf-reformuler").unwrap().level, Some(3));
}
