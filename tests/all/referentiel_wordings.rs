//! Each place keeps its own wording (issue 13, point 5): where the text words a shared item
//! differently on a page, that page's wording is what `Activity::wording_of` gives and what
//! `referentiel show` prints, with the item's id. The places below were found line by line in
//! `seeds/001_7ed9f60e92be22f9.txt` (the knowledge tables of annexe 1, pp. 13–15 and 25–28).

use crate::common::run;
use cqpt::context::load_library;
use cqpt::source::DataSource;

/// (activity, item, seed line, the text at that line).
const PLACES: &[(&str, &str, usize, &str)] = &[
    ("dist-accueillir", "c-expression-orale-ecrite", 369, "Maîtrise de l'expression écrite et orale"),
    (
        "dist-accueillir",
        "c-logiciels-bases-donnees",
        372,
        "Les logiciels et bases de données client, offres, services",
    ),
    ("dist-accueillir", "sp-procedure-qualite", 383, "La procédure qualité"),
    (
        "dist-accueillir",
        "sp-objectifs",
        385,
        "Les objectifs qualitatifs et quantitatifs individuels et collectifs",
    ),
    ("dist-accueillir", "sp-phases-entretien", 386, "Les différentes phases de l'appel"),
    ("dist-accueillir", "se-climat-entretien", 394, "Le climat de l'appel"),
    (
        "dist-accueillir",
        "se-duree-previsible-contact",
        395,
        "La durée prévisible de l'appel en fonction du problème",
    ),
    ("dist-accueillir", "se-mots-positifs", 397, "Les mots positifs"),
    (
        "dist-accueillir",
        "sf-prendre-connaissance-dossier-ecoutant",
        407,
        "Prendre connaissance du dossier du client tout en écoutant poser sa question initiale",
    ),
    (
        "dist-accueillir",
        "sf-synthetiser-historiser",
        412,
        "Synthétiser rapidement les informations clef de l'entretien pour historiser l'appel",
    ),
    (
        "dist-accueillir",
        "sf-sourire-courtois",
        413,
        "Sourire au téléphone et s'exprimer de manière courtoise et empathique",
    ),
    ("dist-analyser-repondre", "c-offres-concurrence", 435, "L'offre des concurrents"),
    (
        "dist-analyser-repondre",
        "c-environnement-technologique",
        436,
        "L'environnement technologique lié aux télécommunications",
    ),
    (
        "dist-analyser-repondre",
        "sp-securisation-contact",
        443,
        "La sécurisation de l'appel (procédure de vérification de l'identité de l'abonné)",
    ),
    (
        "dist-analyser-repondre",
        "sp-autres-interlocuteurs",
        447,
        "Les autres interlocuteurs compétents dans la structure",
    ),
    (
        "dist-analyser-repondre",
        "sf-lire-fiches",
        474,
        "Lire rapidement les fiches descriptives de la base de données",
    ),
    (
        "dist-analyser-repondre",
        "sf-verifier-abonne",
        475,
        "Vérifier si nécessaire que l'appelant est bien l'abonné",
    ),
    ("dist-fideliser", "c-offres-concurrence", 486, "Les offres de la concurrence"),
    ("dist-fideliser", "c-expression-orale-ecrite", 487, "Maîtrise de l'expression écrite et orale"),
    (
        "dist-fideliser",
        "c-environnement-technologique",
        491,
        "L'environnement technologique lié aux télécommunications",
    ),
    ("pdd-accueillir", "c-expression-orale-ecrite", 690, "Maîtrise de l'expression orale"),
    (
        "pdd-accueillir",
        "c-logiciels-bases-donnees",
        693,
        "Les logiciels et bases de données client, offres, services",
    ),
    ("pdd-accueillir", "se-climat-entretien", 712, "Le climat de la visite"),
    (
        "pdd-accueillir",
        "se-duree-previsible-contact",
        713,
        "La durée prévisible du contact en fonction du problème",
    ),
    (
        "pdd-accueillir",
        "sf-synthetiser-historiser",
        736,
        "Synthétiser rapidement les informations clef de l'entretien pour historiser le contact",
    ),
    ("pdd-relation-clientele", "c-offres-concurrence", 753, "L'offre des concurrents"),
    (
        "pdd-relation-clientele",
        "sp-securisation-contact",
        763,
        "La sécurisation de l'appel (procédure de vérification de l'identité de l'abonné)",
    ),
    (
        "pdd-relation-clientele",
        "sf-traiter-reclamation",
        788,
        "Résoudre un litige ou traiter une réclamation",
    ),
    ("pdd-vendre", "c-offres-concurrence", 807, "Les offres de la concurrence"),
];

