//! Units certified on their own (issue 13, point 2): the per-unit proposal, a unit acquired
//! earlier kept for a later attempt (for life, or up to the last day of the policy's period),
//! and the units a decision may validate. Each rule at its boundary, on the two titre
//! professionnel examples edited line by line.

use crate::builder::context;
use cqpt::dossier::{Proposal, load_dossier};
use cqpt::phases::{Evaluation, evaluate};
use cqpt::policy::{Policy, load_policy};
use cqpt::source::SourceFile;

const PARTIAL: &str = "examples/dossiers/27-tp-validation-partielle.yaml";
const LATER: &str = "examples/dossiers/28-tp-unite-2-apres-validation-partielle.yaml";

fn text(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// `path`'s text with each `(from, to)` replaced once (each `from` must be there).
fn edited(path: &str, edits: &[(&str, &str)]) -> String {
    let mut t = text(path);
    for (from, to) in edits {
        assert!(t.contains(from), "{path} has no `{from}`");
        t = t.replacen(from, to, 1);
    }
    t
}

/// The shipped policy with `extra` appended.
fn policy_with(extra: &str) -> Policy {
    let shipped = text("referentiels/politique.toml");
    let file = SourceFile { name: "politique.toml".into(), text: format!("{shipped}\n{extra}") };
    load_policy(&file, &context().0).unwrap()
}

fn run(yaml: &str, policy: &Policy) -> Evaluation {
    let library = &context().0;
    let d = load_dossier(&SourceFile { name: "dossier.yaml".into(), text: yaml.to_string() }, library)
        .unwrap_or_else(|e| panic!("{e}"));
    evaluate(&d, library, policy, d.latest_date())
}

fn units(e: &Evaluation) -> Vec<(String, String, bool)> {
    e.synthese
        .as_ref()
        .unwrap()
        .units
        .iter()
        .map(|u| (u.id.clone(), u.status.as_str().to_string(), u.kept.is_some()))
        .collect()
}

fn codes(e: &Evaluation) -> Vec<&'static str> {
    e.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn one_unit_acquired_and_the_other_not_is_a_validation_partielle() {
    let e = run(&text(PARTIAL), &context().1);
    let s = e.synthese.as_ref().unwrap();
    assert_eq!(s.proposal, Proposal::ValidationPartielle);
    assert_eq!(
        units(&e),
        [("ccp-1".into(), "acquis".into(), false), ("ccp-2".into(), "non-acquis".into(), false)]
    );
    // Only unit 2's own capacités at level 1 are sent back to evaluation.
    assert_eq!(
        s.to_evaluate_again,
        ["sf-etablir-relation-client-prospect", "sf-realiser-demarche-commerciale"]
    );
    assert_eq!(e.decision.as_ref().unwrap().units, ["ccp-1"]);
    assert!(e.findings.is_empty(), "{:?}", e.findings);
}

#[test]
fn a_gap_within_reach_of_a_complement_in_one_unit_asks_for_a_complementary_evaluation() {
    // Level 2 on both contacts: one level short, within `complement_max_gap`.
    let yaml = edited(
        PARTIAL,
        &[
            (
                "{item: sf-etablir-relation-client-prospect, level: 1}",
                "{item: sf-etablir-relation-client-prospect, level: 2}",
            ),
            (
                "{item: sf-etablir-relation-client-prospect, level: 1}",
                "{item: sf-etablir-relation-client-prospect, level: 2}",
            ),
            (
                "{item: sf-realiser-demarche-commerciale, level: 1}",
                "{item: sf-realiser-demarche-commerciale, level: 2}",
            ),
        ],
    );
    let e = run(&yaml, &context().1);
    assert_eq!(e.synthese.as_ref().unwrap().proposal, Proposal::EvaluationComplementaire);
    assert_eq!(units(&e)[1].1, "a-completer");
}

#[test]
fn a_gap_in_a_capacite_both_units_share_fails_both_and_validates_none() {
    // sf-naviguer-communiquer-net belongs to both units: at level 1 neither is acquired.
    let yaml = edited(
        PARTIAL,
        &[
            (
                "{item: sf-naviguer-communiquer-net, level: 3}",
                "{item: sf-naviguer-communiquer-net, level: 1}",
            ),
            (
                "{item: sf-naviguer-communiquer-net, level: 3}",
                "{item: sf-naviguer-communiquer-net, level: 1}",
            ),
            ("outcome: validation-partielle\n  units: [ccp-1]", "outcome: non-attribution"),
        ],
    );
    let e = run(&yaml, &context().1);
    assert_eq!(e.synthese.as_ref().unwrap().proposal, Proposal::NonAttribution);
    assert!(units(&e).iter().all(|(_, status, _)| status == "non-acquis"), "{:?}", units(&e));
}

#[test]
fn the_same_dossier_under_the_all_activities_rule_is_a_non_attribution() {
    // The rule of the CQPT for the titre professionnel: one activity non acquis fails the whole.
    let shipped = text("referentiels/politique.toml");
    assert_eq!(shipped.matches("pass_rule = \"per-unit\"").count(), 1);
    let whole = shipped.replace("pass_rule = \"per-unit\"", "pass_rule = \"all-activities\"");
    let whole =
        load_policy(&SourceFile { name: "politique.toml".into(), text: whole }, &context().0).unwrap();
    assert_eq!(run(&text(PARTIAL), &context().1).synthese.unwrap().proposal, Proposal::ValidationPartielle);
    assert_eq!(run(&text(PARTIAL), &whole).synthese.unwrap().proposal, Proposal::NonAttribution);
}

#[test]
fn a_unit_acquired_earlier_is_kept_for_life_by_default_and_needs_no_new_level() {
    let e = run(&text(LATER), &context().1);
    let s = e.synthese.as_ref().unwrap();
    assert_eq!(s.proposal, Proposal::Attribution);
    assert_eq!(
        units(&e),
        [("ccp-1".into(), "acquis".into(), true), ("ccp-2".into(), "acquis".into(), false)]
    );
    // Unit 1's own capacités have no level in this attempt, and that blocks nothing.
    let own = s.item("sf-accueillir-client-telephone").unwrap();
    assert_eq!(own.level, None);
    assert_eq!(own.status, cqpt::phases::ItemStatus::UniteAcquise);
    assert!(!codes(&e).contains(&"item-not-evaluated"), "{:?}", e.findings);
    // The attribution validates the unit not held yet.
    assert_eq!(e.decision.as_ref().unwrap().units, ["ccp-2"]);
    // Decades later it is still kept.
    let late = edited(
        LATER,
        &[
            ("synthese:\n  date: 2027-03-19", "synthese:\n  date: 2066-03-19"),
            ("date: 2027-04-20", "date: 2066-04-20"),
        ],
    );
    assert!(units(&run(&late, &context().1))[0].2, "still kept decades later");
}

#[test]
fn a_unit_kept_for_a_period_counts_up_to_its_last_day_only() {
    // Acquired on 2026-04-21, kept one year: up to 2027-04-20 inclusive.
    let policy = policy_with("[certificats.tp-service-client-distance.units]\nkept_years = 1\n");
    let on = |day: &str| {
        edited(
            LATER,
            &[
                ("synthese:\n  date: 2027-03-19", &format!("synthese:\n  date: {day}")),
                ("decision:\n  date: 2027-04-20", "decision:\n  date: 2027-06-30"),
            ],
        )
    };
    let last_day = run(&on("2027-04-20"), &policy);
    assert_eq!(units(&last_day)[0], ("ccp-1".into(), "acquis".into(), true));
    assert!(!codes(&last_day).contains(&"acquired-unit-expired"));
    let next_day = run(&on("2027-04-21"), &policy);
    assert!(codes(&next_day).contains(&"acquired-unit-expired"), "{:?}", next_day.findings);
    // Unit 1 is evaluated again: its own capacités have no level in this dossier.
    assert_eq!(units(&next_day)[0], ("ccp-1".into(), "a-completer".into(), false));
    assert_eq!(next_day.synthese.as_ref().unwrap().proposal, Proposal::EvaluationComplementaire);
}

#[test]
fn a_unit_said_acquired_after_the_synthesis_is_an_error() {
    let yaml = edited(LATER, &[("    on: 2026-04-21", "    on: 2027-03-20")]);
    let e = run(&yaml, &context().1);
    assert!(
        e.findings.iter().any(|f| f.code.as_str() == "acquired-unit-expired" && f.is_error()),
        "{:?}",
        e.findings
    );
}

#[test]
fn decisions_whose_units_contradict_their_outcome_are_refused() {
    let unit_errors = |yaml: &str| {
        let e = run(yaml, &context().1);
        e.findings
            .iter()
            .filter(|f| f.code.as_str() == "unit-decision")
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
    };
    // A validation partielle must name its units.
    let none = edited(PARTIAL, &[("  units: [ccp-1]\n", "")]);
    assert_eq!(unit_errors(&none).len(), 1, "{:?}", unit_errors(&none));
    // A non-attribution validates nothing.
    let contradiction = edited(PARTIAL, &[("outcome: validation-partielle", "outcome: non-attribution")]);
    assert!(unit_errors(&contradiction)[0].contains("non-attribution"), "{:?}", unit_errors(&contradiction));
    // A unit held already cannot be validated again; an attribution must leave none out.
    let again = edited(LATER, &[("  outcome: attribution\n", "  outcome: attribution\n  units: [ccp-1]\n")]);
    let errors = unit_errors(&again);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().any(|m| m.contains("déjà acquise")) && errors.iter().any(|m| m.contains("ccp-2")));
    // The regular ones pass.
    assert!(unit_errors(&text(PARTIAL)).is_empty());
    assert!(unit_errors(&text(LATER)).is_empty());
    // A validation partielle of a CQPT, awarded whole, is refused.
    let cqpt = text("examples/dossiers/04-point-de-distribution-non-attribution.yaml")
        .replace("outcome: non-attribution", "outcome: validation-partielle");
    assert!(unit_errors(&cqpt).iter().any(|m| m.contains("délivré en entier")), "{:?}", unit_errors(&cqpt));
}

