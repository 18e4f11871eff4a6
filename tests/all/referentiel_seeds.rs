//! The two référentiels beyond the CQPT (issue 13) against their seeds: the counts below were
//! made by hand in the text, row by row, with the line numbers of the seed files
//! (`seeds/004_ee6c608c147ee1b9.txt`, the annex of `seeds/002_a03b99ff3c2e356f.txt`).

use crate::common::run;
use cqpt::context::load_library;
use cqpt::referentiel::{ItemKind, Library};
use cqpt::source::DataSource;
use serde_json::Value;

fn library() -> Library {
    let loaded = load_library(&DataSource::Embedded).expect("the shipped data is valid");
    assert!(loaded.warnings.is_empty(), "{}", loaded.warnings);
    loaded.library
}

/// A row of the table: (seed line of its heading, tasks, savoirs associés, exemples concrets).
type Row = (usize, usize, usize, usize);

/// Seed 004: (activity, competence code, its rows: (seed line of the row heading, tasks
/// "- …", savoirs associés, exemples concrets)), each row counted once (the extraction
/// repeats its cells after the first line).
const ACCUEIL: &[(&str, &str, &[Row])] = &[
    ("acc-accueil-multicanal", "C1.2", &[(11, 1, 4, 4)]),
    ("acc-accueil-multicanal", "C1.3", &[(28, 3, 4, 5)]),
    ("acc-accueil-multicanal", "C1.4", &[(49, 2, 4, 4), (66, 1, 3, 4), (81, 2, 4, 4)]),
    ("acc-accueil-multicanal", "C1.5", &[(98, 3, 3, 5)]),
    ("acc-accueil-multicanal", "C1.6", &[(117, 3, 5, 5)]),
    ("acc-accueil-multicanal", "C1.1", &[(140, 3, 4, 5)]),
    ("acc-interface-organisation", "C2.1", &[(162, 2, 3, 4), (177, 1, 3, 4), (192, 2, 3, 4), (207, 2, 4, 5)]),
    ("acc-interface-organisation", "C2.2", &[(226, 4, 3, 5)]),
    ("acc-interface-organisation", "C2.3", &[(247, 3, 4, 5)]),
    ("acc-interface-commerciale", "C3.1", &[(269, 3, 4, 5), (307, 1, 3, 5)]),
    ("acc-interface-commerciale", "C3.2", &[(290, 2, 3, 5), (324, 3, 3, 5)]),
    ("acc-interface-commerciale", "C3.3", &[(343, 4, 4, 5)]),
];

#[test]
fn accueil_has_every_row_of_seed_004_with_its_tasks_savoirs_and_examples() {
    let lib = library();
    let r = lib.referentiel("accueil").unwrap();
    // Lines 1–9: three activities, each with its code and description.
    let codes: Vec<_> = r.activities.iter().map(|a| a.code.as_deref().unwrap()).collect();
    assert_eq!(codes, ["01", "02", "03"]);
    assert!(r.activities.iter().all(|a| a.core && a.description.is_some()));
    let mut competences = 0;
    for (activity, code, rows) in ACCUEIL {
        let a = r.activity(activity).unwrap();
        let c = a
            .competences
            .iter()
            .find(|c| c.code.as_deref() == Some(code))
            .unwrap_or_else(|| panic!("{code}"));
        competences += 1;
        assert_eq!(c.sub_activities.len(), rows.len(), "{code}: rows");
        for (row, (line, tasks, savoirs, examples)) in c.sub_activities.iter().zip(*rows) {
            let at = format!("{code}, row of line {line} ({})", row.title);
            assert_eq!(row.tasks.len(), *tasks, "{at}: tasks");
            let k = row.knowledge.as_ref().unwrap();
            assert_eq!(k.connaissances.len(), *savoirs, "{at}: savoirs associés");
            assert_eq!(k.refs().count(), *savoirs, "{at}: savoirs associés are connaissances");
            assert_eq!(row.examples.len(), *examples, "{at}: exemples concrets");
        }
    }
    assert_eq!(competences, r.activities.iter().map(|a| a.competences.len()).sum::<usize>());
    // Per activity: tasks, places of savoirs, examples, and distinct items (an item repeated by
    // two rows of an activity counts once there: lines 16/84, 17/85, 18/32, 55/87, 104/122 in
    // activité 1, 182/211 in activité 2).
    for (activity, tasks, places, examples, distinct) in [
        ("acc-accueil-multicanal", 18, 31, 36, 26),
        ("acc-interface-organisation", 14, 20, 27, 19),
        ("acc-interface-commerciale", 13, 17, 25, 17),
    ] {
        let a = r.activity(activity).unwrap();
        assert_eq!(a.tasks().count(), tasks, "{activity}: tasks");
        let rows = a.competences.iter().flat_map(|c| &c.sub_activities);
        assert_eq!(
            rows.filter_map(|s| s.knowledge.as_ref()).map(|k| k.refs().count()).sum::<usize>(),
            places
        );
        assert_eq!(a.examples().count(), examples, "{activity}: examples");
        assert_eq!(a.knowledge.as_ref().unwrap().refs().count(), distinct, "{activity}: distinct items");
    }
    // "Les outils de communication" (line 54) is the item of line 213, worded shorter there.
    let item = lib.item("c-outils-communication").unwrap();
    assert_eq!(item.label, "Les outils de communication (courriel, téléphone, visio)");
    let c14 = r.activity("acc-accueil-multicanal").unwrap().competence("acc-c1-4").unwrap();
    assert_eq!(
        c14.knowledge.as_ref().unwrap().find(&item.id).unwrap().wording_or(item),
        "Les outils de communication"
    );
    assert_eq!(r.activity("acc-accueil-multicanal").unwrap().wording_of(item), "Les outils de communication");
    assert_eq!(r.activity("acc-interface-organisation").unwrap().wording_of(item), item.label);
    assert!(r.units().is_empty(), "the text declares no units");
}

