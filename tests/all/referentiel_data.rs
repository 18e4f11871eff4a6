//! The shipped référentiels against the agreement of 23 September 2005 (annexe 1): the counts
//! below were made by hand in the annex, page by page, independently of the data files.

use cqpt::context::load_library;
use cqpt::referentiel::{Category, ItemKind, Library, ReferentielKind};
use cqpt::scale::Level;
use cqpt::source::DataSource;
use std::collections::{BTreeMap, BTreeSet};

fn library() -> Library {
    let loaded = load_library(&DataSource::Embedded).expect("the shipped data is valid");
    assert!(loaded.warnings.is_empty(), "{}", loaded.warnings);
    loaded.library
}

/// (référentiel, core activity, annex page of its knowledge, [connaissances, savoirs
/// procéduraux, savoirs expérientiels, savoir-faire]) as counted in the annex.
const ANNEX_COUNTS: &[(&str, &str, u32, [usize; 4])] = &[
    ("distance", "dist-accueillir", 13, [9, 10, 8, 11]),
    ("distance", "dist-analyser-repondre", 14, [7, 7, 4, 15]),
    ("distance", "dist-fideliser", 15, [8, 4, 2, 9]),
    ("point-de-distribution", "pdd-accueillir", 25, [9, 7, 9, 11]),
    ("point-de-distribution", "pdd-relation-clientele", 26, [9, 8, 4, 12]),
    ("point-de-distribution", "pdd-vendre", 27, [10, 5, 5, 13]),
    ("point-de-distribution", "pdd-vie-boutique", 28, [5, 7, 2, 5]),
];

#[test]
fn every_core_activity_has_the_annex_count_of_each_kind() {
    let lib = library();
    for (referentiel, activity, page, counts) in ANNEX_COUNTS {
        let r = lib.referentiel(referentiel).unwrap();
        let a = r.activity(activity).unwrap_or_else(|| panic!("{activity} missing"));
        assert!(a.core, "{activity} is core");
        let k = a.knowledge.as_ref().unwrap();
        assert_eq!(k.page, Some(*page), "{activity}: annex page");
        for (kind, expected) in ItemKind::ALL.into_iter().zip(counts) {
            assert_eq!(k.of_kind(kind).len(), *expected, "{activity} p. {page}: {}", kind.heading());
        }
    }
    // No core activity of the two CQPT is left out of the table (the other certificates are
    // counted against their seeds in `referentiel_seeds`).
    let core: usize = ["distance", "point-de-distribution"]
        .iter()
        .map(|id| lib.referentiel(id).unwrap().core_activities().count())
        .sum();
    assert_eq!(core, ANNEX_COUNTS.len());
}

#[test]
fn distance_has_three_core_activities_and_one_optional_without_knowledge() {
    let lib = library();
    let r = lib.referentiel("distance").unwrap();
    assert_eq!(r.activities.len(), 4);
    assert_eq!(r.core_activities().count(), 3);
    let optional: Vec<_> = r.activities.iter().filter(|a| a.optional).collect();
    assert_eq!(optional.len(), 1);
    assert!(!optional[0].core && optional[0].knowledge.is_none());
    assert!(optional[0].title.starts_with("Exercer une activité dans un domaine périphérique"));
    // Its four sub-activities (courriers, litiges, technique, animation), all in italics.
    assert_eq!(optional[0].sub_activities.len(), 4);
    assert!(optional[0].sub_activities.iter().flat_map(|s| &s.tasks).all(|t| t.optional));
    let a = r.autonomy.as_ref().unwrap();
    assert_eq!((a.first_months.as_slice(), a.full_months.as_slice()), (&[3, 6][..], &[12][..]));
}

#[test]
fn point_de_distribution_has_four_core_activities() {
    let lib = library();
    let r = lib.referentiel("point-de-distribution").unwrap();
    assert_eq!(r.activities.len(), 4);
    assert_eq!(r.core_activities().count(), 4);
    let a = r.autonomy.as_ref().unwrap();
    assert_eq!((a.first_months.as_slice(), a.full_months.as_slice()), (&[6, 12][..], &[24][..]));
}

#[test]
fn italic_tasks_of_the_core_activities_are_optional() {
    let lib = library();
    let r = lib.referentiel("distance").unwrap();
    let optional: BTreeSet<&str> = r
        .core_activities()
        .flat_map(|a| &a.sub_activities)
        .flat_map(|s| &s.tasks)
        .filter(|t| t.optional)
        .map(|t| t.text.as_str())
        .collect();
    for text in [
        "Le cas échéant, suivre une procédure de diagnostic",
        "Saisir un règlement",
        "Remettre en service une ligne suspendue",
        "Proposer le règlement par prélèvement automatique",
    ] {
        assert!(optional.contains(text), "{text} should be optional: {optional:?}");
    }
}

