//! Sessions at scale: generated dossiers give what they were built for; a bad dossier does not
//! stop the others; outputs are identical from one run to the next; the bilan's figures match a
//! generated session whose counts are known.

use crate::builder::context;
use crate::common::{cqpt, root, run_cmd};
use cqpt::dossier::{Proposal, load_dossier};
use cqpt::phases::evaluate;
use cqpt::session::summary;
use cqpt::source::SourceFile;
use cqpt::synthetic::{Generated, generate};
use std::collections::BTreeMap;
use std::path::Path;

fn generated(count: usize, seed: u64, years: &[i32]) -> Vec<Generated> {
    let (library, policy) = context();
    generate(library, policy, count, seed, years)
}

fn write_all(dir: &Path, dossiers: &[Generated]) {
    for g in dossiers {
        std::fs::write(dir.join(&g.file_name), &g.yaml).unwrap();
    }
}

#[test]
fn generated_dossiers_give_the_outcome_they_were_built_for() {
    let (library, policy) = context();
    let dossiers = generated(400, 7, &[2025, 2026]);
    let mut seen_reasons = std::collections::BTreeSet::new();
    let mut seen_routes = std::collections::BTreeSet::new();
    let mut seen_proposals = std::collections::BTreeSet::new();
    for g in &dossiers {
        let d = load_dossier(&SourceFile { name: g.file_name.clone(), text: g.yaml.clone() }, library)
            .unwrap_or_else(|e| panic!("{}: {e}", g.file_name));
        let e = evaluate(&d, library, policy, d.latest_date());
        let reasons: Vec<&str> = e.recevabilite.reasons.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(reasons, g.intended.reason.into_iter().collect::<Vec<_>>(), "{}", g.file_name);
        let errors: Vec<&str> = e.findings.iter().filter(|f| f.is_error()).map(|f| f.code.as_str()).collect();
        assert_eq!(errors, g.intended.blocked_by.into_iter().collect::<Vec<_>>(), "{}", g.file_name);
        assert_eq!(e.synthese.as_ref().map(|s| s.proposal), g.intended.proposal, "{}", g.file_name);
        assert_eq!(e.decision.as_ref().map(|d| d.outcome), g.intended.decision, "{}", g.file_name);
        seen_reasons.extend(g.intended.reason);
        seen_routes.insert(g.intended.route.clone());
        seen_proposals.extend(g.intended.proposal);
    }
    assert_eq!(seen_reasons.len(), cqpt::phases::Reason::ALL.len(), "every rejection reason is represented");
    assert!(seen_routes.len() >= 7, "{seen_routes:?}");
    assert_eq!(
        seen_proposals.len(),
        <Proposal as strum::VariantNames>::VARIANTS.len(),
        "every proposal is represented: {seen_proposals:?}"
    );
}

