//! Every rule of DOMAIN.md and of the agreement, each with a test that breaks if the rule is
//! removed or its number moved.

use crate::builder::{Spec, codes, common_items_of, context, d, reasons};
use cqpt::dossier::{ActivityStatus, Proposal};
use cqpt::phases::{ItemStatus, Payer, evaluate, funding::funding, recevabilite};

// ---- Recevabilité (art. 3, art. 6-1, Annexe 2 §III) -------------------------------------

fn dif(hours: u32, start: &'static str, end: &'static str) -> Spec {
    Spec {
        route: "dif",
        submitted: "2026-03-02",
        employment: vec![(start, Some(end), hours, true, false), ("2026-03-01", None, 10, false, true)],
        ..Spec::application("distance")
    }
}

#[test]
fn free_access_needs_1607_hours_1606_are_rejected() {
    let e = dif(1606, "2024-01-01", "2025-12-31").evaluate();
    assert_eq!(reasons(&e), ["hours-under-minimum"]);
    assert!(!e.recevabilite.recevable);
    let e = dif(1607, "2024-01-01", "2025-12-31").evaluate();
    assert!(e.recevabilite.recevable, "{:?}", reasons(&e));
}

#[test]
fn one_year_of_experience_364_days_are_rejected_a_full_year_accepted() {
    // 2025-01-01 to 2025-12-30 is 364 days; to 2025-12-31 a full year.
    let short = dif(1700, "2025-01-01", "2025-12-30").evaluate();
    assert_eq!(reasons(&short), ["experience-under-one-year"]);
    assert_eq!(short.recevabilite.facts.related_days, 364);
    let full = dif(1700, "2025-01-01", "2025-12-31").evaluate();
    assert!(full.recevabilite.recevable, "{:?}", reasons(&full));
    // The same year on the plan de formation route (Annexe 2 §III applies to every employee).
    let spec = Spec {
        employment: vec![("2025-03-03", None, 1000, true, true)],
        submitted: "2026-03-01",
        ..Spec::application("distance")
    };
    assert_eq!(reasons(&spec.evaluate()), ["experience-under-one-year"]);
    assert_eq!(spec.evaluate().recevabilite.facts.related_days, 364);
    let spec = Spec { submitted: "2026-03-02", ..spec };
    assert!(spec.evaluate().recevabilite.recevable);
}

#[test]
fn one_year_is_a_calendar_anniversary_not_365_days() {
    // 2024 is a leap year: 365 days from 2024-01-01 end on 2024-12-30, a day short of a year.
    let short = dif(1700, "2024-01-01", "2024-12-30");
    let short = Spec { submitted: "2025-03-03", ..short }.evaluate();
    assert_eq!(short.recevabilite.facts.related_days, 365);
    assert!(reasons(&short).contains(&"experience-under-one-year"), "{:?}", reasons(&short));
    let full = Spec { submitted: "2025-03-03", ..dif(1700, "2024-01-01", "2024-12-31") }.evaluate();
    assert!(!reasons(&full).contains(&"experience-under-one-year"), "{:?}", reasons(&full));
    // From 29 February, the anniversary is 28 February: the year is made on the 27th.
    let from_29 = |end: &'static str| {
        Spec {
            employment: vec![("2024-02-29", Some(end), 1700, true, true)],
            submitted: end,
            ..Spec::application("distance")
        }
        .evaluate()
    };
    assert!(from_29("2025-02-27").recevabilite.recevable, "{:?}", reasons(&from_29("2025-02-27")));
    assert_eq!(reasons(&from_29("2025-02-26")), ["experience-under-one-year"]);
}

#[test]
fn only_a_cdd_or_a_cdi_in_the_branch_is_branch_employment() {
    for (contract, employed) in [
        ("cdi", true),
        ("cdd", true),
        ("contrat-de-professionnalisation", true),
        ("stage", false),
        ("autre", false),
    ] {
        let e = Spec { contract, ..Spec::application("distance") }.evaluate();
        assert_eq!(!reasons(&e).contains(&"not-branch-employee"), employed, "{contract}: {:?}", reasons(&e));
    }
}

#[test]
fn the_end_of_a_contrat_de_professionnalisation_opens_the_route_for_a_year() {
    let young = |submitted: &'static str| {
        Spec {
            route: "fin-contrat-de-professionnalisation",
            contract_target: Some("distance"),
            contract_end: "2026-02-27",
            employment: vec![],
            documents: vec!["attestation-sur-honneur"],
            submitted,
            ..Spec::application("distance")
        }
        .evaluate()
    };
    assert!(young("2026-01-15").recevabilite.recevable, "during the contract");
    assert!(young("2027-02-27").recevabilite.recevable, "the anniversary itself");
    assert_eq!(reasons(&young("2027-02-28")), ["contract-ended-outside-window"]);
}

#[test]
fn free_access_year_must_fall_within_the_last_three_years() {
    // Two years of experience ending 2023-06-30: 365+ days in all, but only 120 in the window.
    let e = dif(3200, "2021-07-01", "2023-06-30").evaluate();
    assert!(reasons(&e).contains(&"experience-outside-window"), "{:?}", reasons(&e));
    assert!(reasons(&e).contains(&"hours-under-minimum"), "{:?}", reasons(&e));
    assert!(!reasons(&e).contains(&"experience-under-one-year"));
    // On the plan de formation route the window does not apply.
    let spec = Spec {
        employment: vec![
            ("2021-07-01", Some("2023-06-30"), 3200, true, true),
            ("2026-01-05", None, 300, false, true),
        ],
        ..Spec::application("distance")
    };
    assert!(spec.evaluate().recevabilite.recevable, "{:?}", reasons(&spec.evaluate()));
}