#[test]
fn an_unknown_unit_is_named_with_the_units_of_the_certificate() {
    let library = &context().0;
    let yaml = edited(LATER, &[("  - unit: ccp-1", "  - unit: ccp-3")]);
    let d = load_dossier(&SourceFile { name: "d.yaml".into(), text: yaml }, library).unwrap_err().to_string();
    assert!(d.contains("ccp-3") && d.contains("ccp-1, ccp-2"), "{d}");
    let cqpt = text("examples/dossiers/01-distance-attribution.yaml").replace(
        "certificate: distance\n",
        "certificate: distance\nacquired_units:\n  - {unit: ccp-1, on: 2025-01-01}\n",
    );
    let d = load_dossier(&SourceFile { name: "d.yaml".into(), text: cqpt }, library).unwrap_err().to_string();
    assert!(d.contains("declares no units"), "{d}");
    let twice = edited(
        LATER,
        &[(
            "    reference: \"TP-2026-0031\"\n",
            "    reference: \"TP-2026-0031\"\n  - {unit: ccp-1, on: 2026-04-21}\n",
        )],
    );
    let d =
        load_dossier(&SourceFile { name: "d.yaml".into(), text: twice }, library).unwrap_err().to_string();
    assert!(d.contains("listed twice"), "{d}");
}

