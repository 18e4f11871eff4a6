//! Every example dossier under `examples/dossiers/` gives the outcome snapshotted under
//! `examples/expected/NAME.snap` (readable YAML, reviewed with `cargo insta review` or by reading
//! the `.snap.new` file insta writes beside it), through the CLI as a user runs it: `cqpt
//! recevabilite` and `cqpt synthese`. Every broken dossier under `examples/broken/` gives the
//! diagnostics snapshotted under `examples/expected/broken/NAME.snap`, as `cqpt dossier check`
//! prints them. A change of decision or of wording shows in review.

use crate::common::{root, run};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn yaml_files(folder: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

/// What a reviewer reads of an example's outcome.
#[derive(Serialize)]
struct Outcome {
    recevabilite: &'static str,
    reasons: Vec<String>,
    errors: Vec<String>,
    warnings: Vec<String>,
    carry_over: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    activities: Option<BTreeMap<String, String>>,
    /// Each unit's status, "(acquise antérieurement)" when kept from an earlier decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    units: Option<BTreeMap<String, String>>,
    proposal: Option<String>,
    /// The proposal of the synthesis after a complementary round, the first one kept above.
    #[serde(skip_serializing_if = "Option::is_none")]
    complement_proposal: Option<String>,
    phase: u64,
    /// The commission's decision, with the units it validates.
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<String>,
    funding: Funding,
}

#[derive(Serialize)]
struct Funding {
    payer: String,
    owed: bool,
    euros: f64,
}

fn codes(findings: &Value, severity: &str) -> Vec<String> {
    let mut codes: Vec<String> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == severity)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn outcome(path: &std::path::Path) -> Outcome {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let p = path.to_string_lossy().to_string();
    let rec = run(&["recevabilite", "--format", "json", &p]);
    assert_eq!(rec.code, 0, "{name}: {}", rec.stderr);
    let rec: Value = serde_json::from_str(&rec.stdout).unwrap();
    let syn = run(&["synthese", "--format", "json", &p]);
    assert!(syn.code == 0 || syn.code == 4, "{name}: exit {} {}", syn.code, syn.stderr);
    let e: Value = serde_json::from_str(&syn.stdout).unwrap();
    // The exit status says whether a synthesis was made.
    assert_eq!(syn.code == 0, !e["synthese"].is_null(), "{name}");
    Outcome {
        recevabilite: if rec["recevable"] == true { "recevable" } else { "non-recevable" },
        reasons: rec["reasons"].as_array().unwrap().iter().map(|r| text(&r["code"])).collect(),
        errors: codes(&e["findings"], "error"),
        warnings: codes(&e["findings"], "warning"),
        carry_over: e["carry_over"]["applies"] == true,
        activities: e["synthese"]["activities"]
            .as_array()
            .map(|list| list.iter().map(|a| (text(&a["id"]), text(&a["status"]))).collect()),
        units: e["synthese"]["units"].as_array().map(|list| {
            list.iter()
                .map(|u| {
                    let kept = if u["kept"].is_null() { "" } else { " (acquise antérieurement)" };
                    (text(&u["id"]), format!("{}{kept}", text(&u["status"])))
                })
                .collect()
        }),
        proposal: e["synthese"]["proposal"].as_str().map(str::to_string),
        complement_proposal: e["complement"]["proposal"].as_str().map(str::to_string),
        phase: e["state"]["phase"].as_u64().unwrap(),
        decision: e["decision"]["outcome"].as_str().map(|o| {
            let units: Vec<String> =
                e["decision"]["units"].as_array().into_iter().flatten().map(text).collect();
            if units.is_empty() { o.to_string() } else { format!("{o}: {}", units.join(", ")) }
        }),
        funding: Funding {
            payer: text(&e["funding"]["payer"]),
            owed: e["funding"]["owed"] == true,
            euros: e["funding"]["euros"].as_f64().unwrap(),
        },
    }
}

fn snapshots(folder: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join(folder));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

#[test]
fn every_example_gives_its_snapshotted_outcome() {
    let all: Vec<(String, Outcome)> = yaml_files("examples/dossiers")
        .iter()
        .map(|p| (p.file_stem().unwrap().to_string_lossy().to_string(), outcome(p)))
        .collect();
    snapshots("examples/expected").bind(|| {
        for (name, outcome) in &all {
            insta::assert_yaml_snapshot!(name.as_str(), outcome);
        }
    });
    // The examples cover both certificates and every outcome.
    assert!(all.len() >= 12, "{} examples", all.len());
    for proposal in ["attribution", "evaluation-complementaire", "non-attribution"] {
        assert!(
            all.iter().any(|(_, o)| o.proposal.as_deref() == Some(proposal)),
            "no example ends in {proposal}"
        );
    }
    for reason in cqpt::phases::Reason::ALL {
        assert!(
            all.iter().any(|(_, o)| o.reasons.iter().any(|r| r == reason.as_str())),
            "no example rejected for {}",
            reason.as_str()
        );
    }
    for finding in ["evaluator-trained-candidate", "accreditation-expired", "observation-too-few-contacts"] {
        assert!(all.iter().any(|(_, o)| o.errors.iter().any(|c| c == finding)), "no example with {finding}");
    }
    assert!(all.iter().any(|(_, o)| o.carry_over), "no carry-over example");
    assert!(all.iter().any(|(_, o)| o.complement_proposal.is_some()), "no complementary round");
}

#[test]
fn every_broken_example_gives_its_snapshotted_diagnostics() {
    let broken = yaml_files("examples/broken");
    assert!(!broken.is_empty());
    let cwd = root();
    snapshots("examples/expected/broken").bind(|| {
        for path in &broken {
            let relative = path.strip_prefix(&cwd).unwrap().to_string_lossy().to_string();
            let out = crate::common::run_cmd(
                crate::common::cqpt().current_dir(&cwd).args(["dossier", "check", &relative]),
            );
            assert_eq!(out.code, 3, "{relative}: {}", out.stderr);
            insta::assert_snapshot!(path.file_stem().unwrap().to_string_lossy().to_string(), out.stderr);
        }
    });
}

#[test]
fn the_commented_template_of_the_examples_readme_is_accepted_as_it_is() {
    let readme = std::fs::read_to_string(root().join("examples/README.md")).unwrap();
    let start = readme.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let file = cqpt::source::SourceFile {
        name: "examples/README.md (template)".into(),
        text: readme[start..end].into(),
    };
    let (library, policy) = &crate::builder::context();
    let dossier = cqpt::dossier::load_dossier(&file, library).unwrap_or_else(|e| panic!("{e}"));
    let e = cqpt::phases::evaluate(&dossier, library, policy, dossier.latest_date());
    assert!(e.recevabilite.recevable, "{:?}", e.recevabilite.reasons);
    // Every top-level key of the format is shown in the template.
    for key in [
        "cqpt_held",
        "evaluating_body",
        "convention",
        "tutor",
        "interview",
        "complement",
        "prediagnostic",
        "preuves",
        "quiz",
        "observation",
        "overrides",
        "synthese",
        "decision",
    ] {
        assert!(readme[start..end].contains(&format!("\n{key}:")), "{key} missing from the template");
    }
}

#[test]
fn the_tableau_recapitulatif_total_is_what_is_owed() {
    let out = tempfile::tempdir().unwrap();
    let r = crate::common::run_cmd(
        crate::common::cqpt()
            .args(["session", "--documents", "none"])
            .arg(root().join("examples/dossiers"))
            .arg("--out")
            .arg(out.path()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let csv = std::fs::read(out.path().join("tableau-recapitulatif.csv")).unwrap();
    let rows = cqpt::session::summary::from_csv(&csv).unwrap();
    let owed: f64 = yaml_files("examples/dossiers").iter().map(|p| outcome(p).funding.euros).sum();
    let total: f64 = rows.iter().map(|r| r.montant_euros).sum();
    assert_eq!(total, owed);
    // Files at phase 1 or 2 count for nothing, though their route is funded.
    for name in ["23-funding-phase-1-recevable-only.yaml", "24-funding-phase-2-evaluated-not-sent.yaml"] {
        let row = rows.iter().find(|r| r.dossier == name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(row.montant_euros, 0.0, "{name}");
    }
    assert!(rows.iter().any(|r| r.dossier.starts_with("01-") && r.montant_euros == 300.0));
}