#[test]
fn overlapping_periods_are_counted_once() {
    let spec = Spec {
        employment: vec![
            ("2025-03-02", Some("2025-09-30"), 900, true, true),
            ("2025-06-01", None, 900, true, true),
        ],
        ..Spec::application("distance")
    };
    let e = spec.evaluate();
    assert_eq!(e.recevabilite.facts.related_days, 366, "2025-03-02..2026-03-02");
}

#[test]
fn every_rejection_reason_is_stated_with_its_article() {
    let spec = Spec { route: "vae", documents: vec![], employment: vec![], ..Spec::application("distance") };
    let e = spec.evaluate();
    assert_eq!(
        reasons(&e),
        [
            "route-not-admitted",
            "not-branch-employee",
            "experience-under-one-year",
            "no-proof-of-activity",
            "no-sworn-statement"
        ]
    );
    let articles: Vec<&str> = e.recevabilite.reasons.iter().map(|r| r.article).collect();
    assert!(articles[0].contains("art. 3"));
    assert!(articles[3].contains("art. 6-1"));
    assert!(e.recevabilite.reasons.iter().all(|r| !r.message.is_empty()));
}

#[test]
fn sworn_statement_and_proof_of_activity_are_required() {
    let spec = Spec { documents: vec!["contrat-de-travail"], ..Spec::application("distance") };
    assert_eq!(reasons(&spec.evaluate()), ["no-sworn-statement"]);
    let spec = Spec { documents: vec!["attestation-sur-honneur", "autre"], ..Spec::application("distance") };
    assert_eq!(reasons(&spec.evaluate()), ["no-proof-of-activity"]);
}

#[test]
fn an_employee_outside_the_branch_is_rejected() {
    let spec =
        Spec { employment: vec![("2022-01-03", None, 5600, true, false)], ..Spec::application("distance") };
    assert_eq!(reasons(&spec.evaluate()), ["not-branch-employee"]);
}

#[test]
fn end_of_contrat_de_professionnalisation_needs_no_experience_but_the_right_target() {
    let young = Spec {
        route: "fin-contrat-de-professionnalisation",
        contract_target: Some("distance"),
        employment: vec![],
        documents: vec!["attestation-sur-honneur"],
        ..Spec::application("distance")
    };
    assert!(young.evaluate().recevabilite.recevable, "{:?}", reasons(&young.evaluate()));
    let other = Spec { contract_target: Some("point-de-distribution"), ..young.clone() };
    assert_eq!(reasons(&other.evaluate()), ["contract-not-aimed-at-certificate"]);
    let none = Spec { contract_target: None, ..young };
    assert_eq!(reasons(&none.evaluate()), ["contract-not-aimed-at-certificate"]);
}

// ---- Phase 2 (Annexe 2 §III, §IV) ---------------------------------------------------------

#[test]
fn a_complete_dossier_is_attributed_without_findings() {
    for certificate in ["distance", "point-de-distribution"] {
        let e = Spec::complete(certificate).evaluate();
        assert!(e.findings.is_empty(), "{certificate}: {:?}", codes(&e));
        let s = e.synthese.as_ref().unwrap();
        assert_eq!(s.proposal, Proposal::Attribution);
        assert!(s.activities.iter().all(|a| a.status == ActivityStatus::Acquis));
        assert_eq!(e.state.phase, 3);
    }
}

#[test]
fn distance_needs_five_contacts_three_are_refused() {
    let e = Spec { contacts: 3, ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["observation-too-few-contacts"]);
    assert!(e.synthese.is_none() && e.blocked());
    let e = Spec { contacts: 4, ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["observation-too-few-contacts"]);
    let e = Spec { contacts: 5, ..Spec::complete("distance") }.evaluate();
    assert!(e.findings.is_empty(), "{:?}", codes(&e));
}

#[test]
fn point_de_distribution_needs_three_contacts() {
    let e = Spec { contacts: 2, ..Spec::complete("point-de-distribution") }.evaluate();
    assert_eq!(codes(&e), ["observation-too-few-contacts"]);
    let e = Spec { contacts: 3, ..Spec::complete("point-de-distribution") }.evaluate();
    assert!(e.findings.is_empty());
}

#[test]
fn observation_of_two_hours_one_minute_is_flagged() {
    let e = Spec { obs_start: "09:00", obs_end: "11:01", ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["observation-too-long"]);
    assert!(e.findings[0].message.contains("2 h 01"));
    let e = Spec { obs_start: "09:00", obs_end: "11:00", ..Spec::complete("distance") }.evaluate();
    assert!(e.findings.is_empty());
}

#[test]
fn an_evaluator_who_trained_the_candidate_blocks() {
    let e = Spec { trained: true, ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["evaluator-trained-candidate"]);
    assert!(e.synthese.is_none());
}

#[test]
fn accreditation_lasts_two_years() {
    // Assessments on 2026-04-14. Accredited 2024-04-14: valid through the anniversary itself, the
    // day the time limit expires (the same arithmetic as the carry-over); 2024-04-13 is outside.
    let e = Spec { accredited_on: "2024-04-13", ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["accreditation-expired"]);
    let e = Spec { accredited_on: "2024-04-14", ..Spec::complete("distance") }.evaluate();
    assert!(e.findings.is_empty(), "{:?}", codes(&e));
    let e = Spec { withdrawn_on: Some("2026-04-14"), ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["accreditation-withdrawn"]);
    let e = Spec { withdrawn_on: Some("2026-04-15"), ..Spec::complete("distance") }.evaluate();
    assert!(e.findings.is_empty(), "{:?}", codes(&e));
}