/// The decision letter of an example, as laid out (`cqpt report --kind decision --text`).
fn letter(example: &str) -> String {
    let r = crate::common::run_cmd(
        crate::common::cqpt()
            .args(["report", "--kind", "decision", "--text"])
            .arg(crate::common::root().join(example)),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn the_decision_letters_say_which_units_are_acquired_and_for_how_long() {
    let partial = letter(PARTIAL);
    for expected in [
        "a décidé une validation partielle",
        "unité 1 « Pratiquer l'assistance et le conseil à distance »",
        "restent acquises à vie",
        "nouvelle demande pour les unités qui ne vous ont pas été attribuées",
        "uniquement pour absence de rigueur de la procédure",
    ] {
        assert!(partial.replace(['\n', '\u{a0}'], " ").contains(expected), "{expected}\n{partial}");
    }
    // A titre professionnel's letter names neither CQPT, AUVICOM nor the CPNE.
    for foreign in ["CQPT", "AUVICOM", "CPNE"] {
        assert!(!partial.contains(foreign), "{foreign}\n{partial}");
    }
    insta::assert_snapshot!("lettre-decision-27", partial);
    let later = letter(LATER);
    assert!(
        later.replace(['\n', '\u{a0}'], " ").contains("a décidé de vous attribuer le titre professionnel"),
        "{later}"
    );
    assert!(later.replace('\n', " ").contains("(décision antérieure, dossier TP-2026-0031)"), "{later}");
    insta::assert_snapshot!("lettre-decision-28", later);
    insta::assert_snapshot!(
        "lettre-decision-04",
        letter("examples/dossiers/04-point-de-distribution-non-attribution.yaml")
    );
}

#[test]
fn a_letter_is_refused_when_no_decision_is_recorded() {
    let r = crate::common::run_cmd(
        crate::common::cqpt()
            .args(["report", "--kind", "decision", "--text"])
            .arg(crate::common::root().join("examples/dossiers/03-distance-evaluation-complementaire.yaml")),
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("no decision of the commission is recorded"), "{}", r.stderr);
}
