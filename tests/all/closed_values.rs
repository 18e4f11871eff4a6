//! Every closed value set of the dossier format is a type: an unknown value is an error with
//! its file, line and column, the allowed values and a "did you mean" (issue 10, point 1).

use crate::builder::{Spec, context};
use cqpt::diag::Code;
use cqpt::dossier::load_dossier;
use cqpt::source::SourceFile;

/// Replaces `from` by `to` in a complete dossier (with a decision and an appeal), loads it and
/// checks the one diagnostic on `field`: its line, the allowed values and the suggestion.
fn refused(from: &str, to: &str, field: &str, allowed: &str, suggestion: &str) {
    let good = Spec {
        decision: Some(("2026-05-10", 2, 2, Some("absence-de-rigueur"))),
        ..Spec::complete("distance")
    }
    .yaml();
    assert!(good.contains(from), "{from} not in\n{good}");
    let bad = good.replacen(from, to, 1);
    let line = bad.lines().position(|l| l.contains(to)).unwrap() as u32 + 1;
    let file = SourceFile { name: "typo.yaml".into(), text: bad };
    let diags = load_dossier(&file, &context().0).expect_err("an unknown value is refused");
    let d = diags
        .iter()
        .find(|d| d.code == Code::InvalidValue && d.field.ends_with(field))
        .unwrap_or_else(|| panic!("no invalid-value on {field} in\n{diags}"));
    assert_eq!((d.location.file.as_str(), d.location.line), ("typo.yaml", line), "{d:?}");
    assert!(d.location.column > 0, "{d:?}");
    let expected = d.expected.as_deref().unwrap_or_default();
    for value in allowed.split(' ') {
        assert!(expected.contains(value), "{value} not in {expected}");
    }
    assert_eq!(d.help.as_deref(), Some(format!("did you mean `{suggestion}`?").as_str()), "{d:?}");
}

#[test]
fn an_unknown_route_is_refused_with_a_suggestion() {
    refused(
        "route: plan-de-formation",
        "route: contrat-de-professionalisation",
        "route",
        "contrat-de-professionnalisation periode-de-professionnalisation plan-de-formation dif cif",
        "contrat-de-professionnalisation",
    );
}

#[test]
fn an_unknown_contract_is_refused_with_a_suggestion() {
    refused("contract: cdi", "contract: cdii", "contract", "cdi cdd stage autre", "cdi");
}

#[test]
fn an_unknown_document_kind_is_refused_with_a_suggestion() {
    refused(
        "kind: attestation-sur-honneur",
        "kind: attestation-sur-honeur",
        "kind",
        "contrat-de-travail bulletin-de-paie attestation-employeur attestation-sur-honneur",
        "attestation-sur-honneur",
    );
}

#[test]
fn an_unknown_preuve_kind_is_refused_with_a_suggestion() {
    refused(
        "kind: description",
        "kind: descripton",
        "kind",
        "description document temoignage",
        "description",
    );
}

#[test]
fn an_unknown_college_is_refused_with_a_suggestion() {
    refused("college: salaries", "college: salarie", "college", "salaries employeurs", "salaries");
}

#[test]
fn an_unknown_appeal_ground_is_refused_with_a_suggestion() {
    refused(
        "ground: absence-de-rigueur",
        "ground: absence-de-rigeur",
        "ground",
        "absence-de-rigueur contestation-des-resultats autre",
        "absence-de-rigueur",
    );
}

#[test]
fn an_unknown_outcome_is_refused_with_a_suggestion() {
    refused(
        "outcome: attribution",
        "outcome: atribution",
        "outcome",
        "attribution evaluation-complementaire non-attribution",
        "attribution",
    );
}

#[test]
fn an_unknown_activity_status_is_refused_with_a_suggestion() {
    let spec = Spec {
        overrides: vec![
            "{target: activity, activity: dist-accueillir, status: acquis, reason: vu, by: Eva Luatrice, on: 2026-04-20}"
                .into(),
        ],
        ..Spec::complete("distance")
    };
    let bad = spec.yaml().replace("status: acquis", "status: aquis");
    let diags = load_dossier(&SourceFile { name: "typo.yaml".into(), text: bad }, &context().0).unwrap_err();
    let d = diags.iter().find(|d| d.field.ends_with("status")).unwrap_or_else(|| panic!("{diags}"));
    assert_eq!(d.code, Code::InvalidValue);
    assert_eq!(d.help.as_deref(), Some("did you mean `acquis`?"));
    assert!(d.expected.as_deref().unwrap_or_default().contains("a-completer"));
}

#[test]
fn an_unknown_contract_target_is_refused_not_a_rejection() {
    let spec = Spec {
        route: "fin-contrat-de-professionnalisation",
        contract_target: Some("distance"),
        employment: vec![],
        documents: vec!["attestation-sur-honneur"],
        ..Spec::application("distance")
    };
    let bad = spec.yaml().replace("target: distance", "target: distanse");
    let diags = load_dossier(&SourceFile { name: "typo.yaml".into(), text: bad }, &context().0).unwrap_err();
    let d = diags
        .iter()
        .find(|d| d.field == "professionalisation_contract.target")
        .unwrap_or_else(|| panic!("{diags}"));
    assert!(d.expected.as_deref().unwrap_or_default().contains("point-de-distribution"));
}

#[test]
fn an_unknown_route_in_the_policy_is_refused_with_its_line() {
    let text = std::fs::read_to_string(crate::common::root().join("referentiels/politique.toml")).unwrap();
    let file = SourceFile { name: "politique.toml".into(), text: text.replacen("\"cif\",", "\"cfi\",", 1) };
    let err = cqpt::policy::load_policy(&file, &context().0).unwrap_err();
    let d = err.iter().next().unwrap();
    assert!(d.location.line > 0 && d.message.contains("cfi"), "{d:?}");
}

#[test]
fn an_unknown_accreditation_event_is_refused_with_a_suggestion() {
    let spec = Spec { accreditation: vec![("renewd", "2025-12-01")], ..Spec::complete("distance") };
    let diags =
        load_dossier(&SourceFile { name: "typo.yaml".into(), text: spec.yaml() }, &context().0).unwrap_err();
    let d = diags.iter().find(|d| d.field.ends_with("event")).unwrap_or_else(|| panic!("{diags}"));
    assert_eq!(d.help.as_deref(), Some("did you mean `renewed`?"));
}

#[test]
fn an_unknown_override_target_is_refused_with_a_suggestion() {
    let spec = Spec {
        overrides: vec![
            "{target: activty, activity: dist-accueillir, status: acquis, reason: vu, on: 2026-04-20}".into(),
        ],
        ..Spec::complete("distance")
    };
    let diags =
        load_dossier(&SourceFile { name: "typo.yaml".into(), text: spec.yaml() }, &context().0).unwrap_err();
    let d = diags.iter().find(|d| d.field.ends_with("target")).unwrap_or_else(|| panic!("{diags}"));
    assert_eq!(d.help.as_deref(), Some("did you mean `activity`?"));
}