#[test]
fn accreditation_is_a_history_and_a_renewal_on_time_is_not_an_expiry() {
    let with = |events: Vec<(&'static str, &'static str)>| {
        Spec { accredited_on: "2024-01-10", accreditation: events, ..Spec::complete("distance") }.evaluate()
    };
    // Granted 2024-01-10, valid through 2026-01-10: the assessments of 2026-04-14 need a renewal.
    assert_eq!(codes(&with(vec![])), ["accreditation-expired"]);
    // Renewed on the last day: one continuous period.
    assert!(with(vec![("renewed", "2026-01-10")]).findings.is_empty());
    // Renewed after the last day, but before the assessments: a new period covers them.
    assert!(with(vec![("renewed", "2026-02-01")]).findings.is_empty());
    // Renewed too late: the assessments fall in the gap.
    assert_eq!(codes(&with(vec![("renewed", "2026-05-01")])), ["accreditation-expired"]);
    // A renewal recorded after the assessments does not make them expired (the old model did).
    let e = Spec {
        accredited_on: "2024-05-01",
        accreditation: vec![("renewed", "2026-04-30")],
        ..Spec::complete("distance")
    }
    .evaluate();
    assert!(e.findings.is_empty(), "{:?}", codes(&e));
    // Withdrawn, then granted again before the assessments.
    let e = with(vec![("renewed", "2026-01-05"), ("withdrawn", "2026-02-01"), ("granted", "2026-04-14")]);
    assert!(e.findings.is_empty(), "{:?}", codes(&e));
    let e = with(vec![("renewed", "2026-01-05"), ("withdrawn", "2026-02-01"), ("granted", "2026-04-15")]);
    assert_eq!(codes(&e), ["accreditation-withdrawn"]);
}

#[test]
fn accreditation_from_29_february_runs_to_28_february() {
    use cqpt::dossier::{AccreditationEvent, AccreditationRecord};
    use cqpt::phases::accreditation::{Standing, periods, standing};
    let granted = AccreditationRecord {
        event: AccreditationEvent::Granted,
        on: d("2024-02-29"),
        location: Default::default(),
    };
    let p = periods(&[granted], 2);
    assert_eq!(standing(&p, d("2026-02-28")), Standing::Valid);
    assert_eq!(standing(&p, d("2026-03-01")), Standing::Expired);
    assert_eq!(standing(&p, d("2024-02-28")), Standing::Expired);
}

#[test]
fn a_level_counts_only_from_an_evaluator_of_the_accredited_body() {
    let base = Spec::complete("distance").yaml();
    let by = |who: &str, extra: &str| {
        let yaml = base
            .replacen(
                "kind: description\n    assessments:\n      - {",
                &format!("kind: description\n    assessments:\n      - {{by: {who}, "),
                1,
            )
            .replace("evaluator: Eva Luatrice}", &format!("evaluator: Eva Luatrice{extra}}}"))
            .replace(
                "  date: 2026-04-14\n  start:",
                "  date: 2026-04-14\n  referee: {name: Rémi Référent, role: superviseur}\n  start:",
            );
        let (library, policy) = context();
        let file = cqpt::source::SourceFile { name: "t.yaml".into(), text: yaml };
        let dossier = cqpt::dossier::load_dossier(&file, library).unwrap_or_else(|e| panic!("{e}"));
        evaluate(&dossier, library, policy, dossier.latest_date())
    };
    assert!(by("Eva Luatrice", "").findings.is_empty());
    assert!(by("Marc Second", ", evaluators: [Marc Second]").findings.is_empty());
    let e = by("Marc Second", "");
    assert_eq!(codes(&e), ["level-not-from-evaluator"]);
    assert!(e.synthese.is_none(), "a level from anyone else blocks the synthesis");
    let e = by("Rémi Référent", "");
    assert_eq!(codes(&e), ["level-not-from-evaluator"]);
    assert!(e.findings[0].message.contains("référent interne"), "{}", e.findings[0].message);
}

#[test]
fn no_interview_is_a_warning_only() {
    let e = Spec { interview: false, ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["interview-missing"]);
    assert!(!e.blocked() && e.synthese.is_some());
}

#[test]
fn the_quiz_establishes_level_three_at_most() {
    let mut spec = Spec::complete("distance");
    spec.levels.insert("c-deontologie".into(), 5);
    let e = spec.evaluate();
    assert_eq!(codes(&e), ["quiz-level-capped"]);
    let item = e.synthese.as_ref().unwrap().item("c-deontologie").unwrap();
    assert_eq!(item.level, Some(3));
}

#[test]
fn levels_four_and_five_need_a_justification() {
    let mut spec = Spec::complete("distance");
    spec.levels.insert("sf-se-servir-outil-gestion-appels".into(), 4);
    assert!(spec.evaluate().findings.is_empty(), "justified by the builder");
    let yaml = spec.yaml().replace(", justification: observé avec aisance", "");
    let (library, policy) = context();
    let dossier =
        cqpt::dossier::load_dossier(&cqpt::source::SourceFile { name: "t.yaml".into(), text: yaml }, library)
            .unwrap();
    let e = evaluate(&dossier, library, policy, dossier.latest_date());
    assert!(codes(&e).iter().all(|c| *c == "justification-missing"), "{:?}", codes(&e));
    assert!(e.blocked());
}