#[test]
fn savoirs_communs_have_three_environments_with_the_annex_counts() {
    let lib = library();
    let r = lib.referentiel("savoirs-communs").unwrap();
    assert_eq!(r.kind, ReferentielKind::SavoirsCommuns);
    // Annexe 3, p. 29. The technological connaissances list one line twice ("Les logiciels et
    // bases de données client, offres et services"): 10 lines, 9 distinct items.
    let expected = [
        ("technologique", [9, 2, 1]),
        ("reglementaire", [2, 6, 1]),
        ("commercial-communication", [9, 11, 11]),
    ];
    assert_eq!(r.environments.len(), 3);
    for ((id, counts), env) in expected.iter().zip(&r.environments) {
        assert_eq!(env.id, *id);
        for (kind, n) in ItemKind::ALL.into_iter().zip(counts) {
            assert_eq!(env.knowledge.of_kind(kind).len(), *n, "{id} {}", kind.heading());
        }
        assert!(env.knowledge.savoir_faire.is_empty());
    }
    // Annexe 3, p. 30: savoir-faire by group.
    let groups: Vec<usize> = r.savoir_faire_groups.iter().map(|g| g.savoir_faire.len()).collect();
    assert_eq!(groups, vec![7, 13, 10]);
}

/// Where each item is listed: in annexe 3, and by which certificates.
fn listings(lib: &Library) -> BTreeMap<&str, (bool, BTreeSet<&str>)> {
    let mut map: BTreeMap<&str, (bool, BTreeSet<&str>)> = BTreeMap::new();
    for r in &lib.referentiels {
        for (_, reference) in r.item_refs() {
            let entry = map.entry(reference.id.as_str()).or_default();
            match r.kind {
                ReferentielKind::SavoirsCommuns => entry.0 = true,
                ReferentielKind::Certificat => {
                    entry.1.insert(r.id.as_str());
                }
            }
        }
    }
    map
}

#[test]
fn categories_follow_the_rule_of_domain_md() {
    // DOMAIN.md: savoirs communs of annexe 3 are transversal or partiellement spécifique;
    // items found only in one certificate are spécifique. The data refines it (README of
    // referentiels/): annexe 3 and both certificates → transversal.
    let lib = library();
    for (id, (in_annex_3, certificates)) in listings(&lib) {
        let item = lib.item(id).unwrap();
        let expected = match (in_annex_3, certificates.len()) {
            (true, 2) => Category::Transversal,
            (true, _) => Category::PartiellementSpecifique,
            (false, 2) => Category::PartiellementSpecifique,
            (false, _) => Category::Specifique,
        };
        assert_eq!(item.category, expected, "{id} (annexe 3: {in_annex_3}, {certificates:?})");
        if in_annex_3 {
            assert_ne!(item.category, Category::Specifique, "{id}");
        }
    }
}

#[test]
fn an_item_shared_by_activities_and_certificates_is_one_item() {
    let lib = library();
    let places: Vec<&str> = lib
        .referentiels
        .iter()
        .flat_map(|r| {
            r.activities
                .iter()
                .filter(|a| {
                    a.knowledge
                        .as_ref()
                        .is_some_and(|k| k.connaissances.iter().any(|c| c.id == "c-droit-bases-donnees-cnil"))
                })
                .map(|a| a.id.as_str())
        })
        .collect();
    // "Notions de droit relatif aux bases de données clients (CNIL)": pp. 13, 15, 25, 27.
    assert_eq!(places, vec!["dist-accueillir", "dist-fideliser", "pdd-accueillir", "pdd-vendre"]);
    // No two items carry the same wording.
    let mut wordings = BTreeMap::new();
    for item in lib.items.values() {
        for w in std::iter::once(&item.label).chain(&item.wordings) {
            let key = w.to_lowercase();
            if let Some(other) = wordings.insert(key, &item.id) {
                assert_eq!(other, &item.id, "\"{w}\" is the wording of two items");
            }
        }
    }
}

#[test]
fn scales_are_verbatim_from_annexe_3() {
    let lib = library();
    let label =
        |scale: &str, level: u8| lib.scales.get(scale).unwrap().label(Level::new(level).unwrap()).to_string();
    let savoirs: Vec<String> = (0..=5).map(|l| label("savoirs", l)).collect();
    assert_eq!(
        savoirs,
        [
            "ne connaît pas",
            "a entendu parler",
            "notions vagues",
            "bonne connaissance et/ou compréhension",
            "sait expliquer et transmettre",
            "expert"
        ]
    );
    let savoir_faire: Vec<String> = (0..=5).map(|l| label("savoir-faire", l)).collect();
    assert_eq!(
        savoir_faire,
        [
            "n'a pas à faire",
            "ne peut faire qu'accompagné",
            "exécuté en partie",
            "fait entièrement en autonomie",
            "sait expliquer et transmettre",
            "expert"
        ]
    );
    assert_eq!(lib.scales.for_kind(ItemKind::SavoirFaire).unwrap().id, "savoir-faire");
    assert_eq!(lib.scales.for_kind(ItemKind::SavoirExperientiel).unwrap().id, "savoirs");
}

#[test]
fn scan_typos_are_corrected() {
    let lib = library();
    let text: String =
        lib.items
            .values()
            .map(|i| i.label.clone())
            .chain(
                lib.referentiels.iter().flat_map(|r| &r.activities).flat_map(|a| &a.sub_activities).flat_map(
                    |s| s.tasks.iter().map(|t| t.text.clone()).chain(std::iter::once(s.title.clone())),
                ),
            )
            .collect::<Vec<_>>()
            .join("\n");
    for typo in ["hisboriser", "esient", "Raire ", "Noion", "Informé le client", "l'écoulant", "polluer les"]
    {
        assert!(!text.contains(typo), "typo {typo:?} left in the data");
    }
}