#[test]
fn a_session_with_a_bad_dossier_processes_the_others_and_reruns_identically() {
    let input = tempfile::tempdir().unwrap();
    let dossiers = generated(24, 3, &[2026]);
    write_all(input.path(), &dossiers);
    let bad = "candidate: {id: X-1, family_name: Faux, given_name: Dossier}\ncertificate: distance\nroute: plan-de-formation\nemployment: []\ndocuments: []\napplication: {submitted: 2026-02-30}\n";
    std::fs::write(input.path().join("dossier-00000-mauvais.yaml"), bad).unwrap();
    let run_session = |out: &Path| run_cmd(cqpt().args(["session"]).arg(input.path()).arg("--out").arg(out));
    let out1 = tempfile::tempdir().unwrap();
    let r = run_session(out1.path());
    assert_eq!(r.code, 3, "some dossiers failed: {}", r.stderr);
    assert!(
        r.stderr.contains("dossier-00000-mauvais.yaml:6:"),
        "the bad dossier by name and line: {}",
        r.stderr
    );
    assert!(r.stderr.contains("application.submitted"), "{}", r.stderr);
    assert!(r.stdout.contains("24 dossier(s) processed, 1 failed"), "{}", r.stdout);
    // Every good dossier has its document.
    for g in &dossiers {
        let stem = g.file_name.trim_end_matches(".yaml");
        let name = if g.intended.reason.is_some() { "lettre-recevabilite.pdf" } else { "synthese.pdf" };
        assert!(out1.path().join(stem).join(name).is_file(), "{stem}/{name}");
    }
    // The CSV parses back with the same rows, one per good dossier.
    let csv = std::fs::read(out1.path().join("tableau-recapitulatif.csv")).unwrap();
    let rows = summary::from_csv(&csv).unwrap();
    assert_eq!(rows.len(), 24);
    assert_eq!(summary::to_csv(&rows, summary::CsvDialect::French), csv, "the CSV round-trips");
    assert!(std::str::from_utf8(&csv).is_ok());
    let errors = std::fs::read_to_string(out1.path().join("dossiers-en-erreur.txt")).unwrap();
    assert!(errors.contains("dossier-00000-mauvais.yaml"));
    // A second run gives identical files.
    let out2 = tempfile::tempdir().unwrap();
    assert_eq!(run_session(out2.path()).code, 3);
    let files = |dir: &Path| {
        let mut all = BTreeMap::new();
        for entry in walk(dir) {
            all.insert(entry.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&entry).unwrap());
        }
        all
    };
    let (a, b) = (files(out1.path()), files(out2.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(b[k] == *v, "{} differs between runs", k.display());
    }
    assert!(a.keys().any(|k| k.ends_with("tableau-recapitulatif.pdf")));
    assert!(!a.keys().any(|k| k.to_string_lossy().ends_with(".tmp")), "no temporary file left");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_bundled_session_runs() {
    let out = tempfile::tempdir().unwrap();
    let r =
        run_cmd(cqpt().args(["session"]).arg(root().join("examples/dossiers")).arg("--out").arg(out.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows =
        summary::from_csv(&std::fs::read(out.path().join("tableau-recapitulatif.csv")).unwrap()).unwrap();
    let examples = std::fs::read_dir(root().join("examples/dossiers")).unwrap().count();
    assert_eq!(rows.len(), examples);
    let text =
        crate::documents::pdf_text(&std::fs::read(out.path().join("tableau-recapitulatif.pdf")).unwrap());
    assert!(text.contains("Tableau récapitulatif des dossiers"), "{text}");
    assert!(text.contains("CQ-2025-0112") && text.contains("Fontaine"));
}

#[test]
fn the_bilan_figures_match_a_generated_session() {
    let input = tempfile::tempdir().unwrap();
    let dossiers = generated(160, 11, &[2025, 2026]);
    write_all(input.path(), &dossiers);
    let out = tempfile::tempdir().unwrap();
    let r = run_cmd(
        cqpt()
            .args(["bilan"])
            .arg(input.path())
            .args(["--year", "2026", "--csv-dialect", "rfc4180", "--out"])
            .arg(out.path()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The CPNE reviews its CQPT only: the other certifiers' dossiers are counted apart.
    let cqpt =
        |g: &&Generated| ["distance", "point-de-distribution"].contains(&g.intended.certificate.as_str());
    let all: Vec<&Generated> = dossiers.iter().filter(|g| g.intended.year == 2026).collect();
    let year: Vec<&Generated> = all.iter().copied().filter(cqpt).collect();
    let csv = std::fs::read_to_string(out.path().join("bilan-2026.csv")).unwrap();
    let mut figures: BTreeMap<(String, String), usize> = BTreeMap::new();
    for record in csv::Reader::from_reader(csv.as_bytes()).records() {
        let record = record.unwrap();
        figures.insert((record[0].to_string(), record[1].to_string()), record[3].parse().unwrap());
    }
    let count = |f: &dyn Fn(&&Generated) -> bool| year.iter().filter(|g| f(g)).count();
    assert_eq!(figures[&("dossiers".into(), String::new())], year.len());
    assert_eq!(figures[&("dossiers".into(), "autres-certificateurs".into())], all.len() - year.len());
    assert!(all.len() > year.len(), "the generated dossiers include other certifiers'");
    assert_eq!(figures[&("recevabilite".into(), "taux".into())], count(&|g| g.intended.reason.is_none()));
    for certificate in ["distance", "point-de-distribution"] {
        assert_eq!(
            figures[&("certificat".into(), certificate.into())],
            count(&|g| g.intended.certificate == certificate)
        );
    }
    for g in &year {
        let route = &g.intended.route;
        assert_eq!(
            figures[&("voie_acces".into(), route.clone())],
            count(&|h| h.intended.route == *route),
            "{route}"
        );
    }
    for (label, p) in [
        ("attribution", Proposal::Attribution),
        ("evaluation-complementaire", Proposal::EvaluationComplementaire),
        ("non-attribution", Proposal::NonAttribution),
    ] {
        let expected = count(&|g| g.intended.proposal == Some(p));
        assert_eq!(
            figures.get(&("proposition".into(), label.into())).copied().unwrap_or(0),
            expected,
            "{label}"
        );
        let decided = count(&|g| g.intended.decision == Some(p));
        assert_eq!(
            figures.get(&("decision".into(), label.into())).copied().unwrap_or(0),
            decided,
            "decision {label}"
        );
    }
    assert_eq!(
        figures.get(&("proposition".into(), "bloque".into())).copied().unwrap_or(0),
        count(&|g| g.intended.blocked_by.is_some())
    );
    for reason in cqpt::phases::Reason::ALL {
        let expected = count(&|g| g.intended.reason == Some(reason.as_str()));
        assert_eq!(
            figures.get(&("motif_rejet".into(), reason.as_str().into())).copied().unwrap_or(0),
            expected,
            "{}",
            reason.as_str()
        );
    }
    // The mean levels are between the levels the generator gives.
    for record in csv::Reader::from_reader(csv.as_bytes()).records() {
        let record = record.unwrap();
        if &record[0] == "niveau_moyen_savoir" || &record[0] == "niveau_moyen_activite" {
            let v: f64 = record[4].parse().unwrap();
            assert!((1.0..=4.0).contains(&v), "{record:?}");
        }
    }
    let text = crate::documents::pdf_text(&std::fs::read(out.path().join("bilan-2026.pdf")).unwrap());
    assert!(text.contains("Bilan annuel 2026") && text.contains("Niveau moyen par activité"), "{text}");
}

/// A folder of dossiers with `names` copied from a small example dossier.
fn folder_with(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("examples/dossiers/05-non-recevable-route-not-admitted.yaml");
    for name in names {
        std::fs::copy(&example, dir.path().join(name)).unwrap();
    }
    dir
}

fn session(input: &Path, out: &Path) -> crate::common::Run {
    run_cmd(cqpt().args(["session"]).arg(input).arg("--out").arg(out))
}

/// Every entry of the folder is processed or listed; nothing is opened that is not a regular
/// file inside the folder; nothing of a file that is not a dossier is echoed.
#[test]
fn no_entry_of_the_folder_vanishes_and_none_is_echoed() {
    let input = folder_with(&["a.yaml", "a.yml", "b.YAML", "README.md"]);
    let dir = input.path();
    std::os::unix::fs::symlink(dir.join("nothing-here"), dir.join("c.yaml")).unwrap();
    let fifo = std::process::Command::new("mkfifo").arg(dir.join("d.yaml")).status().unwrap();
    assert!(fifo.success());
    std::fs::create_dir(dir.join("e.yaml")).unwrap();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("passwd"), "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    std::os::unix::fs::symlink(secret.path().join("passwd"), dir.join("f.yaml")).unwrap();
    std::fs::write(dir.join("g.yaml"), "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = session(dir, out.path());
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stdout.contains("1 dossier(s) processed, 7 failed"), "{}", r.stdout);
    assert!(out.path().join("b/lettre-recevabilite.pdf").is_file(), "b.YAML is a dossier");
    let report = std::fs::read_to_string(out.path().join("dossiers-en-erreur.txt")).unwrap();
    for (name, why) in [
        ("a.yaml", "same output folder"),
        ("a.yml", "same output folder"),
        ("c.yaml", "broken link"),
        ("d.yaml", "not a regular file"),
        ("e.yaml", "a folder"),
        ("f.yaml", "outside the folder"),
        ("g.yaml", "expected a mapping"),
        ("README.md", "not dossiers"),
    ] {
        let at = report.find(name).unwrap_or_else(|| panic!("{name} vanished:\n{report}"));
        // A dossier's entry gives why after its name; entries that are not dossiers follow
        // their heading.
        let said = if why == "not dossiers" { &report[..at] } else { &report[at..] };
        assert!(said.contains(why), "{name}: {why}\n{report}");
    }
    assert!(!out.path().join("a").exists(), "neither a.yaml nor a.yml overwrote the other");
    for text in [&report, &r.stderr, &r.stdout] {
        assert!(!text.contains("root:x"), "a file that is not a dossier was echoed:\n{text}");
    }
}

#[test]
fn a_second_session_into_the_same_folder_fails_while_the_first_runs() {
    let input = folder_with(&["a.yaml"]);
    let out = tempfile::tempdir().unwrap();
    let lock = std::fs::File::create(out.path().join(cqpt::session::outputs::LOCK_FILE)).unwrap();
    lock.lock().unwrap();
    let r = session(input.path(), out.path());
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("another cqpt session is writing into"), "{}", r.stderr);
    assert!(!out.path().join("a").exists(), "nothing written");
    drop(lock);
    assert_eq!(session(input.path(), out.path()).code, 0);
}

/// A rerun removes what the previous run wrote and no longer applies, and the temporary files
/// an interrupted run left behind.
#[test]
fn a_rerun_removes_what_no_longer_applies_and_leftover_temporaries() {
    let input = folder_with(&["a.yaml", "b.yaml"]);
    let out = tempfile::tempdir().unwrap();
    assert_eq!(session(input.path(), out.path()).code, 0);
    assert!(out.path().join("b/lettre-recevabilite.pdf").is_file());
    std::fs::remove_file(input.path().join("b.yaml")).unwrap();
    std::fs::write(out.path().join(".tableau-recapitulatif.csv.99999.tmp"), "half").unwrap();
    std::fs::write(out.path().join("a/.lettre-recevabilite.pdf.12.tmp"), "half").unwrap();
    std::fs::write(out.path().join("mine.txt"), "kept").unwrap();
    let r = session(input.path(), out.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("removed 1 file(s) of an earlier run"), "{}", r.stdout);
    assert!(!out.path().join("b").exists(), "the folder of a removed dossier is gone");
    assert!(out.path().join("a/lettre-recevabilite.pdf").is_file());
    assert!(out.path().join("mine.txt").is_file(), "files cqpt did not write are kept");
    let left: Vec<_> =
        walk(out.path()).into_iter().filter(|p| p.to_string_lossy().ends_with(".tmp")).collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The output folder may sit inside the folder of dossiers: it is neither a dossier nor listed.
#[test]
fn an_output_folder_inside_the_input_is_left_out() {
    let input = folder_with(&["a.yaml"]);
    let out = input.path().join("sortie.yaml");
    assert_eq!(session(input.path(), &out).code, 0);
    let r = session(input.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 dossier(s) processed, 0 failed"), "{}", r.stdout);
    let report = std::fs::read_to_string(out.join("dossiers-en-erreur.txt")).unwrap();
    assert!(!report.contains("sortie"), "{report}");
}

#[test]
fn the_tableau_csv_opens_in_french_spreadsheets_by_default_and_rfc4180_on_request() {
    let out = tempfile::tempdir().unwrap();
    let r = run_cmd(
        cqpt()
            .args(["session", "--documents", "none"])
            .arg(root().join("examples/dossiers"))
            .arg("--out")
            .arg(out.path()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(out.path().join("tableau-recapitulatif.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a byte-order mark");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("dossier;candidat;nom;certificat;"), "{header}");
    assert!(text.contains(";300,00;"), "decimal comma:\n{text}");
    assert!(!text.contains("300.0"), "{text}");
    assert!(
        text.contains("congé individuel de formation (CIF)")
            || text.contains("contrat de professionnalisation")
    );
    assert!(text.contains("moins de 1\u{202f}607\u{a0}heures de travail effectif en trois ans"), "{text}");
    let rows = summary::from_csv(&bytes).unwrap();
    assert!(rows.iter().any(|r| r.montant_euros == 300.0));

    let out = tempfile::tempdir().unwrap();
    let r = run_cmd(
        cqpt()
            .args(["session", "--documents", "none", "--csv-dialect", "rfc4180"])
            .arg(root().join("examples/dossiers"))
            .arg("--out")
            .arg(out.path()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(out.path().join("tableau-recapitulatif.csv")).unwrap();
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with("dossier,candidat,nom,certificat,"), "{text}");
    assert!(text.contains(",300.00,"), "{text}");
    assert_eq!(summary::from_csv(&bytes).unwrap(), rows, "both dialects hold the same rows");
}

/// The files of an output folder a person sees (the lock, the manifest and the hidden
/// temporaries left out), by path relative to it.
fn visible(dir: &Path) -> BTreeMap<std::path::PathBuf, Vec<u8>> {
    walk(dir)
        .into_iter()
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|p| (p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn a_session_killed_midway_leaves_each_file_old_or_new_and_complete() {
    let dossiers = generated(120, 5, &[2026]);
    let old_input = tempfile::tempdir().unwrap();
    write_all(old_input.path(), &dossiers);
    // The same dossiers, each candidate renamed: every document changes.
    let new_input = tempfile::tempdir().unwrap();
    for g in &dossiers {
        let text = g.yaml.replacen("family_name: ", "family_name: Neuf", 1);
        assert_ne!(text, g.yaml);
        std::fs::write(new_input.path().join(&g.file_name), text).unwrap();
    }
    let session = |input: &Path, out: &Path| {
        let mut cmd = cqpt();
        cmd.args(["session"]).arg(input).arg("--out").arg(out).args(["--documents", "all"]);
        cmd
    };
    let reference = |input: &Path| {
        let out = tempfile::tempdir().unwrap();
        assert_eq!(run_cmd(&mut session(input, out.path())).code, 0);
        visible(out.path())
    };
    let (old, new) = (reference(old_input.path()), reference(new_input.path()));
    assert_eq!(old.keys().collect::<Vec<_>>(), new.keys().collect::<Vec<_>>());
    assert!(old.iter().all(|(k, v)| new[k] != *v || k.ends_with("dossiers-en-erreur.txt")));
    // Killed (SIGKILL) at several points of a run over the old outputs; no assertion depends
    // on where the kill lands.
    for delay_ms in [0, 30, 100, 250, 600] {
        let out = tempfile::tempdir().unwrap();
        assert_eq!(run_cmd(&mut session(old_input.path(), out.path())).code, 0);
        let mut child = session(new_input.path(), out.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        for (path, bytes) in visible(out.path()) {
            assert!(
                old.get(&path) == Some(&bytes) || new.get(&path) == Some(&bytes),
                "killed after {delay_ms} ms: {} is neither the old nor the new file",
                path.display()
            );
        }
        // The next run cleans up and gives the new outputs.
        assert_eq!(run_cmd(&mut session(new_input.path(), out.path())).code, 0);
        assert!(visible(out.path()) == new, "the run after the kill gives the new outputs");
        assert!(!walk(out.path()).iter().any(|p| p.to_string_lossy().ends_with(".tmp")), "no temporary left");
    }
}