#[test]
fn specific_items_count_only_from_the_observation() {
    let spec = Spec::complete("distance");
    let yaml = spec.yaml().replace(
        "quiz:\n  sitting: Q-1\n  date: 2026-04-14\n  levels:\n",
        "quiz:\n  sitting: Q-1\n  date: 2026-04-14\n  levels:\n    sf-se-servir-outil-gestion-appels: 1\n",
    );
    let (library, policy) = context();
    let dossier =
        cqpt::dossier::load_dossier(&cqpt::source::SourceFile { name: "t.yaml".into(), text: yaml }, library)
            .unwrap();
    let e = evaluate(&dossier, library, policy, dossier.latest_date());
    assert_eq!(codes(&e), ["modality-not-assigned"]);
    let item = e.synthese.as_ref().unwrap().item("sf-se-servir-outil-gestion-appels").unwrap();
    assert_eq!(item.level, Some(3), "the quiz level 1 is not counted");
    assert!(item.sources.iter().any(|s| !s.counted && s.level == 1));
}

/// A dossier built by `Spec` with `extra` levels after the quiz's (and `before` inserted before
/// the quiz), evaluated.
fn with_quiz_levels(spec: &Spec, before: &str, extra: &str) -> (String, cqpt::phases::Evaluation) {
    let yaml = spec.yaml().replace(
        "quiz:\n  sitting: Q-1\n  date: 2026-04-14\n  levels:\n",
        &format!("{before}quiz:\n  sitting: Q-1\n  date: 2026-04-14\n  levels:\n{extra}"),
    );
    let (library, policy) = context();
    let file = cqpt::source::SourceFile { name: "t.yaml".into(), text: yaml.clone() };
    let dossier = cqpt::dossier::load_dossier(&file, library).unwrap_or_else(|e| panic!("{e}"));
    (yaml, evaluate(&dossier, library, policy, dossier.latest_date()))
}

#[test]
fn the_quiz_assesses_savoirs_only() {
    // sf-reformuler: a transversal savoir-faire (the policy gives its category the quiz); its
    // level comes from the dossier de preuves (2 here), and a quiz level 3 must not raise it.
    let (library, _) = context();
    let item = library.item("sf-reformuler").unwrap();
    assert_eq!(item.kind, cqpt::referentiel::ItemKind::SavoirFaire);
    assert_eq!(item.category, cqpt::referentiel::Category::Transversal);
    let mut spec = Spec::complete("distance");
    spec.levels.insert("sf-reformuler".into(), 2);
    let (_, e) = with_quiz_levels(&spec, "", "");
    assert!(!codes(&e).contains(&"quiz-on-savoir-faire"), "{:?}", codes(&e));
    let reference = e.synthese.as_ref().unwrap().item("sf-reformuler").unwrap().clone();
    assert_eq!(reference.level, Some(2));

    let (yaml, e) = with_quiz_levels(&spec, "", "    sf-reformuler: 3\n");
    assert_eq!(codes(&e), ["quiz-on-savoir-faire"]);
    let f = &e.findings[0];
    assert_eq!(f.article, "art. 6-2 ; annexe 2 §III, phase 2B");
    assert!(f.message.contains("sf-reformuler") && f.message.contains(&item.label), "{}", f.message);
    let line = yaml.lines().position(|l| l == "    sf-reformuler: 3").unwrap() + 1;
    let at = f.location.as_ref().unwrap();
    assert_eq!((at.file.as_str(), at.line as usize), ("t.yaml", line), "reported at its line");
    assert!(!e.blocked(), "a warning: the synthesis goes on without it");
    let counted = e.synthese.as_ref().unwrap().item("sf-reformuler").unwrap();
    assert_eq!(counted, &reference, "the quiz level is not counted");
    assert!(counted.sources.iter().all(|s| s.modality != cqpt::policy::Modality::Quiz));

    // A savoir at the same place is counted (c-deontologie: the builder gives it a quiz level).
    let (yaml, e) = with_quiz_levels(&spec, "", "");
    assert!(yaml.contains("\n    c-deontologie: 3\n"), "{yaml}");
    assert!(codes(&e).is_empty(), "{:?}", codes(&e));
    let savoir = e.synthese.as_ref().unwrap().item("c-deontologie").unwrap();
    assert!(savoir.sources.iter().any(|s| s.modality == cqpt::policy::Modality::Quiz && s.counted));

    // Phase 0: the prédiagnostic is advice and may ask about savoir-faire.
    let prediagnostic =
        "prediagnostic:\n  date: 2026-03-20\n  by: Eva Luatrice\n  levels:\n    sf-reformuler: 2\n";
    let (_, e) = with_quiz_levels(&spec, prediagnostic, "");
    assert!(codes(&e).is_empty(), "{:?}", codes(&e));
}

// ---- Synthèse (phase 3) --------------------------------------------------------------------

#[test]
fn one_level_short_is_a_completer_two_levels_non_acquis() {
    let mut spec = Spec::complete("distance");
    spec.levels.insert("sp-temps-traitement-appel".into(), 2);
    let s = spec.evaluate().synthese.unwrap();
    let accueil = s.activities.iter().find(|a| a.id == "dist-accueillir").unwrap();
    assert_eq!(accueil.status, ActivityStatus::ACompleter);
    assert_eq!(s.proposal, Proposal::EvaluationComplementaire);
    assert_eq!(s.to_evaluate_again, ["sp-temps-traitement-appel"]);
    spec.levels.insert("sp-temps-traitement-appel".into(), 1);
    let s = spec.evaluate().synthese.unwrap();
    assert_eq!(
        s.activities.iter().find(|a| a.id == "dist-accueillir").unwrap().status,
        ActivityStatus::NonAcquis
    );
    assert_eq!(s.proposal, Proposal::NonAttribution);
}

