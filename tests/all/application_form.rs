//! AUVICOM's application form (library side): the form kept as typed, its YAML read back by
//! the real loader, every refused value reported on its form field in French; and the edits of
//! a stored dossier's text (decision date, evaluating body) that keep the rest byte-identical.

use crate::builder::{context, d};
use crate::common::root;
use cqpt::dossier::edit::top_level_range;
use cqpt::dossier::{
    ApplicationForm, BodyChoice, DocumentRow, EmploymentRow, choices, load_dossier, set_top_level,
    shipped_labels, with_decision_date, with_evaluating_body,
};
use cqpt::source::SourceFile;
use proptest::prelude::*;

fn library() -> &'static cqpt::referentiel::Library {
    &context().0
}

fn good_form() -> ApplicationForm {
    ApplicationForm {
        candidate_id: "CQ-2026-0001".into(),
        family_name: "Fontaine".into(),
        given_name: "Léa".into(),
        birth_date: "1999-02-17".into(),
        certificate: "distance".into(),
        route: "contrat-de-professionnalisation".into(),
        priority_dif: String::new(),
        contract_target: String::new(),
        contract_end: String::new(),
        employment: vec![EmploymentRow {
            employer: "Norvia Télécom SA".into(),
            in_branch: "on".into(),
            contract: "cdi".into(),
            job: "Conseillère".into(),
            related: "on".into(),
            start: "2023-10-02".into(),
            end: "2025-09-30".into(),
            hours: "3000".into(),
        }],
        documents: vec![
            DocumentRow {
                kind: "contrat-de-travail".into(),
                date: "2023-10-02".into(),
                reference: "CDD-1".into(),
            },
            DocumentRow {
                kind: "attestation-sur-honneur".into(),
                date: "2025-09-01".into(),
                reference: String::new(),
            },
        ],
        submitted: "2025-09-08".into(),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
}

#[test]
fn a_good_form_loads_and_comes_back_from_its_dossier() {
    let form = good_form();
    let (yaml, dossier) = form.check(library()).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(yaml.starts_with("# "), "{yaml}");
    assert_eq!(dossier.employment[0].hours, 3000);
    assert_eq!(ApplicationForm::from_dossier(&dossier), form);
}

#[test]
fn hostile_texts_round_trip_through_the_yaml() {
    let mut form = good_form();
    form.family_name = "O'Brien: \"x\" # y".into();
    form.given_name = "- &a *b !tag {[ ]} % @ `".into();
    form.employment[0].employer = "Ligne 1\nLigne 2 \\ tab\there".into();
    form.employment[0].job = "? key: value\r\n---".into();
    form.documents[0].reference = "'single' \u{0} \u{85} \u{2028} \u{feff} 🙂".into();
    let (_, dossier) = form.check(library()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(dossier.candidate.family_name, form.family_name);
    assert_eq!(dossier.candidate.given_name, form.given_name);
    assert_eq!(dossier.employment[0].employer, form.employment[0].employer);
    assert_eq!(dossier.employment[0].job.as_deref(), Some(form.employment[0].job.trim()));
    assert_eq!(dossier.documents[0].reference.as_deref(), Some(form.documents[0].reference.as_str()));
}

#[test]
fn every_refused_value_is_reported_at_once_on_its_field_in_french() {
    let mut form = good_form();
    form.family_name = "  ".into();
    form.route = "vae-express".into();
    form.certificate = "distanse".into();
    form.employment[0].hours = "douze".into();
    form.employment[0].start = "31/12/2024".into();
    form.employment.push(EmploymentRow {
        employer: "Autre SA".into(),
        contract: "cdi".into(),
        start: "2024-01-10".into(),
        end: "2023-01-10".into(),
        hours: "100".into(),
        ..EmploymentRow::default()
    });
    form.documents[1].kind = "photo".into();
    form.documents[1].date = "2025-02-30".into();
    form.submitted = String::new();
    let errors = form.check(library()).unwrap_err();
    let message = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map_or_else(|| panic!("no error on {field} in {errors:#?}"), |e| e.message.clone())
    };
    assert_eq!(message("family_name"), "Nom de famille : champ obligatoire");
    assert_eq!(message("submitted"), "Date de réception de la candidature : champ obligatoire");
    let hours = message("employment.0.hours");
    assert!(hours.contains("nombre entier") && hours.contains("« douze » a été saisi"), "{hours}");
    assert!(message("employment.0.start").contains("« 31/12/2024 »"));
    assert!(message("employment.1.end").contains("2024-01-10"));
    let route = message("route");
    assert!(
        route.contains("fin de contrat de professionnalisation") && route.contains("« vae-express »"),
        "{route}"
    );
    let certificate = message("certificate");
    assert!(
        certificate.contains("« distanse »") && certificate.contains("vouliez-vous dire « distance »"),
        "{certificate}"
    );
    assert!(message("documents.1.kind").contains("attestation sur l'honneur"));
    assert!(message("documents.1.date").contains("AAAA-MM-JJ"));
    assert!(errors.iter().all(|e| !e.field.is_empty()), "{errors:#?}");
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "family_name",
            "certificate",
            "route",
            "employment.0.start",
            "employment.0.hours",
            "employment.1.end",
            "documents.1.kind",
            "documents.1.date",
            "submitted"
        ],
        "in the order of the form"
    );
}

