//! A policy per certificate (issue 13, point 3): the sections of `politique.toml` are the
//! default; `[certificats.<id>…]` overrides them for one certificate only, and every overridden
//! number is range-checked at its own line.

use crate::builder::{Spec, context};
use cqpt::dossier::Proposal;
use cqpt::phases::evaluate;
use cqpt::policy::{Modality, PassRule, Policy, load_policy};
use cqpt::source::SourceFile;

fn shipped() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/referentiels/politique.toml")).unwrap()
}

fn file(extra: &str) -> SourceFile {
    SourceFile { name: "politique.toml".into(), text: format!("{}\n{extra}", shipped()) }
}

fn load(extra: &str) -> Result<Policy, cqpt::diag::Diagnostics> {
    load_policy(&file(extra), &context().0)
}

/// The line of `needle` in the file built with `extra` (its last one: `extra` comes last).
fn line_of(extra: &str, needle: &str) -> u32 {
    let text = file(extra).text;
    u32::try_from(text.lines().collect::<Vec<_>>().iter().rposition(|l| l.contains(needle)).unwrap() + 1)
        .unwrap()
}

fn proposal(spec: &Spec, policy: &Policy) -> Option<Proposal> {
    let dossier = spec.dossier();
    let e = evaluate(&dossier, &context().0, policy, dossier.latest_date());
    e.synthese.map(|s| s.proposal)
}

#[test]
fn the_shipped_policy_is_the_default_of_every_certificate() {
    let policy = &context().1;
    for id in ["distance", "point-de-distribution", "accueil", "tp-service-client-distance"] {
        let own = policy.for_certificate(id);
        assert_eq!(own.levels.required, 3, "{id}");
        // The titre professionnel is awarded unit by unit (arrêté du 3 juillet 2003, art. 3).
        let rule =
            if id == "tp-service-client-distance" { PassRule::PerUnit } else { PassRule::AllActivities };
        assert_eq!(own.pass_rule, rule, "{id}");
        assert!(own.phases.preuves && own.phases.observation, "{id}");
        // The titre professionnel and the accueil (every item specific) have no quiz; the CQPT
        // and the default have one.
        assert_eq!(own.phases.quiz, !["tp-service-client-distance", "accueil"].contains(&id), "{id}");
        assert!(own.observation.min_contacts.contains_key(id), "{id}");
    }
}

#[test]
fn a_required_level_overridden_for_one_certificate_changes_its_decision_only() {
    let policy = load("[certificats.distance.levels]\nrequired = 4\n").unwrap();
    assert_eq!(policy.for_certificate("distance").levels.required, 4);
    assert_eq!(policy.for_certificate("point-de-distribution").levels.required, 3);
    // Everything else of the default is kept.
    assert_eq!(policy.for_certificate("distance").levels.quiz_max, 3);
    let distance = Spec::complete("distance");
    let pdd = Spec::complete("point-de-distribution");
    let default = &context().1;
    assert_eq!(proposal(&distance, default), Some(Proposal::Attribution));
    assert_ne!(proposal(&distance, &policy), Some(Proposal::Attribution), "level 3 < 4 for distance");
    assert_eq!(proposal(&pdd, &policy), Some(Proposal::Attribution), "the other certificate keeps 3");
}

#[test]
fn phases_modalities_observation_and_pass_rule_are_overridden() {
    // The shipped file already sets the pass rule, phases and modalities of the titre
    // professionnel; a units period is added here.
    let extra = "[certificats.tp-service-client-distance.units]\nkept_years = 5\n\
        [certificats.tp-service-client-distance.observation]\nmin_contacts = 7\nmax_minutes = 90\n";
    let policy = load(extra).unwrap();
    let tp = policy.for_certificate("tp-service-client-distance");
    assert_eq!(tp.pass_rule, PassRule::PerUnit);
    assert_eq!(tp.units.kept_years, Some(5));
    assert!(!tp.phases.quiz);
    assert_eq!(tp.modalities.transversal, vec![Modality::Preuves]);
    assert_eq!(tp.observation.min_contacts["tp-service-client-distance"], 7);
    assert_eq!(tp.observation.max_minutes, 90);
    let distance = policy.for_certificate("distance");
    assert!(distance.phases.quiz);
    assert_eq!(distance.observation.max_minutes, 120);
    assert_eq!(distance.pass_rule, PassRule::AllActivities);
    assert_eq!(distance.units.kept_years, None, "kept for life by default");
}