#[test]
fn an_unevaluated_item_leaves_the_activity_a_completer() {
    let spec = Spec { skip: vec!["sp-taux-prise-en-charge".into()], ..Spec::complete("distance") };
    let e = spec.evaluate();
    assert_eq!(codes(&e), ["item-not-evaluated"]);
    let s = e.synthese.unwrap();
    assert_eq!(s.item("sp-taux-prise-en-charge").unwrap().status, ItemStatus::NonEvalue);
    assert_eq!(s.proposal, Proposal::EvaluationComplementaire);
}

#[test]
fn savoir_faire_zero_on_an_optional_item_does_not_count_against() {
    let mut spec = Spec::complete("point-de-distribution");
    spec.levels.insert("sf-encaisser".into(), 0);
    let s = spec.evaluate().synthese.unwrap();
    assert_eq!(s.item("sf-encaisser").unwrap().status, ItemStatus::NonApplicable);
    assert_eq!(s.proposal, Proposal::Attribution);
    // On an item every shop has, 0 counts as not reached.
    let mut spec = Spec::complete("point-de-distribution");
    spec.levels.insert("sf-faire-inventaire".into(), 0);
    assert_eq!(spec.evaluate().synthese.unwrap().proposal, Proposal::NonAttribution);
}

#[test]
fn an_optional_item_never_blocks_whatever_its_level() {
    for level in [0, 1, 2] {
        for item in ["sf-encaisser", "sf-prendre-connaissance-dossier-ecoutant"] {
            let mut spec = Spec::complete("point-de-distribution");
            spec.levels.insert(item.into(), level);
            let s = spec.evaluate().synthese.unwrap();
            assert_ne!(s.item(item).unwrap().status, ItemStatus::Insuffisant, "{item} at {level}");
            assert_eq!(s.proposal, Proposal::Attribution, "{item} at {level}");
            assert!(!s.to_evaluate_again.iter().any(|i| i == item));
        }
    }
    // Not evaluated at all: it does not block either.
    let spec = Spec { skip: vec!["sf-faux-billet".into()], ..Spec::complete("point-de-distribution") };
    let e = spec.evaluate();
    assert_eq!(e.synthese.as_ref().unwrap().item("sf-faux-billet").unwrap().status, ItemStatus::Facultatif);
    assert_eq!(e.synthese.as_ref().unwrap().proposal, Proposal::Attribution);
    assert!(!codes(&e).contains(&"item-not-evaluated"));
}

#[test]
fn optionality_belongs_to_a_certificate() {
    // Optional in a shop without a computer (annexe 1 p. 20), core in a call centre.
    let item = "sf-prendre-connaissance-dossier-ecoutant";
    let mut spec = Spec::complete("distance");
    spec.levels.insert(item.into(), 1);
    let s = spec.evaluate().synthese.unwrap();
    assert_eq!(s.item(item).unwrap().status, ItemStatus::Insuffisant);
    assert_ne!(s.proposal, Proposal::Attribution);
}

#[test]
fn an_optional_part_must_point_at_an_optional_sub_activity_and_its_items() {
    let (library, _) = context();
    let text = std::fs::read_to_string(crate::common::root().join("referentiels/politique.toml")).unwrap();
    let file = cqpt::source::SourceFile {
        name: "politique.toml".into(),
        text: text
            .replacen(
                "items = [\"sf-encaisser\", \"sf-faux-billet\"]",
                "items = [\"sf-encaisser\", \"sf-reformuler\"]",
                1,
            )
            .replacen("Historiser la visite du client", "Historiser la visite", 1),
    };
    let err = cqpt::policy::load_policy(&file, library).unwrap_err();
    assert!(err.iter().any(|x| x.field == "activities.optional[0].items" && x.found.as_deref() == Some("sf-reformuler")), "{err}");
    assert!(err.iter().any(|x| x.field == "activities.optional[2].sub_activity"), "{err}");
    // A task must be an optional task of its sub-activity.
    let with_task = |task: &str| {
        let part = format!(
            "\n[[activities.optional]]\ncertificate = \"distance\"\nactivity = \"dist-analyser-repondre\"\nsub_activity = \"Répondre à des questions de facturation et saisir un règlement\"\ntask = \"{task}\"\nsource = \"annexe 1 p. 9\"\nitems = [\"sf-lire-expliquer-facture\"]\n"
        );
        let text = text.replacen("\n[procedure]", &format!("{part}\n[procedure]"), 1);
        cqpt::policy::load_policy(&cqpt::source::SourceFile { name: "politique.toml".into(), text }, library)
    };
    assert!(with_task("Saisir un règlement").is_ok());
    let err = with_task("Expliquer une facture").unwrap_err();
    assert!(err.iter().any(|x| x.field == "activities.optional[3].task"), "{err}");
}