/// Seed 002, annex: the capacités attestées of each unit (lines 929–949 and 953–973).
#[test]
fn the_titre_professionnel_has_two_units_of_eleven_capacites_each_certifiable_alone() {
    let lib = library();
    let r = lib.referentiel("tp-service-client-distance").unwrap();
    let g = r.registration.as_ref().unwrap();
    assert_eq!((g.level.as_deref(), g.nsf.as_deref()), (Some("IV"), Some("312 t"))); // lines 902, 904
    assert_eq!(g.rome, ["14231 - Télévendeur"]); // line 982
    assert_eq!(g.authority.as_deref(), Some("Ministère chargé de l'emploi")); // line 990
    assert_eq!(g.legal_basis.len(), 3); // lines 994–996
    // Art. 3 (lines 873–878): two units, each may be sanctioned by a CCP on its own.
    let units: Vec<_> = r.units().iter().map(|u| (u.id.as_str(), u.certifiable_alone)).collect();
    assert_eq!(units, [("ccp-1", true), ("ccp-2", true)]);
    for (activity, unit, line) in
        [("tp-assistance-conseil", "ccp-1", 927), ("tp-demarche-commerciale", "ccp-2", 951)]
    {
        let a = r.activity(activity).unwrap();
        assert_eq!(a.competences.len(), 11, "{activity} (line {line})");
        assert!(a.competences.iter().all(|c| c.knowledge.as_ref().unwrap().savoir_faire.len() == 1));
        assert_eq!(r.unit_of(activity).map(|u| u.id.as_str()), Some(unit));
        let u = r.unit(unit).unwrap();
        assert_eq!(r.unit_items(u).len(), 11, "{unit}");
        assert!(r.unit_items(u).iter().all(|i| lib.item(i).unwrap().kind == ItemKind::SavoirFaire));
        assert_eq!(r.unit_of_competence(&a.competences[0].id).map(|u| u.id.as_str()), Some(unit));
    }
    // Six capacités are listed by both units (929/955, 935/959, 937/961, 945/969, 947/971,
    // 949/973): one item each, so 11 + 11 − 6 distinct items.
    assert_eq!(
        lib.referentiel("tp-service-client-distance").map(|r| {
            let mut ids: Vec<_> = r.item_refs().map(|(_, x)| x.id.clone()).collect();
            ids.sort();
            ids.dedup();
            ids.len()
        }),
        Some(16)
    );
    // Line 961 words one of them without "les": that place keeps it.
    let item = lib.item("sf-appliquer-techniques-relation-distance").unwrap();
    assert_eq!(r.activity("tp-assistance-conseil").unwrap().wording_of(item), item.label);
    assert_eq!(
        r.activity("tp-demarche-commerciale").unwrap().wording_of(item),
        "Appliquer les techniques et procédures liées à la relation client à distance"
    );
}

fn show_json(id: &str) -> Value {
    let r = run(&["referentiel", "show", id, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn show_json_of_each_certificate_holds_its_competences_examples_and_units() {
    // (certificate, competences, examples, units)
    for (id, competences, examples, units) in [
        ("accueil", 12, 88, 0),
        ("distance", 0, 0, 0),
        ("point-de-distribution", 0, 0, 0),
        ("tp-service-client-distance", 22, 0, 2),
    ] {
        let v = show_json(id);
        assert_eq!(v["summary"]["competences"], competences, "{id}");
        assert_eq!(v["summary"]["examples"], examples, "{id}");
        assert_eq!(v["units"].as_array().map(Vec::len), Some(units), "{id}: units");
        let in_json: usize = v["activities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["competences"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(in_json, competences, "{id}: competences in the JSON");
    }
    let v = show_json("accueil");
    let c12 = &v["activities"][0]["competences"][0];
    assert_eq!(c12["code"], "C1.2");
    assert_eq!(
        c12["sub_activities"][0]["examples"][0],
        "Identifier le type de visiteur (client, usager, fournisseur, partenaire)"
    );
    let v = show_json("tp-service-client-distance");
    assert_eq!(v["units"][1]["activities"][0], "tp-demarche-commerciale");
    assert_eq!(v["units"][1]["certifiable_alone"], true);
    assert_eq!(v["registration"]["nsf"], "312 t");
}