#[test]
fn an_unknown_certificate_is_named_at_its_line() {
    let extra = "[certificats.distanse.levels]\nrequired = 4\n";
    let d = load(extra).unwrap_err();
    let diag = d.iter().find(|x| x.field == "certificats.distanse").unwrap_or_else(|| panic!("{d}"));
    assert_eq!(diag.location.line, line_of(extra, "[certificats.distanse.levels]"));
    assert!(
        diag.to_string().contains("did you mean `distance`?") || d.to_string().contains("distance"),
        "{d}"
    );
}

#[test]
fn an_unknown_key_and_a_wrong_type_are_named_at_their_line() {
    let extra = "[certificats.accueil.levels]\nrequis = 4\n";
    let d = load(extra).unwrap_err();
    assert_eq!(d.0[0].location.line, line_of(extra, "requis = 4"), "{d}");
    assert!(d.to_string().contains("requis"), "{d}");
    let extra = "[certificats.accueil.observation]\nmax_minutes = \"deux heures\"\n";
    let d = load(extra).unwrap_err();
    assert_eq!(d.0[0].location.line, line_of(extra, "max_minutes = \"deux"), "{d}");
}

#[test]
fn every_overridden_number_is_range_checked_at_its_line() {
    let extra =
        "[certificats.accueil.levels]\nrequired = 6\n[certificats.accueil.observation]\nmin_contacts = 0\n";
    let d = load(extra).unwrap_err();
    let required =
        d.iter().find(|x| x.field == "certificats.accueil.levels.required").unwrap_or_else(|| panic!("{d}"));
    assert_eq!(required.location.line, line_of(extra, "required = 6"));
    let contacts = d
        .iter()
        .find(|x| x.field == "certificats.accueil.observation.min_contacts.accueil")
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(contacts.location.line, line_of(extra, "min_contacts = 0"));
    // Only the overridden numbers: the default's are not reported again.
    assert_eq!(d.0.len(), 2, "{d}");
}

#[test]
fn a_modality_of_a_phase_not_required_and_a_per_unit_rule_without_units_are_refused() {
    let d = load("[certificats.point-de-distribution.phases]\nquiz = false\n").unwrap_err();
    assert!(d.iter().any(|x| x.field == "certificats.point-de-distribution.modalities.transversal"), "{d}");
    let d = load("[certificats.distance]\npass_rule = \"per-unit\"\n").unwrap_err();
    let diag =
        d.iter().find(|x| x.field == "certificats.distance.pass_rule").unwrap_or_else(|| panic!("{d}"));
    assert_eq!(
        diag.location.line,
        line_of("[certificats.distance]\npass_rule = \"per-unit\"\n", "pass_rule = \"per-unit\"")
    );
}

/// The recevabilité letter of a dossier built by the test builder, as text.
fn letter_of(spec: &Spec) -> String {
    use cqpt::documents::{self, Context, ReportKind};
    let (library, policy) = context();
    let templates = cqpt::render::Templates::load(&cqpt::source::DataSource::Embedded).unwrap();
    let ctx = Context::new(library, policy, &templates, &cqpt::source::DataSource::Embedded);
    let dossier = spec.dossier();
    let e = evaluate(&dossier, library, policy, dossier.latest_date());
    crate::documents::pdf_text(&documents::report_pdf(&ctx, ReportKind::Recevabilite, &dossier, &e).unwrap())
}