#[test]
fn overrides_change_results_and_keep_their_reason() {
    let mut spec = Spec::complete("distance");
    spec.levels.insert("sp-temps-traitement-appel".into(), 2);
    spec.overrides = vec![
        "{target: item, item: sp-temps-traitement-appel, level: 3, reason: Confirmé par l'entretien, on: 2026-04-19}".into(),
    ];
    let s = spec.evaluate().synthese.unwrap();
    let item = s.item("sp-temps-traitement-appel").unwrap();
    assert_eq!((item.computed, item.level), (Some(2), Some(3)));
    assert_eq!(item.overridden.as_ref().unwrap().1, "Confirmé par l'entretien");
    assert_eq!(s.proposal, Proposal::Attribution);
    spec.overrides = vec![
        "{target: proposal, proposal: non-attribution, reason: Fraude constatée, on: 2026-04-19}".into(),
    ];
    let s = spec.evaluate().synthese.unwrap();
    assert_eq!(
        (s.computed_proposal, s.proposal),
        (Proposal::EvaluationComplementaire, Proposal::NonAttribution)
    );
    assert_eq!(s.proposal_override_reason.as_deref(), Some("Fraude constatée"));
    spec.overrides = vec!["{target: activity, activity: dist-accueillir, status: acquis, reason: Vu en situation, on: 2026-04-19}".into()];
    let s = spec.evaluate().synthese.unwrap();
    let a = s.activities.iter().find(|a| a.id == "dist-accueillir").unwrap();
    assert_eq!((a.computed, a.status), (ActivityStatus::ACompleter, ActivityStatus::Acquis));
    assert_eq!(s.proposal, Proposal::Attribution);
}

#[test]
fn an_override_without_reason_is_refused() {
    let spec = Spec {
        overrides: vec!["{target: proposal, proposal: attribution, on: 2026-04-19}".into()],
        ..Spec::complete("distance")
    };
    let (library, _) = context();
    let err = cqpt::dossier::load_dossier(
        &cqpt::source::SourceFile { name: "t.yaml".into(), text: spec.yaml() },
        library,
    )
    .unwrap_err();
    assert!(
        err.iter().any(|d| d.field.ends_with("reason") && d.message.contains("missing key `reason`")),
        "{err}"
    );
}

// ---- Carry-over (art. 3) -------------------------------------------------------------------

fn carried(awarded: &'static str, practising: bool) -> cqpt::phases::Evaluation {
    // Synthèse on 2026-04-20; the savoirs communs that the CQPT held assessed are not assessed
    // again.
    let common: Vec<String> = common_items_of("distance", 3).into_iter().map(|(id, _)| id).collect();
    Spec {
        cqpt_held: Some(("distance", awarded, practising)),
        skip: common,
        ..Spec::complete("point-de-distribution")
    }
    .evaluate()
}

#[test]
fn carry_over_three_years_one_day_more_is_refused() {
    let kept = carried("2023-04-20", false);
    assert!(kept.carry_over.as_ref().unwrap().applies);
    assert_eq!(kept.synthese.as_ref().unwrap().proposal, Proposal::Attribution, "{:?}", codes(&kept));
    let lost = carried("2023-04-19", false);
    assert!(!lost.carry_over.as_ref().unwrap().applies);
    assert!(codes(&lost).contains(&"carry-over-expired"));
    assert_ne!(lost.synthese.as_ref().unwrap().proposal, Proposal::Attribution);
}

#[test]
fn only_the_savoirs_communs_validated_carry_over_at_their_level() {
    let (library, _) = context();
    let ours: Vec<(String, u8)> = common_items_of("point-de-distribution", 3);
    let theirs: Vec<(String, u8)> = common_items_of("distance", 3);
    // A savoir commun of the certificate aimed at that the first one never assessed.
    let (never, _) = ours
        .iter()
        .find(|(id, _)| !theirs.iter().any(|(t, _)| t == id))
        .expect("such an item exists")
        .clone();
    let (low, _) = theirs.iter().find(|(id, _)| ours.iter().any(|(o, _)| o == id)).unwrap().clone();
    let (high, _) = theirs.iter().rev().find(|(id, _)| ours.iter().any(|(o, _)| o == id)).unwrap().clone();
    let mut validated = theirs.clone();
    validated.push((never.clone(), 4));
    for (id, level) in &mut validated {
        if *id == low {
            *level = 2;
        } else if *id == high {
            *level = 4;
        }
    }
    let e = Spec {
        cqpt_held: Some(("distance", "2024-04-20", false)),
        validated: Some(validated),
        skip: ours.iter().map(|(id, _)| id.clone()).collect(),
        ..Spec::complete("point-de-distribution")
    }
    .evaluate();
    let c = e.carry_over.as_ref().unwrap();
    let s = e.synthese.as_ref().unwrap();
    // Never assessed by the first certificate: not carried, so not evaluated.
    assert!(c.not_carried.iter().any(|n| n.item == never), "{c:?}");
    assert!(!s.item(&never).unwrap().carried_over);
    assert_eq!(s.item(&never).unwrap().status, ItemStatus::NonEvalue);
    // Level 2 was not validated: not carried. Level 4 carries at 4.
    assert!(!s.item(&low).unwrap().carried_over);
    assert_eq!(s.item(&high).unwrap().level, Some(4));
    assert!(codes(&e).contains(&"carry-over-item-not-carried"), "{:?}", codes(&e));
    assert_ne!(s.proposal, Proposal::Attribution);
    let _ = library;
}

#[test]
fn carry_over_five_years_when_practising() {
    assert!(carried("2021-04-20", true).carry_over.unwrap().applies);
    assert!(!carried("2021-04-19", true).carry_over.unwrap().applies);
    assert!(!carried("2021-04-20", false).carry_over.unwrap().applies);
}

// ---- Phase 4 (art. 5) and the order of phases ---------------------------------------------------

