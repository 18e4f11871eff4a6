//! Competences, units, per-place wordings and the completeness of a data folder (issue 13):
//! broken copies of the shipped files, every problem reported at once with its file, line and
//! field.

use crate::common::{Run, copy_data, cqpt, edit, root, run_cmd};
use cqpt::source::DataSource;
use serde_json::Value;
use std::path::Path;

/// `cqpt referentiel validate --format json PATH`: the exit status and the diagnostics.
fn validate(path: &Path) -> (Run, Vec<Value>) {
    let run = run_cmd(cqpt().args(["referentiel", "validate", "--format", "json"]).arg(path));
    let v: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}", run.stderr));
    let list = v["diagnostics"].as_array().unwrap().clone();
    (run, list)
}

/// The diagnostic whose message contains `needle`, as (file name, line, field).
fn find(diags: &[Value], needle: &str) -> (String, u64, String) {
    let d = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no diagnostic {needle:?} in {diags:#?}"));
    let file = d["location"]["file"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    (file, d["location"]["line"].as_u64().unwrap(), d["field"].as_str().unwrap().to_string())
}

#[test]
fn broken_units_competences_and_wordings_are_all_named_at_once() {
    let data = copy_data();
    let tp = data.path().join("referentiels/tp-service-client-distance.yaml");
    // A unit naming an activity that does not exist, and so leaving one core activity out.
    let dangling = edit(&tp, "activities: [tp-demarche-commerciale]", "activities: [tp-demarche-commercial]");
    // A competence in a unit while its activity is whole in another.
    let twice = edit(
        &tp,
        "activities: [tp-demarche-commercial]",
        "activities: [tp-demarche-commercial]\n    competences: [tp1-reguler]",
    );
    // A wording mapping without its wording.
    let no_wording = edit(
        &tp,
        "{ id: sf-appliquer-techniques-relation-distance, wording:",
        "{ id: sf-appliquer-techniques-relation-distance, wordin:",
    );
    // Knowledge written at two levels of one branch.
    let acc = data.path().join("referentiels/accueil.yaml");
    let two_levels = edit(
        &acc,
        "        code: C1.3\n",
        "        code: C1.3\n        knowledge: { connaissances: [c-regles-confidentialite] }\n",
    );
    let (run, diags) = validate(data.path());
    assert_eq!(run.code, 3, "{}", run.stderr);
    let tp_name = "tp-service-client-distance.yaml".to_string();
    let (file, line, field) = find(&diags, "names `tp-demarche-commercial`");
    assert_eq!((file.as_str(), field.as_str()), (tp_name.as_str(), "units[1].activities[0]"));
    assert!(line as usize <= dangling && line as usize >= dangling - 4, "{line} vs {dangling}");
    let (_, _, field) = find(&diags, "is in two units");
    assert_eq!(field, "units[1].competences[0]");
    let (file, line, _) = find(&diags, "core activity `tp-demarche-commerciale` is in no unit");
    assert_eq!(file, tp_name);
    assert!(line > twice as u64);
    let (file, line, _) = find(&diags, "unknown key");
    assert_eq!((file, line as usize), (tp_name.clone(), no_wording));
    let (file, line, field) = find(&diags, "knowledge written both here and under");
    assert_eq!(file, "accueil.yaml");
    assert_eq!(field, "activities[0].competences[1].knowledge");
    assert!((line as usize) < two_levels, "at the competence");
    assert!(diags.len() >= 5, "{diags:#?}");
}

/// A data folder with the shipped référentiels, policy and grids.
fn data_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["referentiels", "grids"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.path().join(folder).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

#[test]
fn a_certificate_without_its_grid_or_its_policy_entry_is_named_by_validate() {
    let data = data_folder();
    let (run, diags) = validate(data.path());
    assert_eq!(run.code, 0, "{diags:#?}");
    std::fs::remove_file(data.path().join("grids/accueil.yaml")).unwrap();
    edit(&data.path().join("referentiels/politique.toml"), "tp-service-client-distance = 5\n", "");
    let (run, diags) = validate(data.path());
    assert_eq!(run.code, 3);
    // The grid: at the `id:` line of the certificate's file.
    let (file, line, field) = find(&diags, "`accueil` has no grid file");
    assert_eq!((file.as_str(), field.as_str()), ("accueil.yaml", "id"));
    let text = std::fs::read_to_string(data.path().join("referentiels/accueil.yaml")).unwrap();
    assert_eq!(text.lines().nth(line as usize - 1), Some("id: accueil"));
    // The policy: at its [observation.min_contacts] table.
    let (file, line, _) = find(&diags, "no minimum number of contacts for `tp-service-client-distance`");
    assert_eq!(file, "politique.toml");
    let policy = std::fs::read_to_string(data.path().join("referentiels/politique.toml")).unwrap();
    assert!(policy.lines().nth(line as usize - 1).unwrap().contains("min_contacts"), "line {line}");
    assert_eq!(diags.iter().filter(|d| d["severity"] == "error").count(), 2, "{diags:#?}");
}

#[test]
fn example_generate_works_for_every_shipped_certificate() {
    let out = tempfile::tempdir().unwrap();
    let run = run_cmd(cqpt().args(["example", "generate", "--count", "8", "--out"]).arg(out.path()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut certificates: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .filter_map(|t| t.lines().find_map(|l| l.strip_prefix("certificate: ").map(str::to_string)))
        .collect();
    certificates.sort();
    certificates.dedup();
    assert_eq!(certificates, ["accueil", "distance", "point-de-distribution", "tp-service-client-distance"]);
}

#[test]
fn a_unit_may_group_competences_of_an_activity_rather_than_the_whole_activity() {
    let mut files = DataSource::Embedded.referentiel_files().unwrap();
    let tp = files.iter_mut().find(|f| f.file_name() == "tp-service-client-distance.yaml").unwrap();
    tp.text =
        tp.text.replace("activities: [tp-assistance-conseil]", "competences: [tp1-reguler, tp1-accueillir]");
    let loaded = cqpt::referentiel::load(&files).unwrap_or_else(|d| panic!("{d}"));
    let r = loaded.library.referentiel("tp-service-client-distance").unwrap();
    let unit = r.unit("ccp-1").unwrap();
    assert_eq!(r.unit_of("tp-assistance-conseil").map(|u| u.id.as_str()), Some("ccp-1"));
    assert_eq!(r.unit_of_competence("tp1-accueillir").map(|u| u.id.as_str()), Some("ccp-1"));
    assert_eq!(r.unit_of_competence("tp1-identifier-service"), None);
    assert_eq!(r.unit_items(unit), ["sf-reguler-activite-flux-appels", "sf-accueillir-client-telephone"]);
    // The other unit still groups its whole activity.
    assert_eq!(r.unit_of_competence("tp2-reguler").map(|u| u.id.as_str()), Some("ccp-2"));
}