#[test]
fn the_letter_of_a_titre_professionnel_names_its_own_organisations() {
    let tp = letter_of(&Spec::application("tp-service-client-distance"));
    for needle in [
        "demande de titre professionnel",
        "titres professionnels du ministère chargé de l'emploi",
        "arrêté du 3 juillet 2003",
        "déclarée recevable",
    ] {
        assert!(tp.contains(needle), "missing {needle:?} in:\n{tp}");
    }
    for absent in ["CQPT", "AUVICOM", "CPNE", "télécommunications"] {
        assert!(!tp.contains(absent), "{absent:?} in the letter of a titre professionnel:\n{tp}");
    }
    // The CQPT keep theirs (the default).
    for certificate in ["distance", "point-de-distribution"] {
        let cqpt = letter_of(&Spec::application(certificate));
        for needle in [
            "AUVICOM",
            "demande de CQPT",
            "certificats de qualification professionnelle des télécommunications",
        ] {
            assert!(cqpt.contains(needle), "missing {needle:?} in:\n{cqpt}");
        }
    }
}

#[test]
fn the_texts_of_a_certificate_override_the_default_key_by_key() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/referentiels/documents.toml")).unwrap();
    let texts =
        cqpt::documents::texts::Texts::load(&SourceFile { name: "documents.toml".into(), text }).unwrap();
    let tp = texts.for_certificate("tp-service-client-distance");
    assert_eq!(tp.famille.sigle, "titre professionnel");
    assert_eq!(tp.cpne.nom, "Ministère chargé de l'emploi");
    assert!(
        tp.lettre_recevabilite.objet_recevable.contains("demande de titre professionnel « {certificat} »")
    );
    // Not overridden: the default's.
    assert_eq!(tp.auvicom.lieu, texts.auvicom.lieu);
    assert_eq!(tp.lettre_recevabilite.delai_recours, "deux mois");
    let distance = texts.for_certificate("distance");
    assert!(distance.lettre_recevabilite.objet_recevable.contains("demande de CQPT « {certificat} »"));
    assert_eq!(distance.auvicom.nom, "AUVICOM");
}

#[test]
fn validate_names_a_policy_or_texts_of_an_unknown_certificate_at_its_line() {
    use crate::common::{cqpt, edit, run_cmd};
    let dir = tempfile::tempdir().unwrap();
    for folder in ["referentiels", "grids"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(crate::common::root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.path().join(folder).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let texts = dir.path().join("referentiels/documents.toml");
    edit(
        &texts,
        "[certificats.tp-service-client-distance.famille]",
        "[certificats.tp-service-clients.famille]",
    );
    let policy = dir.path().join("referentiels/politique.toml");
    std::fs::write(&policy, format!("{}\n[certificats.acceuil.levels]\nrequired = 4\n", shipped())).unwrap();
    let run = run_cmd(cqpt().args(["referentiel", "validate", "--format", "json"]).arg(dir.path()));
    assert_eq!(run.code, 3, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}", run.stderr));
    let diags = v["diagnostics"].as_array().unwrap();
    for (file, id) in [(&texts, "tp-service-clients"), (&policy, "acceuil")] {
        let d = diags
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains(&format!("no certificate has the id `{id}`")))
            .unwrap_or_else(|| panic!("{id}: {diags:#?}"));
        let text = std::fs::read_to_string(file).unwrap();
        let line = usize::try_from(d["location"]["line"].as_u64().unwrap()).unwrap();
        assert!(text.lines().nth(line - 1).unwrap().starts_with(&format!("[certificats.{id}.")), "{d:#}");
    }
}

/// The grids of a titre professionnel name its own family and certifier, never the CQPT's.
#[test]
fn the_grids_of_a_titre_professionnel_say_neither_cqpt_nor_cpne() {
    for kind in ["observation", "preuves", "globale"] {
        let r = crate::common::run(&["grid", "tp-service-client-distance", kind, "--text"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("titre professionnel «"), "{kind}:\n{}", r.stdout);
        assert!(!r.stdout.contains("CQPT") && !r.stdout.contains("CPNE"), "{kind}:\n{}", r.stdout);
    }
    let cqpt = crate::common::run(&["grid", "distance", "globale", "--text"]);
    assert!(cqpt.stdout.contains("CQPT «"), "{}", cqpt.stdout);
}