#[test]
fn the_commission_has_two_employee_and_two_employer_members() {
    let e = Spec { decision: Some(("2026-05-10", 2, 2, None)), ..Spec::complete("distance") }.evaluate();
    assert!(e.findings.is_empty());
    assert_eq!(e.state.phase, 4);
    let e = Spec { decision: Some(("2026-05-10", 2, 1, None)), ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["commission-composition"]);
    // A composition error neither hides the synthesis nor moves the dossier back to phase 1.
    assert!(e.synthese.is_some());
    assert!(!e.blocked());
    assert_eq!(e.state.phase, 3);
    assert!(e.state.missing.iter().any(|m| m.contains("art. 5")), "{:?}", e.state.missing);
}

fn with_members(edit: impl Fn(String) -> String) -> cqpt::phases::Evaluation {
    let yaml = edit(Spec { decision: Some(("2026-05-10", 2, 2, None)), ..Spec::complete("distance") }.yaml());
    let (library, policy) = context();
    let file = cqpt::source::SourceFile { name: "t.yaml".into(), text: yaml };
    let dossier = cqpt::dossier::load_dossier(&file, library).unwrap_or_else(|e| panic!("{e}"));
    evaluate(&dossier, library, policy, dossier.latest_date())
}

#[test]
fn the_four_members_are_four_distinct_people() {
    let e = with_members(|y| y.replace("{name: S1, college: salaries}", "{name: S0, college: salaries}"));
    assert_eq!(codes(&e), ["commission-composition"]);
    assert_eq!(e.state.phase, 3);
}

#[test]
fn a_member_who_evaluated_or_trained_the_candidate_is_a_finding() {
    let e = with_members(|y| {
        y.replace("{name: E0, college: employeurs}", "{name: Eva Luatrice, college: employeurs}")
    });
    assert_eq!(codes(&e), ["commission-member-conflict"]);
    assert!(e.findings[0].is_error() && e.synthese.is_some() && e.state.phase == 3);
    let e = with_members(|y| {
        y.replace("{name: S0, college: salaries}", "{name: S0, college: salaries, trained_candidate: true}")
    });
    assert_eq!(codes(&e), ["commission-member-conflict"]);
    // The severity is the policy's.
    let (library, policy) = context();
    let mut lenient = policy.clone();
    lenient.commission.member_conflict = cqpt::diag::Severity::Warning;
    let yaml = Spec { decision: Some(("2026-05-10", 2, 2, None)), ..Spec::complete("distance") }
        .yaml()
        .replace("{name: E0, college: employeurs}", "{name: Eva Luatrice, college: employeurs}");
    let dossier =
        cqpt::dossier::load_dossier(&cqpt::source::SourceFile { name: "t.yaml".into(), text: yaml }, library)
            .unwrap();
    let e = evaluate(&dossier, library, &lenient, dossier.latest_date());
    assert!(!e.findings[0].is_error());
    assert_eq!(e.state.phase, 4);
}

#[test]
fn an_appeal_is_admitted_only_for_a_lack_of_rigour() {
    let e = Spec {
        decision: Some(("2026-05-10", 2, 2, Some("absence-de-rigueur"))),
        ..Spec::complete("distance")
    }
    .evaluate();
    assert!(e.decision.unwrap().appeal.unwrap().admitted);
    let e = Spec {
        decision: Some(("2026-05-10", 2, 2, Some("contestation-des-resultats"))),
        ..Spec::complete("distance")
    }
    .evaluate();
    let appeal = e.decision.unwrap().appeal.unwrap();
    assert!(!appeal.admitted && appeal.reason.contains("art. 5"));
}

#[test]
fn a_phase_cannot_come_before_its_prerequisites() {
    let e = Spec { decision: Some(("2026-04-19", 2, 2, None)), ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["phase-out-of-order"], "decision before synthèse");
    let e = Spec { synthese: Some("2026-04-13"), ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["phase-out-of-order"], "synthèse before an assessment");
    let e = Spec { submitted: "2026-04-15", ..Spec::complete("distance") }.evaluate();
    assert!(codes(&e).contains(&"phase-out-of-order"), "assessment before the application");
    let e = Spec { evaluated: false, ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["phase-out-of-order"], "synthèse without evaluation");
    let e = Spec { route: "vae", ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["not-recevable"]);
}

#[test]
fn the_state_says_what_is_missing() {
    let e = Spec::application("distance").evaluate();
    assert_eq!(e.state.phase, 1);
    assert!(e.state.missing.iter().any(|m| m.contains("quiz")));
    let e = Spec { synthese: None, ..Spec::complete("distance") }.evaluate();
    assert_eq!(e.state.phase, 2);
    assert!(e.state.missing.iter().any(|m| m.contains("synthèse")));
}

#[test]
fn dates_after_the_evaluation_date_are_refused() {
    let dossier = Spec::complete("distance").dossier();
    let diags = cqpt::dossier::check_future_dates(&dossier, d("2026-04-15"));
    assert!(diags.iter().any(|x| x.field == "synthese.date" && x.location.line > 0), "{diags}");
    assert!(cqpt::dossier::check_future_dates(&dossier, d("2026-04-20")).is_empty());
}

// ---- Funding (art. 6-2) ------------------------------------------------------------------------

