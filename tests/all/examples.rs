//! Every example dossier under `examples/dossiers/` against its expected outcome (the file of
//! the same name under `examples/expected/`), through the
//! CLI as a user runs it: `cqpt recevabilite` and `cqpt synthese`.

use crate::common::{root, run};
use serde_json::{Value, json};
use std::path::PathBuf;

fn examples() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("examples/dossiers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

fn expected(path: &std::path::Path) -> Value {
    let file = root().join("examples/expected").join(path.file_name().unwrap());
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|_| panic!("{} has no expected outcome", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn codes(findings: &Value, severity: &str) -> Value {
    let mut codes: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == severity)
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    json!(codes)
}

#[test]
fn there_are_examples_for_both_certificates_and_every_outcome() {
    let all: Vec<Value> = examples().iter().map(|p| expected(p)).collect();
    assert!(all.len() >= 12, "{} examples", all.len());
    for proposal in ["attribution", "evaluation-complementaire", "non-attribution"] {
        assert!(all.iter().any(|e| e["proposal"] == proposal), "no example ends in {proposal}");
    }
    for reason in cqpt::phases::Reason::ALL {
        assert!(
            all.iter().any(|e| e["reasons"].as_array().is_some_and(|r| r.contains(&json!(reason.as_str())))),
            "no example rejected for {}",
            reason.as_str()
        );
    }
    for finding in ["evaluator-trained-candidate", "accreditation-expired", "observation-too-few-contacts"] {
        assert!(
            all.iter().any(|e| e["errors"].as_array().unwrap().contains(&json!(finding))),
            "no example with {finding}"
        );
    }
    assert!(all.iter().any(|e| e["carry_over"] == true), "no carry-over example");
}

#[test]
fn every_example_gives_its_expected_outcome() {
    let mut failures = Vec::new();
    for path in examples() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let want = expected(&path);
        let p = path.to_string_lossy().to_string();
        let rec = run(&["recevabilite", "--format", "json", &p]);
        assert_eq!(rec.code, 0, "{name}: {}", rec.stderr);
        let rec: Value = serde_json::from_str(&rec.stdout).unwrap();
        let syn = run(&["synthese", "--format", "json", &p]);
        assert!(syn.code == 0 || syn.code == 4, "{name}: exit {} {}", syn.code, syn.stderr);
        let e: Value = serde_json::from_str(&syn.stdout).unwrap();
        let reasons: Vec<&Value> = rec["reasons"].as_array().unwrap().iter().map(|r| &r["code"]).collect();
        let activities = e["synthese"]["activities"].as_array().map(|list| {
            list.iter()
                .map(|a| (a["id"].as_str().unwrap().to_string(), a["status"].clone()))
                .collect::<serde_json::Map<_, _>>()
        });
        let got = json!({
            "recevabilite": if rec["recevable"] == true { "recevable" } else { "non-recevable" },
            "reasons": reasons,
            "errors": codes(&e["findings"], "error"),
            "warnings": codes(&e["findings"], "warning"),
            "carry_over": e["carry_over"]["applies"] == true,
            "activities": activities,
            "proposal": e["synthese"]["proposal"],
            "funding": { "payer": e["funding"]["payer"], "euros": e["funding"]["euros"] },
        });
        for key in ["recevabilite", "reasons", "errors", "warnings", "carry_over", "proposal"] {
            if got[key] != want[key] {
                failures.push(format!("{name}: {key}: expected {}, got {}", want[key], got[key]));
            }
        }
        let want_activities =
            if want.get("activities").is_some() { want["activities"].clone() } else { Value::Null };
        if got["activities"] != want_activities {
            failures
                .push(format!("{name}: activities: expected {want_activities}, got {}", got["activities"]));
        }
        if got["funding"]["payer"] != want["funding"]["payer"]
            || got["funding"]["euros"].as_f64() != want["funding"]["euros"].as_f64()
        {
            failures.push(format!("{name}: funding: expected {}, got {}", want["funding"], got["funding"]));
        }
        // The exit status says whether a synthesis was made.
        assert_eq!(syn.code == 0, !e["synthese"].is_null(), "{name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