#[test]
fn each_place_gives_the_wording_of_the_text_there() {
    let lib = load_library(&DataSource::Embedded).unwrap().library;
    for (activity, item, line, text) in PLACES {
        let a = lib.certificates().find_map(|r| r.activity(activity)).unwrap();
        let item = lib.item(item).unwrap();
        assert_ne!(item.label, *text, "{activity}: the label is already the text of line {line}");
        assert_eq!(a.wording_of(item), *text, "{activity}, {} (seed 001 line {line})", item.id);
    }
    // The item keeps one label: a place without its own wording shows it.
    let item = lib.item("c-offres-concurrence").unwrap();
    let communs = lib.referentiel("savoirs-communs").unwrap();
    let in_annexe_3 =
        communs.environments.iter().flat_map(|e| &e.knowledge.connaissances).find(|r| r.id == item.id);
    assert_eq!(
        in_annexe_3.unwrap().wording_or(item),
        "Les offres commerciales des principaux acteurs du marché"
    );
    // Every other reference of a CQPT activity shows the label: the 29 places above are all.
    let with_wording: usize = ["distance", "point-de-distribution"]
        .iter()
        .flat_map(|id| lib.referentiel(id).unwrap().item_refs())
        .filter(|(_, r)| r.wording.is_some())
        .count();
    assert_eq!(with_wording, PLACES.len());
}

#[test]
fn show_prints_the_wording_of_the_place_with_the_item_id() {
    let r = run(&["referentiel", "show", "point-de-distribution"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().map(str::trim).collect();
    assert!(lines.contains(
        &"Résoudre un litige ou traiter une réclamation [partiellement spécifique] sf-traiter-reclamation"
    ));
    assert!(lines.contains(&"Maîtrise de l'expression orale [transversal] c-expression-orale-ecrite"));
    assert!(!r.stdout.contains("Traiter une réclamation et lui donner la suite qui convient ["));
    assert!(!r.stdout.contains("Maîtrise de l'expression orale et écrite ["));
    let json = run(&["referentiel", "show", "point-de-distribution", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let sf = v["activities"][1]["knowledge"]["savoir_faire"].as_array().unwrap();
    let place = sf.iter().find(|r| r["id"] == "sf-traiter-reclamation").unwrap();
    assert_eq!(place["wording"], "Résoudre un litige ou traiter une réclamation");
}

#[test]
fn every_wording_of_a_place_is_one_of_its_items_wordings() {
    // The item's `wordings` list is the catalogue of how the text words it; each place picks one.
    let lib = load_library(&DataSource::Embedded).unwrap().library;
    let mut places = 0;
    for r in &lib.referentiels {
        for (at, k) in r.written_knowledge() {
            for (_, x) in k.refs() {
                let Some(w) = &x.wording else { continue };
                let item = lib.item(&x.id).unwrap();
                assert!(item.wordings.contains(w), "{} {at}: {w:?} not among the wordings of {}", r.id, x.id);
                places += 1;
            }
        }
    }
    // 29 CQPT places, 1 in accueil (line 54 of seed 004), 1 in the titre professionnel (line 961).
    assert_eq!(places, 31);
}

#[test]
fn a_grid_prints_the_wording_of_the_place() {
    let r = run(&["grid", "point-de-distribution", "globale", "--text"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Résoudre un litige ou traiter une réclamation"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("Traiter une réclamation et lui donner la suite qui convient"),
        "{}",
        r.stdout
    );
}
