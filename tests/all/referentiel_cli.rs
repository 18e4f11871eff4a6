//! `cqpt referentiel list | show | validate` as a user runs them: the JSON for machines and the
//! data folder. The text a person reads is in the snapshots of `cli_snapshots`.

use crate::common::{copy_data, cqpt, edit, root, run, run_cmd};
use serde_json::Value;

fn show_json(id: &str) -> Value {
    let r = run(&["referentiel", "show", id, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn validate_passes_on_the_shipped_files() {
    let r = run(&["referentiel", "validate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("ok: 6 file(s), 5 référentiel(s)"), "{}", r.stdout);
    // The same files on disk, as a folder and as the data folder.
    let r = run_cmd(cqpt().args(["referentiel", "validate"]).arg(root().join("referentiels")));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn show_distance_json_has_four_activities_three_core_one_optional() {
    let v = show_json("distance");
    let activities = v["activities"].as_array().unwrap();
    assert_eq!(activities.len(), 4);
    assert_eq!(activities.iter().filter(|a| a["core"] == true).count(), 3);
    assert_eq!(activities.iter().filter(|a| a["optional"] == true).count(), 1);
    assert_eq!(v["summary"]["core_activities"], 3);
    // The JSON is self-contained: every referenced id is among its items, with a category.
    let items: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    for a in activities {
        for list in ["connaissances", "savoirs_proceduraux", "savoirs_experientiels", "savoir_faire"] {
            for r in a["knowledge"][list].as_array().into_iter().flatten() {
                // An id, or `{ id, wording }` where the text words it its own way there.
                let id = r.as_str().or_else(|| r["id"].as_str()).unwrap();
                assert!(items.contains(&id), "{id} missing from items");
            }
        }
    }
    assert!(v["items"].as_array().unwrap().iter().all(|i| i["category"].is_string()));
}

#[test]
fn show_point_de_distribution_json_has_four_core_activities() {
    let v = show_json("point-de-distribution");
    let activities = v["activities"].as_array().unwrap();
    assert_eq!(activities.len(), 4);
    assert!(activities.iter().all(|a| a["core"] == true));
}

#[test]
fn show_savoirs_communs_json_has_its_three_environments() {
    let v = show_json("savoirs-communs");
    let envs: Vec<&str> =
        v["environments"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(envs, ["technologique", "reglementaire", "commercial-communication"]);
}

#[test]
fn list_names_every_referentiel() {
    let r = run(&["referentiel", "list", "--format", "json"]);
    assert_eq!(r.code, 0);
    let rows: Value = serde_json::from_str(&r.stdout).unwrap();
    let ids: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["accueil", "distance", "point-de-distribution", "savoirs-communs", "tp-service-client-distance"]
    );
    // Four certificates (issue 13), and the savoirs communs.
    let certificates = rows.as_array().unwrap().iter().filter(|r| r["kind"] == "certificat").count();
    assert_eq!(certificates, 4);
}

#[test]
fn a_data_folder_replaces_the_embedded_data_by_flag_or_environment() {
    let data = copy_data();
    edit(
        &data.path().join("referentiels/distance.yaml"),
        "title: Conseiller clientèle à distance",
        "title: Conseiller à distance (copie)",
    );
    let by_flag = run_cmd(cqpt().arg("--data").arg(data.path()).args(["referentiel", "show", "distance"]));
    assert!(by_flag.stdout.starts_with("distance — Conseiller à distance (copie)"), "{}", by_flag.stdout);
    let by_env = run_cmd(cqpt().env("CQPT_DATA", data.path()).args(["referentiel", "show", "distance"]));
    assert_eq!(by_env.stdout, by_flag.stdout);
    // Run from another folder, without a data folder: the embedded copy.
    let embedded = run_cmd(cqpt().current_dir(data.path()).args(["referentiel", "show", "distance"]));
    assert!(embedded.stdout.starts_with("distance — Conseiller clientèle à distance"));
    // A data folder without référentiels is an error that says so.
    let empty = tempfile::tempdir().unwrap();
    let r = run_cmd(cqpt().arg("--data").arg(empty.path()).args(["referentiel", "list"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no `referentiels`, `grids`, `templates` or `quiz` folder in"), "{}", r.stderr);
}

#[test]
fn help_is_written_for_a_person() {
    let r = run(&["referentiel", "validate", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Every problem of every file is printed"));
    let top = run(&["--help"]);
    assert!(top.stdout.contains("Exit status"), "{}", top.stdout);
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::io::Read;
    let mut child = cqpt()
        // More than a pipe holds (122 KB), so the writer meets the closed pipe.
        .args(["quiz", "draw", "--certificate", "point-de-distribution", "--seed", "1", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe is closed
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