#[test]
fn auvicom_pays_100_euros_an_hour_for_three_hours_at_most() {
    let (_, policy) = context();
    let spec = Spec { route: "contrat-de-professionnalisation", hours: 2.5, ..Spec::complete("distance") };
    let f = funding(&spec.dossier(), policy, true);
    assert_eq!((f.payer, f.euros, f.owed), (Payer::Auvicom, 250.0, true));
    let f = funding(&Spec { hours: 4.0, ..spec.clone() }.dossier(), policy, true);
    assert_eq!(f.euros, 300.0);
    let f = funding(&Spec { hours: 3.0, ..spec.clone() }.dossier(), policy, true);
    assert_eq!(f.euros, 300.0);
    let mut modulated = policy.clone();
    modulated.funding.modulation_percent = 20;
    assert_eq!(funding(&Spec { hours: 4.0, ..spec.clone() }.dossier(), &modulated, true).euros, 360.0);
    let f = funding(&Spec { route: "plan-de-formation", ..spec.clone() }.dossier(), policy, true);
    assert_eq!((f.payer, f.euros), (Payer::Entreprise, 0.0));
    let f = funding(&Spec { route: "dif", priority_dif: true, ..spec.clone() }.dossier(), policy, true);
    assert_eq!((f.payer, f.euros), (Payer::Auvicom, 250.0));
    let f = funding(&Spec { route: "dif", ..spec.clone() }.dossier(), policy, true);
    assert_eq!((f.payer, f.euros), (Payer::Aucun, 0.0));
    let f = funding(&Spec { route: "cif", ..spec.clone() }.dossier(), policy, true);
    assert_eq!(f.payer, Payer::Aucun);
    let f = funding(&Spec { route: "periode-de-professionnalisation", ..spec }.dossier(), policy, true);
    assert_eq!(f.payer, Payer::Auvicom);
}

#[test]
fn funding_is_owed_only_once_the_evaluated_file_goes_to_the_cpne() {
    let base = Spec { route: "contrat-de-professionnalisation", ..Spec::complete("distance") };
    // Synthèse recorded: the complete file went for the CPNE's examination.
    let e = base.evaluate();
    assert_eq!((e.state.phase, e.funding.euros, e.funding.owed), (3, 300.0, true));
    // Evaluated, no synthèse yet: unfinished, nothing owed.
    let e = Spec { synthese: None, ..base.clone() }.evaluate();
    assert_eq!((e.state.phase, e.funding.euros, e.funding.owed), (2, 0.0, false));
    // Still in phase 1.
    let e = Spec::application("distance");
    let e = Spec { route: "contrat-de-professionnalisation", ..e }.evaluate();
    assert_eq!((e.funding.payer, e.funding.euros), (Payer::Auvicom, 0.0));
    // Not recevable (no sworn statement), even with an evaluation recorded.
    let e = Spec { documents: vec!["contrat-de-travail"], ..base.clone() }.evaluate();
    assert!(!e.recevabilite.recevable);
    assert_eq!((e.funding.euros, e.funding.owed), (0.0, false));
    // Blocked by a finding: the synthesis is not made, nothing owed.
    let e = Spec { trained: true, ..base }.evaluate();
    assert_eq!(e.funding.euros, 0.0);
}

#[test]
fn a_young_person_at_the_end_of_a_contrat_de_professionnalisation_is_funded() {
    let e = Spec {
        route: "fin-contrat-de-professionnalisation",
        contract_target: Some("distance"),
        employment: vec![],
        documents: vec!["attestation-sur-honneur"],
        ..Spec::complete("distance")
    }
    .evaluate();
    assert!(e.recevabilite.recevable, "{:?}", reasons(&e));
    assert_eq!((e.funding.payer, e.funding.euros), (Payer::Auvicom, 300.0));
}

#[test]
fn the_cpne_modulation_is_limited_to_20_percent() {
    let (library, _) = context();
    let text = std::fs::read_to_string(crate::common::root().join("referentiels/politique.toml")).unwrap();
    let file = cqpt::source::SourceFile {
        name: "politique.toml".into(),
        text: text.replace("modulation_percent = 0", "modulation_percent = 25"),
    };
    let err = cqpt::policy::load_policy(&file, library).unwrap_err();
    let diag = err.iter().find(|x| x.field == "funding.modulation_percent").expect("modulation refused");
    assert!(diag.location.line > 0);
    let _ = recevabilite; // the phase-1 function is public for AUVICOM's own tools
}

// ---- The procedure around the evaluation (art. 6-1, art. 6-2) -----------------------------------

#[test]
fn an_evaluation_needs_the_convention_between_company_and_body() {
    let e = Spec { convention: false, ..Spec::complete("distance") }.evaluate();
    assert_eq!(codes(&e), ["convention-missing"]);
    assert!(e.synthese.is_none(), "the policy makes it blocking");
    // Nothing is asked before the evaluation.
    let e = Spec { convention: false, ..Spec::application("distance") }.evaluate();
    assert!(e.findings.is_empty());
}

#[test]
fn the_recevable_file_goes_to_the_company_tutor() {
    let with_tutor = |tutor: &str, spec: Spec| {
        let yaml = spec.yaml().replace("evaluation_hours:", &format!("tutor: {tutor}\nevaluation_hours:"));
        let (library, policy) = context();
        let file = cqpt::source::SourceFile { name: "t.yaml".into(), text: yaml };
        let dossier = cqpt::dossier::load_dossier(&file, library).unwrap_or_else(|e| panic!("{e}"));
        evaluate(&dossier, library, policy, dossier.latest_date())
    };
    let e = with_tutor("{name: Tom Tuteur}", Spec::complete("distance"));
    assert_eq!(codes(&e), ["tutor-not-informed"]);
    assert!(!e.findings[0].is_error() && e.synthese.is_some());
    let e = with_tutor("{name: Tom Tuteur, transmitted: 2026-03-10}", Spec::complete("distance"));
    assert!(e.findings.is_empty(), "{:?}", codes(&e));
    // Not recevable: nothing to send.
    let spec = Spec { documents: vec!["contrat-de-travail"], ..Spec::application("distance") };
    assert!(with_tutor("{name: Tom Tuteur}", spec).findings.is_empty());
}
