//! `cqpt referentiel export --format case`: the CASE 1.1 package of each référentiel validates
//! against the vendored CASE 1.1 JSON schema (tests/vendor/case), its identifiers are UUID v5,
//! every association joins records of the package, and the same input gives the same bytes.

use crate::common::{cqpt, root, run, run_cmd, transcript, transcript_in};
use serde_json::Value;
use std::collections::BTreeSet;

fn schema() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(root().join("tests/vendor/case/case-v1p1-cfpackage-schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the CASE schema compiles")
}

fn export(id: &str, extra: &[&str]) -> (Vec<u8>, Value) {
    let mut args = vec!["referentiel", "export", "--format", "case", "--date", "2026-11-30", id];
    args.extend_from_slice(extra);
    let out = cqpt().args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let value = serde_json::from_slice(&out.stdout).expect("JSON");
    (out.stdout, value)
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator.iter_errors(value).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn every_referentiel_exports_a_valid_case_package() {
    let validator = schema();
    for id in
        ["distance", "point-de-distribution", "savoirs-communs", "accueil", "tp-service-client-distance"]
    {
        for extra in [&[][..], &["--base-url", "https://referentiels.example.org/"][..]] {
            let (_, package) = export(id, extra);
            let problems = errors(&validator, &package);
            assert!(problems.is_empty(), "{id} {extra:?}: {problems:#?}");
        }
    }
    // The schema does catch a wrong package: an identifier that is not a UUID, a bad date.
    let (_, mut package) = export("distance", &[]);
    package["CFItems"][0]["identifier"] = "c-produits".into();
    package["CFDocument"]["lastChangeDateTime"] = "30/11/2026".into();
    assert_eq!(errors(&validator, &package).len(), 2, "{:#?}", errors(&validator, &package));
}

#[test]
fn identifiers_are_unique_uuid_v5_and_associations_join_records() {
    for id in ["distance", "point-de-distribution", "tp-service-client-distance"] {
        let (_, p) = export(id, &[]);
        let mut ids = BTreeSet::new();
        let doc = p["CFDocument"]["identifier"].as_str().unwrap().to_string();
        ids.insert(doc.clone());
        for item in p["CFItems"].as_array().unwrap() {
            let uuid: uuid::Uuid = item["identifier"].as_str().unwrap().parse().unwrap();
            assert_eq!(uuid.get_version_num(), 5);
            assert!(ids.insert(uuid.to_string()), "{id}: identifier {uuid} twice");
            assert_eq!(item["uri"].as_str().unwrap(), format!("urn:uuid:{uuid}"));
        }
        let mut children = 0;
        for a in p["CFAssociations"].as_array().unwrap() {
            for end in ["originNodeURI", "destinationNodeURI"] {
                let target = a[end]["identifier"].as_str().unwrap();
                assert!(ids.contains(target), "{id}: association to {target}, not in the package");
            }
            children += usize::from(a["associationType"] == "isChildOf");
        }
        // Every item hangs under the document or another item.
        let origins: BTreeSet<&str> = p["CFAssociations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["associationType"] == "isChildOf")
            .map(|a| a["originNodeURI"]["identifier"].as_str().unwrap())
            .collect();
        assert_eq!(origins.len(), ids.len() - 1, "{id}: {children} isChildOf");
    }
}

#[test]
fn a_knowledge_item_has_one_identifier_in_every_package() {
    let (_, d) = export("distance", &[]);
    let (_, p) = export("point-de-distribution", &[]);
    let find = |package: &Value, code: &str| {
        package["CFItems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["humanCodingScheme"] == code)
            .map(|i| i["identifier"].as_str().unwrap().to_string())
    };
    let shared = cqpt::exchange::case::identifier("item", "c-deontologie").to_string();
    assert_eq!(find(&d, "c-deontologie").as_deref(), Some(shared.as_str()));
    assert_eq!(find(&p, "c-deontologie").as_deref(), Some(shared.as_str()));
}

#[test]
fn the_same_input_gives_the_same_bytes_and_another_date_changes_only_dates() {
    let (a, _) = export("distance", &[]);
    let (b, _) = export("distance", &[]);
    assert_eq!(a, b);
    let out = cqpt()
        .args(["referentiel", "export", "--format", "case", "--date", "2027-01-02", "distance"])
        .output()
        .unwrap();
    let c = String::from_utf8(out.stdout).unwrap();
    assert_eq!(c.replace("2027-01-02T00:00:00Z", "2026-11-30T00:00:00Z").as_bytes(), a.as_slice());
}

#[test]
fn writing_to_a_file_and_the_errors_a_user_sees() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("distance-case.json");
    let r = run_cmd(
        cqpt()
            .args(["referentiel", "export", "--format", "case", "--date", "2026-11-30", "distance", "-o"])
            .arg(&file),
    );
    insta::assert_snapshot!("case-export-to-file", transcript_in(&r, dir.path()));
    let (stdout, _) = export("distance", &[]);
    assert_eq!(std::fs::read(&file).unwrap(), stdout);
    let unknown = run(&["referentiel", "export", "--format", "case", "--date", "2026-11-30", "distanse"]);
    insta::assert_snapshot!("case-export-unknown", transcript(&unknown, &[]));
    let base = run(&[
        "referentiel",
        "export",
        "--format",
        "case",
        "--date",
        "2026-11-30",
        "--base-url",
        "ftp://x",
        "distance",
    ]);
    insta::assert_snapshot!("case-export-bad-base", transcript(&base, &[]));
}

#[test]
fn the_document_and_definitions_of_distance() {
    let (_, p) = export("distance", &[]);
    let mut shown = serde_json::Map::new();
    shown.insert("CFDocument".into(), p["CFDocument"].clone());
    shown.insert("CFDefinitions".into(), p["CFDefinitions"].clone());
    shown.insert("first CFItems".into(), Value::Array(p["CFItems"].as_array().unwrap()[..3].to_vec()));
    shown.insert(
        "counts".into(),
        serde_json::json!({
            "CFItems": p["CFItems"].as_array().unwrap().len(),
            "CFAssociations": p["CFAssociations"].as_array().unwrap().len(),
        }),
    );
    insta::assert_snapshot!("case-export-distance-head", serde_json::to_string_pretty(&shown).unwrap());
}
