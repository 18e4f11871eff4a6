//! Personal data under the RGPD: a candidate's archive, erasure without breaking the registry,
//! and who is due for erasure on each side of the retention's last day.

use crate::common::run;
use crate::store::{import_examples, scratch_store};
use cqpt::retention::Retention;
use cqpt::store::Store;
use std::io::Read;

fn archive_names(bytes: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    zip.file_names().map(|n| n.unwrap().into_owned()).collect()
}

fn archive_file(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn the_export_holds_everything_about_the_candidate() {
    let (_dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let d = store.dossiers().unwrap()[0].clone();
    store.add_file("officer", &d.id, "bulletin de paie.pdf", "application/pdf", b"%PDF-1.7 payslip").unwrap();
    store.add_document("officer", &d.id, "lettre-recevabilite", b"%PDF-1.7 letter").unwrap();
    let bytes = store.subject_export(&d.candidate).unwrap();
    let mut names = archive_names(&bytes);
    names.sort();
    assert!(names.contains(&"candidat.json".to_string()), "{names:?}");
    assert!(names.contains(&format!("dossiers/{}.yaml", d.id)), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with(&format!("fichiers/{}/", d.id)) && n.ends_with("bulletin_de_paie.pdf"))
    );
    assert!(names.iter().any(|n| n.starts_with(&format!("documents/{}/", d.id))));
    let json: serde_json::Value = serde_json::from_str(&archive_file(&bytes, "candidat.json")).unwrap();
    assert_eq!(json["candidate"]["id"], d.candidate.as_str());
    assert!(json["candidate"]["family_name"].is_string());
    assert_eq!(json["files"][0]["size"], 16);
    assert!(json["registry"].as_array().unwrap().len() >= 3);
    assert_eq!(
        archive_file(&bytes, &format!("dossiers/{}.yaml", d.id)),
        store.dossier_yaml(&d.id).unwrap().unwrap().unwrap()
    );
    // The same data gives the same archive.
    assert_eq!(bytes, store.subject_export(&d.candidate).unwrap());
}

#[test]
fn erasure_removes_the_personal_data_and_keeps_the_summaries() {
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    let d = store.dossiers().unwrap()[0].clone();
    let file = store.add_file("officer", &d.id, "contrat.pdf", "application/pdf", b"contract").unwrap();
    let erasure = store.erase_candidate("dpo", &d.candidate).unwrap();
    assert_eq!((erasure.files, erasure.documents), (1, 0));
    assert!(erasure.dossiers >= 1);
    assert_eq!(store.dossier_yaml(&d.id).unwrap(), Some(None));
    assert!(store.file_bytes(file.id).unwrap().is_none());
    let after = store.dossiers().unwrap().into_iter().find(|x| x.id == d.id).unwrap();
    assert!(after.erased);
    assert_eq!((after.certificate, after.state), (d.certificate, d.state));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let names: Option<String> = conn
        .query_row("SELECT family_name FROM candidates WHERE id = ?1", [&d.candidate], |r| r.get(0))
        .unwrap();
    assert_eq!(names, None);
    let blobs: i64 = conn.query_row("SELECT count(*) FROM blobs", [], |r| r.get(0)).unwrap();
    assert_eq!(blobs, 0);
    let json: serde_json::Value =
        serde_json::from_str(&archive_file(&store.subject_export(&d.candidate).unwrap(), "candidat.json"))
            .unwrap();
    assert!(json["candidate"]["family_name"].is_null());
    assert_eq!(json["candidate"]["erased"], true);
    assert!(store.verify_registry().is_ok());
    assert!(matches!(
        store.erase_candidate("dpo", "nobody"),
        Err(cqpt::store::StoreError::NotFound { what: "candidate", .. })
    ));
}

#[test]
fn a_candidate_is_due_for_erasure_the_day_after_the_last_day_kept() {
    let (_dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let retention = Retention { dossier: 100, fichier: 10, session_connexion: 1, echec_connexion: 1 };
    let d = store.dossiers().unwrap()[0].clone();
    let latest = store
        .dossiers()
        .unwrap()
        .into_iter()
        .filter(|x| x.candidate == d.candidate)
        .map(|x| x.latest_date)
        .max()
        .unwrap();
    let last_day = latest.add_days(100);
    let due =
        |day| store.due_for_erasure(day, &retention).unwrap().into_iter().any(|x| x.candidate == d.candidate);
    assert!(!due(last_day), "kept through its last day");
    assert!(due(last_day.add_days(1)), "due the day after");
    store.erase_candidate("dpo", &d.candidate).unwrap();
    assert!(
        !store
            .due_for_erasure(last_day.add_days(1), &retention)
            .unwrap()
            .iter()
            .any(|x| x.candidate == d.candidate)
    );
}

#[test]
fn the_cli_exports_erases_and_lists_what_is_due() {
    let (dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    let candidate = store.dossiers().unwrap()[0].candidate.clone();
    drop(store);
    let s = path.to_str().unwrap();
    let archive = dir.path().join("export.zip");
    let r = run(&["rgpd", "export", &candidate, archive.to_str().unwrap(), "--store", s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(archive_names(&std::fs::read(&archive).unwrap()).contains(&"candidat.json".to_string()));
    let r = run(&["rgpd", "due", "--date", "2100-01-01", "--store", s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(&candidate), "{}", r.stdout);
    let r = run(&["rgpd", "erase", &candidate, "--store", s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["rgpd", "due", "--date", "2100-01-01", "--store", s]);
    assert!(!r.stdout.contains(&candidate), "{}", r.stdout);
    let r = run(&["registry", "verify", "--store", s]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = run(&["rgpd", "erase", "nobody", "--store", s]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no candidate nobody"), "{}", r.stderr);
}