#[test]
fn values_too_long_for_a_dossier_are_refused_on_the_whole_form() {
    let mut form = good_form();
    form.employment[0].job = "x".repeat(2 * 1024 * 1024);
    let errors = form.check(library()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].field, "");
    assert!(errors[0].message.contains("trop longues"), "{errors:#?}");
}

#[test]
fn the_ending_contract_needs_both_fields_once_started_and_may_be_left_out() {
    let mut form = good_form();
    form.route = "fin-contrat-de-professionnalisation".into();
    let (_, dossier) = form.check(library()).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(dossier.professionalisation_contract.is_none(), "the recevabilité rejects it, with its reason");
    form.contract_target = "distance".into();
    let errors = form.check(library()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].field, "contract_end");
    assert_eq!(errors[0].message, "Fin du contrat de professionnalisation : champ obligatoire");
    form.contract_end = "2025-08-31".into();
    let (_, dossier) = form.check(library()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(ApplicationForm::from_dossier(&dossier), form);
}

#[test]
fn posted_pairs_make_a_form_with_blank_rows_dropped() {
    let form = ApplicationForm::from_pairs(&pairs(&[
        ("family_name", "Fontaine"),
        ("priority_dif", "on"),
        ("employment.3.hours", "12"),
        ("employment.0.in_branch", "on"),
        ("employment.1.employer", "Norvia"),
        ("documents.19.kind", "autre"),
        ("unknown", "x"),
        ("employment.x.hours", "1"),
    ]))
    .unwrap();
    assert_eq!(form.family_name, "Fontaine");
    assert_eq!(form.priority_dif, "on");
    assert_eq!(form.employment.len(), 2);
    assert_eq!(form.employment[0].employer, "Norvia");
    assert_eq!(form.employment[1].hours, "12");
    assert_eq!(form.documents.len(), 1);
    let error = ApplicationForm::from_pairs(&pairs(&[("employment.20.hours", "1")])).unwrap_err();
    assert!(error.message.contains("20"), "{error:?}");
    assert!(ApplicationForm::from_pairs(&pairs(&[("documents.99999999999999999999999.kind", "1")])).is_err());
}

#[test]
fn the_select_boxes_have_french_labels() {
    let c = choices(&shipped_labels(), library());
    assert!(c.certificates.iter().any(|(id, _)| id == "distance"));
    assert!(c.routes.contains(&("dif".into(), "droit individuel à la formation (DIF)".into())));
    assert!(c.contracts.iter().any(|(code, label)| code == "cdi" && label.contains("indéterminée")));
    assert!(
        c.document_kinds
            .iter()
            .any(|(code, label)| code == "bulletin-de-paie" && label == "bulletin de paie")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_text_in_every_field_never_panics(
        top in proptest::collection::vec(any::<String>(), 10),
        row in proptest::collection::vec(any::<String>(), 11),
    ) {
        let form = ApplicationForm {
            candidate_id: top[0].clone(),
            family_name: top[1].clone(),
            given_name: top[2].clone(),
            birth_date: top[3].clone(),
            certificate: top[4].clone(),
            route: top[5].clone(),
            priority_dif: top[6].clone(),
            contract_target: top[7].clone(),
            contract_end: top[8].clone(),
            submitted: top[9].clone(),
            employment: vec![EmploymentRow {
                employer: row[0].clone(),
                in_branch: row[1].clone(),
                contract: row[2].clone(),
                job: row[3].clone(),
                related: row[4].clone(),
                start: row[5].clone(),
                end: row[6].clone(),
                hours: row[7].clone(),
            }],
            documents: vec![DocumentRow { kind: row[8].clone(), date: row[9].clone(), reference: row[10].clone() }],
        };
        if let Err(errors) = form.check(library()) {
            prop_assert!(!errors.is_empty());
        }
        let pairs: Vec<(String, String)> =
            top.iter().zip(&row).map(|(k, v)| (k.clone(), v.clone())).collect();
        let _ = ApplicationForm::from_pairs(&pairs);
    }

    #[test]
    fn typed_texts_come_back_as_typed(name in "[A-Za-zÀ-ÿ]\\PC{0,39}") {
        let mut form = good_form();
        form.family_name = name.clone();
        let (_, dossier) = form.check(library()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(dossier.candidate.family_name, name.trim());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_form_that_loads_comes_back_normalised_from_its_dossier(
        pad in "[ \t]{0,2}",
        text in "[a-zé]\\PC{0,29}",
        checked in prop::sample::select(vec!["on", "ON", " true", "oui", "", "off", "non"]),
        zeros in "0{0,3}",
        hours in 0u32..100_000,
        route in prop::sample::select(vec!["dif", "cif", "plan-de-formation", "vae"]),
    ) {
        let mut form = good_form();
        form.given_name = format!("{pad}{text}{pad}");
        form.route = format!("{pad}{route}");
        form.priority_dif = checked.to_string();
        form.employment[0].related = checked.to_string();
        form.employment[0].job = String::new();
        form.employment[0].hours = format!("{pad}{zeros}{hours}");
        form.documents[1].reference = format!("{text}{pad}");
        form.submitted = format!("{pad}2025-09-08{pad}");
        form.certificate = format!("{pad}distance{pad}");
        form.employment[0].start = format!("{pad}2023-10-02");
        form.documents[0].kind = format!("contrat-de-travail{pad}");
        let (yaml, dossier) = form.check(library()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(ApplicationForm::from_dossier(&dossier), form.normalised(), "{}", yaml);
    }
}

fn examples() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("examples/dossiers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The text outside the `key` block is unchanged by the edit.
fn assert_rest_unchanged(before: &str, after: &str, key: &str, name: &str) {
    let after_range = top_level_range(after, key).unwrap_or_else(|| panic!("{name}: no {key} after"));
    match top_level_range(before, key) {
        Some(range) => {
            assert_eq!(&before[..range.start], &after[..after_range.start], "{name}: text before {key}");
            assert_eq!(&before[range.end..], &after[after_range.end..], "{name}: text after {key}");
        }
        None => assert_eq!(&after[..after_range.start].trim_end(), &before.trim_end(), "{name}"),
    }
}

#[test]
fn a_decision_date_is_set_on_every_example_keeping_the_rest() {
    for (name, text) in examples() {
        let before = load_dossier(&SourceFile { name: name.clone(), text: text.clone() }, library())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let decided = before.application.submitted.add_days(3);
        let (after, dossier) =
            with_decision_date(&text, library(), decided).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(dossier.application.decided, Some(decided), "{name}");
        assert_eq!(dossier.application.submitted, before.application.submitted, "{name}");
        assert_rest_unchanged(&text, &after, "application", &name);
    }
}

#[test]
fn an_evaluating_body_is_assigned_on_every_example_keeping_the_rest() {
    for (name, text) in examples() {
        let before = load_dossier(&SourceFile { name: name.clone(), text: text.clone() }, library()).unwrap();
        let evaluator = before
            .evaluating_body
            .as_ref()
            .and_then(|b| b.evaluator.clone())
            .or_else(|| Some("Sophie Bernard".into()));
        let body = BodyChoice {
            id: "OE-099".into(),
            name: "Évalia: \"Conseil\" # Sud".into(),
            accredited_on: d("2024-01-15"),
            trained_candidate: false,
            evaluator,
        };
        let (after, dossier) =
            with_evaluating_body(&text, library(), &body).unwrap_or_else(|e| panic!("{name}: {e}"));
        let assigned = dossier.evaluating_body.unwrap();
        assert_eq!((assigned.id.as_str(), assigned.name.as_str()), ("OE-099", body.name.as_str()), "{name}");
        assert_eq!(assigned.accredited_on(), Some(d("2024-01-15")), "{name}");
        assert_rest_unchanged(&text, &after, "evaluating_body", &name);
    }
}

#[test]
fn flow_style_blocks_and_crlf_files_are_edited_in_place() {
    let (name, text) = examples().into_iter().find(|(n, _)| n.starts_with("29-")).unwrap();
    assert!(text.contains("application: {submitted: \"2026-02-09\""), "{name}");
    let (after, _) = with_decision_date(&text, library(), d("2026-02-25")).unwrap();
    assert!(
        after.contains("application:\n  submitted: 2026-02-09\n  decided: 2026-02-25\nevaluating_body: {")
    );

    let crlf = examples()[0].1.replace('\n', "\r\n");
    let (after, dossier) = with_decision_date(&crlf, library(), d("2025-09-20")).unwrap();
    assert_eq!(dossier.application.decided, Some(d("2025-09-20")));
    assert!(!after.replace("\r\n", "").contains('\n'), "a bare line feed was written");
    assert_rest_unchanged(&crlf, &after, "application", "crlf");
}

#[test]
fn a_key_at_the_end_of_the_file_is_replaced_or_appended() {
    let (yaml, _) = good_form().check(library()).unwrap();
    assert!(yaml.trim_end().ends_with("submitted: \"2025-09-08\""), "{yaml}");
    let (after, dossier) = with_decision_date(&yaml, library(), d("2025-09-19")).unwrap();
    assert!(after.ends_with("application:\n  submitted: 2025-09-08\n  decided: 2025-09-19\n"), "{after}");
    assert_eq!(dossier.application.decided, Some(d("2025-09-19")));
    let body = BodyChoice {
        id: "OE-042".into(),
        name: "Evalia Conseil".into(),
        accredited_on: d("2024-11-04"),
        trained_candidate: false,
        evaluator: None,
    };
    let (with_body, _) = with_evaluating_body(&after, library(), &body).unwrap();
    assert!(with_body.starts_with(&after), "appended after the rest");
    assert_eq!(
        set_top_level(&with_body, "evaluating_body", "evaluating_body: x\n"),
        format!("{after}evaluating_body: x\n")
    );
}

#[test]
fn a_decision_before_the_submission_is_refused_with_the_loader_s_diagnostic() {
    let (yaml, _) = good_form().check(library()).unwrap();
    let diagnostics = with_decision_date(&yaml, library(), d("2025-01-01")).unwrap_err();
    assert!(diagnostics.iter().any(|x| x.field == "application.decided"), "{diagnostics}");
}

#[test]
fn the_checked_dossier_feeds_the_live_recevabilite_then_the_desk_s_edits() {
    let (library, policy) = context();
    let (yaml, dossier) = good_form().check(library).unwrap();
    let decision = cqpt::phases::recevabilite::recevabilite(&dossier, policy, dossier.application.submitted);
    assert!(decision.recevable, "{:?}", decision.reasons);
    let mut form = good_form();
    form.route = "vae".into();
    let (_, dossier) = form.check(library).unwrap();
    let decision = cqpt::phases::recevabilite::recevabilite(&dossier, policy, dossier.application.submitted);
    assert!(
        decision.reasons.iter().any(|r| r.code.as_str() == "route-not-admitted"),
        "{:?}",
        decision.reasons
    );

    let (decided, _) = with_decision_date(&yaml, library, d("2025-09-19")).unwrap();
    let body = BodyChoice {
        id: "OE-042".into(),
        name: "Evalia Conseil".into(),
        accredited_on: d("2024-11-04"),
        trained_candidate: false,
        evaluator: Some("Sophie Bernard".into()),
    };
    let (assigned, dossier) = with_evaluating_body(&decided, library, &body).unwrap();
    assert!(assigned.starts_with(&decided));
    assert_eq!(dossier.evaluating_body.as_ref().and_then(|b| b.evaluator.as_deref()), Some("Sophie Bernard"));
    assert_eq!(ApplicationForm::from_dossier(&dossier), good_form(), "the form of the stored dossier");
}
